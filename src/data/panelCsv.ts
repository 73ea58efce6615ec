/**
 * Loading many series from one CSV file into a {@link Panel}: long format (an id column says
 * which series a row belongs to), wide format (one column per series), or one series.
 *
 * Each series is validated on its own with the same steps as a lone series (`csv.ts`: time
 * parsing, duplicates, order, number cells, missing values, gaps), and every message about a
 * series names it: `data.csv: series "Wind": duplicate time stamp in column "year": line 7
 * ("2001") and line 9 ("2001") are the same time`.
 */
import { InputError, describeValue } from '../errors';
import {
  type CsvTable,
  DEFAULT_CSV_SOURCE,
  type LoadCsvOptions,
  type ParsedCsvRows,
  type ResolvedCsvOptions,
  type SeriesOrigin,
  type CsvSeriesRows,
  allCsvRows,
  checkCsvGaps,
  checkCsvRowCount,
  parseCsvRows,
  readCsvTable,
  resolveCsvOptions,
  validateCsvRows,
} from './csv';
import { csvColumn } from './csvTable';
import { type Panel, type PanelMember, makePanel } from './panel';
import { readTextSource } from './source';
import type { TimeSeries } from './types';

/**
 * What to do with a series shorter than `minLength` rows (after the missing-value policy):
 * `'error'` fails naming it and its length; `'skip'` leaves it out of the panel, with a warning
 * and an entry in `skipped`.
 */
export type ShortSeriesPolicy = 'error' | 'skip';

/** All {@link ShortSeriesPolicy} values. */
export const SHORT_SERIES_POLICIES: readonly ShortSeriesPolicy[] = Object.freeze(['error', 'skip']);

/**
 * Default short-series policy: fail loudly.
 * @defaultValue `'error'`
 */
export const DEFAULT_SHORT_SERIES_POLICY: ShortSeriesPolicy = 'error';

/**
 * Default name of the panel's one target in wide format (each series' values come from its own
 * column and are stored under this name).
 * @defaultValue `'value'`
 */
export const DEFAULT_WIDE_TARGET = 'value';

/**
 * Smallest `minLength`: a panel series needs two time stamps for its frequency.
 * @defaultValue `2`
 */
export const MIN_PANEL_SERIES_LENGTH = 2;

/**
 * Most series ids listed by name in a message; the rest are counted.
 * @defaultValue `20`
 */
export const MAX_LISTED_IDS = 20;

/** Options of {@link parsePanelCsvText} and {@link loadPanelCsv}. */
export interface LoadPanelCsvOptions extends LoadCsvOptions {
  /**
   * Wide format (without `id`): one series per `targets` column, with id the column name; its
   * values are stored under {@link LoadPanelCsvOptions.wideTarget}, and the `features` are
   * shared by (copied into) every series. Missing values are handled per series column, so
   * `'drop'` drops a row only from the series whose cell (or a feature) is missing.
   * @defaultValue `false`
   */
  readonly wide?: boolean;
  /**
   * Wide format only: the panel's target name. Not the time column or a feature.
   * @defaultValue {@link DEFAULT_WIDE_TARGET}
   */
  readonly wideTarget?: string;
  /**
   * Long format only: static columns, whose value must be the same on every row of a series;
   * stored as strings in `panel.statics`. Distinct from the other selected columns.
   * @defaultValue `[]`
   */
  readonly statics?: readonly string[];
  /**
   * Fewest rows a series may have after the missing-value policy (and `gaps: 'fill'`); an
   * integer >= {@link MIN_PANEL_SERIES_LENGTH}.
   * @defaultValue `minRows`, or {@link MIN_PANEL_SERIES_LENGTH} when `minRows` is 1
   */
  readonly minLength?: number;
  /** What to do with shorter series. @defaultValue {@link DEFAULT_SHORT_SERIES_POLICY} */
  readonly short?: ShortSeriesPolicy;
  /**
   * Which `features` are future-known covariates (their values after the end can be given, see
   * `loadFutureCsv`); the rest are past covariates. @defaultValue `[]`
   */
  readonly futureCovariates?: readonly string[];
}

/** A series left out by `short: 'skip'`. */
export interface SkippedSeries {
  /** Its id. */
  readonly id: string;
  /** Its rows after the missing-value policy (fewer than `minLength`). */
  readonly rows: number;
}

/** Result of {@link parsePanelCsvText} and {@link loadPanelCsv}. */
export interface ParsedPanelCsv {
  /** The validated series. */
  readonly panel: Panel;
  /**
   * Problems that do not stop loading: gaps with `gaps: 'warn'` (one per series, naming it), and
   * the series skipped by `short: 'skip'`. Empty when there is nothing to report.
   */
  readonly warnings: readonly string[];
  /** The field delimiter used (the detected one when `delimiter` was `'auto'`). */
  readonly delimiter: string;
  /** Series left out by `short: 'skip'`, in file order; empty otherwise. */
  readonly skipped: readonly SkippedSeries[];
}

/** Panel options checked, with defaults applied. */
interface ResolvedPanelOptions {
  readonly base: ResolvedCsvOptions;
  readonly wide: boolean;
  readonly wideTarget: string;
  readonly statics: readonly string[];
  readonly minLength: number;
  readonly short: ShortSeriesPolicy;
  readonly futureCovariates: readonly string[];
}

/**
 * Parses and validates CSV text into a {@link Panel} of one or more series.
 *
 * Layouts:
 * - **long** (`id` set): rows are grouped by the id column's value, series in order of first
 *   appearance; rows of different series may be interleaved. An empty id cell is an error.
 * - **wide** (`wide: true`, no `id`): one series per target column, see
 *   {@link LoadPanelCsvOptions.wide}.
 * - **one series** (neither): the series {@link parseCsvText} reads, with id its first target.
 *
 * Each series is validated on its own exactly as {@link parseCsvText} validates a file
 * (time parsing or `timeFormat`, duplicates, `sort` within the series, number cells, the
 * missing-value policy, gaps by `gaps`), and the time kind (dates or numbers) must be the same
 * in every series. Then series shorter than `minLength` are an error or skipped (`short`), and
 * gaps are checked (an error by default) in each remaining series.
 *
 * @param text - The whole file content.
 * @param options - Columns and policies, see {@link LoadPanelCsvOptions}; not modified.
 * @param source - Name of the data's origin for messages and `panel.source`.
 *   @defaultValue {@link DEFAULT_CSV_SOURCE}
 * @returns `{ panel, warnings, delimiter, skipped }`; `panel.idColumn` is `id` (`null` in wide
 *   and one-series layouts).
 * @throws InputError for bad options (naming the option and value) and for every data problem;
 *   a message about one series starts with `source: series "<id>": ` and names the column,
 *   line and value, e.g. `data.csv: series "Wind": column "load", line 7: expected a number,
 *   got "1,2"`; structural problems (header, field counts) name the source and line only.
 * @example
 * const { panel } = parsePanelCsvText('id,t,y\na,1,10\nb,1,5\na,2,11\nb,2,6\n', { id: 'id', time: 't', targets: ['y'] });
 * panel.ids;                  // ['a', 'b']
 * Array.from(panel.offsets);  // [0, 2, 4]
 * Array.from(panel.values.y); // [10, 11, 5, 6]
 */
export function parsePanelCsvText(
  text: string,
  options: LoadPanelCsvOptions,
  source: string = DEFAULT_CSV_SOURCE,
): ParsedPanelCsv {
  const opts = resolvePanelOptions(options);
  return assemble(readCandidates(text, source, opts), opts);
}

/**
 * The file's series before the length and gap checks, with the table's source and delimiter.
 * A function of its own so that the table's columns can be collected once the series are built.
 */
function readCandidates(text: string, source: string, opts: ResolvedPanelOptions): Candidates {
  const { base } = opts;
  const table = readCsvTable(
    text,
    base,
    source,
    opts.statics.map((name) => [name, 'statics'] as const),
  );
  const list = base.id !== null ? longCandidates(table, opts) : opts.wide ? wideCandidates(table, opts) : singleCandidate(table, opts);
  return { list, source: table.source, delimiter: table.delimiter };
}

/**
 * Reads a CSV file or URL and validates it into a {@link Panel}, as {@link parsePanelCsvText}.
 *
 * Options are validated before any I/O; the source is read with {@link readTextSource}
 * (`maxBytes`, `timeoutMs`; UTF-8, or UTF-16 with a byte-order mark), as {@link loadCsv} does.
 *
 * @param source - A file path (relative to the working directory) or an `http://`/`https://` URL.
 * @param options - See {@link LoadPanelCsvOptions}; not modified.
 * @returns A frozen `{ panel, warnings, delimiter, skipped }`.
 * @throws InputError for bad options, a missing file or failed fetch (naming it), a source over
 *   `maxBytes`, a timeout, and every content problem of {@link parsePanelCsvText}.
 * @example
 * const { panel, warnings } = await loadPanelCsv('node_modules/vega-datasets/data/stocks.csv', {
 *   id: 'symbol', time: 'date', targets: ['price'], timeFormat: 'MMM d yyyy',
 * });
 * panel.ids; // ['MSFT', 'AMZN', 'IBM', 'GOOG', 'AAPL']
 */
export async function loadPanelCsv(source: string, options: LoadPanelCsvOptions): Promise<ParsedPanelCsv> {
  resolvePanelOptions(options);
  const text = await readTextSource(source, { maxBytes: options.maxBytes, timeoutMs: options.timeoutMs, what: 'CSV' });
  return Object.freeze(parsePanelCsvText(text, options, source));
}

// ---------------------------------------------------------------------------------------------

/** A validated series before the length and gap checks. */
interface Candidate {
  readonly origin: SeriesOrigin;
  readonly id: string;
  readonly rows: CsvSeriesRows;
  /** Value columns of `rows.values`, as stored in the panel (renamed in wide format). */
  readonly names: readonly string[];
  readonly statics: Readonly<Record<string, string>>;
}

/** {@link Candidate}s of one file. */
interface Candidates {
  readonly list: readonly Candidate[];
  readonly source: string;
  readonly delimiter: string;
}

function longCandidates(table: CsvTable, opts: ResolvedPanelOptions): Candidate[] {
  const { base } = opts;
  const idColumn = base.id!;
  const groups = groupById(table, idColumn);
  const names = [...base.targets, ...base.features];
  const candidates: Candidate[] = [];
  let first: { id: string; parsed: ParsedCsvRows } | undefined;
  for (const [id, indices] of groups) {
    const origin: SeriesOrigin = { source: table.source, id };
    const parsed = parseCsvRows(table, indices, base, origin);
    if (first === undefined) first = { id, parsed };
    else checkSameTimeKind(first, { id, parsed }, base.time, table.source);
    const statics = staticValues(table, indices, opts.statics, origin);
    candidates.push({ origin, id, rows: validateCsvRows(parsed, names, base, origin), names, statics });
  }
  return candidates;
}

/**
 * Row indices of each series of a long-format table, ids in order of first appearance, from the
 * id column's dictionary codes (a counting sort: two passes over `Int32Array`s).
 *
 * Changed in issue 14: the groups are `Int32Array`s (were `number[]`).
 *
 * @param table - From `readCsvTable`, with `idColumn` read as its id (or an extra) column.
 * @param idColumn - The id column's name.
 * @returns id -> the rows of that series (indices of table rows), in file order.
 * @throws InputError naming the file, column and line of the first row with an empty id; Error
 *   when `idColumn` is not a text column of `table`.
 * @example
 * const opts = resolveCsvOptions({ id: 'id', time: 't', targets: ['y'] });
 * const groups = groupById(readCsvTable('id,t,y\nb,1,1\na,1,2\nb,2,3\n', opts, 'f.csv'), 'id');
 * [...groups.keys()];            // ['b', 'a']
 * Array.from(groups.get('b')!);  // [0, 2]
 */
export function groupById(table: CsvTable, idColumn: string): Map<string, Int32Array> {
  const { codes, distinct } = csvColumn(table, idColumn, 'text');
  const empty = distinct.indexOf('');
  const counts = new Int32Array(distinct.length);
  for (let r = 0; r < codes.length; r++) {
    if (codes[r] === empty) {
      throw new InputError(
        `${table.source}: id column ${JSON.stringify(idColumn)}, line ${table.lines[r]}: series id is empty; every row needs one`,
        { file: table.source, column: idColumn, line: table.lines[r], value: '' },
      );
    }
    counts[codes[r]]++;
  }
  const groups = distinct.map((_, code) => new Int32Array(counts[code]));
  const filled = new Int32Array(distinct.length);
  for (let r = 0; r < codes.length; r++) groups[codes[r]][filled[codes[r]]++] = r;
  const byId = new Map<string, Int32Array>();
  distinct.forEach((id, code) => {
    if (counts[code] > 0) byId.set(id, groups[code]);
  });
  return byId;
}

function checkSameTimeKind(
  first: { readonly id: string; readonly parsed: ParsedCsvRows },
  other: { readonly id: string; readonly parsed: ParsedCsvRows },
  timeColumn: string,
  source: string,
): void {
  if (other.parsed.timeKind === first.parsed.timeKind) return;
  const describe = ({ id, parsed }: typeof first): string =>
    `series ${JSON.stringify(id)} has ${parsed.timeKind === 'date' ? 'dates' : 'numbers'} ` +
    `(line ${parsed.lines[0]}: ${JSON.stringify(parsed.texts.get(0))})`;
  throw new InputError(
    `${source}: time column ${JSON.stringify(timeColumn)}: ${describe(other)}, but ${describe(first)}; ` +
      'every series needs the same kind of time stamp',
    { file: source, column: timeColumn, series: [first.id, other.id] },
  );
}

/** The static columns' values of one series; each must be constant over its rows. */
function staticValues(
  table: CsvTable,
  indices: Int32Array,
  statics: readonly string[],
  origin: SeriesOrigin,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of statics) {
    const column = csvColumn(table, name, 'text');
    const code = column.codes[indices[0]];
    const value = column.distinct[code];
    const other = indices.find((r) => column.codes[r] !== code);
    if (other !== undefined) {
      const cell = column.get(other);
      throw new InputError(
        `${origin.source}: series ${JSON.stringify(origin.id)}: static column ${JSON.stringify(name)} is not constant: ` +
          `line ${table.lines[indices[0]]} has ${JSON.stringify(value)}, line ${table.lines[other]} has ${JSON.stringify(cell)}; ` +
          'a static column must hold one value per series',
        { file: origin.source, series: origin.id, column: name, lines: [table.lines[indices[0]], table.lines[other]] },
      );
    }
    values[name] = value;
  }
  return values;
}

function wideCandidates(table: CsvTable, opts: ResolvedPanelOptions): Candidate[] {
  const { base } = opts;
  // Time and cells are shared, so their messages name the file (and the column, which is the id).
  const parsed = parseCsvRows(table, allCsvRows(table), base, { source: table.source });
  const names = [opts.wideTarget, ...base.features];
  return base.targets.map((id) => {
    const origin: SeriesOrigin = { source: table.source, id };
    return { origin, id, rows: validateCsvRows(parsed, [id, ...base.features], base, origin), names, statics: {} };
  });
}

function singleCandidate(table: CsvTable, opts: ResolvedPanelOptions): Candidate[] {
  const { base } = opts;
  const origin: SeriesOrigin = { source: table.source };
  const names = [...base.targets, ...base.features];
  const rows = validateCsvRows(parseCsvRows(table, allCsvRows(table), base, origin), names, base, origin);
  return [{ origin, id: base.targets[0], rows, names, statics: {} }];
}

/** Length policy, gap policy, then the panel. */
function assemble(candidates: Candidates, opts: ResolvedPanelOptions): ParsedPanelCsv {
  const { source, delimiter } = candidates;
  const { base, minLength } = opts;
  const warnings: string[] = [];
  const skipped: SkippedSeries[] = [];
  const members: PanelMember[] = [];
  const targets = opts.wide ? [opts.wideTarget] : base.targets;
  for (const c of candidates.list) {
    if (c.rows.time.length < minLength) {
      if (opts.short === 'error') checkCsvRowCount(c.rows, minLength, c.origin);
      skipped.push({ id: c.id, rows: c.rows.time.length });
      continue;
    }
    const gap = checkCsvGaps(c.rows, base, c.origin);
    if (gap !== null) warnings.push(gap);
    members.push({ id: c.id, series: toSeries(c, targets, base, source), statics: c.statics });
  }
  if (skipped.length > 0) {
    const list = listSkipped(skipped);
    if (members.length === 0) {
      throw new InputError(
        `${source}: every series is shorter than ${minLength} rows (minLength): ${list}`,
        { file: source, argument: 'minLength', value: minLength },
      );
    }
    warnings.push(
      `${source}: skipped ${skipped.length} series shorter than ${minLength} rows (minLength, short: 'skip'): ${list}`,
    );
  }
  const panel = makePanel(members, { idColumn: base.id, source: source, futureCovariates: opts.futureCovariates });
  return {
    panel,
    warnings: Object.freeze(warnings),
    delimiter,
    skipped: Object.freeze(skipped.map((s) => Object.freeze(s))),
  };
}

/** `"a" (1 row), "b" (3 rows), ... and 4 more`. */
function listSkipped(skipped: readonly SkippedSeries[]): string {
  const shown = skipped
    .slice(0, MAX_LISTED_IDS)
    .map(({ id, rows }) => `${JSON.stringify(id)} (${rows} row${rows === 1 ? '' : 's'})`)
    .join(', ');
  return skipped.length > MAX_LISTED_IDS ? `${shown}, ... and ${skipped.length - MAX_LISTED_IDS} more` : shown;
}

function toSeries(c: Candidate, targets: readonly string[], base: ResolvedCsvOptions, source: string): TimeSeries {
  const values: Record<string, Float64Array> = {};
  c.names.forEach((name, k) => {
    values[name] = c.rows.values[k];
  });
  return {
    id: c.id,
    timeColumn: base.time,
    timeKind: c.rows.timeKind,
    time: c.rows.time,
    targets,
    features: base.features,
    columns: c.names,
    values,
    length: c.rows.time.length,
    source,
  };
}

function resolvePanelOptions(options: LoadPanelCsvOptions): ResolvedPanelOptions {
  const base = resolveCsvOptions(options);
  const { wide = false, wideTarget, statics = [], minLength, short = DEFAULT_SHORT_SERIES_POLICY } = options;
  if (typeof wide !== 'boolean') {
    throw new InputError(`options.wide must be a boolean, got ${describeValue(wide)}`, { argument: 'wide', value: wide });
  }
  if (wide && base.id !== null) {
    throw new InputError(
      `options.wide and options.id (${JSON.stringify(base.id)}) cannot be combined: a long-format file has an id column, ` +
        'a wide one a column per series',
      { argument: 'wide' },
    );
  }
  checkWideTarget(wideTarget, wide, base);
  checkStatics(statics, base);
  const length = minLength ?? Math.max(base.minRows, MIN_PANEL_SERIES_LENGTH);
  if (!Number.isInteger(length) || length < MIN_PANEL_SERIES_LENGTH) {
    throw new InputError(
      `options.minLength must be an integer >= ${MIN_PANEL_SERIES_LENGTH} (a series needs two time stamps), got ${describeValue(length)}`,
      { argument: 'minLength', value: length },
    );
  }
  if (!SHORT_SERIES_POLICIES.includes(short)) {
    throw new InputError(
      `options.short must be one of ${SHORT_SERIES_POLICIES.map((p) => `'${p}'`).join(', ')}, got ${describeValue(short)}`,
      { argument: 'short', value: short },
    );
  }
  return {
    base,
    wide,
    wideTarget: wideTarget ?? DEFAULT_WIDE_TARGET,
    statics: Object.freeze([...statics]),
    minLength: length,
    short,
    futureCovariates: checkFutureCovariates(options.futureCovariates ?? [], base),
  };
}

function checkFutureCovariates(names: unknown, base: ResolvedCsvOptions): readonly string[] {
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
    throw new InputError(`options.futureCovariates must be an array of feature names, got ${describeValue(names)}`, { argument: 'futureCovariates', value: names });
  }
  const unknown = names.find((n) => !base.features.includes(n));
  if (unknown !== undefined) {
    throw new InputError(
      `options.futureCovariates names ${JSON.stringify(unknown)}, which is not one of the features [${base.features.join(', ')}]`,
      { argument: 'futureCovariates', value: unknown },
    );
  }
  if (new Set(names).size !== names.length) {
    throw new InputError(`options.futureCovariates lists a column twice: [${names.join(', ')}]`, { argument: 'futureCovariates', value: names });
  }
  return Object.freeze([...names]);
}

function checkWideTarget(wideTarget: unknown, wide: boolean, base: ResolvedCsvOptions): void {
  if (wideTarget === undefined) {
    if (wide && (DEFAULT_WIDE_TARGET === base.time || base.features.includes(DEFAULT_WIDE_TARGET))) {
      throw new InputError(
        `the wide-format target name ${JSON.stringify(DEFAULT_WIDE_TARGET)} (the default of options.wideTarget) is also ` +
          'the time or a feature column; pass another wideTarget',
        { argument: 'wideTarget', value: DEFAULT_WIDE_TARGET },
      );
    }
    return;
  }
  if (!wide) {
    throw new InputError(`options.wideTarget only applies with wide: true, got ${describeValue(wideTarget)}`, {
      argument: 'wideTarget',
      value: wideTarget,
    });
  }
  if (typeof wideTarget !== 'string' || wideTarget.length === 0) {
    throw new InputError(`options.wideTarget must be a non-empty name, got ${describeValue(wideTarget)}`, {
      argument: 'wideTarget',
      value: wideTarget,
    });
  }
  if (wideTarget === base.time || base.features.includes(wideTarget)) {
    throw new InputError(
      `options.wideTarget ${JSON.stringify(wideTarget)} is also the time or a feature column; choose another name`,
      { argument: 'wideTarget', value: wideTarget },
    );
  }
}

function checkStatics(statics: unknown, base: ResolvedCsvOptions): asserts statics is readonly string[] {
  if (!Array.isArray(statics)) {
    throw new InputError(`options.statics must be an array of column names, got ${describeValue(statics)}`, {
      argument: 'statics',
      value: statics,
    });
  }
  if (statics.length > 0 && base.id === null) {
    throw new InputError('options.statics needs options.id: static columns hold one value per series of a long-format file', {
      argument: 'statics',
    });
  }
  const seen = new Map<string, string>([[base.time, 'time']]);
  if (base.id !== null) seen.set(base.id, 'id');
  for (const name of base.targets) seen.set(name, 'targets');
  for (const name of base.features) seen.set(name, 'features');
  statics.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || name.length === 0) {
      throw new InputError(`options.statics[${i}] must be a non-empty column name, got ${describeValue(name)}`, {
        argument: 'statics',
        value: name,
      });
    }
    const previous = seen.get(name);
    if (previous !== undefined) {
      throw new InputError(`column ${JSON.stringify(name)} is selected twice (options.${previous} and options.statics)`, {
        argument: 'statics',
        value: name,
      });
    }
    seen.set(name, 'statics');
  });
}
