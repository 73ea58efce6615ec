import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SHUFFLE_SEED,
  batches,
  countBatches,
  sequentialOrder,
  shuffledOrder,
  type BatchOptions,
} from '../../src/data/batches';
import type { SupervisedSet } from '../../src/data/types';
import { makeWindowSet } from '../../src/data/window';
import { expectInputError } from './helpers';

/** A set whose sample i has x = [i, i + 0.5] (lookback 2, one feature) and y = [-i]. */
function probeSet(size: number): SupervisedSet & { calls: number } {
  const set = {
    size,
    lookback: 2,
    numFeatures: 1,
    horizon: 1,
    numTargets: 1,
    calls: 0,
    fill(indices: ArrayLike<number>, x: Float32Array, y: Float32Array): void {
      set.calls++;
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k];
        if (!Number.isInteger(i) || i < 0 || i >= size) throw new RangeError(`bad index ${i}`);
        x[2 * k] = i;
        x[2 * k + 1] = i + 0.5;
        y[k] = -i;
      }
    },
  };
  return set;
}

/** `permutation(10, 42, 1)` of the training loop before the two shuffles were merged. */
const PINNED_42_1 = [5, 1, 3, 7, 6, 0, 8, 4, 9, 2];

const collect = (set: SupervisedSet, options: BatchOptions) => Array.from(batches(set, options));

describe('batches', () => {
  it('iterates in order by default with a last partial batch', () => {
    const out = collect(probeSet(7), { batchSize: 3 });
    expect(out.map((b) => b.size)).toEqual([3, 3, 1]);
    expect(out.map((b) => Array.from(b.indices))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(Array.from(out[2].x)).toEqual([6, 6.5]);
    expect(Array.from(out[2].y)).toEqual([-6]);
    expect(Array.from(out[0].x)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(out[0].x.length).toBe(3 * 2 * 1);
  });

  it('drops the remainder when asked', () => {
    const out = collect(probeSet(7), { batchSize: 3, dropRemainder: true });
    expect(out.map((b) => b.size)).toEqual([3, 3]);
    expect(countBatches(7, 3, true)).toBe(2);
    expect(countBatches(7, 3)).toBe(3);
    expect(countBatches(6, 3)).toBe(2);
  });

  it('shuffles reproducibly: same seed and epoch give the same order', () => {
    const a = collect(probeSet(50), { batchSize: 8, shuffle: true, seed: 3, epoch: 1 }).flatMap((b) => Array.from(b.indices));
    const b = collect(probeSet(50), { batchSize: 8, shuffle: true, seed: 3, epoch: 1 }).flatMap((b) => Array.from(b.indices));
    expect(a).toEqual(b);
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('different epochs and seeds give different orders; the default seed is documented', () => {
    const order = (o: Partial<BatchOptions>) => collect(probeSet(50), { batchSize: 8, shuffle: true, ...o }).flatMap((b) => Array.from(b.indices));
    expect(order({ epoch: 0 })).not.toEqual(order({ epoch: 1 }));
    expect(order({ seed: 1 })).not.toEqual(order({ seed: 2 }));
    expect(DEFAULT_SHUFFLE_SEED).toBe(42);
    expect(order({})).toEqual(order({ seed: 42, epoch: 0 }));
  });

  it('visits samples in shuffledOrder(size, seed, epoch), the order trainModel uses', () => {
    const indices = collect(probeSet(23), { batchSize: 5, shuffle: true, seed: 9, epoch: 2 }).flatMap((b) => Array.from(b.indices));
    expect(indices).toEqual(Array.from(shuffledOrder(23, 9, 2)));
  });

  it('visits every sample exactly once per epoch, and x/y match the indices', () => {
    for (const epoch of [0, 1, 2]) {
      const seen: number[] = [];
      for (const batch of batches(probeSet(23), { batchSize: 5, shuffle: true, seed: 9, epoch })) {
        batch.indices.forEach((i, k) => {
          expect(batch.x[2 * k]).toBe(i);
          expect(batch.y[k]).toBe(-i);
        });
        seen.push(...batch.indices);
      }
      expect(seen.slice().sort((p, q) => p - q)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    }
  });

  it('fills lazily, one batch per step, into fresh arrays', () => {
    const set = probeSet(10);
    const it = batches(set, { batchSize: 4 });
    expect(set.calls).toBe(0);
    const first = it.next().value!;
    expect(set.calls).toBe(1);
    const second = it.next().value!;
    expect(second.x).not.toBe(first.x);
    expect(Array.from(first.indices)).toEqual([0, 1, 2, 3]); // not overwritten by the second batch
    expect(first.x[0]).toBe(0);
  });

  it('works with a real window set', () => {
    const y = Float64Array.from({ length: 12 }, (_, i) => i);
    const set = makeWindowSet([y], [y], { lookback: 3, horizon: 2 });
    const out = collect(set, { batchSize: 4 });
    // origins 2..9: 8 samples
    expect(out.map((b) => b.size)).toEqual([4, 4]);
    expect(Array.from(out[1].x)).toEqual([4, 5, 6, 5, 6, 7, 6, 7, 8, 7, 8, 9]);
    expect(Array.from(out[1].y)).toEqual([7, 8, 8, 9, 9, 10, 10, 11]);
  });

  it('yields nothing for an empty set', () => {
    expect(collect(probeSet(0), { batchSize: 4 })).toEqual([]);
  });

  it.each<[Partial<BatchOptions>, string]>([
    [{ batchSize: 0 }, 'batchSize must be a positive integer, got 0'],
    [{ batchSize: 2.5 }, 'batchSize must be a positive integer, got 2.5'],
    [{ batchSize: 2, seed: NaN }, 'seed must be a finite number, got NaN'],
    [{ batchSize: 2, epoch: -1 }, 'epoch must be a non-negative integer, got -1'],
    [{ batchSize: 2, shuffle: 1 as unknown as boolean }, 'shuffle must be a boolean, got 1'],
    [{ batchSize: 2, dropRemainder: 'no' as unknown as boolean }, 'dropRemainder must be a boolean, got "no"'],
  ])('rejects %j eagerly, before iteration', (options, message) => {
    expectInputError(() => batches(probeSet(3), options as BatchOptions), message);
  });

});

describe('shuffledOrder', () => {
  it('is a seeded permutation: same (seed, epoch), same order; either changed, another order', () => {
    const p = shuffledOrder(50, 7, 1);
    expect(p).toBeInstanceOf(Uint32Array);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from(sequentialOrder(50)));
    expect(shuffledOrder(50, 7, 1)).toEqual(p);
    expect(shuffledOrder(50, 7, 2)).not.toEqual(p);
    expect(shuffledOrder(50, 8, 1)).not.toEqual(p);
  });

  it('is pinned: Fisher-Yates over seedrandom("<seed>:<epoch>"), stable across releases', () => {
    // Pinned values: a change here changes every seeded training run.
    expect(Array.from(shuffledOrder(10, 42, 1))).toEqual(PINNED_42_1);
    expect(Array.from(shuffledOrder(1, 3, 0))).toEqual([0]);
    expect(Array.from(shuffledOrder(0, 3, 0))).toEqual([]);
  });

  it('returns fresh arrays', () => {
    expect(shuffledOrder(5, 1, 1)).not.toBe(shuffledOrder(5, 1, 1));
    expect(sequentialOrder(3)).toEqual(Uint32Array.from([0, 1, 2]));
  });

  it.each<[() => unknown, string]>([
    [() => shuffledOrder(-1, 1, 0), 'size must be a non-negative integer, got -1'],
    [() => shuffledOrder(2.5, 1, 0), 'size must be a non-negative integer, got 2.5'],
    [() => shuffledOrder(3, NaN, 0), 'seed must be a finite number, got NaN'],
    [() => shuffledOrder(3, 1, -1), 'epoch must be a non-negative integer, got -1'],
    [() => sequentialOrder(-1), 'size must be a non-negative integer, got -1'],
  ])('rejects bad arguments (%#)', (call, message) => {
    expectInputError(call, message);
  });
});
