import type { NumericInput } from './types';
import { fail } from '../validate';

/** How {@link toPlotValues} treats `NaN`. */
export interface PlotValuesOptions {
  /**
   * `true`: `NaN` becomes `null`, a gap in the line; `false`: `NaN` throws.
   * @defaultValue {@link DEFAULT_ALLOW_NAN}
   */
  readonly allowNaN?: boolean;
}

/**
 * Whether `NaN` is accepted (as a gap) by default.
 * @defaultValue `true`
 */
export const DEFAULT_ALLOW_NAN = true;

/**
 * Validates numeric values and copies them into a JSON-safe array for a trace.
 *
 * @param argument - Argument name used in error messages.
 * @param values - Numbers; not mutated.
 * @param options - See {@link PlotValuesOptions}.
 * @returns A new array of the same length; `NaN` becomes `null`.
 * @throws InputError when `values` is not an array or typed array, an element is not a number,
 *   an element is infinite, or an element is `NaN` and `allowNaN` is false.
 * @example
 * toPlotValues('values', [1, NaN, 3]); // [1, null, 3]
 */
export function toPlotValues(argument: string, values: NumericInput, options: PlotValuesOptions = {}): Array<number | null> {
  const allowNaN = options.allowNaN ?? DEFAULT_ALLOW_NAN;
  if (!Array.isArray(values) && !(values instanceof Float64Array) && !(values instanceof Float32Array)) {
    fail(argument, 'an array, a Float64Array or a Float32Array', values);
  }
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v: unknown = values[i];
    if (typeof v !== 'number' || v === Infinity || v === -Infinity || (Number.isNaN(v) && !allowNaN)) {
      const expected = allowNaN ? 'a finite number or NaN' : 'a finite number';
      fail(`${argument}[${i}]`, expected, v);
    }
    out[i] = Number.isNaN(v) ? null : v;
  }
  return out;
}
