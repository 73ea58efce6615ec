import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import { type OriginForecaster, rollingOriginBacktest } from '../../src/eval/backtest';
import { baselineForecaster } from '../../src/eval/baselines';
import { guardedForecaster } from '../../src/eval/forecaster';
import { maseScale } from '../../src/eval/metrics';
import reference from '../fixtures/eval/reference.json';

// n = 10: the TSDoc worked example (testStart 7, h 2 -> origins 6, 7, 8).
const SERIES = [3, 5, 4, 8, 6, 9, 7, 12, 10, 13];

/** Cheats on purpose: forecast = truth + (10 t + k), so each pair's error names its (origin, step). */
const tagged: OriginForecaster = (series, origins, horizon) =>
  origins.map((t) =>
    Float64Array.from({ length: horizon }, (_, i) => (t + i + 1 < series.length ? series[t + i + 1] : 0) + 10 * t + i + 1),
  );

describe('rollingOriginBacktest: protocol', () => {
  it('calls each forecaster once with a copy of the series, the origins and the horizon', async () => {
    const calls: Array<{ series: Float64Array; origins: readonly number[]; horizon: number }> = [];
    const spy: OriginForecaster = (series, origins, horizon) => {
      calls.push({ series, origins, horizon });
      return origins.map(() => new Float64Array(horizon).fill(1));
    };
    const input = Float64Array.from(SERIES);
    const result = await rollingOriginBacktest(input, { spy }, { horizon: 2, testStart: 7 });
    expect(result.origins).toEqual([6, 7, 8]);
    expect(calls).toHaveLength(1);
    expect(calls[0].origins).toEqual([6, 7, 8]);
    expect(calls[0].horizon).toBe(2);
    expect(Array.from(calls[0].series)).toEqual(SERIES);
    expect(calls[0].series).not.toBe(input);
    expect(result).toMatchObject({ horizon: 2, testStart: 7, season: 1, insampleEnd: 7 });
  });

  it('scores exactly the pairs of the worked example, pooled and per step', async () => {
    const result = await rollingOriginBacktest(SERIES, { tagged }, { horizon: 2, testStart: 7 });
    const { forecasts, metrics, byStep } = result.models.tagged;
    // Rows: origins 6, 7, 8; 8 -> 10 is past the end (NaN).
    expect(forecasts.map((row) => Array.from(row))).toEqual([
      [12 + 61, 10 + 62],
      [10 + 71, 13 + 72],
      [13 + 81, Number.NaN],
    ]);
    // Scored pairs 6->7, 6->8, 7->8, 7->9, 8->9: errors 61, 62, 71, 72, 81.
    expect(metrics.mae).toBe((61 + 62 + 71 + 72 + 81) / 5);
    expect(byStep).toHaveLength(2);
    expect(byStep[0].mae).toBe((61 + 71 + 81) / 3);
    expect(byStep[1].mae).toBe((62 + 72) / 2);
    // One scale for everything: season-1 naive MAE of series[0..7).
    const scale = maseScale(SERIES.slice(0, 7), 1);
    expect(metrics.mase).toBeCloseTo(metrics.mae / scale, 14);
    expect(byStep[1].mase).toBeCloseTo(67 / scale, 14);
    expect(metrics.rmse).toBeCloseTo(Math.sqrt((61 ** 2 + 62 ** 2 + 71 ** 2 + 72 ** 2 + 81 ** 2) / 5), 12);
  });

  it('uses insampleEnd and season for the MASE scale only', async () => {
    const options = { horizon: 1, testStart: 7, season: 2, insampleEnd: 5 };
    const result = await rollingOriginBacktest(SERIES, { naive: baselineForecaster('naive') }, options);
    const scale = maseScale(SERIES.slice(0, 5), 2);
    const { metrics } = result.models.naive;
    expect(metrics.mase).toBeCloseTo(metrics.mae / scale, 14);
    // naive one-step errors over targets 7, 8, 9: |12-7|, |10-12|, |13-10|.
    expect(metrics.mae).toBe(10 / 3);
    expect(result.insampleEnd).toBe(5);
  });

  it('matches the independent Python implementation of the protocol', async () => {
    const { series, testStart, horizon, season, expected } = reference.backtest;
    const result = await rollingOriginBacktest(
      series,
      { naive: baselineForecaster('naive'), seasonal_naive: baselineForecaster('seasonal_naive', season) },
      { horizon, testStart, season },
    );
    for (const name of ['naive', 'seasonal_naive'] as const) {
      const got = result.models[name];
      expect(got.metrics.mase, name).toBeCloseTo(expected[name].mase, 12);
      got.byStep.forEach((m, k) => expect(m.mase, `${name} step ${k + 1}`).toBeCloseTo(expected[name].maseByStep[k], 12));
    }
  });

  it('at step m, naive and seasonal naive forecasts coincide', async () => {
    const { series } = reference.backtest;
    const result = await rollingOriginBacktest(
      series,
      { naive: baselineForecaster('naive'), snaive: baselineForecaster('seasonal_naive', 4) },
      { horizon: 4, testStart: 20, season: 4 },
    );
    expect(result.models.naive.byStep[3]).toEqual(result.models.snaive.byStep[3]);
    expect(result.models.naive.byStep[0].mae).not.toBe(result.models.snaive.byStep[0].mae);
  });

  it('gives the same results for the baselines with and without guardedForecaster', async () => {
    const { series } = reference.backtest;
    const options = { horizon: 3, testStart: 21, season: 4 };
    for (const name of ['naive', 'seasonal_naive', 'mean', 'drift'] as const) {
      const plain = baselineForecaster(name, 4);
      const result = await rollingOriginBacktest(series, { plain, guarded: guardedForecaster(plain) }, options);
      expect(result.models.guarded, name).toEqual(result.models.plain);
    }
  });

  it('accepts async forecasters and reports mape only when no actual is 0', async () => {
    const asyncNaive: OriginForecaster = async (series, origins, horizon) =>
      baselineForecaster('naive')(series, origins, horizon);
    const withZero = [1, 2, 3, 4, 0, 5];
    const result = await rollingOriginBacktest(withZero, { asyncNaive }, { horizon: 2, testStart: 4 });
    expect(result.models.asyncNaive.metrics.mape).toBeUndefined();
    expect(result.models.asyncNaive.byStep[1].mape).toBeCloseTo(100 * (1 / 5), 12); // origin 3 -> 5: |5 - 4| / 5
    // byStep[1] has a single pair: R^2 is undefined.
    expect(result.models.asyncNaive.byStep[1].r2).toBeNaN();
  });

  it('does not modify the series, and a forecaster cannot modify it for the next one', async () => {
    const input = Float64Array.from(SERIES);
    const vandal: OriginForecaster = (series, origins, horizon) => {
      series.fill(0);
      return origins.map(() => new Float64Array(horizon));
    };
    const result = await rollingOriginBacktest(
      input,
      { vandal, naive: baselineForecaster('naive') },
      { horizon: 1, testStart: 7 },
    );
    expect(Array.from(input)).toEqual(SERIES);
    expect(result.models.naive.metrics.mae).toBe(10 / 3);
  });
});

describe('rollingOriginBacktest: validation', () => {
  const ok = { naive: baselineForecaster('naive') };

  it.each([
    [{ horizon: 0, testStart: 7 }, 'horizon must be a positive integer, got 0'],
    [{ horizon: 1.5, testStart: 7 }, 'horizon must be a positive integer, got 1.5'],
    [{ horizon: 4, testStart: 7 }, 'horizon must not exceed the test length n - testStart = 3, got 4'],
    [{ horizon: 1, testStart: 0 }, 'testStart must be an integer in [1, n - 1] = [1, 9], got 0'],
    [{ horizon: 1, testStart: 10 }, 'testStart must be an integer in [1, n - 1] = [1, 9], got 10'],
    [{ horizon: 1, testStart: 7.5 }, 'testStart must be an integer in [1, n - 1] = [1, 9], got 7.5'],
    [{ horizon: 1, testStart: 7, season: 0 }, 'season must be a positive integer, got 0'],
    [{ horizon: 1, testStart: 7, insampleEnd: 8 }, 'insampleEnd must be an integer in [season + 1, testStart] = [2, 7], got 8'],
    [{ horizon: 1, testStart: 7, season: 4, insampleEnd: 4 }, 'insampleEnd must be an integer in [season + 1, testStart] = [5, 7], got 4'],
    [
      { horizon: 1, testStart: 7, season: 7 },
      'insampleEnd (defaulting to testStart) must be an integer in [season + 1, testStart] = [8, 7], got 7',
    ],
  ])('rejects %j', async (options, message) => {
    await expect(rollingOriginBacktest(SERIES, ok, options)).rejects.toThrow(InputError);
    await expect(rollingOriginBacktest(SERIES, ok, options)).rejects.toThrow(message);
  });

  it('rejects a bad series or forecaster record', async () => {
    const options = { horizon: 1, testStart: 1 };
    await expect(rollingOriginBacktest([1], ok, options)).rejects.toThrow('series must have at least 2 values, got 1');
    await expect(rollingOriginBacktest([1, Number.NaN], ok, options)).rejects.toThrow('series[1] must be a finite number, got NaN');
    await expect(rollingOriginBacktest([1, 2], {}, options)).rejects.toThrow(
      'forecasters must map at least one model name to a forecaster, got {}',
    );
    await expect(rollingOriginBacktest([1, 2], { lstm: 3 } as never, options)).rejects.toThrow(
      'forecasters["lstm"] must be a function, got 3',
    );
  });

  it('rejects an in-sample range with zero seasonal-naive MAE', async () => {
    await expect(rollingOriginBacktest([5, 5, 5, 6], ok, { horizon: 1, testStart: 3 })).rejects.toThrow(
      'insample seasonal-naive MAE (season 1) is 0',
    );
  });

  it('reports forecasters that break the contract, naming model, origin and step', async () => {
    const options = { horizon: 2, testStart: 7 };
    const short: OriginForecaster = (_s, origins, h) => origins.slice(1).map(() => new Float64Array(h));
    const wrongLength: OriginForecaster = (_s, origins) => origins.map(() => new Float64Array(1));
    const nan: OriginForecaster = (_s, origins, h) => origins.map((t) => new Float64Array(h).fill(t === 7 ? Number.NaN : 0));
    const nanPastEnd: OriginForecaster = (_s, origins, h) =>
      origins.map((t) => Float64Array.of(0, t === 8 ? Number.NaN : 0).subarray(0, h));
    await expect(rollingOriginBacktest(SERIES, { short }, options)).rejects.toThrow(
      'forecaster "short" must return 3 forecasts (one per origin), got 2 forecasts',
    );
    await expect(rollingOriginBacktest(SERIES, { wrongLength }, options)).rejects.toThrow(
      'forecaster "wrongLength": forecast for origin 6 must have length horizon = 2, got length 1',
    );
    await expect(rollingOriginBacktest(SERIES, { nan }, options)).rejects.toThrow(
      'forecaster "nan": forecast for origin 7, step 1 (series[8]) must be a finite number, got NaN',
    );
    // A NaN at a step past the end of the series is not scored, so it is accepted.
    const result = await rollingOriginBacktest(SERIES, { nanPastEnd }, options);
    expect(result.models.nanPastEnd.forecasts[2][1]).toBeNaN();
  });
});
