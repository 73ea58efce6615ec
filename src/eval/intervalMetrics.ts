/**
 * Interval and quantile accuracy. Each metric takes the actual values and the forecast bounds at
 * one level, as equally long array-likes of finite numbers, and a scale for the scaled ones (the
 * series' MASE scale: its in-sample seasonal-naive MAE), and returns one number.
 *
 * Definitions (n pairs; level L in percent, a = 1 - L/100 the miscoverage; y actual, [l, u] the
 * interval, s the scale):
 * - coverage = share of pairs with l <= y <= u;
 * - scaled width = mean (u - l) / s;
 * - interval (Winkler) score = mean [(u - l) + (2/a)(l - y)1{y < l} + (2/a)(y - u)1{y > u}] / s,
 *   the MSIS of the M4 competition when s is the seasonal-naive MAE;
 * - pinball loss of quantile q at probability p: p (y - q) if y >= q, else (1 - p)(q - y);
 *   scaled pinball = mean over pairs and quantiles of it / s, as in the M5 uncertainty track.
 */
import { InputError, describeValue } from '../errors';
import { assertFiniteSeries, assertSameLength } from '../validate';

/** Interval accuracy at one level (see the module summary). */
export interface IntervalScores {
  /** Nominal level, percent. */
  readonly level: number;
  /** Share of pairs inside the interval, 0..1. */
  readonly coverage: number;
  /** Mean width divided by the scale. */
  readonly width: number;
  /** Mean interval (Winkler) score divided by the scale. */
  readonly winkler: number;
}

/**
 * Checks a list of interval levels in percent: finite, strictly between 0 and 100, distinct.
 * @returns A sorted copy.
 * @throws InputError naming `argument` and the bad value.
 * @example
 * checkLevels([95, 80]); // [80, 95]
 */
export function checkLevels(levels: unknown, argument = 'levels'): number[] {
  if (!Array.isArray(levels) || levels.length === 0) {
    throw new InputError(`${argument} must be a non-empty array of percentages, got ${describeValue(levels)}`, { argument, value: levels });
  }
  const seen = new Set<number>();
  for (const level of levels) {
    if (typeof level !== 'number' || !Number.isFinite(level) || level <= 0 || level >= 100) {
      throw new InputError(`${argument}: each level must be a percentage strictly between 0 and 100, got ${describeValue(level)}`, { argument, value: level });
    }
    if (seen.has(level)) throw new InputError(`${argument}: level ${level} is given twice`, { argument, value: level });
    seen.add(level);
  }
  return [...levels].sort((a, b) => a - b);
}

/**
 * Coverage, scaled width and scaled interval score of one level's intervals.
 *
 * @param actual - Observed values.
 * @param lower - Lower bounds (same length); each at most its upper bound.
 * @param upper - Upper bounds (same length).
 * @param level - Nominal level in percent, in (0, 100).
 * @param scale - Positive finite scale (1 for unscaled values).
 * @throws InputError for empty or unequal inputs, a non-finite value, a lower bound above its
 *   upper bound, a bad level or a bad scale.
 * @example
 * intervalScores([1, 5], [0, 0], [2, 2], 80, 1); // { level: 80, coverage: 0.5, width: 2, winkler: 2 + (2 / 0.2) * 3 / 2 }
 */
export function intervalScores(
  actual: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  level: number,
  scale: number,
): IntervalScores {
  const n = checkBounds(actual, lower, upper, scale);
  checkLevels([level], 'level');
  const a = 1 - level / 100;
  let inside = 0;
  let width = 0;
  let score = 0;
  for (let i = 0; i < n; i++) {
    const y = actual[i];
    const w = upper[i] - lower[i];
    width += w;
    score += w;
    if (y < lower[i]) score += (2 / a) * (lower[i] - y);
    else if (y > upper[i]) score += (2 / a) * (y - upper[i]);
    else inside++;
  }
  return { level, coverage: inside / n, width: width / n / scale, winkler: score / n / scale };
}

/**
 * Mean pinball (quantile) loss of quantile forecasts at probability `p`, divided by `scale`.
 *
 * @param actual - Observed values.
 * @param quantile - Forecasts of the `p`-quantile (same length).
 * @param p - Probability in (0, 1).
 * @param scale - Positive finite scale.
 * @throws InputError for empty or unequal inputs, a non-finite value, or a bad `p` or scale.
 * @example
 * pinballLoss([1, 3], [2, 2], 0.9, 1); // (0.1 * 1 + 0.9 * 1) / 2 = 0.5
 */
export function pinballLoss(actual: ArrayLike<number>, quantile: ArrayLike<number>, p: number, scale: number): number {
  assertSameLength('actual', actual, 'quantile', quantile);
  assertFiniteSeries('actual', actual);
  assertFiniteSeries('quantile', quantile);
  checkScale(scale);
  if (typeof p !== 'number' || !(p > 0 && p < 1)) {
    throw new InputError(`p must be a probability strictly between 0 and 1, got ${describeValue(p)}`, { argument: 'p', value: p });
  }
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = actual[i] - quantile[i];
    sum += e >= 0 ? p * e : (p - 1) * e;
  }
  return sum / actual.length / scale;
}

/**
 * The quantile probabilities that intervals at `levels` and a median stand for: for each level
 * L, `(1 - L/100) / 2` and `(1 + L/100) / 2`, plus 0.5; sorted.
 * @example
 * intervalProbabilities([80, 95]); // [0.025, 0.1, 0.5, 0.9, 0.975]
 */
export function intervalProbabilities(levels: readonly number[]): number[] {
  const sorted = checkLevels(levels);
  const low = sorted.map((l) => round12((1 - l / 100) / 2));
  return [...low.slice().reverse(), 0.5, ...low.map((p) => round12(1 - p))];
}

/**
 * Scaled pinball loss averaged over the quantiles that a point forecast (the median) and its
 * intervals at several levels stand for (see {@link intervalProbabilities}), as in M5.
 *
 * @param bounds - Per level (any order), its lower and upper bounds.
 * @throws InputError as {@link pinballLoss} and {@link intervalScores}.
 * @example
 * scaledPinball([1], [1], [{ level: 80, lower: [0], upper: [2] }], 1); // (0 + 0.1 + 0.1) / 3
 */
export function scaledPinball(
  actual: ArrayLike<number>,
  point: ArrayLike<number>,
  bounds: readonly { readonly level: number; readonly lower: ArrayLike<number>; readonly upper: ArrayLike<number> }[],
  scale: number,
): number {
  checkLevels(bounds.map((b) => b.level));
  let sum = pinballLoss(actual, point, 0.5, scale);
  for (const { level, lower, upper } of bounds) {
    checkBounds(actual, lower, upper, scale);
    const p = (1 - level / 100) / 2;
    sum += pinballLoss(actual, lower, p, scale) + pinballLoss(actual, upper, 1 - p, scale);
  }
  return sum / (1 + 2 * bounds.length);
}

function checkBounds(actual: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>, scale: number): number {
  assertSameLength('actual', actual, 'lower', lower);
  assertSameLength('actual', actual, 'upper', upper);
  assertFiniteSeries('actual', actual);
  assertFiniteSeries('lower', lower);
  assertFiniteSeries('upper', upper);
  checkScale(scale);
  for (let i = 0; i < lower.length; i++) {
    if (lower[i] > upper[i]) {
      throw new InputError(`lower[${i}] (${lower[i]}) is above upper[${i}] (${upper[i]})`, { argument: 'lower', index: i });
    }
  }
  return actual.length;
}

function checkScale(scale: number): void {
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
    throw new InputError(`scale must be a positive finite number, got ${describeValue(scale)}`, { argument: 'scale', value: scale });
  }
}

/** Removes float noise from `(1 - 0.8) / 2` and the like (0.09999999999999998 -> 0.1). */
function round12(x: number): number {
  return Math.round(x * 1e12) / 1e12;
}
