/**
 * The `train` stage's progress: the fit's callbacks (series i/n in local mode, preprocessing
 * candidate i/n, the training loop's epochs and batches) as {@link StageProgress} events in
 * epochs over the whole stage.
 */
import type { TrainProgress } from '../model/train';
import { StageMeter } from './stageProgress';
import type { StageProgress } from './stageProgress';

function fmt(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toPrecision(4);
}

/**
 * The training numbers of an event for a display: `loss 0.1235  val 0.2346  812 samples/s`
 * (`-` for a missing or non-finite value).
 * @example
 * trainDetail({ kind: 'epoch-end', epoch: 1, epochs: 2, loss: 0.5, learningRate: 1e-3, samplesPerSecond: 812.4, etaSeconds: 1, elapsedSeconds: 1 });
 * // => 'loss 0.5000  val -  812 samples/s'
 */
export function trainDetail(e: TrainProgress): string {
  const sps = Number.isFinite(e.samplesPerSecond) ? String(Math.round(e.samplesPerSecond)) : '-';
  return `loss ${fmt(e.loss)}  val ${fmt(e.valLoss)}  ${sps} samples/s`;
}

/** Options of {@link TrainStageProgress}. */
export interface TrainStageProgressOptions {
  /** Receives every event, synchronously. */
  readonly emit: (event: StageProgress) => void;
  /** The clock, in milliseconds. @defaultValue `Date.now` */
  readonly now?: () => number;
}

/**
 * Turns the callbacks of a fit (`LstmModelOptions.onSeries`, `onCandidate`, `onProgress`) into
 * `train` events. The stage's total is series x candidates x epochs (`epochs` as each training
 * run reports it): an upper bound, since early stopping ends a run sooner (its remaining epochs
 * then count as done at its `end` event). Series and candidate counts are known only once the
 * fit reports them, so the total grows until then.
 *
 * @example
 * const events: StageProgress[] = [];
 * const train = new TrainStageProgress({ emit: (e) => events.push(e) });
 * train.onCandidate(2, 4);
 * train.onProgress({ kind: 'epoch-end', epoch: 5, epochs: 10, loss: 0.1, learningRate: 1e-3, samplesPerSecond: 900, etaSeconds: 5, elapsedSeconds: 5 });
 * [events[0].done, events[0].total, events[0].label]; // => [15, 40, 'candidate 2/4, epoch 5/10']
 */
export class TrainStageProgress {
  private readonly meter: StageMeter;
  private series = { index: 0, count: 1, id: '' };
  private candidate = { index: 0, count: 1 };
  private epochs = 0;
  /** The last losses of the current training run, kept for its next events (an epoch's start). */
  private detail: string | undefined;

  constructor(options: TrainStageProgressOptions) {
    this.meter = new StageMeter({ stage: 'train', unit: 'epochs', emit: options.emit, now: options.now });
  }

  /** `onSeries` of the fit: network `index` of `count` (1-based) begins, for series `id`. */
  onSeries(index: number, count: number, id: string): void {
    this.series = { index: index - 1, count, id };
    this.candidate = { index: 0, count: this.candidate.count };
    this.detail = undefined;
  }

  /** `onCandidate` of the fit: candidate `index` of `count` (1-based) begins. */
  onCandidate(index: number, count: number): void {
    this.candidate = { index: index - 1, count };
    this.detail = undefined;
  }

  /** `onProgress` of the fit: one training loop event (its detail: the run's latest losses and speed). */
  onProgress(e: TrainProgress): void {
    this.epochs = e.epochs;
    const runs = this.series.count * this.candidate.count;
    this.meter.setTotal(runs * e.epochs);
    const run = this.series.index * this.candidate.count + this.candidate.index;
    const within =
      e.kind === 'end' ? e.epochs : e.kind === 'epoch-end' ? e.epoch : e.epoch - 1 + (e.kind === 'batch' && e.batch && e.batches ? e.batch / e.batches : 0);
    if (e.kind === 'epoch-end' || e.kind === 'batch') this.detail = trainDetail(e);
    this.meter.update(run * e.epochs + within, this.label(e), this.detail);
  }

  /** Emits the stage as complete (when the fit returns). */
  finish(): void {
    if (this.epochs > 0) this.meter.finish();
  }

  private label(e: TrainProgress): string {
    const parts: string[] = [];
    if (this.series.count > 1) parts.push(`series ${this.series.index + 1}/${this.series.count} (${this.series.id})`);
    if (this.candidate.count > 1) parts.push(`candidate ${this.candidate.index + 1}/${this.candidate.count}`);
    parts.push(`epoch ${e.epoch}/${e.epochs}`);
    return parts.join(', ');
  }
}
