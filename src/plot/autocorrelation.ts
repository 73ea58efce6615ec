import type { NumericInput } from './types';
import { assertIntegerInRange } from '../validate';
import { toPlotValues } from './values';
import { InputError } from '../errors';

/**
 * Sample autocorrelation function (the usual biased estimator, as in statsmodels' `acf` and R's
 * `acf`): with mean `m` and `n` values,
 * `r[k] = sum_{t=0}^{n-k-1} (x[t] - m) (x[t+k] - m) / sum_{t=0}^{n-1} (x[t] - m)^2`.
 *
 * @param values - At least 2 finite numbers, not all equal; not mutated.
 * @param maxLag - Largest lag, an integer in `[0, values.length - 1]`.
 * @returns A new Float64Array of length `maxLag + 1`: `r[0] = 1`, `r[k]` for lag `k`.
 * @throws InputError when a value is not finite, there are fewer than 2 values, `maxLag` is out
 *   of range, or the values are constant (zero variance: the ACF is undefined).
 * @example
 * autocorrelation([1, 2, 3, 4], 2); // Float64Array [1, 0.25, -0.3]
 */
export function autocorrelation(values: NumericInput, maxLag: number): Float64Array {
  const x = toPlotValues('values', values, { allowNaN: false }) as number[];
  const n = x.length;
  if (n < 2) throw new InputError(`values must hold at least 2 numbers, got ${n}`, { argument: 'values', value: n });
  assertIntegerInRange('maxLag', maxLag, 0, n - 1);
  let mean = 0;
  for (const v of x) mean += v;
  mean /= n;
  const centered = x.map((v) => v - mean);
  let denominator = 0;
  for (const c of centered) denominator += c * c;
  if (denominator === 0) {
    throw new InputError('values must not be constant: the autocorrelation of a zero-variance series is undefined', {
      argument: 'values',
      value: x[0],
    });
  }
  const r = new Float64Array(maxLag + 1);
  for (let k = 0; k <= maxLag; k++) {
    let s = 0;
    for (let t = 0; t + k < n; t++) s += (centered[t] as number) * (centered[t + k] as number);
    r[k] = s / denominator;
  }
  return r;
}

/**
 * Half-width of the approximate 95% band of the sample ACF of white noise: `1.96 / sqrt(n)`.
 *
 * @param n - Number of values, a positive integer.
 * @returns The band half-width.
 * @throws InputError when `n` is not a positive integer.
 * @example
 * whiteNoiseBand(100); // 0.196
 */
export function whiteNoiseBand(n: number): number {
  assertIntegerInRange('n', n, 1, Number.MAX_SAFE_INTEGER);
  return 1.96 / Math.sqrt(n);
}
