import { describe, expect, it } from 'vitest';
import type { Panel } from '../../src/data/panel';
import type { PanelSplit } from '../../src/data/panelSplit';
import { cachedForecaster, combineForecasters } from '../../src/eval/combine';
import { localForecaster } from '../../src/eval/localModels';
import type { Forecaster } from '../../src/eval/model';
import { panelBacktest } from '../../src/eval/panelBacktest';
import { expectInputError } from '../helpers/expectInputError';
import { panelOf, seriesOf } from './panelHelpers';

const SPLIT: PanelSplit = [
  { train: { start: 0, end: 4 }, val: { start: 4, end: 4 }, test: { start: 4, end: 6 } },
  { train: { start: 0, end: 5 }, val: { start: 5, end: 5 }, test: { start: 5, end: 7 } },
];
const panel = panelOf({ a: seriesOf([1, 3, 2, 5, 4, 6]), b: seriesOf([10, 10, 12, 11, 15, 13, 14]) });

/** A local model that counts its fits and forecast calls. */
function counted(name: 'naive' | 'mean') {
  const inner = localForecaster(name);
  const counts = { fit: 0, forecastAt: 0, forecast: 0 };
  const model: Forecaster = {
    name,
    fit: (p: Panel, s: PanelSplit) => (counts.fit++, inner.fit(p, s)),
    forecastAt: (p, o, h) => (counts.forecastAt++, inner.forecastAt(p, o, h)),
    forecast: (p, steps) => (counts.forecast++, inner.forecast(p, steps)),
  };
  return { model, counts };
}

describe('combineForecasters', () => {
  it('is the equal-weight mean of its parts at every series, origin and step', async () => {
    const both = combineForecasters('naive_mean', [localForecaster('naive'), localForecaster('mean')]);
    await both.fit(panel, SPLIT);
    const f = await both.forecastAt(panel, [[3], [4, 5]], 2);
    expect(f.model).toBe('naive_mean');
    expect(f.horizon).toBe(2);
    // naive 5 and mean 2.75; naive 15, 13 and mean 11.6, 71 / 6.
    expect(f.series.map((s) => s.values.map((r) => Array.from(r)))).toEqual([
      [[(5 + 2.75) / 2, (5 + 2.75) / 2]],
      [[(15 + 11.6) / 2, (15 + 11.6) / 2], [(13 + 71 / 6) / 2, (13 + 71 / 6) / 2]],
    ]);
    expect(f.series.map((s) => s.times.map((t) => Array.from(t)))).toEqual([[[4, 5]], [[5, 6], [6, 7]]]);
    const future = await both.forecast(panel, 1);
    expect(future.series.map((s) => Array.from(s.values[0]))).toEqual([[(6 + 3.5) / 2], [(14 + 85 / 7) / 2]]);
  });

  it('runs each part once per origins in a backtest next to the parts', async () => {
    const naive = counted('naive');
    const mean = counted('mean');
    const both = combineForecasters('naive_mean', [naive.model, mean.model]);
    const result = await panelBacktest(panel, [...both.parts, both], { horizon: 2, split: SPLIT });
    // One forecast of the backtest's origins and one per probe (2), the combination reusing them.
    expect(naive.counts).toEqual({ fit: 1, forecastAt: 3, forecast: 0 });
    expect(mean.counts).toEqual({ fit: 1, forecastAt: 3, forecast: 0 });
    expect(result.models.naive_mean.series[0].metrics.mae).toBe((Math.abs(4 - 3.875) + Math.abs(6 - 3.5) + Math.abs(6 - 3.875)) / 3);
  });

  it('fits each part once per refit in a backtest with refits', async () => {
    const naive = counted('naive');
    const mean = counted('mean');
    const both = combineForecasters('naive_mean', [naive.model, mean.model]);
    await panelBacktest(panel, [...both.parts, both], { horizon: 1, split: SPLIT, refit: { every: 1 }, probes: [] });
    expect(naive.counts).toEqual({ fit: 2, forecastAt: 2, forecast: 0 });
    expect(mean.counts).toEqual({ fit: 2, forecastAt: 2, forecast: 0 });
  });

  it('rejects bad arguments', () => {
    expectInputError(() => combineForecasters('', [localForecaster('naive'), localForecaster('mean')]), 'name must be a non-empty string, got ""');
    expectInputError(() => combineForecasters('x', [localForecaster('naive')]), 'parts must hold at least 2 forecasters, got 1');
    expectInputError(() => combineForecasters('x', [localForecaster('naive'), localForecaster('naive')]), 'parts must have distinct names, got "naive" twice');
  });

  it('fails when its parts forecast different origins', async () => {
    const naive = localForecaster('naive');
    const odd: Forecaster = { ...localForecaster('mean'), name: 'odd', fit: async () => undefined, forecastAt: (p, _o, h) => naive.forecastAt(p, [[2], []], h) };
    const both = combineForecasters('x', [naive, odd]);
    await both.fit(panel, SPLIT);
    await expect(both.forecastAt(panel, [[3], []], 1)).rejects.toThrow(new Error('x: parts "naive" and "odd" forecast different series, origins or horizons'));
  });
});

describe('cachedForecaster', () => {
  it('answers repeated calls from memory until a different fit', async () => {
    const naive = counted('naive');
    const cached = cachedForecaster(naive.model);
    expect(cached.name).toBe('naive');
    expect(cached.model).toBe(naive.model);
    expect(cachedForecaster(cached)).toBe(cached);
    await cached.fit(panel, SPLIT);
    await cached.fit(panel, SPLIT);
    const first = await cached.forecastAt(panel, [[3], []], 1);
    expect(await cached.forecastAt(panel, [[3], []], 1)).toBe(first);
    await cached.forecastAt(panel, [[3], []], 2);
    await cached.forecastAt(panel, [[4], []], 1);
    await cached.forecast(panel, 1);
    await cached.forecast(panel, 1);
    expect(naive.counts).toEqual({ fit: 1, forecastAt: 3, forecast: 1 });
    await cached.fit(panel, [...SPLIT]);
    await cached.forecastAt(panel, [[3], []], 1);
    expect(naive.counts).toEqual({ fit: 2, forecastAt: 4, forecast: 1 });
  });

  it('does not remember a failed call', async () => {
    const naive = counted('naive');
    const cached = cachedForecaster(naive.model);
    await expect(cached.forecastAt(panel, [[3], []], 1)).rejects.toThrow('naive: series "a" was not fitted; call fit with a panel that holds it first');
    await cached.fit(panel, SPLIT);
    const f = await cached.forecastAt(panel, [[3], []], 1);
    expect(Array.from(f.series[0].values[0])).toEqual([5]);
  });
});
