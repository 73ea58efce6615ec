import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import {
  BASELINE_NAMES,
  type BaselineName,
  baselineForecast,
  baselineForecastAt,
  baselineForecaster,
  drift,
  meanForecast,
  naive,
  seasonalNaive,
} from '../../src/eval/baselines';

describe('naive', () => {
  it('repeats the last value', () => {
    const out = naive([1, 2, 5], 3);
    expect(out).toBeInstanceOf(Float64Array);
    expect(Array.from(out)).toEqual([5, 5, 5]);
  });
});

describe('seasonalNaive', () => {
  it('repeats the last season: y[T+k] = y[T + k - m ceil(k/m)]', () => {
    // T = 5 (value 6), m = 3: k=1 -> y[3], k=2 -> y[4], k=3 -> y[5], k=4 -> y[3].
    expect(Array.from(seasonalNaive([1, 2, 3, 4, 5, 6], 4, 3))).toEqual([4, 5, 6, 4]);
    expect(Array.from(seasonalNaive([9, 1, 2], 7, 2))).toEqual([1, 2, 1, 2, 1, 2, 1]);
  });

  it('with season 1 is the naive forecast', () => {
    expect(Array.from(seasonalNaive([3, 8, 4], 3, 1))).toEqual(Array.from(naive([3, 8, 4], 3)));
  });

  it('needs at least one full season', () => {
    expect(() => seasonalNaive([1, 2], 1, 3)).toThrow(
      'history must have at least season (3) values for a seasonal naive forecast, got 2',
    );
    expect(() => seasonalNaive([1, 2, 3], 1, 3)).not.toThrow();
  });

  it('validates season', () => {
    expect(() => seasonalNaive([1, 2], 1, 0)).toThrow('season must be a positive integer, got 0');
  });
});

describe('meanForecast', () => {
  it('forecasts the history mean', () => {
    expect(Array.from(meanForecast([1, 2, 6], 2))).toEqual([3, 3]);
  });
});

describe('drift', () => {
  it('extends the line through the first and last values', () => {
    // slope (5 - 1) / 2 = 2.
    expect(Array.from(drift([1, 4, 5], 3))).toEqual([7, 9, 11]);
    expect(Array.from(drift([10, 0, 0, 7], 2))).toEqual([6, 5]);
  });

  it('needs two values', () => {
    expect(() => drift([1], 1)).toThrow('history must have at least 2 values, got 1');
  });
});

describe('shared behaviour', () => {
  const cases: Array<[string, (history: ArrayLike<number>, horizon: number) => Float64Array]> = [
    ['naive', naive],
    ['seasonalNaive', (h, k) => seasonalNaive(h, k, 2)],
    ['meanForecast', meanForecast],
    ['drift', drift],
  ];

  it.each(cases)('%s validates history and horizon', (_name, forecast) => {
    expect(() => forecast([1, 2, 3], 0)).toThrow(InputError);
    expect(() => forecast([1, 2, 3], 0)).toThrow('horizon must be a positive integer, got 0');
    expect(() => forecast([1, 2, 3], 2.5)).toThrow('horizon must be a positive integer, got 2.5');
    expect(() => forecast([1, Number.NaN, 3], 1)).toThrow('history[1] must be a finite number, got NaN');
  });

  it.each(cases)('%s does not modify its history and returns `horizon` values', (_name, forecast) => {
    const history = Float64Array.of(2, 4, 3, 5);
    const out = forecast(history, 5);
    expect(out).toHaveLength(5);
    expect(Array.from(history)).toEqual([2, 4, 3, 5]);
  });
});

describe('baselineForecaster', () => {
  const series = Float64Array.of(1, 4, 2, 5, 3, 8, 6);

  it.each([
    ['naive', undefined, [[5, 5], [3, 3]]],
    ['seasonal_naive', 2, [[2, 5], [5, 3]]],
    ['mean', undefined, [[3, 3], [3, 3]]],
    // origin 3: slope (5 - 1) / 3; origin 4: slope (3 - 1) / 4.
    ['drift', undefined, [[5 + 4 / 3, 5 + 2 * (4 / 3)], [3.5, 4]]],
  ] as Array<[BaselineName, number | undefined, number[][]]>)(
    "'%s' forecasts from each origin using series[0..origin]",
    async (name, season, expected) => {
      const out = await baselineForecaster(name, season)(series, [3, 4], 2);
      expect(out.map((row) => Array.from(row))).toEqual(expected);
    },
  );

  it.each(BASELINE_NAMES)("'%s' never looks past the origin", async (name) => {
    // Replacing everything after the origin must not change that origin's forecast.
    const origins = [4, 5, 6];
    const full = await baselineForecaster(name, 2)(series, origins, 3);
    for (const [i, origin] of origins.entries()) {
      const poisoned = Float64Array.from(series, (v, t) => (t > origin ? 1e9 : v));
      const [row] = await baselineForecaster(name, 2)(poisoned, [origin], 3);
      expect(Array.from(row)).toEqual(Array.from(full[i]));
    }
  });

  it('requires a season for seasonal_naive and rejects unknown names', () => {
    expect(() => baselineForecaster('seasonal_naive')).toThrow(
      "season is required for baseline 'seasonal_naive', got undefined",
    );
    expect(() => baselineForecaster('seasonal_naive', 0)).toThrow('season must be a positive integer, got 0');
    expect(() => baselineForecaster('arima' as BaselineName)).toThrow(
      `name must be one of 'naive', 'seasonal_naive', 'mean', 'drift', got "arima"`,
    );
  });
});

describe('baselineForecastAt: every origin in one pass', () => {
  let state = 3;
  const y = Float64Array.from({ length: 400 }, (_, t) => 50 + 10 * Math.sin(t / 5) + ((state = (state * 16807) % 2147483647) / 2147483647) * 3);
  const origins = Array.from({ length: 390 }, (_, j) => j + 5);

  it.each([
    ['naive', 1],
    ['mean', 1],
    ['drift', 1],
    ['seasonal_naive', 5],
  ] as const)('%s equals the single-origin function on each copied history, bit for bit', (name, season) => {
    const batch = baselineForecastAt(name, y, origins, 7, season);
    const single = origins.map((t) => baselineForecast(name, y.slice(0, t + 1), 7, season));
    expect(batch).toEqual(single);
    expect(y.length).toBe(400);
  });

  it('throws what the single-origin function throws: too short a history, a NaN, an origin outside', () => {
    expect(() => baselineForecastAt('seasonal_naive', y, [2, 10], 1, 5)).toThrow(
      'history must have at least season (5) values for a seasonal naive forecast, got 3',
    );
    expect(() => baselineForecastAt('drift', y, [0], 1)).toThrow('history must have at least 2 values, got 1');
    const holed = Float64Array.from(y);
    holed[3] = Number.NaN;
    expect(() => baselineForecastAt('naive', holed, [10], 1)).toThrow('history[3] must be a finite number, got NaN');
    expect(baselineForecastAt('naive', holed, [2], 1)).toEqual([Float64Array.of(y[2])]);
    expect(() => baselineForecastAt('naive', y, [400], 1)).toThrow('origins must be rows of the series in [0, 399], got 400');
  });

  it('costs O(horizon) per origin: 400,000 origins in well under a second of work', () => {
    const long = Float64Array.from({ length: 400_000 }, (_, t) => t % 7);
    const out = baselineForecastAt('mean', long, Array.from({ length: 399_990 }, (_, j) => j + 10), 2);
    expect(out).toHaveLength(399_990);
    expect(out[0][0]).toBeCloseTo((0 + 1 + 2 + 3 + 4 + 5 + 6 + 0 + 1 + 2 + 3) / 11, 12);
  });
});
