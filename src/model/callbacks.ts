/**
 * Training callbacks: the hooks `trainModel`'s loop calls, the run state they see, and the
 * built-in callbacks (early stopping with weight restore, learning-rate reduction on plateau,
 * checkpoints, progress events, cancellation by an `AbortSignal`).
 *
 * The shape is that of Keras' `callbacks.py` and tfjs' `tfjs-layers/src/callbacks.ts`: a callback
 * implements any of `onTrainBegin`, `onEpochBegin`, `onBatchBegin`, `onBatchEnd`, `onEpochEnd`
 * and `onTrainEnd`, and asks the loop to stop with {@link TrainRun.stop}. Porting notes: hooks
 * receive the {@link TrainRun} instead of a `this.model`; only `onEpochEnd` may be asynchronous
 * (the checkpoint); `dispose` releases a callback's tensors however training ends.
 */
import * as tf from '../tf';
import { getLearningRate, setLearningRate } from './optimizer';
import { booleanValue, fail, nonNegativeFinite, positiveInteger } from '../validate';

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

/** Default `progressEveryBatches` of {@link ProgressLogger} (and of `trainModel`). */
export const DEFAULT_PROGRESS_EVERY_BATCHES = 10;
/** Default {@link EarlyStoppingOptions.minDelta} and {@link ReduceLrOnPlateauOptions.minDelta}. */
export const DEFAULT_MIN_DELTA = 0;
/** Default {@link ReduceLrOnPlateauOptions.minLearningRate}. */
export const DEFAULT_MIN_LEARNING_RATE = 0;

/** Why training ended before its last epoch: an early stop (after an epoch) or an abort (mid-epoch). */
export type TrainStopReason = 'early' | 'abort';

/** What {@link TrainCallback.onEpochBegin} receives. */
export interface EpochBeginLogs {
  /** 1-based epoch. */
  readonly epoch: number;
  /** Learning rate in effect for the whole epoch. */
  readonly learningRate: number;
}

/** What {@link TrainCallback.onBatchBegin} receives. */
export interface BatchBeginLogs {
  /** 1-based epoch. */
  readonly epoch: number;
  /** 1-based batch within the epoch. */
  readonly batch: number;
}

/** What {@link TrainCallback.onBatchEnd} receives. */
export interface BatchEndLogs extends BatchBeginLogs {
  /** Sample-weighted mean training loss over this epoch's batches so far. */
  readonly loss: number;
  /** Training samples of this epoch processed so far, this batch included. */
  readonly seen: number;
  /** Learning rate in effect for the epoch. */
  readonly learningRate: number;
}

/** What {@link TrainCallback.onEpochEnd} receives (the epoch is already in {@link TrainRun.history}). */
export interface EpochEndLogs {
  /** 1-based epoch. */
  readonly epoch: number;
  /** Sample-weighted mean training loss of the epoch. */
  readonly loss: number;
  /** Validation loss; undefined without a validation set. */
  readonly valLoss: number | undefined;
  /** Learning rate in effect for the epoch. */
  readonly learningRate: number;
  /** The monitored loss: `valLoss`, or `loss` without a validation set. */
  readonly monitored: number;
  /** Whether `monitored` beat the run's best by more than {@link TrainRunSpec.minDelta}. */
  readonly improved: boolean;
}

/**
 * One training callback. Every hook is optional; the loop calls them in this order:
 * `onTrainBegin`, then per epoch `onEpochBegin`, per batch `onBatchBegin` and `onBatchEnd`,
 * `onEpochEnd` (awaited), and finally `onTrainEnd`; `dispose` runs last, also when training
 * throws. A stop asked for ({@link TrainRun.stop}) is honoured at the next batch boundary (the
 * partial epoch is then discarded) or after the current `onEpochEnd`.
 *
 * @example
 * const lossLog: TrainCallback = { onEpochEnd: (_run, logs) => console.log(logs.epoch, logs.loss) };
 * const run = new TrainRun({ model, optimizer: model.optimizer, epochs: 3, batches: 2, trainSize: 64, hasValidation: false });
 * await new CallbackList([lossLog]).onEpochEnd(run, run.recordEpoch(1, 0.5, undefined, 0.01)); // logs "1 0.5"
 */
export interface TrainCallback {
  /** Before the first epoch: reset per-run state here. */
  onTrainBegin?(run: TrainRun): void;
  /** Before an epoch's first batch. */
  onEpochBegin?(run: TrainRun, logs: EpochBeginLogs): void;
  /** Before each gradient step; a stop asked for here skips the step and the rest of the epoch. */
  onBatchBegin?(run: TrainRun, logs: BatchBeginLogs): void;
  /** After each gradient step. */
  onBatchEnd?(run: TrainRun, logs: BatchEndLogs): void;
  /** After an epoch's validation, once its values are in the history; awaited when it returns a promise. */
  onEpochEnd?(run: TrainRun, logs: EpochEndLogs): void | Promise<void>;
  /** After the last epoch, the early stop or the abort (not after a throw). */
  onTrainEnd?(run: TrainRun): void;
  /** Releases tensors the callback holds; called once, however training ends. */
  dispose?(): void;
}

/**
 * Run bookkeeping apart from the work: wall-clock time, time in training steps and validation,
 * samples processed, and the throughput and ETA derived from them.
 *
 * @example
 * let now = 0; // a fake milliseconds clock
 * const clock = new TrainClock(2, 100, () => now);
 * await clock.timeStep(50, async () => { now += 1000; }); // a gradient step of 1 s on 50 samples
 * clock.rate(); // => 50
 * clock.eta(1, 50); // => 3
 */
export class TrainClock {
  private readonly started: number;
  private ended: number | undefined;
  private trainSeconds = 0;
  private valSeconds = 0;
  private valRuns = 0;
  private samplesDone = 0;

  /**
   * @param epochs - Maximum number of epochs, the horizon of {@link TrainClock.eta}.
   * @param trainSize - Training samples per epoch.
   * @param now - Milliseconds clock (tests pass a fake). @defaultValue `performance.now`
   */
  constructor(
    private readonly epochs: number,
    private readonly trainSize: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
  }

  /** Runs one training step over `samples` samples, adding its duration to the training time. */
  async timeStep<T>(samples: number, step: () => Promise<T>): Promise<T> {
    const start = this.now();
    const result = await step();
    this.trainSeconds += (this.now() - start) / 1000;
    this.samplesDone += samples;
    return result;
  }

  /** Runs one validation pass, adding its duration to the validation time. */
  timeValidation<T>(evaluate: () => T): T {
    const start = this.now();
    const result = evaluate();
    this.valSeconds += (this.now() - start) / 1000;
    this.valRuns++;
    return result;
  }

  /** Seconds since the clock was created, or until {@link TrainClock.stop}. */
  elapsed(): number {
    return ((this.ended ?? this.now()) - this.started) / 1000;
  }

  /** Training samples per second of training steps; 0 before the first step. */
  rate(): number {
    return this.trainSeconds > 0 ? this.samplesDone / this.trainSeconds : 0;
  }

  /**
   * Seconds left to train through epoch `epochs`, from `samplesThisEpoch` samples into `epoch`,
   * validation passes included (at their mean duration so far); `NaN` before the first step.
   */
  eta(epoch: number, samplesThisEpoch: number): number {
    const remaining = (this.epochs - epoch + 1) * this.trainSize - samplesThisEpoch;
    const perVal = this.valRuns > 0 ? this.valSeconds / this.valRuns : 0;
    const speed = this.rate();
    const trainEta = speed > 0 ? remaining / speed : Number.NaN;
    return trainEta + perVal * (this.epochs - epoch + (samplesThisEpoch === this.trainSize ? 0 : 1));
  }

  /**
   * Fixes the end of the run on the first call, so that the `'end'` event and the returned
   * history report the same seconds; returns {@link TrainClock.elapsed}.
   */
  stop(): number {
    this.ended ??= this.now();
    return this.elapsed();
  }
}

/** The lowest value so far, where only a drop of more than `minDelta` counts as a new best. */
class BestTracker {
  value = Number.POSITIVE_INFINITY;
  epoch = 0;

  constructor(private readonly minDelta: number) {}

  /** Records `value` of `epoch`; returns whether it is a new best. */
  update(value: number, epoch: number): boolean {
    const improved = value < this.value - this.minDelta;
    if (improved) {
      this.value = value;
      this.epoch = epoch;
    }
    return improved;
  }
}

/** What a {@link TrainRun} is created with. */
export interface TrainRunSpec {
  /** The model being trained (callbacks must not dispose it). */
  readonly model: tf.LayersModel;
  /** Its optimiser. */
  readonly optimizer: tf.Optimizer;
  /** Maximum number of epochs, a positive integer. */
  readonly epochs: number;
  /** Batches per epoch. */
  readonly batches: number;
  /** Training samples per epoch. */
  readonly trainSize: number;
  /** Whether a validation set is monitored. */
  readonly hasValidation: boolean;
  /**
   * Improvement threshold of {@link EpochEndLogs.improved} and {@link TrainRun.bestEpoch}.
   * @defaultValue {@link DEFAULT_MIN_DELTA} (0)
   */
  readonly minDelta?: number;
  /** Milliseconds clock of {@link TrainRun.clock}. @defaultValue `performance.now` */
  readonly now?: () => number;
}

/**
 * The state of one training run, shared by the loop and its callbacks: the model, the history so
 * far, the best monitored loss, the clock, and whether (and why) a stop was asked for.
 *
 * @example
 * const run = new TrainRun({ model, optimizer: model.optimizer, epochs: 5, batches: 2, trainSize: 64, hasValidation: false });
 * run.recordEpoch(1, 0.5, undefined, 0.01).improved; // => true
 * run.recordEpoch(2, 0.6, undefined, 0.01).improved; // => false
 * run.bestEpoch; // => 1
 */
export class TrainRun implements TrainRunSpec {
  readonly model: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  readonly epochs: number;
  readonly batches: number;
  readonly trainSize: number;
  readonly hasValidation: boolean;
  readonly minDelta: number;
  readonly clock: TrainClock;
  /** Per completed epoch: training loss, validation loss (if any) and learning rate. */
  readonly history = { loss: [] as number[], valLoss: [] as number[], learningRate: [] as number[] };
  /** Set by a callback that put the best weights back into the model. */
  restoredBestWeights = false;
  private readonly best: BestTracker;
  private reason: TrainStopReason | undefined;

  /** @param spec - See {@link TrainRunSpec}. */
  constructor(spec: TrainRunSpec) {
    this.model = spec.model;
    this.optimizer = spec.optimizer;
    this.epochs = spec.epochs;
    this.batches = spec.batches;
    this.trainSize = spec.trainSize;
    this.hasValidation = spec.hasValidation;
    this.minDelta = spec.minDelta ?? DEFAULT_MIN_DELTA;
    this.best = new BestTracker(this.minDelta);
    this.clock = new TrainClock(spec.epochs, spec.trainSize, spec.now);
  }

  /** Completed epochs. */
  get epochsRun(): number {
    return this.history.loss.length;
  }

  /** 1-based epoch of the best monitored loss; 0 before any epoch completes. */
  get bestEpoch(): number {
    return this.best.epoch;
  }

  /** The best monitored loss; `Infinity` before any epoch completes. */
  get bestLoss(): number {
    return this.best.value;
  }

  /** Why training is stopping, or undefined while it goes on. */
  get stopReason(): TrainStopReason | undefined {
    return this.reason;
  }

  /** Asks the loop to stop (see {@link TrainCallback}); the first reason given is kept. */
  stop(reason: TrainStopReason): void {
    this.reason ??= reason;
  }

  /** Appends a completed epoch to the history and updates the best; returns the epoch's logs. */
  recordEpoch(epoch: number, loss: number, valLoss: number | undefined, learningRate: number): EpochEndLogs {
    this.history.loss.push(loss);
    if (valLoss !== undefined) this.history.valLoss.push(valLoss);
    this.history.learningRate.push(learningRate);
    const monitored = valLoss ?? loss;
    const improved = this.best.update(monitored, epoch);
    return { epoch, loss, valLoss, learningRate, monitored, improved };
  }
}

/**
 * Calls each hook on every callback, in list order (tfjs `CallbackList`).
 *
 * @example
 * const run = new TrainRun({ model, optimizer: model.optimizer, epochs: 3, batches: 2, trainSize: 64, hasValidation: false });
 * const controller = new AbortController();
 * const callbacks = new CallbackList([new AbortOnSignal(controller.signal)]);
 * controller.abort();
 * callbacks.onBatchBegin(run, { epoch: 1, batch: 1 });
 * run.stopReason; // => 'abort'
 */
export class CallbackList {
  /** @param callbacks - Called in this order. */
  constructor(private readonly callbacks: readonly TrainCallback[]) {}

  /** See {@link TrainCallback.onTrainBegin}. */
  onTrainBegin(run: TrainRun): void {
    for (const callback of this.callbacks) callback.onTrainBegin?.(run);
  }

  /** See {@link TrainCallback.onEpochBegin}. */
  onEpochBegin(run: TrainRun, logs: EpochBeginLogs): void {
    for (const callback of this.callbacks) callback.onEpochBegin?.(run, logs);
  }

  /** See {@link TrainCallback.onBatchBegin}. */
  onBatchBegin(run: TrainRun, logs: BatchBeginLogs): void {
    for (const callback of this.callbacks) callback.onBatchBegin?.(run, logs);
  }

  /** See {@link TrainCallback.onBatchEnd}. */
  onBatchEnd(run: TrainRun, logs: BatchEndLogs): void {
    for (const callback of this.callbacks) callback.onBatchEnd?.(run, logs);
  }

  /** See {@link TrainCallback.onEpochEnd}; awaits each returned promise before the next callback. */
  async onEpochEnd(run: TrainRun, logs: EpochEndLogs): Promise<void> {
    for (const callback of this.callbacks) {
      const pending = callback.onEpochEnd?.(run, logs);
      if (pending !== undefined) await pending;
    }
  }

  /** See {@link TrainCallback.onTrainEnd}. */
  onTrainEnd(run: TrainRun): void {
    for (const callback of this.callbacks) callback.onTrainEnd?.(run);
  }

  /** See {@link TrainCallback.dispose}. */
  dispose(): void {
    for (const callback of this.callbacks) callback.dispose?.();
  }
}

/**
 * Stops training after `patience` epochs in a row without improvement of the monitored loss, and
 * keeps a copy of the best epoch's weights to put back at the end (Keras `EarlyStopping`).
 *
 * Improvement is judged as {@link EpochEndLogs.improved}, with this callback's `minDelta`. No stop
 * is asked for after the last epoch. The weights are restored when training ends, however it
 * ends, unless the best epoch is the last completed one (then they are already in the model).
 *
 * Memory: holds one copy of the weights while training; {@link EarlyStopping.dispose} frees it.
 *
 * @throws InputError (constructor) for invalid options, naming `earlyStopping.<field>`.
 * @example
 * new EarlyStopping({ patience: 5 }).options; // => { patience: 5, minDelta: 0, restoreBestWeights: true }
 */
export class EarlyStopping implements TrainCallback {
  /** The options with their defaults filled in. */
  readonly options: Required<EarlyStoppingOptions>;
  private best: BestTracker;
  private wait = 0;
  private bestWeights: tf.Tensor[] | undefined;

  /** @param options - See {@link EarlyStoppingOptions}. */
  constructor(options: EarlyStoppingOptions) {
    this.options = resolveEarlyStopping(options);
    this.best = new BestTracker(this.options.minDelta);
  }

  /** Forgets any previous run. */
  onTrainBegin(): void {
    this.dispose();
    this.best = new BestTracker(this.options.minDelta);
    this.wait = 0;
  }

  /** Counts epochs without improvement, snapshots improving weights, and asks to stop. */
  onEpochEnd(run: TrainRun, logs: EpochEndLogs): void {
    if (this.best.update(logs.monitored, logs.epoch)) {
      this.wait = 0;
      if (this.options.restoreBestWeights) {
        tf.dispose(this.bestWeights);
        this.bestWeights = run.model.getWeights().map((w) => w.clone());
      }
    } else {
      this.wait++;
    }
    if (this.wait >= this.options.patience && logs.epoch < run.epochs) run.stop('early');
  }

  /** Puts the best weights back when a later epoch changed them. */
  onTrainEnd(run: TrainRun): void {
    if (this.bestWeights !== undefined && this.best.epoch !== run.epochsRun) {
      run.model.setWeights(this.bestWeights);
      run.restoredBestWeights = true;
    }
  }

  /** Frees the weight snapshot. */
  dispose(): void {
    tf.dispose(this.bestWeights);
    this.bestWeights = undefined;
  }
}

/**
 * Multiplies the learning rate by `factor` after `patience` epochs in a row without improvement
 * of the monitored loss, never below `minLearningRate` (Keras `ReduceLROnPlateau`, without its
 * cooldown). The new rate applies from the next epoch; the wait restarts after each reduction.
 *
 * @throws InputError (constructor) for invalid options, naming `reduceLrOnPlateau.<field>`.
 * @example
 * new ReduceLrOnPlateau({ patience: 3, factor: 0.5 }).options.minLearningRate; // => 0
 */
export class ReduceLrOnPlateau implements TrainCallback {
  /** The options with their defaults filled in. */
  readonly options: Required<ReduceLrOnPlateauOptions>;
  private best: BestTracker;
  private wait = 0;

  /** @param options - See {@link ReduceLrOnPlateauOptions}. */
  constructor(options: ReduceLrOnPlateauOptions) {
    this.options = resolveReduceLrOnPlateau(options);
    this.best = new BestTracker(this.options.minDelta);
  }

  /** Forgets any previous run. */
  onTrainBegin(): void {
    this.best = new BestTracker(this.options.minDelta);
    this.wait = 0;
  }

  /** Counts epochs without improvement and reduces the optimiser's rate after `patience` of them. */
  onEpochEnd(run: TrainRun, logs: EpochEndLogs): void {
    if (this.best.update(logs.monitored, logs.epoch)) {
      this.wait = 0;
    } else if (++this.wait >= this.options.patience) {
      const reduced = Math.max(logs.learningRate * this.options.factor, this.options.minLearningRate);
      if (reduced < logs.learningRate) setLearningRate(run.optimizer, reduced);
      this.wait = 0;
    }
  }
}

/** Saves the model: awaited with the model, the 1-based epoch and its monitored loss. */
export type CheckpointFunction = (model: tf.LayersModel, epoch: number, valLoss: number) => Promise<void>;

/**
 * Awaits `save` after every epoch whose monitored loss improves ({@link EpochEndLogs.improved}),
 * so the last call holds the best epoch (Keras `ModelCheckpoint` with `save_best_only`).
 *
 * @throws InputError (constructor) when `save` is not a function.
 * @example
 * const saved: number[] = [];
 * const checkpoint = new Checkpoint(async (_model, epoch) => { saved.push(epoch); }); // or model.save(...)
 * const run = new TrainRun({ model, optimizer: model.optimizer, epochs: 3, batches: 2, trainSize: 64, hasValidation: false });
 * await checkpoint.onEpochEnd(run, run.recordEpoch(1, 0.5, undefined, 0.01));
 * await checkpoint.onEpochEnd(run, run.recordEpoch(2, 0.7, undefined, 0.01));
 * saved; // => [1]
 */
export class Checkpoint implements TrainCallback {
  /** @param save - Must neither dispose nor train the model. */
  constructor(private readonly save: CheckpointFunction) {
    if (typeof save !== 'function') fail('checkpoint', 'a function', save);
  }

  /** Saves when the epoch improved. */
  onEpochEnd(run: TrainRun, logs: EpochEndLogs): Promise<void> | undefined {
    return logs.improved ? this.save(run.model, logs.epoch, logs.monitored) : undefined;
  }
}

/**
 * Emits {@link TrainProgress} events: `'epoch-start'`, a `'batch'` event every `everyBatches`
 * batches and after each epoch's last batch, `'epoch-end'`, and `'end'` (which fixes the run's
 * end time, see {@link TrainClock.stop}).
 *
 * @throws InputError (constructor) for a non-function `onProgress` or a bad `everyBatches`.
 * @example
 * const progress = new ProgressLogger((e) => console.log(e.kind, e.epoch, e.loss, e.etaSeconds), 5);
 */
export class ProgressLogger implements TrainCallback {
  /**
   * @param onProgress - Called synchronously; keep it fast.
   * @param everyBatches - A positive integer. @defaultValue {@link DEFAULT_PROGRESS_EVERY_BATCHES}
   */
  constructor(
    private readonly onProgress: (event: TrainProgress) => void,
    private readonly everyBatches = DEFAULT_PROGRESS_EVERY_BATCHES,
  ) {
    if (typeof onProgress !== 'function') fail('onProgress', 'a function', onProgress);
    positiveInteger('progressEveryBatches', everyBatches);
  }

  /** Emits `'epoch-start'` with the previous epoch's losses. */
  onEpochBegin(run: TrainRun, { epoch, learningRate }: EpochBeginLogs): void {
    const { clock, history } = run;
    this.onProgress({
      kind: 'epoch-start', epoch, epochs: run.epochs, loss: last(history.loss),
      ...(run.hasValidation ? { valLoss: last(history.valLoss) } : {}),
      learningRate, samplesPerSecond: clock.rate(), etaSeconds: clock.eta(epoch, 0),
      elapsedSeconds: clock.elapsed(),
    });
  }

  /** Emits `'batch'` every `everyBatches` batches and after the epoch's last one. */
  onBatchEnd(run: TrainRun, { epoch, batch, loss, seen, learningRate }: BatchEndLogs): void {
    if (batch % this.everyBatches !== 0 && batch !== run.batches) return;
    const { clock } = run;
    this.onProgress({
      kind: 'batch', epoch, epochs: run.epochs, batch, batches: run.batches, loss, learningRate,
      samplesPerSecond: clock.rate(), etaSeconds: clock.eta(epoch, seen), elapsedSeconds: clock.elapsed(),
    });
  }

  /** Emits `'epoch-end'`. */
  onEpochEnd(run: TrainRun, { epoch, loss, valLoss, learningRate, improved }: EpochEndLogs): void {
    const { clock } = run;
    this.onProgress({
      kind: 'epoch-end', epoch, epochs: run.epochs, loss,
      ...(valLoss !== undefined ? { valLoss } : {}),
      learningRate, samplesPerSecond: clock.rate(), etaSeconds: clock.eta(epoch, run.trainSize),
      elapsedSeconds: clock.elapsed(), improved,
    });
  }

  /** Emits `'end'` with the last completed epoch's values. */
  onTrainEnd(run: TrainRun): void {
    const { clock, history } = run;
    this.onProgress({
      kind: 'end', epoch: run.epochsRun, epochs: run.epochs, loss: last(history.loss),
      ...(run.hasValidation ? { valLoss: last(history.valLoss) } : {}),
      learningRate: getLearningRate(run.optimizer), samplesPerSecond: clock.rate(),
      etaSeconds: 0, elapsedSeconds: clock.stop(),
    });
  }
}

/**
 * Stops training at the next batch boundary once `signal` is aborted: the partial epoch is
 * discarded and training ends as after a last epoch (best weights restored, no throw).
 *
 * @throws InputError (constructor) when `signal` is not an `AbortSignal`.
 * @example
 * const controller = new AbortController();
 * const abort = new AbortOnSignal(controller.signal); // controller.abort() stops training
 */
export class AbortOnSignal implements TrainCallback {
  /** @param signal - Checked before every batch. */
  constructor(private readonly signal: AbortSignal) {
    if (typeof signal !== 'object' || signal === null || typeof (signal as AbortSignal).aborted !== 'boolean') {
      fail('signal', 'an AbortSignal', signal);
    }
  }

  /** Asks to stop when the signal is aborted. */
  onBatchBegin(run: TrainRun): void {
    if (this.signal.aborted) run.stop('abort');
  }
}

function last(values: readonly number[]): number {
  return values.length > 0 ? values[values.length - 1] : Number.NaN;
}

function resolveEarlyStopping(options: EarlyStoppingOptions): Required<EarlyStoppingOptions> {
  if (typeof options !== 'object' || options === null) fail('earlyStopping', 'an object', options);
  const { patience, minDelta, restoreBestWeights } = options;
  return {
    patience: positiveInteger('earlyStopping.patience', patience),
    minDelta: minDelta === undefined ? DEFAULT_MIN_DELTA : nonNegativeFinite('earlyStopping.minDelta', minDelta),
    restoreBestWeights:
      restoreBestWeights === undefined ? true : booleanValue('earlyStopping.restoreBestWeights', restoreBestWeights),
  };
}

function openUnitInterval(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) fail(name, 'a number in (0, 1)', value);
  return value;
}

function resolveReduceLrOnPlateau(options: ReduceLrOnPlateauOptions): Required<ReduceLrOnPlateauOptions> {
  if (typeof options !== 'object' || options === null) fail('reduceLrOnPlateau', 'an object', options);
  const { patience, factor, minLearningRate, minDelta } = options;
  return {
    patience: positiveInteger('reduceLrOnPlateau.patience', patience),
    factor: openUnitInterval('reduceLrOnPlateau.factor', factor),
    minLearningRate:
      minLearningRate === undefined
        ? DEFAULT_MIN_LEARNING_RATE
        : nonNegativeFinite('reduceLrOnPlateau.minLearningRate', minLearningRate),
    minDelta: minDelta === undefined ? DEFAULT_MIN_DELTA : nonNegativeFinite('reduceLrOnPlateau.minDelta', minDelta),
  };
}
