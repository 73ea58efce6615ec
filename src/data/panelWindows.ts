/**
 * Windows across the series of a panel: one lazy supervised set made of one set per series, so
 * that a global model trains on samples of every series while memory stays O(data + batch).
 */
import { InputError } from '../errors';
import type { SupervisedSet } from './types';

/** A {@link SupervisedSet} made of several, with the part each sample comes from. */
export interface ConcatenatedSet extends SupervisedSet {
  /** The parts, in order. */
  readonly parts: readonly SupervisedSet[];
  /** `starts[p]`: index of part `p`'s first sample; `starts[parts.length] = size`. */
  readonly starts: Int32Array;
  /** Which part sample `i` comes from. */
  partOf(i: number): number;
}

/**
 * Concatenates supervised sets of the same shape: sample `i` is sample `i - starts[p]` of part
 * `p`, where `starts[p] <= i < starts[p + 1]`. Nothing is copied; `fill` asks each part for its
 * samples (so the result is as lazy as its parts).
 *
 * @param parts - At least one set; all with the same `lookback`, `numFeatures`, `horizon` and
 *   `numTargets`. Parts of size 0 are allowed.
 * @returns The concatenated set, of size the sum of the parts' sizes.
 * @throws InputError for no parts or parts of different shapes (naming the part and both shapes).
 * @example
 * const a = makeWindowSet([Float64Array.of(1, 2, 3, 4)], [Float64Array.of(1, 2, 3, 4)], { lookback: 2, horizon: 1 });
 * const b = makeWindowSet([Float64Array.of(5, 6, 7)], [Float64Array.of(5, 6, 7)], { lookback: 2, horizon: 1 });
 * const both = concatSets([a, b]);
 * [both.size, both.partOf(2)]; // => [3, 1]
 */
export function concatSets(parts: readonly SupervisedSet[]): ConcatenatedSet {
  if (!Array.isArray(parts) || parts.length === 0) {
    throw new InputError('concatSets needs at least one set', { argument: 'parts' });
  }
  const first = parts[0];
  const shape = (s: SupervisedSet): string => `[${s.lookback}, ${s.numFeatures}] -> [${s.horizon}, ${s.numTargets}]`;
  parts.forEach((p, i) => {
    if (p.lookback !== first.lookback || p.numFeatures !== first.numFeatures || p.horizon !== first.horizon || p.numTargets !== first.numTargets) {
      throw new InputError(`set ${i} has shape ${shape(p)}, set 0 has ${shape(first)}`, { argument: 'parts', index: i });
    }
  });
  const starts = new Int32Array(parts.length + 1);
  parts.forEach((p, i) => {
    starts[i + 1] = starts[i] + p.size;
  });
  const size = starts[parts.length];
  const xSize = first.lookback * first.numFeatures;
  const ySize = first.horizon * first.numTargets;
  const partOf = (i: number): number => {
    if (!Number.isInteger(i) || i < 0 || i >= size) throw new RangeError(`sample index must be in [0, ${size}), got ${i}`);
    let lo = 0;
    let hi = parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const local = new Int32Array(1);
  return {
    size,
    lookback: first.lookback,
    numFeatures: first.numFeatures,
    horizon: first.horizon,
    numTargets: first.numTargets,
    parts,
    starts,
    partOf,
    fill(indices, x, y) {
      for (let k = 0; k < indices.length; k++) {
        const p = partOf(indices[k]);
        local[0] = indices[k] - starts[p];
        parts[p].fill(local, x.subarray(k * xSize, (k + 1) * xSize), y.subarray(k * ySize, (k + 1) * ySize));
      }
    },
  };
}
