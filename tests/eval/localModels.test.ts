import { describe, expect, it } from 'vitest';
import type { PanelSplit } from '../../src/data/panelSplit';
import { InputError } from '../../src/errors';
import { arimaForecaster } from '../../src/eval/arima';
import { baselineForecaster } from '../../src/eval/baselines';
import { autoEts, etsForecastAt, etsForecaster } from '../../src/eval/ets';
import { holtWintersForecaster } from '../../src/eval/holtWinters';
import {
  DEFAULT_LOCAL_FALLBACK,
  LOCAL_MODEL_NAMES,
  type LocalModelName,
  localForecaster,
  referenceForecasters,
} from '../../src/eval/localModels';
import { ETS_MAX_FIT_ROWS, describeEts, describeTheta } from '../../src/eval/statistical';
import { fitTheta, thetaForecaster } from '../../src/eval/theta';
import { expectInputError, expectInputErrorAsync } from '../helpers/expectInputError';
import { panelOf, seasonal, seriesOf, snapshot } from './panelHelpers';

/** A split with test rows `[start, length)` and no validation rows. */
function testFrom(...starts: [number, number][]): PanelSplit {
  return starts.map(([start, length]) => ({ train: { start: 0, end: start }, val: { start, end: start }, test: { start, end: length } }));
}

const values = (forecast: { series: readonly { values: readonly Float64Array[] }[] }): number[][][] =>
  forecast.series.map((s) => s.values.map((row) => Array.from(row)));

describe('LOCAL_MODEL_NAMES', () => {
  it('lists the baselines, the statistical models and Holt-Winters', () => {
    expect(LOCAL_MODEL_NAMES).toEqual(['naive', 'seasonal_naive', 'mean', 'drift', 'ets', 'theta', 'arima', 'holt_winters']);
    expect(DEFAULT_LOCAL_FALLBACK).toBe('naive');
  });
});

describe('localForecaster: baselines, series by series', () => {
  const panel = panelOf({ a: seriesOf([1, 2, 4, 8, 16]), b: seriesOf([10, 20, 15, 25, 5, 30]) });
  const split = testFrom([3, 5], [4, 6]);
  const origins = [[2, 3], [3, 4]];

  it.each([
    ['naive', 1, [[[4, 4], [8, 8]], [[25, 25], [5, 5]]]],
    ['seasonal_naive', 2, [[[2, 4], [4, 8]], [[15, 25], [25, 5]]]],
    ['mean', 1, [[[7 / 3, 7 / 3], [15 / 4, 15 / 4]], [[17.5, 17.5], [15, 15]]]],
    ['drift', 1, [[[5.5, 7], [8 + 7 / 3, 8 + 2 * (7 / 3)]], [[30, 35], [3.75, 2.5]]]],
  ] as const)('%s forecasts every series from its own rows', async (name, season, expected) => {
    const model = localForecaster(name, { season });
    await model.fit(panel, split);
    const forecast = await model.forecastAt(panel, origins, 2);
    expect(forecast.model).toBe(name);
    expect(values(forecast)).toEqual(expected);
    expect(forecast.series.map((s) => s.id)).toEqual(['a', 'b']);
    expect(forecast.series.map((s) => s.times.map((t) => Array.from(t)))).toEqual([
      [[3, 4], [4, 5]],
      [[4, 5], [5, 6]],
    ]);
    expect(model.failures).toEqual([]);
    expect(model.fitted).toEqual({ a: name, b: name });
  });

  it('agrees with the single-series baselines', async () => {
    const model = localForecaster('seasonal_naive', { season: 2 });
    await model.fit(panel, split);
    const forecast = await model.forecastAt(panel, origins, 2);
    const one = await baselineForecaster('seasonal_naive', 2)(Float64Array.of(10, 20, 15, 25, 5, 30), [3, 4], 2);
    expect(values(forecast)[1]).toEqual(one.map((r) => Array.from(r)));
  });

  it('skips series without origins and does not modify the panel', async () => {
    const before = snapshot(panel);
    const model = localForecaster('naive');
    await model.fit(panel, split);
    const forecast = await model.forecastAt(panel, [[], [5]], 1);
    expect(forecast.series.map((s) => s.id)).toEqual(['b']);
    expect(values(forecast)).toEqual([[[30]]]);
    expect(snapshot(panel)).toEqual(before);
  });

  it('forecasts past the last row of every series with forecast()', async () => {
    const model = localForecaster('naive');
    await model.fit(panel, split);
    const future = await model.forecast(panel, 2);
    expect(values(future)).toEqual([[[16, 16]], [[30, 30]]]);
    expect(future.series.map((s) => s.origins)).toEqual([[4], [5]]);
    expect(future.series.map((s) => Array.from(s.times[0]))).toEqual([[5, 6], [6, 7]]);
  });
});

describe('localForecaster: statistical models, fitted once per series before its test range', () => {
  const ya = seasonal(60, 12);
  const yb = seasonal(72, 12, 50, 0.5, 5);
  const panel = panelOf({ a: seriesOf(ya), b: seriesOf(yb) });
  const split = testFrom([48, 60], [60, 72]);
  const origins = [Array.from({ length: 12 }, (_, i) => 47 + i), Array.from({ length: 12 }, (_, i) => 59 + i)];

  it.each([
    ['ets', () => etsForecaster({ period: 12 })],
    ['theta', () => thetaForecaster({ period: 12 })],
    ['holt_winters', () => holtWintersForecaster({ season: 12 })],
  ] as const)('%s equals its OriginForecaster on every series', async (name, single) => {
    const model = localForecaster(name as LocalModelName, { season: 12 });
    await model.fit(panel, split);
    const forecast = await model.forecastAt(panel, origins, 3);
    const a = await single()(Float64Array.from(ya), origins[0], 3);
    const b = await single()(Float64Array.from(yb), origins[1], 3);
    expect(values(forecast)).toEqual([a.map((r) => Array.from(r)), b.map((r) => Array.from(r))]);
  });

  it('arima equals arimaForecaster', async () => {
    const one = panelOf({ b: seriesOf(yb) });
    const model = localForecaster('arima', { season: 12 });
    await model.fit(one, [split[1]]);
    const forecast = await model.forecastAt(one, [origins[1]], 2);
    const rows = await arimaForecaster({ period: 12, maxFitRows: 1000 })(Float64Array.from(yb), origins[1], 2);
    expect(values(forecast)).toEqual([rows.map((r) => Array.from(r))]);
    expect(model.fitted.b).toMatch(/^ARIMA\(/);
  });

  it('describes each fit', async () => {
    const ets = localForecaster('ets', { season: 12 });
    const theta = localForecaster('theta', { season: 12 });
    await ets.fit(panel, split);
    await theta.fit(panel, split);
    expect(ets.fitted).toEqual({
      a: describeEts(autoEts(ya.slice(0, 48), { period: 12 })),
      b: describeEts(autoEts(yb.slice(0, 60), { period: 12 })),
    });
    expect(theta.fitted).toEqual({
      a: describeTheta(fitTheta(ya.slice(0, 48), { period: 12 })),
      b: describeTheta(fitTheta(yb.slice(0, 60), { period: 12 })),
    });
  });

  it('runs with the fitted parameters: later rows do not change an origin\'s forecast', async () => {
    const model = localForecaster('ets', { season: 12 });
    await model.fit(panel, split);
    const full = await model.forecastAt(panel, [[50], []], 2);
    const cut = panelOf({ a: seriesOf(ya.slice(0, 51)), b: seriesOf(yb) });
    const again = await model.forecastAt(cut, [[50], []], 2);
    expect(values(again)).toEqual(values(full));
  });
});

describe('localForecaster: ets on a series longer than ETS_MAX_FIT_ROWS', () => {
  it('fits on the latest ETS_MAX_FIT_ROWS rows and runs the filter from the first of them', async () => {
    const extra = 30;
    const n = ETS_MAX_FIT_ROWS + extra + 10;
    let level = 50;
    const y = Array.from({ length: n }, (_, t) => (level += Math.sin(t * 0.7) + Math.cos(t * 0.013)));
    const panel = panelOf({ a: seriesOf(y) });
    const testStart = ETS_MAX_FIT_ROWS + extra;
    const model = localForecaster('ets', { season: 1 });
    await model.fit(panel, testFrom([testStart, n]));
    const origins = [testStart - 1, testStart + 3, n - 2];
    const forecast = await model.forecastAt(panel, [origins], 2);
    const fit = autoEts(Float64Array.from(y.slice(extra, testStart)), { period: 1 });
    const expected = etsForecastAt(fit, Float64Array.from(y.slice(extra)), origins.map((t) => t - extra), 2);
    expect(values(forecast)).toEqual([expected.map((r) => Array.from(r))]);
    expect(model.fitted.a).toBe(describeEts(fit));
    // Not the fit on every row: the cap changes the model's parameters.
    const whole = autoEts(Float64Array.from(y.slice(0, testStart)), { period: 1 });
    expect(whole.n).toBe(testStart);
    expect(fit.n).toBe(ETS_MAX_FIT_ROWS);
    expect(whole.initial).not.toEqual(fit.initial);
  });
});

describe('localForecaster: series it cannot fit', () => {
  const long = seasonal(30, 4);
  const panel = panelOf({ long: seriesOf(long), short: seriesOf([5, 6, 8, 7, 9, 10, 11]) });
  const split = testFrom([24, 30], [5, 7]);

  it('falls back to the naive forecast there, and says so', async () => {
    const model = localForecaster('theta', { season: 4 });
    await model.fit(panel, split);
    expect(model.failures).toEqual([{ id: 'short', message: 'history must have at least 7 values, got 5', fallback: 'naive' }]);
    expect(model.fitted.short).toBe('naive (fallback: history must have at least 7 values, got 5)');
    expect(model.fitted.long).toBe(describeTheta(fitTheta(long.slice(0, 24), { period: 4 })));
    const forecast = await model.forecastAt(panel, [[], [4, 5]], 2);
    expect(values(forecast)).toEqual([[[9, 9], [10, 10]]]);
  });

  it('falls back to the baseline chosen', async () => {
    const model = localForecaster('ets', { season: 4, fallback: 'mean' });
    await model.fit(panelOf({ tiny: seriesOf([1, 2, 3, 6]) }), testFrom([3, 4]));
    expect(model.failures).toEqual([{ id: 'tiny', message: 'history must have at least 4 values, got 3', fallback: 'mean' }]);
    const forecast = await model.forecastAt(panelOf({ tiny: seriesOf([1, 2, 3, 6]) }), [[2]], 1);
    expect(values(forecast)).toEqual([[[2]]]);
  });

  it('throws, naming the series, without a fallback', async () => {
    const model = localForecaster('theta', { season: 4, fallback: null });
    const error = await expectInputErrorAsync(() => model.fit(panel, split), 'series "short": history must have at least 7 values, got 5');
    expect(error.details.id).toBe('short');
  });

  it('names the series when a baseline cannot forecast from an origin', async () => {
    const model = localForecaster('drift');
    await model.fit(panel, split);
    await expectInputErrorAsync(() => model.forecastAt(panel, [[0], []], 1), 'series "long": history must have at least 2 values, got 1');
  });

  it('refuses series it has not fitted', async () => {
    const model = localForecaster('naive');
    await model.fit(panelOf({ other: seriesOf([1, 2, 3]) }), testFrom([2, 3]));
    await expect(model.forecastAt(panel, [[3], []], 1)).rejects.toThrow(
      new Error('naive: series "long" was not fitted; call fit with a panel that holds it first'),
    );
  });

  it('refits from scratch on every fit', async () => {
    const model = localForecaster('theta', { season: 4 });
    await model.fit(panel, split);
    await model.fit(panelOf({ long: seriesOf(long) }), testFrom([24, 30]));
    expect(model.failures).toEqual([]);
    expect(Object.keys(model.fitted)).toEqual(['long']);
  });
});

describe('localForecaster: arguments', () => {
  it.each([
    [() => localForecaster('prophet' as LocalModelName), "name must be one of 'naive', 'seasonal_naive', 'mean', 'drift', 'ets', 'theta', 'arima', 'holt_winters', got \"prophet\""],
    [() => localForecaster('holt_winters'), 'season must be an integer >= 2, got 1'],
    [() => localForecaster('ets', { season: 0 }), 'season must be a positive integer, got 0'],
    [() => localForecaster('ets', { fallback: 'ets' as never }), "fallback must be one of 'naive', 'seasonal_naive', 'mean', 'drift' or null, got \"ets\""],
  ])('rejects bad arguments (%#)', (make, message) => {
    expectInputError(make, message);
  });

  it('checks the split', async () => {
    const panel = panelOf({ a: seriesOf([1, 2, 3]) });
    await expectInputErrorAsync(() => localForecaster('naive').fit(panel, []), 'split must hold one entry per series (1), got 0 entries');
    await expectInputErrorAsync(
      () => localForecaster('naive').fit(panel, testFrom([0, 3])),
      'split of series "a": test.start must be an integer in [1, 3], got 0',
    );
  });

  it('checks origins and horizon', async () => {
    const panel = panelOf({ a: seriesOf([1, 2, 3]) });
    const model = localForecaster('naive');
    await model.fit(panel, testFrom([2, 3]));
    await expectInputErrorAsync(() => model.forecastAt(panel, [[5]], 1), 'origins of series "a" must be increasing integers in [0, 2], got [5]');
    await expectInputErrorAsync(() => model.forecastAt(panel, [[1]], 0), 'horizon must be a positive integer, got 0');
  });
});

describe('referenceForecasters', () => {
  it('is the job list, with holt_winters only for a season of 2 or more', () => {
    expect(referenceForecasters({ season: 1 }).map((f) => f.name)).toEqual(['naive', 'seasonal_naive', 'mean', 'drift', 'ets', 'theta', 'arima']);
    expect(referenceForecasters({ season: 12 }).map((f) => f.name)).toEqual([
      'naive',
      'seasonal_naive',
      'mean',
      'drift',
      'ets',
      'theta',
      'arima',
      'holt_winters',
    ]);
  });

  it('passes the season and fallback on', async () => {
    const [, snaive] = referenceForecasters({ season: 2 });
    const panel = panelOf({ a: seriesOf([1, 2, 3, 4, 5]) });
    await snaive.fit(panel, testFrom([3, 5]));
    expect(values(await snaive.forecastAt(panel, [[3]], 2))).toEqual([[[3, 4]]]);
    const theta = referenceForecasters({ season: 1, fallback: null })[5];
    await expect(theta.fit(panel, testFrom([3, 5]))).rejects.toBeInstanceOf(InputError);
  });

  it('rejects a bad season', () => {
    expectInputError(() => referenceForecasters({ season: 1.5 }), 'season must be a positive integer, got 1.5');
  });
});
