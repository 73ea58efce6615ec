/**
 * The one validation module: boundary checks shared by every layer. Each throws an
 * {@link InputError} whose message names the argument, the expectation and the value:
 * "units must be a positive integer, got 0".
 *
 * Argument order, everywhere: `(name, value, ...constraints)`.
 *
 * Two families of integer checks exist because their callers have always differed, and messages
 * and accepted ranges must not change: {@link positiveInteger} / {@link nonNegativeInteger}
 * accept safe integers only; {@link assertInteger} / {@link integerAtLeast} accept any integer.
 */
import { InputError, describeValue } from './errors';

/** Largest seed accepted: seeds are used as unsigned 32-bit integers. */
export const MAX_SEED = 2 ** 32 - 1;

/**
 * Throws `InputError("<name> must be <expectation>, got <shown>")`.
 *
 * @param name - Argument name used in the message.
 * @param expectation - What was expected, e.g. `'a positive integer'`.
 * @param value - The offending value (kept in the error's details).
 * @param shown - How the value is written in the message.
 * @defaultValue shown `describeValue(value)`
 * @throws InputError always.
 * @example
 * try { fail('units', 'a positive integer', 0); } catch (e) { e.message; } // => 'units must be a positive integer, got 0'
 */
export function fail(name: string, expectation: string, value: unknown, shown = describeValue(value)): never {
  throw new InputError(`${name} must be ${expectation}, got ${shown}`, { argument: name, value });
}

/**
 * Returns `value` if it is a positive safe integer.
 * @throws InputError "units must be a positive integer, got 0".
 * @example
 * positiveInteger('units', 8); // => 8
 */
export function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    fail(name, 'a positive integer', value);
  }
  return value;
}

/**
 * Returns `value` if it is a non-negative safe integer.
 * @throws InputError "offset must be a non-negative integer, got -1".
 * @example
 * nonNegativeInteger('offset', 0); // => 0
 */
export function nonNegativeInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(name, 'a non-negative integer', value);
  }
  return value;
}

/**
 * Returns `value` if it is a positive finite number.
 * @throws InputError "learningRate must be a positive finite number, got 0".
 * @example
 * positiveFinite('learningRate', 0.001); // => 0.001
 */
export function positiveFinite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(name, 'a positive finite number', value);
  }
  return value;
}

/**
 * Returns `value` if it is a non-negative finite number.
 * @throws InputError "minDelta must be a non-negative finite number, got -1".
 * @example
 * nonNegativeFinite('minDelta', 0); // => 0
 */
export function nonNegativeFinite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(name, 'a non-negative finite number', value);
  }
  return value;
}

/**
 * Returns `value` if it is an integer in `[0, 2^32)`.
 * @throws InputError "seed must be an integer in [0, 4294967295], got -1".
 * @example
 * seedValue('seed', 42); // => 42
 */
export function seedValue(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_SEED) {
    fail(name, `an integer in [0, ${MAX_SEED}]`, value);
  }
  return value;
}

/**
 * Returns `value` if it is a finite number.
 * @throws InputError "seed must be a finite number, got NaN".
 * @example
 * finiteNumber('seed', 7); // => 7
 */
export function finiteNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(name, 'a finite number', value);
  return value;
}

/**
 * Returns `value` if it is a boolean.
 * @throws InputError "shuffle must be a boolean, got 1".
 * @example
 * booleanValue('shuffle', true); // => true
 */
export function booleanValue(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(name, 'a boolean', value);
  return value;
}

/**
 * Returns `value` if it is a finite number in `[0, 1)`, or `(0, 1)` with `allowZero` false.
 *
 * @param name - Argument name used in the message.
 * @param value - The value to check.
 * @param allowZero - Whether `0` is accepted.
 * @defaultValue allowZero `true`
 * @throws InputError "test-fraction must be a number in (0, 1), got 0".
 * @example
 * fraction('val-fraction', 0.1); // => 0.1
 */
export function fraction(name: string, value: unknown, allowZero = true): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1 || (!allowZero && value === 0)) {
    fail(name, `a number in ${allowZero ? '[0, 1)' : '(0, 1)'}`, value);
  }
  return value;
}

/**
 * Asserts that `value` is an integer `>= min` (any integer, not only safe ones).
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
    fail(name, min === 1 ? 'a positive integer' : `an integer >= ${min}`, value);
  }
}

/**
 * Returns `value` after {@link assertInteger}: an integer `>= min`.
 * @throws InputError as {@link assertInteger}.
 * @example
 * integerAtLeast('lookback', 24, 1); // => 24
 */
export function integerAtLeast(name: string, value: unknown, min: number): number {
  assertInteger(name, value, min);
  return value;
}

/**
 * Asserts that `value` is an integer in `[min, max]`.
 *
 * @param name - Argument name used in the message.
 * @param value - Value to check.
 * @param min - Smallest allowed value.
 * @param max - Largest allowed value.
 * @throws InputError "maxLag must be an integer in [0, 9], got 10".
 * @example
 * assertIntegerInRange('maxLag', 5, 0, 9); // ok
 */
export function assertIntegerInRange(name: string, value: unknown, min: number, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(name, `an integer in [${min}, ${max}]`, value);
  }
}

/**
 * Asserts that `value` is a non-empty string.
 * @throws InputError "series[0].name must be a non-empty string, got \"\"".
 * @example
 * assertName('series[0].name', 'load'); // ok
 */
export function assertName(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) fail(name, 'a non-empty string', value);
}

/**
 * Asserts that `value` is a string (possibly empty).
 * @throws InputError "sections[0].html must be a string, got 3".
 * @example
 * assertString('sections[0].html', '<p>ok</p>'); // ok
 */
export function assertString(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') fail(name, 'a string', value);
}

/**
 * Asserts that `value` is `undefined` or a string.
 * @throws InputError "title must be a string, got 3".
 * @example
 * assertOptionalString('title', 'Load'); // ok
 */
export function assertOptionalString(name: string, value: unknown): asserts value is string | undefined {
  if (value !== undefined) assertString(name, value);
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
export function assertFiniteSeries(name: string, values: unknown, minLength = 1): asserts values is ArrayLike<number> {
  if (values === null || typeof values !== 'object' || typeof (values as { length?: unknown }).length !== 'number') {
    fail(name, 'an array-like of numbers', values);
  }
  const series = values as ArrayLike<unknown>;
  if (series.length < minLength) {
    const noun = minLength === 1 ? 'value' : 'values';
    throw new InputError(`${name} must have at least ${minLength} ${noun}, got ${series.length}`, {
      argument: name,
      value: series.length,
    });
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
export function assertSameLength(nameA: string, a: ArrayLike<unknown>, nameB: string, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) {
    throw new InputError(`${nameA} and ${nameB} must have the same length, got ${a.length} and ${b.length}`, {
      argument: `${nameA}, ${nameB}`,
      value: [a.length, b.length],
    });
  }
}

/**
 * Asserts that a length equals the length of something else, named in the message.
 *
 * @param name - Argument name used in the message.
 * @param actual - Its length.
 * @param expected - Required length.
 * @param expectedName - What the required length comes from, e.g. `'time'`.
 * @throws InputError "values must have the same length as time (3), got 2".
 * @example
 * assertLength('values', 3, 3, 'time'); // ok
 */
export function assertLength(name: string, actual: number, expected: number, expectedName: string): void {
  if (actual !== expected) {
    throw new InputError(`${name} must have the same length as ${expectedName} (${expected}), got ${actual}`, {
      argument: name,
      value: actual,
    });
  }
}
