/**
 * History plus future: the last rows of a series and each model's forecast past its end, on one
 * time axis, each forecast line starting at the last observation so that it joins the history.
 */
import { InputError, describeValue } from '../errors';
import { forecastFigure } from './forecastFigure';
import type { PlotlyFigure } from './figure';
import type { IntervalBand, NamedValues, NumericInput, TimeKind } from './types';

/** Options of {@link futureFigure}. */
export interface FutureFigureOptions {
  /** Time stamps of the observed rows (epoch ms for dates), increasing. */
  readonly time: ArrayLike<number>;
  /** Observed values, one per `time`. */
  readonly values: NumericInput;
  /** Time stamps of the forecast steps, after the last of `time`. */
  readonly futureTime: ArrayLike<number>;
  /** One line per model, one value per `futureTime`. */
  readonly forecasts: ReadonlyArray<NamedValues>;
  /** Prediction-interval bands, one value per `futureTime` in each bound (see `IntervalBand`). @defaultValue none */
  readonly bands?: ReadonlyArray<IntervalBand>;
  /** How to read the times. @defaultValue `'number'` */
  readonly timeKind?: TimeKind;
  /** Observed rows drawn (the last ones), a positive integer. @defaultValue every row */
  readonly historyShown?: number;
  /** Legend label of the history. @defaultValue {@link DEFAULT_HISTORY_NAME} */
  readonly historyName?: string;
  /** Figure title. */
  readonly title?: string;
  /** Y-axis title. */
  readonly yTitle?: string;
}

/**
 * Legend label of the observed rows in {@link futureFigure}.
 * @defaultValue `'history'`
 */
export const DEFAULT_HISTORY_NAME = 'history';

/**
 * A figure of the last `historyShown` observed rows followed by each model's forecast of the
 * steps past the end (as in `future.csv`).
 *
 * @returns A plotly figure: the history trace, then one trace per model, over
 *   `historyShown + futureTime.length` time stamps.
 * @throws InputError when `values` and `time` differ in length, a forecast's length differs from
 *   `futureTime`'s, or `historyShown` is not a positive integer.
 * @example
 * const fig = futureFigure({ time: [1, 2, 3], values: [10, 11, 12], futureTime: [4, 5], forecasts: [{ name: 'naive', values: [12, 12] }] });
 * fig.data.map((t) => t.name); // ['history', 'naive']
 */
export function futureFigure(options: FutureFigureOptions): PlotlyFigure {
  const { time, values, futureTime, forecasts } = options;
  const n = time.length;
  if (values.length !== n) {
    throw new InputError(`values must have one value per time stamp (${n}), got ${values.length}`, { argument: 'values' });
  }
  const shown = options.historyShown ?? n;
  if (!Number.isInteger(shown) || shown < 1) {
    throw new InputError(`historyShown must be a positive integer, got ${describeValue(shown)}`, { argument: 'historyShown', value: shown });
  }
  const from = Math.max(0, n - Math.min(shown, n));
  const steps = futureTime.length;
  const axis = Float64Array.from({ length: n - from + steps }, (_, i) => (i < n - from ? time[from + i] : futureTime[i - (n - from)]));
  const history = new Float64Array(axis.length).fill(Number.NaN);
  for (let i = from; i < n; i++) history[i - from] = Number(values[i]);
  const lines = forecasts.map(({ name, values: future }) => {
    if (future.length !== steps) {
      throw new InputError(`forecast ${JSON.stringify(name)} must have one value per future time stamp (${steps}), got ${future.length}`, {
        argument: 'forecasts',
        value: name,
      });
    }
    const line = new Float64Array(axis.length).fill(Number.NaN);
    line[n - from - 1] = Number(values[n - 1]);
    for (let k = 0; k < steps; k++) line[n - from + k] = Number(future[k]);
    return { name, values: line };
  });
  // A band starts at the last observation (zero width there), as the forecast lines do.
  const bands = (options.bands ?? []).map((band, b) => {
    const pad = (bound: NumericInput, which: string): Float64Array => {
      if (bound.length !== steps) {
        throw new InputError(`bands[${b}].${which} must have one value per future time stamp (${steps}), got ${bound.length}`, { argument: 'bands' });
      }
      const out = new Float64Array(axis.length).fill(Number.NaN);
      out[n - from - 1] = Number(values[n - 1]);
      for (let k = 0; k < steps; k++) out[n - from + k] = Number(bound[k]);
      return out;
    };
    return { name: band.name, level: band.level, lower: pad(band.lower, 'lower'), upper: pad(band.upper, 'upper') };
  });
  return forecastFigure({
    time: axis,
    timeKind: options.timeKind,
    actual: history,
    actualName: options.historyName ?? DEFAULT_HISTORY_NAME,
    forecasts: lines,
    bands,
    title: options.title,
    yTitle: options.yTitle,
  });
}
