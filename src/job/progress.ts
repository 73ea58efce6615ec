import { SingleBar } from 'cli-progress';
import type { TrainProgress } from '../model/train';

/** Options of {@link createProgressReporter}. */
export interface ProgressReporterOptions {
  /** Write nothing but log lines when false. @defaultValue true */
  readonly enabled?: boolean;
  /** Where to write. @defaultValue `process.stderr` */
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Draw a bar (TTY) or plain lines. @defaultValue `stream.isTTY` */
  readonly tty?: boolean;
  /**
   * Plain lines only: one line per epoch instead of one every {@link EPOCH_LINE_EVERY} epochs.
   * @defaultValue false
   */
  readonly everyEpoch?: boolean;
}

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
  readonly onProgress: (event: TrainProgress) => void;
  readonly log: (line: string) => void;
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
 * Turns training progress events into a progress bar on a TTY, or plain epoch lines otherwise
 * (logs, CI, notebooks' stderr: the first, every {@link EPOCH_LINE_EVERY}-th and the last epoch,
 * or every epoch with `everyEpoch`), so output never floods a file.
 */
export function createProgressReporter(options: ProgressReporterOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const enabled = options.enabled ?? true;
  const tty = options.tty ?? Boolean(stream.isTTY);
  let bar: SingleBar | null = null;

  const stop = (): void => {
    if (bar) {
      bar.stop();
      bar = null;
    }
  };
  const log = (line: string): void => {
    if (bar) {
      // cli-progress redraws on the same line; finish the line first.
      stream.write('\n');
    }
    stream.write(`${line}\n`);
  };
  let pending: TrainProgress | null = null;
  let lastLineAt = Date.now();
  const plainLine = (e: TrainProgress): void => {
    if (e.kind === 'epoch-end') {
      const due = options.everyEpoch || e.epoch === 1 || e.epoch % EPOCH_LINE_EVERY === 0 || e.epoch === e.epochs;
      if (due || Date.now() - lastLineAt > EPOCH_LINE_SECONDS * 1000) {
        log(formatEpochLine(e));
        lastLineAt = Date.now();
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
  const onProgress = (e: TrainProgress): void => {
    if (!enabled) return;
    if (!tty) {
      plainLine(e);
      return;
    }
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
    if (e.kind === 'end') {
      stop();
      return;
    }
    const done = e.kind === 'epoch-end' ? e.epoch : e.epoch - 1 + (e.batch && e.batches ? e.batch / e.batches : 0);
    bar.update(done, {
      epoch: e.epoch,
      epochs: e.epochs,
      loss: fmt(e.loss),
      val: fmt(e.valLoss),
      sps: whole(e.samplesPerSecond),
      eta_s: whole(e.etaSeconds),
    });
  };
  return { onProgress, log, stop };
}
