/**
 * Accuracy benchmark: the forecast job with its defaults on every series of the suite (real data
 * from vega-datasets, see src/job/accuracySuite.ts), and a table of MASE per series and model.
 * A benchmark, not a timed test.
 *
 *   npm run bench:accuracy -- --out DIR [--only co2,sp500] [--epochs N] [--target-transform T] [--seed S]
 *
 * Writes DIR/accuracy.md, DIR/accuracy.json, DIR/data/<series>.csv and DIR/runs/<series>/ (each
 * job's report.html, metrics.json, forecast.csv and model).
 */
import * as path from 'node:path';
import { Command } from 'commander';
import { InputError } from '../src/errors';
import { accuracyMarkdown, runAccuracyBench, type AccuracyJobSettings } from '../src/job/accuracyBench';
import type { TargetTransform } from '../src/data/transform';

function integer(flag: string) {
  return (text: string): number => {
    if (!/^\d+$/.test(text)) throw new InputError(`${flag} must be a positive integer, got ${JSON.stringify(text)}`);
    return Number(text);
  };
}

async function main(): Promise<number> {
  const program = new Command('bench-accuracy')
    .description('MASE of the LSTM, the baselines and the statistical models on the accuracy suite')
    .requiredOption('--out <dir>', 'output folder (must not exist)')
    .option('--only <names>', 'comma-separated series names')
    .option('--epochs <n>', 'maximum epochs (default: the CLI default)', integer('--epochs'))
    .option('--seed <n>', 'seed (default: the CLI default)', integer('--seed'))
    .option('--target-transform <name>', 'LSTM target transform (default: the CLI default)')
    .option('--data <dir>', 'vega-datasets data folder', path.join(__dirname, '..', 'node_modules', 'vega-datasets', 'data'));
  program.parse();
  const opts = program.opts<{ out: string; only?: string; epochs?: number; seed?: number; targetTransform?: string; data: string }>();
  const job: AccuracyJobSettings = {
    ...(opts.epochs !== undefined ? { epochs: opts.epochs } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.targetTransform !== undefined ? { targetTransform: opts.targetTransform as TargetTransform } : {}),
  };
  const result = await runAccuracyBench({
    dataDir: opts.data,
    out: opts.out,
    only: opts.only?.split(',').map((s) => s.trim()).filter(Boolean),
    job,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(accuracyMarkdown(result));
  return result.failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench-accuracy: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof InputError ? 2 : 1);
  },
);
