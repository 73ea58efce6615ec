import { STAGE_SECONDS_KEYS, type JobStage, type SecondsByStage, type StageSecondsKey } from './metrics';

/** Thrown when the job's signal aborts training: nothing is written (the CLI exits 130). */
export class JobAbortedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobAbortedError';
  }
}

/**
 * Resolves like `work`, or rejects with {@link JobAbortedError} as soon as `signal` aborts, without
 * waiting for `work` (whose later rejection is then ignored): for steps that take no signal of
 * their own, such as a download from a slow server.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined, message: () => string): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(new JobAbortedError(message()));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new JobAbortedError(message()));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** What a {@link JobRun} reads of the job's options (see `ForecastJobOptions`). */
export interface JobRunOptions {
  /** The output directory, as given: named by the abort messages. */
  readonly out: string;
  /** Called when a stage begins; the run waits for a returned promise. */
  readonly onStage?: (stage: JobStage) => void | Promise<void>;
  /** Aborts the job: checked whenever a stage begins and wherever the job calls `checkAborted`. */
  readonly signal?: AbortSignal;
}

/**
 * The bookkeeping of one forecast job, kept apart from its work: when it started, the stage it is
 * in, the seconds each stage took, and the abort checks (whose message names the stage). The
 * `setup` stage is timed from construction.
 *
 * @example
 * const run = new JobRun({ out: 'runs/a' });
 * await run.begin(); // setup
 * await run.enter('load');
 * run.finish(); // { setup: 0.001, load: 0 }
 */
export class JobRun {
  /** `Date.now()` when the run began. */
  readonly started = Date.now();
  /** Seconds of each stage ended so far, and the parts split off them (live: it grows as stages end). */
  readonly seconds: Partial<Record<StageSecondsKey, number>> = {};
  private stage: JobStage = 'setup';
  private stageStart = Date.now();

  constructor(private readonly options: JobRunOptions) {}

  /** Announces the first stage, `setup`, then checks for an abort. */
  async begin(): Promise<void> {
    await this.options.onStage?.('setup');
    this.checkAborted();
  }

  /** Ends the current stage (its seconds recorded), announces `next`, then checks for an abort. */
  async enter(next: JobStage): Promise<void> {
    this.seconds[this.stage] = (Date.now() - this.stageStart) / 1000;
    this.stage = next;
    this.stageStart = Date.now();
    await this.options.onStage?.(next);
    this.checkAborted();
  }

  /**
   * Moves `seconds` of an ended stage to a part of its own: e.g. the backtest's time in the
   * reference models to `baselines`, so that the stages' seconds still add up.
   * @throws RangeError when `stage` has not ended, or `seconds` is negative or above its seconds.
   * @example
   * run.splitOff('backtest', 'baselines', 12.5); // seconds: { ..., backtest: 3.1, baselines: 12.5 }
   */
  splitOff(stage: JobStage, part: Exclude<StageSecondsKey, JobStage>, seconds: number): void {
    const whole = this.seconds[stage];
    if (whole === undefined) throw new RangeError(`stage ${stage} has not ended: nothing to split off`);
    // A sum of milliseconds / 1000 may exceed the stage's own by a rounding error, no more.
    if (!(seconds >= 0) || seconds > whole + 1e-6) {
      throw new RangeError(`seconds must be in [0, ${whole}] (the seconds of ${stage}), got ${seconds}`);
    }
    // Rounded to the millisecond, the stages' resolution: no 0.37999999999 from the subtraction.
    const moved = Math.round(Math.min(seconds, whole) * 1000) / 1000;
    this.seconds[stage] = Math.round((whole - moved) * 1000) / 1000;
    this.seconds[part] = moved;
  }

  /** A copy of {@link seconds} in {@link STAGE_SECONDS_KEYS} order. */
  snapshot(): SecondsByStage {
    const ordered: Partial<Record<StageSecondsKey, number>> = {};
    for (const key of STAGE_SECONDS_KEYS) if (this.seconds[key] !== undefined) ordered[key] = this.seconds[key];
    return ordered;
  }

  /** Ends the last stage: the seconds of every stage. */
  finish(): SecondsByStage {
    this.seconds[this.stage] = (Date.now() - this.stageStart) / 1000;
    return this.snapshot();
  }

  /** @throws JobAbortedError naming the current stage when the signal has aborted. */
  checkAborted(): void {
    if (this.options.signal?.aborted) throw new JobAbortedError(this.abortMessage());
  }

  /** `work`, abandoned with {@link JobAbortedError} as soon as the signal aborts (see {@link abortable}). */
  abortable<T>(work: Promise<T>): Promise<T> {
    return abortable(work, this.options.signal, () => this.abortMessage());
  }

  private abortMessage(): string {
    return `interrupted during ${this.stage}; nothing was written to ${this.options.out}`;
  }
}
