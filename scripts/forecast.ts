#!/usr/bin/env node
/**
 * `forecast` CLI: trains the LSTM on a CSV, evaluates it and the baselines with the rolling-origin
 * protocol, and writes a model bundle, metrics.json, forecast.csv and report.html.
 *
 *   npm run forecast -- --csv FILE --time COL --target COL --out DIR [options]
 *
 * A thin wrapper: the command line is `src/job/cli.ts` (also the package bin `forecast`), the
 * work `runForecastJob` (src/job/forecastJob.ts). Exit codes: see `--help`.
 */
import { runCli } from '../src/job/cli';
import { runForecastQueue } from '../src/queue/forecastQueue';

export { buildProgram, describeInputError, main, runCli } from '../src/job/cli';

if (require.main === module) runCli(process.argv.slice(2), runForecastQueue);
