/**
 * Step alignment, written once: forecasts made from many origins, rearranged per target row
 * ("the forecast of this row made k steps earlier"), the content of `forecast.csv` and of the
 * report's step-ahead charts; and the future forecasts per series and step, the content of
 * `future.csv`.
 */
import { InputError, describeValue } from '../errors';
import type { Panel } from '../data/panel';
import type { PanelSplit } from '../data/panelSplit';
import type { TimeKind } from '../data/types';
import type { BacktestResult } from './backtest';
import { lowerBound, upperBound, type PanelForecast, type SeriesForecasts, type SeriesIntervals } from './model';

/** One series' test rows with every model's forecasts of them, step by step. */
export interface SeriesAlignment {
  readonly id: string;
  /** Index of the series in the panel. */
  readonly index: number;
  /** The test rows, series-local: `split[index].test.start .. length - 1`. */
  readonly rows: Int32Array;
  /** Their time stamps. */
  readonly time: Float64Array;
  /** Their values of the panel's first target. */
  readonly actual: Float64Array;
  /**
   * Model -> per step: `forecasts[model][k - 1][j]` is the forecast of `rows[j]` made from origin
   * `rows[j] - k`, NaN where the model has no forecast from that origin. Each step's array is
   * built when it is first read (a report reads 2 of 24 steps; `forecastCsvLines` reads none, it
   * looks the values up), so an alignment does not copy every forecast again.
   */
  readonly forecasts: Readonly<Record<string, readonly Float64Array[]>>;
  /**
   * Model -> per level, its bounds aligned as `forecasts` (`lower[k - 1][j]`), for the models
   * whose forecasts carry intervals.
   */
  readonly bounds: Readonly<Record<string, readonly AlignedBounds[]>>;
}

/**
 * One level's intervals for the aligned forecasts of one model and series: the bounds of row `j`
 * at step `k` are `forecasts[model][k - 1][j] ∓ halfWidths[k - 1]` (see {@link alignedLower}),
 * NaN where the forecast is missing or the level not calibrated at that step.
 */
export interface AlignedBounds {
  readonly level: number;
  /** Per step `k - 1`, the half-width in the series' units (see `SeriesIntervals`). */
  readonly halfWidths: Float64Array;
}

/**
 * The lower bounds of one step's aligned forecasts: a new array, `forecasts[k - 1][j] - halfWidths[k - 1]`.
 * @param forecasts - One model's aligned forecasts of a series (`SeriesAlignment.forecasts[model]`).
 * @param band - One of that model's {@link AlignedBounds}.
 * @param k - The step, 1-based.
 * @example
 * Array.from(alignedLower([Float64Array.of(5, 9)], { level: 80, halfWidths: Float64Array.of(2) }, 1)); // => [3, 7]
 */
export function alignedLower(forecasts: readonly Float64Array[], band: AlignedBounds, k: number): Float64Array {
  const h = band.halfWidths[k - 1];
  return forecasts[k - 1].map((v) => v - h);
}

/**
 * The upper bounds of one step's aligned forecasts (see {@link alignedLower}).
 * @example
 * Array.from(alignedUpper([Float64Array.of(5, 9)], { level: 80, halfWidths: Float64Array.of(2) }, 1)); // => [7, 11]
 */
export function alignedUpper(forecasts: readonly Float64Array[], band: AlignedBounds, k: number): Float64Array {
  const h = band.halfWidths[k - 1];
  return forecasts[k - 1].map((v) => v + h);
}

/** What {@link alignSteps} returns. */
export interface StepAlignment {
  readonly timeKind: TimeKind;
  /** The models in the order given, with their horizons (columns `<name>_step1..h`). */
  readonly models: readonly { readonly name: string; readonly horizon: number }[];
  /** Every series of the panel, in panel order. */
  readonly series: readonly SeriesAlignment[];
}

/** Options of {@link alignSteps}. */
export interface AlignmentOptions {
  /** Per series, its test range: the target rows aligned. */
  readonly split: PanelSplit;
}

/** One series' future forecasts (see {@link futureRows}). */
export interface FutureSeries {
  readonly id: string;
  /** The stamps of the steps past the last row. */
  readonly time: Float64Array;
  /** Model -> one forecast per step. */
  readonly values: Readonly<Record<string, Float64Array>>;
  /** Model -> per level, its bounds per step (models with intervals only). */
  readonly bounds: Readonly<Record<string, readonly { readonly level: number; readonly lower: Float64Array; readonly upper: Float64Array }[]>>;
}

/** The content of `future.csv`: per series, `steps` rows of forecasts. */
export interface FutureTable {
  readonly timeKind: TimeKind;
  readonly models: readonly string[];
  readonly series: readonly FutureSeries[];
}

/**
 * For each series and each row of its test range, every model's forecast of that row made k
 * steps earlier (from origin `row - k`), k = 1..h: the alignment behind `forecast.csv` and the
 * report's k-step-ahead charts.
 *
 * @param panel - The panel forecast; not modified.
 * @param forecasts - One per model (distinct names), e.g. a backtest's `models[name].forecast`;
 *   a series without an entry gets NaN. Not modified.
 * @param options - The split whose test ranges are aligned.
 * @returns Per series (panel order) the rows, stamps, actual values and aligned forecasts.
 * @throws InputError for duplicate model names, a forecast of another time kind or of an unknown
 *   series, or a split without one entry per series.
 * @example
 * const panel = panelFromSeries(parseCsvText('t,y\n1,1\n2,2\n3,4\n', { time: 't', targets: ['y'] }));
 * const flat = panelForecast(panel, 'flat', [[0, 1]], 2, [[Float64Array.of(1, 1), Float64Array.of(2, 2)]]);
 * const split = [{ train: { start: 0, end: 1 }, val: { start: 1, end: 1 }, test: { start: 1, end: 3 } }];
 * alignSteps(panel, [flat], { split }).series[0].forecasts.flat[0]; // => [1, 2] (rows 1 and 2, one step ahead)
 */
export function alignSteps(panel: Panel, forecasts: readonly PanelForecast[], options: AlignmentOptions): StepAlignment {
  checkForecasts(forecasts, panel.timeKind);
  const { split } = options;
  if (!Array.isArray(split) || split.length !== panel.ids.length) {
    throw new InputError(`split must hold one entry per series (${panel.ids.length}), got ${describeValue(split)}`, { argument: 'split' });
  }
  const byId = forecasts.map((f) => entriesById(f, panel));
  const target = panel.values[panel.targets[0]];
  const series = panel.ids.map((id, index): SeriesAlignment => {
    const offset = panel.offsets[index];
    const n = panel.offsets[index + 1] - offset;
    const start = split[index].test.start;
    const rows = Int32Array.from({ length: n - start }, (_, j) => start + j);
    const aligned: Record<string, Float64Array[]> = {};
    const bounds: Record<string, AlignedBounds[]> = {};
    const lookups: Record<string, StepLookup> = {};
    forecasts.forEach((f, m) => {
      const entry = byId[m].get(id);
      const lookup = stepLookup(entry, rows, n);
      lookups[f.model] = lookup;
      aligned[f.model] = lazySteps(f.horizon, (k) => Float64Array.from(rows, (_, j) => lookup(k, j)));
      const levels = intervalLevels(f);
      if (levels.length === 0) return;
      // A series without an entry has only NaN forecasts, so its half-widths are never added to a number.
      bounds[f.model] = levels.map((level, l) => ({ level, halfWidths: entry?.intervals?.[l].halfWidths ?? new Float64Array(f.horizon).fill(Number.NaN) }));
    });
    const result: SeriesAlignment = {
      id,
      index,
      rows,
      time: panel.time.slice(offset + start, offset + n),
      actual: target.slice(offset + start, offset + n),
      forecasts: aligned,
      bounds,
    };
    lookupsOf.set(result, lookups);
    return result;
  });
  return { timeKind: panel.timeKind, models: forecasts.map((f) => ({ name: f.model, horizon: f.horizon })), series };
}

/**
 * `forecast.csv` from an alignment: columns `id, time, actual`, then `<model>_step<k>` for each
 * model and step, then, for each model with intervals, `<model>_step<k>_lo<L>` and
 * `<model>_step<k>_hi<L>` for each step and level; one line per series and test row. Times as
 * {@link formatTimes} writes them, numbers to 8 significant digits, empty where NaN (no origin
 * reaches the row, or the level is not calibrated at that step).
 *
 * @param alignment - From {@link alignSteps}.
 * @returns The CSV text, `\n`-terminated lines.
 * @example
 * const panel = panelFromSeries(parseCsvText('t,y\n1,1\n2,2\n3,4\n', { time: 't', targets: ['y'] }));
 * const flat = panelForecast(panel, 'flat', [[1, 2]], 1, [[Float64Array.of(2), Float64Array.of(4)]]);
 * const split = [{ train: { start: 0, end: 2 }, val: { start: 2, end: 2 }, test: { start: 2, end: 3 } }];
 * forecastCsvText(alignSteps(panel, [flat], { split })); // => 'id,time,actual,flat_step1\ny,3,4,2\n'
 */
export function forecastCsvText(alignment: StepAlignment): string {
  return [...forecastCsvLines(alignment)].join('');
}

/**
 * The lines of {@link forecastCsvText} one by one (each ends with `\n`), for writing a table
 * too large for one string (see `writeFileAtomic`).
 * @example
 * const panel = panelFromSeries(parseCsvText('t,y\n1,1\n2,2\n3,4\n', { time: 't', targets: ['y'] }));
 * const flat = panelForecast(panel, 'flat', [[1, 2]], 1, [[Float64Array.of(2), Float64Array.of(4)]]);
 * const split = [{ train: { start: 0, end: 2 }, val: { start: 2, end: 2 }, test: { start: 2, end: 3 } }];
 * [...forecastCsvLines(alignSteps(panel, [flat], { split }))]; // => ['id,time,actual,flat_step1\n', 'y,3,4,2\n']
 */
export function* forecastCsvLines(alignment: StepAlignment): Generator<string> {
  const header = ['id', 'time', 'actual'];
  for (const { name, horizon } of alignment.models) for (let k = 1; k <= horizon; k++) header.push(`${name}_step${k}`);
  const banded = alignment.models.filter(({ name }) => alignment.series[0]?.bounds[name] !== undefined);
  for (const { name, horizon } of banded) {
    for (let k = 1; k <= horizon; k++) {
      for (const b of alignment.series[0].bounds[name]) header.push(`${name}_step${k}_lo${b.level}`, `${name}_step${k}_hi${b.level}`);
    }
  }
  const format = formatTimes(alignment.series.map((s) => s.time), alignment.timeKind);
  yield header.map(csvField).join(',') + '\n';
  for (const s of alignment.series) {
    const lookups = lookupsOf.get(s) ?? arrayLookups(s);
    for (let j = 0; j < s.rows.length; j++) {
      const cells = [csvField(s.id), format(s.time[j]), String(s.actual[j])];
      for (const { name, horizon } of alignment.models) for (let k = 1; k <= horizon; k++) cells.push(csvNumber(lookups[name](k, j)));
      for (const { name, horizon } of banded) {
        for (let k = 1; k <= horizon; k++) {
          const v = lookups[name](k, j);
          for (const b of s.bounds[name]) cells.push(csvNumber(v - b.halfWidths[k - 1]), csvNumber(v + b.halfWidths[k - 1]));
        }
      }
      yield cells.join(',') + '\n';
    }
  }
}

/** The forecast of test row `j` (an index into `rows`) made `k` steps earlier; NaN where none. */
type StepLookup = (k: number, j: number) => number;

/** The lookups behind each alignment {@link alignSteps} made, for {@link forecastCsvLines}. */
const lookupsOf = new WeakMap<SeriesAlignment, Readonly<Record<string, StepLookup>>>();

/** Lookups over one model's forecasts of a series of `n` rows: an origin -> forecast index table, no copy of the values. */
function stepLookup(entry: SeriesForecasts | undefined, rows: Int32Array, n: number): StepLookup {
  if (entry === undefined) return () => Number.NaN;
  let indexOf: Int32Array | null = null; // built on the first lookup: a report looks up few series
  return (k, j) => {
    if (indexOf === null) {
      indexOf = new Int32Array(n).fill(-1);
      entry.origins.forEach((t, i) => (indexOf![t] = i));
    }
    const origin = rows[j] - k;
    const i = origin >= 0 ? indexOf[origin] : -1;
    return i < 0 ? Number.NaN : entry.values[i][k - 1];
  };
}

/** Lookups reading an alignment's arrays, for an alignment not made by {@link alignSteps}. */
function arrayLookups(s: SeriesAlignment): Record<string, StepLookup> {
  return Object.fromEntries(Object.entries(s.forecasts).map(([name, steps]) => [name, (k: number, j: number) => steps[k - 1][j]]));
}

/**
 * An array of `horizon` steps whose entry `k - 1` is `make(k)`, built on the first read and kept:
 * it reads like any array (index, `for...of`, `map`).
 */
function lazySteps(horizon: number, make: (k: number) => Float64Array): Float64Array[] {
  const steps = new Array<Float64Array>(horizon);
  for (let k = 1; k <= horizon; k++) {
    Object.defineProperty(steps, k - 1, {
      configurable: true,
      enumerable: true,
      get: () => {
        const built = make(k);
        Object.defineProperty(steps, k - 1, { value: built, enumerable: true, writable: false, configurable: false });
        return built;
      },
    });
  }
  return steps;
}

/**
 * The future forecasts of several models side by side: for every series, its `steps` stamps past
 * the last row and each model's forecast there.
 *
 * @param forecasts - One per model (distinct names), each from `Forecaster.forecast(panel, steps)`:
 *   the same series in the same order, one origin each, the same steps and stamps. Not modified.
 * @returns The table, series in the order of the first forecast.
 * @throws InputError for no forecasts, duplicate names, or forecasts that disagree (naming the
 *   models and the series).
 * @example
 * const panel = panelFromSeries(parseCsvText('t,y\n1,1\n2,2\n', { time: 't', targets: ['y'] }));
 * const flat = panelForecast(panel, 'flat', [[1]], 2, [[Float64Array.of(2, 2)]]);
 * futureRows([flat]).series[0].time; // => [3, 4]
 */
export function futureRows(forecasts: readonly PanelForecast[]): FutureTable {
  if (!Array.isArray(forecasts) || forecasts.length === 0) {
    throw new InputError(`forecasts must hold at least one PanelForecast, got ${describeValue(forecasts)}`, { argument: 'forecasts' });
  }
  const first: PanelForecast = forecasts[0];
  checkForecasts(forecasts, first.timeKind);
  const series = first.series.map((entry, i): FutureSeries => {
    const values: Record<string, Float64Array> = {};
    const bounds: Record<string, { level: number; lower: Float64Array; upper: Float64Array }[]> = {};
    for (const f of forecasts) {
      const other = f.series[i];
      const same =
        other?.id === entry.id &&
        other.values.length === 1 &&
        entry.values.length === 1 &&
        String(other.times[0]) === String(entry.times[0]);
      if (!same || other.values[0].length !== entry.times[0].length) {
        throw new InputError(
          `forecasts of ${JSON.stringify(first.model)} and ${JSON.stringify(f.model)} disagree at series ${JSON.stringify(entry.id)}: ` +
            'each needs one origin per series, with the same series, steps and times',
          { argument: 'forecasts', id: entry.id },
        );
      }
      values[f.model] = Float64Array.from(other.values[0]);
      if (other.intervals !== undefined && other.intervals.length > 0) {
        const row = other.values[0];
        bounds[f.model] = other.intervals.map((b: SeriesIntervals) => ({
          level: b.level,
          lower: row.map((v: number, k: number) => lowerBound(v, b, k + 1)),
          upper: row.map((v: number, k: number) => upperBound(v, b, k + 1)),
        }));
      }
    }
    return { id: entry.id, time: Float64Array.from(entry.times[0]), values, bounds };
  });
  if (forecasts.some((f) => f.series.length !== series.length)) {
    throw new InputError('forecasts must all hold the same series', { argument: 'forecasts' });
  }
  return { timeKind: first.timeKind, models: forecasts.map((f) => f.model), series };
}

/**
 * `future.csv` from a {@link FutureTable}: columns `id, time`, then one per model, then for each
 * model with intervals `<model>_lo<L>` and `<model>_hi<L>` per level; one line per series and
 * step. Times and numbers written as in {@link forecastCsvText}.
 *
 * @param table - From {@link futureRows}.
 * @returns The CSV text, `\n`-terminated lines.
 * @example
 * const panel = panelFromSeries(parseCsvText('t,y\n1,1\n2,2\n', { time: 't', targets: ['y'] }));
 * futureCsvText(futureRows([panelForecast(panel, 'flat', [[1]], 2, [[Float64Array.of(2, 2)]])])); // => 'id,time,flat\ny,3,2\ny,4,2\n'
 */
export function futureCsvText(table: FutureTable): string {
  return [...futureCsvLines(table)].join('');
}

/**
 * The lines of {@link futureCsvText} one by one (each ends with `\n`).
 * @example
 * const panel = panelFromSeries(parseCsvText('t,y\n1,1\n2,2\n', { time: 't', targets: ['y'] }));
 * [...futureCsvLines(futureRows([panelForecast(panel, 'flat', [[1]], 1, [[Float64Array.of(2)]])]))]; // => ['id,time,flat\n', 'y,3,2\n']
 */
export function* futureCsvLines(table: FutureTable): Generator<string> {
  const format = formatTimes(table.series.map((s) => s.time), table.timeKind);
  const first = table.series[0];
  const banded = table.models.filter((m) => first?.bounds[m] !== undefined);
  const header = ['id', 'time', ...table.models];
  for (const m of banded) for (const b of first.bounds[m]) header.push(`${m}_lo${b.level}`, `${m}_hi${b.level}`);
  yield header.map(csvField).join(',') + '\n';
  for (const s of table.series) {
    for (let j = 0; j < s.time.length; j++) {
      const cells = [csvField(s.id), format(s.time[j]), ...table.models.map((m) => csvNumber(s.values[m][j]))];
      for (const m of banded) for (const b of s.bounds[m]) cells.push(csvNumber(b.lower[j]), csvNumber(b.upper[j]));
      yield cells.join(',') + '\n';
    }
  }
}

const DAY_MS = 86_400_000;

/**
 * How times are written, as the forecast job always has: numbers as they are; dates as
 * `YYYY-MM-DD` when every stamp given is a UTC midnight, else as full ISO date-times (so hourly
 * rows stay distinct).
 *
 * @param times - Every stamp that will be written (decides the date form); not modified.
 * @param timeKind - How the stamps are to be read.
 * @returns A formatter of one stamp.
 * @example
 * formatTimes([Float64Array.of(Date.UTC(2021, 0, 1))], 'date')(Date.UTC(2021, 0, 2)); // => '2021-01-02'
 */
export function formatTimes(times: readonly Float64Array[], timeKind: TimeKind): (t: number) => string {
  if (timeKind !== 'date') return (t) => String(t);
  const dateOnly = times.every((column) => column.every((t) => t % DAY_MS === 0));
  return (t) => {
    const iso = new Date(t).toISOString();
    return dateOnly ? iso.slice(0, 10) : iso;
  };
}

/** The levels of a forecast's intervals (those of its first series), or none. */
function intervalLevels(forecast: PanelForecast): number[] {
  return forecast.series[0]?.intervals?.map((b) => b.level) ?? [];
}

function entriesById(forecast: PanelForecast, panel: Panel): Map<string, SeriesForecasts> {
  const map = new Map<string, SeriesForecasts>();
  const ids = new Set(panel.ids);
  for (const entry of forecast.series) {
    if (!ids.has(entry.id)) {
      throw new InputError(`forecast of ${JSON.stringify(forecast.model)} holds unknown series ${describeValue(entry.id)}`, {
        argument: 'forecasts',
        id: entry.id,
      });
    }
    map.set(entry.id, entry);
  }
  return map;
}

function checkForecasts(forecasts: readonly PanelForecast[], timeKind: TimeKind): void {
  if (!Array.isArray(forecasts)) throw new InputError(`forecasts must be an array, got ${describeValue(forecasts)}`, { argument: 'forecasts' });
  const names = new Set<string>();
  for (const f of forecasts) {
    if (names.has(f.model)) {
      throw new InputError(`forecasts must have distinct model names, got ${JSON.stringify(f.model)} twice`, { argument: 'forecasts' });
    }
    names.add(f.model);
    if (f.timeKind !== timeKind) {
      throw new InputError(`forecast of ${JSON.stringify(f.model)} has time kind ${f.timeKind}, expected ${timeKind}`, { argument: 'forecasts' });
    }
  }
}

/** 8 significant digits, as `forecast.csv` always had; empty for NaN. */
function csvNumber(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(8))) : '';
}

/** RFC 4180 quoting where a field needs it (ids come from the data). */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The step alignment of a one-series {@link rollingOriginBacktest} result: per test row, the
 * forecast each model made `step` rows earlier (NaN where no origin reaches it). The panel form
 * is {@link alignSteps}; this reads the one-series result without building a panel.
 *
 * @param backtest - A `rollingOriginBacktest` result.
 * @param testStart - Its first test row.
 * @param n - Rows of the series.
 * @param step - k in `[1, horizon]`.
 * @returns Model name -> values aligned with rows `testStart .. n - 1` (new arrays).
 * @example
 * const y = [1, 2, 3, 4, 5, 6];
 * const result = await rollingOriginBacktest(y, { naive: baselineForecaster('naive') }, { horizon: 2, testStart: 4 });
 * stepAlignedForecasts(result, 4, 6, 2).naive[1]; // => 4 (row 5, from origin 3; row 4 has no origin 2, so NaN)
 */
export function stepAlignedForecasts(backtest: BacktestResult, testStart: number, n: number, step: number): Record<string, Float64Array> {
  const originIndex = new Map(backtest.origins.map((t, i) => [t, i]));
  const out: Record<string, Float64Array> = {};
  for (const [name, model] of Object.entries(backtest.models)) {
    const values = new Float64Array(n - testStart).fill(Number.NaN);
    for (let row = testStart; row < n; row++) {
      const i = originIndex.get(row - step);
      if (i !== undefined) values[row - testStart] = model.forecasts[i][step - 1];
    }
    out[name] = values;
  }
  return out;
}
