/**
 * The stacked-LSTM forecaster network: construction, compilation and shape introspection.
 */
import * as tf from '../tf';
import { InputError } from '../errors';
import type { SupervisedSet } from '../data/types';
import { FusedLstm } from '../kernels/lstm/fusedLayer';
import type { LstmConfig } from './config';
import { deriveSeed, orthogonalMatrix } from './init';
import { resolveLstmKernel } from './kernel';
import { lossFunction } from './losses';
import { createOptimizer } from './optimizer';
import { positiveInteger } from '../validate';

/**
 * Input and output dimensions of a forecaster: it maps `[batch, lookback, numFeatures]` inputs to
 * `[batch, horizon, numTargets]` forecasts (the same layout as `SupervisedSet` samples).
 */
export interface ModelShape {
  /** Time steps fed to the LSTM per sample, a positive integer. */
  readonly lookback: number;
  /** Input columns per time step, a positive integer. */
  readonly numFeatures: number;
  /** Forecast steps per sample, a positive integer. */
  readonly horizon: number;
  /** Forecast columns per step, a positive integer. */
  readonly numTargets: number;
}

/** Seed roles: each draw of a layer gets `deriveSeed(config.seed, layerIndex, role)`. */
const SeedRole = { Kernel: 1, Recurrent: 2, Dropout: 3 } as const;

/** Arguments of an LSTM layer (`tf.layers.lstm` and `FusedLstm` take the same). */
type LstmLayerArgs = Parameters<typeof tf.layers.lstm>[0];

/**
 * Builds and compiles the forecaster:
 * `config.layers` x `LSTM(config.units)` -> `Dense(horizon * numTargets)` on the last
 * step's hidden state -> `Reshape([horizon, numTargets])`.
 *
 * - The LSTM layers are `FusedLstm` or tfjs' stock `LSTM` as `resolveLstmKernel(config.kernel)`
 *   decides (by default `FusedLstm`, unless the tfjs backend runs on a GPU or no fused kernel
 *   loads). Both take the same arguments and have the same weights, so everything below holds
 *   for either, and both save as `LSTM` (see `saveModelToDir`).
 * - LSTM layers use `recurrentActivation: 'sigmoid'` (Keras 2.3+ / PyTorch; tfjs defaults to
 *   `hardSigmoid`), `activation: 'tanh'`, forget-gate bias 1 (written after construction,
 *   as tfjs' `unitForgetBias` leaks tensors); all but the last return
 *   sequences. tfjs' kernel layout is `[inputDim, 4 * units]` with gate order i, f, c, o.
 * - Initialisation is seeded per layer from `config.seed` (see `deriveSeed`): Glorot-uniform
 *   kernels; orthogonal recurrent kernels computed by `orthogonalMatrix` and assigned after
 *   construction (the layer config records `recurrentInitializer: 'zeros'` because tfjs'
 *   own orthogonal initialiser takes seconds for 64 units); zero biases (forget gate 1).
 * - Dropout masks are drawn from a per-layer seeded stream, so training with dropout is
 *   reproducible too. Porting note: this stream lives in the built model only; a model loaded
 *   with `loadModelFromDir` draws dropout masks from tfjs' unseeded generator.
 * - Compiled with `config.loss` (see `lossFunction`) and `config.optimizer` at
 *   `config.learningRate` (see `compileLstmModel`).
 *
 * @param config - A resolved configuration (see `resolveLstmConfig`).
 * @param shape - Input and output dimensions.
 * @returns A new compiled model; the caller owns it and must call `model.dispose()`.
 * @throws InputError when a `shape` field is not a positive integer, or `config.kernel` is not
 *   one of `'auto'`, `'fused'`, `'stock'`.
 * @example
 * const net = buildLstmModel(resolveLstmConfig({ units: 32 }),
 *   { lookback: 24, numFeatures: 1, horizon: 6, numTargets: 1 });
 * net.outputs[0].shape; // => [null, 6, 1]
 * net.dispose();
 */
export function buildLstmModel(config: LstmConfig, shape: ModelShape): tf.LayersModel {
  validateModelShape(shape);
  const { lookback, numFeatures, horizon, numTargets } = shape;
  const fused = resolveLstmKernel(config.kernel).kernel === 'fused';
  // Constructed directly (not converted afterwards) so that the seeded dropout function stays.
  const lstmLayer = (args: LstmLayerArgs): tf.layers.Layer => (fused ? new FusedLstm(args) : tf.layers.lstm(args));
  const model = tf.sequential({ name: 'lstm_forecaster' });
  for (let layer = 0; layer < config.layers; layer++) {
    model.add(
      lstmLayer({
        name: `lstm_${layer + 1}`,
        units: config.units,
        returnSequences: layer < config.layers - 1,
        ...(layer === 0 ? { inputShape: [lookback, numFeatures] } : {}),
        activation: 'tanh',
        recurrentActivation: 'sigmoid',
        kernelInitializer: tf.initializers.glorotUniform({
          seed: deriveSeed(config.seed, layer, SeedRole.Kernel),
        }),
        recurrentInitializer: 'zeros',
        // The forget-gate bias of 1 is written below: tfjs' unitForgetBias initialiser leaks
        // 4 tensors per layer on every build.
        unitForgetBias: false,
        biasInitializer: 'zeros',
        dropout: config.dropout,
        recurrentDropout: config.recurrentDropout,
        dropoutFunc: seededDropout(deriveSeed(config.seed, layer, SeedRole.Dropout)),
      }),
    );
  }
  model.add(
    tf.layers.dense({
      name: 'head',
      units: horizon * numTargets,
      kernelInitializer: tf.initializers.glorotUniform({
        seed: deriveSeed(config.seed, config.layers, SeedRole.Kernel),
      }),
      biasInitializer: 'zeros',
    }),
  );
  model.add(tf.layers.reshape({ name: 'forecast', targetShape: [horizon, numTargets] }));

  for (let layer = 0; layer < config.layers; layer++) {
    const lstm = model.getLayer(`lstm_${layer + 1}`);
    const [kernel, recurrent, bias] = lstm.getWeights();
    const values = orthogonalMatrix(
      config.units,
      4 * config.units,
      deriveSeed(config.seed, layer, SeedRole.Recurrent),
    );
    const orthogonal = tf.tensor2d(values, recurrent.shape as [number, number]);
    // Gate order in the bias is i, f, c, o: forget-gate biases start at 1 (Jozefowicz et al. 2015).
    const biasValues = new Float32Array(4 * config.units);
    biasValues.fill(1, config.units, 2 * config.units);
    const forgetBias = tf.tensor1d(biasValues);
    lstm.setWeights([kernel, orthogonal, forgetBias]);
    orthogonal.dispose();
    forgetBias.dispose();
    void bias;
  }
  compileLstmModel(model, config);
  return model;
}

/**
 * (Re)compiles a model with `config.loss` and a new `config.optimizer` at `config.learningRate`,
 * e.g. to continue training a model loaded by `loadModelFromDir` (loaded models are not compiled).
 *
 * @param model - The model; mutated. Its previous optimiser state is discarded.
 * @param config - Loss, optimiser and learning rate to use.
 * @example
 * const loaded = await loadModelFromDir(dir); // saved by saveModelToDir
 * compileLstmModel(loaded, resolveLstmConfig({ learningRate: 1e-4 }));
 * loaded.dispose();
 */
export function compileLstmModel(model: tf.LayersModel, config: LstmConfig): void {
  model.compile({
    loss: lossFunction(config.loss),
    optimizer: createOptimizer(config.optimizer, config.learningRate),
  });
}

/**
 * Reads a forecaster's dimensions from its input `[null, lookback, numFeatures]` and output
 * `[null, horizon, numTargets]` shapes.
 *
 * @param model - A model with one rank-3 input and one rank-3 output.
 * @returns The dimensions.
 * @throws InputError when the model does not have that form.
 * @example
 * getModelShape(model); // => { lookback: 24, numFeatures: 1, horizon: 6, numTargets: 1 }
 */
export function getModelShape(model: tf.LayersModel): ModelShape {
  const input = model.inputs.length === 1 ? model.inputs[0].shape : undefined;
  const output = model.outputs.length === 1 ? model.outputs[0].shape : undefined;
  const dims = [input?.[1], input?.[2], output?.[1], output?.[2]];
  if (input?.length !== 3 || output?.length !== 3 || !dims.every((d) => typeof d === 'number')) {
    throw new InputError(
      `model must have one [batch, lookback, numFeatures] input and one [batch, horizon, numTargets] output, ` +
        `got inputs ${JSON.stringify(model.inputs.map((t) => t.shape))} and outputs ` +
        `${JSON.stringify(model.outputs.map((t) => t.shape))}`,
      { argument: 'model' },
    );
  }
  const [lookback, numFeatures, horizon, numTargets] = dims as number[];
  return { lookback, numFeatures, horizon, numTargets };
}

/**
 * Checks that every field of `shape` is a positive integer.
 * @throws InputError naming the field, e.g. "shape.lookback must be a positive integer, got 0".
 * @example
 * validateModelShape({ lookback: 24, numFeatures: 1, horizon: 6, numTargets: 1 }); // passes
 */
export function validateModelShape(shape: ModelShape): void {
  for (const key of ['lookback', 'numFeatures', 'horizon', 'numTargets'] as const) {
    positiveInteger(`shape.${key}`, shape?.[key]);
  }
}

/**
 * Checks that a dataset's dimensions match a model's.
 *
 * @param name - Argument name used in messages (e.g. `'train'`).
 * @param set - The dataset.
 * @param shape - The model's dimensions (see {@link getModelShape}).
 * @throws InputError, e.g. "val.lookback must equal the model's lookback 24, got 12", or when
 *   `set.size` is not a positive integer.
 * @example
 * assertSetMatchesModel('train', trainSet, getModelShape(model)); // passes
 */
export function assertSetMatchesModel(name: string, set: SupervisedSet, shape: ModelShape): void {
  positiveInteger(`${name}.size`, set?.size);
  for (const key of ['lookback', 'numFeatures', 'horizon', 'numTargets'] as const) {
    if (set[key] !== shape[key]) {
      throw new InputError(
        `${name}.${key} must equal the model's ${key} ${shape[key]}, got ${String(set[key])}`,
        { argument: `${name}.${key}`, value: set[key] },
      );
    }
  }
}

/**
 * A dropout function for tfjs RNN cells whose masks come from a seeded stream: the k-th mask
 * uses seed `deriveSeed(seed, k)`.
 */
function seededDropout(seed: number): (x: tf.Tensor, rate: number) => tf.Tensor {
  let calls = 0;
  return (x, rate) => tf.dropout(x, rate, undefined, deriveSeed(seed, calls++));
}
