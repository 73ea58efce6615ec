/**
 * Reference forecasters (Hyndman & Athanasopoulos, "Forecasting: Principles and Practice",
 * section 5.2): naive, seasonal naive, mean and drift. Each maps a history, the values up to and
 * including the forecast origin T, to forecasts of T+1..T+horizon.
 */
import { InputError, describeValue } from '../errors';
import type { OriginForecaster } from './forecaster';
import { assertFiniteSeries, assertInteger } from '../validate';

/** Names of the reference forecasters available through {@link baselineForecaster}. */
export type BaselineName = 'naive' | 'seasonal_naive' | 'mean' | 'drift';

/** Every {@link BaselineName}, in a stable order (for reports and validation messages). */
export const BASELINE_NAMES: readonly BaselineName[] = ['naive', 'seasonal_naive', 'mean', 'drift'];

/**
 * Naive forecast: every future value equals the last observation, y[T+k] = y[T].
 *
 * @param history - Values up to and including the origin, at least 1, finite.
 * @param horizon - Number of steps to forecast, a positive integer.
 * @returns Float64Array of length `horizon`: the forecasts of T+1..T+horizon.
 * @throws {@link InputError} when `history` is empty or non-finite, or `horizon` is not a
 *   positive integer.
 * @example
 * naive([1, 2, 5], 2); // => [5, 5]
 */
export function naive(history: ArrayLike<number>, horizon: number): Float64Array {
  assertFiniteSeries('history', history);
  assertInteger('horizon', horizon, 1);
  return new Float64Array(horizon).fill(history[history.length - 1]);
}

/**
 * Seasonal naive forecast: each future value equals the last observation of the same season,
 * y[T+k] = y[T + k - m * ceil(k / m)].
 *
 * @param history - Values up to and including the origin, at least `season` values, finite.
 * @param horizon - Number of steps to forecast, a positive integer.
 * @param season - Seasonal period m in time steps, a positive integer (1 gives {@link naive}).
 * @returns Float64Array of length `horizon`: the forecasts of T+1..T+horizon.
 * @throws {@link InputError} when `season` or `horizon` is not a positive integer, or `history`
 *   holds fewer than `season` values or a non-finite one.
 * @example
 * seasonalNaive([1, 2, 3, 4, 5, 6], 4, 3); // => [4, 5, 6, 4]
 */
export function seasonalNaive(history: ArrayLike<number>, horizon: number, season: number): Float64Array {
  assertInteger('season', season, 1);
  assertInteger('horizon', horizon, 1);
  assertFiniteSeries('history', history);
  if (history.length < season) {
    throw new InputError(
      `history must have at least season (${season}) values for a seasonal naive forecast, ` +
        `got ${history.length}`,
      { argument: 'history', value: history.length },
    );
  }
  const last = history.length - 1;
  const out = new Float64Array(horizon);
  for (let k = 1; k <= horizon; k++) out[k - 1] = history[last + k - season * Math.ceil(k / season)];
  return out;
}

/**
 * Mean forecast: every future value equals the mean of the whole history.
 *
 * @param history - Values up to and including the origin, at least 1, finite.
 * @param horizon - Number of steps to forecast, a positive integer.
 * @returns Float64Array of length `horizon`, every element mean(history).
 * @throws {@link InputError} as {@link naive}.
 * @example
 * meanForecast([1, 2, 6], 2); // => [3, 3]
 */
export function meanForecast(history: ArrayLike<number>, horizon: number): Float64Array {
  assertFiniteSeries('history', history);
  assertInteger('horizon', horizon, 1);
  let sum = 0;
  for (let i = 0; i < history.length; i++) sum += history[i];
  return new Float64Array(horizon).fill(sum / history.length);
}

/**
 * Drift forecast: extends the line through the first and last observations,
 * y[T+k] = y[T] + k * (y[T] - y[0]) / T, with T = history.length - 1.
 *
 * @param history - Values up to and including the origin, at least 2, finite.
 * @param horizon - Number of steps to forecast, a positive integer.
 * @returns Float64Array of length `horizon`: the forecasts of T+1..T+horizon.
 * @throws {@link InputError} when `history` has fewer than 2 values or a non-finite one, or
 *   `horizon` is not a positive integer.
 * @example
 * // slope (5 - 1) / 2 = 2
 * drift([1, 4, 5], 2); // => [7, 9]
 */
export function drift(history: ArrayLike<number>, horizon: number): Float64Array {
  assertFiniteSeries('history', history, 2);
  assertInteger('horizon', horizon, 1);
  const last = history.length - 1;
  const slope = (history[last] - history[0]) / last;
  const out = new Float64Array(horizon);
  for (let k = 1; k <= horizon; k++) out[k - 1] = history[last] + k * slope;
  return out;
}

/**
 * A baseline's forecasts from many origins of one series in one pass: for origin t, exactly
 * what the single-origin function gives on `series[0..t]` (bit for bit, tested), in O(horizon)
 * per origin instead of the O(t) of copying and checking each history (the mean reads a
 * running sum, accumulated in the same order as {@link meanForecast}).
 *
 * Only rows `<= t` are read for origin t. When the series holds a non-finite value up to the
 * last origin, or an origin has too little history for the baseline, the single-origin
 * function runs on that history instead, so the error is the one it throws.
 *
 * @param name - One of {@link BASELINE_NAMES}.
 * @param series - The whole series; not modified.
 * @param origins - Rows of `series`, each an integer in `[0, series.length - 1]`.
 * @param horizon - Steps per origin, a positive integer.
 * @param season - Required for `'seasonal_naive'`.
 * @returns One new Float64Array of `horizon` forecasts per origin.
 * @throws InputError as the single-origin functions, and for an origin outside the series.
 * @example
 * baselineForecastAt('drift', Float64Array.of(1, 4, 5, 9), [2, 3], 1); // => [[7], [11.666666666666666]]
 */
export function baselineForecastAt(
  name: BaselineName,
  series: Float64Array,
  origins: readonly number[],
  horizon: number,
  season = 1,
): Float64Array[] {
  assertInteger('horizon', horizon, 1);
  if (name === 'seasonal_naive') assertInteger('season', season, 1);
  const single = (history: Float64Array): Float64Array => baselineForecast(name, history, horizon, season);
  let last = -1;
  for (const t of origins) {
    if (!Number.isInteger(t) || t < 0 || t >= series.length) {
      throw new InputError(`origins must be rows of the series in [0, ${series.length - 1}], got ${describeValue(t)}`, { argument: 'origins', value: t });
    }
    if (t > last) last = t;
  }
  let finite = true;
  for (let i = 0; i <= last && finite; i++) finite = Number.isFinite(series[i]);
  const minimum = name === 'drift' ? 2 : name === 'seasonal_naive' ? season : 1;
  const prefix = name === 'mean' ? runningSums(series, last) : null;
  return origins.map((t) => {
    if (!finite || t + 1 < minimum) return single(series.slice(0, t + 1));
    const out = new Float64Array(horizon);
    switch (name) {
      case 'naive':
        return out.fill(series[t]);
      case 'mean':
        return out.fill(prefix![t + 1] / (t + 1));
      case 'drift': {
        const slope = (series[t] - series[0]) / t;
        for (let k = 1; k <= horizon; k++) out[k - 1] = series[t] + k * slope;
        return out;
      }
      default:
        for (let k = 1; k <= horizon; k++) out[k - 1] = series[t + k - season * Math.ceil(k / season)];
        return out;
    }
  });
}

/**
 * One baseline's forecast from one history, by name.
 * @param season - Used by `'seasonal_naive'` only. @defaultValue 1
 * @throws InputError as the baseline's own function, or for an unknown name.
 * @example
 * baselineForecast('seasonal_naive', [1, 2, 3, 4], 2, 2); // => [3, 4]
 */
export function baselineForecast(name: BaselineName, history: ArrayLike<number>, horizon: number, season = 1): Float64Array {
  switch (name) {
    case 'naive':
      return naive(history, horizon);
    case 'mean':
      return meanForecast(history, horizon);
    case 'drift':
      return drift(history, horizon);
    case 'seasonal_naive':
      return seasonalNaive(history, horizon, season);
    default:
      throw new InputError(`name must be one of ${BASELINE_NAMES.map((n) => `'${n}'`).join(', ')}, got ${describeValue(name)}`, { argument: 'name', value: name });
  }
}

/** `sums[j]` = series[0] + ... + series[j - 1], summed left to right, for j <= last + 1. */
function runningSums(series: Float64Array, last: number): Float64Array {
  const sums = new Float64Array(last + 2);
  let sum = 0;
  for (let i = 0; i <= last; i++) {
    sum += series[i];
    sums[i + 1] = sum;
  }
  return sums;
}

/**
 * Looks up a reference forecaster by name, as an {@link OriginForecaster} for
 * `rollingOriginBacktest`. For origin t it reads only `series[0..t]` and gives what the
 * single-origin function gives on that copy (see {@link baselineForecastAt}), so it cannot look
 * ahead.
 *
 * @param name - One of {@link BASELINE_NAMES}.
 * @param season - Seasonal period in time steps (positive integer); required for
 *   `'seasonal_naive'`, ignored by the others.
 * @returns A batch forecaster.
 * @throws {@link InputError} when `name` is unknown, or `season` is missing or not a positive
 *   integer for `'seasonal_naive'`. The returned forecaster throws as the underlying function.
 * @example
 * const snaive = baselineForecaster('seasonal_naive', 2);
 * await snaive(Float64Array.of(1, 2, 3, 4, 5), [3], 3); // => [[3, 4, 3]] (from origin 3, value 4)
 */
export function baselineForecaster(name: BaselineName, season?: number): OriginForecaster {
  if (!BASELINE_NAMES.includes(name)) {
    throw new InputError(`name must be one of ${BASELINE_NAMES.map((n) => `'${n}'`).join(', ')}, got ${describeValue(name)}`, { argument: 'name', value: name });
  }
  if (name === 'seasonal_naive') {
    if (season === undefined) {
      throw new InputError(`season is required for baseline 'seasonal_naive', got undefined`, { argument: 'season', value: season });
    }
    assertInteger('season', season, 1);
  }
  return (series, origins, horizon) => baselineForecastAt(name, series, origins, horizon, season ?? 1);
}
