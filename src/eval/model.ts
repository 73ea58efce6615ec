/**
 * The one model interface of the library: every forecaster (the LSTM, the statistical models,
 * the baselines) fits on a panel and forecasts from origins of its series, with a timestamp per
 * step. Backtests, future forecasts, ensembles and reports are written once against it.
 */
import { futureTimes } from '../data/frequency';
import { type Panel, seriesRows } from '../data/panel';
import type { PanelSplit } from '../data/panelSplit';
import type { TimeKind } from '../data/types';

/**
 * Forecast origins per series, in `panel.ids` order: `origins[i]` lists rows of series `i`
 * (series-local indices, increasing); an empty list forecasts nothing for that series.
 */
export type PanelOrigins = readonly (readonly number[])[];

/** The forecasts of one series from several origins. */
export interface SeriesForecasts {
  /** The series id. */
  readonly id: string;
  /** Index of the series in the panel. */
  readonly index: number;
  /** The origins (series-local rows), as asked. */
  readonly origins: readonly number[];
  /** Per origin, `horizon` point forecasts: `values[j][k - 1]` is for the row `origins[j] + k`. */
  readonly values: readonly Float64Array[];
  /**
   * Per origin, the time stamp of each step: the series' own stamps where the row exists, and
   * stamps extended at the series' inferred frequency past its last row.
   */
  readonly times: readonly Float64Array[];
}

/** Time-indexed forecasts of one model for several series. */
export interface PanelForecast {
  /** The model's name. */
  readonly model: string;
  /** Steps per origin. */
  readonly horizon: number;
  /** How the times are to be read (epoch ms for `'date'`). */
  readonly timeKind: TimeKind;
  /** One entry per series that had origins, in panel order. */
  readonly series: readonly SeriesForecasts[];
}

/**
 * A forecasting model over panels.
 *
 * Contract:
 * - `fit(panel, split)` learns from each series' rows before its test range only (training rows
 *   to fit, validation rows for early stopping or selection); calling it again refits.
 * - `forecastAt(panel, origins, horizon)` forecasts rows `t + 1 .. t + horizon` of each series
 *   from each origin `t`, using rows `<= t` of that series only (and of other series, rows up to
 *   the same time at most). It returns new arrays.
 * - `forecast(panel, steps)` forecasts `steps` rows past the last row of every series.
 *
 * A panel forecaster forecasts the panel's first target; other columns are its inputs.
 */
export interface Forecaster {
  /** Model name used in tables, files and messages (`lstm`, `ets`, `seasonal_naive`, ...). */
  readonly name: string;
  /** Fits (or refits) the model; see the contract. */
  fit(panel: Panel, split: PanelSplit): Promise<void>;
  /** Forecasts from origins; see the contract. */
  forecastAt(panel: Panel, origins: PanelOrigins, horizon: number): Promise<PanelForecast>;
  /** Forecasts past the end of every series; see the contract. */
  forecast(panel: Panel, steps: number): Promise<PanelForecast>;
  /** Releases resources (tensors); optional. */
  dispose?(): void;
}

/**
 * The time stamps of rows `origin + 1 .. origin + steps` of series `index`: the series' own
 * stamps while they exist, then stamps at its inferred frequency (see `futureTimes`).
 *
 * @returns A new array of length `steps`.
 * @example
 * const s = parseCsvText('t,y\n1,1\n2,2\n3,3\n', { time: 't', targets: ['y'] });
 * Array.from(stepTimes(panelFromSeries(s), 0, 1, 3)); // => [3, 4, 5]
 */
export function stepTimes(panel: Panel, index: number, origin: number, steps: number): Float64Array {
  const { start, end } = seriesRows(panel, index);
  const out = new Float64Array(steps);
  const length = end - start;
  const inside = Math.max(0, Math.min(steps, length - 1 - origin));
  for (let k = 0; k < inside; k++) out[k] = panel.time[start + origin + 1 + k];
  if (inside < steps) out.set(futureTimes(panel.time[end - 1], panel.frequencies[index], steps - inside), inside);
  return out;
}

/**
 * The origins at the last row of every series, as {@link Forecaster.forecast} uses them.
 * @example
 * const s = parseCsvText('t,y\n1,1\n2,2\n3,3\n', { time: 't', targets: ['y'] });
 * lastOrigins(panelFromSeries(s)); // => [[2]]
 */
export function lastOrigins(panel: Panel): number[][] {
  return panel.ids.map((_, i) => [panel.offsets[i + 1] - panel.offsets[i] - 1]);
}
