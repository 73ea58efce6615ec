/**
 * Live training progress in a notebook: one output, updated in place, with a status line and a
 * loss chart that grows by one point per epoch.
 */
import type { TrainHistory, TrainProgress } from '../model/train';
import { isHeadlessRun } from '../notebook/headless';
import { InputError, describeValue } from '../errors';
import { escapeHtml } from '../report/escape';
import { canDisplay, createLiveDisplay, type LiveDisplay } from './display';
import { lossFigure } from '../plot/lossFigure';
import { figureSummary } from '../plot/summary';

/**
 * Minimum time between two updates of the output in an interactive notebook, in milliseconds:
 * fast enough to watch, slow enough not to flood the front end (tslab drops messages under a
 * flood).
 * @defaultValue `500`
 */
export const DEFAULT_MONITOR_THROTTLE_MS = 500;

/**
 * Minimum time between two updates under the headless runner (see `isHeadlessRun`), in
 * milliseconds: nobody watches, and the saved notebook keeps only the final state anyway.
 * @defaultValue `5000`
 */
export const DEFAULT_HEADLESS_THROTTLE_MS = 5000;

/** Options of {@link createTrainingMonitor}. */
export interface TrainingMonitorOptions {
  /**
   * Minimum milliseconds between two updates of the output, a non-negative number. The first
   * event, the `'end'` event and {@link TrainingMonitor.finish} always update it.
   * @defaultValue {@link DEFAULT_MONITOR_THROTTLE_MS}, or {@link DEFAULT_HEADLESS_THROTTLE_MS} when `headless`
   */
  readonly throttleMs?: number;
  /**
   * Whether the notebook runs under the headless runner (only changes the default `throttleMs`).
   * @defaultValue `isHeadlessRun()` (the runner sets `LSTM_WORKBENCH_HEADLESS=1` in its kernels)
   */
  readonly headless?: boolean;
  /** Prefix of the status line, e.g. the configuration being trained (`'lookback 24'`). */
  readonly label?: string;
  /**
   * Legend label of the validation curve (see `lossFigure`), also used for it in the status line
   * (e.g. `'test loss'` when the held-out set is a test set).
   * @defaultValue `'validation loss'` in the chart, `'val'` in the status line
   */
  readonly valLossName?: string;
  /**
   * Log-scale loss axis; losses `<= 0` are then left out as gaps.
   * @defaultValue `false`
   */
  readonly logY?: boolean;
  /** Jupyter display id of the output. @defaultValue a fresh random id (see `createLiveDisplay`) */
  readonly displayId?: string;
  /** Clock in milliseconds, for tests. @defaultValue `Date.now` */
  readonly now?: () => number;
}

/** What {@link createTrainingMonitor} returns. */
export interface TrainingMonitor {
  /** The display id of the output. */
  readonly id: string;
  /** Pass as `onProgress` to `LstmForecaster.fit`, `trainModel` or `runForecastJob`. */
  readonly onProgress: (event: TrainProgress) => void;
  /**
   * Shows the final state now (never throttled), e.g. after training threw. With the history
   * returned by training, the chart is redrawn from it and the status line says how training
   * ended (epochs, seconds, best epoch, early stop).
   */
  finish(history?: TrainHistory | null): void;
  /** Number of times the output was shown or updated so far. */
  readonly updates: number;
}

interface EpochPoint {
  readonly loss: number;
  readonly valLoss: number | undefined;
}

/**
 * Creates a live training display for a tslab notebook: ONE output that is replaced in place
 * (`update_display_data`) as training progresses. It shows
 * - a status line: epoch / epochs (and batch within the epoch), training loss, validation loss,
 *   samples/s, ETA; at the end, epochs run, seconds, best epoch and whether training stopped
 *   early;
 * - from the first completed epoch on, a `lossFigure` (traces `'train loss'`, the validation
 *   curve, `'best epoch (k)'`) with the status line as its title and in its `text/plain`
 *   summary, growing by one point per epoch.
 *
 * Updates are throttled to one per `throttleMs`; skipped events are folded into the next update,
 * and the `'end'` event (or {@link TrainingMonitor.finish}) always shows the final state. Under the
 * headless runner the default throttle is long, and since the runner applies in-place updates the
 * saved notebook holds a single output with the final state.
 *
 * Outside a notebook (plain Node, no display sink) the status line is printed to stdout at each
 * (throttled) update instead.
 *
 * Non-finite losses (a diverging run) are drawn as gaps rather than stopping training.
 *
 * @param options - See {@link TrainingMonitorOptions}.
 * @returns A {@link TrainingMonitor}; nothing is displayed before its first event.
 * @throws InputError when `throttleMs` is negative or not a number, or `label` / `displayId` is
 *   not a non-empty string.
 * @example
 * const monitor = createTrainingMonitor();
 * const forecaster = await LstmForecaster.fit(series, split, { horizon: 12, onProgress: monitor.onProgress });
 * monitor.finish(forecaster.history);
 */
export function createTrainingMonitor(options: TrainingMonitorOptions = {}): TrainingMonitor {
  const headless = options.headless ?? isHeadlessRun();
  const throttleMs = options.throttleMs ?? (headless ? DEFAULT_HEADLESS_THROTTLE_MS : DEFAULT_MONITOR_THROTTLE_MS);
  if (typeof throttleMs !== 'number' || Number.isNaN(throttleMs) || throttleMs < 0) {
    throw new InputError(`throttleMs must be a number >= 0, got ${describeValue(throttleMs)}`, { argument: 'throttleMs', value: throttleMs });
  }
  if (options.label !== undefined && (typeof options.label !== 'string' || options.label === '')) {
    throw new InputError(`label must be a non-empty string, got ${describeValue(options.label)}`, { argument: 'label', value: options.label });
  }
  const now = options.now ?? Date.now;
  const live: LiveDisplay = options.displayId === undefined ? createLiveDisplay() : createLiveDisplay(options.displayId);
  const prefix = options.label === undefined ? '' : `${options.label} · `;

  const epochs: EpochPoint[] = [];
  let bestEpoch = 0;
  let latest: TrainProgress | undefined;
  let lastShown = Number.NEGATIVE_INFINITY;
  let updates = 0;

  // The status line names the held-out loss like the chart's legend does ('test loss 0.01').
  const valLabel = options.valLossName ?? 'val';

  const show = (status: string, points: readonly EpochPoint[], best: number): void => {
    const line = prefix + status;
    updates += 1;
    lastShown = now();
    if (!canDisplay()) {
      live.text(line);
      return;
    }
    if (points.length === 0) {
      live.html(`<div style="font:13px monospace;padding:4px 0">${escapeHtml(line)}</div>`, { text: line });
      return;
    }
    const figure = lossFigureFor(points, best, line, options);
    live.figure(figure, { summary: `${line}\n${figureSummary(figure)}` });
  };

  const onProgress = (event: TrainProgress): void => {
    latest = event;
    if (event.kind === 'epoch-end') {
      epochs[event.epoch - 1] = { loss: event.loss, valLoss: event.valLoss };
      if (event.improved === true) bestEpoch = event.epoch;
    }
    const due = updates === 0 || event.kind === 'end' || now() - lastShown >= throttleMs;
    if (due) show(event.kind === 'end' ? endStatus(event, bestEpoch, valLabel) : progressStatus(event, valLabel), epochs, bestEpoch);
  };

  const finish = (history?: TrainHistory | null): void => {
    if (history !== undefined && history !== null) {
      const points = history.loss.map((loss, i) => ({ loss, valLoss: history.valLoss[i] }));
      show(historyStatus(history, valLabel), points, history.bestEpoch);
      return;
    }
    if (latest === undefined) {
      show('no training progress was received', [], 0);
      return;
    }
    show(latest.kind === 'end' ? endStatus(latest, bestEpoch, valLabel) : `stopped · ${progressStatus(latest, valLabel)}`, epochs, bestEpoch);
  };

  return {
    id: live.id,
    onProgress,
    finish,
    get updates() {
      return updates;
    },
  };
}

function lossFigureFor(
  points: readonly EpochPoint[],
  bestEpoch: number,
  title: string,
  options: TrainingMonitorOptions,
): ReturnType<typeof lossFigure> {
  const logY = options.logY ?? false;
  // lossFigure rejects infinite values (and non-positive ones on a log axis): draw them as gaps.
  const clean = (v: number | undefined): number => (v === undefined || !Number.isFinite(v) || (logY && v <= 0) ? Number.NaN : v);
  // Sparse when events were missed (monitor attached late): those epochs are gaps too.
  const full = Array.from({ length: points.length }, (_, i) => points[i]);
  const loss = full.map((p) => clean(p?.loss));
  const hasVal = full.some((p) => p?.valLoss !== undefined);
  const valLoss = hasVal ? full.map((p) => clean(p?.valLoss)) : undefined;
  const curve = valLoss ?? loss;
  const best = bestEpoch >= 1 && bestEpoch <= curve.length && Number.isFinite(curve[bestEpoch - 1]) ? bestEpoch : undefined;
  return lossFigure({
    loss,
    ...(valLoss === undefined ? {} : { valLoss }),
    ...(options.valLossName === undefined ? {} : { valLossName: options.valLossName }),
    ...(best === undefined ? {} : { bestEpoch: best }),
    logY,
    title,
  });
}

function num(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '-';
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(3) : v.toPrecision(4);
}

function seconds(v: number): string {
  if (!Number.isFinite(v)) return '-';
  if (v < 60) return `${v.toFixed(v < 10 ? 1 : 0)} s`;
  return `${Math.floor(v / 60)} min ${String(Math.round(v % 60)).padStart(2, '0')} s`;
}

function progressStatus(e: TrainProgress, valLabel: string): string {
  const where = e.kind === 'batch' && e.batch !== undefined && e.batches !== undefined ? ` (batch ${e.batch}/${e.batches})` : '';
  const val = e.valLoss === undefined ? '' : ` · ${valLabel} ${num(e.valLoss)}`;
  const rate = Number.isFinite(e.samplesPerSecond) && e.samplesPerSecond > 0 ? `${Math.round(e.samplesPerSecond)}` : '-';
  return `epoch ${e.epoch}/${e.epochs}${where} · loss ${num(e.loss)}${val} · ${rate} samples/s · ETA ${seconds(e.etaSeconds)}`;
}

function endStatus(e: TrainProgress, bestEpoch: number, valLabel: string): string {
  const val = e.valLoss === undefined ? '' : ` · ${valLabel} ${num(e.valLoss)}`;
  const best = bestEpoch > 0 ? ` · best epoch ${bestEpoch}` : '';
  return `done · ${e.epoch}/${e.epochs} epochs in ${seconds(e.elapsedSeconds)} · loss ${num(e.loss)}${val}${best} · ${Math.round(e.samplesPerSecond)} samples/s`;
}

function historyStatus(h: TrainHistory, valLabel: string): string {
  const how = h.aborted ? ' (aborted)' : h.stoppedEarly ? ' (stopped early)' : '';
  const best = h.bestEpoch > 0 ? ` · best epoch ${h.bestEpoch}: ${h.valLoss.length > 0 ? valLabel : 'loss'} ${num(h.bestLoss)}${h.restoredBestWeights ? ', weights restored' : ''}` : '';
  return `done · ${h.epochsRun} epochs in ${seconds(h.seconds)}${how}${best} · ${Math.round(h.samplesPerSecond)} samples/s`;
}
