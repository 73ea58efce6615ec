import { spawnSync } from 'node:child_process';
import * as fsSync from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCsvText } from '../../src/data/csv';
import { maseScale } from '../../src/eval/metrics';
import { InputError } from '../../src/errors';
import {
  DEFAULT_TEST_FRACTION,
  DEFAULT_VAL_FRACTION,
  JobAbortedError,
  removeStaleTempSiblings,
  runForecastJob,
  type ForecastJobOptions,
  type ForecastJobResult,
} from '../../src/job/forecastJob';
import { JOB_STAGES, STAGE_SECONDS_KEYS, type JobStage } from '../../src/job/metrics';
import type { StageProgress } from '../../src/job/stageProgress';
import { loadLstmKernel } from '../../src/kernels/lstm/select';
import { loadBundle } from '../../src/model/bundle';
import { panelFromSeries } from '../../src/data/panel';
import { withConformalIntervals } from '../../src/eval/conformal';
import { lastOrigins, lowerBound, panelForecast, upperBound } from '../../src/eval/model';
import { loadCalibration } from '../../src/job/calibrationFile';
import { fusedKernelLine } from '../helpers/kernel';
import { JOB_MODELS } from '../helpers/jobModels';
import type { TrainProgress } from '../../src/model/train';
import { PLOTLY_LIBRARY_MARKER } from '../../src/report/plotlyEmbed';

const FIXTURES = path.resolve(__dirname, '../fixtures/job');
const SEASONAL = path.join(FIXTURES, 'seasonal.csv');
const SHORT = path.join(FIXTURES, 'short.csv');
const METRIC_KEYS = ['mae', 'rmse', 'smape', 'mase', 'r2'];

let root: string;
let counter = 0;
async function freshParent(): Promise<string> {
  const dir = path.join(root, `case-${++counter}`);
  await fs.mkdir(dir);
  return dir;
}

async function expectRejection(promise: Promise<unknown>, message: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toBe(message);
}

const quick = { time: 'month', target: 'sales', backend: 'cpu', epochs: 2, model: { units: 8 } } as const;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'forecast-job-'));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('runForecastJob on a seasonal monthly series', () => {
  const series = parseCsvText(fsSync.readFileSync(SEASONAL, 'utf8'), { time: 'month', targets: ['sales'] });
  const y = series.values.sales;
  let parent: string;
  let out: string;
  let result: ForecastJobResult;
  const logs: string[] = [];
  const events: TrainProgress[] = [];

  beforeAll(async () => {
    parent = await freshParent();
    out = path.join(parent, 'run');
    result = await runForecastJob({
      ...quick,
      csv: SEASONAL,
      season: 12,
      horizon: 3,
      out,
      log: (line) => logs.push(line),
      onProgress: (e) => events.push(e),
    });
  });

  it('writes exactly model/, metrics.json, forecast.csv, future.csv and report.html, and nothing beside the out dir', async () => {
    expect(result.out).toBe(out);
    expect(result.files).toEqual(['model/', 'metrics.json', 'forecast.csv', 'future.csv', 'report.html']);
    expect((await fs.readdir(out)).sort()).toEqual(['forecast.csv', 'future.csv', 'metrics.json', 'model', 'report.html']);
    expect(await fs.readdir(parent)).toEqual(['run']);
  });

  it('logs the backend, the LSTM kernel, the data and the training; reports progress per epoch', () => {
    expect(logs[0]).toBe('backend: cpu (option)');
    expect(logs[1]).toBe(fusedKernelLine());
    expect(logs[2]).toBe(`data: 120 rows from ${SEASONAL}; train 84, val 12, test 24`);
    expect(logs.slice(3, 7)).toEqual(
      ['difference', 'relative', 'log-difference', 'log-relative'].map((t, i) => `candidate ${i + 1}/4: target transform ${t}, lookback 21`),
    );
    expect(logs[7]).toMatch(/^trained 2 epochs in \d+\.\d s \(best epoch [12], \d+ samples\/s\)$/);
    expect(logs[8]).toMatch(/^chose target transform \S+, lookback 21, by validation MASE \(difference\/21 \d\.\d{3}, relative\/21 /);
    expect(events.filter((e) => e.kind === 'epoch-end').map((e) => e.epoch)).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
  });

  it('metrics.json: dataset, rows, settings, split, every model, training', async () => {
    const metrics = JSON.parse(await fs.readFile(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics).toEqual(JSON.parse(JSON.stringify(result.metrics)));
    expect(metrics).toMatchObject({
      dataset: 'seasonal.csv',
      rows: 120,
      target: 'sales',
      features: [],
      season: 12,
      horizon: 3,
      lookback: 21, // defaultLookback(12, 3, 84 training rows): capped at a quarter of them
      target_transform: result.metrics.selection!.chosen.targetTransform,
      backend: { backend: 'cpu', tfjsBackend: 'cpu', requestedBy: 'option' },
      kernel: { requested: 'auto', kernel: 'fused', info: { ...loadLstmKernel()!.info } },
      library: { name: 'lstm-workbench' },
      split: {
        train: { rows: 84, start: '2010-01-01', end: '2016-12-01' },
        val: { rows: 12, start: '2017-01-01', end: '2017-12-01' },
        test: { rows: 24, start: '2018-01-01', end: '2019-12-01' },
      },
    });
    const { train, val, test } = metrics.split;
    expect(train.rows + val.rows + test.rows).toBe(metrics.rows);
    expect(test.rows).toBe(Math.round(120 * DEFAULT_TEST_FRACTION));
    expect(val.rows).toBe(Math.round(120 * DEFAULT_VAL_FRACTION));
    expect(Object.keys(metrics.models)).toEqual(JOB_MODELS);
    for (const [name, m] of Object.entries(metrics.models) as [string, Record<string, number>][]) {
      for (const key of METRIC_KEYS) expect(Number.isFinite(m[key]), `${name}.${key}`).toBe(true);
      expect(metrics.by_step[name]).toHaveLength(3);
    }
    expect(metrics.train).toMatchObject({ epochs: 2, stopped_early: false, final_learning_rate: 1e-3 });
    expect([1, 2]).toContain(metrics.train.best_epoch);
    expect(metrics.train.seconds).toBeGreaterThan(0);
    expect(metrics.train.samples_per_second).toBeGreaterThan(0);
    expect(metrics.seconds_total).toBeGreaterThanOrEqual(metrics.train.seconds);
  });

  it('metrics.json: validation scores of every model, what ets and theta fitted, and the guard', async () => {
    const metrics = JSON.parse(await fs.readFile(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics.validation.rows).toBe(12);
    expect(Object.keys(metrics.validation.models)).toEqual(Object.keys(metrics.models));
    expect(metrics.fitted_models.ets).toMatch(/^ETS\([AM],(N|A|Ad),[NAM]\)$/);
    expect(metrics.fitted_models.theta).toMatch(/^(not )?seasonal, alpha \d\.\d{3}, drift /);
    // The naive baseline on validation, by hand: origins 83..94 over y[0..96), scale on y[0..84).
    let sum = 0;
    let count = 0;
    for (let t = 83; t <= 94; t++) {
      for (let k = 1; k <= 3 && t + k <= 95; k++) {
        sum += Math.abs(y[t + k] - y[t]);
        count += 1;
      }
    }
    expect(metrics.validation.models.naive.mase).toBeCloseTo(sum / count / maseScale(y.subarray(0, 84), 12), 10);
    const val = metrics.validation.models as Record<string, { mase: number }>;
    const best = Object.entries(val).filter(([name]) => name !== 'lstm').sort((a, b) => a[1].mase - b[1].mase)[0];
    const guard = metrics.warnings.filter((w: string) => w.startsWith('on the validation range'));
    if (val.lstm.mase > best[1].mase) {
      expect(guard).toEqual([
        `on the validation range, lstm's MASE (${val.lstm.mase.toFixed(3)}) is worse than ${best[0]}'s (${best[1].mase.toFixed(3)})`,
      ]);
    } else {
      expect(guard).toEqual([]);
    }
  });

  it('metrics.json: the naive baseline scored by hand (rolling origin over the test range)', async () => {
    const metrics = JSON.parse(await fs.readFile(path.join(out, 'metrics.json'), 'utf8'));
    let sum = 0;
    let count = 0;
    for (let t = 95; t <= 118; t++) {
      for (let k = 1; k <= 3 && t + k <= 119; k++) {
        sum += Math.abs(y[t + k] - y[t]);
        count += 1;
      }
    }
    expect(count).toBe(24 + 23 + 22);
    expect(metrics.models.naive.mae).toBeCloseTo(sum / count, 10);
    expect(metrics.models.naive.mase).toBeCloseTo(sum / count / maseScale(y.subarray(0, 96), 12), 10);
  });

  it('forecast.csv: header, one row per test row, step-aligned forecasts', async () => {
    const text = await fs.readFile(path.join(out, 'forecast.csv'), 'utf8');
    const lines = text.trimEnd().split('\n');
    const models = JOB_MODELS;
    const points = models.flatMap((m) => [1, 2, 3].map((k) => `${m}_step${k}`));
    const bounds = models.flatMap((m) => [1, 2, 3].flatMap((k) => [80, 95].flatMap((l) => [`${m}_step${k}_lo${l}`, `${m}_step${k}_hi${l}`])));
    expect(lines[0]).toBe(['id', 'time', 'actual', ...points, ...bounds].join(','));
    expect(lines[0].startsWith('id,time,actual,lstm_step1,lstm_step2,lstm_step3,lstm_ets_step1')).toBe(true);
    expect(lines).toHaveLength(1 + 24);
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.every((r) => r.length === 3 + models.length * 3 * 5)).toBe(true);
    expect(rows.every((r) => r[0] === 'sales')).toBe(true);
    expect(rows[0][1]).toBe('2018-01-01');
    expect(rows[23][1]).toBe('2019-12-01');
    expect(Number(rows[0][2])).toBe(y[96]);
    // naive_step1 at row 96 is y[95]; step 2 and 3 have no origin before 95: empty.
    const col = (name: string) => lines[0].split(',').indexOf(name);
    expect(Number(rows[0][col('naive_step1')])).toBe(Number(y[95].toPrecision(8)));
    expect(rows[0][col('naive_step2')]).toBe('');
    expect(rows[1][col('naive_step2')]).not.toBe('');
    expect(rows[2][col('lstm_step3')]).not.toBe('');
    // lstm_ets is the mean of the two, step by step (each cell rounded to 8 significant digits).
    for (const r of rows.slice(2)) {
      const mean = (Number(r[col('lstm_step3')]) + Number(r[col('ets_step3')])) / 2;
      expect(Math.abs(Number(r[col('lstm_ets_step3')]) - mean) / Math.abs(mean)).toBeLessThan(1e-7);
    }
    // The saved model reproduces the LSTM columns.
    const loaded = await loadBundle(path.join(out, 'model'));
    const [fromOrigin95] = loaded.forecastAt(series, [95]);
    expect(Number(rows[0][col('lstm_step1')])).toBe(Number(fromOrigin95[0].toPrecision(8)));
    // The bounds hold the point forecast, the 95% ones the 80% ones. The 12 validation rows give
    // 12 residuals at step 1: enough for the conformal 80% (4 needed), not the 95% (19), which
    // falls back on the Student-t bound, with a warning.
    for (const r of rows.slice(2)) {
      const [lo80, hi80, lo95, hi95] = ['lo80', 'hi80', 'lo95', 'hi95'].map((b) => Number(r[col(`lstm_step3_${b}`)]));
      const point = Number(r[col('lstm_step3')]);
      expect(lo95 < lo80 && lo80 < point && point < hi80 && hi80 < hi95).toBe(true);
    }
    const metrics = JSON.parse(await fs.readFile(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics.warnings).toContain(
      'the 95% intervals use a Student-t bound instead of the conformal quantile from step 1 on: the validation ranges give 12 residuals there, conformal needs 19 (raise --val-fraction)',
    );
    expect(Number(rows[2][col('lstm_step3')])).toBe(Number(fromOrigin95[2].toPrecision(8)));
    expect(loaded.spec.backend?.backend).toBe('cpu');
    expect(loaded.spec.kernel).toEqual(result.metrics.kernel);
    loaded.dispose();
  });

  it("a reloaded bundle with its saved calibration gives future.csv's LSTM intervals", async () => {
    const loaded = await loadBundle(path.join(out, 'model'));
    try {
      const calibration = await loadCalibration(path.join(out, 'model'));
      expect(calibration.levels).toEqual([80, 95]);
      const panel = panelFromSeries(series, 'sales');
      const values = loaded.forecast(series, { steps: 3 }).values.sales;
      const banded = withConformalIntervals(panelForecast(panel, 'lstm', lastOrigins(panel), 3, [[Float64Array.from(values)]]), calibration);
      const lines = (await fs.readFile(path.join(out, 'future.csv'), 'utf8')).trimEnd().split('\n');
      const header = lines[0].split(',');
      const rows = lines.slice(1).map((l) => l.split(','));
      const round = (v: number): number => Number(v.toPrecision(8));
      banded.series[0].intervals!.forEach((b) => {
        expect(rows.map((r) => Number(r[header.indexOf(`lstm_lo${b.level}`)]))).toEqual(Array.from(banded.series[0].values[0], (v, k) => round(lowerBound(v, b, k + 1))));
        expect(rows.map((r) => Number(r[header.indexOf(`lstm_hi${b.level}`)]))).toEqual(Array.from(banded.series[0].values[0], (v, k) => round(upperBound(v, b, k + 1))));
      });
    } finally {
      loaded.dispose();
    }
  });

  it('report.html: plotly inlined once, the figures with the expected traces', async () => {
    const html = await fs.readFile(path.join(out, 'report.html'), 'utf8');
    expect(html.split(PLOTLY_LIBRARY_MARKER).length - 1).toBe(1);
    expect(html).toContain('<title>Forecast report: sales (seasonal.csv)</title>');
    const figures = [...html.matchAll(/<script type="application\/json" id="figure-\d+-data">([\s\S]*?)<\/script>/g)].map(
      (m) => JSON.parse(m[1]) as { data: { name: string }[] },
    );
    expect(figures).toHaveLength(7);
    const names = figures.map((f) => [...new Set(f.data.map((t) => t.name))]);
    // First the history and the year ahead (future.csv) with the LSTM's bands, then the data and split.
    expect(names[0]).toEqual(['history', 'lstm', 'lstm_ets', 'ets', 'seasonal_naive', 'lstm 80%', 'lstm 95%']);
    expect(names[1]).toEqual(['sales']);
    // 'mean' is in the table but not in the charts (CHART_EXCLUDED_MODELS).
    expect(names[2]).toEqual(['actual', ...JOB_MODELS.filter((m) => m !== 'mean'), 'lstm 80%', 'lstm 95%']);
    expect(names[3]).toEqual(names[2]); // the LSTM paths share the name lstm
    expect(names[4]).toEqual(['train loss', 'validation loss', 'best epoch (' + result.metrics.train.best_epoch + ')', 'learning rate']);
    // After the metric bars: the calibration chart, nominal against empirical coverage per step.
    expect(names[6]).toEqual(['lstm 80%', 'lstm 95%', 'ets 80%', 'ets 95%', 'seasonal_naive 80%', 'seasonal_naive 95%', 'nominal 80%', 'nominal 95%']);
    expect(html).toContain('Prediction intervals on the test range');
  });
});

describe('runForecastJob: the LSTM kernel', () => {
  it("model.kernel 'stock' trains tfjs' own LSTM layers, and says so in the log, metrics.json, the bundle and the report", async () => {
    const parent = await freshParent();
    const out = path.join(parent, 'run');
    const logs: string[] = [];
    const { metrics } = await runForecastJob({
      ...quick, epochs: 1, csv: SHORT, out, model: { units: 4, kernel: 'stock' }, log: (line) => logs.push(line),
    });
    expect(logs.slice(0, 2)).toEqual(['backend: cpu (option)', 'kernel: stock (requested)']);
    expect(metrics.kernel).toEqual({ requested: 'stock', kernel: 'stock', info: null, reason: 'requested', summary: 'kernel: stock (requested)' });
    expect(JSON.parse(await fs.readFile(path.join(out, 'metrics.json'), 'utf8')).kernel).toEqual(metrics.kernel);
    const manifest = JSON.parse(await fs.readFile(path.join(out, 'model', 'manifest.json'), 'utf8'));
    expect(manifest.config.kernel).toBe('stock');
    expect(manifest.kernel).toEqual(metrics.kernel);
    expect(await fs.readFile(path.join(out, 'report.html'), 'utf8')).toContain('kernel: stock (requested)');
  });

  it('a bad kernel fails before loading the data, naming kernel and the value', async () => {
    const parent = await freshParent();
    const onProgress = vi.fn();
    await expectRejection(
      runForecastJob({ ...quick, csv: path.join(parent, 'missing.csv'), out: path.join(parent, 'run'), model: { kernel: 'gpu' as 'auto' }, onProgress }),
      'kernel must be one of "auto", "fused", "stock", got "gpu"',
    );
    expect(onProgress).not.toHaveBeenCalled();
    expect(await fs.readdir(parent)).toEqual([]);
  });
});

describe('runForecastJob: bad options and data', () => {
  it('an existing out dir is an error and is left untouched', async () => {
    const parent = await freshParent();
    const out = path.join(parent, 'taken');
    await fs.mkdir(out);
    await fs.writeFile(path.join(out, 'keep.txt'), 'mine');
    await expectRejection(
      runForecastJob({ ...quick, csv: SEASONAL, out }),
      `output directory ${JSON.stringify(out)} already exists; choose a new --out`,
    );
    expect(await fs.readdir(out)).toEqual(['keep.txt']);
    expect(await fs.readdir(parent)).toEqual(['taken']);
  });

  it('an out dir whose parent does not exist', async () => {
    const out = path.join(root, 'no-such-parent', 'run');
    await expectRejection(runForecastJob({ ...quick, csv: SEASONAL, out }), `the parent of --out ${JSON.stringify(out)} does not exist`);
  });

  it.each([
    [{ testFraction: 0 }, 'test-fraction must be a number in (0, 1), got 0'],
    [{ testFraction: 1 }, 'test-fraction must be a number in (0, 1), got 1'],
    [{ valFraction: -0.1 }, 'val-fraction must be a number in [0, 1), got -0.1'],
    [{ valFraction: Number.NaN }, 'val-fraction must be a number in [0, 1), got NaN'],
  ])('fractions %j', async (bad, message) => {
    const parent = await freshParent();
    await expectRejection(runForecastJob({ ...quick, csv: SEASONAL, out: path.join(parent, 'run'), ...bad }), message);
    expect(await fs.readdir(parent)).toEqual([]);
  });

  it('a horizon longer than the test range fails before training', async () => {
    const parent = await freshParent();
    const onProgress = vi.fn();
    await expectRejection(
      runForecastJob({ ...quick, csv: SEASONAL, out: path.join(parent, 'run'), horizon: 25, onProgress }),
      'horizon must be at most the number of test rows (24 of 120 with test-fraction 0.2), got 25',
    );
    expect(onProgress).not.toHaveBeenCalled();
    expect(await fs.readdir(parent)).toEqual([]);
  });

  it('an aborted run (Ctrl-C) throws JobAbortedError and writes nothing', async () => {
    const parent = await freshParent();
    const controller = new AbortController();
    const out = path.join(parent, 'run');
    const error = await runForecastJob({
      ...quick,
      epochs: 50,
      csv: SEASONAL,
      out,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.kind === 'epoch-end' && e.epoch === 2) controller.abort();
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JobAbortedError);
    expect((error as Error).message).toBe(`interrupted after 2 epochs; nothing was written to ${out}`);
    expect(await fs.readdir(parent)).toEqual([]);
  });

  it('an internal failure while writing leaves no out dir and no temporary directory', async () => {
    const parent = await freshParent();
    // Every output file is written through writeFileAtomic, which opens a temporary sibling.
    const realOpen = fs.open.bind(fs);
    vi.spyOn(fsSync.promises, 'open').mockImplementation(async (file, ...rest) => {
      if (String(file).includes('report.html')) throw new Error('disk full');
      return realOpen(file, ...(rest as [string]));
    });
    const options: ForecastJobOptions = { ...quick, epochs: 1, csv: SHORT, out: path.join(parent, 'run') };
    const error = await runForecastJob(options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('disk full');
    expect(await fs.readdir(parent)).toEqual([]);
  });
});

describe('runForecastJob: stages and aborts', () => {
  it('onStage sees every stage in order; the result has seconds for each', async () => {
    const parent = await freshParent();
    const stages: JobStage[] = [];
    const result = await runForecastJob({ ...quick, epochs: 1, csv: SHORT, out: path.join(parent, 'run'), onStage: (s) => void stages.push(s) });
    expect(stages).toEqual([...JOB_STAGES]);
    expect(Object.keys(result.secondsByStage)).toEqual([...STAGE_SECONDS_KEYS]);
  });

  it('stage progress: every long stage reports, in stage order, from 0 to its total, with an ETA; metrics.json has the seconds', async () => {
    const parent = await freshParent();
    const events: StageProgress[] = [];
    const stages: JobStage[] = [];
    const result = await runForecastJob({
      ...quick,
      epochs: 2,
      targetTransform: 'auto',
      csv: SEASONAL,
      out: path.join(parent, 'run'),
      onStage: (s) => void stages.push(s),
      onStageProgress: (e) => {
        // Each event comes within its own stage.
        expect(e.stage).toBe(stages[stages.length - 1]);
        events.push(e);
      },
    });
    const order = events.map((e) => e.stage).filter((stage, i, all) => i === 0 || all[i - 1] !== stage);
    expect(order).toEqual(['load', 'train', 'backtest', 'report', 'write']);
    const of = (stage: JobStage) => events.filter((e) => e.stage === stage);
    expect(of('load').map((e) => [e.done, e.total, e.unit])).toEqual([[0, 0, 'series'], [0, 1, 'series'], [1, 1, 'series'], [1, 1, 'series']]);
    expect(of('load')[0].label).toBe(`reading ${SEASONAL}`);
    expect(of('load')[3].label).toMatch(/^loaded 120 rows of 1 series in \d+\.\d s, series checks$/);
    // Training: 4 candidates x 2 epochs, one label per candidate and epoch.
    const train = of('train');
    expect(train.every((e) => e.unit === 'epochs' && e.total === 8)).toBe(true);
    expect([...new Set(train.map((e) => e.label))]).toEqual([1, 2, 3, 4].flatMap((c) => [1, 2].map((k) => `candidate ${c}/4, epoch ${k}/2`)));
    // The backtest: every model's validation and test origins and its future forecast, in that order.
    const backtest = of('backtest');
    const models = Object.keys(result.metrics.models);
    const phases = [...new Set(backtest.map((e) => e.label))];
    expect(phases).toEqual(['validation', 'test', 'future'].flatMap((phase) => models.map((m) => `${phase}: ${m}`)));
    const { val, test } = result.metrics.split;
    expect(backtest[backtest.length - 1].total).toBe(models.length * (val.rows + test.rows + 1));
    // Horizon 1: the future, the data and split, the 1-step forecasts, training, metrics, calibration.
    expect(of('report').map((e) => e.label)).toEqual(['metrics', 'charts', '6 charts', ...[1, 2, 3, 4, 5, 6].map((i) => `chart ${i}/6`), 'report.html']);
    expect(of('write').map((e) => [e.done, e.label])).toEqual([
      [0, 'model/'], [1, 'metrics.json'], [2, 'forecast.csv'], [3, 'future.csv'], [4, 'report.html'], [5, 'wrote 5 files'],
    ]);
    for (const stage of ['load', 'train', 'backtest', 'report', 'write'] as const) {
      const list = of(stage);
      const done = list.map((e) => e.done);
      expect(done, stage).toEqual([...done].sort((a, b) => a - b));
      const last = list[list.length - 1];
      expect(last.done, stage).toBe(last.total);
      expect(last.etaSeconds, stage).toBe(0);
      expect(list.every((e) => e.done === 0 ? Number.isNaN(e.etaSeconds) : e.etaSeconds >= 0), stage).toBe(true);
    }
    const metrics = JSON.parse(await fs.readFile(path.join(result.out, 'metrics.json'), 'utf8'));
    expect(Object.keys(metrics.seconds_by_stage)).toEqual(['setup', 'load', 'train', 'backtest', 'baselines', 'report']);
    expect(Object.keys(metrics.seconds_by_model)).toEqual(['lstm', ...models.filter((m) => m !== 'lstm' && m !== 'lstm_ets')]);
    const references = Object.entries(metrics.seconds_by_model as Record<string, number>).filter(([m]) => m !== 'lstm');
    expect(metrics.seconds_by_stage.baselines).toBeCloseTo(references.reduce((sum, [, sec]) => sum + sec, 0), 2);
    expect(metrics).toEqual(result.metrics);
  }, 120_000);

  it.each(JOB_STAGES.map((stage) => [stage]))('aborted at the start of %s: JobAbortedError, nothing at out, no sibling', async (stage) => {
    const parent = await freshParent();
    const out = path.join(parent, 'run');
    const controller = new AbortController();
    const onProgress = vi.fn();
    const error = await runForecastJob({
      ...quick,
      epochs: 1,
      csv: SHORT,
      out,
      signal: controller.signal,
      onProgress,
      onStage: (s) => {
        if (s === stage) controller.abort();
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JobAbortedError);
    expect((error as Error).message).toBe(`interrupted during ${stage}; nothing was written to ${out}`);
    if (JOB_STAGES.indexOf(stage) < JOB_STAGES.indexOf('train')) expect(onProgress).not.toHaveBeenCalled();
    expect(await fs.readdir(parent)).toEqual([]);
  });

  it('an abort during a download that never ends does not wait for it', async () => {
    const parent = await freshParent();
    const out = path.join(parent, 'run');
    const controller = new AbortController();
    let requested!: () => void;
    const request = new Promise<void>((resolve) => (requested = resolve));
    const timers = new Set<NodeJS.Timeout>();
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.write('month,sales\n');
      let i = 0;
      const timer = setInterval(() => res.write(`${i++},${i}\n`), 50);
      timers.add(timer);
      res.on('close', () => clearInterval(timer));
      requested();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trickle.csv`;
      const job = runForecastJob({ ...quick, time: 'month', csv: url, out, signal: controller.signal });
      await request;
      const t0 = Date.now();
      controller.abort();
      const error = await job.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(JobAbortedError);
      expect((error as Error).message).toBe(`interrupted during load; nothing was written to ${out}`);
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(await fs.readdir(parent)).toEqual([]);
    } finally {
      for (const timer of timers) clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('removeStaleTempSiblings', () => {
  it("removes siblings of dead processes and this pid's unused ones; keeps live processes', other names and other outs'", async () => {
    const parent = await freshParent();
    const out = path.join(parent, 'run');
    const exited = spawnSync(process.execPath, ['-e', '0']).pid!;
    const names = {
      dead: `.run.tmp-${exited}-1`,
      ownEarlier: `.run.tmp-${process.pid}-1`,
      live: `.run.tmp-${process.ppid}-1`,
      otherOut: `.other.tmp-${exited}-1`,
      notOurs: '.run.tmp-notes',
    };
    for (const name of Object.values(names)) await fs.mkdir(path.join(parent, name));
    const removed = await removeStaleTempSiblings(out);
    expect(removed.sort()).toEqual([names.dead, names.ownEarlier].sort());
    expect((await fs.readdir(parent)).sort()).toEqual([names.live, names.otherOut, names.notOurs].sort());
  });

  it('a missing parent removes nothing', async () => {
    expect(await removeStaleTempSiblings(path.join(root, 'no-such-dir', 'run'))).toEqual([]);
  });
});

describe('runForecastJob: time stamps', () => {
  it('keeps the time of day of sub-daily data in forecast.csv and the split', async () => {
    const parent = await freshParent();
    const csv = path.join(parent, 'hourly.csv');
    const rows = Array.from({ length: 40 }, (_, h) => {
      const time = new Date(Date.UTC(2024, 0, 1, h)).toISOString().slice(0, 16);
      return `${time},${(10 + Math.sin(h / 3)).toFixed(3)}`;
    });
    await fs.writeFile(csv, `hour,load\n${rows.join('\n')}\n`);
    const out = path.join(parent, 'run');
    const { metrics } = await runForecastJob({ csv, time: 'hour', target: 'load', out, backend: 'cpu', epochs: 1, model: { units: 4 } });
    expect(metrics.split.test).toEqual({ rows: 8, start: '2024-01-02T08:00:00.000Z', end: '2024-01-02T15:00:00.000Z' });
    const lines = (await fs.readFile(path.join(out, 'forecast.csv'), 'utf8')).trimEnd().split('\n');
    const times = lines.slice(1).map((l) => l.split(',')[1]);
    expect(times).toEqual(Array.from({ length: 8 }, (_, i) => new Date(Date.UTC(2024, 0, 2, 8 + i)).toISOString()));
    // future.csv: the next hours after the last row (2024-01-02T15:00), at the inferred step.
    const future = (await fs.readFile(path.join(out, 'future.csv'), 'utf8')).trimEnd().split('\n');
    expect(future.slice(1).map((l) => l.split(',').slice(0, 2))).toEqual([['load', '2024-01-02T16:00:00.000Z']]);
  });
});


