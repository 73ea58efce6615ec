import { describe, expect, it } from 'vitest';
import { type OriginForecaster, guardedForecaster, perOrigin } from '../../src/eval/forecaster';

describe('perOrigin', () => {
  it('passes a copy of series[0..origin] to the wrapped function', () => {
    const seen: number[][] = [];
    const series = Float64Array.of(1, 2, 3, 4, 5);
    const forecaster = perOrigin((history, horizon) => {
      seen.push(Array.from(history));
      history[0] = -1; // must not leak into the series or the next origin
      expect(history.buffer.byteLength).toBe(history.length * 8);
      return new Float64Array(horizon).fill(history[history.length - 1]);
    });
    const out = forecaster(series, [1, 3], 2) as Float64Array[];
    expect(seen).toEqual([
      [1, 2],
      [1, 2, 3, 4],
    ]);
    expect(out.map((row) => Array.from(row))).toEqual([
      [2, 2],
      [4, 4],
    ]);
    expect(Array.from(series)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('guardedForecaster', () => {
  // Deliberately leaky: forecasts the value right after the origin, if it can see it.
  const leaky: OriginForecaster = (series, origins, horizon) =>
    origins.map((t) => new Float64Array(horizon).fill(t + 1 < series.length ? series[t + 1] : -1));

  it('calls the forecaster once per origin on a truncated copy', async () => {
    const calls: Array<{ length: number; origins: readonly number[] }> = [];
    const spy: OriginForecaster = (series, origins, horizon) => {
      calls.push({ length: series.length, origins: [...origins] });
      return leaky(series, origins, horizon);
    };
    const series = Float64Array.of(10, 11, 12, 13);
    const out = await guardedForecaster(spy)(series, [1, 2], 1);
    expect(calls).toEqual([
      { length: 2, origins: [1] },
      { length: 3, origins: [2] },
    ]);
    // The look-ahead is cut off: the leaky forecaster sees nothing past its origin.
    expect(out.map((row) => row[0])).toEqual([-1, -1]);
    expect((await leaky(series, [1, 2], 1)).map((row) => row[0])).toEqual([12, 13]);
  });

  it('rejects a forecaster that returns other than one forecast per call', async () => {
    const twice: OriginForecaster = (_series, _origins, horizon) => [new Float64Array(horizon), new Float64Array(horizon)];
    await expect(guardedForecaster(twice)(Float64Array.of(1, 2, 3), [1], 1)).rejects.toThrow(
      'guarded forecaster must return 1 forecast for origin 1, got 2',
    );
  });
});
