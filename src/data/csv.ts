/**
 * Loading a time series from CSV: parsing, validation, the missing-value and gap policies.
 * The row-group functions below are shared with the panel loader (`panelCsv.ts`), which runs
 * them once per series.
 *
 * Line numbers in error messages are line numbers in the file, 1-based, with the header on
 * line 1 (so the first data row is usually line 2), to let users jump straight to the line in
 * an editor. A quoted field that spans several lines counts all of them.
 */
import type { DataFrame } from 'danfojs-node';
import { InputError, describeValue } from '../errors';
import type { TimeKind, TimeSeries } from './types';
import { ISO_FORMS, checkTimeFormat, formatTime, formatWithTimeFormat, parseFormattedDate, parseNumber } from './time';
import { forwardFill, interpolateLinear } from './missing';
import { readTextSource } from './source';
import { toDataFrame } from './frame';
import { type TimeGaps, describeFrequency, findGaps, timesBetween } from './frequency';
import { type CsvTexts, type CsvTimeColumn, TIME_CELL, selectTexts } from './csvColumns';
import { type CsvColumnRequest, type CsvTable, csvColumn, readCsvColumns } from './csvTable';

export type { CsvTable } from './csvTable';

/**
 * What to do with missing values in the selected target and feature columns.
 *
 * - `'error'`: fail on the first missing value, naming its column and line.
 * - `'drop'`: drop every row in which any selected target or feature is missing.
 * - `'ffill'`: carry the last observed value forward; a missing first value is an error.
 * - `'interpolate'`: linear interpolation in time between the observed neighbours; a missing
 *   first or last value is an error.
 *
 * The time column itself may never be missing, under any policy.
 */
export type MissingPolicy = 'error' | 'drop' | 'ffill' | 'interpolate';

/** All missing-value policies, in documentation order. */
export const MISSING_POLICIES: readonly MissingPolicy[] = Object.freeze(['error', 'drop', 'ffill', 'interpolate']);

/**
 * Default missing-value policy: fail loudly.
 * @defaultValue `'error'`
 */
export const DEFAULT_MISSING_POLICY: MissingPolicy = 'error';

/**
 * Cell texts that mean "missing" (compared exactly, case-sensitive).
 * @defaultValue `['', 'NA', 'NaN', 'null']`
 */
export const MISSING_MARKERS: readonly string[] = Object.freeze(['', 'NA', 'NaN', 'null']);

/**
 * Default minimum number of data rows after the missing-value policy is applied.
 * @defaultValue `2`
 */
export const DEFAULT_MIN_ROWS = 2;

/**
 * Name used for `source` by {@link parseCsvText} when none is given.
 * @defaultValue `'<text>'`
 */
export const DEFAULT_CSV_SOURCE = '<text>';

/**
 * Field delimiter of a CSV file: `'auto'` (guess from the header line, see
 * {@link detectDelimiter}), or one of comma, semicolon, tab, pipe.
 */
export type CsvDelimiter = 'auto' | ',' | ';' | '\t' | '|';

/** All accepted {@link CsvDelimiter} values. */
export const CSV_DELIMITERS: readonly CsvDelimiter[] = Object.freeze(['auto', ',', ';', '\t', '|']);

/**
 * Default delimiter: guessed from the header line among comma, semicolon, tab and pipe.
 * @defaultValue `'auto'`
 */
export const DEFAULT_DELIMITER: CsvDelimiter = 'auto';

/**
 * Largest magnitude accepted in a target or feature cell. Scaling and losses square values;
 * squares of numbers above 1e154 overflow to Infinity, and sums of many squares need headroom,
 * so anything beyond 1e150 is rejected at load time, naming the cell, rather than failing much
 * later as a non-finite scaler state. Real measurements are nowhere near this.
 * @defaultValue `1e150`
 */
export const MAX_ABS_VALUE = 1e150;

/**
 * What to do when a regular series skips time stamps (see {@link findGaps}: the step is the most
 * common month difference or the median step, and a gap is a pair of neighbours further apart).
 *
 * - `'error'`: fail, naming the number of gaps, the inferred step and the first gap's two time
 *   stamps and lines;
 * - `'warn'`: load the rows as they are and return a warning with the same facts;
 * - `'fill'`: insert the missing time stamps (month or fixed steps, see {@link timesBetween})
 *   with missing values, which the missing-value policy then fills (`'interpolate'` or
 *   `'ffill'`; with `'error'` or `'drop'` a gap is an error that says so).
 *
 * Daily data with weekends left out (Mon-Fri) has a median step of 1 day, so every weekend is a
 * 3-day gap: reported by `'error'`/`'warn'`, and filled with Saturdays and Sundays by `'fill'`.
 * Steps shorter than the inferred one are not gaps and are left as they are.
 */
export type GapPolicy = 'error' | 'warn' | 'fill';

/** All gap policies, in documentation order. */
export const GAP_POLICIES: readonly GapPolicy[] = Object.freeze(['error', 'warn', 'fill']);

/**
 * Default gap policy: fail loudly, since lags, windows and seasonal periods count rows.
 * @defaultValue `'error'`
 */
export const DEFAULT_GAP_POLICY: GapPolicy = 'error';

/** Which columns to read from a CSV file and how to validate them. */
export interface LoadCsvOptions {
  /**
   * Name of the time column: ISO 8601 dates/date-times (read as UTC) or plain numbers, or dates
   * in `timeFormat` when it is given.
   */
  readonly time: string;
  /**
   * Panel loaders only ({@link parsePanelCsvText}, {@link loadPanelCsv}): the id column of a
   * long-format file, whose value says which series a row belongs to. The single-series loaders
   * reject it. Distinct from the other selected columns.
   */
  readonly id?: string;
  /**
   * A date-fns format for the time column, e.g. `MMM d yyyy`, `dd.MM.yyyy`, `yyyy-MM-dd HH:mm`:
   * every cell is parsed with it in UTC, strictly (see {@link parseFormattedDate}). Absent: ISO
   * 8601 dates or plain numbers.
   * @defaultValue none (ISO 8601 or numbers)
   */
  readonly timeFormat?: string;
  /**
   * What to do with missing time stamps in a regular series, see {@link GapPolicy}.
   * @defaultValue {@link DEFAULT_GAP_POLICY}
   */
  readonly gaps?: GapPolicy;
  /** Columns to forecast; at least one, distinct, not the time column. */
  readonly targets: readonly string[];
  /** Extra input columns; distinct, disjoint from `targets` and `time`. @defaultValue `[]` */
  readonly features?: readonly string[];
  /** Missing-value policy for targets and features. @defaultValue {@link DEFAULT_MISSING_POLICY} */
  readonly missing?: MissingPolicy;
  /**
   * `true`: sort rows by time (stable). `false`: rows out of time order are an error.
   * Duplicate time stamps are an error either way.
   * @defaultValue `false`
   */
  readonly sort?: boolean;
  /**
   * Minimum number of rows left after the missing-value policy; a positive integer.
   * @defaultValue {@link DEFAULT_MIN_ROWS}
   */
  readonly minRows?: number;
  /**
   * Field delimiter; `'auto'` guesses it from the header line (comma, semicolon, tab or pipe,
   * the most frequent outside quotes; comma when none occurs).
   * @defaultValue {@link DEFAULT_DELIMITER}
   */
  readonly delimiter?: CsvDelimiter;
  /**
   * {@link loadCsv} only: most bytes read from the file or URL (see {@link readTextSource}).
   * @defaultValue `DEFAULT_MAX_BYTES` (1 GiB; text is also capped at V8's ~512 MiB string limit)
   */
  readonly maxBytes?: number;
  /**
   * {@link loadCsv} only: connect and idle timeout for URLs and FIFOs, in ms (see
   * {@link readTextSource}).
   * @defaultValue `DEFAULT_SOURCE_TIMEOUT_MS` (30 s)
   */
  readonly timeoutMs?: number;
}

/** Result of {@link parseCsvTextWithWarnings}. */
export interface ParsedCsv {
  /** The validated series (typed arrays), for modelling. */
  readonly series: TimeSeries;
  /**
   * Problems that do not stop loading but that a user should see, e.g. (with `gaps: 'warn'`)
   * missing time stamps in a regular series: `data.csv: time column "date" has 3 gaps (inferred step 1 month); the first
   * is between line 5 ("2020-04") and line 6 ("2020-07")` followed by why it matters. Empty when
   * there is nothing to report.
   */
  readonly warnings: readonly string[];
  /** The field delimiter used (the detected one when `delimiter` was `'auto'`). */
  readonly delimiter: string;
}

/** Result of {@link loadCsv}. */
export interface LoadedCsv extends ParsedCsv {
  /**
   * The same data as a danfo.js `DataFrame`, for exploration: the time column (ISO 8601 UTC
   * strings for dates, numbers otherwise) then the targets and features, validated, gap-filled
   * and in final (time) order. See {@link toDataFrame}.
   *
   * Built on first access (a getter), so `danfojs-node`, an optional peer dependency that takes
   * 1.5-3 s to load, is only required by code that reads it; the same frame is returned on later
   * reads. Reading it throws an Error when `danfojs-node` is not installed.
   */
  readonly frame: DataFrame;
}

/** {@link LoadCsvOptions} checked and with defaults applied, by {@link resolveCsvOptions}. */
export interface ResolvedCsvOptions {
  readonly time: string;
  /** The id column, or `null`. */
  readonly id: string | null;
  readonly targets: readonly string[];
  readonly features: readonly string[];
  readonly missing: MissingPolicy;
  readonly sort: boolean;
  readonly minRows: number;
  readonly delimiter: CsvDelimiter;
  /** The date-fns time format, or `null` for ISO 8601 dates and numbers. */
  readonly timeFormat: string | null;
  readonly gaps: GapPolicy;
}

/**
 * Parses and validates CSV text into a {@link TimeSeries}.
 *
 * The text must not contain NUL characters in its first 4 KiB (UTF-16 without a byte-order
 * mark, or a binary file: an error says which it looks like; UTF-16 *with* a byte-order mark is
 * decoded by {@link loadCsv}). The delimiter is `options.delimiter`, by default guessed from the
 * header line (comma, semicolon, tab or pipe; see {@link detectDelimiter}); a one-column header
 * that contains another delimiter makes the unknown-column error say which one to pass.
 * The text is parsed with papaparse (first row is the header, RFC 4180 quoting,
 * `\n`, `\r\n` or `\r` line ends, a leading byte-order mark ignored, no type guessing); only the selected columns are kept, in typed arrays (see {@link readCsvTable}).
 * Then, in this order:
 * 1. structure: the file must not be empty, must have data rows after the header, no two header
 *    names may be equal, every row must have as many fields as the header; blank lines are
 *    allowed only at the end;
 * 2. the selected columns (`time`, `targets`, `features`) must exist; other columns are ignored
 *    entirely (not validated);
 * 3. time column: every cell must be a plain number or every cell an ISO date
 *    (`2020-01`, `2020-01-31`, `2020-01-31T12:00[:00[.000]][Z|±HH:mm]`; read as UTC); the kind
 *    is decided from the values (a bare `2020` is a number). With `timeFormat`, every cell must
 *    instead match that date-fns format (strictly, in UTC; see {@link parseFormattedDate}). Then
 *    duplicates are an error, and rows out of order are an error unless `sort` is `true` (stable
 *    sort by time);
 * 4. target and feature cells: a plain decimal number (`-1.5`, `+2`, `.5`, `1e-3`), or one of
 *    {@link MISSING_MARKERS} meaning missing; anything else (`abc`, `1,2`, ` 1`, `Infinity`) is
 *    an error, and so is a magnitude above {@link MAX_ABS_VALUE} (`1e150`);
 * 5. the missing-value policy (see {@link MissingPolicy}), applied in time order: `'drop'`
 *    first, then `gaps: 'fill'` inserts missing time stamps, then `'ffill'`/`'interpolate'`;
 * 6. at least `minRows` rows must remain;
 * 7. gaps (with at least 3 rows): an error by default, a warning with `gaps: 'warn'` (see
 *    {@link GapPolicy}).
 *
 * @param text - The whole file content.
 * @param options - Column selection and policies, see {@link LoadCsvOptions}; `id` is not
 *   accepted here (it needs {@link parsePanelCsvText}).
 * @param source - Name of the data's origin, used in every error message and stored in
 *   `series.source`. @defaultValue {@link DEFAULT_CSV_SOURCE}
 * @returns The series: `time` strictly increasing (epoch milliseconds for dates), one
 *   `Float64Array` per target and feature, all of length `series.length`.
 * @throws InputError for bad options (naming the option and value) and for every data problem
 *   above; data messages start with `source` and name the column, the line and the value, e.g.
 *   `data.csv: column "load", line 7: expected a number, got "1,2"`. Lines are 1-based line
 *   numbers in the file, header = line 1 (so the first data row is line 2), as an editor shows.
 * @example
 * const series = parseCsvText('date,load\n2020-01-01,1.5\n2020-01-02,2\n', { time: 'date', targets: ['load'] });
 * series.length;        // 2
 * series.values.load;   // Float64Array [1.5, 2]
 * series.timeKind;      // 'date'
 */
export function parseCsvText(text: string, options: LoadCsvOptions, source: string = DEFAULT_CSV_SOURCE): TimeSeries {
  return parseCsvTextWithWarnings(text, options, source).series;
}

/**
 * Parses and validates CSV text as {@link parseCsvText} does, and also returns the warnings and
 * the delimiter used.
 *
 * Warnings (with `gaps: 'warn'`): when the time stamps, after the missing-value policy, are a
 * regular series (see {@link findGaps}) with missing stamps, one warning names the number of
 * gaps, the inferred step and the first gap (the time stamps and lines before and after it).
 * Seasonal periods, lags and windows count rows, so a gap silently shifts them. With the default
 * `gaps: 'error'` the same facts are an error.
 *
 * @param text - The whole file content.
 * @param options - Column selection and policies, see {@link LoadCsvOptions}.
 * @param source - Name of the data's origin for messages. @defaultValue {@link DEFAULT_CSV_SOURCE}
 * @returns `{ series, warnings, delimiter }`.
 * @throws InputError as {@link parseCsvText}.
 * @example
 * const { series, warnings } = parseCsvTextWithWarnings('m;y\n2020-01;1\n2020-02;2\n2020-04;3\n', { time: 'm', targets: ['y'], gaps: 'warn' });
 * warnings[0]; // '<text>: time column "m" has 1 gap (inferred step 1 month); the first is between line 3 ("2020-02") and line 4 ("2020-04"); ...'
 */
export function parseCsvTextWithWarnings(
  text: string,
  options: LoadCsvOptions,
  source: string = DEFAULT_CSV_SOURCE,
): ParsedCsv {
  const opts = resolveSingleSeriesOptions(options);
  const table = readCsvTable(text, opts, source);
  const origin: SeriesOrigin = { source };
  const valueColumns = [...opts.targets, ...opts.features];
  const parsed = parseCsvRows(table, allCsvRows(table), opts, origin);
  const rows = validateCsvRows(parsed, valueColumns, opts, origin);
  checkCsvRowCount(rows, opts.minRows, origin);
  const gap = checkCsvGaps(rows, opts, origin);
  const values: Record<string, Float64Array> = {};
  valueColumns.forEach((name, c) => {
    values[name] = rows.values[c];
  });
  const series: TimeSeries = {
    timeColumn: opts.time,
    timeKind: rows.timeKind,
    time: rows.time,
    targets: Object.freeze([...opts.targets]),
    features: Object.freeze([...opts.features]),
    columns: Object.freeze([...valueColumns]),
    values,
    length: rows.time.length,
    source,
  };
  return { series, warnings: Object.freeze(gap === null ? [] : [gap]), delimiter: table.delimiter };
}

// --- Row groups: the steps shared by the single-series and the panel loaders -----------------

/**
 * Where a group of rows comes from, for messages: the source, and the series id when the group is
 * one series of a panel. Messages then start with `data.csv: series "Wind": ` instead of
 * `data.csv: `, and error details carry `series`.
 */
export interface SeriesOrigin {
  /** File path, URL or `<text>`. */
  readonly source: string;
  /** The series id, absent for a lone series. */
  readonly id?: string;
}

/** The prefix of every message about `origin`: `data.csv` or `data.csv: series "Wind"`. */
function prefix(origin: SeriesOrigin): string {
  return origin.id === undefined ? origin.source : `${origin.source}: series ${JSON.stringify(origin.id)}`;
}

/** Error details naming the file and, for a panel, the series. */
function detailsOf(origin: SeriesOrigin, extra: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return origin.id === undefined ? { file: origin.source, ...extra } : { file: origin.source, series: origin.id, ...extra };
}

/**
 * Checks the text and stores its selected columns (steps 1 and 2 of {@link parseCsvText}), with
 * {@link readCsvColumns}: the time column as stamps (and its cell texts as bytes), `targets` and
 * `features` as numbers, `id` and `extraColumns` as dictionary-coded texts. Unselected columns are
 * checked for structure only and not kept.
 *
 * Changed in issue 14 ("Scale"): the returned {@link CsvTable} has `columns` and `length` instead
 * of `rows` (every row as a `string[]`); memory is `O(rows x selected columns)` in typed arrays.
 *
 * @param text - The whole file content.
 * @param opts - Resolved options (see {@link resolveCsvOptions}): the delimiter, `timeFormat`, and
 *   the columns `time`, `id`, `targets`, `features` that must exist.
 * @param source - Name of the data's origin for messages.
 * @param extraColumns - More columns that must exist, stored as texts, as `[name, option]` (the
 *   option is named in the unknown-column error, e.g. `['region', 'statics']`). @defaultValue `[]`
 * @returns The table; `text` is not modified.
 * @throws InputError for a non-string text, NUL characters, structural problems and unknown
 *   columns, as {@link parseCsvText}.
 * @example
 * const table = readCsvTable('t,y,z\n1,2,a\n2,3,b\n', resolveCsvOptions({ time: 't', targets: ['y'] }), 'f.csv');
 * [table.length, table.lines[0], table.columnIndex.get('y'), table.columns.has('z')]; // [2, 2, 1, false]
 */
export function readCsvTable(
  text: string,
  opts: ResolvedCsvOptions,
  source: string,
  extraColumns: readonly (readonly [string, string])[] = [],
): CsvTable {
  const columns: CsvColumnRequest[] = [
    { name: opts.time, role: 'time', option: 'time' },
    ...(opts.id === null ? [] : [{ name: opts.id, role: 'text', option: 'id' } as const]),
    ...opts.targets.map((name) => ({ name, role: 'number', option: 'targets' }) as const),
    ...opts.features.map((name) => ({ name, role: 'number', option: 'features' }) as const),
    ...extraColumns.map(([name, option]) => ({ name, role: 'text', option }) as const),
  ];
  return readCsvColumns(text, {
    source,
    delimiter: opts.delimiter,
    columns,
    timeFormat: opts.timeFormat,
    missingMarkers: MISSING_MARKERS,
    maxAbsValue: MAX_ABS_VALUE,
  });
}

/**
 * The column names of a CSV text's header line, after the structural checks of
 * {@link readCsvTable} (text, quoting, field counts, duplicate names, at least one data row).
 *
 * @param delimiter - A delimiter, or `'auto'` to guess it from the header line. @defaultValue `'auto'`
 * @throws InputError as {@link readCsvTable} does for structural problems, naming `source`.
 * @example
 * readCsvHeader('t;y\n1;2\n', 'f.csv'); // ['t', 'y']
 */
export function readCsvHeader(text: string, source: string, delimiter: CsvDelimiter = DEFAULT_DELIMITER): string[] {
  const options = { source, delimiter, columns: [], timeFormat: null, missingMarkers: MISSING_MARKERS, maxAbsValue: MAX_ABS_VALUE };
  return [...readCsvColumns(text, options).header];
}

/**
 * Indices of every data row of `table`, in file order.
 * @returns `[0, 1, ..., table.length - 1]`.
 * @example
 * Array.from(allCsvRows(readCsvTable('t,y\n1,2\n2,3\n', resolveCsvOptions({ time: 't', targets: ['y'] }), 'f.csv'))); // [0, 1]
 */
export function allCsvRows(table: CsvTable): Int32Array {
  const rows = new Int32Array(table.length);
  for (let i = 0; i < rows.length; i++) rows[i] = i;
  return rows;
}

/** `source[index[i]]` for each `i`. */
function gather(source: Float64Array, index: ArrayLike<number>): Float64Array {
  const out = new Float64Array(index.length);
  for (let i = 0; i < out.length; i++) out[i] = source[index[i]];
  return out;
}

/** `source[index[i]]` for each `i`. */
function gatherInt32(source: Int32Array, index: ArrayLike<number>): Int32Array {
  const out = new Int32Array(index.length);
  for (let i = 0; i < out.length; i++) out[i] = source[index[i]];
  return out;
}

/**
 * One group of rows (a series) with its time column parsed and ordered and its value cells
 * parsed, all in file order: the result of steps 3 and 4 of {@link parseCsvText}.
 */
export interface ParsedCsvRows {
  /** How the time stamps were parsed. */
  readonly timeKind: TimeKind;
  /** Time stamps in file order (epoch ms for dates). */
  readonly time: Float64Array;
  /**
   * Raw time cells in file order, for messages, read on demand from the table (changed in issue
   * 14: was a `string[]`; use `texts.get(i)` for `texts[i]`).
   */
  readonly texts: CsvTexts;
  /** File line of each row, in file order. */
  readonly lines: Int32Array;
  /** Row order (indices into the group) with strictly increasing time. */
  readonly order: Int32Array;
  /** Value column name -> values in file order; `NaN` marks a missing cell. */
  readonly values: ReadonlyMap<string, Float64Array>;
}

/**
 * Parses the time column and the value columns of some rows of a table, as steps 3 and 4 of
 * {@link parseCsvText} (time kind, duplicates and order, number cells).
 *
 * @param table - From {@link readCsvTable}.
 * @param rowIndices - The group's rows (indices of table rows, `0 <= i < table.length`), in file
 *   order; not modified.
 * @param opts - Resolved options: `time`, `timeFormat` (the one the table was read with), `sort`,
 *   `missing` (`'error'` fails on a missing cell here).
 * @param origin - Names the group in messages.
 * @param names - Value columns to parse, each read as a number column of the table (a target or
 *   feature of the options it was read with). @defaultValue `[...opts.targets, ...opts.features]`
 * @returns The parsed group, in file order plus the time order.
 * @throws InputError naming the column, line and value (and the series when `origin.id` is set);
 *   Error when `opts.time` or a name is not a time or number column of `table`, or `opts.timeFormat`
 *   is not the table's.
 * @example
 * const opts = resolveCsvOptions({ time: 't', targets: ['y'], sort: true });
 * const table = readCsvTable('t,y\n2,20\n1,10\n', opts, 'f.csv');
 * Array.from(parseCsvRows(table, allCsvRows(table), opts, { source: 'f.csv' }).order); // [1, 0]
 */
export function parseCsvRows(
  table: CsvTable,
  rowIndices: ArrayLike<number>,
  opts: ResolvedCsvOptions,
  origin: SeriesOrigin,
  names: readonly string[] = [...opts.targets, ...opts.features],
): ParsedCsvRows {
  const rows = Int32Array.from(rowIndices);
  const lines = gatherInt32(table.lines, rows);
  const column = csvColumn(table, opts.time, 'time');
  if (column.format !== opts.timeFormat) {
    throw new Error(`${table.source}: the table was read with timeFormat ${JSON.stringify(column.format)}, not ${JSON.stringify(opts.timeFormat)}`);
  }
  const texts = selectTexts(column, rows);
  const time = parseTimeColumn(column, rows, lines, texts, opts, origin);
  const order = orderRows(time.values, texts, lines, opts, origin);
  const columns = parseValueColumns(table, rows, lines, names, opts.missing, origin);
  const values = new Map<string, Float64Array>();
  names.forEach((name, c) => values.set(name, columns[c]));
  return { timeKind: time.kind, time: time.values, texts, lines, order, values };
}

/**
 * One group of rows in time order after the missing-value and gap-fill policies: a series'
 * columns before they are named and stored.
 */
export interface CsvSeriesRows {
  readonly timeKind: TimeKind;
  /** Strictly increasing time stamps. */
  readonly time: Float64Array;
  /** The value columns, in the order of the `names` given to {@link validateCsvRows}; finite. */
  readonly values: readonly Float64Array[];
  /** File line of each row; `0` for a row inserted by `gaps: 'fill'`. */
  readonly lines: Int32Array;
  /**
   * Time cell of each row as written (an inserted row's stamp is formatted), for messages, read
   * on demand (changed in issue 14: was a `string[]`; use `texts.get(i)`).
   */
  readonly texts: CsvTexts;
  /** Rows read from the file. */
  readonly read: number;
  /** Rows dropped by `missing: 'drop'`. */
  readonly dropped: number;
  /** Rows inserted by `gaps: 'fill'`. */
  readonly filled: number;
}

/**
 * Applies step 5 of {@link parseCsvText} to a parsed group: time order, `missing: 'drop'`,
 * `gaps: 'fill'`, then `missing: 'ffill'`/`'interpolate'`.
 *
 * @param parsed - From {@link parseCsvRows}; not modified.
 * @param names - The value columns to keep (each parsed into `parsed.values`); `'drop'` drops a
 *   row when any of them is missing there.
 * @param opts - Resolved options: `missing`, `gaps`, `time`, `timeFormat`.
 * @param origin - Names the group in messages.
 * @returns The rows in time order, columns aligned with `names`.
 * @throws InputError when a leading or trailing missing value cannot be filled (naming column
 *   and line), and with `gaps: 'fill'` when there are gaps but `missing` is `'error'` or
 *   `'drop'` (nothing would fill the inserted rows) or a gap is not a whole number of steps.
 * @example
 * const opts = resolveCsvOptions({ time: 't', targets: ['y'], gaps: 'fill', missing: 'interpolate' });
 * const table = readCsvTable('t,y\n1,10\n2,20\n4,40\n', opts, 'f.csv');
 * const rows = validateCsvRows(parseCsvRows(table, allCsvRows(table), opts, { source: 'f.csv' }), ['y'], opts, { source: 'f.csv' });
 * [Array.from(rows.time), Array.from(rows.values[0])]; // [[1, 2, 3, 4], [10, 20, 30, 40]]
 */
export function validateCsvRows(
  parsed: ParsedCsvRows,
  names: readonly string[],
  opts: ResolvedCsvOptions,
  origin: SeriesOrigin,
): CsvSeriesRows {
  const { order } = parsed;
  const n = order.length;
  let rows: CsvSeriesRows = {
    timeKind: parsed.timeKind,
    time: gather(parsed.time, order),
    values: names.map((name) => gather(parsed.values.get(name)!, order)),
    lines: gatherInt32(parsed.lines, order),
    texts: selectTexts(parsed.texts, order),
    read: n,
    dropped: 0,
    filled: 0,
  };
  if (names.length > 0 && opts.missing === 'drop') rows = dropMissing(rows);
  if (opts.gaps === 'fill') rows = fillGaps(rows, opts, origin);
  if (names.length > 0 && (opts.missing === 'ffill' || opts.missing === 'interpolate')) {
    const { time, lines } = rows;
    const fill = opts.missing;
    const values = rows.values.map((col, c) => {
      const describe = (i: number): string => `${prefix(origin)}: column ${JSON.stringify(names[c])}, line ${lines[i]}`;
      try {
        return fill === 'ffill' ? forwardFill(col, describe) : interpolateLinear(time, col, describe);
      } catch (err) {
        if (!(err instanceof InputError) || typeof err.details.index !== 'number') throw err;
        // Same message; details name the file, column and line, as every other data error does.
        const line = lines[err.details.index];
        throw new InputError(err.message, detailsOf(origin, { column: names[c], line, ...err.details }));
      }
    });
    rows = { ...rows, values };
  }
  return rows;
}

/** Keeps the rows in which every value column is present. */
function dropMissing(rows: CsvSeriesRows): CsvSeriesRows {
  const all = new Int32Array(rows.time.length);
  let kept = 0;
  for (let i = 0; i < all.length; i++) {
    if (rows.values.every((col) => !Number.isNaN(col[i]))) all[kept++] = i;
  }
  const keep = all.slice(0, kept);
  return {
    ...rows,
    time: gather(rows.time, keep),
    values: rows.values.map((col) => gather(col, keep)),
    lines: gatherInt32(rows.lines, keep),
    texts: selectTexts(rows.texts, keep),
    dropped: rows.dropped + rows.time.length - keep.length,
  };
}

/** `gaps: 'fill'`: inserts the missing stamps of a regular series with missing values. */
function fillGaps(rows: CsvSeriesRows, opts: ResolvedCsvOptions, origin: SeriesOrigin): CsvSeriesRows {
  const gaps = rows.time.length < 3 ? null : findGaps(rows.time, rows.timeKind);
  if (gaps === null || gaps.count === 0) return rows;
  if (opts.missing === 'error' || opts.missing === 'drop') {
    throw new InputError(
      `${describeGaps(rows, gaps, opts.time, origin)}; gaps: 'fill' inserts the missing time stamps with missing values, ` +
        `which missing: '${opts.missing}' does not fill: choose a missing policy such as 'interpolate' (--missing interpolate) or 'ffill'`,
      detailsOf(origin, { column: opts.time, argument: 'missing', gaps: gaps.count }),
    );
  }
  const time: number[] = [];
  const lines: number[] = [];
  const from: number[] = []; // row of `rows` each output row copies, -1 for an inserted row
  const describeStamp = (t: number): string =>
    opts.timeFormat === null ? formatTime(t, rows.timeKind) : formatWithTimeFormat(t, opts.timeFormat);
  for (let i = 0; i < rows.time.length; i++) {
    if (i > 0) {
      const between = timesBetween(rows.time[i - 1], rows.time[i], gaps.frequency);
      if (between === null) {
        const where = (k: number): string => `line ${rows.lines[k]} (${JSON.stringify(rows.texts.get(k))})`;
        throw new InputError(
          `${prefix(origin)}: time column ${JSON.stringify(opts.time)}: cannot fill the gap between ${where(i - 1)} and ${where(i)}: ` +
            `it is not a whole number of steps of ${describeFrequency(gaps.frequency, rows.timeKind)} (the inferred step)`,
          detailsOf(origin, { column: opts.time, lines: [rows.lines[i - 1], rows.lines[i]] }),
        );
      }
      for (const t of between) {
        time.push(t);
        lines.push(0);
        from.push(-1);
      }
    }
    time.push(rows.time[i]);
    lines.push(rows.lines[i]);
    from.push(i);
  }
  const filledTime = Float64Array.from(time);
  return {
    ...rows,
    time: filledTime,
    values: rows.values.map((col) => Float64Array.from(from, (i) => (i < 0 ? NaN : col[i]))),
    lines: Int32Array.from(lines),
    texts: selectTexts(rows.texts, Int32Array.from(from), (i) => describeStamp(filledTime[i])),
    filled: rows.filled + time.length - rows.time.length,
  };
}

/**
 * Step 6 of {@link parseCsvText}: at least `minRows` rows must remain.
 *
 * @param rows - From {@link validateCsvRows}.
 * @param minRows - A positive integer.
 * @param origin - Names the group in messages.
 * @throws InputError `data.csv: needs at least 5 data rows, got 4 (6 read, 2 dropped for missing
 *   values)` (with `series "id": ` after the source for a panel series).
 * @example
 * const opts = resolveCsvOptions({ time: 't', targets: ['y'] });
 * const table = readCsvTable('t,y\n1,2\n', opts, 'f.csv');
 * const rows = validateCsvRows(parseCsvRows(table, allCsvRows(table), opts, { source: 'f.csv' }), ['y'], opts, { source: 'f.csv' });
 * checkCsvRowCount(rows, 2, { source: 'f.csv' }); // throws: f.csv: needs at least 2 data rows, got 1
 */
export function checkCsvRowCount(rows: CsvSeriesRows, minRows: number, origin: SeriesOrigin): void {
  const length = rows.time.length;
  if (length >= minRows) return;
  const detail = rows.dropped > 0 ? ` (${rows.read} read, ${rows.dropped} dropped for missing values)` : '';
  throw new InputError(
    `${prefix(origin)}: needs at least ${minRows} data rows, got ${length}${detail}`,
    detailsOf(origin, { rows: length, minRows }),
  );
}

/**
 * Step 7 of {@link parseCsvText}: gaps in a regular series (see {@link findGaps}), by
 * `opts.gaps`. Series of fewer than 3 rows have no gaps.
 *
 * @param rows - From {@link validateCsvRows}.
 * @param opts - Resolved options: `gaps` and `time`.
 * @param origin - Names the group in messages.
 * @returns The warning for `'warn'` when there are gaps; otherwise `null`.
 * @throws InputError for `'error'` when there are gaps, naming the count, the step, the first
 *   gap's stamps and lines, and the options `gaps: 'fill'` and `gaps: 'warn'`.
 * @example
 * const opts = resolveCsvOptions({ time: 't', targets: ['y'], gaps: 'warn' });
 * const table = readCsvTable('t,y\n1,1\n2,1\n4,1\n', opts, 'f.csv');
 * const rows = validateCsvRows(parseCsvRows(table, allCsvRows(table), opts, { source: 'f.csv' }), ['y'], opts, { source: 'f.csv' });
 * checkCsvGaps(rows, opts, { source: 'f.csv' }); // 'f.csv: time column "t" has 1 gap (inferred step 1); the first is between line 3 ("2") and line 4 ("4"); ...'
 */
export function checkCsvGaps(rows: CsvSeriesRows, opts: ResolvedCsvOptions, origin: SeriesOrigin): string | null {
  if (opts.gaps === 'fill' || rows.time.length < 3) return null;
  const gaps = findGaps(rows.time, rows.timeKind);
  if (gaps.count === 0) return null;
  const facts = describeGaps(rows, gaps, opts.time, origin);
  if (opts.gaps === 'warn') {
    return (
      `${facts}; seasonal periods, lags and windows count rows, so fill the missing time stamps (rows with empty values and a ` +
      "missing policy such as 'interpolate') if the series should be regular"
    );
  }
  throw new InputError(
    `${facts}; seasonal periods, lags and windows count rows, so pass gaps: 'fill' (--gaps fill) with a missing policy such as ` +
      "'interpolate' (--missing interpolate) to insert the missing time stamps, or gaps: 'warn' (--gaps warn) to use the rows as they are",
    detailsOf(origin, {
      column: opts.time,
      argument: 'gaps',
      gaps: gaps.count,
      lines: [rows.lines[gaps.first - 1], rows.lines[gaps.first]],
    }),
  );
}

/** `data.csv: time column "m" has 2 gaps (inferred step 1 month); the first is between line 3 ("2020-02") and line 4 ("2020-05")`. */
function describeGaps(rows: CsvSeriesRows, gaps: TimeGaps, timeColumn: string, origin: SeriesOrigin): string {
  const where = (i: number): string => `line ${rows.lines[i]} (${JSON.stringify(rows.texts.get(i))})`;
  const step = describeFrequency(gaps.frequency, rows.timeKind);
  return (
    `${prefix(origin)}: time column ${JSON.stringify(timeColumn)} has ${gaps.count} gap${gaps.count === 1 ? '' : 's'} ` +
    `(inferred step ${step}); the first is between ${where(gaps.first - 1)} and ${where(gaps.first)}`
  );
}

/**
 * Reads a CSV file or URL and validates it into a {@link TimeSeries}, with warnings and a lazy
 * danfo.js `DataFrame` view of the same data.
 *
 * Options are validated before any I/O. See {@link parseCsvText} for every rule applied to the
 * content, {@link parseCsvTextWithWarnings} for the warnings, and {@link readTextSource} for how
 * the source is read (`maxBytes`, `timeoutMs`; UTF-8, or UTF-16 with a byte-order mark).
 * `danfojs-node` is not loaded here: only reading `.frame` loads it.
 *
 * @param source - A file path (relative to the working directory) or an `http://`/`https://`
 *   URL (fetched with the global `fetch`).
 * @param options - Column selection and policies, see {@link LoadCsvOptions}.
 * @returns A frozen `{ series, warnings, delimiter, frame }`; `frame` is a getter that builds
 *   the DataFrame on first access (`series.length` rows, columns `[time, ...targets, ...features]`).
 * @throws InputError for bad options, a missing file (naming the path), a failed fetch (naming
 *   the URL and HTTP status), a file or body over `maxBytes`, a timeout, and every content
 *   problem listed under {@link parseCsvText}.
 * @example
 * const { series, warnings } = await loadCsv('data/air.csv', { time: 'date', targets: ['pm25'], missing: 'interpolate' });
 * for (const w of warnings) console.warn(w);
 */
export async function loadCsv(source: string, options: LoadCsvOptions): Promise<LoadedCsv> {
  resolveSingleSeriesOptions(options);
  const text = await readTextSource(source, { maxBytes: options.maxBytes, timeoutMs: options.timeoutMs, what: 'CSV' });
  const parsed = parseCsvTextWithWarnings(text, options, source);
  let frame: DataFrame | undefined;
  return Object.freeze({
    ...parsed,
    // Lazy: danfojs-node is optional and slow to load; see LoadedCsv.frame.
    get frame(): DataFrame {
      frame ??= toDataFrame(parsed.series);
      return frame;
    },
  });
}

// ---------------------------------------------------------------------------------------------

/** {@link resolveCsvOptions} for the single-series loaders, which have no id column. */
function resolveSingleSeriesOptions(options: LoadCsvOptions): ResolvedCsvOptions {
  const opts = resolveCsvOptions(options);
  if (opts.id !== null) {
    throw new InputError(
      `options.id (${JSON.stringify(opts.id)}) reads many series: use parsePanelCsvText or loadPanelCsv, which return a panel`,
      { argument: 'id', value: opts.id },
    );
  }
  return opts;
}

/**
 * Checks {@link LoadCsvOptions} and applies the defaults (loader-specific options such as
 * `maxBytes` are checked where they are used).
 *
 * @param options - Not modified.
 * @returns The resolved options.
 * @throws InputError naming the option and the value: a missing or empty `time`, no targets, a
 *   column selected twice (`time`, `id`, `targets`, `features`), an unknown `missing`, `gaps` or
 *   `delimiter`, a non-boolean `sort`, a `minRows` that is not a positive integer, a `timeFormat`
 *   date-fns rejects.
 * @example
 * resolveCsvOptions({ time: 't', targets: ['y'] }).gaps; // 'error'
 */
export function resolveCsvOptions(options: LoadCsvOptions): ResolvedCsvOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InputError(`options must be an object, got ${describeValue(options)}`, { argument: 'options' });
  }
  const {
    time,
    id,
    targets,
    features = [],
    missing = DEFAULT_MISSING_POLICY,
    sort = false,
    minRows = DEFAULT_MIN_ROWS,
    delimiter = DEFAULT_DELIMITER,
    timeFormat,
    gaps = DEFAULT_GAP_POLICY,
  } = options;
  checkColumnSelection(time, id, targets, features);
  checkPolicies(missing, sort, minRows, delimiter, gaps);
  const format = timeFormat === undefined ? null : checkTimeFormat(timeFormat);
  return { time, id: id ?? null, targets, features, missing, sort, minRows, delimiter, timeFormat: format, gaps };
}

/** Checks the `time`, `id`, `targets` and `features` columns: named, at least one target, none selected twice. */
function checkColumnSelection(
  time: string,
  id: string | undefined,
  targets: readonly string[],
  features: readonly string[],
): void {
  if (typeof time !== 'string' || time.length === 0) {
    throw new InputError(`options.time must be a non-empty column name, got ${describeValue(time)}`, {
      argument: 'time',
      value: time,
    });
  }
  if (id !== undefined && (typeof id !== 'string' || id.length === 0)) {
    throw new InputError(`options.id must be a non-empty column name, got ${describeValue(id)}`, { argument: 'id', value: id });
  }
  checkNameList(targets, 'targets');
  checkNameList(features, 'features');
  if (targets.length === 0) {
    throw new InputError('options.targets must name at least one column, got []', { argument: 'targets' });
  }
  const seen = new Map<string, string>([[time, 'time']]);
  if (id !== undefined) {
    if (id === time) {
      throw new InputError(`column ${JSON.stringify(id)} is selected twice (options.time and options.id)`, { argument: 'id', value: id });
    }
    seen.set(id, 'id');
  }
  for (const [list, argument] of [
    [targets, 'targets'],
    [features, 'features'],
  ] as const) {
    for (const name of list) {
      const previous = seen.get(name);
      if (previous !== undefined) {
        throw new InputError(
          `column ${JSON.stringify(name)} is selected twice (options.${previous} and options.${argument})`,
          { argument, value: name },
        );
      }
      seen.set(name, argument);
    }
  }
}

/** Checks the `missing`, `sort`, `minRows`, `delimiter` and `gaps` settings. */
function checkPolicies(missing: MissingPolicy, sort: boolean, minRows: number, delimiter: CsvDelimiter, gaps: GapPolicy): void {
  if (!MISSING_POLICIES.includes(missing)) {
    throw new InputError(
      `options.missing must be one of ${MISSING_POLICIES.map((p) => `'${p}'`).join(', ')}, got ${describeValue(missing)}`,
      { argument: 'missing', value: missing },
    );
  }
  if (typeof sort !== 'boolean') {
    throw new InputError(`options.sort must be a boolean, got ${describeValue(sort)}`, { argument: 'sort', value: sort });
  }
  if (!Number.isInteger(minRows) || minRows < 1) {
    throw new InputError(`options.minRows must be a positive integer, got ${describeValue(minRows)}`, {
      argument: 'minRows',
      value: minRows,
    });
  }
  if (!CSV_DELIMITERS.includes(delimiter)) {
    throw new InputError(
      `options.delimiter must be one of ${CSV_DELIMITERS.map((d) => JSON.stringify(d)).join(', ')}, got ${describeValue(delimiter)}`,
      { argument: 'delimiter', value: delimiter },
    );
  }
  if (!GAP_POLICIES.includes(gaps)) {
    throw new InputError(
      `options.gaps must be one of ${GAP_POLICIES.map((p) => `'${p}'`).join(', ')}, got ${describeValue(gaps)}`,
      { argument: 'gaps', value: gaps },
    );
  }
}

function checkNameList(list: unknown, argument: string): asserts list is readonly string[] {
  if (!Array.isArray(list)) {
    throw new InputError(`options.${argument} must be an array of column names, got ${describeValue(list)}`, {
      argument,
      value: list,
    });
  }
  list.forEach((name, i) => {
    if (typeof name !== 'string' || name.length === 0) {
      throw new InputError(`options.${argument}[${i}] must be a non-empty column name, got ${describeValue(name)}`, {
        argument,
        value: name,
      });
    }
  });
}

interface TimeColumn {
  readonly kind: TimeKind;
  readonly values: Float64Array;
}

/**
 * The time stamps of a group's rows (parsed when the table was read), after the checks in row
 * order: no missing or unparseable cell, and (without a format) not both dates and numbers.
 */
function parseTimeColumn(
  column: CsvTimeColumn,
  rows: Int32Array,
  lines: Int32Array,
  texts: CsvTexts,
  opts: ResolvedCsvOptions,
  origin: SeriesOrigin,
): TimeColumn {
  const name = opts.time;
  let firstNumber = -1;
  let firstDate = -1;
  for (let r = 0; r < rows.length; r++) {
    const kind = column.cells[rows[r]];
    if (kind === TIME_CELL.MISSING || kind === TIME_CELL.INVALID) throw timeCellError(kind, r, texts.get(r), lines, opts, origin);
    if (kind === TIME_CELL.NUMBER && firstNumber < 0) firstNumber = r;
    if (kind === TIME_CELL.DATE && firstDate < 0) firstDate = r;
  }
  if (firstNumber >= 0 && firstDate >= 0) {
    throw new InputError(
      `${prefix(origin)}: time column ${JSON.stringify(name)} mixes dates and numbers: line ${lines[firstDate]} has ` +
        `${JSON.stringify(texts.get(firstDate))} (a date), line ${lines[firstNumber]} has ${JSON.stringify(texts.get(firstNumber))} (a number)`,
      detailsOf(origin, { column: name }),
    );
  }
  const kind: TimeKind = opts.timeFormat !== null || firstDate >= 0 ? 'date' : 'number';
  return { kind, values: gather(column.values, rows) };
}

/** The error for a missing or unparseable time cell (`r`: the row in the group). */
function timeCellError(
  kind: number,
  r: number,
  cell: string,
  lines: Int32Array,
  opts: ResolvedCsvOptions,
  origin: SeriesOrigin,
): InputError {
  const where = `${prefix(origin)}: time column ${JSON.stringify(opts.time)}, line ${lines[r]}`;
  const details = detailsOf(origin, { column: opts.time, line: lines[r], value: cell });
  if (kind === TIME_CELL.MISSING) {
    return new InputError(`${where}: time stamp is missing (${JSON.stringify(cell)}); every row needs one`, details);
  }
  const format = opts.timeFormat;
  if (format === null) {
    return new InputError(`${where}: cannot parse ${JSON.stringify(cell)} as a number or an ISO date (${ISO_FORMS})`, details);
  }
  // Say how the date would be written when only the round trip failed (`Jan 01` for `MMM d`).
  const loose = parseFormattedDate(cell, format, { strict: false });
  const hint =
    loose === null
      ? ''
      : `; date-fns reads it as ${new Date(loose).toISOString()}, which this format writes as ${JSON.stringify(formatWithTimeFormat(loose, format))}`;
  return new InputError(
    `${where}: ${JSON.stringify(cell)} does not match the time format ${JSON.stringify(format)} (options.timeFormat)${hint}`,
    { ...details, format },
  );
}

/** Returns the row order (indices into the group's rows) with strictly increasing time. */
function orderRows(
  time: Float64Array,
  texts: CsvTexts,
  lines: Int32Array,
  opts: ResolvedCsvOptions,
  origin: SeriesOrigin,
): Int32Array {
  const n = time.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const name = JSON.stringify(opts.time);
  const duplicate = (a: number, b: number): InputError =>
    new InputError(
      `${prefix(origin)}: duplicate time stamp in column ${name}: line ${lines[a]} (${JSON.stringify(texts.get(a))}) and ` +
        `line ${lines[b]} (${JSON.stringify(texts.get(b))}) are the same time`,
      detailsOf(origin, { column: opts.time, lines: [lines[a], lines[b]] }),
    );
  if (opts.sort) {
    // Array.prototype.sort is stable (ES2019), so equal times keep file order for the message.
    const sorted = Array.from(order).sort((a, b) => time[a] - time[b]);
    order.set(sorted);
    for (let i = 1; i < n; i++) {
      if (time[order[i]] === time[order[i - 1]]) throw duplicate(order[i - 1], order[i]);
    }
    return order;
  }
  for (let i = 1; i < n; i++) {
    if (time[i] === time[i - 1]) throw duplicate(i - 1, i);
    if (time[i] < time[i - 1]) {
      throw new InputError(
        `${prefix(origin)}: time column ${name} is not sorted: line ${lines[i]} (${JSON.stringify(texts.get(i))}) is earlier than ` +
          `line ${lines[i - 1]} (${JSON.stringify(texts.get(i - 1))}); pass sort: true (--sort on the command line) to sort rows by time`,
        detailsOf(origin, { column: opts.time, line: lines[i] }),
      );
    }
  }
  return order;
}

/**
 * The value columns of a group's rows (parsed when the table was read); missing cells are NaN.
 * The first bad cell in row order (then column order) is the error, as a row-by-row parse finds it.
 */
function parseValueColumns(
  table: CsvTable,
  rows: Int32Array,
  lines: Int32Array,
  names: readonly string[],
  missing: MissingPolicy,
  origin: SeriesOrigin,
): Float64Array[] {
  const columns = names.map((name) => csvColumn(table, name, 'number'));
  let errorRow = rows.length;
  let errorColumn = -1;
  columns.forEach((column, c) => {
    if (column.irregularCount === 0) return;
    // Only rows before the best so far: on the same row the earlier column wins.
    for (let r = 0; r < errorRow; r++) {
      const cell = column.irregular(rows[r]);
      if (cell !== null && (missing === 'error' || !MISSING_MARKERS.includes(cell))) {
        errorRow = r;
        errorColumn = c;
        break;
      }
    }
  });
  if (errorColumn >= 0) {
    const cell = columns[errorColumn].irregular(rows[errorRow])!;
    throw valueCellError(cell, names[errorColumn], lines[errorRow], origin, table.delimiter);
  }
  return columns.map((column) => gather(column.values, rows));
}

/** The error for a missing (with `missing: 'error'`), non-numeric or too large value cell. */
function valueCellError(cell: string, column: string, line: number, origin: SeriesOrigin, delimiter: string): InputError {
  const where = `${prefix(origin)}: column ${JSON.stringify(column)}, line ${line}`;
  const details = (extra: Readonly<Record<string, unknown>> = {}): Record<string, unknown> =>
    detailsOf(origin, { column, line, value: cell, ...extra });
  if (MISSING_MARKERS.includes(cell)) {
    return new InputError(
      `${where}: missing value (${JSON.stringify(cell)}); set options.missing to 'drop', 'ffill' or 'interpolate' to handle missing values`,
      details(),
    );
  }
  const value = parseNumber(cell);
  if (value === null) {
    const hint = delimiter !== ',' && /^[+-]?\d+,\d+$/.test(cell) ? '; decimal commas are not supported, use a dot (1.5)' : '';
    return new InputError(`${where}: expected a number, got ${JSON.stringify(cell)}${hint}`, details());
  }
  return new InputError(
    `${where}: value ${cell} is too large in magnitude (more than ${MAX_ABS_VALUE}); ` +
      'scaling squares values, which would overflow to Infinity; rescale the column (e.g. to other units)',
    details({ limit: MAX_ABS_VALUE }),
  );
}
