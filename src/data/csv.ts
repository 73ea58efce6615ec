/**
 * Loading a time series from CSV: parsing, validation and the missing-value policy.
 *
 * Line numbers in error messages are line numbers in the file, 1-based, with the header on
 * line 1 (so the first data row is usually line 2), to let users jump straight to the line in
 * an editor. A quoted field that spans several lines counts all of them.
 */
import * as Papa from 'papaparse';
import type { DataFrame } from 'danfojs-node';
import { InputError, describeValue } from '../errors';
import type { TimeKind, TimeSeries } from './types';
import { classifyTime, parseIsoDate, parseNumber, ISO_FORMS } from './time';
import { forwardFill, interpolateLinear } from './missing';
import { readTextSource } from './source';
import { toDataFrame } from './frame';
import { findGaps, describeFrequency } from './frequency';
import { DELIMITER_CANDIDATES, detectDelimiter } from '../io';

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

/** Which columns to read from a CSV file and how to validate them. */
export interface LoadCsvOptions {
  /** Name of the time column: ISO 8601 dates/date-times (read as UTC) or plain numbers. */
  readonly time: string;
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
   * Problems that do not stop loading but that a user should see, e.g. missing time stamps in a
   * regular series: `data.csv: time column "date" has 3 gaps (inferred step 1 month); the first
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

/** Options with defaults applied. */
interface ResolvedOptions {
  readonly time: string;
  readonly targets: readonly string[];
  readonly features: readonly string[];
  readonly missing: MissingPolicy;
  readonly sort: boolean;
  readonly minRows: number;
  readonly delimiter: CsvDelimiter;
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
 * `\n`, `\r\n` or `\r` line ends, a leading byte-order mark ignored, cells kept as raw strings).
 * Then, in this order:
 * 1. structure: the file must not be empty, must have data rows after the header, no two header
 *    names may be equal, every row must have as many fields as the header; blank lines are
 *    allowed only at the end;
 * 2. the selected columns (`time`, `targets`, `features`) must exist; other columns are ignored
 *    entirely (not validated);
 * 3. time column: every cell must be a plain number or every cell an ISO date
 *    (`2020-01`, `2020-01-31`, `2020-01-31T12:00[:00[.000]][Z|±HH:mm]`; read as UTC); the kind
 *    is decided from the values (a bare `2020` is a number). Then duplicates are an error, and
 *    rows out of order are an error unless `sort` is `true` (stable sort by time);
 * 4. target and feature cells: a plain decimal number (`-1.5`, `+2`, `.5`, `1e-3`), or one of
 *    {@link MISSING_MARKERS} meaning missing; anything else (`abc`, `1,2`, ` 1`, `Infinity`) is
 *    an error, and so is a magnitude above {@link MAX_ABS_VALUE} (`1e150`);
 * 5. the missing-value policy (see {@link MissingPolicy}), applied in time order;
 * 6. at least `minRows` rows must remain.
 *
 * @param text - The whole file content.
 * @param options - Column selection and policies, see {@link LoadCsvOptions}.
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
 * Warnings: when the time stamps, after the missing-value policy, are a regular series (see
 * {@link findGaps}) with missing stamps, one warning names the number of gaps, the inferred
 * step and the first gap (the time stamps and lines before and after it). Seasonal periods,
 * lags and windows count rows, so a gap silently shifts them.
 *
 * @param text - The whole file content.
 * @param options - Column selection and policies, see {@link LoadCsvOptions}.
 * @param source - Name of the data's origin for messages. @defaultValue {@link DEFAULT_CSV_SOURCE}
 * @returns `{ series, warnings, delimiter }`.
 * @throws InputError as {@link parseCsvText}.
 * @example
 * const { series, warnings } = parseCsvTextWithWarnings('m;y\n2020-01;1\n2020-02;2\n2020-04;3\n', { time: 'm', targets: ['y'] });
 * warnings[0]; // '<text>: time column "m" has 1 gap (inferred step 1 month); the first is between line 3 ("2020-02") and line 4 ("2020-04"); ...'
 */
export function parseCsvTextWithWarnings(
  text: string,
  options: LoadCsvOptions,
  source: string = DEFAULT_CSV_SOURCE,
): ParsedCsv {
  const opts = resolveOptions(options);
  if (typeof text !== 'string') {
    throw new InputError(`text must be a string, got ${describeValue(text)}`, { argument: 'text' });
  }
  checkText(text, source);
  const delimiter = opts.delimiter === 'auto' ? detectDelimiter(text) : opts.delimiter;
  const { header, rows, lines } = parseStructure(text, source, delimiter);
  const columnIndex = resolveColumns(header, opts, source, delimiter);
  const n = rows.length;

  const time = parseTimeColumn(rows, lines, columnIndex.get(opts.time)!, opts.time, source);
  const order = orderRows(time.values, time.texts, lines, opts, source);

  const valueColumns = [...opts.targets, ...opts.features];
  const raw = parseValueColumns(rows, lines, valueColumns, columnIndex, opts.missing, source, delimiter);

  // Permute into time order; `rowOf` keeps each row's index in the file, for messages.
  let timeSorted = new Float64Array(n);
  let linesSorted = new Int32Array(n);
  let rowOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    timeSorted[i] = time.values[order[i]];
    linesSorted[i] = lines[order[i]];
    rowOf[i] = order[i];
  }
  let columns = raw.map((col) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = col[order[i]];
    return out;
  });

  let dropped = 0;
  if (raw.length > 0 && opts.missing !== 'error') {
    if (opts.missing === 'drop') {
      const keep: number[] = [];
      for (let i = 0; i < n; i++) {
        if (columns.every((col) => !Number.isNaN(col[i]))) keep.push(i);
      }
      dropped = n - keep.length;
      const pick = <T extends Float64Array | Int32Array>(a: T, make: (len: number) => T): T => {
        const out = make(keep.length);
        for (let k = 0; k < keep.length; k++) out[k] = a[keep[k]];
        return out;
      };
      timeSorted = pick(timeSorted, (len) => new Float64Array(len));
      linesSorted = pick(linesSorted, (len) => new Int32Array(len));
      rowOf = pick(rowOf, (len) => new Int32Array(len));
      columns = columns.map((col) => pick(col, (len) => new Float64Array(len)));
    } else {
      const fill = opts.missing;
      const lineOf = linesSorted;
      columns = columns.map((col, c) => {
        const describe = (i: number): string =>
          `${source}: column ${JSON.stringify(valueColumns[c])}, line ${lineOf[i]}`;
        return fill === 'ffill' ? forwardFill(col, describe) : interpolateLinear(timeSorted, col, describe);
      });
    }
  }

  const length = timeSorted.length;
  if (length < opts.minRows) {
    const detail = dropped > 0 ? ` (${n} read, ${dropped} dropped for missing values)` : '';
    throw new InputError(`${source}: needs at least ${opts.minRows} data rows, got ${length}${detail}`, {
      file: source,
      rows: length,
      minRows: opts.minRows,
    });
  }

  const values: Record<string, Float64Array> = {};
  valueColumns.forEach((name, c) => {
    values[name] = columns[c];
  });
  const series: TimeSeries = {
    timeColumn: opts.time,
    timeKind: time.kind,
    time: timeSorted,
    targets: Object.freeze([...opts.targets]),
    features: Object.freeze([...opts.features]),
    columns: Object.freeze([...valueColumns]),
    values,
    length,
    source,
  };
  const gap = gapWarning(series, (i) => `line ${linesSorted[i]} (${JSON.stringify(time.texts[rowOf[i]])})`);
  return { series, warnings: Object.freeze(gap === null ? [] : [gap]), delimiter };
}

/** One warning about missing time stamps, or `null` when the stamps are regular. */
function gapWarning(series: TimeSeries, where: (i: number) => string): string | null {
  if (series.length < 3) return null;
  const gaps = findGaps(series.time, series.timeKind);
  if (gaps.count === 0) return null;
  const step = describeFrequency(gaps.frequency, series.timeKind);
  return (
    `${series.source}: time column ${JSON.stringify(series.timeColumn)} has ${gaps.count} gap${gaps.count === 1 ? '' : 's'} ` +
    `(inferred step ${step}); the first is between ${where(gaps.first - 1)} and ${where(gaps.first)}; ` +
    'seasonal periods, lags and windows count rows, so fill the missing time stamps (rows with empty values and a ' +
    "missing policy such as 'interpolate') if the series should be regular"
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
  resolveOptions(options);
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

function resolveOptions(options: LoadCsvOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InputError(`options must be an object, got ${describeValue(options)}`, { argument: 'options' });
  }
  const {
    time,
    targets,
    features = [],
    missing = DEFAULT_MISSING_POLICY,
    sort = false,
    minRows = DEFAULT_MIN_ROWS,
    delimiter = DEFAULT_DELIMITER,
  } = options;
  if (typeof time !== 'string' || time.length === 0) {
    throw new InputError(`options.time must be a non-empty column name, got ${describeValue(time)}`, {
      argument: 'time',
      value: time,
    });
  }
  checkNameList(targets, 'targets');
  checkNameList(features, 'features');
  if (targets.length === 0) {
    throw new InputError('options.targets must name at least one column, got []', { argument: 'targets' });
  }
  const seen = new Map<string, string>([[time, 'time']]);
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
  return { time, targets, features, missing, sort, minRows, delimiter };
}

/** Rejects texts that are not CSV at all: UTF-16 without a byte-order mark, or binary data. */
function checkText(text: string, source: string): void {
  const head = text.slice(0, 4096);
  const nul = head.indexOf('\u0000');
  if (nul >= 0) {
    const hint =
      head.startsWith('\uFFFD\uFFFD') || /^(.\u0000){2}|^(\u0000.){2}/s.test(head)
        ? 'it looks like UTF-16 text; save it as UTF-8 (or as UTF-16 with a byte-order mark)'
        : 'it looks like a binary file, not CSV text';
    throw new InputError(`${source}: contains a NUL character at offset ${nul}; ${hint}`, { file: source, offset: nul });
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

interface Structure {
  readonly header: readonly string[];
  /** Data rows (header excluded), each with `header.length` fields. */
  readonly rows: readonly (readonly string[])[];
  /** File line number (1-based) on which each data row starts. */
  readonly lines: Int32Array;
}

function fields(count: number): string {
  return count === 1 ? '1 field' : `${count} fields`;
}

function isBlank(row: readonly string[]): boolean {
  return row.length === 1 && row[0] === '';
}

function parseStructure(text: string, source: string, delimiter: string): Structure {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  const starts: number[] = [];
  let line = 1;
  let position = 0;
  let parseError: { line: number; message: string } | undefined;
  Papa.parse<string[]>(body, {
    delimiter,
    header: false,
    dynamicTyping: false,
    skipEmptyLines: false,
    step: (result) => {
      rows.push(result.data);
      starts.push(line);
      if (parseError === undefined && result.errors.length > 0) {
        parseError = { line, message: result.errors[0].message };
      }
      // Advance the line counter over this row's text (quoted line breaks included).
      const end = result.meta.cursor;
      for (let i = position; i < end; i++) {
        const ch = body.charCodeAt(i);
        if (ch === 10 || (ch === 13 && body.charCodeAt(i + 1) !== 10)) line++;
      }
      position = end;
    },
  });
  if (parseError !== undefined) {
    throw new InputError(`${source}: malformed CSV at line ${parseError.line}: ${parseError.message}`, {
      file: source,
      line: parseError.line,
    });
  }
  while (rows.length > 0 && isBlank(rows[rows.length - 1])) {
    rows.pop();
    starts.pop();
  }
  if (rows.length === 0) throw new InputError(`${source}: file is empty`, { file: source });
  const header = rows[0];
  if (rows.length === 1) {
    throw new InputError(`${source}: no data rows (the file has only a header line)`, { file: source });
  }
  const firstSeen = new Map<string, number>();
  header.forEach((name, i) => {
    const previous = firstSeen.get(name);
    if (previous !== undefined) {
      throw new InputError(
        `${source}: duplicate column name ${JSON.stringify(name)} in the header (fields ${previous + 1} and ${i + 1})`,
        { file: source, column: name },
      );
    }
    firstSeen.set(name, i);
  });
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    if (isBlank(row) && header.length > 1) {
      throw new InputError(`${source}: line ${starts[r]} is blank; blank lines are only allowed at the end of the file`, {
        file: source,
        line: starts[r],
      });
    }
    if (row.length !== header.length) {
      throw new InputError(
        `${source}: line ${starts[r]} has ${fields(row.length)}, but the header (line ${starts[0]}) has ${header.length}`,
        { file: source, line: starts[r], fields: row.length, expected: header.length },
      );
    }
  }
  return { header, rows: rows.slice(1), lines: Int32Array.from(starts.slice(1)) };
}

function resolveColumns(
  header: readonly string[],
  opts: ResolvedOptions,
  source: string,
  delimiter: string,
): Map<string, number> {
  const index = new Map<string, number>();
  header.forEach((name, i) => index.set(name, i));
  const selected: [string, string][] = [
    [opts.time, 'time'],
    ...opts.targets.map((n): [string, string] => [n, 'targets']),
    ...opts.features.map((n): [string, string] => [n, 'features']),
  ];
  for (const [name, argument] of selected) {
    if (!index.has(name)) {
      const available = header.map((h) => JSON.stringify(h)).join(', ');
      throw new InputError(
        `${source}: unknown column ${JSON.stringify(name)} (options.${argument}); available columns: ${available}` +
          delimiterHint(header, delimiter),
        { file: source, argument, column: name },
      );
    }
  }
  return index;
}

/** When a one-column header holds another delimiter, says which one to pass. */
function delimiterHint(header: readonly string[], delimiter: string): string {
  if (header.length !== 1) return '';
  const other = DELIMITER_CANDIDATES.find((d) => d !== delimiter && header[0].includes(d));
  if (other === undefined) return '';
  const shown = JSON.stringify(other);
  return `; the header looks ${shown}-separated: pass delimiter: ${shown} (--delimiter ${shown} on the command line)`;
}

interface TimeColumn {
  readonly kind: TimeKind;
  readonly values: Float64Array;
  readonly texts: readonly string[];
}

function parseTimeColumn(
  rows: readonly (readonly string[])[],
  lines: Int32Array,
  column: number,
  name: string,
  source: string,
): TimeColumn {
  const where = (r: number): string => `${source}: time column ${JSON.stringify(name)}, line ${lines[r]}`;
  const texts = rows.map((row) => row[column]);
  const kinds: TimeKind[] = new Array(rows.length);
  let firstNumber = -1;
  let firstDate = -1;
  texts.forEach((cell, r) => {
    if (MISSING_MARKERS.includes(cell)) {
      throw new InputError(`${where(r)}: time stamp is missing (${JSON.stringify(cell)}); every row needs one`, {
        file: source,
        column: name,
        line: lines[r],
        value: cell,
      });
    }
    const kind = classifyTime(cell);
    if (kind === null) {
      throw new InputError(`${where(r)}: cannot parse ${JSON.stringify(cell)} as a number or an ISO date (${ISO_FORMS})`, {
        file: source,
        column: name,
        line: lines[r],
        value: cell,
      });
    }
    kinds[r] = kind;
    if (kind === 'number' && firstNumber < 0) firstNumber = r;
    if (kind === 'date' && firstDate < 0) firstDate = r;
  });
  if (firstNumber >= 0 && firstDate >= 0) {
    throw new InputError(
      `${source}: time column ${JSON.stringify(name)} mixes dates and numbers: line ${lines[firstDate]} has ` +
        `${JSON.stringify(texts[firstDate])} (a date), line ${lines[firstNumber]} has ${JSON.stringify(texts[firstNumber])} (a number)`,
      { file: source, column: name },
    );
  }
  const kind: TimeKind = firstDate >= 0 ? 'date' : 'number';
  const parse = kind === 'date' ? parseIsoDate : parseNumber;
  const values = Float64Array.from(texts, (cell) => parse(cell) as number);
  return { kind, values, texts };
}

/** Returns the row order (indices into the file's data rows) with strictly increasing time. */
function orderRows(
  time: Float64Array,
  texts: readonly string[],
  lines: Int32Array,
  opts: ResolvedOptions,
  source: string,
): Int32Array {
  const n = time.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const name = JSON.stringify(opts.time);
  const duplicate = (a: number, b: number): InputError =>
    new InputError(
      `${source}: duplicate time stamp in column ${name}: line ${lines[a]} (${JSON.stringify(texts[a])}) and ` +
        `line ${lines[b]} (${JSON.stringify(texts[b])}) are the same time`,
      { file: source, column: opts.time, lines: [lines[a], lines[b]] },
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
        `${source}: time column ${name} is not sorted: line ${lines[i]} (${JSON.stringify(texts[i])}) is earlier than ` +
          `line ${lines[i - 1]} (${JSON.stringify(texts[i - 1])}); pass sort: true (--sort on the command line) to sort rows by time`,
        { file: source, column: opts.time, line: lines[i] },
      );
    }
  }
  return order;
}

/** Parses the value columns in file order (row by row); missing cells become NaN. */
function parseValueColumns(
  rows: readonly (readonly string[])[],
  lines: Int32Array,
  names: readonly string[],
  columnIndex: ReadonlyMap<string, number>,
  missing: MissingPolicy,
  source: string,
  delimiter: string,
): Float64Array[] {
  const n = rows.length;
  const indices = names.map((name) => columnIndex.get(name)!);
  const out = names.map(() => new Float64Array(n));
  for (let r = 0; r < n; r++) {
    const row = rows[r];
    for (let c = 0; c < names.length; c++) {
      const cell = row[indices[c]];
      const where = (): string => `${source}: column ${JSON.stringify(names[c])}, line ${lines[r]}`;
      if (MISSING_MARKERS.includes(cell)) {
        if (missing === 'error') {
          throw new InputError(
            `${where()}: missing value (${JSON.stringify(cell)}); set options.missing to 'drop', 'ffill' or 'interpolate' to handle missing values`,
            { file: source, column: names[c], line: lines[r], value: cell },
          );
        }
        out[c][r] = NaN;
        continue;
      }
      const value = parseNumber(cell);
      if (value === null) {
        const hint = delimiter !== ',' && /^[+-]?\d+,\d+$/.test(cell) ? '; decimal commas are not supported, use a dot (1.5)' : '';
        throw new InputError(`${where()}: expected a number, got ${JSON.stringify(cell)}${hint}`, {
          file: source,
          column: names[c],
          line: lines[r],
          value: cell,
        });
      }
      if (Math.abs(value) > MAX_ABS_VALUE) {
        throw new InputError(
          `${where()}: value ${cell} is too large in magnitude (more than ${MAX_ABS_VALUE}); ` +
            'scaling squares values, which would overflow to Infinity; rescale the column (e.g. to other units)',
          { file: source, column: names[c], line: lines[r], value: cell, limit: MAX_ABS_VALUE },
        );
      }
      out[c][r] = value;
    }
  }
  return out;
}
