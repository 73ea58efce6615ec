/**
 * The one model interface of the library: every forecaster (the LSTM, the statistical models,
 * the baselines) fits on a panel and forecasts from origins of its series, with a timestamp per
 * step. Backtests, future forecasts, ensembles and reports are written once against it.
 */
import { InputError, describeValue } from '../errors';
import { futureTimes } from '../data/frequency';
import { type KnownFuture, type Panel, type PanelMember, makePanel, panelSeries, seriesRows } from '../data/panel';
import type { PanelSplit } from '../data/panelSplit';
import type { TimeKind, TimeSeries } from '../data/types';

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
  /** The origins (series-local rows), as asked. Read-only: other forecasts may share the array. */
  readonly origins: readonly number[];
  /** Per origin, `horizon` point forecasts: `values[j][k - 1]` is for the row `origins[j] + k`. */
  readonly values: readonly Float64Array[];
  /**
   * Per origin, the time stamp of each step: the series' own stamps where the row exists, and
   * stamps extended at the series' inferred frequency past its last row. Read-only: forecasts of
   * the same origins share these arrays (see `panelForecast`).
   */
  readonly times: readonly Float64Array[];
  /**
   * Prediction intervals, one entry per level (increasing), when the forecast has them (see
   * `withConformalIntervals`); absent for point forecasts.
   */
  readonly intervals?: readonly SeriesIntervals[];
}

/**
 * One level's prediction intervals for one series, as a half-width per horizon step: the bounds
 * of origin `j` at step `k` are `values[j][k - 1] ∓ halfWidths[k - 1]` (see {@link lowerBound},
 * {@link upperBound}). One array per level and series, whatever the number of origins, so a
 * backtest over 200,000 origins does not hold 4 more arrays per origin and model.
 */
export interface SeriesIntervals {
  /** Nominal level, percent (e.g. 80). */
  readonly level: number;
  /**
   * Per step `k - 1`, the half-width in the series' units (non-negative); NaN where the level
   * could not be calibrated at that step (its bounds are then NaN too).
   */
  readonly halfWidths: Float64Array;
}

/**
 * The lower bound of one forecast value: `value - band.halfWidths[k - 1]`.
 * @param value - The point forecast `values[j][k - 1]`.
 * @param band - The level's intervals of the same series.
 * @param k - The step, 1-based.
 * @returns The bound; NaN where the level is not calibrated at step `k`.
 * @example
 * lowerBound(10, { level: 80, halfWidths: Float64Array.of(2, 3) }, 2); // => 7
 */
export function lowerBound(value: number, band: SeriesIntervals, k: number): number {
  return value - band.halfWidths[k - 1];
}

/**
 * The upper bound of one forecast value: `value + band.halfWidths[k - 1]` (see {@link lowerBound}).
 * @example
 * upperBound(10, { level: 80, halfWidths: Float64Array.of(2, 3) }, 2); // => 13
 */
export function upperBound(value: number, band: SeriesIntervals, k: number): number {
  return value + band.halfWidths[k - 1];
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
 * A trained forecaster presented to a backtest as already fitted: the backtest's `fit` is
 * skipped, so the model trained beforehand (e.g. the LSTM, early-stopped on the validation
 * rows) is the one evaluated.
 * @example
 * prefitted(localForecaster('naive')).name; // => 'naive' (its fit does nothing)
 */
export function prefitted(model: Forecaster): Forecaster {
  return {
    name: model.name,
    fit: async () => undefined,
    forecastAt: (panel, origins, horizon) => model.forecastAt(panel, origins, horizon),
    forecast: (panel, steps) => model.forecast(panel, steps),
  };
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

/**
 * Checks forecast origins against a panel: one list per series, each of increasing integers in
 * `[0, length - 1]` of that series.
 *
 * @param panel - The panel the origins refer to; not modified.
 * @param origins - The origins to check.
 * @throws InputError naming the argument and value, and the series id for a bad origin, e.g.
 *   `origins of series "b" must be increasing integers in [0, 4], got [3, 7]`.
 * @example
 * const s = parseCsvText('t,y\n1,1\n2,2\n3,3\n', { time: 't', targets: ['y'] });
 * assertPanelOrigins(panelFromSeries(s), [[0, 2]]); // ok
 */
export function assertPanelOrigins(panel: Panel, origins: PanelOrigins): void {
  if (!Array.isArray(origins) || origins.length !== panel.ids.length) {
    const got = Array.isArray(origins) ? `${origins.length} lists` : describeValue(origins);
    throw new InputError(`origins must hold one list per series (${panel.ids.length}), got ${got}`, { argument: 'origins' });
  }
  origins.forEach((list, i) => {
    const last = panel.offsets[i + 1] - panel.offsets[i] - 1;
    const ok =
      Array.isArray(list) && list.every((t, j) => Number.isInteger(t) && t >= 0 && t <= last && (j === 0 || t > list[j - 1]));
    if (!ok) {
      throw new InputError(
        `origins of series ${JSON.stringify(panel.ids[i])} must be increasing integers in [0, ${last}], got ${describeValue(list)}`,
        { argument: 'origins', id: panel.ids[i], value: list },
      );
    }
  });
}

/**
 * Assembles a {@link PanelForecast} from per-series forecast rows, with the step times of
 * {@link stepTimes}: the helper every {@link Forecaster} uses to return its result.
 *
 * @param panel - The panel forecast; not modified.
 * @param model - The model's name.
 * @param origins - The origins asked (see {@link PanelOrigins}).
 * @param horizon - Steps per origin.
 * @param values - Per series, one row of `horizon` forecasts per origin, copied into one buffer
 *   per series (each row a view of it); ignored for series without origins.
 * @returns A forecast with one entry per series that has origins, in panel order. Its `origins`
 *   and `times` are shared with every other forecast of the same panel, series, origins and
 *   horizon (one copy for all the models of a backtest): read-only, like every forecast.
 * @example
 * const s = parseCsvText('t,y\n1,1\n2,2\n3,3\n', { time: 't', targets: ['y'] });
 * const f = panelForecast(panelFromSeries(s), 'flat', [[2]], 2, [[Float64Array.of(3, 3)]]);
 * Array.from(f.series[0].times[0]); // => [4, 5]
 */
export function panelForecast(
  panel: Panel,
  model: string,
  origins: PanelOrigins,
  horizon: number,
  values: readonly (readonly Float64Array[])[],
): PanelForecast {
  const series: SeriesForecasts[] = [];
  origins.forEach((list, index) => {
    if (list.length === 0) return;
    const shared = sharedSteps(panel, index, list, horizon);
    series.push({ id: panel.ids[index], index, origins: shared.origins, values: packRows(values[index], horizon), times: shared.times });
  });
  return { model, horizon, timeKind: panel.timeKind, series };
}

/**
 * One series' forecast rows as views of one buffer: a long backtest's 200,000 rows then cost one
 * allocation, not 200,000. Rows of another length than `horizon` are kept as they are.
 */
function packRows(rows: readonly Float64Array[], horizon: number): Float64Array[] {
  if (rows.length < 2 || !rows.every((row) => row.length === horizon)) return rows.slice();
  const flat = new Float64Array(rows.length * horizon);
  rows.forEach((row, j) => flat.set(row, j * horizon));
  return rows.map((_, j) => flat.subarray(j * horizon, (j + 1) * horizon));
}

/** The origins and step times last made per panel and series, shared by the models forecasting the same origins. */
const stepCache = new WeakMap<Panel, Map<number, { horizon: number; origins: number[]; times: Float64Array[] }>>();

/**
 * The origins and step times of one series' forecasts: the same arrays for every model that
 * forecasts the same panel from the same origins (a backtest's models all do), so they are held
 * once. They are read-only for every holder.
 */
function sharedSteps(panel: Panel, index: number, list: readonly number[], horizon: number): { origins: number[]; times: Float64Array[] } {
  let bySeries = stepCache.get(panel);
  if (bySeries === undefined) stepCache.set(panel, (bySeries = new Map()));
  const last = bySeries.get(index);
  if (last !== undefined && last.horizon === horizon && sameList(last.origins, list)) return last;
  const flat = new Float64Array(list.length * horizon);
  list.forEach((t, j) => flat.set(stepTimes(panel, index, t, horizon), j * horizon));
  const entry = { horizon, origins: list.slice(), times: list.map((_, j) => flat.subarray(j * horizon, (j + 1) * horizon)) };
  bySeries.set(index, entry);
  return entry;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A copy of a panel with each series cut to its first rows: what a model may see at a forecast
 * origin (the lookahead probe of the panel backtest) or at a refit.
 *
 * Porting note: this belongs with `Panel` in `src/data/panel.ts`; it lives here until that
 * file can take it.
 *
 * @param panel - The panel; not modified, and the copy shares no arrays with it.
 * @param ends - Per series (panel order), how many of its first rows to keep: `0` drops the
 *   series, otherwise an integer in `[2, length]`.
 * @returns A new panel of the kept series, in panel order, with their statics, the same
 *   columns and roles; frequencies are inferred again from the kept rows. With future-known
 *   covariates, a cut series' `future` holds their values at the cut rows (then at its known
 *   future): they are known at the origin, its targets and past covariates are not.
 * @throws InputError when `ends` does not have one entry per series, or an entry is out of range
 *   (naming the series), or every series is dropped.
 * @example
 * const a = parseCsvText('t,y\n1,1\n2,2\n3,3\n', { time: 't', targets: ['y'] });
 * const b = parseCsvText('t,y\n1,5\n2,6\n', { time: 't', targets: ['y'] });
 * const cut = truncatePanel(makePanel([{ id: 'a', series: a }, { id: 'b', series: b }]), [2, 0]);
 * [cut.ids, Array.from(cut.values.y)]; // => [['a'], [1, 2]]
 */
export function truncatePanel(panel: Panel, ends: readonly number[]): Panel {
  if (!Array.isArray(ends) || ends.length !== panel.ids.length) {
    throw new InputError(`ends must hold one row count per series (${panel.ids.length}), got ${describeValue(ends)}`, { argument: 'ends' });
  }
  const members: PanelMember[] = [];
  ends.forEach((end, i) => {
    const length = panel.offsets[i + 1] - panel.offsets[i];
    if (end === 0) return;
    if (!Number.isInteger(end) || end < 2 || end > length) {
      throw new InputError(
        `ends of series ${JSON.stringify(panel.ids[i])} must be 0 or an integer in [2, ${length}], got ${describeValue(end)}`,
        { argument: 'ends', id: panel.ids[i], value: end },
      );
    }
    const statics = Object.fromEntries(Object.entries(panel.statics).map(([name, column]) => [name, column[i]]));
    const series = panelSeries(panel, i);
    members.push({ id: panel.ids[i], series: headOf(series, end), statics, future: futureAfter(panel, i, series, end) });
  });
  if (members.length === 0) throw new InputError('ends must keep at least one series, got only zeros', { argument: 'ends' });
  return makePanel(members, { idColumn: panel.idColumn, futureCovariates: panel.futureCovariates, source: panel.source });
}

/** The future-known covariates of rows `end ..` of series `index`, then its known future; `null` without them. */
function futureAfter(panel: Panel, index: number, series: TimeSeries, end: number): KnownFuture | null {
  if (panel.futureCovariates.length === 0) return null;
  const known = panel.future[index];
  if (end === series.length) return known;
  const join = (cut: Float64Array, after: Float64Array | undefined): Float64Array => {
    const out = new Float64Array(cut.length + (after?.length ?? 0));
    out.set(cut);
    if (after !== undefined) out.set(after, cut.length);
    return out;
  };
  const values: Record<string, Float64Array> = {};
  for (const name of panel.futureCovariates) values[name] = join(series.values[name].subarray(end), known?.values[name]);
  return { time: join(series.time.subarray(end), known?.time), values };
}

function headOf(series: TimeSeries, end: number): TimeSeries {
  const values: Record<string, Float64Array> = {};
  for (const name of series.columns) values[name] = series.values[name].subarray(0, end);
  return { ...series, time: series.time.subarray(0, end), values, length: end };
}
