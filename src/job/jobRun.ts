import type { JobStage } from './metrics';

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
  /** Seconds of each stage ended so far (the object is live: it grows as stages end). */
  readonly seconds: Partial<Record<JobStage, number>> = {};
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

  /** Ends the last stage: the seconds of every stage. */
  finish(): Readonly<Partial<Record<JobStage, number>>> {
    this.seconds[this.stage] = (Date.now() - this.stageStart) / 1000;
    return { ...this.seconds };
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
