import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import { parsePanelCsvText } from '../../src/data/panelCsv';
import { runForecastJob, type ForecastJobResult } from '../../src/job/forecastJob';
import { loadBundle, loadPanelBundle } from '../../src/model/bundle';
import { kernelDecisions } from '../helpers/kernelDecisions';

/** Long format: two stores of very different size, monthly from 2015-01, interleaved rows. */
function longCsv(months: number, shortStore = months): string {
  const lines = ['month,store,region,sales'];
  for (let t = 0; t < months; t++) {
    const month = new Date(Date.UTC(2015, t, 1)).toISOString().slice(0, 10);
    const season = Math.sin((2 * Math.PI * t) / 12);
    lines.push(`${month},small,north,${(20 + 0.1 * t + 3 * season + ((t * 7) % 5) / 10).toFixed(3)}`);
    if (t < shortStore) lines.push(`${month},large,south,${(5000 + 10 * t + 800 * season + ((t * 11) % 7) * 5).toFixed(3)}`);
  }
  return lines.join('\n') + '\n';
}

let root: string;
let counter = 0;
async function fresh(): Promise<string> {
  const dir = path.join(root, `case-${++counter}`);
  await fs.mkdir(dir);
  return dir;
}

const quick = { time: 'month', target: 'sales', id: 'store', backend: 'cpu', epochs: 2, season: 12, horizon: 3, model: { units: 8 } } as const;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'forecast-panel-'));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('runForecastJob on a long-format panel (--id)', () => {
  let dir: string;
  let out: string;
  let result: ForecastJobResult;
  const logs: string[] = [];

  beforeAll(async () => {
    dir = await fresh();
    await fs.writeFile(path.join(dir, 'stores.csv'), longCsv(72, 60));
    out = path.join(dir, 'run');
    result = await runForecastJob({ ...quick, csv: path.join(dir, 'stores.csv'), statics: ['region'], out, log: (l) => logs.push(l) });
  }, 120_000);

  it('trains one global model over both series and says so', () => {
    expect(logs.find((l) => l.startsWith('data: '))).toBe('data: 2 series, 132 rows from ' + path.join(dir, 'stores.csv') + '; train 93, val 13, test 26');
    expect(result.metrics).toMatchObject({ series: 2, rows: 132, id_column: 'store', mode: 'global' });
  });

  it('metrics.json: per series its rows, split and test metrics; the aggregate over series', async () => {
    const written = JSON.parse(await fs.readFile(path.join(out, 'metrics.json'), 'utf8'));
    expect(Object.keys(written.per_series)).toEqual(['small', 'large']);
    expect(written.per_series.small.rows).toBe(72);
    expect(written.per_series.large.split.test).toEqual({ rows: 12, start: '2019-01-01', end: '2019-12-01' });
    expect(written.per_series.small.split.test).toEqual({ rows: 14, start: '2019-11-01', end: '2020-12-01' });
    const lstm = [written.per_series.small.models.lstm.mase, written.per_series.large.models.lstm.mase];
    expect(written.aggregate.geometric_mean_mase.lstm).toBeCloseTo(Math.sqrt(lstm[0] * lstm[1]), 12);
    expect(written.aggregate.mean_mase.lstm).toBeCloseTo((lstm[0] + lstm[1]) / 2, 12);
    const naive = [written.per_series.small.models.naive.mase, written.per_series.large.models.naive.mase];
    expect(written.aggregate.lstm_wins.naive).toBe(lstm.filter((m, i) => m < naive[i]).length / 2);
    expect(Object.keys(written.per_series.small.fitted_models)).toEqual(['naive', 'seasonal_naive', 'mean', 'drift', 'ets', 'theta', 'arima', 'holt_winters']);
    expect(written.per_series.small.fitted_models.ets).toMatch(/^ETS\(/);
  });

  it('forecast.csv: an id column, each series its own test rows', async () => {
    const lines = (await fs.readFile(path.join(out, 'forecast.csv'), 'utf8')).trimEnd().split('\n');
    expect(lines[0].startsWith('id,time,actual,lstm_step1,')).toBe(true);
    const ids = lines.slice(1).map((l) => l.split(',')[0]);
    expect(ids).toEqual([...Array(14).fill('small'), ...Array(12).fill('large')]);
    expect(lines[15].split(',').slice(0, 2)).toEqual(['large', '2019-01-01']);
  });

  it('future.csv: horizon months past each series\' own last row, one column per model', async () => {
    const lines = (await fs.readFile(path.join(out, 'future.csv'), 'utf8')).trimEnd().split('\n');
    const models = ['lstm', 'lstm_ets', 'naive', 'seasonal_naive', 'mean', 'drift', 'ets', 'theta', 'arima', 'holt_winters'];
    const bounds = models.flatMap((m) => [`${m}_lo80`, `${m}_hi80`, `${m}_lo95`, `${m}_hi95`]);
    expect(lines[0]).toBe(['id', 'time', ...models, ...bounds].join(','));
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual([
      'small,2021-01-01',
      'small,2021-02-01',
      'small,2021-03-01',
      'large,2020-01-01',
      'large,2020-02-01',
      'large,2020-03-01',
    ]);
    // naive repeats each series' last value; the scales stay apart.
    const rows = lines.slice(1).map((l) => l.split(','));
    const source = parsePanelCsvText(longCsv(72, 60), { time: 'month', targets: ['sales'], id: 'store' }).panel;
    expect(Number(rows[0][4])).toBe(source.values.sales[71]);
    expect(Number(rows[3][4])).toBe(source.values.sales[source.length - 1]);
    expect(Number(rows[3][2])).toBeGreaterThan(1000);
    expect(Number(rows[0][2])).toBeLessThan(100);
  });

  it('the bundle reloads as the global model with both ids, and forecasts as the run did', async () => {
    const model = await loadPanelBundle(path.join(out, 'model'));
    try {
      expect(model.ids).toEqual(['small', 'large']);
      const source = parsePanelCsvText(longCsv(72, 60), { time: 'month', targets: ['sales'], id: 'store' }).panel;
      const [small] = model.forecast(source, 3);
      const future = (await fs.readFile(path.join(out, 'future.csv'), 'utf8')).trimEnd().split('\n').slice(1, 4);
      expect(future.map((l) => Number(l.split(',')[2]))).toEqual(Array.from(small.values.sales, (v) => Number(v.toPrecision(8))));
    } finally {
      model.dispose();
    }
    await expect(loadBundle(path.join(out, 'model'))).rejects.toThrow(/holds a global model of 2 series/);
  });

  it('the report has a per-series table and a history-plus-future chart per series', async () => {
    const html = await fs.readFile(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('<title>Forecast report: sales (stores.csv, 2 series)</title>');
    expect(html).toContain('<h2>Per series: test MASE');
    expect(html).toContain('<h2>small: History and the next 3 steps</h2>');
    expect(html).toContain('<h2>large: History and the next 3 steps</h2>');
  });
});

describe('runForecastJob: local mode and bad panels', () => {
  it('decides the LSTM kernel once per run, for every series, transform candidate and refit', async () => {
    const dir = await fresh();
    await fs.writeFile(path.join(dir, 'stores.csv'), longCsv(60));
    const run = (mode: 'local' | 'global') =>
      runForecastJob({ ...quick, epochs: 1, csv: path.join(dir, 'stores.csv'), mode, targetTransform: 'auto', refit: { every: 6 }, out: path.join(dir, `run-${mode}`) });
    expect(await kernelDecisions(() => run('local'))).toBe(1);
    expect(await kernelDecisions(() => run('global'))).toBe(1);
  }, 240_000);

  it('--mode local trains one network per series and saves one bundle each, with an index', async () => {
    const dir = await fresh();
    await fs.writeFile(path.join(dir, 'stores.csv'), longCsv(60));
    const out = path.join(dir, 'run');
    const { metrics } = await runForecastJob({ ...quick, epochs: 1, csv: path.join(dir, 'stores.csv'), mode: 'local', out });
    expect(metrics.mode).toBe('local');
    expect(JSON.parse(await fs.readFile(path.join(out, 'model', 'series.json'), 'utf8'))).toEqual({ small: '1', large: '2' });
    const large = await loadBundle(path.join(out, 'model', '2'));
    try {
      expect(large.spec.preprocessor.targetScalers).not.toEqual((await loadBundle(path.join(out, 'model', '1'))).spec.preprocessor.targetScalers);
    } finally {
      large.dispose();
    }
  }, 120_000);

  it.each([
    ['an unknown id column', { id: 'shop' }, /unknown column "shop" \(options\.id\)/],
    ['a series too short for the test range and horizon', { horizon: 3, testFraction: 0.05 }, /^series "small": horizon must be at most the number of test rows \(1 of 24 with test-fraction 0.05\), got 3$/],
  ])('refuses %s before training, writing nothing', async (_what, extra, message) => {
    const dir = await fresh();
    await fs.writeFile(path.join(dir, 'stores.csv'), longCsv(24));
    const out = path.join(dir, 'run');
    const error = await runForecastJob({ ...quick, ...extra, csv: path.join(dir, 'stores.csv'), out }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
    expect(await fs.readdir(dir)).toEqual(['stores.csv']);
  });

  it('refit every:6 retrains the LSTM (a fresh network) and refits the references before every 6th origin', async () => {
    const dir = await fresh();
    await fs.writeFile(path.join(dir, 'stores.csv'), longCsv(72, 60));
    const out = path.join(dir, 'run');
    const epochs: number[] = [];
    const { metrics } = await runForecastJob({
      ...quick, epochs: 1, targetTransform: 'difference', csv: path.join(dir, 'stores.csv'), refit: { every: 6 }, out,
      onProgress: (e) => { if (e.kind === 'epoch-end') epochs.push(e.epoch); },
    });
    // One training run in the train stage, then one per block: 14 origins of "small" in blocks of 6 -> 3.
    expect(epochs).toHaveLength(1 + 3);
    expect(metrics.protocol).toContain('(models refitted before every 6th origin)');
    expect(Number.isFinite(metrics.models.lstm.mase)).toBe(true);
  }, 120_000);

  it('--calendar gives the LSTM calendar encoders as future-known inputs, recorded in metrics.json and the bundle', async () => {
    const dir = await fresh();
    await fs.writeFile(path.join(dir, 'stores.csv'), longCsv(60));
    const out = path.join(dir, 'run');
    const { metrics } = await runForecastJob({
      ...quick, epochs: 1, targetTransform: 'difference', csv: path.join(dir, 'stores.csv'), calendar: ['dayOfYearSin', 'dayOfYearCos'], out,
    });
    expect(metrics.calendar).toEqual(['dayOfYearSin', 'dayOfYearCos']);
    const manifest = JSON.parse(await fs.readFile(path.join(out, 'model', 'manifest.json'), 'utf8'));
    expect(manifest.preprocessor.futureKnown.calendar).toEqual(['dayOfYearSin', 'dayOfYearCos']);
    expect(manifest.preprocessor.futureKnown.lead).toBe(3);
    const future = (await fs.readFile(path.join(out, 'future.csv'), 'utf8')).trimEnd().split('\n');
    expect(future).toHaveLength(1 + 2 * 3);
    expect(future.slice(1).every((l) => Number.isFinite(Number(l.split(',')[2])))).toBe(true);
    const error = await runForecastJob({ ...quick, csv: path.join(dir, 'stores.csv'), calendar: ['month' as never], out: path.join(dir, 'bad') }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('unknown calendar feature "month"; expected one of dayOfYearSin, dayOfYearCos, dayOfWeekSin, dayOfWeekCos, hourOfDaySin, hourOfDayCos');
  }, 120_000);

  it('--short skip leaves a short series out with a warning', async () => {
    const dir = await fresh();
    await fs.writeFile(path.join(dir, 'stores.csv'), longCsv(60, 10));
    const out = path.join(dir, 'run');
    const { metrics } = await runForecastJob({ ...quick, epochs: 1, csv: path.join(dir, 'stores.csv'), minLength: 24, short: 'skip', out });
    expect(metrics.series).toBe(1);
    expect(Object.keys(metrics.per_series)).toEqual(['small']);
    expect(metrics.warnings.some((w) => w.includes('"large"'))).toBe(true);
  }, 120_000);
});

/** longCsv with a promo column that lifts sales by 30% in promo months (every third month). */
function promoCsv(months: number): string {
  const [header, ...rows] = longCsv(months).trimEnd().split('\n');
  return [header + ',promo', ...rows.map((line) => {
    const [month, store, region, sales] = line.split(',');
    const promo = new Date(month).getUTCMonth() % 3 === 0 ? 1 : 0;
    return `${month},${store},${region},${(Number(sales) * (1 + 0.3 * promo)).toFixed(3)},${promo}`;
  })].join('\n') + '\n';
}

/** A plan for `steps` months after 2015-01 + months, for both stores. */
function planCsv(months: number, steps: number, promo: (k: number) => number, stores = ['small', 'large']): string {
  const lines = ['store,month,promo'];
  for (const store of stores) {
    for (let k = 0; k < steps; k++) lines.push(`${store},${new Date(Date.UTC(2015, months + k, 1)).toISOString().slice(0, 10)},${promo(k)}`);
  }
  return lines.join('\n') + '\n';
}

describe('runForecastJob --future-covariates', () => {
  let dir: string;
  const run = (name: string, plan: string, extra: Record<string, unknown> = {}) =>
    runForecastJob({
      ...quick, epochs: 2, targetTransform: 'difference', csv: path.join(dir, 'stores.csv'), features: ['promo'],
      futureCovariates: path.join(dir, plan), out: path.join(dir, name), ...extra,
    });

  beforeAll(async () => {
    dir = await fresh();
    await fs.writeFile(path.join(dir, 'stores.csv'), promoCsv(60));
    await fs.writeFile(path.join(dir, 'on.csv'), planCsv(60, 3, () => 1));
    await fs.writeFile(path.join(dir, 'off.csv'), planCsv(60, 3, () => 0));
  });

  it("makes the file's columns future-known LSTM inputs, and future.csv follows the plan", async () => {
    const on = await run('on', 'on.csv');
    const off = await run('off', 'off.csv');
    expect(on.metrics.future_covariates).toEqual({ file: 'on.csv', columns: ['promo'] });
    const manifest = JSON.parse(await fs.readFile(path.join(dir, 'on', 'model', 'manifest.json'), 'utf8'));
    expect(manifest.preprocessor.futureKnown).toMatchObject({ lead: 3, columns: ['promo'] });
    // Same data and seed: the same training and validation scores. (The test backtest's last
    // origins read the plan too: their later steps lie past the data.)
    expect(on.metrics.validation).toEqual(off.metrics.validation);
    expect(on.metrics.train.epochs).toBe(off.metrics.train.epochs);
    expect(on.metrics.models.naive).toEqual(off.metrics.models.naive);
    const read = async (name: string) => (await fs.readFile(path.join(dir, name, 'future.csv'), 'utf8')).trimEnd().split('\n');
    const [a, b] = [await read('on'), await read('off')];
    expect(a[0]).toBe(b[0]);
    const column = a[0].split(',').indexOf('lstm');
    const naive = a[0].split(',').indexOf('naive');
    expect(a.slice(1).map((l) => l.split(',')[naive])).toEqual(b.slice(1).map((l) => l.split(',')[naive]));
    expect(a.slice(1).map((l) => l.split(',')[column])).not.toEqual(b.slice(1).map((l) => l.split(',')[column]));
    expect(a.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual([
      'small,2020-01-01', 'small,2020-02-01', 'small,2020-03-01', 'large,2020-01-01', 'large,2020-02-01', 'large,2020-03-01',
    ]);
  }, 180_000);

  it.each([
    ['a column that is not a feature', 'store,month,promo,price\nsmall,2020-01-01,1,2\n', {},
      /plan\.csv: column "price" is not one of --features \[promo\]; a future-known covariate is read from the data too \(its history\), so list it in --features$/],
    ['too few rows', planCsv(60, 2, () => 1), {},
      /plan\.csv: future\.csv needs the future-known covariates for 3 rows \(--horizon\) after the end of every series; series "small" has 2$/],
    ['a series missing', planCsv(60, 3, () => 1, ['small']), {},
      /plan\.csv: future\.csv needs the future-known covariates for 3 rows \(--horizon\) after the end of every series; series "large" has 0$/],
    ['an unknown id', planCsv(60, 3, () => 1, ['small', 'large', 'medium']), {}, /plan\.csv: series "medium" is not a series of the data; the series are "small", "large"$/],
    ['a stamp that is not next', planCsv(61, 3, () => 1), {}, /plan\.csv: series "small", line 2: future stamp 1 after the last row must be 2020-01-01T00:00:00\.000Z/],
  ])('refuses %s before training, writing nothing', async (_what, plan, extra, message) => {
    await fs.writeFile(path.join(dir, 'plan.csv'), plan);
    const stages: string[] = [];
    const error = await run('bad', 'plan.csv', { ...extra, onStage: (s: string) => { stages.push(s); } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
    expect(stages).not.toContain('train');
    await expect(fs.stat(path.join(dir, 'bad'))).rejects.toThrow();
  });
});

describe('runForecastJob --static-inputs, --id-input', () => {
  it('gives the global LSTM one-hot inputs of the region and the id, recorded in metrics.json and the bundle', async () => {
    const dir = await fresh();
    await fs.writeFile(path.join(dir, 'stores.csv'), longCsv(60));
    const out = path.join(dir, 'run');
    const { metrics } = await runForecastJob({ ...quick, epochs: 1, targetTransform: 'difference', csv: path.join(dir, 'stores.csv'), staticInputs: ['region'], idInput: true, out });
    expect(metrics.static_inputs).toEqual({ columns: ['region'], id: true });
    const manifest = JSON.parse(await fs.readFile(path.join(out, 'model', 'manifest.json'), 'utf8'));
    expect(manifest.panel.preprocessors.map((p: { staticInputs: unknown }) => p.staticInputs)).toEqual([
      { names: ['region=north', 'region=south', 'id=small', 'id=large'], values: [1, 0, 1, 0] },
      { names: ['region=north', 'region=south', 'id=small', 'id=large'], values: [0, 1, 0, 1] },
    ]);
    const reloaded = await loadPanelBundle(path.join(out, 'model'));
    try {
      expect(reloaded.model.inputs[0].shape[2]).toBe(1 + 4);
    } finally {
      reloaded.dispose();
    }
  }, 120_000);

  it('refuses them in local mode, and an unknown static column, before training', async () => {
    const dir = await fresh();
    await fs.writeFile(path.join(dir, 'stores.csv'), longCsv(60));
    const local = await runForecastJob({ ...quick, csv: path.join(dir, 'stores.csv'), mode: 'local', idInput: true, out: path.join(dir, 'a') }).catch((e: unknown) => e);
    expect((local as Error).message).toBe("staticInputs and idInput describe series to a network shared by them: they need mode 'global'");
    const unknown = await runForecastJob({ ...quick, csv: path.join(dir, 'stores.csv'), staticInputs: ['city'], out: path.join(dir, 'b') }).catch((e: unknown) => e);
    expect((unknown as Error).message).toBe(`${path.join(dir, 'stores.csv')}: unknown column "city" (options.statics); available columns: "month", "store", "region", "sales"`);
  });
});

describe('runForecastJob --test-start with --time-format', () => {
  it('reads the cutoffs in the data\'s time format, and cuts every series there', async () => {
    const dir = await fresh();
    const dotted = longCsv(60).replace(/^(\d{4})-(\d{2})-(\d{2})/gm, (_, y, m, d) => `${d}.${m}.${y}`);
    await fs.writeFile(path.join(dir, 'stores.csv'), dotted);
    const { metrics } = await runForecastJob({
      ...quick, epochs: 1, targetTransform: 'difference', csv: path.join(dir, 'stores.csv'), timeFormat: 'dd.MM.yyyy',
      testStart: '01.01.2019', valStart: '01.07.2018', out: path.join(dir, 'run'),
    });
    expect(metrics.per_series.small.split).toMatchObject({ val: { start: '2018-07-01', rows: 6 }, test: { start: '2019-01-01', rows: 12 } });
    expect(metrics.per_series.large.split).toMatchObject({ test: { start: '2019-01-01', rows: 12 } });
    const bad = await runForecastJob({ ...quick, csv: path.join(dir, 'stores.csv'), timeFormat: 'dd.MM.yyyy', testStart: '2019-13-45', out: path.join(dir, 'bad') }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InputError);
    expect((bad as Error).message).toContain('2019-13-45');
  }, 120_000);
});

/** Three stores a, b, c (monthly from 2015-01, `months` rows each) with a promo column. */
function threeStoresCsv(months: number): string {
  const lines = ['month,store,sales,promo'];
  for (let t = 0; t < months; t++) {
    const month = new Date(Date.UTC(2015, t, 1)).toISOString().slice(0, 10);
    const promo = t % 3 === 0 ? 1 : 0;
    ['a', 'b', 'c'].forEach((store, k) => {
      const level = [10, 300, 7000][k];
      lines.push(`${month},${store},${(level * (1 + 0.01 * t + 0.2 * Math.sin((2 * Math.PI * t) / 12) + 0.1 * promo) + ((t * (k + 3)) % 5)).toFixed(3)},${promo}`);
    });
  }
  return lines.join('\n') + '\n';
}

describe('runForecastJob --series', () => {
  it('forecasts only the selected series, ignores the others\' future rows, records the filter; refuses an unknown id before training', async () => {
    const dir = await fresh();
    const csv = path.join(dir, 'stores.csv');
    await fs.writeFile(csv, threeStoresCsv(60));
    // b and c have the 3 rows after their end; a's rows are wrong (not its next stamps), which
    // would be an error if a were selected.
    const plan = ['store,month,promo', 'a,2030-01-01,1'];
    for (const store of ['b', 'c']) for (let k = 0; k < 3; k++) plan.push(`${store},${new Date(Date.UTC(2020, k, 1)).toISOString().slice(0, 10)},${k % 2}`);
    await fs.writeFile(path.join(dir, 'plan.csv'), plan.join('\n') + '\n');
    const options = {
      ...quick, id: 'store', epochs: 1, targetTransform: 'difference', csv, features: ['promo'], futureCovariates: path.join(dir, 'plan.csv'),
    } as const;
    const out = path.join(dir, 'run');
    const { metrics } = await runForecastJob({ ...options, series: ['c', 'b'], out });
    expect(metrics.series).toBe(2);
    expect(metrics.rows).toBe(120);
    expect(Object.keys(metrics.per_series)).toEqual(['b', 'c']);
    expect(metrics.series_filter).toEqual(['c', 'b']);
    const written = JSON.parse(await fs.readFile(path.join(out, 'metrics.json'), 'utf8'));
    expect([written.series_filter, Object.keys(written.per_series)]).toEqual([['c', 'b'], ['b', 'c']]);
    const future = (await fs.readFile(path.join(out, 'future.csv'), 'utf8')).trimEnd().split('\n');
    expect(future.slice(1).map((l) => l.split(',')[0])).toEqual(['b', 'b', 'b', 'c', 'c', 'c']);

    const stages: string[] = [];
    const error = await runForecastJob({ ...options, series: ['b', 'nope'], out: path.join(dir, 'bad'), onStage: (s) => { stages.push(s); } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('unknown series id "nope" (options.series); known ids: a, b, c');
    expect(stages).not.toContain('train');
    // Selected, a's wrong future rows are checked.
    const selectedA = await runForecastJob({ ...options, series: ['a', 'b'], out: path.join(dir, 'bad') }).catch((e: unknown) => e);
    expect((selectedA as Error).message).toMatch(/plan\.csv: series "a", line 2: future stamp 1 after the last row must be 2020-01-01/);
    expect((await fs.readdir(dir)).sort()).toEqual(['plan.csv', 'run', 'stores.csv']);
  }, 120_000);

  it('names a selected series that --short skip left out as skipped, not unknown', async () => {
    const dir = await fresh();
    await fs.writeFile(path.join(dir, 'stores.csv'), longCsv(60, 10));
    const error = await runForecastJob({ ...quick, csv: path.join(dir, 'stores.csv'), minLength: 24, short: 'skip', series: ['large'], out: path.join(dir, 'run') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('series id "large" (options.series) was skipped: it has 10 rows, fewer than options.minLength');
    expect(await fs.readdir(dir)).toEqual(['stores.csv']);
  });
});
