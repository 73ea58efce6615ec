/**
 * The panel: many time series that share their columns, stored as concatenated typed-array
 * columns with per-series offsets (CSR style, as NeuralForecast's `TimeSeriesDataset` keeps
 * `unique_id, ds, y`). A {@link TimeSeries} is the view of one series of a panel.
 */
import { InputError, describeValue } from '../errors';
import { type Frequency, futureTimes, inferFrequency } from './frequency';
import type { TimeKind, TimeSeries } from './types';

/**
 * Many validated series with the same columns.
 *
 * Invariants (guaranteed by {@link makePanel} and the loaders, relied on everywhere else):
 * - `ids` are distinct, non-empty, at least one;
 * - `offsets` has `ids.length + 1` entries, `offsets[0] = 0`, strictly increasing, and
 *   `offsets[ids.length] = length`: series `i` owns rows `[offsets[i], offsets[i + 1])`;
 * - within each series `time` is strictly increasing and finite;
 * - every array in `values` has length `length` and holds only finite numbers;
 * - `targets`, `features` and `futureCovariates` are disjoint and `columns` is their concatenation;
 * - every array in `statics` has `ids.length` entries (one per series);
 * - `future` has `ids.length` entries; a non-null one continues its series at its frequency and
 *   holds every future-known covariate (see {@link KnownFuture}).
 */
export interface Panel {
  /** Series ids, in storage order. */
  readonly ids: readonly string[];
  /** Name of the id column in the source, or `null` when the panel was not read in long format. */
  readonly idColumn: string | null;
  /** Row offsets, length `ids.length + 1` (see the invariants). */
  readonly offsets: Int32Array;
  /** Name of the time column in the source. */
  readonly timeColumn: string;
  /** `'date'`: epoch milliseconds (UTC); `'number'`: raw numeric values. Shared by all series. */
  readonly timeKind: TimeKind;
  /** Time stamps of every row, series after series. */
  readonly time: Float64Array;
  /** Target column names (what is forecast), at least one. */
  readonly targets: readonly string[];
  /** Past covariates: known only up to the forecast origin. Possibly empty. */
  readonly features: readonly string[];
  /** Future-known covariates: known over the horizon too (calendar, planned prices). Possibly empty. */
  readonly futureCovariates: readonly string[];
  /** `[...targets, ...features, ...futureCovariates]`. */
  readonly columns: readonly string[];
  /** Column name -> values of every row (length `length`). */
  readonly values: Readonly<Record<string, Float64Array>>;
  /** Static covariates: column name -> one value per series (same order as `ids`). */
  readonly statics: Readonly<Record<string, readonly string[]>>;
  /** Inferred frequency of each series (same order as `ids`). */
  readonly frequencies: readonly Frequency[];
  /** Total number of rows. */
  readonly length: number;
  /**
   * Per series (same order as `ids`), the future-known covariates' values after its last row,
   * or `null` when none are known (always `null` without future-known covariates).
   */
  readonly future: readonly (KnownFuture | null)[];
  /** Where the data came from (file path or URL), for messages and metadata. */
  readonly source: string;
}

/**
 * What is known at the end of a series about the rows after it: the values of its future-known
 * covariates (planned prices, promotions, holidays) at the next stamps. Entry `k` of each array
 * is row `length + k` of the series.
 */
export interface KnownFuture {
  /** The stamps of those rows: the series' next stamps at its frequency (`futureTimes`). */
  readonly time: Float64Array;
  /** Every future-known covariate of the panel -> its finite values at `time` (same length). */
  readonly values: Readonly<Record<string, Float64Array>>;
}

/** One series given to {@link makePanel}. */
export interface PanelMember {
  /** Its id: non-empty, distinct from the others. */
  readonly id: string;
  /** Its data; every member must have the same time kind and columns. */
  readonly series: TimeSeries;
  /** Its static covariates, column name -> value. @defaultValue `{}` */
  readonly statics?: Readonly<Record<string, string>>;
  /**
   * Its future-known covariates after its last row (needs `futureCovariates`; checked by
   * {@link checkKnownFuture}). @defaultValue none
   */
  readonly future?: KnownFuture | null;
}

/** Options of {@link makePanel}. */
export interface MakePanelOptions {
  /** The id column of the source, if any. @defaultValue `null` */
  readonly idColumn?: string | null;
  /** Future-known covariate columns among the members' `features`. @defaultValue `[]` */
  readonly futureCovariates?: readonly string[];
  /** Source for messages. @defaultValue the first member's `source` */
  readonly source?: string;
}

/**
 * Builds a panel from one or more series, copying their columns into concatenated arrays.
 *
 * @param members - The series with their ids, at least one; all with the same `timeKind`,
 *   `timeColumn`, `targets` and `features` (in the same order), each at least 2 rows long (a
 *   frequency needs two stamps). Not modified.
 * @param options - See {@link MakePanelOptions}.
 * @returns A new panel; series `i` is `members[i]`.
 * @throws InputError for no members, a duplicate or empty id, mismatched columns or time kinds
 *   (naming the series id), a series shorter than 2 rows, inconsistent static columns, a future
 *   covariate that is not one of the features, or a member's `future` that fails
 *   {@link checkKnownFuture}.
 * @example
 * const a = parseCsvText('t,y\n1,1\n2,2\n', { time: 't', targets: ['y'] });
 * const b = parseCsvText('t,y\n1,5\n2,6\n3,7\n', { time: 't', targets: ['y'] });
 * const panel = makePanel([{ id: 'a', series: a }, { id: 'b', series: b }]);
 * Array.from(panel.offsets); // => [0, 2, 5]
 */
export function makePanel(members: readonly PanelMember[], options: MakePanelOptions = {}): Panel {
  if (!Array.isArray(members) || members.length === 0) {
    throw new InputError(`a panel needs at least one series, got ${describeValue(Array.isArray(members) ? members.length : members)}`, {
      argument: 'members',
    });
  }
  const first = members[0].series;
  const seen = new Set<string>();
  const staticNames = Object.keys(members[0].statics ?? {});
  for (const { id, series, statics = {} } of members) {
    if (typeof id !== 'string' || id.length === 0) {
      throw new InputError(`series id must be a non-empty string, got ${describeValue(id)}`, { argument: 'id', value: id });
    }
    if (seen.has(id)) throw new InputError(`duplicate series id ${JSON.stringify(id)}`, { argument: 'id', value: id });
    seen.add(id);
    checkSameShape(first, series, id);
    const names = Object.keys(statics);
    if (names.length !== staticNames.length || names.some((n) => !staticNames.includes(n))) {
      throw new InputError(
        `series ${JSON.stringify(id)} has static columns [${names.join(', ')}], the first series has [${staticNames.join(', ')}]`,
        { argument: 'statics', id },
      );
    }
  }
  const future = options.futureCovariates ?? [];
  for (const name of future) {
    if (!first.features.includes(name)) {
      throw new InputError(`future covariate ${JSON.stringify(name)} is not a feature column (features: [${first.features.join(', ')}])`, {
        argument: 'futureCovariates',
        value: name,
      });
    }
  }
  const offsets = new Int32Array(members.length + 1);
  members.forEach((m, i) => {
    offsets[i + 1] = offsets[i] + m.series.length;
  });
  const length = offsets[members.length];
  const time = new Float64Array(length);
  const values: Record<string, Float64Array> = {};
  for (const name of first.columns) values[name] = new Float64Array(length);
  members.forEach(({ series }, i) => {
    time.set(series.time, offsets[i]);
    for (const name of first.columns) values[name].set(series.values[name], offsets[i]);
  });
  const statics: Record<string, readonly string[]> = {};
  for (const name of staticNames) statics[name] = Object.freeze(members.map((m) => m.statics![name]));
  const frequencies = members.map((m) => inferFrequency(m.series.time, m.series.timeKind));
  const known = members.map((m) => {
    if (m.future === undefined || m.future === null) return null;
    try {
      return checkKnownFuture(m.future, m.series, future);
    } catch (error) {
      throw error instanceof InputError && members.length > 1 ? seriesError(m.id, error) : error;
    }
  });
  const features = first.features.filter((name: string) => !future.includes(name));
  return Object.freeze({
    ids: Object.freeze(members.map((m) => m.id)),
    idColumn: options.idColumn ?? null,
    offsets,
    timeColumn: first.timeColumn,
    timeKind: first.timeKind,
    time,
    targets: Object.freeze([...first.targets]),
    features: Object.freeze(features),
    futureCovariates: Object.freeze([...future]),
    columns: Object.freeze([...first.targets, ...features, ...future]),
    values: Object.freeze(values),
    statics: Object.freeze(statics),
    frequencies: Object.freeze(frequencies),
    future: Object.freeze(known),
    length,
    source: options.source ?? first.source,
  });
}

function checkSameShape(first: TimeSeries, series: TimeSeries, id: string): void {
  const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  const what = `series ${JSON.stringify(id)}`;
  if (series.timeKind !== first.timeKind) {
    throw new InputError(`${what}: time kind ${series.timeKind} differs from the first series' (${first.timeKind})`, { id });
  }
  if (series.timeColumn !== first.timeColumn || !same(series.targets, first.targets) || !same(series.features, first.features)) {
    throw new InputError(
      `${what}: columns (time ${series.timeColumn}, targets [${series.targets.join(', ')}], features [${series.features.join(', ')}]) ` +
        `differ from the first series' (time ${first.timeColumn}, targets [${first.targets.join(', ')}], features [${first.features.join(', ')}])`,
      { id },
    );
  }
  if (series.length < 2) {
    throw new InputError(`${what}: needs at least 2 rows, got ${series.length}`, { id, rows: series.length });
  }
}

/**
 * Checks what is known about the rows after `series` and returns a frozen copy.
 *
 * Entry `k` stands for the `k + 1`-th row after the last one, as rows are what the models step
 * through. Without `frequency` the stamps need only increase strictly from the series' last one
 * (a panel cut by `truncatePanel` keeps its own stamps); with it they must be exactly the next
 * stamps at that frequency (`futureTimes`), as a user's file must.
 *
 * @param future - The values after the last row; not modified.
 * @param futureCovariates - The future-known covariates: `future.values` must hold exactly these.
 * @param frequency - When given, the frequency the stamps must follow. @defaultValue none
 * @returns A copy (new arrays).
 * @throws InputError for no future-known covariates, a missing or unknown column, a length that
 *   differs from `future.time`'s, a stamp out of order or not the next one at `frequency`
 *   (naming its position, the expected and the given stamp), or a value that is not finite;
 *   `details.index` is the position.
 * @example
 * const s = parseCsvText('t,y,p\n1,1,0\n2,2,1\n', { time: 't', targets: ['y'], features: ['p'] });
 * checkKnownFuture({ time: Float64Array.of(3), values: { p: Float64Array.of(1) } }, s, ['p'], inferFrequency(s.time, 'number')).time; // [3]
 */
export function checkKnownFuture(
  future: KnownFuture,
  series: TimeSeries,
  futureCovariates: readonly string[],
  frequency?: Frequency,
): KnownFuture {
  if (futureCovariates.length === 0) {
    throw new InputError('future values were given, but the panel has no future-known covariates (futureCovariates is empty)', {
      argument: 'future',
    });
  }
  const { time, values } = future ?? ({} as Partial<KnownFuture>);
  if (!(time instanceof Float64Array) || values === null || typeof values !== 'object') {
    throw new InputError(`future must be { time: Float64Array, values: { column: Float64Array } }, got ${describeValue(future)}`, { argument: 'future' });
  }
  const unknown = Object.keys(values).find((name) => !futureCovariates.includes(name));
  if (unknown !== undefined) {
    throw new InputError(
      `future has column ${JSON.stringify(unknown)}, which is not a future-known covariate (futureCovariates: [${futureCovariates.join(', ')}])`,
      { argument: 'future', column: unknown },
    );
  }
  checkFutureStamps(time, series, frequency);
  const copy: Record<string, Float64Array> = {};
  for (const name of futureCovariates) {
    const column = values[name];
    if (!(column instanceof Float64Array) || column.length !== time.length) {
      throw new InputError(
        `future.values.${name} must hold ${time.length} values (one per future stamp), got ${column instanceof Float64Array ? column.length : describeValue(column)}`,
        { argument: `future.values.${name}`, column: name },
      );
    }
    const bad = column.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new InputError(`future.values.${name}[${bad}] must be a finite number, got ${describeValue(column[bad])}`, {
        argument: `future.values.${name}`,
        column: name,
        index: bad,
        value: column[bad],
      });
    }
    copy[name] = Float64Array.from(column);
  }
  return Object.freeze({ time: Float64Array.from(time), values: Object.freeze(copy) });
}

function checkFutureStamps(time: Float64Array, series: TimeSeries, frequency: Frequency | undefined): void {
  const last = series.time[series.length - 1];
  const expected = frequency === undefined ? null : futureTimes(last, frequency, time.length);
  const show = (t: number): string => (series.timeKind === 'date' && Number.isFinite(t) ? new Date(t).toISOString() : String(t));
  for (let k = 0; k < time.length; k++) {
    const previous = k === 0 ? last : time[k - 1];
    const ok = expected === null ? Number.isFinite(time[k]) && time[k] > previous : time[k] === expected[k];
    if (ok) continue;
    const want = expected === null ? `a finite stamp after ${show(previous)}` : `${show(expected[k])} (the next stamp at the series' frequency)`;
    throw new InputError(`future stamp ${k + 1} after the last row must be ${want}, got ${show(time[k])}`, {
      argument: 'future.time',
      index: k,
      value: time[k],
      ...(expected === null ? {} : { expected: expected[k] }),
    });
  }
}

/**
 * A copy of `panel` with what is known after each series' end (see {@link KnownFuture}).
 *
 * @param future - One entry per series (panel order): its known future, or `null`. Not modified.
 * @param frequencies - When given (`panel.frequencies`), each entry's stamps must be the series'
 *   next stamps at its frequency (see {@link checkKnownFuture}). @defaultValue no frequency check
 * @returns A new panel sharing every other array with `panel`.
 * @throws InputError for the wrong number of entries, or an entry that fails
 *   {@link checkKnownFuture} (naming the series when there are several).
 * @example
 * const s = parseCsvText('t,y,p\n1,1,0\n2,2,1\n', { time: 't', targets: ['y'], features: ['p'] });
 * const panel = makePanel([{ id: 'a', series: s }], { futureCovariates: ['p'] });
 * withKnownFuture(panel, [{ time: Float64Array.of(3), values: { p: Float64Array.of(1) } }]).future[0]?.time; // [3]
 */
export function withKnownFuture(panel: Panel, future: readonly (KnownFuture | null)[], frequencies?: readonly Frequency[]): Panel {
  if (!Array.isArray(future) || future.length !== panel.ids.length) {
    throw new InputError(`future must have one entry per series (${panel.ids.length}), got ${describeValue(Array.isArray(future) ? future.length : future)}`, {
      argument: 'future',
    });
  }
  const known = future.map((f, i) => {
    if (f === null) return null;
    try {
      return checkKnownFuture(f, panelSeries(panel, i), panel.futureCovariates, frequencies?.[i]);
    } catch (error) {
      throw error instanceof InputError && panel.ids.length > 1 ? seriesError(panel.ids[i], error) : error;
    }
  });
  return Object.freeze({ ...panel, future: Object.freeze(known) });
}

/**
 * The panel of one series, with id `id` (by default its first target's name).
 *
 * @example
 * const series = parseCsvText('t,y\n1,1\n2,2\n', { time: 't', targets: ['y'] });
 * panelFromSeries(series).ids; // => ['y']
 */
export function panelFromSeries(series: TimeSeries, id: string = series.targets[0]): Panel {
  return makePanel([{ id, series }]);
}

/** Number of series in a panel. */
export function seriesCount(panel: Panel): number {
  return panel.ids.length;
}

/**
 * Rows `[start, end)` of series `index` within the panel's arrays.
 * @throws InputError when `index` is not an integer in `[0, ids.length)`.
 */
export function seriesRows(panel: Panel, index: number): { readonly start: number; readonly end: number } {
  checkIndex(panel, index);
  return { start: panel.offsets[index], end: panel.offsets[index + 1] };
}

/**
 * The view of series `index` as a {@link TimeSeries}: its arrays are `subarray` views of the
 * panel's (no copy; do not write to them). Its `features` are the panel's past and future-known
 * covariates together, and its `id` is set.
 *
 * @throws InputError when `index` is not an integer in `[0, ids.length)`.
 * @example
 * const a = parseCsvText('t,y\n1,1\n2,2\n', { time: 't', targets: ['y'] });
 * const b = parseCsvText('t,y\n1,5\n2,6\n3,7\n', { time: 't', targets: ['y'] });
 * const view = panelSeries(makePanel([{ id: 'a', series: a }, { id: 'b', series: b }]), 1);
 * [view.id, view.length, view.values.y[0]]; // => ['b', 3, 5]
 */
export function panelSeries(panel: Panel, index: number): TimeSeries {
  const { start, end } = seriesRows(panel, index);
  const values: Record<string, Float64Array> = {};
  for (const name of panel.columns) values[name] = panel.values[name].subarray(start, end);
  return {
    id: panel.ids[index],
    timeColumn: panel.timeColumn,
    timeKind: panel.timeKind,
    time: panel.time.subarray(start, end),
    targets: panel.targets,
    features: Object.freeze([...panel.features, ...panel.futureCovariates]),
    columns: panel.columns,
    values,
    length: end - start,
    source: panel.source,
  };
}

/**
 * The index of series `id`.
 * @throws InputError naming the id and (up to 20 of) the known ids when there is no such series.
 */
export function seriesIndex(panel: Panel, id: string): number {
  const index = panel.ids.indexOf(id);
  if (index < 0) {
    const shown = panel.ids.slice(0, 20).map((x) => JSON.stringify(x)).join(', ');
    const more = panel.ids.length > 20 ? `, ... (${panel.ids.length} in all)` : '';
    throw new InputError(`unknown series id ${describeValue(id)}; the series are ${shown}${more}`, { argument: 'id', value: id });
  }
  return index;
}

/** Most known ids an unknown-id message of {@link selectSeries} lists. */
export const MAX_SELECTION_IDS_SHOWN = 10;

/**
 * Checks a list of series ids to select, before any panel is at hand (so that a job can refuse
 * an empty or repeated list before reading its data): an array of non-empty strings, at least
 * one, none twice.
 *
 * @param ids - The ids; not modified.
 * @throws InputError (`details.argument` `'series'`, `details.value` the list or the bad id) for
 *   something other than an array, an empty list, an entry that is not a non-empty string, or an
 *   id given twice.
 * @example
 * checkSeriesSelection(['a', 'b']); // fine
 * checkSeriesSelection(['a', 'a']); // throws 'series id "a" is given twice (options.series)'
 */
export function checkSeriesSelection(ids: readonly string[]): void {
  if (!Array.isArray(ids) || ids.length === 0) {
    throw new InputError(`options.series must list at least one series id, got ${describeValue(ids)}`, { argument: 'series', value: ids });
  }
  const seen = new Set<string>();
  for (const id of ids) {
    if (typeof id !== 'string' || id.length === 0) {
      throw new InputError(`series ids (options.series) must be non-empty strings, got ${describeValue(id)}`, { argument: 'series', value: id });
    }
    if (seen.has(id)) throw new InputError(`series id ${JSON.stringify(id)} is given twice (options.series)`, { argument: 'series', value: id });
    seen.add(id);
  }
}

/**
 * A new panel holding only the series `ids`, in the order they have in `panel` (not the order of
 * `ids`). Each series keeps its rows, static values, frequency and known future; the columns,
 * time kind, id column and source are `panel`'s.
 *
 * @param panel - The panel; not modified.
 * @param ids - The ids to keep: at least one, each once, each a series of `panel` (see
 *   {@link checkSeriesSelection}). Not modified.
 * @returns A new frozen panel with `ids.length` series; its `time` and `values` are new arrays,
 *   its `future` entries are `panel`'s (frozen, shared).
 * @throws InputError (`details.argument` `'series'`) as {@link checkSeriesSelection} does, or for
 *   an id that is not a series of `panel`: the message names it and lists up to
 *   {@link MAX_SELECTION_IDS_SHOWN} of the known ids.
 * @example
 * const a = parseCsvText('t,y\n1,1\n2,2\n', { time: 't', targets: ['y'] });
 * const b = parseCsvText('t,y\n1,5\n2,6\n3,7\n', { time: 't', targets: ['y'] });
 * const panel = makePanel([{ id: 'a', series: a }, { id: 'b', series: b }, { id: 'c', series: a }]);
 * selectSeries(panel, ['c', 'b']).ids; // => ['b', 'c']
 */
export function selectSeries(panel: Panel, ids: readonly string[]): Panel {
  checkSeriesSelection(ids);
  const wanted = new Set(ids);
  const unknown = ids.find((id) => !panel.ids.includes(id));
  if (unknown !== undefined) {
    const shown = panel.ids.slice(0, MAX_SELECTION_IDS_SHOWN).join(', ');
    const more = panel.ids.length > MAX_SELECTION_IDS_SHOWN ? `, ... (${panel.ids.length} in all)` : '';
    throw new InputError(`unknown series id ${JSON.stringify(unknown)} (options.series); known ids: ${shown}${more}`, {
      argument: 'series',
      value: unknown,
    });
  }
  const kept = panel.ids.map((id, i) => (wanted.has(id) ? i : -1)).filter((i) => i >= 0);
  const offsets = new Int32Array(kept.length + 1);
  kept.forEach((i, k) => {
    offsets[k + 1] = offsets[k] + panel.offsets[i + 1] - panel.offsets[i];
  });
  const length = offsets[kept.length];
  const gather = (column: Float64Array): Float64Array => {
    const out = new Float64Array(length);
    kept.forEach((i, k) => out.set(column.subarray(panel.offsets[i], panel.offsets[i + 1]), offsets[k]));
    return out;
  };
  const values: Record<string, Float64Array> = {};
  for (const name of panel.columns) values[name] = gather(panel.values[name]);
  const statics: Record<string, readonly string[]> = {};
  for (const [name, column] of Object.entries(panel.statics)) statics[name] = Object.freeze(kept.map((i) => column[i]));
  // Every field spelled out (no spread): a field added to Panel later must be handled here.
  const selected: Panel = {
    ids: Object.freeze(kept.map((i) => panel.ids[i])),
    idColumn: panel.idColumn,
    offsets,
    timeColumn: panel.timeColumn,
    timeKind: panel.timeKind,
    time: gather(panel.time),
    targets: panel.targets,
    features: panel.features,
    futureCovariates: panel.futureCovariates,
    columns: panel.columns,
    values: Object.freeze(values),
    statics: Object.freeze(statics),
    frequencies: Object.freeze(kept.map((i) => panel.frequencies[i])),
    length,
    future: Object.freeze(kept.map((i) => panel.future[i])),
    source: panel.source,
  };
  return Object.freeze(selected);
}

/** Every series of a panel as views, in storage order (see {@link panelSeries}). */
export function panelSeriesList(panel: Panel): TimeSeries[] {
  return panel.ids.map((_, i) => panelSeries(panel, i));
}

/**
 * The same error with the series named first: `series "north": <message>`, its details gaining
 * `id`. Every panel-level layer prefixes errors of one series this way.
 * @example
 * seriesError('north', new InputError('needs at least 2 rows, got 1')).message; // 'series "north": needs at least 2 rows, got 1'
 */
export function seriesError(id: string, error: InputError): InputError {
  return new InputError(`series ${JSON.stringify(id)}: ${error.message}`, { ...error.details, id });
}

function checkIndex(panel: Panel, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= panel.ids.length) {
    throw new InputError(`series index must be an integer in [0, ${panel.ids.length - 1}], got ${describeValue(index)}`, {
      argument: 'index',
      value: index,
    });
  }
}
