import { expect } from 'vitest';
import { InputError } from '../../src/errors';

/** Runs `fn`, checks it throws an InputError, and returns it (for message and details checks). */
export function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError, nothing was thrown');
}

/** Checks `fn` throws an InputError whose message is exactly `message`. */
export function expectInputError(fn: () => unknown, message: string): void {
  expect(inputError(fn).message).toBe(message);
}

/** Awaits `promise`, checks it rejects with an InputError, and returns it. */
export async function inputRejection(promise: Promise<unknown>): Promise<InputError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}
