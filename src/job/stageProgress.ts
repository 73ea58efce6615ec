/**
 * Progress of the forecast job's long stages as one event type: what runs, how much of the stage
 * is done, and the time left at the rate so far. A {@link StageMeter} makes the events of one
 * stage; the CLI draws them (see `createProgressReporter`), the queue worker forwards them.
 */
import type { JobStage } from './metrics';

/** One progress event of a stage of `runForecastJob`. */
export interface StageProgress {
  /** The stage (see `JOB_STAGES`). */
  readonly stage: JobStage;
  /** What runs now, e.g. `test: arima` or `candidate 2/4, epoch 3/200`; `''` when there is nothing more to say. */
  readonly label: string;
  /** Units of the stage done so far, in `[0, total]`; may be fractional (part of an epoch). */
  readonly done: number;
  /**
   * Units of the whole stage, `>= 0`; 0 while unknown (a file being read). An upper bound where
   * the work may end sooner (training's epochs with early stopping), and it may grow when more
   * becomes known (training's preprocessing candidates).
   */
  readonly total: number;
  /** What `done` and `total` count: `series`, `epochs`, `origins`, `charts`, `files`. */
  readonly unit: string;
  /** Seconds since the stage's meter started. */
  readonly elapsedSeconds: number;
  /** Seconds left at the rate so far (see {@link etaSeconds}); NaN before any progress. */
  readonly etaSeconds: number;
  /** Further text for a display, e.g. training's `loss 0.1235  val 0.2346  812 samples/s`. @defaultValue none */
  readonly detail?: string;
}

/**
 * Seconds left if the rest of the work goes at the rate so far: `elapsed * (total - done) / done`.
 * @param done - Units done, `>= 0`.
 * @param total - Units in all, `>= 0`.
 * @param elapsedSeconds - Seconds spent on the `done` units.
 * @returns NaN when nothing is done yet (or `total` is unknown, 0), 0 once `done >= total`.
 * @example
 * etaSeconds(25, 100, 10); // => 30
 * etaSeconds(0, 100, 10); // => NaN
 */
export function etaSeconds(done: number, total: number, elapsedSeconds: number): number {
  if (!(total > 0) || !(done > 0)) return Number.NaN;
  if (done >= total) return 0;
  return (elapsedSeconds * (total - done)) / done;
}

/** Options of {@link StageMeter}. */
export interface StageMeterOptions {
  readonly stage: JobStage;
  /** See {@link StageProgress.unit}. */
  readonly unit: string;
  /** Units in all; 0 while unknown (see {@link StageMeter.setTotal}). @defaultValue 0 */
  readonly total?: number;
  /** Receives every event, synchronously. */
  readonly emit: (event: StageProgress) => void;
  /** The clock, in milliseconds (tests pass a fake one). @defaultValue `Date.now` */
  readonly now?: () => number;
}

/**
 * Makes the {@link StageProgress} events of one stage: elapsed time from its construction, the
 * ETA from the rate so far, and the last label kept until a new one is given. It emits every
 * update; displays throttle (see `createProgressReporter`).
 *
 * @example
 * const events: StageProgress[] = [];
 * const meter = new StageMeter({ stage: 'report', unit: 'charts', total: 4, emit: (e) => events.push(e) });
 * meter.update(1, 'series 1/2');
 * meter.finish();
 * events.map((e) => [e.done, e.label]); // => [[1, 'series 1/2'], [4, 'series 1/2']]
 */
export class StageMeter {
  private readonly now: () => number;
  private readonly started: number;
  private total: number;
  private done = 0;
  private label = '';

  constructor(private readonly options: StageMeterOptions) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
    this.total = options.total ?? 0;
  }

  /** Sets the units in all (e.g. once a file is parsed), without emitting. */
  setTotal(total: number): void {
    this.total = total;
  }

  /**
   * Emits the progress at `done` units, with `label` (or the last one).
   * @param done - Units done so far.
   * @param label - What runs now. @defaultValue the last label
   * @param detail - See {@link StageProgress.detail}. @defaultValue none
   */
  update(done: number, label?: string, detail?: string): void {
    this.done = done;
    if (label !== undefined) this.label = label;
    const elapsedSeconds = (this.now() - this.started) / 1000;
    this.options.emit({
      stage: this.options.stage,
      label: this.label,
      done,
      total: this.total,
      unit: this.options.unit,
      elapsedSeconds,
      etaSeconds: etaSeconds(done, this.total, elapsedSeconds),
      ...(detail === undefined ? {} : { detail }),
    });
  }

  /** Emits the stage as complete (`done = total`), with `label` (or the last one). */
  finish(label?: string): void {
    this.update(Math.max(this.total, this.done), label);
  }
}

/**
 * A duration for a display: tenths below 10 s (`3.2s`), whole seconds below a minute (`42s`),
 * then `4m 05s` and `1h 02m`.
 * @param seconds - Seconds; negative counts as 0.
 * @returns The text; `-` when `seconds` is not finite.
 * @example
 * formatDuration(245.2); // => '4m 05s'
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '-';
  if (seconds < 9.95) return `${Math.max(0, seconds).toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * One event as a plain line: `backtest: test: arima  45% (18000/40000 origins)  ETA 1m 20s`,
 * at the end `backtest: test: holt_winters  done: 40000 origins in 3m 12s`; without a total,
 * `load: reading data.csv`. Counts are rounded to whole units.
 * @example
 * formatStageLine({ stage: 'report', label: 'charts', done: 1, total: 4, unit: 'charts', elapsedSeconds: 2, etaSeconds: 6 });
 * // => 'report: charts  25% (1/4 charts)  ETA 6.0s'
 */
export function formatStageLine(e: StageProgress): string {
  const head = `${e.stage}: ${e.label || e.stage}`;
  const detail = e.detail ? `  ${e.detail}` : '';
  if (!(e.total > 0)) return `${head}${detail}`;
  if (e.done >= e.total) return `${head}  done: ${Math.round(e.total)} ${e.unit} in ${formatDuration(e.elapsedSeconds)}${detail}`;
  const percent = Math.floor((100 * e.done) / e.total);
  return `${head}  ${percent}% (${Math.round(e.done)}/${Math.round(e.total)} ${e.unit})  ETA ${formatDuration(e.etaSeconds)}${detail}`;
}
