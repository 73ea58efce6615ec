/**
 * The panel: many time series that share their columns, stored as concatenated typed-array
 * columns with per-series offsets (CSR style, as NeuralForecast's `TimeSeriesDataset` keeps
 * `unique_id, ds, y`). A {@link TimeSeries} is the view of one series of a panel.
 */
import { InputError, describeValue } from '../errors';
import { type Frequency, inferFrequency } from './frequency';
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
 * - every array in `statics` has `ids.length` entries (one per series).
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
  /** Where the data came from (file path or URL), for messages and metadata. */
  readonly source: string;
}

/** One series given to {@link makePanel}. */
export interface PanelMember {
  /** Its id: non-empty, distinct from the others. */
  readonly id: string;
  /** Its data; every member must have the same time kind and columns. */
  readonly series: TimeSeries;
  /** Its static covariates, column name -> value. @defaultValue `{}` */
  readonly statics?: Readonly<Record<string, string>>;
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
 *   (naming the series id), a series shorter than 2 rows, inconsistent static columns, or a future
 *   covariate that is not one of the features.
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
    frequencies: Object.freeze(members.map((m) => inferFrequency(m.series.time, m.series.timeKind))),
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
