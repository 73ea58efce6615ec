/**
 * Shared helpers for the fused-LSTM tests: seeded random arrays and the float64 references.
 */
import seedrandom from 'seedrandom';
import { forecasterForward64, type LstmWeights64 } from '../../model/reference/lstm64';

/** Seeded uniform values in [-scale, scale). */
export function randomArray(length: number, seed: string, scale = 1): Float32Array {
  const rng = seedrandom(seed);
  return Float32Array.from({ length }, () => (rng() * 2 - 1) * scale);
}

/**
 * Hidden states of a stacked LSTM from the float64 reference: [B, T, H] of the last layer when
 * `sequences`, else [B, H] (last step). Steps before the last are read by running the reference
 * on each prefix of the sequence (it returns the last step only) with an identity dense head.
 */
export function referenceLstm64(
  x: ArrayLike<number>,
  B: number,
  T: number,
  D: number,
  layers: readonly LstmWeights64[],
  sequences: boolean,
): Float64Array {
  const H = layers[layers.length - 1].units;
  const identity = { kernel: Float64Array.from({ length: H * H }, (_, i) => (i % (H + 1) === 0 ? 1 : 0)), bias: new Float64Array(H), outDim: H };
  if (!sequences) return forecasterForward64(x, B, T, D, layers, identity);
  const out = new Float64Array(B * T * H);
  for (let t = 1; t <= T; t++) {
    const prefix = new Float64Array(B * t * D);
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < t * D; i++) prefix[b * t * D + i] = x[b * T * D + i];
    }
    const last = forecasterForward64(prefix, B, t, D, layers, identity);
    for (let b = 0; b < B; b++) out.set(last.subarray(b * H, (b + 1) * H), (b * T + t - 1) * H);
  }
  return out;
}

/** Largest absolute difference and the largest magnitude of `expected`. */
export function maxDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): { abs: number; scale: number } {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let abs = 0;
  let scale = 0;
  for (let i = 0; i < actual.length; i++) {
    abs = Math.max(abs, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return { abs, scale };
}
