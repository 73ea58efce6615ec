/**
 * Mini-batches over a {@link SupervisedSet}: optional seeded shuffling, materialised lazily.
 */
import seedrandom from 'seedrandom';
import { InputError, describeValue } from '../errors';
import { booleanValue, fail, finiteNumber, integerAtLeast } from '../validate';
import type { Batch, SupervisedSet } from './types';

/** Options of {@link batches}. */
export interface BatchOptions {
  /** Samples per batch, a positive integer. */
  readonly batchSize: number;
  /** Shuffle the sample order (Fisher-Yates) each epoch. @defaultValue `false` */
  readonly shuffle?: boolean;
  /** Seed of the shuffle, a finite number. @defaultValue {@link DEFAULT_SHUFFLE_SEED} */
  readonly seed?: number;
  /**
   * Epoch number, a non-negative integer, mixed into the seed: each epoch gets a different order,
   * and the same `(seed, epoch)` always gives the same order.
   * @defaultValue `0`
   */
  readonly epoch?: number;
  /** Skip the last batch when it has fewer than `batchSize` samples. @defaultValue `false` */
  readonly dropRemainder?: boolean;
}

/** A {@link Batch} that also says which samples it holds. */
export interface IndexedBatch extends Batch {
  /** Sample indices (into the set) of the batch's rows, in row order; length `size`. */
  readonly indices: Uint32Array;
}

/**
 * Seed used when shuffling without an explicit `seed`, so that runs are reproducible by default.
 * @defaultValue `42`
 */
export const DEFAULT_SHUFFLE_SEED = 42;

/**
 * The seeded sample order of one epoch: a permutation of `0 .. size - 1`.
 *
 * Fisher-Yates from the last position down, driven by `seedrandom`'s ARC4 generator seeded with
 * the string `"<seed>:<epoch>"`, so the same `(size, seed, epoch)` gives the same order on every
 * run and platform. This is the one shuffle of the library: {@link batches} (with `shuffle`) and
 * `trainModel` both visit samples in this order.
 *
 * @param size - Number of samples, a non-negative integer.
 * @param seed - A finite number (`trainModel` accepts integers in `[0, 2^32)`).
 * @param epoch - A non-negative integer mixed into the seed, so each epoch gets its own order.
 * @returns A new `Uint32Array` of length `size` holding each of `0 .. size - 1` once.
 * @throws InputError for a bad `size`, `seed` or `epoch`, naming it and the value.
 * @example
 * const order = shuffledOrder(5, 42, 1); // the same on every run and platform
 * Array.from(order).sort();             // => [0, 1, 2, 3, 4]
 */
export function shuffledOrder(size: number, seed: number, epoch: number): Uint32Array {
  const order = sequentialOrder(size);
  const random = seedrandom(`${finiteNumber('seed', seed)}:${checkEpoch(epoch)}`);
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  return order;
}

/**
 * The unshuffled sample order `0, 1, ..., size - 1`.
 *
 * @param size - Number of samples, a non-negative integer.
 * @returns A new `Uint32Array` of length `size`.
 * @throws InputError for a bad `size`.
 * @example
 * sequentialOrder(3); // Uint32Array [0, 1, 2]
 */
export function sequentialOrder(size: number): Uint32Array {
  checkSize(size);
  const order = new Uint32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  return order;
}

/**
 * Number of batches {@link batches} yields for `size` samples.
 *
 * @param size - Number of samples, a non-negative integer.
 * @param batchSize - A positive integer.
 * @param dropRemainder - Whether a last partial batch is skipped. @defaultValue `false`
 * @returns `floor(size / batchSize)` with `dropRemainder`, else `ceil(size / batchSize)`.
 * @throws InputError for a bad `size` or `batchSize`.
 * @example
 * countBatches(10, 4);       // 3
 * countBatches(10, 4, true); // 2
 */
export function countBatches(size: number, batchSize: number, dropRemainder = false): number {
  checkSize(size);
  integerAtLeast('batchSize', batchSize, 1);
  return dropRemainder ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);
}

/**
 * Iterates over one epoch of `set` in mini-batches.
 *
 * Samples are visited in {@link sequentialOrder}, or in {@link shuffledOrder} of `(seed, epoch)`
 * with `shuffle`; consecutive runs of `batchSize` of them form a batch
 * (the last one smaller unless `dropRemainder`), so every sample appears exactly once per epoch
 * (with `dropRemainder`, the last `size % batchSize` of the order are skipped).
 *
 * Each batch is filled lazily when the iterator reaches it, into fresh arrays: batches may be kept
 * or handed to `tf.tensor` without being overwritten by the next one. Memory is O(batch).
 *
 * Options are validated when `batches` is called, not on the first `next()`.
 *
 * @param set - The samples; not modified.
 * @param options - See {@link BatchOptions}.
 * @returns A generator of {@link IndexedBatch}: `x` of shape `[size, lookback, numFeatures]` and
 *   `y` of shape `[size, horizon, numTargets]`, row-major, Float32.
 * @throws InputError for a bad option (naming it and the value).
 * @example
 * for (const batch of batches(set, { batchSize: 32, shuffle: true, seed: 7, epoch })) {
 *   const xs = tf.tensor3d(batch.x, [batch.size, set.lookback, set.numFeatures]);
 *   // ...
 * }
 */
export function batches(set: SupervisedSet, options: BatchOptions): Generator<IndexedBatch, void, undefined> {
  const { batchSize, shuffle, seed, epoch, dropRemainder } = resolve(options);
  const order = shuffle ? shuffledOrder(set.size, seed, epoch) : sequentialOrder(set.size);
  return generate(set, order, batchSize, dropRemainder);
}

function* generate(
  set: SupervisedSet,
  order: Uint32Array,
  batchSize: number,
  dropRemainder: boolean,
): Generator<IndexedBatch, void, undefined> {
  const xPer = set.lookback * set.numFeatures;
  const yPer = set.horizon * set.numTargets;
  for (let start = 0; start < order.length; start += batchSize) {
    const size = Math.min(batchSize, order.length - start);
    if (size < batchSize && dropRemainder) return;
    const indices = order.slice(start, start + size);
    const x = new Float32Array(size * xPer);
    const y = new Float32Array(size * yPer);
    set.fill(indices, x, y);
    yield { x, y, size, indices };
  }
}

interface Resolved {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly epoch: number;
  readonly dropRemainder: boolean;
}

// Any integer, not only safe ones (unlike `nonNegativeInteger` in src/validate.ts), as before.
function checkSize(size: unknown): number {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) fail('size', 'a non-negative integer', size);
  return size;
}

function checkEpoch(epoch: unknown): number {
  if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0) fail('epoch', 'a non-negative integer', epoch);
  return epoch;
}

function resolve(options: BatchOptions): Resolved {
  if (typeof options !== 'object' || options === null) {
    throw new InputError(`options must be an object, got ${describeValue(options)}`, { argument: 'options' });
  }
  const batchSize = integerAtLeast('batchSize', options.batchSize, 1);
  const { shuffle = false, seed = DEFAULT_SHUFFLE_SEED, epoch = 0, dropRemainder = false } = options;
  booleanValue('shuffle', shuffle);
  finiteNumber('seed', seed);
  checkEpoch(epoch);
  if (typeof dropRemainder !== 'boolean') {
    throw new InputError(`dropRemainder must be a boolean, got ${describeValue(dropRemainder)}`, {
      argument: 'dropRemainder',
      value: dropRemainder,
    });
  }
  return { batchSize, shuffle, seed, epoch, dropRemainder };
}
