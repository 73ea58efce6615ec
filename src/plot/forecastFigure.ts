import type { PlotlyFigure, PlotlyTrace } from './figure';
import type { IntervalBand, NamedValues, NumericInput, TimeInput, TimeKind } from './types';
import { DEFAULT_TIME_KIND, toAxisTimes } from './time';
import { assertIntegerInRange, assertLength, assertName, assertOptionalString } from '../validate';
import { toPlotValues } from './values';
import { ACTUAL_COLOR, axis, baseLayout, colorAt } from './style';
import { InputError, describeValue } from '../errors';

/**
 * Multi-step forecast paths from a few forecast origins, drawn as thin lines under one legend
 * entry.
 */
export interface ForecastFan {
  /** Legend label; if it equals a name in `forecasts`, the fan takes that line's colour. */
  readonly name: string;
  /** Forecast origins: indices into `time` of the last observed sample, one per path. */
  readonly origins: ReadonlyArray<number>;
  /**
   * One path per origin: `paths[k][h]` is the forecast for index `origins[k] + 1 + h`, so a path
   * of length `H` covers `[origins[k] + 1, origins[k] + H]`, which must lie inside `time`.
   */
  readonly paths: ReadonlyArray<NumericInput>;
}

/** Options of {@link forecastFigure}. */
export interface ForecastFigureOptions {
  /** Time stamps of the evaluated range (usually the test range), one per value. */
  readonly time: TimeInput;
  /**
   * How to read `time`.
   * @defaultValue {@link DEFAULT_TIME_KIND} (`'number'`)
   */
  readonly timeKind?: TimeKind;
  /** Observed values, aligned with `time`; `NaN` is a gap. */
  readonly actual: NumericInput;
  /**
   * Legend label of `actual`.
   * @defaultValue {@link DEFAULT_ACTUAL_NAME}
   */
  readonly actualName?: string;
  /** One line per model, values aligned with `time`, `NaN` where the model has no forecast. */
  readonly forecasts: ReadonlyArray<NamedValues>;
  /** Optional fan of multi-step paths. */
  readonly fan?: ForecastFan;
  /** Prediction-interval bands (see {@link IntervalBand}), aligned with `time`. @defaultValue none */
  readonly bands?: ReadonlyArray<IntervalBand>;
  /** Figure title. */
  readonly title?: string;
  /**
   * Y-axis title.
   * @defaultValue {@link DEFAULT_FORECAST_Y_TITLE}
   */
  readonly yTitle?: string;
}

/**
 * Legend label of the observed series.
 * @defaultValue `'actual'`
 */
export const DEFAULT_ACTUAL_NAME = 'actual';

/**
 * Y-axis title of {@link forecastFigure}.
 * @defaultValue `'value'`
 */
export const DEFAULT_FORECAST_Y_TITLE = 'value';

/**
 * Forecasts against the observed series: the actual line, one line per model and, optionally, a
 * fan of multi-step forecast paths.
 *
 * Trace order: `actual`, then `forecasts` in order, then one trace per fan path (thin, translucent,
 * sharing one legend entry: only the first has `showlegend: true`, all share
 * `legendgroup: 'fan:' + fan.name`), then two traces per band (its upper bound, invisible, then
 * its lower bound filled up to it: `fill: 'tonexty'`, legend entry `<name> <level>%`).
 *
 * @param options - See {@link ForecastFigureOptions}; not mutated.
 * @returns A new figure.
 * @throws InputError when `time` is empty or invalid, a values array has the wrong length or an
 *   infinite value, a name is empty, `fan.paths.length !== fan.origins.length`, a path is empty,
 *   an origin is not an integer index, or a path runs past the end of `time`.
 * @example
 * const fig = forecastFigure({
 *   time: [0, 1, 2, 3], actual: [1, 2, 3, 4],
 *   forecasts: [{ name: 'lstm', values: [NaN, 2.1, 2.9, 4.2] }],
 *   fan: { name: 'lstm paths', origins: [0], paths: [new Float64Array([2.2, 3.1])] },
 * });
 * fig.data.map((t) => t.name); // ['actual', 'lstm', 'lstm paths']
 */
export function forecastFigure(options: ForecastFigureOptions): PlotlyFigure {
  const { forecasts, fan, title } = options;
  const timeKind = options.timeKind ?? DEFAULT_TIME_KIND;
  const actualName = options.actualName ?? DEFAULT_ACTUAL_NAME;
  assertOptionalString('title', title);
  assertName('actualName', actualName);
  const times = toAxisTimes(options.time, timeKind);
  const n = times.x.length;
  if (n === 0) throw new InputError('time must not be empty, got 0 time stamps', { argument: 'time', value: 0 });
  const actual = toPlotValues('actual', options.actual);
  assertLength('actual', actual.length, n, 'time');
  if (!Array.isArray(forecasts)) {
    throw new InputError(`forecasts must be an array, got ${describeValue(forecasts)}`, { argument: 'forecasts', value: forecasts });
  }
  const data: PlotlyTrace[] = [
    { type: 'scatter', mode: 'lines', name: actualName, x: [...times.x], y: actual, line: { color: ACTUAL_COLOR, width: 2 } },
  ];
  forecasts.forEach((f, i) => {
    assertName(`forecasts[${i}].name`, f?.name);
    const y = toPlotValues(`forecasts[${i}].values`, f.values);
    assertLength(`forecasts[${i}].values`, y.length, n, 'time');
    data.push({ type: 'scatter', mode: 'lines', name: f.name, x: [...times.x], y, line: { color: colorAt(i), width: 1.5 } });
  });
  if (fan !== undefined) {
    const matching = forecasts.findIndex((f) => f.name === fan.name);
    data.push(...fanTraces(fan, times.x, colorAt(matching >= 0 ? matching : forecasts.length)));
  }
  (options.bands ?? []).forEach((band, b) => {
    const matching = forecasts.findIndex((f) => f.name === band.name);
    data.push(...bandTraces(band, b, times.x, n, colorAt(matching >= 0 ? matching : forecasts.length + b)));
  });
  const layout = baseLayout(title);
  layout.xaxis = axis('time', { type: timeKind === 'date' ? 'date' : 'linear' });
  layout.yaxis = axis(options.yTitle ?? DEFAULT_FORECAST_Y_TITLE);
  return { data, layout };
}

function fanTraces(fan: ForecastFan, x: ReadonlyArray<number | string>, color: string): PlotlyTrace[] {
  assertName('fan.name', fan.name);
  const { origins, paths } = fan;
  if (!Array.isArray(origins) || !Array.isArray(paths)) {
    throw new InputError(`fan.origins and fan.paths must be arrays, got ${describeValue({ origins, paths })}`, {
      argument: 'fan',
      value: fan,
    });
  }
  assertLength('fan.paths', paths.length, origins.length, 'fan.origins');
  const n = x.length;
  return origins.map((origin, k) => {
    assertIntegerInRange(`fan.origins[${k}]`, origin, 0, n - 1);
    const y = toPlotValues(`fan.paths[${k}]`, paths[k] as NumericInput);
    if (y.length === 0 || origin + y.length > n - 1) {
      throw new InputError(
        `fan.paths[${k}] must have 1 to ${n - 1 - origin} values (origin ${origin}, last index ${n - 1} of time), got ${y.length}`,
        { argument: `fan.paths[${k}]`, value: y.length },
      );
    }
    return {
      type: 'scatter',
      mode: 'lines',
      name: fan.name,
      legendgroup: `fan:${fan.name}`,
      showlegend: k === 0,
      x: x.slice(origin + 1, origin + 1 + y.length),
      y,
      line: { color, width: 1 },
      opacity: 0.55,
    };
  });
}

/** Fill opacity of a band: the narrowest (lowest) level darkest. */
function bandOpacity(level: number): number {
  return level >= 90 ? 0.12 : 0.22;
}

function bandTraces(band: IntervalBand, b: number, x: ReadonlyArray<number | string>, n: number, color: string): PlotlyTrace[] {
  assertName(`bands[${b}].name`, band?.name);
  if (typeof band.level !== 'number' || !(band.level > 0 && band.level < 100)) {
    throw new InputError(`bands[${b}].level must be a percentage in (0, 100), got ${describeValue(band.level)}`, { argument: 'bands', value: band.level });
  }
  const lower = toPlotValues(`bands[${b}].lower`, band.lower);
  const upper = toPlotValues(`bands[${b}].upper`, band.upper);
  assertLength(`bands[${b}].lower`, lower.length, n, 'time');
  assertLength(`bands[${b}].upper`, upper.length, n, 'time');
  const fill = withAlpha(color, bandOpacity(band.level));
  const group = `band:${band.name}:${band.level}`;
  const name = `${band.name} ${band.level}%`;
  return [
    { type: 'scatter', mode: 'lines', name, legendgroup: group, showlegend: false, x: [...x], y: upper, line: { width: 0 }, hoverinfo: 'skip' },
    { type: 'scatter', mode: 'lines', name, legendgroup: group, x: [...x], y: lower, line: { width: 0 }, fill: 'tonexty', fillcolor: fill },
  ];
}

/** `#rrggbb` as `rgba(r, g, b, alpha)`. */
function withAlpha(hex: string, alpha: number): string {
  const v = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(v >> 16) & 255}, ${(v >> 8) & 255}, ${v & 255}, ${alpha})`;
}
