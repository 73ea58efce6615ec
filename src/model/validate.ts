/**
 * Boundary checks shared by the model files. Each throws an `InputError` whose message names the
 * argument, the expectation and the value: "units must be a positive integer, got 0".
 * Internal to `src/model` (not re-exported by the barrel).
 */
import { InputError, describeValue } from '../errors';

/** Largest seed accepted: seeds are used as unsigned 32-bit integers. */
export const MAX_SEED = 2 ** 32 - 1;

/**
 * Throws `InputError("<name> must be <expectation>, got <value>")`.
 * @throws InputError always.
 */
export function fail(name: string, expectation: string, value: unknown): never {
  throw new InputError(`${name} must be ${expectation}, got ${describeValue(value)}`, {
    argument: name,
    value,
  });
}

/** Returns `value` if it is a positive safe integer. @throws InputError otherwise. */
export function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    fail(name, 'a positive integer', value);
  }
  return value;
}

/** Returns `value` if it is a non-negative safe integer. @throws InputError otherwise. */
export function nonNegativeInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(name, 'a non-negative integer', value);
  }
  return value;
}

/** Returns `value` if it is a positive finite number. @throws InputError otherwise. */
export function positiveFinite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(name, 'a positive finite number', value);
  }
  return value;
}

/** Returns `value` if it is a non-negative finite number. @throws InputError otherwise. */
export function nonNegativeFinite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(name, 'a non-negative finite number', value);
  }
  return value;
}

/** Returns `value` if it is an integer in `[0, 2^32)`. @throws InputError otherwise. */
export function seedValue(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_SEED) {
    fail(name, `an integer in [0, ${MAX_SEED}]`, value);
  }
  return value;
}

/** Returns `value` if it is a boolean. @throws InputError otherwise. */
export function booleanValue(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(name, 'a boolean', value);
  return value;
}
