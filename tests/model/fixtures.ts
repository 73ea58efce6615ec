/**
 * Tiny in-memory fixtures for the model tests and benchmarks (independent of src/data's windowing).
 * No vitest import here, so scripts can use them.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import type { SupervisedSet } from '../../src/data/types';

export interface SetDims {
  readonly size: number;
  readonly lookback: number;
  readonly numFeatures: number;
  readonly horizon: number;
  readonly numTargets: number;
}

/** A SupervisedSet over explicit row-major arrays `x: [size, lookback, numFeatures]`, `y: [size, horizon, numTargets]`. */
export function arraySet(x: Float32Array, y: Float32Array, dims: SetDims): SupervisedSet {
  const xSize = dims.lookback * dims.numFeatures;
  const ySize = dims.horizon * dims.numTargets;
  if (x.length !== dims.size * xSize || y.length !== dims.size * ySize) throw new Error('bad fixture');
  return {
    ...dims,
    fill(indices, xOut, yOut) {
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k];
        if (!(i >= 0 && i < dims.size)) throw new RangeError(`index ${i} outside [0, ${dims.size})`);
        xOut.set(x.subarray(i * xSize, (i + 1) * xSize), k * xSize);
        yOut.set(y.subarray(i * ySize, (i + 1) * ySize), k * ySize);
      }
    },
  };
}

/** Seeded uniform values in [-scale, scale). */
export function randomArray(length: number, seed: string | number, scale = 1): Float32Array {
  const rng = seedrandom(String(seed));
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (2 * rng() - 1) * scale;
  return out;
}

/** A random regression set: y = mean of each window's inputs (per target, shifted by target index). */
export function randomSet(dims: SetDims, seed: string | number, sign = 1): SupervisedSet {
  const x = randomArray(dims.size * dims.lookback * dims.numFeatures, seed);
  const y = new Float32Array(dims.size * dims.horizon * dims.numTargets);
  const xSize = dims.lookback * dims.numFeatures;
  for (let i = 0; i < dims.size; i++) {
    let mean = 0;
    for (let j = 0; j < xSize; j++) mean += x[i * xSize + j];
    mean /= xSize;
    for (let h = 0; h < dims.horizon * dims.numTargets; h++) y[i * dims.horizon * dims.numTargets + h] = sign * mean * 2;
  }
  return arraySet(x, y, dims);
}

/**
 * Windows of sin(2 pi t / period), t = start, start + 1, ...: input `lookback` values, target the
 * next `horizon` values (1 feature, 1 target).
 */
export function sineSet(size: number, lookback: number, horizon: number, start: number, period = 12): SupervisedSet {
  const series = (t: number) => Math.sin((2 * Math.PI * t) / period);
  const x = new Float32Array(size * lookback);
  const y = new Float32Array(size * horizon);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < lookback; j++) x[i * lookback + j] = series(start + i + j);
    for (let h = 0; h < horizon; h++) y[i * horizon + h] = series(start + i + lookback + h);
  }
  return arraySet(x, y, { size, lookback, numFeatures: 1, horizon, numTargets: 1 });
}

/** Switches tfjs to `name` ('cpu' or 'wasm'); throws if the backend does not initialise. */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend(${name}) returned false`);
  await tf.ready();
}

/** All weights of a model as plain arrays (copies). */
export function weightValues(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
}
