/**
 * The rolling-origin (expanding window) backtest: every model forecasts from every origin of the
 * test period, and the forecasts are scored against the held-out values.
 */
import { InputError, describeValue } from '../errors';
import { type OriginForecaster } from './forecaster';
import { DEFAULT_MASE_SEASON, type MetricSet, maseScale, metricsWithScale } from './metrics';
import { assertFiniteSeries, assertInteger } from '../validate';

export type { OriginForecaster } from './forecaster';

/** Options of {@link rollingOriginBacktest}. */
export interface BacktestOptions {
  /** Forecast horizon h: steps forecast from each origin, a positive integer <= n - testStart. */
  readonly horizon: number;
  /** Index of the first test point, an integer in [1, n - 1]; the test range is [testStart, n). */
  readonly testStart: number;
  /**
   * Seasonal period m of the MASE scale, in time steps (positive integer). It does not
   * configure the forecasters.
   * @defaultValue {@link DEFAULT_MASE_SEASON} (1)
   */
  readonly season?: number;
  /**
   * End (exclusive) of the in-sample range whose seasonal-naive MAE scales MASE: the scale uses
   * `series[0..insampleEnd)`. An integer in [season + 1, testStart].
   * @defaultValue `testStart`
   */
  readonly insampleEnd?: number;
}

/** One model's backtest output. */
export interface ModelBacktest {
  /**
   * Forecast matrix, one row per origin (as {@link BacktestResult.origins}), each of length h:
   * `forecasts[i][k - 1]` forecasts `series[origins[i] + k]`; NaN where that index is >= n.
   */
  readonly forecasts: Float64Array[];
  /** Metrics over every scored (origin, step) pair, pooled. */
  readonly metrics: MetricSet;
  /** `byStep[k - 1]`: metrics over the pairs of step k only, k = 1..h. */
  readonly byStep: MetricSet[];
}

/** Output of {@link rollingOriginBacktest}. */
export interface BacktestResult {
  /** Forecast origins testStart - 1 .. n - 2, increasing. */
  readonly origins: number[];
  /** The horizon h used. */
  readonly horizon: number;
  /** First test index. */
  readonly testStart: number;
  /** MASE seasonal period used. */
  readonly season: number;
  /** End (exclusive) of the MASE in-sample range used. */
  readonly insampleEnd: number;
  /** Per model name (the keys of `forecasters`), its forecasts and metrics. */
  readonly models: Record<string, ModelBacktest>;
}

/**
 * Rolling-origin backtest of several forecasters on one target series.
 *
 * Protocol. Let n = series.length and h = horizon. The test range is [testStart, n). The
 * origins are t = testStart - 1, ..., n - 2: every t from which at least one test point is
 * reachable. From origin t a model forecasts t + 1, ..., t + h using `series[0..t]` only (both
 * ends included; see {@link OriginForecaster}). A pair (t, k) is scored when t + k <= n - 1; as
 * t >= testStart - 1, every scored target lies in the test range. Step k is scored from
 * n - testStart - k + 1 origins, so later steps have fewer pairs; the pooled metrics weight
 * every scored pair equally. MASE divides by the seasonal-naive (period `season`) MAE of
 * `series[0..insampleEnd)`, one scale for all models, steps and origins.
 *
 * Worked example: n = 10, testStart = 7, h = 2. Test range {7, 8, 9}; origins 6, 7, 8. Pairs
 * (origin -> target): 6->7, 6->8, 7->8, 7->9, 8->9 are scored; 8->10 is past the end (NaN in
 * `forecasts`). Pooled metrics use those 5 pairs; `byStep[0]` the 3 one-step pairs (targets
 * 7, 8, 9), `byStep[1]` the 2 two-step pairs (targets 8, 9).
 *
 * Leakage. For speed (an LSTM predicts all origins in one batch) each forecaster receives the
 * full series, as its own copy (so it cannot alter the caller's data or another model's), and is
 * trusted to honour the contract. The built-in baselines and Holt-Winters cannot look ahead:
 * for each origin they only read a copy of the series truncated there (`perOrigin`,
 * `holtWintersForecaster`). Wrap any other forecaster in
 * `guardedForecaster` to enforce the same, one call per origin.
 *
 * Forecasters run one after another, in the key order of `forecasters`.
 *
 * @param series - The target series, at least 2 finite values. Not modified.
 * @param forecasters - Model name -> forecaster; at least one.
 * @param options - Horizon, test start and MASE settings, see {@link BacktestOptions}.
 * @returns The origins, the settings used, and per model the `[origins.length][h]` forecast
 *   matrix, pooled metrics and per-step metrics.
 * @throws {@link InputError} for a bad series, an empty `forecasters` or a non-function in it, an
 *   option out of range (message names the option and value), or an in-sample range with zero
 *   seasonal-naive MAE.
 * @throws Error when a forecaster breaks its contract: wrong number of forecasts, a forecast of
 *   the wrong length, or a non-finite value at a scored step (the message names the model,
 *   origin and step).
 * @example
 * // Trend 0.1 per month plus a yearly cycle: seasonal naive is off by 1.2 at every step, which
 * // is also its in-sample error, so its MASE is 1.
 * const series = Array.from({ length: 60 }, (_, t) => 10 + 0.1 * t + Math.sin((2 * Math.PI * t) / 12));
 * const result = await rollingOriginBacktest(
 *   series,
 *   { naive: baselineForecaster('naive'), snaive: baselineForecaster('seasonal_naive', 12) },
 *   { horizon: 12, testStart: 48, season: 12 },
 * );
 * result.origins; // => [47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58]
 * result.models.snaive.metrics.mase; // => 1
 * result.models.snaive.byStep[11].mase; // => 1 (12-step-ahead pairs only: 47 -> 59)
 */
export async function rollingOriginBacktest(
  series: ArrayLike<number>,
  forecasters: Readonly<Record<string, OriginForecaster>>,
  options: BacktestOptions,
): Promise<BacktestResult> {
  assertFiniteSeries('series', series, 2);
  const names = checkForecasters(forecasters);
  const n = series.length;
  const { horizon, testStart } = options;
  const season = options.season ?? DEFAULT_MASE_SEASON;
  assertInteger('horizon', horizon, 1);
  assertInteger('season', season, 1);
  if (typeof testStart !== 'number' || !Number.isInteger(testStart) || testStart < 1 || testStart > n - 1) {
    throw new InputError(
      `testStart must be an integer in [1, n - 1] = [1, ${n - 1}], got ${describeValue(testStart)}`,
      { argument: 'testStart', value: testStart },
    );
  }
  if (horizon > n - testStart) {
    throw new InputError(
      `horizon must not exceed the test length n - testStart = ${n - testStart}, got ${horizon}`,
      { argument: 'horizon', value: horizon },
    );
  }
  const insampleEnd = options.insampleEnd ?? testStart;
  if (
    typeof insampleEnd !== 'number' ||
    !Number.isInteger(insampleEnd) ||
    insampleEnd < season + 1 ||
    insampleEnd > testStart
  ) {
    const which = options.insampleEnd === undefined ? 'insampleEnd (defaulting to testStart)' : 'insampleEnd';
    throw new InputError(
      `${which} must be an integer in [season + 1, testStart] = [${season + 1}, ${testStart}], ` +
        `got ${describeValue(insampleEnd)}`,
      { argument: 'insampleEnd', value: insampleEnd },
    );
  }

  const values = Float64Array.from(series);
  const scale = maseScale(values.subarray(0, insampleEnd), season);
  const origins: number[] = [];
  for (let t = testStart - 1; t <= n - 2; t++) origins.push(t);

  const models: Record<string, ModelBacktest> = {};
  for (const name of names) {
    const raw = await forecasters[name](Float64Array.from(values), origins.slice(), horizon);
    const forecasts = checkForecasts(name, raw, origins, horizon, n);
    models[name] = score(values, origins, forecasts, horizon, scale);
  }
  return { origins, horizon, testStart, season, insampleEnd, models };
}

function checkForecasters(forecasters: unknown): string[] {
  if (forecasters === null || typeof forecasters !== 'object' || Object.keys(forecasters).length === 0) {
    throw new InputError(
      `forecasters must map at least one model name to a forecaster, got ${describeValue(forecasters)}`,
      { argument: 'forecasters', value: forecasters },
    );
  }
  const record = forecasters as Record<string, unknown>;
  const names = Object.keys(record);
  for (const name of names) {
    if (typeof record[name] !== 'function') {
      throw new InputError(
        `forecasters[${JSON.stringify(name)}] must be a function, got ${describeValue(record[name])}`,
        { argument: 'forecasters', value: name },
      );
    }
  }
  return names;
}

/** Checks a forecaster's output and copies it into rows with NaN past the end of the series. */
function checkForecasts(
  name: string,
  raw: unknown,
  origins: readonly number[],
  horizon: number,
  n: number,
): Float64Array[] {
  if (!Array.isArray(raw) || raw.length !== origins.length) {
    const got = Array.isArray(raw) ? `${raw.length} forecasts` : describeValue(raw);
    throw new Error(`forecaster ${JSON.stringify(name)} must return ${origins.length} forecasts (one per origin), got ${got}`);
  }
  return origins.map((origin, i) => {
    const row: unknown = raw[i];
    const length = (row as { length?: unknown } | null)?.length;
    if (row === null || typeof row !== 'object' || length !== horizon) {
      throw new Error(
        `forecaster ${JSON.stringify(name)}: forecast for origin ${origin} must have length ` +
          `horizon = ${horizon}, got ${typeof length === 'number' ? `length ${length}` : describeValue(row)}`,
      );
    }
    const values = row as ArrayLike<unknown>;
    const out = new Float64Array(horizon).fill(Number.NaN);
    for (let k = 1; k <= horizon && origin + k < n; k++) {
      const v = values[k - 1];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new Error(
          `forecaster ${JSON.stringify(name)}: forecast for origin ${origin}, step ${k} ` +
            `(series[${origin + k}]) must be a finite number, got ${describeValue(v)}`,
        );
      }
      out[k - 1] = v;
    }
    return out;
  });
}

/** Pooled and per-step metrics of one model's checked forecasts. */
function score(
  values: Float64Array,
  origins: readonly number[],
  forecasts: readonly Float64Array[],
  horizon: number,
  scale: number,
): ModelBacktest {
  const pooledActual: number[] = [];
  const pooledPredicted: number[] = [];
  const byStep: MetricSet[] = [];
  for (let k = 1; k <= horizon; k++) {
    const actual: number[] = [];
    const predicted: number[] = [];
    origins.forEach((origin, i) => {
      if (origin + k < values.length) {
        actual.push(values[origin + k]);
        predicted.push(forecasts[i][k - 1]);
      }
    });
    byStep.push(metricsWithScale(actual, predicted, scale));
    // A loop, not push(...actual): a spread of 200,000 values overflows the call stack.
    for (let j = 0; j < actual.length; j++) {
      pooledActual.push(actual[j]);
      pooledPredicted.push(predicted[j]);
    }
  }
  return { forecasts: forecasts.slice(), metrics: metricsWithScale(pooledActual, pooledPredicted, scale), byStep };
}
