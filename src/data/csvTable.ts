/**
 * Reading CSV text into a columnar table. papaparse tokenizes (it alone decides quoting and
 * reports malformed CSV); each row's selected cells go straight into compact column stores
 * (`csvColumns.ts`) and the row itself is dropped, so a table holds
 * `O(rows x selected columns)` bytes in typed arrays and no JS array or object per row.
 * Unselected columns are checked for structure (field counts, quoting) but never stored.
 *
 * Line numbers are 1-based line numbers in the file, header = line 1; a quoted field that spans
 * several lines counts all of them.
 */
import * as Papa from 'papaparse';
import { InputError, describeValue } from '../errors';
import { DELIMITER_CANDIDATES, detectDelimiter } from '../io';
import {
  type CsvColumn,
  type CsvColumnBuilder,
  type CsvNumberColumn,
  type CsvTextColumn,
  type CsvTimeColumn,
  NumberColumnBuilder,
  TextColumnBuilder,
  TimeColumnBuilder,
  detachString,
} from './csvColumns';

/**
 * A CSV file checked for structure, with its selected columns stored compactly: the result of
 * steps 1 and 2 of `parseCsvText`.
 *
 * Changed in issue 14 ("Scale"): the table used to keep every data row as a `string[]` (`rows`);
 * it now keeps only the selected columns, in typed arrays (`columns`), and `length` counts the
 * rows. Cells of unselected columns are not retained.
 */
export interface CsvTable {
  /** Header names, in file order. */
  readonly header: readonly string[];
  /** Number of data rows (header and trailing blank lines excluded). */
  readonly length: number;
  /** File line number (1-based) on which each data row starts; `length` entries. */
  readonly lines: Int32Array;
  /** Header name -> field index, for every header column (selected or not). */
  readonly columnIndex: ReadonlyMap<string, number>;
  /** The selected columns, by header name; nothing else of the file is kept. */
  readonly columns: ReadonlyMap<string, CsvColumn>;
  /** The field delimiter used. */
  readonly delimiter: string;
  /** The data's origin, for messages. */
  readonly source: string;
}

/** How a selected column is stored: see {@link CsvTimeColumn}, {@link CsvNumberColumn}, {@link CsvTextColumn}. */
export type CsvColumnRole = 'time' | 'number' | 'text';

/** A column that {@link readCsvColumns} must find in the header and store. */
export interface CsvColumnRequest {
  /** Header name. */
  readonly name: string;
  /** How to store it; at most one `'time'` column. */
  readonly role: CsvColumnRole;
  /** The option that selected it, named by the unknown-column error (`'targets'`: `options.targets`). */
  readonly option: string;
}

/** Options of {@link readCsvColumns}. */
export interface ReadCsvColumnsOptions {
  /** The data's origin, first in every message. */
  readonly source: string;
  /** `'auto'` (guess from the header line, see `detectDelimiter`) or the delimiter character. */
  readonly delimiter: string;
  /**
   * The columns to keep, in the order the unknown-column check names them; a name requested
   * twice is stored once, with its first role. Every other column is dropped.
   */
  readonly columns: readonly CsvColumnRequest[];
  /** The time column's date-fns format (checked), or `null` for ISO 8601 dates and numbers. */
  readonly timeFormat: string | null;
  /** Cell texts that mean "missing" (compared exactly), at most 254. */
  readonly missingMarkers: readonly string[];
  /** Largest magnitude a number cell may have to be stored as a plain number. */
  readonly maxAbsValue: number;
}

/**
 * Checks a CSV text's structure and stores the requested columns compactly.
 *
 * Checks, in this order (each an InputError naming `source`): `text` is a string without NUL
 * characters in its first 4 KiB (UTF-16 without a byte-order mark, or binary data); papaparse
 * reports no malformed quoting; the file is not empty (blank lines only); it has data rows after
 * the header; no two header names are equal; no blank line before the end (unless the file has
 * one column); every row has as many fields as the header; every requested column exists.
 * Cells are never rejected here: a bad number or time stamp is stored as such and reported by
 * the loaders, in row order, with its exact text.
 *
 * @param text - The whole file content (a leading byte-order mark is ignored); not modified.
 * @param options - See {@link ReadCsvColumnsOptions}.
 * @returns The table: `length` data rows, `columns` holding exactly the requested columns.
 * @throws InputError for the problems above, e.g. `data.csv: line 7 has 3 fields, but the header
 *   (line 1) has 2` or `data.csv: unknown column "load" (options.targets); available columns: "t", "y"`;
 *   and for options with two time columns or more than 254 missing markers.
 * @example
 * const table = readCsvColumns('t,y,note\n1,2,a\n2,3,b\n', {
 *   source: 'f.csv', delimiter: 'auto', timeFormat: null, missingMarkers: ['', 'NA'], maxAbsValue: 1e150,
 *   columns: [{ name: 't', role: 'time', option: 'time' }, { name: 'y', role: 'number', option: 'targets' }],
 * });
 * [table.length, [...table.columns.keys()]]; // [2, ['t', 'y']]  (no "note")
 */
export function readCsvColumns(text: string, options: ReadCsvColumnsOptions): CsvTable {
  if (typeof text !== 'string') {
    throw new InputError(`text must be a string, got ${describeValue(text)}`, { argument: 'text' });
  }
  const { source } = options;
  checkRequests(options);
  checkText(text, source);
  const delimiter = options.delimiter === 'auto' ? detectDelimiter(text) : options.delimiter;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const builder = new TableBuilder(body.length, options);
  tokenize(body, delimiter, builder);
  // The last regular expression run on a cell (number and date parsing) keeps that cell as
  // `RegExp.input`, and the cell, a slice, keeps the whole text alive: run one on '' instead.
  FORGET_LAST_MATCH.test('');
  return builder.finish(delimiter);
}

/** Any regular expression: running it on `''` replaces the legacy `RegExp.input` (see {@link readCsvColumns}). */
const FORGET_LAST_MATCH = /^/;

/**
 * A column of a table, checked to be stored with `role`.
 * @throws Error when `table` has no such column: it was not requested when the table was read.
 * @example
 * csvColumn(table, 'y', 'number').values; // Float64Array
 */
export function csvColumn(table: CsvTable, name: string, role: 'time'): CsvTimeColumn;
export function csvColumn(table: CsvTable, name: string, role: 'number'): CsvNumberColumn;
export function csvColumn(table: CsvTable, name: string, role: 'text'): CsvTextColumn;
export function csvColumn(table: CsvTable, name: string, role: CsvColumnRole): CsvColumn {
  const column = table.columns.get(name);
  if (column === undefined || column.kind !== role) {
    const stored = column === undefined ? 'not stored' : `stored as a ${column.kind} column`;
    throw new Error(`${table.source}: column ${JSON.stringify(name)} is ${stored}; request it as a ${role} column when reading the table`);
  }
  return column;
}

/** The options' own constraints: one time column at most, at most 254 missing markers. */
function checkRequests({ columns, missingMarkers }: ReadCsvColumnsOptions): void {
  const times = columns.filter((c) => c.role === 'time').length;
  if (times > 1) throw new InputError(`options.columns may hold one 'time' column, got ${times}`, { argument: 'columns' });
  if (missingMarkers.length > MAX_MISSING_MARKERS) {
    throw new InputError(`options.missingMarkers may hold at most ${MAX_MISSING_MARKERS} texts, got ${missingMarkers.length}`, {
      argument: 'missingMarkers',
    });
  }
}

/** Most missing markers (a number column codes them in one byte). */
const MAX_MISSING_MARKERS = 254;

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

/** Runs papaparse over `body`, handing each row with its first line to `builder`. */
function tokenize(body: string, delimiter: string, builder: TableBuilder): void {
  const counter = new LineCounter(body);
  Papa.parse<string[]>(body, {
    delimiter,
    header: false,
    dynamicTyping: false,
    skipEmptyLines: false,
    step: (result) => {
      const line = counter.line;
      if (result.errors.length > 0) builder.noteParseError(line, result.errors[0].message);
      // Advance over this row's text (quoted line breaks included).
      counter.advance(result.meta.cursor);
      builder.accept(result.data, line, result.meta.cursor);
    },
  });
}

/**
 * Counts line ends (`\n`, `\r\n`, lone `\r`) before a moving offset; each line end is found once
 * with `indexOf`, so a whole file costs one pass.
 */
class LineCounter {
  /** Line number at the current offset. */
  line = 1;
  private nextLf: number;
  private nextCr: number;

  constructor(private readonly text: string) {
    this.nextLf = this.find('\n', 0);
    this.nextCr = this.find('\r', 0);
  }

  /** Moves to `end`, counting the line ends before it. */
  advance(end: number): void {
    while (this.nextLf < end) {
      this.line++;
      this.nextLf = this.find('\n', this.nextLf + 1);
    }
    while (this.nextCr < end) {
      if (this.text.charCodeAt(this.nextCr + 1) !== 10) this.line++;
      this.nextCr = this.find('\r', this.nextCr + 1);
    }
  }

  private find(ch: string, from: number): number {
    const i = this.text.indexOf(ch, from);
    return i < 0 ? Infinity : i;
  }
}

/** The first row that breaks the structure (may turn out to be a trailing blank line). */
interface BadRow {
  readonly index: number;
  readonly line: number;
  readonly fields: number;
  readonly blank: boolean;
}

/** Rows, in papaparse's order, into column stores; the structural checks at the end. */
class TableBuilder {
  private header: string[] = [];
  private rowsSeen = 0;
  private lastNonBlank = -1;
  private firstBad: BadRow | null = null;
  private parseError: { readonly line: number; readonly message: string } | null = null;
  private stored = 0;
  private capacity = 0;
  private headerEnd = 0;
  private headerLine = 1;
  private lines = new Int32Array(0);
  private readonly fieldIndex: number[] = [];
  private readonly builders: CsvColumnBuilder[] = [];
  private readonly names: string[] = [];

  constructor(
    private readonly bodyLength: number,
    private readonly options: ReadCsvColumnsOptions,
  ) {}

  noteParseError(line: number, message: string): void {
    this.parseError ??= { line, message };
  }

  accept(cells: string[], line: number, cursor: number): void {
    const index = this.rowsSeen++;
    const blank = cells.length === 1 && cells[0] === '';
    if (!blank) this.lastNonBlank = index;
    if (index === 0) {
      this.readHeader(cells, line, cursor);
      return;
    }
    if (this.firstBad !== null) return; // an error unless it is a trailing blank line; then nothing follows
    if (cells.length !== this.header.length) {
      this.firstBad = { index, line, fields: cells.length, blank };
      return;
    }
    if (this.stored === this.capacity) this.grow(cursor);
    this.lines[this.stored++] = line;
    const { fieldIndex, builders } = this;
    for (let k = 0; k < builders.length; k++) builders[k].push(cells[fieldIndex[k]]);
  }

  private readHeader(cells: readonly string[], line: number, cursor: number): void {
    this.header = cells.map((name) => detachString(name));
    this.headerLine = line;
    this.headerEnd = cursor;
    const index = headerIndex(this.header);
    const { columns, timeFormat, missingMarkers, maxAbsValue } = this.options;
    for (const { name, role } of columns) {
      const field = index.get(name);
      if (field === undefined || this.names.includes(name)) continue;
      this.fieldIndex.push(field);
      this.names.push(name);
      this.builders.push(
        role === 'time'
          ? new TimeColumnBuilder(name, timeFormat, missingMarkers)
          : role === 'number'
            ? new NumberColumnBuilder(name, missingMarkers, maxAbsValue)
            : new TextColumnBuilder(name),
      );
    }
  }

  /** Room for more rows: 1024 first, then the rows the rest of the text likely holds (at least 1.25x). */
  private grow(cursor: number): void {
    let capacity = 1024;
    if (this.stored > 0) {
      const perRow = (cursor - this.headerEnd) / (this.stored + 1);
      const estimate = this.stored + Math.ceil(((this.bodyLength - cursor) / perRow) * 1.02) + 16;
      capacity = Math.max(Math.ceil(this.capacity * 1.25), estimate);
    }
    this.capacity = capacity;
    const lines = new Int32Array(capacity);
    lines.set(this.lines);
    this.lines = lines;
    for (const b of this.builders) b.reserve(capacity);
  }

  /** The structural checks, in the documented order, then the table. */
  finish(delimiter: string): CsvTable {
    const { source } = this.options;
    if (this.parseError !== null) {
      const { line, message } = this.parseError;
      throw new InputError(`${source}: malformed CSV at line ${line}: ${message}`, { file: source, line });
    }
    if (this.lastNonBlank < 0) throw new InputError(`${source}: file is empty`, { file: source });
    if (this.lastNonBlank === 0) {
      throw new InputError(`${source}: no data rows (the file has only a header line)`, { file: source });
    }
    const { header } = this;
    checkHeaderNames(header, source);
    const bad = this.firstBad;
    if (bad !== null && bad.index <= this.lastNonBlank) throw badRowError(bad, header.length, this.headerLine, source);
    const columnIndex = headerIndex(header);
    checkRequestedColumns(header, columnIndex, this.options.columns, source, delimiter);
    const length = this.lastNonBlank; // data rows: trailing blank lines dropped
    const columns = new Map<string, CsvColumn>(this.builders.map((b, k) => [this.names[k], b.finish(length)]));
    const lines = this.lines.length - length > length / 8 ? this.lines.slice(0, length) : this.lines.subarray(0, length);
    return { header, length, lines, columnIndex, columns, delimiter, source };
  }
}

function headerIndex(header: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  header.forEach((name, i) => index.set(name, i));
  return index;
}

function checkHeaderNames(header: readonly string[], source: string): void {
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
}

function fields(count: number): string {
  return count === 1 ? '1 field' : `${count} fields`;
}

function badRowError(bad: BadRow, expected: number, headerLine: number, source: string): InputError {
  if (bad.blank && expected > 1) {
    return new InputError(`${source}: line ${bad.line} is blank; blank lines are only allowed at the end of the file`, {
      file: source,
      line: bad.line,
    });
  }
  return new InputError(`${source}: line ${bad.line} has ${fields(bad.fields)}, but the header (line ${headerLine}) has ${expected}`, {
    file: source,
    line: bad.line,
    fields: bad.fields,
    expected,
  });
}

function checkRequestedColumns(
  header: readonly string[],
  index: ReadonlyMap<string, number>,
  requests: readonly CsvColumnRequest[],
  source: string,
  delimiter: string,
): void {
  for (const { name, option } of requests) {
    if (!index.has(name)) {
      const available = header.map((h) => JSON.stringify(h)).join(', ');
      throw new InputError(
        `${source}: unknown column ${JSON.stringify(name)} (options.${option}); available columns: ${available}` +
          delimiterHint(header, delimiter),
        { file: source, argument: option, column: name },
      );
    }
  }
}

/** When a one-column header holds another delimiter, says which one to pass. */
function delimiterHint(header: readonly string[], delimiter: string): string {
  if (header.length !== 1) return '';
  const other = DELIMITER_CANDIDATES.find((d) => d !== delimiter && header[0].includes(d));
  if (other === undefined) return '';
  const shown = JSON.stringify(other);
  return `; the header looks ${shown}-separated: pass delimiter: ${shown} (--delimiter ${shown} on the command line)`;
}
