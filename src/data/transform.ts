/**
 * Invertible target transforms: first differences and values relative to an anchor (the last
 * observation of the input window).
 */
import { InputError, describeValue } from '../errors';

/**
 * How targets are presented to the model, so that it learns changes rather than levels:
 *
 * - `'none'`: the raw (scaled) level `y[t+h]`.
 * - `'difference'`: first differences `y[t] - y[t-1]` ({@link difference}); forecasts are turned
 *   back into levels by a cumulative sum from the last observed level ({@link undifference}).
 *   Removes a stochastic trend; the first row has no difference.
 * - `'relative'`: each sample's targets (and that target's own input column in the window) minus
 *   the level at the forecast origin, `y[t+h] - y[t]` ({@link relativeToLast}); forecasts are
 *   turned back by adding the origin's level ({@link fromRelative}). Makes samples
 *   level-invariant without losing the first row. Applied per sample by the window's `anchor`
 *   option (see `makeWindowSet`).
 * - `'log-difference'`, `'log-relative'`: the same on the natural logarithm of the target, for
 *   strictly positive series whose variation grows with their level (multiplicative trend or
 *   seasonality); forecasts are exponentiated back.
 */
export type TargetTransform = 'none' | 'difference' | 'relative' | 'log-difference' | 'log-relative';

/**
 * The transform without its log: `'log-difference'` -> `'difference'`, others unchanged.
 * @example
 * baseTransform('log-relative'); // 'relative'
 */
export function baseTransform(transform: TargetTransform): 'none' | 'difference' | 'relative' {
  return transform === 'log-difference' ? 'difference' : transform === 'log-relative' ? 'relative' : transform;
}

/**
 * Whether the transform works on the logarithm of the target.
 * @example
 * isLogTransform('log-difference'); // true
 */
export function isLogTransform(transform: TargetTransform): boolean {
  return transform === 'log-difference' || transform === 'log-relative';
}

/**
 * First differences: `out[i] = values[i + 1] - values[i]`.
 *
 * @param values - At least one finite number; not modified.
 * @returns A new array of length `values.length - 1` (empty for a single value).
 * @throws InputError when `values` is empty or holds a non-finite number (naming its index).
 * @example
 * difference([1, 4, 9, 16]); // Float64Array [3, 5, 7]
 */
export function difference(values: ArrayLike<number>): Float64Array {
  checkFinite(values, 'values', 'difference');
  if (values.length === 0) {
    throw new InputError('difference: values must not be empty', { argument: 'values' });
  }
  const out = new Float64Array(values.length - 1);
  for (let i = 0; i < out.length; i++) out[i] = values[i + 1] - values[i];
  return out;
}

/**
 * Inverts {@link difference}: the levels that follow `anchor` when it moves by `diffs`,
 * `out[i] = anchor + diffs[0] + ... + diffs[i]`.
 *
 * The running sum is compensated (Neumaier), so long horizons do not accumulate rounding error:
 * `undifference(difference(x), x[0])` equals `x.slice(1)` up to one rounding per element.
 *
 * @param diffs - Finite steps; not modified.
 * @param anchor - The last known level (finite), e.g. the observation at the forecast origin.
 * @returns A new array, same length as `diffs`; `anchor` itself is not included.
 * @throws InputError when `anchor` or a step is not finite.
 * @example
 * undifference([3, 5, 7], 1); // Float64Array [4, 9, 16]
 */
export function undifference(diffs: ArrayLike<number>, anchor: number): Float64Array {
  checkAnchor(anchor, 'undifference');
  checkFinite(diffs, 'diffs', 'undifference');
  const out = new Float64Array(diffs.length);
  let sum = anchor;
  let compensation = 0;
  for (let i = 0; i < out.length; i++) {
    const d = diffs[i];
    const t = sum + d;
    compensation += Math.abs(sum) >= Math.abs(d) ? sum - t + d : d - t + sum;
    sum = t;
    out[i] = sum + compensation;
  }
  return out;
}

/**
 * Expresses values relative to an anchor: `out[i] = values[i] - anchor`. With the anchor set to a
 * window's last observation, that observation becomes 0.
 *
 * @param window - Finite values; not modified.
 * @param anchor - Finite reference level, usually `window[window.length - 1]`.
 * @returns A new array, same length.
 * @throws InputError when `anchor` or a value is not finite.
 * @example
 * relativeToLast([5, 7, 6], 6); // Float64Array [-1, 1, 0]
 */
export function relativeToLast(window: ArrayLike<number>, anchor: number): Float64Array {
  checkAnchor(anchor, 'relativeToLast');
  checkFinite(window, 'window', 'relativeToLast');
  const out = new Float64Array(window.length);
  for (let i = 0; i < out.length; i++) out[i] = window[i] - anchor;
  return out;
}

/**
 * Inverts {@link relativeToLast}: `out[i] = values[i] + anchor`.
 *
 * @param values - Finite relative values (e.g. a forecast); not modified.
 * @param anchor - The same finite reference level used by {@link relativeToLast}.
 * @returns A new array, same length.
 * @throws InputError when `anchor` or a value is not finite.
 * @example
 * fromRelative([-1, 1, 0], 6); // Float64Array [5, 7, 6]
 */
export function fromRelative(values: ArrayLike<number>, anchor: number): Float64Array {
  checkAnchor(anchor, 'fromRelative');
  checkFinite(values, 'values', 'fromRelative');
  const out = new Float64Array(values.length);
  for (let i = 0; i < out.length; i++) out[i] = values[i] + anchor;
  return out;
}

function checkAnchor(anchor: number, where: string): void {
  if (typeof anchor !== 'number' || !Number.isFinite(anchor)) {
    throw new InputError(`${where}: anchor must be a finite number, got ${describeValue(anchor)}`, {
      argument: 'anchor',
      value: anchor,
    });
  }
}

function checkFinite(values: ArrayLike<number>, argument: string, where: string): void {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new InputError(`${where}: ${argument} must be an array of numbers, got ${describeValue(values)}`, { argument });
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InputError(`${where}: ${argument}[${i}] must be a finite number, got ${describeValue(v)}`, {
        argument,
        index: i,
        value: v,
      });
    }
  }
}
