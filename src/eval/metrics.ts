/**
 * Point-forecast accuracy metrics. Every metric takes `(actual, predicted, ...)`, two equally
 * long, non-empty array-likes of finite numbers, and returns one number. Inputs are never
 * modified.
 *
 * Definitions (n pairs, e_i = actual_i - predicted_i):
 * - MAE  = mean |e_i|
 * - RMSE = sqrt(mean e_i^2)
 * - MAPE = 100 * mean |e_i / actual_i|                             (percent)
 * - sMAPE = 100 * mean 2|e_i| / (|actual_i| + |predicted_i|)        (percent, 0..200; 0/0 := 0)
 * - MASE = MAE / (mean over t = m..N-1 of |y_t - y_{t-m}|), y = in-sample series of length N
 * - R^2  = 1 - sum e_i^2 / sum (actual_i - mean(actual))^2
 *
 * MASE follows Hyndman & Koehler (2006); sMAPE follows the M3/M4 competitions.
 */
import { InputError, describeValue } from '../errors';
import { assertFiniteSeries, assertInteger, assertSameLength } from '../validate';

/** What {@link mape} does with points whose actual value is exactly 0. */
export type ZeroPolicy = 'error' | 'skip';

/**
 * Default {@link ZeroPolicy}: fail loudly rather than silently shrink the sample.
 * @defaultValue 'error'
 */
export const DEFAULT_ZERO_POLICY: ZeroPolicy = 'error';

/**
 * Default seasonal period of the MASE scale: 1, the in-sample one-step naive forecast.
 * @defaultValue 1
 */
export const DEFAULT_MASE_SEASON = 1;

/** Options of {@link mape}. */
export interface MapeOptions {
  /**
   * `'error'`: throw when an actual value is 0; `'skip'`: drop those points (and throw if none
   * remain).
   * @defaultValue {@link DEFAULT_ZERO_POLICY}
   */
  readonly zeroPolicy?: ZeroPolicy;
}

/** Options of {@link mase} and {@link computeMetrics}. */
export interface MaseOptions {
  /** In-sample (training) series whose seasonal-naive MAE scales the error; length > `season`. */
  readonly insample: ArrayLike<number>;
  /**
   * Seasonal period m of the scale, in time steps (positive integer).
   * @defaultValue {@link DEFAULT_MASE_SEASON}
   */
  readonly season?: number;
}

/** The metrics {@link computeMetrics} reports for one set of (actual, predicted) pairs. */
export interface MetricSet {
  /** Mean absolute error, in the units of the series. */
  mae: number;
  /** Root mean squared error, in the units of the series. */
  rmse: number;
  /** Symmetric MAPE in percent, 0..200. */
  smape: number;
  /** Mean absolute scaled error (unitless). */
  mase: number;
  /** Coefficient of determination; NaN when the actual values are constant. */
  r2: number;
  /** MAPE in percent; absent when some actual value is 0. */
  mape?: number;
}

function checkPair(actual: unknown, predicted: unknown): asserts actual is ArrayLike<number> {
  assertFiniteSeries('actual', actual);
  assertFiniteSeries('predicted', predicted);
  assertSameLength('actual', actual, 'predicted', predicted as ArrayLike<number>);
}

function maeOf(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i] - predicted[i]);
  return sum / actual.length;
}

function rmseOf(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = actual[i] - predicted[i];
    sum += e * e;
  }
  return Math.sqrt(sum / actual.length);
}

function smapeOf(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const denominator = Math.abs(actual[i]) + Math.abs(predicted[i]);
    // 0/0 (both exactly 0) is a perfect forecast: count it as 0, not NaN.
    if (denominator > 0) sum += (2 * Math.abs(actual[i] - predicted[i])) / denominator;
  }
  return (100 * sum) / actual.length;
}

function r2Of(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < actual.length; i++) mean += actual[i];
  mean /= actual.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < actual.length; i++) {
    ssRes += (actual[i] - predicted[i]) ** 2;
    ssTot += (actual[i] - mean) ** 2;
  }
  return ssTot === 0 ? Number.NaN : 1 - ssRes / ssTot;
}

/** Index of the first exact zero in `values`, or -1. */
function firstZero(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (values[i] === 0) return i;
  return -1;
}

/**
 * Mean absolute error: mean |actual_i - predicted_i|.
 *
 * @param actual - Observed values, non-empty, finite.
 * @param predicted - Forecasts, same length as `actual`, finite.
 * @returns The MAE, in the units of the series (>= 0).
 * @throws {@link InputError} when either argument is empty, holds a non-finite value (the message
 *   names the argument and index), or the lengths differ.
 * @example
 * mae([3, -0.5, 2, 7], [2.5, 0, 2, 8]); // => 0.5
 */
export function mae(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPair(actual, predicted);
  return maeOf(actual, predicted);
}

/**
 * Root mean squared error: sqrt(mean (actual_i - predicted_i)^2).
 *
 * @param actual - Observed values, non-empty, finite.
 * @param predicted - Forecasts, same length as `actual`, finite.
 * @returns The RMSE, in the units of the series (>= 0).
 * @throws {@link InputError} as {@link mae}.
 * @example
 * rmse([3, -0.5, 2, 7], [2.5, 0, 2, 8]); // => Math.sqrt(0.375)
 */
export function rmse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPair(actual, predicted);
  return rmseOf(actual, predicted);
}

/**
 * Mean absolute percentage error, in percent: 100 * mean |(actual_i - predicted_i) / actual_i|.
 *
 * @param actual - Observed values, non-empty, finite; zeros are handled by `options.zeroPolicy`.
 * @param predicted - Forecasts, same length as `actual`, finite.
 * @param options - See {@link MapeOptions}.
 * @returns The MAPE in percent (>= 0; 12.5 means 12.5 %), over the points kept.
 * @throws {@link InputError} as {@link mae}; with zeroPolicy `'error'` when an actual value is 0
 *   (the message names the index); with `'skip'` when every actual value is 0; when zeroPolicy
 *   is neither `'error'` nor `'skip'`.
 * @example
 * mape([3, -0.5, 2, 7], [2.5, 0, 2, 8]); // => 32.73809523809524
 * mape([0, 4], [1, 5], { zeroPolicy: 'skip' }); // => 25
 */
export function mape(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  options: MapeOptions = {},
): number {
  checkPair(actual, predicted);
  const zeroPolicy = options.zeroPolicy ?? DEFAULT_ZERO_POLICY;
  if (zeroPolicy !== 'error' && zeroPolicy !== 'skip') {
    throw new InputError(
      `zeroPolicy must be 'error' or 'skip', got ${describeValue(zeroPolicy)}`,
      { argument: 'zeroPolicy', value: zeroPolicy },
    );
  }
  if (zeroPolicy === 'error') {
    const zero = firstZero(actual);
    if (zero >= 0) {
      throw new InputError(
        `actual[${zero}] is 0: MAPE is undefined for zero actual values ` +
          `(pass zeroPolicy 'skip' to drop them)`,
        { argument: 'actual', index: zero, value: 0 },
      );
    }
  }
  let sum = 0;
  let count = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] === 0) continue;
    sum += Math.abs((actual[i] - predicted[i]) / actual[i]);
    count++;
  }
  if (count === 0) {
    throw new InputError(
      `actual is 0 at all ${actual.length} points: no points left for MAPE with zeroPolicy 'skip'`,
      { argument: 'actual', value: actual.length },
    );
  }
  return (100 * sum) / count;
}

/**
 * Symmetric MAPE, in percent: 100 * mean 2|actual_i - predicted_i| / (|actual_i| + |predicted_i|).
 *
 * A pair with actual_i = predicted_i = 0 contributes 0 (a perfect forecast), not NaN.
 *
 * @param actual - Observed values, non-empty, finite.
 * @param predicted - Forecasts, same length as `actual`, finite.
 * @returns The sMAPE in percent, in [0, 200].
 * @throws {@link InputError} as {@link mae}.
 * @example
 * smape([100, 0], [110, 0]); // => (100 * (20 / 210 + 0)) / 2
 */
export function smape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPair(actual, predicted);
  return smapeOf(actual, predicted);
}

/**
 * The MASE scale: the in-sample MAE of the seasonal-naive forecast,
 * mean over t = m..N-1 of |insample_t - insample_{t-m}|.
 *
 * @param insample - In-sample series (length N > season), finite.
 * @param season - Seasonal period m, a positive integer (1 = the one-step naive forecast).
 * @defaultValue season {@link DEFAULT_MASE_SEASON}
 * @returns The scale (> 0), in the units of the series.
 * @throws {@link InputError} when `season` is not a positive integer, `insample` has
 *   `season` values or fewer, holds a non-finite value, or the scale is 0.
 * @example
 * maseScale([1, 3, 2, 6], 1); // => (2 + 1 + 4) / 3
 */
export function maseScale(insample: ArrayLike<number>, season: number = DEFAULT_MASE_SEASON): number {
  assertInteger('season', season, 1);
  assertFiniteSeries('insample', insample);
  if (insample.length <= season) {
    throw new InputError(
      `insample must have more than season (${season}) values, got ${insample.length}`,
      { argument: 'insample', value: insample.length },
    );
  }
  let sum = 0;
  for (let t = season; t < insample.length; t++) sum += Math.abs(insample[t] - insample[t - season]);
  if (sum === 0) {
    throw new InputError(
      `insample seasonal-naive MAE (season ${season}) is 0: MASE is undefined for a series ` +
        `with insample[t] === insample[t - ${season}] for every t`,
      { argument: 'insample', value: 0 },
    );
  }
  return sum / (insample.length - season);
}

/**
 * Mean absolute scaled error (Hyndman & Koehler, 2006): MAE(actual, predicted) divided by
 * {@link maseScale}(insample, season). Below 1: better than the in-sample seasonal-naive
 * forecast's one-step error.
 *
 * @param actual - Observed values, non-empty, finite.
 * @param predicted - Forecasts, same length as `actual`, finite.
 * @param options - In-sample series and seasonal period, see {@link MaseOptions}.
 * @returns The MASE (unitless, >= 0).
 * @throws {@link InputError} as {@link mae} and {@link maseScale}.
 * @example
 * mase([5, 7], [4, 9], { insample: [1, 3, 2, 6] }); // => 1.5 / (7 / 3)
 */
export function mase(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  options: MaseOptions,
): number {
  checkPair(actual, predicted);
  return maeOf(actual, predicted) / maseScale(options.insample, options.season);
}

/**
 * Coefficient of determination: 1 - SS_res / SS_tot, with SS_tot taken around mean(actual).
 *
 * R^2 is undefined when the actual values are all equal (including a single pair); it is then
 * reported as NaN (as scikit-learn does for fewer than two samples) rather than thrown, so that a
 * sub-sample with one point (e.g. the last horizon step of a short backtest) does not abort a
 * whole evaluation.
 *
 * @param actual - Observed values, non-empty, finite.
 * @param predicted - Forecasts, same length as `actual`, finite.
 * @returns R^2 in (-inf, 1]; NaN when `actual` is constant.
 * @throws {@link InputError} as {@link mae}.
 * @example
 * r2([3, -0.5, 2, 7], [2.5, 0, 2, 8]); // => 0.9486081370449679
 */
export function r2(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPair(actual, predicted);
  return r2Of(actual, predicted);
}

/**
 * Computes every metric of {@link MetricSet} for one set of pairs.
 *
 * @param actual - Observed values, non-empty, finite.
 * @param predicted - Forecasts, same length as `actual`, finite.
 * @param options - In-sample series and seasonal period for MASE, see {@link MaseOptions}.
 * @returns `{ mae, rmse, smape, mase, r2 }`, plus `mape` only when no actual value is 0.
 * @throws {@link InputError} as {@link mae} and {@link maseScale}.
 * @example
 * computeMetrics([5, 7], [4, 9], { insample: [1, 3, 2, 6] }); // => { mae: 1.5, rmse: Math.sqrt(2.5), smape: 23.61111111111111, mase: 0.6428571428571428, r2: -1.5, mape: 24.285714285714285 }
 */
export function computeMetrics(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  options: MaseOptions,
): MetricSet {
  checkPair(actual, predicted);
  const scale = maseScale(options.insample, options.season);
  return metricsWithScale(actual, predicted, scale);
}

/**
 * {@link computeMetrics} with a precomputed MASE scale and without validation, for callers that
 * have already checked their pairs (the backtest evaluates many subsets of one series). Not
 * re-exported by the `eval` barrel.
 *
 * @param actual - Observed values, non-empty, finite (not checked).
 * @param predicted - Forecasts, same length as `actual`, finite (not checked).
 * @param scale - The MASE denominator from {@link maseScale}, > 0.
 * @returns As {@link computeMetrics}.
 * @throws Nothing for valid input; garbage in, garbage out.
 * @example
 * metricsWithScale([5, 7], [4, 9], maseScale([1, 3, 2, 6])); // => computeMetrics([5, 7], [4, 9], { insample: [1, 3, 2, 6] })
 * @internal
 */
export function metricsWithScale(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  scale: number,
): MetricSet {
  const mae = maeOf(actual, predicted);
  const result: MetricSet = {
    mae,
    rmse: rmseOf(actual, predicted),
    smape: smapeOf(actual, predicted),
    mase: mae / scale,
    r2: r2Of(actual, predicted),
  };
  if (firstZero(actual) < 0) result.mape = mape(actual, predicted);
  return result;
}
