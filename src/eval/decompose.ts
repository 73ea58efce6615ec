/**
 * Classical seasonal decomposition by moving averages (as R's `stats::decompose`), used to
 * initialise ETS seasonal states and to deseasonalise for the Theta method.
 */
import { InputError } from '../errors';
import { assertFiniteSeries, assertInteger } from '../validate';

/** Additive (y = trend + season + rest) or multiplicative (y = trend * season * rest). */
export type DecompositionType = 'additive' | 'multiplicative';

/** Result of {@link classicalDecomposition}. */
export interface Decomposition {
  /** Centred moving average of length m (2 x m for even m); NaN at the ends where it is undefined. */
  readonly trend: Float64Array;
  /**
   * The seasonal figure: `figure[j]` is the seasonal effect at positions j, j + m, j + 2m, ...
   * counted from the first value. Sums to 0 (additive) or averages to 1 (multiplicative).
   */
  readonly figure: Float64Array;
}

/**
 * Classical decomposition of `y` with period m: the trend is the centred moving average
 * (weights 1/m, with half weights at both ends when m is even), the detrended series is
 * `y - trend` (additive) or `y / trend` (multiplicative), and the figure is the mean of the
 * detrended values at each position of the cycle, normalised to sum to 0 or average to 1.
 *
 * @param y - At least 2m finite values. Not modified.
 * @param period - Seasonal period m, an integer >= 2.
 * @param type - Additive or multiplicative.
 * @returns The trend (length n) and the seasonal figure (length m).
 * @throws {@link InputError} when `period` is not an integer >= 2 or `y` has fewer than 2m values
 *   or a non-finite one.
 * @example
 * classicalDecomposition([1, 3, 1, 3, 1, 3], 2, 'additive').figure; // => [-1, 1]
 */
export function classicalDecomposition(y: ArrayLike<number>, period: number, type: DecompositionType): Decomposition {
  assertInteger('period', period, 2);
  assertFiniteSeries('y', y);
  const n = y.length;
  if (n < 2 * period) {
    throw new InputError(`y must have at least 2 * period (${2 * period}) values to decompose, got ${n}`, {
      argument: 'y',
      value: n,
    });
  }
  const even = period % 2 === 0;
  const half = Math.floor(period / 2);
  const trend = new Float64Array(n).fill(Number.NaN);
  for (let t = half; t + half <= n - 1; t++) {
    let sum = 0;
    if (even) {
      sum = 0.5 * y[t - half] + 0.5 * y[t + half];
      for (let j = -half + 1; j <= half - 1; j++) sum += y[t + j];
    } else {
      for (let j = -half; j <= half; j++) sum += y[t + j];
    }
    trend[t] = sum / period;
  }
  const sums = new Float64Array(period);
  const counts = new Float64Array(period);
  for (let t = 0; t < n; t++) {
    if (Number.isNaN(trend[t])) continue;
    sums[t % period] += type === 'additive' ? y[t] - trend[t] : y[t] / trend[t];
    counts[t % period] += 1;
  }
  const figure = new Float64Array(period);
  let mean = 0;
  for (let j = 0; j < period; j++) {
    figure[j] = sums[j] / counts[j];
    mean += figure[j] / period;
  }
  for (let j = 0; j < period; j++) figure[j] = type === 'additive' ? figure[j] - mean : figure[j] / mean;
  return { trend, figure };
}
