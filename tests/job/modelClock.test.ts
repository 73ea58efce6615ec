import { describe, expect, it } from 'vitest';
import { localForecaster } from '../../src/eval/localModels';
import type { Forecaster } from '../../src/eval/model';
import { ModelClock } from '../../src/job/modelClock';
import { panelOf, seriesOf } from '../eval/panelHelpers';

describe('ModelClock', () => {
  const panel = panelOf({ a: seriesOf([1, 2, 3, 4, 5, 6]) });
  const split = [{ train: { start: 0, end: 4 }, val: { start: 4, end: 4 }, test: { start: 4, end: 6 } }];

  it('adds up the seconds of fit, forecastAt and forecast per model (fake clock), in first-call order', async () => {
    let t = 0;
    const clock = new ModelClock(() => t);
    // Each call takes 250 ms of the fake clock; other members are not timed.
    const slow = (name: string): Forecaster => ({
      name,
      fit: async () => void (t += 250),
      forecastAt: async () => ((t += 250), { model: name, horizon: 1, timeKind: 'number', series: [] }),
      forecast: async () => ((t += 250), { model: name, horizon: 1, timeKind: 'number', series: [] }),
      dispose: () => void (t += 10_000),
    });
    const b = clock.wrap(slow('b'));
    const a = clock.wrap(slow('a'));
    await b.fit(panel, split);
    await a.fit(panel, split);
    await a.forecastAt(panel, [[4]], 1);
    await a.forecast(panel, 1);
    b.dispose!();
    expect(clock.seconds()).toEqual({ b: 0.25, a: 0.75 });
    expect(clock.total(['a', 'b', 'never'])).toBe(1);
    expect(clock.total([])).toBe(0);
  });

  it('counts a call that fails, and rethrows its error', async () => {
    let t = 0;
    const clock = new ModelClock(() => t);
    const failing = clock.wrap<Forecaster>({
      name: 'bad',
      fit: async () => {
        t += 100;
        throw new Error('no fit');
      },
      forecastAt: async () => { throw new Error('unused'); },
      forecast: async () => { throw new Error('unused'); },
    });
    await expect(failing.fit(panel, split)).rejects.toThrow('no fit');
    expect(clock.seconds()).toEqual({ bad: 0.1 });
  });

  it('forwards every other member unchanged and leaves the model as it was', async () => {
    const clock = new ModelClock();
    const naive = localForecaster('naive');
    const keys = Object.keys(naive);
    const wrapped = clock.wrap(naive);
    expect(wrapped.name).toBe('naive');
    await wrapped.fit(panel, split);
    // The getters read the wrapped model's state.
    expect(wrapped.fitted).toEqual({ a: naive.fitted.a });
    expect(wrapped.failures).toBe(naive.failures);
    const got = await wrapped.forecastAt(panel, [[3, 4]], 1);
    expect(got.series[0].values.map((row) => Array.from(row))).toEqual([[4], [5]]);
    expect(Object.keys(naive)).toEqual(keys);
    expect(Object.keys(clock.seconds())).toEqual(['naive']);
  });
});
