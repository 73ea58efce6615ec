/**
 * Gap filling for one numeric column in which `NaN` marks a missing value. Used by the CSV loader's
 * `'ffill'` and `'interpolate'` policies; usable on its own.
 */
import { InputError } from '../errors';

/**
 * Names a position in an error message, e.g. `i => \`values[${i}]\`` or
 * `i => \`data.csv: column "load", line ${i + 2}\``.
 */
export type DescribeIndex = (index: number) => string;

const defaultDescribe: DescribeIndex = (i) => `values[${i}]`;

/**
 * Replaces each missing value (`NaN`) by the last observed value before it.
 *
 * @param values - The column; `NaN` marks a missing value. Not modified.
 * @param describe - Names a position in error messages.
 * @returns A new array of the same length without `NaN`.
 * @throws InputError when the first value is missing (there is nothing to carry forward), e.g.
 *   `values[0] is missing and cannot be forward-filled: no earlier observation`.
 * @example
 * forwardFill([1, NaN, NaN, 4]); // Float64Array [1, 1, 1, 4]
 */
export function forwardFill(
  values: ArrayLike<number>,
  describe: DescribeIndex = defaultDescribe,
): Float64Array {
  const out = Float64Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isNaN(out[i])) continue;
    if (i === 0) {
      throw new InputError(
        `${describe(0)} is missing and cannot be forward-filled: no earlier observation`,
        { index: 0 },
      );
    }
    out[i] = out[i - 1];
  }
  return out;
}

/**
 * Replaces each missing value (`NaN`) by linear interpolation in time between the nearest
 * observed values before and after it:
 * `v = v0 + (v1 - v0) * (t - t0) / (t1 - t0)`.
 *
 * Interpolating in time (not by position) gives the right value when rows are unevenly spaced.
 *
 * @param time - Strictly increasing time stamps, same length as `values` (any unit).
 * @param values - The column; `NaN` marks a missing value. Not modified.
 * @param describe - Names a position in error messages.
 * @returns A new array of the same length without `NaN`.
 * @throws InputError when `time` and `values` differ in length, or when the first or last value
 *   is missing (it has no neighbour on one side), e.g.
 *   `values[4] is missing and cannot be interpolated: no later observation`.
 * @example
 * interpolateLinear([0, 1, 3], [0, NaN, 30]); // Float64Array [0, 10, 30]
 */
export function interpolateLinear(
  time: ArrayLike<number>,
  values: ArrayLike<number>,
  describe: DescribeIndex = defaultDescribe,
): Float64Array {
  if (time.length !== values.length) {
    throw new InputError(
      `time and values must have the same length, got ${time.length} and ${values.length}`,
      { argument: 'time' },
    );
  }
  const out = Float64Array.from(values);
  const n = out.length;
  let i = 0;
  while (i < n) {
    if (!Number.isNaN(out[i])) {
      i++;
      continue;
    }
    if (i === 0) {
      throw new InputError(
        `${describe(0)} is missing and cannot be interpolated: no earlier observation`,
        { index: 0 },
      );
    }
    let j = i;
    while (j < n && Number.isNaN(out[j])) j++;
    if (j === n) {
      throw new InputError(
        `${describe(n - 1)} is missing and cannot be interpolated: no later observation`,
        { index: n - 1 },
      );
    }
    const t0 = time[i - 1];
    const v0 = out[i - 1];
    const slope = (out[j] - v0) / (time[j] - t0);
    for (let k = i; k < j; k++) out[k] = v0 + slope * (time[k] - t0);
    i = j;
  }
  return out;
}
