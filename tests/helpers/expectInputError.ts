import { expect } from 'vitest';
import { InputError } from '../../src/errors';

/** Asserts that `fn` throws an InputError whose message is exactly `message`. */
export function expectInputError(fn: () => unknown, message: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InputError);
  expect((thrown as Error).message).toBe(message);
}

/** Async version of {@link expectInputError}; `message` may be a RegExp. Returns the error. */
export async function expectInputErrorAsync(fn: () => Promise<unknown>, message: string | RegExp): Promise<InputError> {
  let thrown: unknown;
  try {
    await fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InputError);
  if (typeof message === 'string') expect((thrown as Error).message).toBe(message);
  else expect((thrown as Error).message).toMatch(message);
  return thrown as InputError;
}
