import type { PlotlyFigure, PlotlyTrace } from './figure';
import type { NumericInput, TimeInput, TimeKind } from './types';
import { DEFAULT_TIME_KIND, toAxisTimes } from './time';
import { assertIntegerInRange, assertLength, assertName, assertOptionalString } from '../validate';
import { toPlotValues } from './values';
import { axis, baseLayout, colorAt } from './style';
import { indexSpan, shadedRect, spanLabel } from './regions';
import { InputError } from '../errors';

/** Options of {@link windowFigure}. */
export interface WindowFigureOptions {
  /** Time stamps, one per value. */
  readonly time: TimeInput;
  /**
   * How to read `time`.
   * @defaultValue {@link DEFAULT_TIME_KIND} (`'number'`)
   */
  readonly timeKind?: TimeKind;
  /** The series; `NaN` is a gap. */
  readonly values: NumericInput;
  /**
   * Legend label of the series.
   * @defaultValue {@link DEFAULT_WINDOW_SERIES_NAME}
   */
  readonly name?: string;
  /** Forecast origin: index of the last input sample. */
  readonly origin: number;
  /** Number of input samples, a positive integer: indices `[origin - lookback + 1, origin]`. */
  readonly lookback: number;
  /** Number of forecast samples, a positive integer: indices `[origin + 1, origin + horizon]`. */
  readonly horizon: number;
  /** Figure title. */
  readonly title?: string;
}

/**
 * Legend label of the series in {@link windowFigure}.
 * @defaultValue `'series'`
 */
export const DEFAULT_WINDOW_SERIES_NAME = 'series';

/**
 * Explains windowing: the series, with one sample's input window and forecast horizon shaded and
 * their points marked.
 *
 * With origin `o`, the input window is the `lookback` samples `[o - lookback + 1, o]` (the origin
 * is the last input) and the horizon is the `horizon` samples `[o + 1, o + horizon]`, the same
 * convention as the fan in `forecastFigure`.
 *
 * Trace order: the series line, `'lookback (L)'` markers, `'horizon (H)'` markers.
 * `layout.shapes` holds the lookback rectangle, then the horizon rectangle.
 *
 * @param options - See {@link WindowFigureOptions}; not mutated.
 * @returns A new figure.
 * @throws InputError when `time` is empty or invalid, lengths differ, `lookback` or `horizon` is
 *   not a positive integer, or the window does not fit: `origin - lookback + 1 < 0` or
 *   `origin + horizon > time.length - 1`.
 * @example
 * const fig = windowFigure({ time: [0, 1, 2, 3, 4, 5], values: [1, 2, 3, 2, 1, 2], origin: 2, lookback: 3, horizon: 2 });
 * fig.data[1].x; // [0, 1, 2]
 * fig.data[2].x; // [3, 4]
 */
export function windowFigure(options: WindowFigureOptions): PlotlyFigure {
  const { origin, lookback, horizon, title } = options;
  const timeKind = options.timeKind ?? DEFAULT_TIME_KIND;
  const name = options.name ?? DEFAULT_WINDOW_SERIES_NAME;
  assertOptionalString('title', title);
  assertName('name', name);
  const times = toAxisTimes(options.time, timeKind);
  const n = times.x.length;
  if (n === 0) throw new InputError('time must not be empty, got 0 time stamps', { argument: 'time', value: 0 });
  const y = toPlotValues('values', options.values);
  assertLength('values', y.length, n, 'time');
  assertIntegerInRange('lookback', lookback, 1, Number.MAX_SAFE_INTEGER);
  assertIntegerInRange('horizon', horizon, 1, Number.MAX_SAFE_INTEGER);
  if (n < lookback + horizon) {
    throw new InputError(`time must hold at least lookback + horizon (${lookback + horizon}) samples, got ${n}`, {
      argument: 'time',
      value: n,
    });
  }
  // The origin must leave room for the whole window on both sides.
  assertIntegerInRange('origin', origin, lookback - 1, n - 1 - horizon);
  const first = origin - lookback + 1;
  const data: PlotlyTrace[] = [
    { type: 'scatter', mode: 'lines', name, x: [...times.x], y, line: { color: '#7f7f7f', width: 1.5 } },
    {
      type: 'scatter',
      mode: 'markers',
      name: `lookback (${lookback})`,
      x: times.x.slice(first, origin + 1),
      y: y.slice(first, origin + 1),
      marker: { color: colorAt(0), size: 7 },
    },
    {
      type: 'scatter',
      mode: 'markers',
      name: `horizon (${horizon})`,
      x: times.x.slice(origin + 1, origin + 1 + horizon),
      y: y.slice(origin + 1, origin + 1 + horizon),
      marker: { color: colorAt(1), size: 7, symbol: 'diamond' },
    },
  ];
  const lookbackSpan = indexSpan(times, first, origin + 1);
  const horizonSpan = indexSpan(times, origin + 1, origin + 1 + horizon);
  const layout = baseLayout(title);
  layout.xaxis = axis('time', { type: timeKind === 'date' ? 'date' : 'linear' });
  layout.yaxis = axis('value');
  layout.shapes = [shadedRect(lookbackSpan, 'rgba(31, 119, 180, 0.15)'), shadedRect(horizonSpan, 'rgba(255, 127, 14, 0.2)')];
  layout.annotations = [spanLabel(lookbackSpan, `input window (${lookback})`), spanLabel(horizonSpan, `horizon (${horizon})`)];
  return { data, layout };
}
