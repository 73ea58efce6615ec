/**
 * Arrays longer than V8's argument limit (about 120,000 on this Node) through the calls that
 * once spread them into a function call (`push(...values)`, `Math.min(...origins)`), which threw
 * `RangeError: Maximum call stack size exceeded` on a million-row series.
 */
import { describe, expect, it } from 'vitest';
import { makePanel } from '../../src/data/panel';
import { splitPanel } from '../../src/data/panelSplit';
import { rollingOriginBacktest } from '../../src/eval/backtest';
import type { OriginForecaster } from '../../src/eval/forecaster';
import { type Forecaster, panelForecast } from '../../src/eval/model';
import { panelBacktest } from '../../src/eval/panelBacktest';
import { holtWintersForecaster } from '../../src/eval/holtWinters';
import { seriesOf } from './panelHelpers';

const N = 500_000;
const walk = (): number[] => {
  let y = 0;
  let s = 7;
  return Array.from({ length: N }, () => (y += (s = (s * 16807) % 2147483647) / 2147483647 - 0.5));
};

/** The last value, for every origin in one pass (the per-origin baselines copy each history). */
const lastValue: OriginForecaster = (series, origins, horizon) => origins.map((t) => new Float64Array(horizon).fill(series[t]));

/** The same as a panel model. */
const lastValueModel: Forecaster = {
  name: 'last',
  fit: async () => undefined,
  forecastAt: async (panel, origins, horizon) =>
    panelForecast(panel, 'last', origins, horizon, origins.map((list, i) => list.map((t) => new Float64Array(horizon).fill(panel.values.y[panel.offsets[i] + t])))),
  forecast: async () => {
    throw new Error('not used');
  },
};

describe('backtests over 500,000 origins', () => {
  it('rollingOriginBacktest pools every pair without overflowing the stack', async () => {
    const y = Float64Array.from(walk());
    const result = await rollingOriginBacktest(y, { naive: lastValue }, { horizon: 2, testStart: 10 });
    expect(result.origins.length).toBe(N - 10);
    // naive on a random walk: its pooled MASE against the in-sample naive scale is about 1.
    expect(result.models.naive.metrics.mase).toBeGreaterThan(0.9);
    expect(result.models.naive.metrics.mase).toBeLessThan(1.6);
  }, 60_000);

  it('panelBacktest collects every origin of a long series', async () => {
    const panel = makePanel([{ id: 'long', series: seriesOf(walk()) }]);
    const split = splitPanel(panel, { valFraction: 0, testFraction: 0.5 });
    const result = await panelBacktest(panel, [lastValueModel], { horizon: 1, split, season: 1, probes: [] });
    expect(result.origins[0].length).toBe(N / 2);
    expect(result.models.last.forecast.series[0].values).toHaveLength(N / 2);
    expect(result.models.last.series[0].pairs).toBe(N / 2);
  }, 60_000);
});

describe('holtWintersForecaster with 200,000 origins', () => {
  it('finds the first origin without spreading them into Math.min', () => {
    const y = Float64Array.from({ length: 72 }, (_, t) => 10 + Math.sin((2 * Math.PI * t) / 12) + 0.1 * t);
    const origins = new Array<number>(200_000).fill(60);
    const forecasts = holtWintersForecaster({ season: 12 })(y, origins, 1) as Float64Array[];
    expect(forecasts).toHaveLength(200_000);
    expect(forecasts[199_999][0]).toBe(forecasts[0][0]);
    expect(Math.abs(forecasts[0][0] - y[61])).toBeLessThan(1);
  }, 60_000);
});
