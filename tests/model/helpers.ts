import type { TimeSeries } from '../../src/data/types';
/**
 * Assertion helpers for the model tests; re-exports the fixtures.
 */
import { expect } from 'vitest';
import { InputError } from '../../src/errors';

export * from './fixtures';

/** Asserts that `fn` throws an InputError with exactly `message`. */
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

/** Async version of {@link expectInputError}; `message` may be a RegExp. */
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

/** A numeric-time series from `columns` (name -> values); the first `numTargets` columns are targets. */
export function makeSeries(columns: Record<string, ArrayLike<number>>, numTargets = 1, source = 'memory'): TimeSeries {
  const names = Object.keys(columns);
  const length = columns[names[0]].length;
  const values: Record<string, Float64Array> = {};
  for (const name of names) values[name] = Float64Array.from(columns[name]);
  return {
    timeColumn: 't',
    timeKind: 'number',
    time: Float64Array.from({ length }, (_, i) => i),
    targets: names.slice(0, numTargets),
    features: names.slice(numTargets),
    columns: names,
    values,
    length,
    source,
  };
}
