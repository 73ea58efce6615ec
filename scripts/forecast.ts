#!/usr/bin/env node
/**
 * `forecast` CLI: trains the LSTM on a CSV, evaluates it and the baselines with the rolling-origin
 * protocol, and writes a model bundle, metrics.json, forecast.csv and report.html.
 *
 *   npm run forecast -- --csv FILE --time COL --target COL --out DIR [options]
 *
 * Exit codes: 0 success; 2 bad arguments or bad data (message on stderr); 130 interrupted (Ctrl-C;
 * nothing written); 1 anything else.
 * A thin wrapper: all work happens in `runForecastJob` (src/job/forecastJob.ts).
 */
import { Command, CommanderError, Option } from 'commander';
import { InputError } from '../src/errors';
import { JobAbortedError, runForecastJob, type ForecastJobOptions } from '../src/job/forecastJob';
import { createProgressReporter } from '../src/job/progress';
import { parseBackendName } from '../src/backend/select';
import { DEFAULT_KERNEL, LSTM_KERNEL_CHOICES, type LstmConfig } from '../src/model/config';
import { DEFAULT_TARGET_TRANSFORM, TARGET_TRANSFORMS } from '../src/model/preprocess';

function integer(flag: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min) {
      throw new InputError(`${flag} must be an integer >= ${min}, got "${value}"`, { argument: flag, value });
    }
    return n;
  };
}

/** `[0, 1)`, or `(0, 1)` with `allowZero` false. */
function fraction(flag: string, allowZero = true) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1 || (!allowZero && n === 0)) {
      throw new InputError(`${flag} must be a number in ${allowZero ? '[0, 1)' : '(0, 1)'}, got "${value}"`, { argument: flag, value });
    }
    return n;
  };
}

function oneOf<T extends string>(flag: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InputError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`, { argument: flag, value });
    }
    return value as T;
  };
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Builds the command; exported for tests. */
export function buildProgram(): Command {
  return new Command('forecast')
    .description('Train an LSTM forecaster on a CSV and evaluate it against naive baselines (rolling origin).')
    .requiredOption('--csv <file>', 'CSV file path or http(s) URL')
    .requiredOption('--time <col>', 'time column (ISO dates or numbers)')
    .requiredOption('--target <col>', 'column to forecast')
    .requiredOption('--out <dir>', 'output directory (must not exist; written atomically)')
    .option('--features <a,b>', 'extra input columns, comma-separated', list, [])
    .option('--season <m>', 'seasonal period in rows (MASE, seasonal naive, default lookback)', integer('--season', 1), 1)
    .option('--horizon <h>', 'forecast steps per origin', integer('--horizon', 1), 1)
    .option('--lookback <l>', 'input rows per window (default: max(2*season, 2*horizon, 8), at most 120 and a quarter of the training rows)', integer('--lookback', 1))
    .option('--test-fraction <f>', 'fraction of rows (the last ones) used as the test range', fraction('--test-fraction', false), 0.2)
    .option('--val-fraction <f>', 'fraction of rows before the test range used for early stopping', fraction('--val-fraction'), 0.1)
    .option('--epochs <e>', 'maximum training epochs (early stopping usually ends sooner)', integer('--epochs', 1))
    .option('--units <u>', 'LSTM units per layer', integer('--units', 1))
    .option('--layers <n>', 'stacked LSTM layers', integer('--layers', 1))
    .option('--seed <s>', 'random seed (same seed + same backend => same result)', integer('--seed', 0), 42)
    .addOption(
      new Option('--missing <policy>', 'missing values: error, drop, ffill, interpolate')
        .argParser(oneOf('--missing', ['error', 'drop', 'ffill', 'interpolate'] as const))
        .default('error'),
    )
    .addOption(
      new Option('--target-transform <t>', `how the network sees the target: ${TARGET_TRANSFORMS.join(', ')}`)
        .argParser(oneOf('--target-transform', TARGET_TRANSFORMS))
        .default(DEFAULT_TARGET_TRANSFORM),
    )
    .option('--backend <name>', 'auto, node-gpu, node, wasm or cpu (default: $TFJS_BACKEND or auto)', (v: string) =>
      parseBackendName(v, '--backend'),
    )
    .addOption(
      new Option(
        '--kernel <name>',
        `LSTM implementation: auto (the fused native/WebAssembly kernel unless the backend runs on a GPU or no kernel loads), fused or stock (default: ${DEFAULT_KERNEL})`,
      ).argParser(oneOf('--kernel', LSTM_KERNEL_CHOICES)),
    )
    .option('--no-progress', 'no progress output')
    // Commander 12 ignores extra arguments by default: `--features temp wind` would drop "wind".
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

/** Runs the CLI; resolves to the exit code. Exported for tests. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  let opts: Record<string, unknown>;
  try {
    program.parse(argv as string[], { from: 'user' });
    opts = program.opts();
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version print and exit 0; everything else is a usage error (already printed).
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof InputError) {
      process.stderr.write(`forecast: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const progress = createProgressReporter({ enabled: opts.progress !== false, stream: process.stderr });
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  const model: Partial<Record<keyof LstmConfig, unknown>> = {};
  if (opts.units !== undefined) model.units = opts.units;
  if (opts.layers !== undefined) model.layers = opts.layers;
  if (opts.kernel !== undefined) model.kernel = opts.kernel;
  const jobOptions: ForecastJobOptions = {
    csv: opts.csv as string,
    time: opts.time as string,
    target: opts.target as string,
    features: opts.features as string[],
    season: opts.season as number,
    horizon: opts.horizon as number,
    lookback: opts.lookback as number | undefined,
    testFraction: opts.testFraction as number,
    valFraction: opts.valFraction as number,
    epochs: opts.epochs as number | undefined,
    seed: opts.seed as number,
    missing: opts.missing as ForecastJobOptions['missing'],
    targetTransform: opts.targetTransform as ForecastJobOptions['targetTransform'],
    backend: opts.backend as ForecastJobOptions['backend'],
    model: model as Partial<LstmConfig>,
    out: opts.out as string,
    onProgress: progress.onProgress,
    log: progress.log,
    signal: controller.signal,
  };
  try {
    const result = await runForecastJob(jobOptions);
    progress.stop();
    const lines = Object.entries(result.metrics.models).map(
      ([name, m]) => `  ${name.padEnd(15)} MASE ${m.mase.toFixed(3)}  sMAPE ${m.smape.toFixed(2)}%  RMSE ${m.rmse.toPrecision(4)}`,
    );
    process.stdout.write(`wrote ${result.out}: ${result.files.join(', ')}\n${lines.join('\n')}\n`);
    return 0;
  } catch (error) {
    progress.stop();
    if (error instanceof InputError) {
      process.stderr.write(`forecast: ${withFlagNames(error.message)}\n`);
      return 2;
    }
    if (error instanceof JobAbortedError) {
      process.stderr.write(`forecast: ${error.message}\n`);
      return 130;
    }
    process.stderr.write(`forecast: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/** The command-line flag of each library option that a flag sets directly. */
const FLAG_OF: Readonly<Record<string, string>> = {
  time: '--time',
  targets: '--target',
  target: '--target',
  features: '--features',
  missing: '--missing',
  season: '--season',
  horizon: '--horizon',
  lookback: '--lookback',
  seed: '--seed',
  targetTransform: '--target-transform',
  out: '--out',
};

/**
 * Library errors name options as `options.<name>` (e.g. `unknown column "CO3" (options.targets)`);
 * on the command line the user typed a flag, so name that instead (`(--target)`).
 */
export function withFlagNames(message: string): string {
  return message.replace(/\boptions\.([A-Za-z]+)\b/g, (whole, name: string) => FLAG_OF[name] ?? whole);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`forecast: failed: ${String(error?.stack ?? error)}\n`);
      process.exitCode = 1;
    },
  );
}
