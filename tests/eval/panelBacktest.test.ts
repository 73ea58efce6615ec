import { describe, expect, it } from 'vitest';
import { type Panel, panelSeries, selectSeries } from '../../src/data/panel';
import type { PanelSplit } from '../../src/data/panelSplit';
import { rollingOriginBacktest } from '../../src/eval/backtest';
import { baselineForecaster } from '../../src/eval/baselines';
import { etsForecaster } from '../../src/eval/ets';
import { localForecaster } from '../../src/eval/localModels';
import { type Forecaster, type PanelForecast, type PanelOrigins, panelForecast } from '../../src/eval/model';
import { combineForecasters } from '../../src/eval/combine';
import { referenceForecasters } from '../../src/eval/localModels';
import {
  DEFAULT_MIN_GROUP_ORIGINS, DEFAULT_PROBE_TOLERANCE, DEFAULT_REFIT, type PanelBacktestOptions, type PanelBacktestResult, defaultGroupOrigins,
  panelBacktest, seriesGroups,
} from '../../src/eval/panelBacktest';
import { expectInputErrorAsync } from '../helpers/expectInputError';
import { panelOf, seasonal, seriesOf, snapshot } from './panelHelpers';

/** Split with `val` validation rows before the test rows `[start, length)`. */
function split(...parts: [start: number, length: number, val?: number][]): PanelSplit {
  return parts.map(([start, length, val = 0]) => ({
    train: { start: 0, end: start - val },
    val: { start: start - val, end: start },
    test: { start, end: length },
  }));
}

/** Forecasts from each origin with `value(series, row t)`, reading whatever rows it likes. */
function rule(name: string, value: (y: Float64Array, t: number, k: number) => number): Forecaster {
  const forecastAt = async (panel: Panel, origins: PanelOrigins, horizon: number): Promise<PanelForecast> =>
    panelForecast(panel, name, origins, horizon, origins.map((list, i) => {
      const y = panelSeries(panel, i).values.y;
      return list.map((t) => Float64Array.from({ length: horizon }, (_, k) => value(y, t, k + 1)));
    }));
  return { name, fit: async () => undefined, forecastAt, forecast: async () => { throw new Error('unused'); } };
}

/** An honest naive model that records its fits and forecast calls. */
function spy(name = 'spy') {
  const fits: { ids: readonly string[]; lengths: number[]; split: PanelSplit }[] = [];
  const calls: { lengths: number[]; origins: number[][] }[] = [];
  const inner = localForecaster('naive');
  const lengths = (p: Panel): number[] => p.ids.map((_, i) => p.offsets[i + 1] - p.offsets[i]);
  const model: Forecaster = {
    name,
    async fit(panel, s) {
      fits.push({ ids: panel.ids, lengths: lengths(panel), split: s });
      await inner.fit(panel, s);
    },
    async forecastAt(panel, origins, horizon) {
      calls.push({ lengths: lengths(panel), origins: origins.map((o) => [...o]) });
      return { ...(await inner.forecastAt(panel, origins, horizon)), model: name };
    },
    forecast: (panel, steps) => inner.forecast(panel, steps),
  };
  return { model, fits, calls };
}

const A = [1, 3, 2, 5, 4, 6];
const B = [10, 10, 12, 11, 15, 13, 14];

describe('panelBacktest: one series is rollingOriginBacktest', () => {
  it('gives the same pooled and per-step metrics and forecasts for naive, seasonal naive and ets', async () => {
    const y = seasonal(72, 12, 100, 0.5, 8).map((v, t) => v + ((t * 7919) % 13) / 10);
    const panel = panelOf({ y: seriesOf(y) });
    const models = [localForecaster('naive'), localForecaster('seasonal_naive', { season: 12 }), localForecaster('ets', { season: 12 })];
    const result = await panelBacktest(panel, models, { horizon: 6, split: split([60, 72, 6]), season: 12 });
    const single = await rollingOriginBacktest(
      y,
      { naive: baselineForecaster('naive'), seasonal_naive: baselineForecaster('seasonal_naive', 12), ets: etsForecaster({ period: 12 }) },
      { horizon: 6, testStart: 60, season: 12 },
    );
    expect(result.origins).toEqual([single.origins]);
    for (const name of ['naive', 'seasonal_naive', 'ets']) {
      const ours = result.models[name];
      expect(ours.pooled, name).toEqual(single.models[name].metrics);
      expect(ours.pooledByStep, name).toEqual(single.models[name].byStep);
      expect(ours.series[0].metrics, name).toEqual(single.models[name].metrics);
      expect(ours.series[0].byStep, name).toEqual(single.models[name].byStep);
      expect(ours.forecast.series[0].values.map((r) => Array.from(r)), name).toEqual(single.models[name].forecasts.map((r) => Array.from(r)));
      expect([ours.meanMase, ours.geometricMeanMase], name).toEqual([single.models[name].metrics.mase, single.models[name].metrics.mase]);
    }
  });
});

describe('panelBacktest: protocol over a panel', () => {
  const panel = panelOf({ a: seriesOf(A), b: seriesOf(B) });
  const options: PanelBacktestOptions = { horizon: 2, split: split([4, 6], [5, 7]), reference: 'naive' };
  const models = () => [localForecaster('naive'), localForecaster('mean'), localForecaster('seasonal_naive', { season: 2 })];

  it('scores every series from its own origins, scaled by its own rows before the test range', async () => {
    const result = await panelBacktest(panel, models(), options);
    expect(result.ids).toEqual(['a', 'b']);
    expect(result.origins).toEqual([[3, 4], [4, 5]]);
    expect(result.scales).toEqual([2, 1.75]);
    expect([result.horizon, result.season, result.refit]).toEqual([2, 1, 'never']);
    const naive = result.models.naive;
    expect(naive.series.map((s) => [s.id, s.pairs, s.metrics.mae])).toEqual([
      ['a', 3, 4 / 3],
      ['b', 3, 4 / 3],
    ]);
    expect(naive.series[0].metrics.mase).toBeCloseTo(2 / 3, 14);
    expect(naive.series[1].metrics.mase).toBeCloseTo(16 / 21, 14);
    expect(naive.series[0].byStep.map((m) => m.mae)).toEqual([1.5, 1]);
    expect(naive.meanMase).toBeCloseTo(5 / 7, 14);
    expect(naive.geometricMeanMase).toBeCloseTo(Math.sqrt(32 / 63), 14);
    expect(naive.pooled.mae).toBeCloseTo(4 / 3, 14);
    expect(naive.pooled.rmse).toBeCloseTo(Math.sqrt(12 / 6), 14);
    expect(naive.pooled.mase).toBeCloseTo(5 / 7, 14);
    expect(naive.pooledByStep.map((m) => m.mae)).toEqual([1.5, 1]);
    expect(naive.pooledByStep[0].mase).toBeCloseTo((0.75 + 6 / 7) / 2, 14);
    expect(naive.pooledByStep[1].mase).toBeCloseTo((0.5 + 1 / 1.75) / 2, 14);
  });

  it('keeps the forecasts time-indexed, NaN past the last row', async () => {
    const { naive } = (await panelBacktest(panel, models(), options)).models;
    expect(naive.forecast.model).toBe('naive');
    expect(naive.forecast.series.map((s) => [s.id, s.origins, s.values.map((r) => Array.from(r)), s.times.map((t) => Array.from(t))])).toEqual([
      ['a', [3, 4], [[5, 5], [4, NaN]], [[4, 5], [5, 6]]],
      ['b', [4, 5], [[15, 15], [13, NaN]], [[5, 6], [6, 7]]],
    ]);
  });

  it('counts the series where the reference has a strictly lower MASE', async () => {
    const result = await panelBacktest(panel, models(), options);
    expect(result.reference).toBe('naive');
    // seasonal naive (m = 2) ties with naive on both series: a tie is no win.
    expect(result.wins).toEqual({ mean: 1, seasonal_naive: 0 });
    expect((await panelBacktest(panel, models(), { ...options, reference: undefined })).wins).toBeNull();
  });

  it('does not modify the panel and hands the models a copy', async () => {
    const before = snapshot(panel);
    const seen: Panel[] = [];
    const model = spy();
    const watch: Forecaster = { ...model.model, forecastAt: (p, o, h) => (seen.push(p), model.model.forecastAt(p, o, h)) };
    await panelBacktest(panel, [watch], options.reference ? { ...options, reference: undefined } : options);
    expect(seen[0]).not.toBe(panel);
    expect(snapshot(seen[0])).toEqual(before);
    expect(snapshot(panel)).toEqual(before);
  });

  it('reports progress in origins over all series: when a model begins, and after its call', async () => {
    const progress: [string, number, number][] = [];
    await panelBacktest(panel, models().slice(0, 2), { ...options, onProgress: (m, d, t) => progress.push([m, d, t]) });
    expect(progress).toEqual([
      ['naive', 0, 4],
      ['naive', 4, 4],
      ['mean', 0, 4],
      ['mean', 4, 4],
    ]);
  });
});

describe('panelBacktest: refit', () => {
  const panel = panelOf({ a: seriesOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), b: seriesOf([5, 4, 6, 5, 7, 6]) });
  const s = split([5, 10, 2], [4, 6, 1]);

  it("defaults to 'never': one fit on the panel and split, every origin in one call", async () => {
    const { model, fits, calls } = spy();
    const result = await panelBacktest(panel, [model], { horizon: 1, split: s, probes: [] });
    expect(DEFAULT_REFIT).toBe('never');
    expect(fits).toEqual([{ ids: ['a', 'b'], lengths: [10, 6], split: s }]);
    expect(calls).toEqual([{ lengths: [10, 6], origins: [[4, 5, 6, 7, 8], [3, 4]] }]);
    expect(result.refit).toBe('never');
  });

  it('with { every: k } refits before origins 0, k, 2k, ... on the rows up to that origin', async () => {
    const { model, fits, calls } = spy();
    const progress: number[] = [];
    const result = await panelBacktest(panel, [model], { horizon: 1, split: s, refit: { every: 2 }, probes: [], onProgress: (_m, d) => progress.push(d) });
    expect(fits).toEqual([
      { ids: ['a', 'b'], lengths: [5, 4], split: split([5, 5, 2], [4, 4, 1]) },
      { ids: ['a'], lengths: [7], split: split([7, 7, 2]) },
      { ids: ['a'], lengths: [9], split: split([9, 9, 2]) },
    ]);
    expect(calls.map((c) => c.origins)).toEqual([
      [[4, 5], [3, 4]],
      [[6, 7], []],
      [[8], []],
    ]);
    expect(calls.every((c) => String(c.lengths) === '10,6')).toBe(true);
    expect(progress).toEqual([0, 4, 4, 6, 6, 7]);
    expect(result.models.spy.forecast.series[0].origins).toEqual([4, 5, 6, 7, 8]);
    expect(result.models.spy.series[0].metrics.mae).toBe(1);
  });

  it('rejects a bad policy', async () => {
    for (const refit of [{ every: 0 }, 'always', { every: 1.5 }]) {
      await expectInputErrorAsync(
        () => panelBacktest(panel, [spy().model], { horizon: 1, split: s, refit: refit as never }),
        `refit must be 'never' or { every: k } with k a positive integer, got ${JSON.stringify(refit)}`,
      );
    }
  });
});

describe('panelBacktest: lookahead probe', () => {
  const panel = panelOf({ a: seriesOf([1, 3, 2, 5, 4, 6], [0, 1, 2, 3, 4, 5]), b: seriesOf([2, 4, 3, 6, 5, 8, 7, 9, 8, 10]) });
  const s = split([4, 6], [6, 10]);

  it('probes the first origin of the first and of the longest series, on the panel cut after it', async () => {
    const { model, calls } = spy();
    const result = await panelBacktest(panel, [model], { horizon: 2, split: s });
    expect(DEFAULT_PROBE_TOLERANCE).toBe(1e-6);
    expect(result.probes).toEqual([
      { id: 'a', origin: 3 },
      { id: 'b', origin: 5 },
    ]);
    expect(calls).toEqual([
      { lengths: [6, 10], origins: [[3, 4], [5, 6, 7, 8]] },
      { lengths: [4, 4], origins: [[3], []] },
      { lengths: [6, 6], origins: [[], [5]] },
    ]);
  });

  it('drops series with fewer than 2 rows up to the probe time', async () => {
    const late = panelOf({ a: seriesOf([1, 2, 3, 4, 5], [0, 1, 2, 3, 4]), b: seriesOf([1, 2, 3, 4, 5, 6, 7], [4, 5, 6, 7, 8, 9, 10]) });
    const { model, calls } = spy();
    await panelBacktest(late, [model], { horizon: 1, split: split([3, 5], [5, 7]), probes: [{ id: 'a', origin: 2 }] });
    expect(calls[1]).toEqual({ lengths: [3], origins: [[2]] });
  });

  it('fails a model that reads the row after its origin', async () => {
    const cheat = rule('cheat', (y, t) => y[Math.min(t + 1, y.length - 1)]);
    await expect(panelBacktest(panel, [localForecaster('naive'), cheat], { horizon: 2, split: s })).rejects.toThrow(
      new Error('model "cheat" looked past its origin: series "a", origin 3, step 1: it forecast 4 from the whole panel but 5 from the panel cut after the origin'),
    );
  });

  it('fails a model whose forecast depends on the length of the series', async () => {
    const leaky = rule('leaky', (y, t, k) => y[t] + k + y.length);
    await expect(panelBacktest(panel, [leaky], { horizon: 2, split: s, probes: [{ id: 'b', origin: 7 }] })).rejects.toThrow(
      new Error('model "leaky" looked past its origin: series "b", origin 7, step 1: it forecast 20 from the whole panel but 18 from the panel cut after the origin'),
    );
  });

  it('passes honest models, within the tolerance', async () => {
    // 1e-9 relative off on the cut panel (as a float32 network batched differently might be):
    // inside the default tolerance, outside a tighter one.
    const jitter = rule('jitter', (y, t) => y[t] * (1 + (y.length === t + 1 ? 1e-9 : 0)));
    const result = await panelBacktest(panel, [jitter, localForecaster('drift'), localForecaster('ets')], { horizon: 2, split: s });
    expect(Object.keys(result.models)).toEqual(['jitter', 'drift', 'ets']);
    await expect(panelBacktest(panel, [jitter], { horizon: 2, split: s, probeTolerance: 1e-12 })).rejects.toThrow(/^model "jitter" looked past its origin: series "a", origin 3, step 1/);
  });

  it('can be turned off or pointed at chosen origins', async () => {
    const cheat = rule('cheat', (y, t) => y[Math.min(t + 1, y.length - 1)]);
    const result = await panelBacktest(panel, [cheat], { horizon: 1, split: s, probes: [] });
    expect(result.models.cheat.pooled.mae).toBe(0);
    await expect(panelBacktest(panel, [cheat], { horizon: 1, split: s, probes: [{ id: 'b', origin: 6 }] })).rejects.toThrow(
      new Error('model "cheat" looked past its origin: series "b", origin 6, step 1: it forecast 9 from the whole panel but 7 from the panel cut after the origin'),
    );
    await expectInputErrorAsync(
      () => panelBacktest(panel, [cheat], { horizon: 1, split: s, probes: [{ id: 'b', origin: 2 }] }),
      'probes: origin 2 of series "b" is not a backtest origin (5..8)',
    );
    await expectInputErrorAsync(() => panelBacktest(panel, [cheat], { horizon: 1, split: s, probes: [{ id: 'c', origin: 2 }] }), 'unknown series id "c"; the series are "a", "b"');
  });
});

describe('panelBacktest: groups of series', () => {
  it.each([
    ['one series', [[1, 2, 3]], 2, [[0, 1]]],
    ['every series its own group', [[1], [2], [3]], 1, [[0, 1], [1, 2], [2, 3]]],
    ['a group closes once it holds enough', [[1, 2], [3], [4, 5], []], 2, [[0, 1], [1, 4]]],
    ['the last group may hold fewer', [[1, 2], [3, 4], [5]], 2, [[0, 1], [1, 2], [2, 3]]],
    ['trailing series without origins join the last group', [[1, 2], [], []], 2, [[0, 3]]],
    ['too few origins: one group', [[1], [2]], 1000, [[0, 2]]],
    ['no series', [], 5, [[0, 0]]],
  ] as const)('seriesGroups: %s', (_name, origins, min, ranges) => {
    const copy = JSON.stringify(origins);
    expect(seriesGroups(origins as unknown as number[][], min).map((g) => [g.start, g.end])).toEqual(ranges);
    expect(JSON.stringify(origins)).toBe(copy);
  });

  it('seriesGroups rejects a bad minOrigins', async () => {
    await expectInputErrorAsync(async () => seriesGroups([[1]], 0), 'minOrigins must be a positive integer, got 0');
  });

  it('defaultGroupOrigins: one call for a small panel, at most 100 calls for a large one', () => {
    expect(defaultGroupOrigins(0)).toBe(DEFAULT_MIN_GROUP_ORIGINS);
    expect(defaultGroupOrigins(99_999)).toBe(1000);
    expect(defaultGroupOrigins(100_001)).toBe(1001);
    expect(defaultGroupOrigins(1_000_000)).toBe(10_000);
  });

  // 12 series of different lengths; every reference model, and a cached combination of two of them.
  const members = Object.fromEntries(
    Array.from({ length: 12 }, (_, i) => [`s${i}`, seriesOf(seasonal(36 + 3 * i, 4, 50 + i, 0.2 * (i % 3), 4 + (i % 5)).map((v, t) => v + ((t * 7 + i) % 5) / 4))]),
  );
  const panel = panelOf(members);
  const s = split(...panel.ids.map((_, i): [number, number, number] => [28 + 3 * i, 36 + 3 * i, 4]));
  const models = (): Forecaster[] => {
    const references = referenceForecasters({ season: 4 });
    const ets = references.find((r) => r.name === 'ets')!;
    const naive = references.find((r) => r.name === 'naive')!;
    const combined = combineForecasters('ets_naive', [ets, naive]);
    return [combined, ...references.map((r) => (r === ets ? combined.parts[0] : r === naive ? combined.parts[1] : r))];
  };
  /** Every forecast value's bytes, per model and series, so that equal means bit for bit. */
  const bytes = (result: PanelBacktestResult) =>
    Object.fromEntries(Object.entries(result.models).map(([name, m]) => [name, m.forecast.series.map((f) => Buffer.from(new Float64Array(f.values.flatMap((row) => Array.from(row))).buffer).toString('hex'))]));

  it.each([
    ['no refit', 'never' as const, 12],
    ['refit every 4 origins', { every: 4 }, 5],
  ])('%s: forecasts and metrics bit for bit those of one call per block, with one call per series', async (_name, refit, count) => {
    const ids = panel.ids.slice(0, count);
    const part = selectSeries(panel, ids);
    const options: PanelBacktestOptions = { horizon: 2, split: s.slice(0, count), season: 4, refit };
    const one = await panelBacktest(part, models(), options);
    const progress: [string, number][] = [];
    const grouped = await panelBacktest(part, models(), { ...options, minGroupOrigins: 1, onProgress: (m, d) => progress.push([m, d]) });
    const sparse = await panelBacktest(part, models(), { ...options, minGroupOrigins: 9 });
    expect(Object.keys(one.models)).toEqual(['ets_naive', 'naive', 'seasonal_naive', 'mean', 'drift', 'ets', 'theta', 'arima', 'holt_winters']);
    expect(bytes(grouped)).toEqual(bytes(one));
    expect(bytes(sparse)).toEqual(bytes(one));
    for (const name of Object.keys(one.models)) {
      expect(grouped.models[name].pooled).toEqual(one.models[name].pooled);
      expect(grouped.models[name].series.map((x) => x.metrics)).toEqual(one.models[name].series.map((x) => x.metrics));
    }
    // Each model reports its start of each block, then once per series with origins in it (8 origins per series in all).
    const arima = progress.filter(([m]) => m === 'arima').map(([, d]) => d);
    if (refit === 'never') expect(arima).toEqual([0, ...ids.map((_, i) => 8 * (i + 1))]);
    else expect(arima).toEqual([0, 4, 8, 12, 16, 20, 20, 24, 28, 32, 36, 40]);
  }, 60_000);

  it('calls forecastAt once per group, each with the origins of its series only', async () => {
    const small = panelOf({ a: seriesOf(A), b: seriesOf(B), c: seriesOf([...B, 9]) });
    const { model, calls } = spy();
    await panelBacktest(small, [model], { horizon: 1, split: split([4, 6], [5, 7], [5, 8]), probes: [], minGroupOrigins: 3 });
    expect(calls.map((c) => c.origins)).toEqual([
      [[3, 4], [4, 5], []],
      [[], [], [4, 5, 6]],
    ]);
  });
});

describe('panelBacktest: errors', () => {
  const panel = panelOf({ a: seriesOf(A), b: seriesOf(B) });
  const s = split([4, 6], [5, 7]);
  const naive = () => localForecaster('naive');

  it.each([
    [() => panelBacktest(panel, [], { horizon: 1, split: s }), 'forecasters must hold at least one Forecaster, got []'],
    [() => panelBacktest(panel, [naive(), naive()], { horizon: 1, split: s }), 'forecasters must have distinct names, got "naive" twice'],
    [() => panelBacktest(panel, [naive()], { horizon: 1, split: s, reference: 'lstm' }), 'reference must be one of the model names ("naive"), got "lstm"'],
    [() => panelBacktest(panel, [naive()], { horizon: 0, split: s }), 'horizon must be a positive integer, got 0'],
    [() => panelBacktest(panel, [naive()], { horizon: 3, split: split([3, 6], [5, 7]) }), 'horizon must not exceed the test rows of series "b" (2), got 3'],
    [() => panelBacktest(panel, [naive()], { horizon: 1, split: s.slice(1) }), 'split must hold one entry per series (2), got 1 entries'],
    [
      () => panelBacktest(panel, [naive()], { horizon: 1, split: [s[0], { ...s[1], test: { start: 5, end: 6 } }] }),
      'split of series "b": the test range must be [start, 7) with start in [1, 6], got {"start":5,"end":6}',
    ],
    [() => panelBacktest(panel, [naive()], { horizon: 1, split: s, probeTolerance: -1 }), 'probeTolerance must be a finite number >= 0, got -1'],
    [() => panelBacktest(panel, [naive()], { horizon: 1, split: s, minGroupOrigins: 0.5 }), 'minGroupOrigins must be a positive integer, got 0.5'],
    [() => panelBacktest(panel, [naive()], { horizon: 1, split: s, season: 4 }), 'series "a": insample must have more than season (4) values, got 4'],
  ])('rejects bad input (%#)', async (run, message) => {
    await expectInputErrorAsync(run, message);
  });

  it('names the series with a zero MASE scale', async () => {
    const flat = panelOf({ a: seriesOf(A), flat: seriesOf([3, 3, 3, 3, 4, 5]) });
    await expectInputErrorAsync(
      () => panelBacktest(flat, [naive()], { horizon: 1, split: split([4, 6], [4, 6]) }),
      'series "flat": insample seasonal-naive MAE (season 1) is 0: MASE is undefined for a series with insample[t] === insample[t - 1] for every t',
    );
  });

  const broken = (name: string, change: (f: PanelForecast) => unknown): Forecaster => {
    const inner = localForecaster('naive');
    return { ...inner, name, fit: (p, sp) => inner.fit(p, sp), forecastAt: async (p, o, h) => change(await inner.forecastAt(p, o, h)) as PanelForecast };
  };

  it.each([
    ['not a forecast', () => null, 'model "bad" must return a PanelForecast with a series array, got null'],
    ['a missing series', (f: PanelForecast) => ({ ...f, series: f.series.slice(0, 1) }), 'model "bad" returned no forecasts for series "b"'],
    [
      'too few forecasts',
      (f: PanelForecast) => ({ ...f, series: [f.series[0], { ...f.series[1], values: f.series[1].values.slice(1) }] }),
      'model "bad", series "b": must return one forecast per origin 4..5 (2), got 1 for origins [4,5]',
    ],
    [
      'a short row',
      (f: PanelForecast) => ({ ...f, series: [{ ...f.series[0], values: [Float64Array.of(1), f.series[0].values[1]] }, f.series[1]] }),
      'model "bad", series "a", origin 3: forecast must have length horizon = 2, got length 1',
    ],
    [
      'a NaN at a scored step',
      (f: PanelForecast) => ({ ...f, series: [f.series[0], { ...f.series[1], values: [Float64Array.of(1, NaN), f.series[1].values[1]] }] }),
      'model "bad", series "b", origin 4, step 2 (row 6): forecast must be a finite number, got NaN',
    ],
  ])('fails a model that returns %s', async (_what, change, message) => {
    const error = await panelBacktest(panel, [broken('bad', change)], { horizon: 2, split: s }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(message);
  });

  it('accepts any value at steps past the last row', async () => {
    const nan = broken('nan', (f) => ({ ...f, series: f.series.map((e) => ({ ...e, values: [e.values[0], Float64Array.of(e.values[1][0], NaN)] })) }));
    const result = await panelBacktest(panel, [nan], { horizon: 2, split: s, probes: [] });
    expect(result.models.nan.series.map((x) => x.pairs)).toEqual([3, 3]);
  });
});
