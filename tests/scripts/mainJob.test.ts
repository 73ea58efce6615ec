import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN_NOTEBOOK, mainJobPlan, mainJobSummary, runStamp } from '../../scripts/mainJob';

const root = mkdtempSync(join(tmpdir(), 'main-job-'));
const now = new Date(Date.UTC(2026, 10, 27, 1, 2, 3));

describe('mainJobPlan', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('stamps the run folder in UTC without colons', () => {
    expect(runStamp(now)).toBe('2026-11-27T01-02-03');
  });

  it('runs 02-co2-forecast into runs/<stamp>/ with the notebook, report and bundle inside', () => {
    const plan = mainJobPlan(root, now, ['-p', 'epochs', '2']);
    const out = join(root, 'runs', '2026-11-27T01-02-03');
    expect(MAIN_NOTEBOOK).toBe(join('notebooks', '02-co2-forecast.ipynb'));
    expect(plan.outDir).toBe(out);
    expect(plan.argv).toEqual([
      join(root, 'notebooks', '02-co2-forecast.ipynb'),
      join(out, '02-co2-forecast.ipynb'),
      '--html',
      join(out, 'report.html'),
      '-r',
      'bundleDir',
      join(out, 'model'),
      '--progress-bar',
      '-p',
      'epochs',
      '2',
    ]);
  });

  it('never reuses an existing folder', () => {
    mkdirSync(join(root, 'runs', '2026-11-27T01-02-03'), { recursive: true });
    mkdirSync(join(root, 'runs', '2026-11-27T01-02-03-2'));
    expect(mainJobPlan(root, now).outDir).toBe(join(root, 'runs', '2026-11-27T01-02-03-3'));
  });

  it('summarises where the results are, or that the run failed', () => {
    const plan = mainJobPlan(join(root, 'p'), now);
    expect(mainJobSummary(plan, 0, join(root, 'p'))).toBe(
      [
        'results in runs/2026-11-27T01-02-03/',
        '  notebook  runs/2026-11-27T01-02-03/02-co2-forecast.ipynb',
        '  report    runs/2026-11-27T01-02-03/report.html',
        '  model     runs/2026-11-27T01-02-03/model/',
      ].join('\n'),
    );
    // With the notebook's glued MASE scalars: the LSTM first, then the others best first.
    expect(mainJobSummary(plan, 0, join(root, 'p'), { mase_naive: 1.966, mase_lstm: 0.3791, mase_seasonal_naive: 1.6125, bundle_dir: 'x' }).split('\n')[4]).toBe(
      '  test MASE  lstm 0.379 | seasonal_naive 1.613 | naive 1.966',
    );
    // And the LSTM's interval coverage, when glued.
    expect(mainJobSummary(plan, 0, join(root, 'p'), { mase_lstm: 0.3791, lstm_coverage_80: 0.8125 }).split('\n').slice(4)).toEqual([
      '  test MASE  lstm 0.379',
      '  LSTM intervals  80%: 81% of test points inside',
    ]);
    expect(mainJobSummary(plan, 138, join(root, 'p'))).toBe(
      'the run failed (exit code 138); the executed notebook, as far as it got, is runs/2026-11-27T01-02-03/02-co2-forecast.ipynb',
    );
  });
});
