/**
 * Future-known covariates through the forecasters: calendar encoders and user-given future
 * columns as lead inputs (see `src/model/futureKnown.ts`), recursion beyond the horizon with
 * them, bundles, the global model, and bit-identity without them.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePanel, panelSeries } from '../../src/data/panel';
import type { SplitIndices } from '../../src/data/split';
import type { TimeSeries } from '../../src/data/types';
import { MANIFEST_FILE, loadBundle, loadPanelBundle, saveBundle } from '../../src/model/bundle';
import { LstmForecaster, validationScore } from '../../src/model/forecaster';
import { GlobalLstmForecaster } from '../../src/model/global';
import { expectInputError, expectInputErrorAsync, makeSeries, useBackend } from './helpers';
import { PAST_FIXTURE } from './pastCovariatesFixture';
import reference from './reference/pastCovariates.json';

const N = 96;
/** Monthly stamps, first of the month from `start` (months after January 2010). */
const months = (count: number, start = 0): Float64Array => Float64Array.from({ length: count }, (_, i) => Date.UTC(2010, start + i, 1));

/** A monthly date series from `columns` (first `numTargets` are targets). */
function monthly(columns: Record<string, ArrayLike<number>>, numTargets = 1, start = 0): TimeSeries {
  const base = makeSeries(columns, numTargets);
  return { ...base, timeColumn: 'month', timeKind: 'date', time: months(base.length, start) };
}

/** A copy of `series` with rows appended by hand: targets, features and stamps given. */
function appendByHand(series: TimeSeries, rows: Record<string, ArrayLike<number>>, time: ArrayLike<number>): TimeSeries {
  const values: Record<string, Float64Array> = {};
  for (const name of series.columns) values[name] = Float64Array.from([...series.values[name], ...Array.from(rows[name])]);
  return { ...series, time: Float64Array.from([...series.time, ...Array.from(time)]), values, length: series.length + time.length };
}

const y = Float64Array.from({ length: N }, (_, t) => 10 + 0.05 * t + 2 * Math.sin((2 * Math.PI * t) / 12) + 0.3 * Math.cos(t));
const promo = Float64Array.from({ length: N }, (_, t) => (t % 5 === 0 ? 1 : 0));
const temp = Float64Array.from({ length: N }, (_, t) => Math.cos((2 * Math.PI * t) / 12) + 0.1 * Math.sin(3 * t));
const dated = monthly({ y });
const split: SplitIndices = { train: { start: 0, end: 66 }, val: { start: 66, end: 78 }, test: { start: 78, end: 96 } };
const small = { units: 8, epochs: 3, batchSize: 16 } as const;
const calendar = ['dayOfYearSin', 'dayOfYearCos'] as const;
const options = { horizon: 3, season: 12, lookback: 12, targetTransform: 'difference', calendar, model: small } as const;

let withCalendar: LstmForecaster;

beforeAll(async () => {
  await useBackend('cpu');
  withCalendar = await LstmForecaster.fit(dated, split, options);
});

afterAll(() => withCalendar.dispose());

describe('without future-known covariates nothing changes', () => {
  const { series, split: s, options: o, panelSeries2, origins } = PAST_FIXTURE;

  it.each([{}, { calendar: [], futureCovariates: [] }])('LstmForecaster %j: losses and forecasts equal those recorded before they existed', async (extra) => {
    const f = await LstmForecaster.fit(series, s, { ...o, ...extra });
    try {
      expect(f.history!.loss).toEqual(reference.single.loss);
      expect(f.history!.valLoss).toEqual(reference.single.valLoss);
      expect(f.forecastAt(series, origins).map((r) => Array.from(r))).toEqual(reference.single.forecastAt);
      expect(Array.from(f.forecast(series).values.y)).toEqual(reference.single.forecast.y);
      expect('futureKnown' in f.spec.preprocessor).toBe(false);
    } finally {
      f.dispose();
    }
  });

  it('GlobalLstmForecaster: losses and forecasts equal those recorded before', async () => {
    const panel = makePanel([
      { id: 'a', series },
      { id: 'b', series: panelSeries2 },
    ]);
    const g = await GlobalLstmForecaster.fit(panel, [s, s], { ...o, calendar: [] });
    try {
      expect(g.history!.loss).toEqual(reference.global.loss);
      expect(g.history!.valLoss).toEqual(reference.global.valLoss);
      expect(g.forecastAt(panel, [origins, origins]).map((x) => x.map((r) => Array.from(r)))).toEqual(reference.global.forecastAt);
    } finally {
      g.dispose();
    }
  });
});

describe('calendar encoders as future-known inputs', () => {
  it('records them in the preprocessor state and widens the input by one column each', () => {
    expect(withCalendar.shape).toEqual({ lookback: 12, numFeatures: 3, horizon: 3, numTargets: 1 });
    expect(withCalendar.model.inputs[0].shape).toEqual([null, 12, 3]);
    expect(withCalendar.spec.preprocessor.futureKnown).toMatchObject({ lead: 3, columns: [], calendar: ['dayOfYearSin', 'dayOfYearCos'] });
    expect(withCalendar.spec.data.features).toEqual([]);
  });

  it('recursion beyond the horizon works and equals a manual two-step recursion', () => {
    const fc = withCalendar.forecast(dated, { steps: 5 });
    expect(fc.recursive).toBe(true);
    expect(fc.steps).toBe(5);
    const first = withCalendar.forecastAt(dated, [N - 1])[0];
    // By hand: feed the first forecast back, stamped with the next three months.
    const extended = appendByHand(dated, { y: first }, months(3, N));
    const second = withCalendar.forecastAt(extended, [N + 2])[0];
    expect(Array.from(fc.values.y)).toEqual([...first, second[0], second[1]]);
    expect(fc.values.y.every(Number.isFinite)).toBe(true);
  });

  it('an origin near the end uses extrapolated stamps: the same forecast as with the true stamps given', () => {
    const atEnd = withCalendar.forecastAt(dated, [N - 2, N - 1]);
    const given = withCalendar.forecastAt(dated, [N - 2, N - 1], { future: { time: months(3, N) } });
    expect(given).toEqual(atEnd);
    // Other stamps do change it: the calendar inputs are read.
    const shifted = withCalendar.forecastAt(dated, [N - 1], { future: { time: months(3, N + 6) } });
    expect(shifted[0]).not.toEqual(atEnd[1]);
    // An origin inside the data reads the series' own stamps: cutting the series after it changes nothing.
    const cut = monthly({ y: y.subarray(0, 80) });
    expect(withCalendar.forecastAt(cut, [79])).toEqual(withCalendar.forecastAt(dated, [79]));
  });

  it('future.time, when given, must cover the rows read', () => {
    expectInputError(
      () => withCalendar.forecast(dated, { steps: 4, future: { time: months(4, N) } }),
      `steps 4 with horizon 3 needs 6 future time stamps (rows 96..101), got 4 in future.time`,
    );
  });

  it('fit reads no stamp or value of the test range: the same losses and scalers with changed test stamps', async () => {
    const time = dated.time.slice();
    for (let i = split.test.start; i < N; i++) time[i] += 10 * 86_400_000;
    const moved = { ...dated, time };
    const again = await LstmForecaster.fit(moved, split, options);
    try {
      expect(again.spec.preprocessor).toEqual(withCalendar.spec.preprocessor);
      expect(again.history!.loss).toEqual(withCalendar.history!.loss);
      expect(again.history!.valLoss).toEqual(withCalendar.history!.valLoss);
    } finally {
      again.dispose();
    }
  });

  it('rejects lookback < horizon, naming both', async () => {
    await expectInputErrorAsync(
      () => LstmForecaster.fit(dated, split, { ...options, lookback: 2 }),
      "lookback (2) must be at least the horizon (3) with future-known covariates [dayOfYearSin, dayOfYearCos]: the window's last horizon rows carry their values for the forecast rows",
    );
  });

  it('rejects calendar encoders on a series without dates', async () => {
    await expectInputErrorAsync(
      () => LstmForecaster.fit(makeSeries({ y }), split, options),
      'calendar features need a date time column, got timeKind "number" for column "t"',
    );
  });

  it('keeps tf.memory().numTensors flat across forecasts', () => {
    withCalendar.forecast(dated, { steps: 7 });
    const before = tf.memory().numTensors;
    for (let r = 0; r < 3; r++) {
      withCalendar.forecastAt(dated, [80, 95]);
      withCalendar.forecast(dated, { steps: 7 });
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it("works with targetTransform 'auto' (validation scored on rows before val.end only)", async () => {
    const auto = await LstmForecaster.fit(dated, split, { ...options, targetTransform: 'auto', model: { ...small, epochs: 1 } });
    try {
      expect(auto.spec.selection!.candidates.map((c) => Number.isFinite(c.validationMase))).toEqual([true, true, true, true]);
      expect(auto.spec.preprocessor.futureKnown?.calendar).toEqual(['dayOfYearSin', 'dayOfYearCos']);
    } finally {
      auto.dispose();
    }
  });
});

describe('bundles with calendar encoders', () => {
  let root: string;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'future-bundle-'));
  });
  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('reload with the same encoders and scalers, and forecast identically (recursion included)', async () => {
    const dir = path.join(root, 'calendar');
    const manifest = await saveBundle(withCalendar, dir);
    expect(manifest.preprocessor.futureKnown?.calendar).toEqual(['dayOfYearSin', 'dayOfYearCos']);
    const loaded = await loadBundle(dir);
    try {
      expect(loaded.spec.preprocessor).toEqual(withCalendar.spec.preprocessor);
      expect(loaded.shape).toEqual(withCalendar.shape);
      expect(loaded.forecastAt(dated, [70, 90, 95])).toEqual(withCalendar.forecastAt(dated, [70, 90, 95]));
      expect(loaded.forecast(dated, { steps: 8 })).toEqual(withCalendar.forecast(dated, { steps: 8 }));
    } finally {
      loaded.dispose();
    }
  });

  it('rejects a manifest whose lead is not the horizon', async () => {
    const dir = path.join(root, 'bad-lead');
    await saveBundle(withCalendar, dir);
    const file = path.join(dir, MANIFEST_FILE);
    const m = JSON.parse(await fs.readFile(file, 'utf8'));
    m.preprocessor.futureKnown.lead = 2;
    await fs.writeFile(file, JSON.stringify(m));
    await expectInputErrorAsync(() => loadBundle(dir), `${file}: preprocessor.futureKnown.lead must equal horizon (3), got 2`);
  });
});

describe('user-given future-known columns', () => {
  const series = monthly({ y, promo });
  const next = Float64Array.of(1, 0, 0, 0, 0, 1);
  let f: LstmForecaster;

  beforeAll(async () => {
    f = await LstmForecaster.fit(series, split, { ...options, calendar: [], futureCovariates: ['promo'] });
  });
  afterAll(() => f.dispose());

  it('forecast from the end with future values equals the forecast from a series extended with them', () => {
    const fc = f.forecast(series, { future: { values: { promo: next.subarray(0, 3) } } });
    const extended = appendByHand(series, { y: [0, 0, 0], promo: next.subarray(0, 3) }, months(3, N));
    expect(Array.from(fc.values.y)).toEqual(Array.from(f.forecastAt(extended, [N - 1])[0]));
    // The values are read: other future values, another forecast.
    expect(f.forecast(series, { future: { values: { promo: [0, 0, 0] } } }).values.y).not.toEqual(fc.values.y);
  });

  it('recursion: each direct forecast reads its horizon of future values', () => {
    const fc = f.forecast(series, { steps: 5, future: { values: { promo: next } } });
    const first = f.forecastAt(series, [N - 1], { future: { values: { promo: next } } })[0];
    const extended = appendByHand(series, { y: first, promo: next.subarray(0, 3) }, months(3, N));
    const second = f.forecastAt(extended, [N + 2], { future: { values: { promo: next.subarray(3) } } })[0];
    expect(Array.from(fc.values.y)).toEqual([...first, second[0], second[1]]);
  });

  it('recursion with several future-known columns listed in another order than the features', async () => {
    const price = Float64Array.from({ length: N }, (_, t) => 5 + (t % 7));
    const two = monthly({ y, promo, price });
    const m = await LstmForecaster.fit(two, split, { ...options, calendar: [], futureCovariates: ['price', 'promo'], model: { ...small, epochs: 1 } });
    try {
      const future = { values: { promo: next, price: Float64Array.of(9, 8, 7, 6, 5, 4) } };
      const fc = m.forecast(two, { steps: 4, future });
      const first = m.forecastAt(two, [N - 1], { future })[0];
      const extended = appendByHand(two, { y: first, promo: next.subarray(0, 3), price: [9, 8, 7] }, months(3, N));
      const second = m.forecastAt(extended, [N + 2], { future: { values: { promo: next.subarray(3), price: [6, 5, 4] } } })[0];
      expect(Array.from(fc.values.y)).toEqual([...first, second[0]]);
    } finally {
      m.dispose();
    }
  });

  it.each([
    [{}, 'steps 3 with horizon 3 needs 3 future values of the future-known column "promo" (rows 96..98), got 0; pass them in future.values.promo'],
    [{ steps: 5, future: { values: { promo: [1, 0, 0, 0, 0] } } }, 'steps 5 with horizon 3 needs 6 future values of the future-known column "promo" (rows 96..101), got 5; pass them in future.values.promo'],
  ])('missing future values are an error naming the column and the count: %j', (opts, message) => {
    expectInputError(() => f.forecast(series, opts), message);
  });

  it('forecastAt: origins whose lead rows are in the data need nothing; later ones need future values', () => {
    expect(f.forecastAt(series, [N - 4])[0]).toHaveLength(3);
    expectInputError(
      () => f.forecastAt(series, [50, N - 2]),
      'origin 94 with horizon 3 needs 2 future values of the future-known column "promo" (rows 96..97), got 0; pass them in future.values.promo',
    );
    expect(f.forecastAt(series, [N - 2], { future: { values: { promo: [1, 0] } } })[0]).toHaveLength(3);
  });

  it('no test-period value is read during fit: a spike in the test range leaves scalers and losses unchanged', async () => {
    const spiked = { ...series, values: { ...series.values, promo: Float64Array.from(promo, (v, t) => (t === split.test.start + 1 ? 1e6 : v)) } };
    const again = await LstmForecaster.fit(spiked, split, { ...options, calendar: [], futureCovariates: ['promo'] });
    try {
      expect(again.spec.preprocessor).toEqual(f.spec.preprocessor);
      expect(again.history!.loss).toEqual(f.history!.loss);
      expect(again.history!.valLoss).toEqual(f.history!.valLoss);
      // The validation score reads no row at or after val.end either.
      expect(validationScore(again, spiked, split, 12)).toBe(validationScore(f, series, split, 12));
    } finally {
      again.dispose();
    }
  });

  it('with a past covariate too, recursion is refused naming the past one only', async () => {
    const mixed = monthly({ y, promo, temp });
    const m = await LstmForecaster.fit(mixed, split, { ...options, calendar: ['dayOfYearCos'], futureCovariates: ['promo'], model: { ...small, epochs: 1 } });
    try {
      expect(m.shape.numFeatures).toBe(4); // y, temp (past), promo and dayOfYearCos (leads)
      expectInputError(
        () => m.forecast(mixed, { steps: 4, future: { values: { promo: next } } }),
        'steps (4) beyond the trained horizon (3) need recursive forecasting, which is not possible with feature columns [temp]: their future values are unknown',
      );
      expect(m.forecast(mixed, { future: { values: { promo: next.subarray(0, 3) } } }).steps).toBe(3);
    } finally {
      m.dispose();
    }
  });
});

describe('GlobalLstmForecaster with future-known covariates', () => {
  // Two monthly series starting 18 months apart: each one's calendar comes from its own stamps.
  const a = monthly({ y, promo });
  const b = monthly({ y: Float64Array.from(y.subarray(0, 84), (v) => 3 * v + 50), promo: promo.subarray(0, 84) }, 1, 18);
  const panel = makePanel([
    { id: 'a', series: a },
    { id: 'b', series: b },
  ]);
  const splits: SplitIndices[] = [split, { train: { start: 0, end: 58 }, val: { start: 58, end: 70 }, test: { start: 70, end: 84 } }];
  let g: GlobalLstmForecaster;

  beforeAll(async () => {
    g = await GlobalLstmForecaster.fit(panel, splits, { ...options, futureCovariates: ['promo'] });
  });
  afterAll(() => g.dispose());

  const future = { a: { values: { promo: [1, 0, 0, 0, 0, 1] } }, b: { values: { promo: [0, 0, 1, 0, 0, 0] } } };

  it('fits each series its own calendar scalers; recursion uses each series own stamps', () => {
    const [pa, pb] = g.spec.preprocessors;
    expect(pa.futureKnown!.calendar).toEqual(pb.futureKnown!.calendar);
    expect(pa.futureKnown!.calendarScalers).not.toEqual(pb.futureKnown!.calendarScalers);
    const fcs = g.forecast(panel, 5, { future });
    expect(fcs.map((fc) => [fc.origin, fc.steps, fc.recursive])).toEqual([
      [N - 1, 5, true],
      [83, 5, true],
    ]);
    panel.ids.forEach((id, i) => {
      expect(fcs[i]).toEqual(g.member(id).forecast(panelSeries(panel, i), { steps: 5, future: future[id as 'a' | 'b'] }));
    });
    // Series b's next stamps are its own (July 2018 onwards), not series a's (January 2018 onwards).
    const bView = panelSeries(panel, 1);
    expect(new Date(bView.time[83]).toISOString()).toBe('2018-06-01T00:00:00.000Z');
    const byHand = g.member('b').forecastAt(bView, [83], { future: { time: months(3, 18 + 84), values: { promo: future.b.values.promo.slice(0, 3) } } })[0];
    expect(Array.from(fcs[1].values.y.subarray(0, 3))).toEqual(Array.from(byHand));
  });

  it('missing future values name the series', () => {
    expectInputError(
      () => g.forecast(panel, 3, { future: { a: future.a } }),
      'series "b": steps 3 with horizon 3 needs 3 future values of the future-known column "promo" (rows 84..86), got 0; pass them in future.values.promo',
    );
  });

  it('a global bundle reloads with every series its future-known state, forecasting identically', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'future-global-'));
    try {
      await saveBundle(g, path.join(root, 'model'));
      const loaded = await loadPanelBundle(path.join(root, 'model'));
      try {
        expect(loaded.spec.preprocessors).toEqual(g.spec.preprocessors);
        expect(loaded.forecast(panel, 4, { future })).toEqual(g.forecast(panel, 4, { future }));
      } finally {
        loaded.dispose();
      }
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it('a global manifest whose series have different future-known covariates is rejected', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'future-global-'));
    try {
      await saveBundle(g, path.join(root, 'model'));
      const file = path.join(root, 'model', MANIFEST_FILE);
      const m = JSON.parse(await fs.readFile(file, 'utf8'));
      m.panel.preprocessors[1].futureKnown.calendar = ['dayOfYearSin'];
      m.panel.preprocessors[1].futureKnown.calendarScalers.pop();
      await fs.writeFile(file, JSON.stringify(m));
      await expectInputErrorAsync(
        () => loadPanelBundle(path.join(root, 'model')),
        `${file}: panel.preprocessors[1] must have the future-known covariates of preprocessor ({"lead":3,"columns":["promo"],"calendar":["dayOfYearSin","dayOfYearCos"]}), ` +
          `got {"lead":3,"columns":["promo"],"calendar":["dayOfYearSin"]}`,
      );
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it('rejects lookback < horizon', async () => {
    await expectInputErrorAsync(
      () => GlobalLstmForecaster.fit(panel, splits, { ...options, lookback: 2, futureCovariates: ['promo'] }),
      "lookback (2) must be at least the horizon (3) with future-known covariates [promo, dayOfYearSin, dayOfYearCos]: the window's last horizon rows carry their values for the forecast rows",
    );
  });
});
