import { SingleBar } from 'cli-progress';
import type { TrainProgress } from '../model/train';
import type { JobStage } from './metrics';
import { formatDuration, formatStageLine, type StageProgress } from './stageProgress';

/** Options of {@link createProgressReporter}. */
export interface ProgressReporterOptions {
  /** Write nothing but log lines when false. @defaultValue true */
  readonly enabled?: boolean;
  /** Where to write. @defaultValue `process.stderr` */
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Draw bars (on a TTY stream; `false` forces plain lines there) or plain lines. @defaultValue `stream.isTTY` */
  readonly tty?: boolean;
  /**
   * Plain lines only: one line per epoch instead of one every {@link EPOCH_LINE_EVERY} epochs.
   * @defaultValue false
   */
  readonly everyEpoch?: boolean;
  /**
   * Plain lines only: the shortest silence between two lines of one stage, in seconds (the
   * first and the last event of a stage are always written). @defaultValue {@link STAGE_LINE_SECONDS}
   */
  readonly stageLineSeconds?: number;
  /**
   * Plain lines only: a stage's line is also written when its label changes (the next model of
   * the backtest, say) after this many seconds without a line, so that the line before a long
   * silence names what runs. @defaultValue {@link STAGE_LABEL_SECONDS}
   */
  readonly stageLabelSeconds?: number;
  /** The clock, in milliseconds (tests pass a fake one). @defaultValue `Date.now` */
  readonly now?: () => number;
}

/**
 * See {@link ProgressReporterOptions.stageLabelSeconds}: 2 s, so that a quick run's models pass
 * without a line each, while one that starts after a slow one is named (its work is one call, which
 * reports nothing until it returns).
 */
export const STAGE_LABEL_SECONDS = 2;

/** See {@link ProgressReporterOptions.stageLineSeconds}: at most one line per stage every 10 s. */
export const STAGE_LINE_SECONDS = 10;

/**
 * Without a terminal, a line is written for the first epoch, every `EPOCH_LINE_EVERY`-th, each
 * epoch a slow run spends more than {@link EPOCH_LINE_SECONDS} s on since the last line, and the
 * last one, so a 200-epoch run logs ~20 lines, not 200.
 */
export const EPOCH_LINE_EVERY = 10;
/** See {@link EPOCH_LINE_EVERY}: the longest silence between epoch lines, in seconds. */
export const EPOCH_LINE_SECONDS = 30;

/** Sinks for a long job's events, and a `stop` to call before other output. */
export interface ProgressReporter {
  /** Training events (`ForecastJobOptions.onProgress`). */
  readonly onProgress: (event: TrainProgress) => void;
  /** Stage events (`ForecastJobOptions.onStageProgress`). */
  readonly onStageProgress: (event: StageProgress) => void;
  readonly log: (line: string) => void;
  /** Ends any bar; call it before other output. */
  readonly stop: () => void;
}

function fmt(v: number | undefined, digits = 4): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toPrecision(digits);
}

function whole(v: number, unit = ''): string {
  return Number.isFinite(v) ? `${Math.round(v)}${unit}` : '-';
}

/**
 * Formats one epoch as a plain line: `epoch 3/200  loss 0.1234  val 0.2345  lr 1.000e-3  812 samples/s  ETA 12s`
 * (`*` appended when the monitored loss improved; `-` for a value that is missing or not finite,
 * e.g. the ETA before the first batch, which train.ts reports as NaN).
 */
export function formatEpochLine(e: TrainProgress): string {
  return (
    `epoch ${e.epoch}/${e.epochs}  loss ${fmt(e.loss)}  val ${fmt(e.valLoss)}  lr ${e.learningRate.toExponential(3)}  ` +
    `${whole(e.samplesPerSecond)} samples/s  ETA ${whole(e.etaSeconds, 's')}${e.improved ? '  *' : ''}`
  );
}

/**
 * Shows a long job's progress on `stream`: on a TTY one progress bar per stage (label, done /
 * total, ETA), from the stage events; otherwise plain lines, so output never floods a file
 * (logs, CI, notebooks' stderr): per stage its first and last event and at most one line every
 * {@link STAGE_LINE_SECONDS} s between them.
 *
 * Training, the longest stage of a small job, keeps its own, richer lines from the training
 * events: the first, every {@link EPOCH_LINE_EVERY}-th and the last epoch (or every epoch with
 * `everyEpoch`), with loss, learning rate and speed; the `train` stage events give the bar its
 * candidate and series. Training events draw an epoch bar of their own only on a TTY that gets
 * no stage events.
 *
 * @example
 * const progress = createProgressReporter({ stream: process.stderr });
 * await runForecastJob({ ...options, onProgress: progress.onProgress, onStageProgress: progress.onStageProgress, log: progress.log });
 * progress.stop();
 */
export function createProgressReporter(options: ProgressReporterOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const enabled = options.enabled ?? true;
  const tty = options.tty ?? Boolean(stream.isTTY);
  const now = options.now ?? Date.now;
  let active: { stop(): void; drawing(): boolean } | null = null;
  const log = (line: string): void => {
    // cli-progress redraws on the same line; finish the line first.
    if (active?.drawing()) stream.write('\n');
    stream.write(`${line}\n`);
  };
  const every = { line: options.stageLineSeconds ?? STAGE_LINE_SECONDS, label: options.stageLabelSeconds ?? STAGE_LABEL_SECONDS };
  const stages = tty ? stageBars(stream) : stageLines(log, every, now);
  const epochs = tty ? epochBar(stream) : epochLines(log, options.everyEpoch === true, now);
  let stageEvents = false;
  const onStageProgress = (e: StageProgress): void => {
    if (!enabled) return;
    stageEvents = true;
    if (tty) epochs.stop();
    active = stages;
    stages.show(e);
  };
  const onProgress = (e: TrainProgress): void => {
    if (!enabled || (tty && stageEvents)) return;
    if (tty) active = epochs;
    epochs.show(e);
  };
  const stop = (): void => {
    epochs.stop();
    stages.stop();
  };
  return { onProgress, onStageProgress, log, stop };
}

/** One kind of event shown one way (a bar or lines). */
interface Display<E> {
  show(event: E): void;
  stop(): void;
  /** Whether a bar is on the current line. */
  drawing(): boolean;
}

/** Training lines: the first, every {@link EPOCH_LINE_EVERY}-th and the last epoch, or a slow one. */
function epochLines(log: (line: string) => void, everyEpoch: boolean, now: () => number): Display<TrainProgress> {
  let pending: TrainProgress | null = null;
  let lastLineAt = now();
  const show = (e: TrainProgress): void => {
    if (e.kind === 'epoch-end') {
      const due = everyEpoch || e.epoch === 1 || e.epoch % EPOCH_LINE_EVERY === 0 || e.epoch === e.epochs;
      if (due || now() - lastLineAt > EPOCH_LINE_SECONDS * 1000) {
        log(formatEpochLine(e));
        lastLineAt = now();
        pending = null;
      } else {
        pending = e;
      }
    } else if (e.kind === 'end' && pending) {
      // The run stopped early (or was interrupted) between two due lines: show where.
      log(formatEpochLine(pending));
      pending = null;
    }
  };
  return { show, stop: () => undefined, drawing: () => false };
}

/** Training as one bar per training run (a TTY without stage events). */
function epochBar(stream: NodeJS.WritableStream): Display<TrainProgress> {
  let bar: SingleBar | null = null;
  const stop = (): void => {
    bar?.stop();
    bar = null;
  };
  const show = (e: TrainProgress): void => {
    if (bar === null && e.kind !== 'end') {
      bar = new SingleBar({
        stream,
        format: 'epoch {epoch}/{epochs} |{bar}| loss {loss} val {val} | {sps} samples/s | ETA {eta_s}s',
        hideCursor: true,
        clearOnComplete: false,
      });
      bar.start(e.epochs, 0, { epoch: e.epoch, epochs: e.epochs, loss: '-', val: '-', sps: 0, eta_s: '-' });
    }
    if (bar === null) return;
    if (e.kind === 'end') return stop();
    const done = e.kind === 'epoch-end' ? e.epoch : e.epoch - 1 + (e.batch && e.batches ? e.batch / e.batches : 0);
    bar.update(done, { epoch: e.epoch, epochs: e.epochs, loss: fmt(e.loss), val: fmt(e.valLoss), sps: whole(e.samplesPerSecond), eta_s: whole(e.etaSeconds) });
  };
  return { show, stop, drawing: () => bar !== null };
}

/**
 * Stage lines: per stage its first event, its last (`done >= total`), and in between an event
 * when `every.line` seconds have passed since the stage's last line, or `every.label` seconds and
 * the label changed; an event held back is written when the next stage begins (a stage that ends
 * without reaching its total), never after the stage's last line. The `train` stage is left to
 * {@link epochLines}.
 */
function stageLines(log: (line: string) => void, every: { line: number; label: number }, now: () => number): Display<StageProgress> {
  let stage: JobStage | null = null;
  let lastLineAt = 0;
  let lastLabel = '';
  let pending: StageProgress | null = null;
  let ended = false;
  const flush = (): void => {
    if (pending !== null && !ended) log(formatStageLine(pending));
    pending = null;
  };
  const show = (e: StageProgress): void => {
    if (e.stage === 'train') return;
    const last = e.total > 0 && e.done >= e.total;
    if (e.stage !== stage) {
      flush();
      stage = e.stage;
      ended = false;
    } else {
      const silence = now() - lastLineAt;
      const due = last || silence >= every.line * 1000 || (e.label !== lastLabel && silence >= every.label * 1000);
      if (ended || !due) {
        pending = ended ? null : e;
        return;
      }
    }
    log(formatStageLine(e));
    lastLineAt = now();
    lastLabel = e.label;
    pending = null;
    ended = last;
  };
  // At `stop` a held-back event is dropped: after a failure it would only delay the error, and a
  // job that succeeds ends every stage with its last line.
  return { show, stop: () => void (pending = null), drawing: () => false };
}

/** Stage bars: one cli-progress bar per stage, left on screen when the next stage begins. */
function stageBars(stream: NodeJS.WritableStream): Display<StageProgress> {
  let bar: SingleBar | null = null;
  let stage: JobStage | null = null;
  const stop = (): void => {
    bar?.stop();
    bar = null;
    stage = null;
  };
  const show = (e: StageProgress): void => {
    if (e.stage !== stage) {
      stop();
      stage = e.stage;
      bar = new SingleBar({ stream, format: '{stage} |{bar}| {count} | {left} | {label}', hideCursor: true, clearOnComplete: false });
      bar.start(1, 0, barPayload(e));
    }
    bar!.setTotal(e.total > 0 ? e.total : 1);
    bar!.update(e.total > 0 ? Math.min(e.done, e.total) : 0, barPayload(e));
  };
  return { show, stop, drawing: () => bar !== null };
}

/** The bar's fields: `train    `, `2/8 epochs`, `ETA 6.0s` (or `done in 12s`), the label and detail. */
function barPayload(e: StageProgress): Record<string, string> {
  const counted = e.total > 0;
  return {
    stage: e.stage.padEnd(8),
    count: counted ? `${Math.round(e.done)}/${Math.round(e.total)} ${e.unit}` : '-',
    left: counted && e.done >= e.total ? `done in ${formatDuration(e.elapsedSeconds)}` : `ETA ${formatDuration(e.etaSeconds)}`,
    label: e.detail ? `${e.label}  ${e.detail}` : e.label,
  };
}
