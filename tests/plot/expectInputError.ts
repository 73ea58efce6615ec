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
