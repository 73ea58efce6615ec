/**
 * Helpers for the model tests: shared assertions, a series builder, and the fixtures.
 */
import type { TimeSeries } from '../../src/data/types';

export * from './fixtures';

export { expectInputError, expectInputErrorAsync } from '../helpers/expectInputError';

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
