import type { PlotlyFigure, PlotlyTrace } from './figure';
import type { NumericInput } from './types';
import { assertIntegerInRange, assertLength, assertName, assertOptionalString, fail } from '../validate';
import { toPlotValues } from './values';
import { axis, baseLayout, colorAt } from './style';
import { InputError } from '../errors';


/** Options of {@link lossFigure}. */
export interface LossFigureOptions {
  /** Training loss per epoch (`loss[0]` is epoch 1); `NaN` is a gap. At least one epoch. */
  readonly loss: NumericInput;
  /** Validation loss per epoch, same length as `loss`. */
  readonly valLoss?: NumericInput;
  /**
   * Legend label of `valLoss`, e.g. `'test loss'` when the held-out curve is a test set.
   * @defaultValue {@link DEFAULT_VAL_LOSS_NAME}
   */
  readonly valLossName?: string;
  /** 1-based epoch to mark (e.g. the one whose weights were kept), in `[1, loss.length]`. */
  readonly bestEpoch?: number;
  /** Learning rate per epoch, same length as `loss`, all `> 0`; drawn on a right-hand log axis. */
  readonly learningRate?: NumericInput;
  /**
   * Log-scale loss axis (then all finite losses must be `> 0`).
   * @defaultValue {@link DEFAULT_LOSS_LOG_Y}
   */
  readonly logY?: boolean;
  /**
   * Figure title.
   * @defaultValue {@link DEFAULT_LOSS_TITLE}
   */
  readonly title?: string;
}

/**
 * Whether the loss axis is log-scale by default.
 * @defaultValue `false`
 */
export const DEFAULT_LOSS_LOG_Y = false;

/**
 * Legend label of the validation curve of {@link lossFigure}.
 * @defaultValue `'validation loss'`
 */
export const DEFAULT_VAL_LOSS_NAME = 'validation loss';

/**
 * Title of {@link lossFigure}.
 * @defaultValue `'Training history'`
 */
export const DEFAULT_LOSS_TITLE = 'Training history';

/**
 * Training and validation loss by epoch (1-based), with the best epoch marked and an optional
 * learning-rate curve.
 *
 * Trace order: `'train loss'`, `valLossName` (if `valLoss` is given), `'best epoch (k)'` (one
 * marker on the validation curve, or on the training curve without validation, plus a dotted
 * vertical line in `layout.shapes`), `'learning rate'` (if given, on `yaxis2`).
 *
 * @param options - See {@link LossFigureOptions}; not mutated.
 * @returns A new figure with `xaxis.title.text === 'epoch'` and `yaxis.title.text === 'loss'`.
 * @throws InputError when `loss` is empty, lengths differ, a value is infinite, `bestEpoch` is
 *   not an integer in `[1, loss.length]` or points at a `NaN` loss, `logY` is set and a loss is
 *   `<= 0`, or a learning rate is not `> 0`.
 * @example
 * const fig = lossFigure({ loss: [1, 0.5, 0.4], valLoss: [1.1, 0.6, 0.7], bestEpoch: 2 });
 * fig.data[2].x; // [2]
 */
export function lossFigure(options: LossFigureOptions): PlotlyFigure {
  const { bestEpoch } = options;
  const logY = options.logY ?? DEFAULT_LOSS_LOG_Y;
  const title = options.title ?? DEFAULT_LOSS_TITLE;
  assertOptionalString('title', title);
  const valLossName = options.valLossName ?? DEFAULT_VAL_LOSS_NAME;
  assertName('valLossName', valLossName);
  const loss = toPlotValues('loss', options.loss);
  const epochs = loss.length;
  if (epochs === 0) throw new InputError('loss must hold at least one epoch, got 0 values', { argument: 'loss', value: 0 });
  const x = Array.from({ length: epochs }, (_, i) => i + 1);
  const valLoss = options.valLoss === undefined ? undefined : toPlotValues('valLoss', options.valLoss);
  if (valLoss !== undefined) assertLength('valLoss', valLoss.length, epochs, 'loss');
  if (logY) {
    assertPositive('loss', loss, 'when logY is true');
    if (valLoss !== undefined) assertPositive('valLoss', valLoss, 'when logY is true');
  }
  const data: PlotlyTrace[] = [
    { type: 'scatter', mode: 'lines+markers', name: 'train loss', x: [...x], y: loss, line: { color: colorAt(0) }, marker: { size: 4 } },
  ];
  if (valLoss !== undefined) {
    data.push({ type: 'scatter', mode: 'lines+markers', name: valLossName, x: [...x], y: valLoss, line: { color: colorAt(1) }, marker: { size: 4 } });
  }
  const layout = baseLayout(title);
  // Integer ticks while they fit; plotly picks its own spacing for long runs.
  layout.xaxis = axis('epoch', epochs <= 20 ? { type: 'linear', dtick: 1 } : { type: 'linear' });
  layout.yaxis = axis('loss', { type: logY ? 'log' : 'linear' });
  if (bestEpoch !== undefined) {
    assertIntegerInRange('bestEpoch', bestEpoch, 1, epochs);
    const curve = valLoss ?? loss;
    const y = curve[bestEpoch - 1];
    if (y === null || y === undefined) {
      throw new InputError(`bestEpoch must point at a finite ${valLoss ? 'valLoss' : 'loss'} value, got epoch ${bestEpoch} (NaN)`, {
        argument: 'bestEpoch',
        value: bestEpoch,
      });
    }
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: `best epoch (${bestEpoch})`,
      x: [bestEpoch],
      y: [y],
      marker: { color: '#d62728', size: 12, symbol: 'star' },
    });
    layout.shapes = [
      { type: 'line', xref: 'x', yref: 'paper', x0: bestEpoch, x1: bestEpoch, y0: 0, y1: 1, line: { color: '#d62728', width: 1, dash: 'dot' } },
    ];
  }
  if (options.learningRate !== undefined) {
    const lr = toPlotValues('learningRate', options.learningRate, { allowNaN: false });
    assertLength('learningRate', lr.length, epochs, 'loss');
    assertPositive('learningRate', lr, 'for its log axis');
    data.push({ type: 'scatter', mode: 'lines', name: 'learning rate', x: [...x], y: lr, yaxis: 'y2', line: { color: '#7f7f7f', dash: 'dash', width: 1 } });
    layout.yaxis2 = axis('learning rate', { type: 'log', overlaying: 'y', side: 'right', showgrid: false, exponentformat: 'e' });
    layout.margin = { ...(layout.margin as Record<string, unknown>), r: 70 };
  }
  return { data, layout };
}

function assertPositive(argument: string, values: ReadonlyArray<number | null>, why: string): void {
  values.forEach((v, i) => {
    if (v !== null && v <= 0) fail(`${argument}[${i}]`, `> 0 ${why}`, v);
  });
}
