/**
 * The training loop: seeded mini-batches from a `SupervisedSet`, validation, early stopping with
 * weight restore, learning-rate reduction on plateau, checkpoints, progress and cancellation.
 *
 * Written as our own loop over `model.trainOnBatch` rather than `model.fit`: tfjs' `fit` cannot
 * restore best weights, has no ReduceLROnPlateau or checkpoint callback, and needs the whole
 * dataset as one tensor (we materialise one batch at a time).
 */
import * as tf from '../tf';
import seedrandom from 'seedrandom';
import { InputError, describeValue } from '../errors';
import type { SupervisedSet } from '../data/types';
import { assertSetMatchesModel, getModelShape, type ModelShape } from './lstm';
import { getLearningRate, setLearningRate } from './optimizer';
import {
  booleanValue,
  fail,
  nonNegativeFinite,
  positiveInteger,
  seedValue,
} from './validate';

/** Stop when the monitored loss has not improved for `patience` epochs. */
export interface EarlyStoppingOptions {
  /** Epochs without improvement before stopping, a positive integer. */
  readonly patience: number;
  /**
   * An epoch improves when its monitored loss is below the best so far minus `minDelta`.
   * @defaultValue {@link DEFAULT_MIN_DELTA} (0)
   */
  readonly minDelta?: number;
  /**
   * Whether to put the best epoch's weights back into the model when training ends, however it
   * ends (early stop, last epoch, or abort). Porting note: Keras restores only on an early stop.
   * @defaultValue true
   */
  readonly restoreBestWeights?: boolean;
}

/** Multiply the learning rate by `factor` when the monitored loss stalls for `patience` epochs. */
export interface ReduceLrOnPlateauOptions {
  /** Epochs without improvement before reducing, a positive integer. */
  readonly patience: number;
  /** Multiplier in `(0, 1)`. */
  readonly factor: number;
  /**
   * Lower bound of the learning rate, non-negative.
   * @defaultValue {@link DEFAULT_MIN_LEARNING_RATE} (0)
   */
  readonly minLearningRate?: number;
  /**
   * Improvement threshold, as {@link EarlyStoppingOptions.minDelta}.
   * @defaultValue {@link DEFAULT_MIN_DELTA} (0)
   */
  readonly minDelta?: number;
}

/** Options of {@link trainModel}. */
export interface TrainOptions {
  /** Maximum number of epochs, a positive integer. */
  readonly epochs: number;
  /** Samples per gradient step, a positive integer (the last batch of an epoch may be smaller). */
  readonly batchSize: number;
  /** Shuffling seed, an integer in `[0, 2^32)`; epoch `e` uses the permutation of `(seed, e)`. */
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
  readonly checkpoint?: (model: tf.LayersModel, epoch: number, valLoss: number) => Promise<void>;
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

/**
 * A progress event.
 *
 * - `'epoch-start'`: `loss` (and `valLoss`) are the previous epoch's, `NaN` before epoch 1 ends;
 * - `'batch'`: `loss` is the sample-weighted mean over this epoch's batches so far;
 * - `'epoch-end'`: the epoch's loss, validation loss and whether the monitored loss improved;
 * - `'end'`: the last completed epoch's values, `etaSeconds` 0.
 *
 * `samplesPerSecond` counts training samples over time spent in training steps (not validation);
 * `etaSeconds` extrapolates training and validation time to `epochs` (early stopping may end
 * sooner; `NaN` before the first batch completes); `learningRate` is the rate in effect for the
 * epoch.
 */
export type TrainProgress = {
  kind: 'epoch-start' | 'batch' | 'epoch-end' | 'end';
  /** 1-based epoch. */
  epoch: number;
  /** Maximum number of epochs. */
  epochs: number;
  /** 1-based batch within the epoch (`'batch'` events only). */
  batch?: number;
  /** Batches per epoch (`'batch'` events only). */
  batches?: number;
  loss: number;
  valLoss?: number;
  learningRate: number;
  samplesPerSecond: number;
  etaSeconds: number;
  elapsedSeconds: number;
  /** Whether the monitored loss improved (`'epoch-end'` only). */
  improved?: boolean;
};

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

/** Default {@link TrainOptions.progressEveryBatches}. */
export const DEFAULT_PROGRESS_EVERY_BATCHES = 10;
/** Default {@link EarlyStoppingOptions.minDelta} and {@link ReduceLrOnPlateauOptions.minDelta}. */
export const DEFAULT_MIN_DELTA = 0;
/** Default {@link ReduceLrOnPlateauOptions.minLearningRate}. */
export const DEFAULT_MIN_LEARNING_RATE = 0;
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
 * Each epoch visits every training sample once, in the order of a seeded permutation of
 * `[0, train.size)` (identity when `shuffle` is false), in batches of `batchSize` (the last one
 * may be smaller). The epoch loss is the sample-weighted mean of the batch losses. The validation
 * loss (model in inference mode, batches of {@link VALIDATION_BATCH_SIZE}) is computed after each
 * epoch. The monitored loss is the validation loss, or the training loss when `val` is undefined;
 * early stopping, learning-rate reduction, checkpoints and `bestEpoch` all use it.
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
  const optimizer = model.optimizer as tf.Optimizer | undefined;
  if (optimizer == null) {
    throw new InputError('model must be compiled before training (see compileLstmModel)', {
      argument: 'model',
    });
  }

  const { epochs, batchSize } = opts;
  const xSize = shape.lookback * shape.numFeatures;
  const ySize = shape.horizon * shape.numTargets;
  const batches = Math.ceil(train.size / batchSize);
  const early = opts.earlyStopping;
  const plateau = opts.reduceLrOnPlateau;
  const minDelta = early ? early.minDelta : DEFAULT_MIN_DELTA;

  const history = { loss: [] as number[], valLoss: [] as number[], learningRate: [] as number[] };
  let bestEpoch = 0;
  let bestLoss = Number.POSITIVE_INFINITY;
  let bestWeights: tf.Tensor[] | undefined;
  let earlyWait = 0;
  let plateauBest = Number.POSITIVE_INFINITY;
  let plateauWait = 0;
  let stoppedEarly = false;
  let aborted = false;

  const start = performance.now();
  let trainSeconds = 0;
  let valSeconds = 0;
  let valRuns = 0;
  let samplesDone = 0;
  const elapsed = () => (performance.now() - start) / 1000;
  const rate = () => (trainSeconds > 0 ? samplesDone / trainSeconds : 0);
  const eta = (epoch: number, samplesThisEpoch: number) => {
    const remaining = (epochs - epoch + 1) * train.size - samplesThisEpoch;
    const perVal = valRuns > 0 ? valSeconds / valRuns : 0;
    const speed = rate();
    const trainEta = speed > 0 ? remaining / speed : Number.NaN;
    return trainEta + perVal * (epochs - epoch + (samplesThisEpoch === train.size ? 0 : 1));
  };
  const emit = (event: TrainProgress) => opts.onProgress?.(event);
  const last = (values: number[]) => (values.length > 0 ? values[values.length - 1] : Number.NaN);

  try {
    for (let epoch = 1; epoch <= epochs && !aborted; epoch++) {
      const learningRate = getLearningRate(optimizer);
      emit({
        kind: 'epoch-start', epoch, epochs, loss: last(history.loss),
        ...(val ? { valLoss: last(history.valLoss) } : {}),
        learningRate, samplesPerSecond: rate(), etaSeconds: eta(epoch, 0), elapsedSeconds: elapsed(),
      });
      const order = opts.shuffle ? permutation(train.size, opts.seed, epoch) : identity(train.size);
      let lossSum = 0;
      let seen = 0;
      for (let batch = 1; batch <= batches; batch++) {
        await nextMacrotask(); // lets timers, I/O and abort() run between steps
        if (opts.signal?.aborted) {
          aborted = true;
          break;
        }
        const from = (batch - 1) * batchSize;
        const n = Math.min(batchSize, train.size - from);
        const stepStart = performance.now();
        const loss = await trainStep(model, train, order.subarray(from, from + n), xSize, ySize, shape);
        trainSeconds += (performance.now() - stepStart) / 1000;
        samplesDone += n;
        if (!Number.isFinite(loss)) {
          throw new NonFiniteLossError(
            `training loss is ${loss} at epoch ${epoch}, batch ${batch} (learning rate ` +
              `${learningRate}): check input scaling and non-finite values, or lower the learning rate`,
            epoch, batch, loss,
          );
        }
        lossSum += loss * n;
        seen += n;
        if (batch % opts.progressEveryBatches === 0 || batch === batches) {
          emit({
            kind: 'batch', epoch, epochs, batch, batches, loss: lossSum / seen, learningRate,
            samplesPerSecond: rate(), etaSeconds: eta(epoch, seen), elapsedSeconds: elapsed(),
          });
        }
      }
      if (aborted) break;

      const epochLoss = lossSum / seen;
      let valLoss: number | undefined;
      if (val !== undefined) {
        const valStart = performance.now();
        valLoss = evaluateLoss(model, val, xSize, ySize, shape);
        valSeconds += (performance.now() - valStart) / 1000;
        valRuns++;
        if (!Number.isFinite(valLoss)) {
          throw new NonFiniteLossError(
            `validation loss is ${valLoss} at epoch ${epoch}: check the validation data for ` +
              `non-finite values, or lower the learning rate`,
            epoch, undefined, valLoss,
          );
        }
      }
      history.loss.push(epochLoss);
      if (valLoss !== undefined) history.valLoss.push(valLoss);
      history.learningRate.push(learningRate);

      const monitored = valLoss ?? epochLoss;
      const improved = monitored < bestLoss - minDelta;
      if (improved) {
        bestLoss = monitored;
        bestEpoch = epoch;
        earlyWait = 0;
        if (early && early.restoreBestWeights) {
          tf.dispose(bestWeights);
          bestWeights = model.getWeights().map((w) => w.clone());
        }
      } else {
        earlyWait++;
      }
      emit({
        kind: 'epoch-end', epoch, epochs, loss: epochLoss,
        ...(valLoss !== undefined ? { valLoss } : {}),
        learningRate, samplesPerSecond: rate(), etaSeconds: eta(epoch, train.size),
        elapsedSeconds: elapsed(), improved,
      });
      if (improved && opts.checkpoint) await opts.checkpoint(model, epoch, monitored);

      if (plateau) {
        if (monitored < plateauBest - plateau.minDelta) {
          plateauBest = monitored;
          plateauWait = 0;
        } else if (++plateauWait >= plateau.patience) {
          const reduced = Math.max(learningRate * plateau.factor, plateau.minLearningRate);
          if (reduced < learningRate) setLearningRate(optimizer, reduced);
          plateauWait = 0;
        }
      }
      if (early && earlyWait >= early.patience && epoch < epochs) {
        stoppedEarly = true;
        break;
      }
    }

    let restoredBestWeights = false;
    const epochsRun = history.loss.length;
    if (bestWeights !== undefined && bestEpoch !== epochsRun) {
      model.setWeights(bestWeights);
      restoredBestWeights = true;
    }
    const summary: TrainHistory = {
      ...history,
      bestEpoch,
      bestLoss: bestEpoch > 0 ? bestLoss : Number.NaN,
      epochsRun,
      stoppedEarly,
      aborted,
      restoredBestWeights,
      seconds: elapsed(),
      samplesPerSecond: rate(),
    };
    emit({
      kind: 'end', epoch: epochsRun, epochs, loss: last(history.loss),
      ...(val ? { valLoss: last(history.valLoss) } : {}),
      learningRate: getLearningRate(optimizer), samplesPerSecond: summary.samplesPerSecond,
      etaSeconds: 0, elapsedSeconds: summary.seconds,
    });
    return summary;
  } finally {
    tf.dispose(bestWeights);
  }
}

/** One gradient step on the samples `indices`; returns the batch's mean loss. */
async function trainStep(
  model: tf.LayersModel,
  set: SupervisedSet,
  indices: Uint32Array,
  xSize: number,
  ySize: number,
  shape: ModelShape,
): Promise<number> {
  const n = indices.length;
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
function evaluateLoss(
  model: tf.LayersModel,
  set: SupervisedSet,
  xSize: number,
  ySize: number,
  shape: ModelShape,
): number {
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

/**
 * The seeded permutation of `[0, size)` used for epoch `epoch` (Fisher-Yates with seedrandom's
 * ARC4 generator seeded by `"<seed>:<epoch>"`).
 *
 * @returns A new `Uint32Array` of length `size`.
 * @example
 * const order = permutation(5, 42, 1); // the same on every run and platform
 * Array.from(order).sort(); // => [0, 1, 2, 3, 4]
 */
export function permutation(size: number, seed: number, epoch: number): Uint32Array {
  const order = identity(size);
  const rng = seedrandom(`${seed}:${epoch}`);
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

function identity(size: number): Uint32Array {
  const order = new Uint32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  return order;
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
  readonly earlyStopping: Required<EarlyStoppingOptions> | undefined;
  readonly reduceLrOnPlateau: Required<ReduceLrOnPlateauOptions> | undefined;
  readonly checkpoint: TrainOptions['checkpoint'];
  readonly onProgress: TrainOptions['onProgress'];
  readonly signal: AbortSignal | undefined;
  readonly progressEveryBatches: number;
}

function resolveTrainOptions(options: TrainOptions): ResolvedTrainOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  const early = options.earlyStopping;
  const plateau = options.reduceLrOnPlateau;
  return {
    epochs: positiveInteger('epochs', options.epochs),
    batchSize: positiveInteger('batchSize', options.batchSize),
    seed: seedValue('seed', options.seed),
    shuffle: options.shuffle === undefined ? true : booleanValue('shuffle', options.shuffle),
    earlyStopping:
      early === undefined || early === false
        ? undefined
        : {
            patience: positiveInteger('earlyStopping.patience', objectField('earlyStopping', early).patience),
            minDelta:
              early.minDelta === undefined
                ? DEFAULT_MIN_DELTA
                : nonNegativeFinite('earlyStopping.minDelta', early.minDelta),
            restoreBestWeights:
              early.restoreBestWeights === undefined
                ? true
                : booleanValue('earlyStopping.restoreBestWeights', early.restoreBestWeights),
          },
    reduceLrOnPlateau:
      plateau === undefined || plateau === false
        ? undefined
        : {
            patience: positiveInteger(
              'reduceLrOnPlateau.patience',
              objectField('reduceLrOnPlateau', plateau).patience,
            ),
            factor: factorValue('reduceLrOnPlateau.factor', plateau.factor),
            minLearningRate:
              plateau.minLearningRate === undefined
                ? DEFAULT_MIN_LEARNING_RATE
                : nonNegativeFinite('reduceLrOnPlateau.minLearningRate', plateau.minLearningRate),
            minDelta:
              plateau.minDelta === undefined
                ? DEFAULT_MIN_DELTA
                : nonNegativeFinite('reduceLrOnPlateau.minDelta', plateau.minDelta),
          },
    checkpoint: optionalFunction('checkpoint', options.checkpoint),
    onProgress: optionalFunction('onProgress', options.onProgress),
    signal: abortSignal(options.signal),
    progressEveryBatches:
      options.progressEveryBatches === undefined
        ? DEFAULT_PROGRESS_EVERY_BATCHES
        : positiveInteger('progressEveryBatches', options.progressEveryBatches),
  };
}

function objectField<T>(name: string, value: T): T {
  if (typeof value !== 'object' || value === null) fail(name, 'an object or false', value);
  return value;
}

function factorValue(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) fail(name, 'a number in (0, 1)', value);
  return value;
}

function optionalFunction<T>(name: string, value: T): T {
  if (value !== undefined && typeof value !== 'function') fail(name, 'a function', value);
  return value;
}

function abortSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || typeof (value as AbortSignal).aborted !== 'boolean') {
    throw new InputError(`signal must be an AbortSignal, got ${describeValue(value)}`, {
      argument: 'signal',
      value,
    });
  }
  return value as AbortSignal;
}
