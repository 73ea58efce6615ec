/**
 * Boundary checks shared by the evaluation layer. Every failure is an {@link InputError} whose
 * message names the argument, the expectation and the offending value.
 */
import { InputError, describeValue } from '../errors';

/**
 * Asserts that `value` is an integer `>= min`.
 *
 * @param name - Argument name used in the message, e.g. `'season'`.
 * @param value - The value to check (any type: callers pass untrusted input).
 * @param min - Smallest allowed value (inclusive).
 * @throws {@link InputError} "season must be a positive integer, got 0" (for `min === 1`), or
 *   "season must be an integer >= 2, got 1" otherwise.
 * @example
 * assertInteger('horizon', 12, 1); // ok
 */
export function assertInteger(name: string, value: unknown, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const expectation = min === 1 ? 'a positive integer' : `an integer >= ${min}`;
    throw new InputError(`${name} must be ${expectation}, got ${describeValue(value)}`, {
      argument: name,
      value,
    });
  }
}

/**
 * Asserts that `values` is a non-empty array-like of finite numbers.
 *
 * @param name - Argument name used in the message, e.g. `'actual'`.
 * @param values - The values to check.
 * @param minLength - Smallest allowed length.
 * @defaultValue minLength 1
 * @throws {@link InputError} when `values` is not array-like ("actual must be an array-like of
 *   numbers, got 3"), is shorter than `minLength` ("actual must have at least 1 value, got 0"),
 *   or holds a non-finite entry ("actual[2] must be a finite number, got NaN").
 * @example
 * assertFiniteSeries('actual', [1, 2, 3]); // ok
 */
export function assertFiniteSeries(
  name: string,
  values: unknown,
  minLength = 1,
): asserts values is ArrayLike<number> {
  if (
    values === null ||
    typeof values !== 'object' ||
    typeof (values as { length?: unknown }).length !== 'number'
  ) {
    throw new InputError(`${name} must be an array-like of numbers, got ${describeValue(values)}`, {
      argument: name,
      value: values,
    });
  }
  const series = values as ArrayLike<unknown>;
  if (series.length < minLength) {
    const noun = minLength === 1 ? 'value' : 'values';
    throw new InputError(
      `${name} must have at least ${minLength} ${noun}, got ${series.length}`,
      { argument: name, value: series.length },
    );
  }
  for (let i = 0; i < series.length; i++) {
    const v = series[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InputError(`${name}[${i}] must be a finite number, got ${describeValue(v)}`, {
        argument: name,
        index: i,
        value: v,
      });
    }
  }
}

/**
 * Asserts that two array-likes have the same length.
 *
 * @param nameA - Name of the first argument.
 * @param a - First array-like.
 * @param nameB - Name of the second argument.
 * @param b - Second array-like.
 * @throws {@link InputError} "actual and predicted must have the same length, got 5 and 4".
 * @example
 * assertSameLength('actual', [1, 2], 'predicted', [1, 2]); // ok
 */
export function assertSameLength(
  nameA: string,
  a: ArrayLike<unknown>,
  nameB: string,
  b: ArrayLike<unknown>,
): void {
  if (a.length !== b.length) {
    throw new InputError(
      `${nameA} and ${nameB} must have the same length, got ${a.length} and ${b.length}`,
      { argument: `${nameA}, ${nameB}`, value: [a.length, b.length] },
    );
  }
}
