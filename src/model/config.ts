/**
 * Hyper-parameters of the LSTM forecaster: architecture, loss, optimiser and training schedule.
 */
import { InputError, describeValue } from '../errors';
import {
  fail,
  positiveFinite,
  positiveInteger,
  seedValue,
} from '../validate';

/** Loss minimised during training (and reported as `loss` / `valLoss`). */
export type LossName = 'mse' | 'mae' | 'huber';

/** Gradient-descent optimiser. */
export type OptimizerName = 'adam' | 'rmsprop' | 'sgd';

/**
 * LSTM implementation: `'stock'` (tfjs' `LSTM` layer), `'fused'` (`FusedLstm`: the fused native
 * or WebAssembly kernel where it can run, the stock code per call otherwise) or `'auto'` (fused
 * unless the tfjs backend runs on a GPU or no fused kernel loads; see `resolveLstmKernel`).
 */
export type LstmKernelChoice = 'auto' | 'fused' | 'stock';

export { MAX_SEED } from '../validate';

/** Accepted values of {@link LstmConfig.loss}. */
export const LOSS_NAMES: readonly LossName[] = ['mse', 'mae', 'huber'];

/** Accepted values of {@link LstmConfig.optimizer}. */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['adam', 'rmsprop', 'sgd'];

/** Accepted values of {@link LstmConfig.kernel}. */
export const LSTM_KERNEL_CHOICES: readonly LstmKernelChoice[] = ['auto', 'fused', 'stock'];

/**
 * Configuration of a stacked-LSTM forecaster (see `buildLstmModel` and `trainModel`).
 *
 * Porting note: `dropout` and `recurrentDropout` have the Keras meaning (fraction of the inputs /
 * of the recurrent state dropped, with one mask per sequence). Unlike tfjs, which clamps
 * out-of-range rates silently, {@link resolveLstmConfig} rejects them.
 */
export interface LstmConfig {
  /**
   * Number of stacked LSTM layers; all but the last return full sequences.
   * @defaultValue {@link DEFAULT_LAYERS} (1)
   */
  readonly layers: number;
  /**
   * Hidden units per LSTM layer.
   * @defaultValue {@link DEFAULT_UNITS} (64)
   */
  readonly units: number;
  /**
   * Fraction of the layer inputs dropped during training, in `[0, 1)`.
   * @defaultValue {@link DEFAULT_DROPOUT} (0)
   */
  readonly dropout: number;
  /**
   * Fraction of the recurrent state dropped during training, in `[0, 1)`.
   * @defaultValue {@link DEFAULT_RECURRENT_DROPOUT} (0)
   */
  readonly recurrentDropout: number;
  /**
   * Loss: mean squared error, mean absolute error, or Huber loss with delta 1 (Keras' default),
   * averaged over horizon steps, targets and samples.
   * @defaultValue {@link DEFAULT_LOSS} ('mse')
   */
  readonly loss: LossName;
  /**
   * Optimiser, with tfjs' default hyper-parameters apart from the learning rate.
   * @defaultValue {@link DEFAULT_OPTIMIZER} ('adam')
   */
  readonly optimizer: OptimizerName;
  /**
   * Initial learning rate, positive and finite.
   * @defaultValue {@link DEFAULT_LEARNING_RATE} (1e-3)
   */
  readonly learningRate: number;
  /**
   * Samples per gradient step.
   * @defaultValue {@link DEFAULT_BATCH_SIZE} (32)
   */
  readonly batchSize: number;
  /**
   * Maximum number of passes over the training set (early stopping may end sooner).
   * @defaultValue {@link DEFAULT_EPOCHS} (200)
   */
  readonly epochs: number;
  /**
   * Seed for weight initialisation, dropout masks and batch shuffling: an integer in
   * `[0, 2^32)`. The same seed on the same backend reproduces the same weights and losses.
   * @defaultValue {@link DEFAULT_SEED} (42)
   */
  readonly seed: number;
  /**
   * LSTM implementation (see {@link LstmKernelChoice}). Both compute the same function with the
   * same weights and initialisation (up to float32 rounding); `'fused'` is several times faster
   * on CPU backends. Saved models always use the stock layer's class name and weight layout.
   * @defaultValue {@link DEFAULT_KERNEL} ('auto')
   */
  readonly kernel: LstmKernelChoice;
}

/** Default {@link LstmConfig.layers}. */
export const DEFAULT_LAYERS = 1;
/**
 * Largest {@link LstmConfig.layers} accepted. Deeper stacks of LSTMs do not train better on
 * forecasting data, and a typo (`--layers 1000`) would otherwise only fail deep inside tfjs.
 */
export const MAX_LAYERS = 16;
/**
 * Largest {@link LstmConfig.units} accepted: a 4096-unit layer already holds 4 * 4096 * 4097
 * (67 million) recurrent weights, 268 MB in float32 and three times that with Adam's slots; far
 * larger values end in tfjs' `RangeError`s (array lengths) after the data is loaded.
 */
export const MAX_UNITS = 4096;
/** Default {@link LstmConfig.units}: large enough for multi-seasonal series, fast on wasm/cpu. */
export const DEFAULT_UNITS = 64;
/** Default {@link LstmConfig.dropout}. */
export const DEFAULT_DROPOUT = 0;
/** Default {@link LstmConfig.recurrentDropout}. */
export const DEFAULT_RECURRENT_DROPOUT = 0;
/** Default {@link LstmConfig.loss}. */
export const DEFAULT_LOSS: LossName = 'mse';
/** Default {@link LstmConfig.optimizer}. */
export const DEFAULT_OPTIMIZER: OptimizerName = 'adam';
/** Default {@link LstmConfig.learningRate} (Keras' Adam default). */
export const DEFAULT_LEARNING_RATE = 1e-3;
/** Default {@link LstmConfig.batchSize}. */
export const DEFAULT_BATCH_SIZE = 32;
/** Default {@link LstmConfig.epochs}. */
export const DEFAULT_EPOCHS = 200;
/** Default {@link LstmConfig.seed}. */
export const DEFAULT_SEED = 42;
/** Default {@link LstmConfig.kernel}: the fused kernel wherever it is the faster path. */
export const DEFAULT_KERNEL: LstmKernelChoice = 'auto';

/** The defaults of every {@link LstmConfig} field. */
export const DEFAULT_LSTM_CONFIG: LstmConfig = Object.freeze({
  layers: DEFAULT_LAYERS,
  units: DEFAULT_UNITS,
  dropout: DEFAULT_DROPOUT,
  recurrentDropout: DEFAULT_RECURRENT_DROPOUT,
  loss: DEFAULT_LOSS,
  optimizer: DEFAULT_OPTIMIZER,
  learningRate: DEFAULT_LEARNING_RATE,
  batchSize: DEFAULT_BATCH_SIZE,
  epochs: DEFAULT_EPOCHS,
  seed: DEFAULT_SEED,
  kernel: DEFAULT_KERNEL,
});

const CONFIG_KEYS = Object.keys(DEFAULT_LSTM_CONFIG) as readonly (keyof LstmConfig)[];

/**
 * Fills the missing fields of `partial` with {@link DEFAULT_LSTM_CONFIG} and validates all fields.
 *
 * @param partial - Fields to override; `undefined` fields take their default. Not mutated.
 * @returns A new, frozen, complete configuration.
 * @throws InputError naming the field and its value when a field has the wrong type or range
 *   (e.g. `units must be a positive integer, got "64"`), or when `partial` has an unknown field.
 * @example
 * const config = resolveLstmConfig({ units: 32, layers: 2 });
 * config.loss; // => 'mse'
 * config.learningRate; // => 0.001
 * config.kernel; // => 'auto'
 */
export function resolveLstmConfig(partial: Partial<LstmConfig> = {}): LstmConfig {
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
    throw new InputError(`LSTM config must be an object, got ${describeValue(partial)}`, {
      argument: 'config',
      value: partial,
    });
  }
  for (const key of Object.keys(partial)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new InputError(
        `unknown LSTM config field ${JSON.stringify(key)}; expected one of ${CONFIG_KEYS.join(', ')}`,
        { argument: key, value: (partial as Record<string, unknown>)[key] },
      );
    }
  }
  const pick = <K extends keyof LstmConfig>(key: K): unknown =>
    partial[key] === undefined ? DEFAULT_LSTM_CONFIG[key] : partial[key];

  const config: LstmConfig = {
    layers: atMost('layers', positiveInteger('layers', pick('layers')), MAX_LAYERS),
    units: atMost('units', positiveInteger('units', pick('units')), MAX_UNITS),
    dropout: rate('dropout', pick('dropout')),
    recurrentDropout: rate('recurrentDropout', pick('recurrentDropout')),
    loss: oneOf('loss', pick('loss'), LOSS_NAMES),
    optimizer: oneOf('optimizer', pick('optimizer'), OPTIMIZER_NAMES),
    learningRate: positiveFinite('learningRate', pick('learningRate')),
    batchSize: positiveInteger('batchSize', pick('batchSize')),
    epochs: positiveInteger('epochs', pick('epochs')),
    seed: seedValue('seed', pick('seed')),
    kernel: oneOf('kernel', pick('kernel'), LSTM_KERNEL_CHOICES),
  };
  return Object.freeze(config);
}

function atMost(name: string, value: number, max: number): number {
  if (value > max) fail(name, `a positive integer at most ${max}`, value);
  return value;
}

function rate(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) {
    fail(name, 'a number in [0, 1)', value);
  }
  return value;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(name, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
  }
  return value as T;
}
