import type { NumericInput } from './types';
import { InputError, describeValue } from '../errors';

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
 * @param values - Numbers; not mutated.
 * @param argument - Argument name used in error messages.
 * @param options - See {@link PlotValuesOptions}.
 * @returns A new array of the same length; `NaN` becomes `null`.
 * @throws InputError when `values` is not an array or typed array, an element is not a number,
 *   an element is infinite, or an element is `NaN` and `allowNaN` is false.
 * @example
 * toPlotValues([1, NaN, 3], 'values'); // [1, null, 3]
 */
export function toPlotValues(values: NumericInput, argument: string, options: PlotValuesOptions = {}): Array<number | null> {
  const allowNaN = options.allowNaN ?? DEFAULT_ALLOW_NAN;
  if (!Array.isArray(values) && !(values instanceof Float64Array) && !(values instanceof Float32Array)) {
    throw new InputError(`${argument} must be an array, a Float64Array or a Float32Array, got ${describeValue(values)}`, {
      argument,
      value: values,
    });
  }
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v: unknown = values[i];
    if (typeof v !== 'number' || v === Infinity || v === -Infinity || (Number.isNaN(v) && !allowNaN)) {
      const expected = allowNaN ? 'a finite number or NaN' : 'a finite number';
      throw new InputError(`${argument}[${i}] must be ${expected}, got ${describeValue(v)}`, {
        argument: `${argument}[${i}]`,
        value: v,
      });
    }
    out[i] = Number.isNaN(v) ? null : v;
  }
  return out;
}

/**
 * Checks that an array has the expected length.
 *
 * @param argument - Argument name used in the message.
 * @param actual - Its length.
 * @param expected - Required length.
 * @param expectedName - What the required length comes from, e.g. `'time'`.
 * @throws InputError when the lengths differ.
 * @example
 * assertLength('values', 3, 3, 'time'); // ok
 */
export function assertLength(argument: string, actual: number, expected: number, expectedName: string): void {
  if (actual !== expected) {
    throw new InputError(`${argument} must have the same length as ${expectedName} (${expected}), got ${actual}`, {
      argument,
      value: actual,
    });
  }
}

/**
 * Checks that a value is an integer in `[min, max]`.
 *
 * @param argument - Argument name used in the message.
 * @param value - Value to check.
 * @param min - Smallest allowed value.
 * @param max - Largest allowed value.
 * @throws InputError when `value` is not an integer in `[min, max]`.
 * @example
 * assertIntegerInRange('maxLag', 5, 0, 9); // ok
 */
export function assertIntegerInRange(argument: string, value: unknown, min: number, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`${argument} must be an integer in [${min}, ${max}], got ${describeValue(value)}`, {
      argument,
      value,
    });
  }
}

/**
 * Checks that a value is a non-empty string.
 *
 * @param argument - Argument name used in the message.
 * @param value - Value to check.
 * @throws InputError when `value` is not a non-empty string.
 * @example
 * assertName('series[0].name', 'load'); // ok
 */
export function assertName(argument: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InputError(`${argument} must be a non-empty string, got ${describeValue(value)}`, { argument, value });
  }
}

/**
 * Checks that an optional title is a string.
 *
 * @param value - `undefined` or a string.
 * @param argument - Argument name used in the message.
 * @throws InputError when `value` is neither.
 * @example
 * assertOptionalTitle('Load', 'title'); // ok
 */
export function assertOptionalTitle(value: unknown, argument = 'title'): asserts value is string | undefined {
  if (value !== undefined && typeof value !== 'string') {
    throw new InputError(`${argument} must be a string, got ${describeValue(value)}`, { argument, value });
  }
}
