/**
 * Batched inference over a `SupervisedSet` or raw windows, returning plain typed arrays.
 */
import * as tf from '../tf';
import { InputError } from '../errors';
import type { SupervisedSet } from '../data/types';
import { assertSetMatchesModel, getModelShape, validateModelShape, type ModelShape } from './lstm';
import { fail, nonNegativeInteger, positiveInteger } from '../validate';

/** Options of {@link predictSet} and {@link predictWindows}. */
export interface PredictOptions {
  /**
   * Samples per forward pass (bounds memory; does not change the results).
   * @defaultValue {@link DEFAULT_PREDICT_BATCH_SIZE} (1024)
   */
  readonly batchSize?: number;
}

/**
 * Default {@link PredictOptions.batchSize}: large batches through the fused kernel, as a
 * rolling-origin backtest runs every origin of a series in one call. 20,000 windows (lookback
 * 48, horizon 24, default network, fused native kernel, 2 cores) took 0.78-0.85 s at 256 and
 * 0.65-0.66 s at 1,024 (`npx ts-node --transpile-only tests/model/bench/predictBatch.ts`); 4,096 was no faster. The forecasts are
 * bit for bit the same at any batch size (tested).
 */
export const DEFAULT_PREDICT_BATCH_SIZE = 1024;

/**
 * Forecasts every sample of `set`, in index order, with the model in inference mode.
 *
 * @param model - A forecaster whose dimensions match `set` (see `getModelShape`); not modified.
 * @param set - Samples to forecast; only their inputs are used.
 * @param options - See {@link PredictOptions}.
 * @returns A new `Float32Array` of shape `[set.size, horizon, numTargets]`, row-major (sample `i`,
 *   step `h`, target `t` at `(i * horizon + h) * numTargets + t`), in the model's (scaled) units.
 *   No tensor outlives the call.
 * @throws InputError when the set does not match the model or `batchSize` is invalid.
 * @example
 * const forecasts = predictSet(model, testSet); // model: horizon 6, 1 target
 * forecasts.length === testSet.size * 6; // => true
 */
export function predictSet(
  model: tf.LayersModel,
  set: SupervisedSet,
  options: PredictOptions = {},
): Float32Array {
  const shape = getModelShape(model);
  assertSetMatchesModel('set', set, shape);
  const batchSize = resolveBatchSize(options);
  const xSize = shape.lookback * shape.numFeatures;
  const ySize = shape.horizon * shape.numTargets;
  const out = new Float32Array(set.size * ySize);
  for (let from = 0; from < set.size; from += batchSize) {
    const n = Math.min(batchSize, set.size - from);
    const indices = new Uint32Array(n);
    for (let k = 0; k < n; k++) indices[k] = from + k;
    const x = new Float32Array(n * xSize);
    set.fill(indices, x, new Float32Array(n * ySize));
    out.set(forward(model, x, n, shape), from * ySize);
  }
  return out;
}

/**
 * Forecasts `count` input windows given as one row-major array.
 *
 * @param model - A forecaster with dimensions `shape`; not modified.
 * @param x - Inputs of shape `[count, lookback, numFeatures]`, row-major; not mutated.
 * @param count - Number of windows, a non-negative integer.
 * @param shape - The model's dimensions; must equal `getModelShape(model)`.
 * @param options - See {@link PredictOptions}.
 * @returns A new `Float32Array` of shape `[count, horizon, numTargets]`, row-major.
 * @throws InputError when `x.length !== count * lookback * numFeatures`, when `shape` does not
 *   match the model, or when an option is invalid.
 * @example
 * const shape = { lookback: 3, numFeatures: 1, horizon: 2, numTargets: 1 };
 * const tiny = buildLstmModel(resolveLstmConfig({ units: 4 }), shape);
 * predictWindows(tiny, new Float32Array([0.1, 0.2, 0.3]), 1, shape).length; // => 2
 * tiny.dispose();
 */
export function predictWindows(
  model: tf.LayersModel,
  x: Float32Array,
  count: number,
  shape: ModelShape,
  options: PredictOptions = {},
): Float32Array {
  validateModelShape(shape);
  const modelShape = getModelShape(model);
  for (const key of ['lookback', 'numFeatures', 'horizon', 'numTargets'] as const) {
    if (shape[key] !== modelShape[key]) {
      throw new InputError(
        `shape.${key} must equal the model's ${key} ${modelShape[key]}, got ${shape[key]}`,
        { argument: `shape.${key}`, value: shape[key] },
      );
    }
  }
  if (!(x instanceof Float32Array)) fail('x', 'a Float32Array', x);
  nonNegativeInteger('count', count);
  const xSize = shape.lookback * shape.numFeatures;
  if (x.length !== count * xSize) {
    throw new InputError(
      `x.length must be count * lookback * numFeatures = ${count * xSize}, got ${x.length}`,
      { argument: 'x', value: x.length },
    );
  }
  const batchSize = resolveBatchSize(options);
  const ySize = shape.horizon * shape.numTargets;
  const out = new Float32Array(count * ySize);
  for (let from = 0; from < count; from += batchSize) {
    const n = Math.min(batchSize, count - from);
    // slice, not subarray: the cpu backend would otherwise alias the caller's buffer.
    out.set(forward(model, x.slice(from * xSize, (from + n) * xSize), n, shape), from * ySize);
  }
  return out;
}

function forward(model: tf.LayersModel, x: Float32Array, n: number, shape: ModelShape): Float32Array {
  const y = tf.tidy(() => {
    const xs = tf.tensor3d(x, [n, shape.lookback, shape.numFeatures]);
    return model.predict(xs, { batchSize: n }) as tf.Tensor;
  });
  try {
    return y.dataSync() as Float32Array;
  } finally {
    y.dispose();
  }
}

function resolveBatchSize(options: PredictOptions): number {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  return options.batchSize === undefined
    ? DEFAULT_PREDICT_BATCH_SIZE
    : positiveInteger('batchSize', options.batchSize);
}
