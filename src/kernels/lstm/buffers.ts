/**
 * Memory reuse between a fused forward pass and its backward pass: a small pool of the large
 * per-call arrays (cell states and gates, [B, T, H] and [B, T, 4H]) that only the kernel reads,
 * and the rule that one saved forward pass feeds exactly one backward pass.
 *
 * Why: a training step of a 2-layer model allocates tens of MB of such arrays; left to the
 * garbage collector they cost a collection per batch or two (measured with `--trace-gc`, config M),
 * and V8's concurrent GC threads compete with the kernel's two threads for the two cores.
 */
import type { LstmSaved } from './types';

/**
 * Arrays a pool keeps at most: per layer of a training step up to 6 (cell states and gates; with
 * transient calls also copies of x, kernel, recurrent and h), for a few layers.
 */
const MAX_POOLED = 24;

/**
 * Recycles Float32Arrays by length. Arrays taken from the pool hold stale values: callers
 * overwrite every element.
 */
export class Float32Pool {
  private readonly free: Float32Array[] = [];

  /**
   * An array of `length` elements: a recycled one when the pool has one, else a new one.
   * @example
   * const gates = pool.take(B * T * 4 * H); // contents arbitrary
   */
  take(length: number): Float32Array {
    const i = this.free.findIndex((a) => a.length === length);
    return i >= 0 ? this.free.splice(i, 1)[0] : new Float32Array(length);
  }

  /** Returns arrays nobody else references to the pool (the oldest are dropped beyond 24). */
  give(...arrays: Float32Array[]): void {
    this.free.push(...arrays);
    if (this.free.length > MAX_POOLED) this.free.splice(0, this.free.length - MAX_POOLED);
  }
}

const consumed = new WeakSet<LstmSaved>();

/**
 * Marks `saved` as used by a backward pass (which may overwrite or recycle its arrays).
 * @throws Error when `saved` already fed a backward pass: run the forward pass again.
 */
export function consumeSaved(saved: LstmSaved): void {
  if (consumed.has(saved)) {
    throw new Error('this forward pass was already used by a backward pass (its saved values are consumed); run forward again');
  }
  consumed.add(saved);
}
