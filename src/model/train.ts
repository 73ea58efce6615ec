/**
 * The training loop: seeded mini-batches from a `SupervisedSet`, validation, and a list of
 * callbacks (`./callbacks`) for early stopping with weight restore, learning-rate reduction on
 * plateau, checkpoints, progress and cancellation.
 *
 * Written as our own loop over `model.trainOnBatch` rather than `model.fit`: tfjs' `fit` cannot
 * restore best weights, has no ReduceLROnPlateau or checkpoint callback, and needs the whole
 * dataset as one tensor (we materialise one batch at a time).
 */
import * as tf from '../tf';
import { InputError } from '../errors';
import { sequentialOrder, shuffledOrder } from '../data/batches';
import type { SupervisedSet } from '../data/types';
import {
  AbortOnSignal,
  CallbackList,
  Checkpoint,
  DEFAULT_PROGRESS_EVERY_BATCHES,
  EarlyStopping,
  ProgressLogger,
  ReduceLrOnPlateau,
  TrainRun,
  type CheckpointFunction,
  type EarlyStoppingOptions,
  type ReduceLrOnPlateauOptions,
  type TrainCallback,
  type TrainProgress,
} from './callbacks';
import { assertSetMatchesModel, getModelShape, type ModelShape } from './lstm';
import { getLearningRate } from './optimizer';
import { booleanValue, fail, positiveInteger, seedValue } from '../validate';

// Moved to ./callbacks; re-exported so that imports from './train' keep working.
export {
  DEFAULT_MIN_DELTA,
  DEFAULT_MIN_LEARNING_RATE,
  DEFAULT_PROGRESS_EVERY_BATCHES,
  type EarlyStoppingOptions,
  type ReduceLrOnPlateauOptions,
  type TrainProgress,
} from './callbacks';

/** Options of {@link trainModel}. */
export interface TrainOptions {
  /** Maximum number of epochs, a positive integer. */
  readonly epochs: number;
  /** Samples per gradient step, a positive integer (the last batch of an epoch may be smaller). */
  readonly batchSize: number;
  /** Shuffling seed, an integer in `[0, 2^32)`; epoch `e` visits `shuffledOrder(size, seed, e)`. */
  readonly seed: number;
  /**
   * Whether to visit training samples in a new seeded random order each epoch.
   * @defaultValue true
   */
  readonly shuffle?: boolean;
  /** Early stopping on the monitored loss; `false` or omitted: train all epochs. */
  readonly earlyStopping?: EarlyStoppingOptions | false;
  /** Learning-rate reduction on plateau; `false` or omitted: constant learning rate. */
  readonly reduceLrOnPlateau?: ReduceLrOnPlateauOptions | false;
  /**
   * Awaited after every epoch whose monitored loss improves (see
   * {@link EarlyStoppingOptions.minDelta}), with the model at that epoch, the 1-based epoch and
   * the monitored loss (validation loss, or training loss without a validation set). The model
   * must not be disposed or trained by the callback.
   */
  readonly checkpoint?: CheckpointFunction;
  /** Receives progress events synchronously; keep it fast. */
  readonly onProgress?: (event: TrainProgress) => void;
  /**
   * Cancels training: checked before every batch. The partial epoch is discarded, best weights are
   * restored as at a normal end, and the history is returned with `aborted: true` (no throw).
   */
  readonly signal?: AbortSignal;
  /**
   * Emit a `'batch'` event every this many batches (and after the last batch of each epoch).
   * @defaultValue {@link DEFAULT_PROGRESS_EVERY_BATCHES} (10)
   */
  readonly progressEveryBatches?: number;
}

/** What {@link trainModel} returns. Arrays have one entry per completed epoch. */
export interface TrainHistory {
  /** Sample-weighted mean training loss per epoch (with dropout active, as Keras reports it). */
  readonly loss: number[];
  /** Validation loss per epoch; empty without a validation set. */
  readonly valLoss: number[];
  /** Learning rate used during each epoch (a reduction applies from the next epoch). */
  readonly learningRate: number[];
  /**
   * 1-based epoch of the best monitored loss (validation if given, else training), counting only
   * improvements larger than `minDelta`; 0 when no epoch completed.
   */
  readonly bestEpoch: number;
  /** Monitored loss at `bestEpoch`; `NaN` when no epoch completed. */
  readonly bestLoss: number;
  /** Completed epochs. */
  readonly epochsRun: number;
  /** Whether early stopping ended training before `epochs`. */
  readonly stoppedEarly: boolean;
  /** Whether `signal` ended training. */
  readonly aborted: boolean;
  /** Whether the best epoch's weights were put back into the model at the end. */
  readonly restoredBestWeights: boolean;
  /** Wall-clock seconds of the whole call, validation and callbacks included. */
  readonly seconds: number;
  /** Training samples processed per second of training steps. */
  readonly samplesPerSecond: number;
}

/** Batch size used to compute the validation loss (inference only, so larger than training). */
export const VALIDATION_BATCH_SIZE = 256;

/**
 * Raised when the training or validation loss becomes NaN or infinite (diverging optimisation,
 * unscaled inputs, or non-finite data). The model's weights are those after the failing step.
 */
export class NonFiniteLossError extends Error {
  /** 1-based epoch of the failure. */
  readonly epoch: number;
  /** 1-based batch of the failure; undefined when the validation loss failed. */
  readonly batch: number | undefined;
  /** The offending loss value. */
  readonly loss: number;

  constructor(message: string, epoch: number, batch: number | undefined, loss: number) {
    super(message);
    this.name = 'NonFiniteLossError';
    this.epoch = epoch;
    this.batch = batch;
    this.loss = loss;
  }
}

/**
 * Trains a compiled model on `train`, one seeded mini-batch at a time.
 *
 * Each epoch visits every training sample once, in the order `shuffledOrder(train.size, seed,
 * epoch)` (`src/data/batches`; `0, 1, ...` when `shuffle` is false), in batches of `batchSize` (the last one
 * may be smaller). The epoch loss is the sample-weighted mean of the batch losses. The validation
 * loss (model in inference mode, batches of {@link VALIDATION_BATCH_SIZE}) is computed after each
 * epoch. The monitored loss is the validation loss, or the training loss when `val` is undefined;
 * early stopping, learning-rate reduction, checkpoints and `bestEpoch` all use it.
 *
 * The loop is a short loop over callbacks (`./callbacks`), called in the order
 * {@link AbortOnSignal}, {@link EarlyStopping}, {@link ProgressLogger}, {@link Checkpoint},
 * {@link ReduceLrOnPlateau}: the best weights are snapshotted before the `'epoch-end'` event, the
 * checkpoint and the event see the epoch's learning rate, and the best weights are restored
 * before the `'end'` event.
 *
 * Memory: every tensor created here is disposed; snapshots for `restoreBestWeights` hold one copy
 * of the weights. The optimiser allocates its slots on the first step (owned by the model).
 *
 * @param model - A compiled model (see `buildLstmModel`/`compileLstmModel`) whose input and
 *   output shapes match the sets; trained in place. The caller keeps ownership.
 * @param train - Training samples, `size >= 1`.
 * @param val - Validation samples or `undefined`.
 * @param options - Schedule and callbacks, see {@link TrainOptions}.
 * @returns Per-epoch history and timing.
 * @throws InputError for invalid options, an uncompiled model, or sets that do not match the model.
 * @throws NonFiniteLossError when a loss becomes NaN or infinite.
 * @example
 * const history = await trainModel(model, trainSet, valSet, {
 *   epochs: 20, batchSize: 32, seed: 42,
 *   earlyStopping: { patience: 5 },
 *   reduceLrOnPlateau: { patience: 3, factor: 0.5, minLearningRate: 1e-5 },
 *   onProgress: (e) => { if (e.kind === 'epoch-end') console.log(e.epoch, e.loss, e.valLoss); },
 * });
 * history.bestEpoch <= history.epochsRun; // => true
 */
export async function trainModel(
  model: tf.LayersModel,
  train: SupervisedSet,
  val: SupervisedSet | undefined,
  options: TrainOptions,
): Promise<TrainHistory> {
  const opts = resolveTrainOptions(options);
  const shape = getModelShape(model);
  assertSetMatchesModel('train', train, shape);
  if (val !== undefined) assertSetMatchesModel('val', val, shape);
  const run = new TrainRun({
    model, optimizer: compiledOptimizer(model), epochs: opts.epochs, trainSize: train.size,
    batches: Math.ceil(train.size / opts.batchSize), hasValidation: val !== undefined,
    minDelta: opts.earlyStopping?.options.minDelta,
  });
  const callbacks = new CallbackList(builtInCallbacks(opts));
  const loop: Loop = { run, callbacks, train, shape, opts };
  try {
    callbacks.onTrainBegin(run);
    for (let epoch = 1; epoch <= opts.epochs && run.stopReason === undefined; epoch++) {
      const learningRate = getLearningRate(run.optimizer);
      callbacks.onEpochBegin(run, { epoch, learningRate });
      const loss = await trainEpoch(loop, epoch, learningRate);
      if (loss === undefined) break; // stopped mid-epoch: the partial epoch is discarded
      const valLoss = val === undefined ? undefined : validate(loop, val, epoch);
      await callbacks.onEpochEnd(run, run.recordEpoch(epoch, loss, valLoss, learningRate));
    }
    callbacks.onTrainEnd(run);
    return summarize(run);
  } finally {
    callbacks.dispose();
  }
}

/** What the helpers of one {@link trainModel} call share. */
interface Loop {
  readonly run: TrainRun;
  readonly callbacks: CallbackList;
  readonly train: SupervisedSet;
  readonly shape: ModelShape;
  readonly opts: ResolvedTrainOptions;
}

/** The callbacks that `opts` asks for, in the order of {@link trainModel}'s TSDoc. */
function builtInCallbacks(opts: ResolvedTrainOptions): TrainCallback[] {
  const { abort, earlyStopping, progress, checkpoint, reduceLrOnPlateau } = opts;
  const all: Array<TrainCallback | undefined> = [abort, earlyStopping, progress, checkpoint, reduceLrOnPlateau];
  return all.filter((callback): callback is TrainCallback => callback !== undefined);
}

/** One epoch of gradient steps; the epoch's sample-weighted mean loss, or undefined when stopped. */
async function trainEpoch(loop: Loop, epoch: number, learningRate: number): Promise<number | undefined> {
  const { run, callbacks, train, shape, opts } = loop;
  const order = opts.shuffle ? shuffledOrder(train.size, opts.seed, epoch) : sequentialOrder(train.size);
  let lossSum = 0;
  let seen = 0;
  for (let batch = 1; batch <= run.batches; batch++) {
    await nextMacrotask(); // lets timers, I/O and abort() run between steps
    callbacks.onBatchBegin(run, { epoch, batch });
    if (run.stopReason !== undefined) return undefined;
    const from = (batch - 1) * opts.batchSize;
    const n = Math.min(opts.batchSize, train.size - from);
    const loss = await run.clock.timeStep(n, () => trainStep(run.model, train, order.subarray(from, from + n), shape));
    if (!Number.isFinite(loss)) {
      throw new NonFiniteLossError(
        `training loss is ${loss} at epoch ${epoch}, batch ${batch} (learning rate ` +
          `${learningRate}): check input scaling and non-finite values, or lower the learning rate`,
        epoch, batch, loss,
      );
    }
    lossSum += loss * n;
    seen += n;
    callbacks.onBatchEnd(run, { epoch, batch, loss: lossSum / seen, seen, learningRate });
  }
  return lossSum / seen;
}

/** The validation loss of `epoch`. @throws NonFiniteLossError when it is NaN or infinite. */
function validate({ run, shape }: Loop, val: SupervisedSet, epoch: number): number {
  const valLoss = run.clock.timeValidation(() => evaluateLoss(run.model, val, shape));
  if (!Number.isFinite(valLoss)) {
    throw new NonFiniteLossError(
      `validation loss is ${valLoss} at epoch ${epoch}: check the validation data for ` +
        `non-finite values, or lower the learning rate`,
      epoch, undefined, valLoss,
    );
  }
  return valLoss;
}

/** The run's history and timing, as {@link trainModel} returns them. */
function summarize(run: TrainRun): TrainHistory {
  const seconds = run.clock.stop();
  return {
    ...run.history,
    bestEpoch: run.bestEpoch,
    bestLoss: run.bestEpoch > 0 ? run.bestLoss : Number.NaN,
    epochsRun: run.epochsRun,
    stoppedEarly: run.stopReason === 'early',
    aborted: run.stopReason === 'abort',
    restoredBestWeights: run.restoredBestWeights,
    seconds,
    samplesPerSecond: run.clock.rate(),
  };
}

/** The model's optimiser. @throws InputError when the model is not compiled. */
function compiledOptimizer(model: tf.LayersModel): tf.Optimizer {
  const optimizer = model.optimizer as tf.Optimizer | undefined;
  if (optimizer == null) {
    throw new InputError('model must be compiled before training (see compileLstmModel)', {
      argument: 'model',
    });
  }
  return optimizer;
}

/** One gradient step on the samples `indices`; returns the batch's mean loss. */
async function trainStep(model: tf.LayersModel, set: SupervisedSet, indices: Uint32Array, shape: ModelShape): Promise<number> {
  const n = indices.length;
  const xSize = shape.lookback * shape.numFeatures;
  const ySize = shape.horizon * shape.numTargets;
  // Fresh buffers per batch: the cpu backend keeps a reference to the array it is given.
  const x = new Float32Array(n * xSize);
  const y = new Float32Array(n * ySize);
  set.fill(indices, x, y);
  const xs = tf.tensor3d(x, [n, shape.lookback, shape.numFeatures]);
  const ys = tf.tensor3d(y, [n, shape.horizon, shape.numTargets]);
  try {
    const loss = await model.trainOnBatch(xs, ys);
    return Array.isArray(loss) ? loss[0] : loss;
  } finally {
    xs.dispose();
    ys.dispose();
  }
}

/** Sample-weighted mean loss of the compiled loss over `set`, model in inference mode. */
function evaluateLoss(model: tf.LayersModel, set: SupervisedSet, shape: ModelShape): number {
  const xSize = shape.lookback * shape.numFeatures;
  const ySize = shape.horizon * shape.numTargets;
  let sum = 0;
  for (let from = 0; from < set.size; from += VALIDATION_BATCH_SIZE) {
    const n = Math.min(VALIDATION_BATCH_SIZE, set.size - from);
    const indices = new Uint32Array(n);
    for (let k = 0; k < n; k++) indices[k] = from + k;
    const x = new Float32Array(n * xSize);
    const y = new Float32Array(n * ySize);
    set.fill(indices, x, y);
    const value = tf.tidy(() => {
      const xs = tf.tensor3d(x, [n, shape.lookback, shape.numFeatures]);
      const ys = tf.tensor3d(y, [n, shape.horizon, shape.numTargets]);
      const result = model.evaluate(xs, ys, { batchSize: n });
      return (Array.isArray(result) ? result[0] : result) as tf.Scalar;
    });
    sum += value.dataSync()[0] * n;
    value.dispose();
  }
  return sum / set.size;
}


function nextMacrotask(): Promise<void> {
  return new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );
}

interface ResolvedTrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly shuffle: boolean;
  readonly earlyStopping: EarlyStopping | undefined;
  readonly reduceLrOnPlateau: ReduceLrOnPlateau | undefined;
  readonly checkpoint: Checkpoint | undefined;
  readonly progress: ProgressLogger | undefined;
  readonly abort: AbortOnSignal | undefined;
}

/** Validates `options` and builds the callbacks they ask for. */
function resolveTrainOptions(options: TrainOptions): ResolvedTrainOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  const { earlyStopping: early, reduceLrOnPlateau: plateau, checkpoint, onProgress, signal } = options;
  // Field by field in declaration order, so that the first invalid option is the one reported.
  const epochs = positiveInteger('epochs', options.epochs);
  const batchSize = positiveInteger('batchSize', options.batchSize);
  const seed = seedValue('seed', options.seed);
  const shuffle = options.shuffle === undefined ? true : booleanValue('shuffle', options.shuffle);
  const earlyStopping = enabled('earlyStopping', early) ? new EarlyStopping(early) : undefined;
  const reduceLrOnPlateau = enabled('reduceLrOnPlateau', plateau) ? new ReduceLrOnPlateau(plateau) : undefined;
  const saver = checkpoint === undefined ? undefined : new Checkpoint(checkpoint);
  if (onProgress !== undefined && typeof onProgress !== 'function') fail('onProgress', 'a function', onProgress);
  const abort = signal === undefined ? undefined : new AbortOnSignal(signal);
  const every =
    options.progressEveryBatches === undefined
      ? DEFAULT_PROGRESS_EVERY_BATCHES
      : positiveInteger('progressEveryBatches', options.progressEveryBatches);
  const progress = onProgress === undefined ? undefined : new ProgressLogger(onProgress, every);
  return { epochs, batchSize, seed, shuffle, earlyStopping, reduceLrOnPlateau, checkpoint: saver, progress, abort };
}

/** Whether an optional callback option is on: false for `undefined`/`false`, true for an object. */
function enabled<T extends object>(name: string, value: T | false | undefined): value is T {
  if (value === undefined || value === false) return false;
  if (typeof value !== 'object' || value === null) fail(name, 'an object or false', value);
  return true;
}
