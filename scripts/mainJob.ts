/** The `npm start` plan: application code of this repository (it names the main notebook), not part of the library. */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { GlueValue } from '../src/notebook/glue';

/** The notebook `npm start` runs, relative to the project root. */
export const MAIN_NOTEBOOK = join('notebooks', '02-co2-forecast.ipynb');

/** What {@link mainJobPlan} decided. */
export interface MainJobPlan {
  /** `runs/<timestamp>` under the project root (absolute). */
  readonly outDir: string;
  /** Output notebook, HTML report and model bundle inside `outDir`. */
  readonly notebook: string;
  readonly html: string;
  readonly bundle: string;
  /** Arguments for `runNotebookCli`. */
  readonly argv: readonly string[];
}

/** `2026-11-27T01-02-03` (UTC): sortable and valid in file names everywhere. */
export function runStamp(now: Date): string {
  return now.toISOString().slice(0, 19).replace(/:/g, '-');
}

/**
 * Plans the main job: run {@link MAIN_NOTEBOOK} headless into a fresh `runs/<timestamp>/`
 * (suffixed `-2`, `-3`, ... when that exists) with the output notebook, `report.html` and the
 * model bundle (`model/`, passed to the notebook as its `bundleDir` parameter).
 *
 * @param root - project root (absolute).
 * @param now - start time, for the folder name.
 * @param extra - further runner arguments (e.g. `-p epochs 20`), appended last so they win.
 */
export function mainJobPlan(root: string, now: Date, extra: readonly string[] = []): MainJobPlan {
  const base = join(root, 'runs', runStamp(now));
  let outDir = base;
  for (let k = 2; existsSync(outDir); k++) outDir = `${base}-${k}`;
  const notebook = join(outDir, '02-co2-forecast.ipynb');
  const html = join(outDir, 'report.html');
  const bundle = join(outDir, 'model');
  const argv = [
    join(root, MAIN_NOTEBOOK),
    notebook,
    '--html',
    html,
    '-r',
    'bundleDir',
    bundle,
    '--progress-bar',
    ...extra,
  ];
  return { outDir, notebook, html, bundle, argv };
}

/**
 * Lines printed after the run: where the results are, relative to `cwd`, then the headline
 * metrics when the notebook glued them (`mase_<model>` scalars: the LSTM first, then the others
 * from best to worst), and the LSTM's interval coverage (`lstm_coverage_<level>`).
 * @example
 * mainJobSummary(plan, 0, process.cwd(), { mase_lstm: 0.38, mase_naive: 1.97, lstm_coverage_80: 0.81 });
 * // '... \n  test MASE  lstm 0.380 | naive 1.970\n  LSTM intervals  80%: 81% of test points inside'
 */
export function mainJobSummary(plan: MainJobPlan, exitCode: number, cwd: string, glue: Readonly<Record<string, GlueValue>> = {}): string {
  const rel = (p: string): string => relative(cwd, p) || '.';
  if (exitCode === 0) {
    const mase = Object.entries(glue)
      .filter((e): e is [string, number] => e[0].startsWith('mase_') && typeof e[1] === 'number' && Number.isFinite(e[1]))
      .map(([key, value]): [string, number] => [key.slice('mase_'.length), value])
      .sort((a, b) => (a[0] === 'lstm' ? -1 : b[0] === 'lstm' ? 1 : a[1] - b[1]));
    const headline = mase.length > 0 ? [`  test MASE  ${mase.map(([name, value]) => `${name} ${value.toFixed(3)}`).join(' | ')}`] : [];
    const coverage = Object.entries(glue)
      .filter((e): e is [string, number] => /^lstm_coverage_\d+(\.\d+)?$/.test(e[0]) && typeof e[1] === 'number' && Number.isFinite(e[1]))
      .map(([key, value]) => `${key.slice('lstm_coverage_'.length)}%: ${Math.round(100 * value)}% of test points inside`);
    if (coverage.length > 0) headline.push(`  LSTM intervals  ${coverage.join(' | ')}`);
    return [
      `results in ${rel(plan.outDir)}/`,
      `  notebook  ${rel(plan.notebook)}`,
      `  report    ${rel(plan.html)}`,
      `  model     ${rel(plan.bundle)}/`,
      ...headline,
    ].join('\n');
  }
  return `the run failed (exit code ${exitCode}); the executed notebook, as far as it got, is ${rel(plan.notebook)}`;
}
