/**
 * Compact column stores of a CSV table (see `csvTable.ts`): each selected column is held in typed
 * arrays, not as one JS string per cell, so a table costs a few bytes per selected cell and no JS
 * object per row.
 *
 * - time column: the parsed stamp (`Float64Array`), a cell code (`Uint8Array`), and the exact cell
 *   text as Latin-1 bytes with end offsets (the rare cell with a character above U+00FF is kept
 *   as a string), because messages quote time cells of any row (duplicates, order, gaps);
 * - number columns (targets, features): the value (`Float64Array`); the raw text only of the
 *   cells that are not plain numbers (missing markers as a one-byte code, anything else as a
 *   string), which is all that messages quote;
 * - text columns (id, statics): dictionary codes (`Int32Array`) and the distinct strings.
 *
 * Strings that are kept are copied out of the file's text first: V8 represents a substring of 13
 * or more characters as a slice that keeps its whole parent string alive.
 */
import { parseFormattedDate, parseIsoDate, parseNumber } from './time';

/** Kinds of time cell, as stored in {@link CsvTimeColumn.cells}. */
export const TIME_CELL = Object.freeze({
  /** A plain number (see `parseNumber`). */
  NUMBER: 0,
  /** An ISO date, or a date in the column's `timeFormat`. */
  DATE: 1,
  /** One of the missing markers. */
  MISSING: 2,
  /** Neither a number nor a date (or, with a `timeFormat`, not in that format). */
  INVALID: 3,
});

/**
 * Cell texts of a list of rows, read on demand from a compact column: `get(i)` builds the string
 * of row `i` when a message needs it, so no JS string per row is kept.
 */
export interface CsvTexts {
  /** Number of rows. */
  readonly length: number;
  /**
   * The text of row `index`.
   * @param index - A row, `0 <= index < length` (not checked).
   */
  get(index: number): string;
}

/** The time column of a {@link CsvTable}: parsed stamps, cell kinds and the exact cell texts. */
export interface CsvTimeColumn extends CsvTexts {
  readonly kind: 'time';
  /** Header name. */
  readonly name: string;
  /**
   * Each cell's stamp: epoch milliseconds for a date, the value for a number, `NaN` for a missing
   * or invalid cell. Length: the table's rows.
   */
  readonly values: Float64Array;
  /** Each cell's kind, a {@link TIME_CELL} code. Length: the table's rows. */
  readonly cells: Uint8Array;
  /** The date-fns format the cells were parsed with, or `null` (ISO 8601 dates or numbers). */
  readonly format: string | null;
}

/** A target or feature column of a {@link CsvTable}: the values, and the text of irregular cells. */
export interface CsvNumberColumn {
  readonly kind: 'number';
  /** Header name. */
  readonly name: string;
  /** Number of rows. */
  readonly length: number;
  /**
   * Each cell's value; `NaN` where the cell is irregular (see {@link CsvNumberColumn.irregular}).
   * Length: the table's rows.
   */
  readonly values: Float64Array;
  /** How many cells are irregular. */
  readonly irregularCount: number;
  /**
   * The exact text of an irregular cell (a missing marker, text that is not a plain number, or a
   * number above the table's magnitude limit), or `null` for a plain number, whose text is not
   * kept (`values` holds it).
   * @param row - A row, `0 <= row < length` (not checked).
   */
  irregular(row: number): string | null;
}

/** An id or static column of a {@link CsvTable}: dictionary codes and the distinct cell texts. */
export interface CsvTextColumn extends CsvTexts {
  readonly kind: 'text';
  /** Header name. */
  readonly name: string;
  /** Each cell's code, an index into `distinct`. Length: the table's rows. */
  readonly codes: Int32Array;
  /** The distinct cell texts, in order of first appearance (code `k` is `distinct[k]`). */
  readonly distinct: readonly string[];
}

/** A selected column of a {@link CsvTable}. */
export type CsvColumn = CsvTimeColumn | CsvNumberColumn | CsvTextColumn;

/**
 * A column being filled row by row while a file is read: `reserve` before a push past the
 * capacity, then `finish` with the final row count.
 */
export interface CsvColumnBuilder {
  /** Grows the per-row arrays to hold `capacity` rows (never shrinks). */
  reserve(capacity: number): void;
  /** Stores the cell of the next row; never throws (problems are reported when rows are checked). */
  push(cell: string): void;
  /** Trims to the first `length` rows and returns the column, read-only from then on. */
  finish(length: number): CsvColumn;
}

/** Shortest V8 substring that is a slice of its parent (shorter ones are copies). */
const SHORTEST_SLICE = 13;

/**
 * A copy of `text` that shares no memory with the string it was cut from.
 * @example
 * detachString(line.slice(0, 20)) === line.slice(0, 20); // true, but the copy keeps `line` collectable
 */
export function detachString(text: string): string {
  return text.length < SHORTEST_SLICE ? text : (JSON.parse(JSON.stringify(text)) as string);
}

function grown<T extends Float64Array | Int32Array | Uint8Array>(array: T, capacity: number): T {
  if (capacity <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(capacity);
  next.set(array);
  return next;
}

/** The first `length` entries: a view when little would be wasted, else a copy. */
function trimmed<T extends Float64Array | Int32Array | Uint8Array>(array: T, length: number): T {
  return (array.length - length > length / 8 ? array.slice(0, length) : array.subarray(0, length)) as T;
}

/** Exact powers of ten, `10 ** k` for `0 <= k <= 22` (all exactly representable). */
const POWERS_OF_TEN = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * `parseNumber`, with a fast path for the common cell `[+-]digits[.digits]` of at most 15 digits:
 * the digits as an integer (exact, below 2^53) divided by an exact power of ten is one correctly
 * rounded operation, so the result is the double `Number(cell)` gives (Clinger's fast path). Any
 * other text (exponents, long mantissas, non-numbers) goes to `parseNumber`.
 *
 * @param cell - The cell text, used as is.
 * @returns The number, or `null` when `parseNumber` gives `null`; always the same value, bit for bit.
 * @example
 * parsePlainNumber('-1.50'); // -1.5
 * parsePlainNumber('1e3');   // 1000 (by parseNumber)
 * parsePlainNumber('1,5');   // null
 */
export function parsePlainNumber(cell: string): number | null {
  const n = cell.length;
  let i = 0;
  let negative = false;
  const first = cell.charCodeAt(0);
  if (first === 43 || first === 45) {
    negative = first === 45;
    i = 1;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = -1; // digits after the point; -1 while no point was seen
  for (; i < n; i++) {
    const c = cell.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === 46 && fraction < 0) {
      fraction = 0;
    } else {
      return parseNumber(cell);
    }
  }
  if (digits === 0 || digits > 15) return parseNumber(cell);
  const value = fraction > 0 ? mantissa / POWERS_OF_TEN[fraction] : mantissa;
  return negative ? -value : value;
}

/** Decodes Latin-1 bytes (code units 0-255) exactly; in pieces, to stay below argument limits. */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  const PIECE = 8192;
  if (end - start <= PIECE) return String.fromCharCode(...bytes.subarray(start, end));
  let out = '';
  for (let i = start; i < end; i += PIECE) out += String.fromCharCode(...bytes.subarray(i, Math.min(end, i + PIECE)));
  return out;
}

/**
 * Builds a {@link CsvTimeColumn}: each cell is classified and parsed as it is pushed, exactly as
 * the time-column rules say (a missing marker; then with a format, that format; otherwise a plain
 * number, else an ISO date), and its text is stored as Latin-1 bytes.
 */
export class TimeColumnBuilder implements CsvColumnBuilder, CsvTimeColumn {
  readonly kind = 'time' as const;
  values = new Float64Array(0);
  cells = new Uint8Array(0);
  length = 0;
  private ends = new Int32Array(0);
  private chars = new Uint8Array(0);
  private used = 0;
  /** Cells with a character above U+00FF, by row (their byte range is empty). */
  private readonly wide = new Map<number, string>();
  /** The previous cell and its kind and stamp: long files list each stamp once per series in a row. */
  private lastCell: string | null = null;
  private lastKind = 0;
  private lastValue = NaN;

  /**
   * @param name - Header name.
   * @param format - A checked date-fns format, or `null` for ISO 8601 dates and numbers.
   * @param missingMarkers - Cell texts that mean "missing".
   */
  constructor(
    readonly name: string,
    readonly format: string | null,
    private readonly missingMarkers: readonly string[],
  ) {}

  reserve(capacity: number): void {
    this.values = grown(this.values, capacity);
    this.cells = grown(this.cells, capacity);
    this.ends = grown(this.ends, capacity);
    const perCell = this.length === 0 ? 32 : Math.ceil(this.used / this.length);
    this.chars = grown(this.chars, Math.ceil(capacity * perCell * 1.05));
  }

  push(cell: string): void {
    const row = this.length++;
    this.classify(row, cell);
    this.store(row, cell);
  }

  /** Sets the row's cell kind and stamp. */
  private classify(row: number, cell: string): void {
    if (cell === this.lastCell) {
      this.cells[row] = this.lastKind;
      this.values[row] = this.lastValue;
      return;
    }
    let kind: number = TIME_CELL.INVALID;
    let value = NaN;
    if (this.missingMarkers.includes(cell)) {
      kind = TIME_CELL.MISSING;
    } else if (this.format !== null) {
      const ms = parseFormattedDate(cell, this.format);
      if (ms !== null) {
        kind = TIME_CELL.DATE;
        value = ms;
      }
    } else {
      const number = parsePlainNumber(cell);
      const date = number === null ? parseIsoDate(cell) : null;
      if (number !== null) {
        kind = TIME_CELL.NUMBER;
        value = number;
      } else if (date !== null) {
        kind = TIME_CELL.DATE;
        value = date;
      }
    }
    this.cells[row] = kind;
    this.values[row] = value;
    this.lastCell = cell;
    this.lastKind = kind;
    this.lastValue = value;
  }

  private store(row: number, cell: string): void {
    const start = this.used;
    if (start + cell.length > this.chars.length) this.chars = grown(this.chars, Math.max(2 * this.chars.length, start + cell.length));
    const chars = this.chars;
    for (let i = 0; i < cell.length; i++) {
      const code = cell.charCodeAt(i);
      if (code > 0xff) {
        this.wide.set(row, detachString(cell));
        this.ends[row] = start;
        return;
      }
      chars[start + i] = code;
    }
    this.used = start + cell.length;
    this.ends[row] = this.used;
  }

  get(index: number): string {
    const start = index === 0 ? 0 : this.ends[index - 1];
    const end = this.ends[index];
    if (start === end) return this.wide.get(index) ?? '';
    return latin1(this.chars, start, end);
  }

  finish(length: number): CsvTimeColumn {
    this.length = length;
    this.values = trimmed(this.values, length);
    this.cells = trimmed(this.cells, length);
    this.ends = trimmed(this.ends, length);
    this.used = length === 0 ? 0 : this.ends[length - 1];
    this.chars = trimmed(this.chars, this.used);
    for (const row of this.wide.keys()) if (row >= length) this.wide.delete(row);
    this.lastCell = null; // a slice of the file's text, which it would keep alive
    return this;
  }
}

/** Status code of an irregular number cell that is not a missing marker (its text is in a map). */
const OTHER_TEXT = 255;

/**
 * Builds a {@link CsvNumberColumn}: a plain number of magnitude at most `maxAbs` is stored as its
 * value; any other cell as `NaN` plus its text (a missing marker as a one-byte code).
 */
export class NumberColumnBuilder implements CsvColumnBuilder, CsvNumberColumn {
  readonly kind = 'number' as const;
  values = new Float64Array(0);
  length = 0;
  irregularCount = 0;
  /** Per row: 0 a plain number, `k + 1` missing marker `k`, {@link OTHER_TEXT} text in `others`; allocated on first use. */
  private status: Uint8Array | null = null;
  private readonly others = new Map<number, string>();

  /**
   * @param name - Header name.
   * @param missingMarkers - Cell texts that mean "missing" (at most 254).
   * @param maxAbs - Largest magnitude stored as a number; larger ones are irregular.
   */
  constructor(
    readonly name: string,
    private readonly missingMarkers: readonly string[],
    private readonly maxAbs: number,
  ) {}

  reserve(capacity: number): void {
    this.values = grown(this.values, capacity);
    if (this.status !== null) this.status = grown(this.status, capacity);
  }

  push(cell: string): void {
    const row = this.length++;
    const value = parsePlainNumber(cell);
    if (value !== null && Math.abs(value) <= this.maxAbs) {
      this.values[row] = value;
      return;
    }
    this.values[row] = NaN;
    this.irregularCount++;
    this.status ??= new Uint8Array(this.values.length);
    const marker = this.missingMarkers.indexOf(cell);
    if (marker >= 0) {
      this.status[row] = marker + 1;
    } else {
      this.status[row] = OTHER_TEXT;
      this.others.set(row, detachString(cell));
    }
  }

  irregular(row: number): string | null {
    const status = this.status === null ? 0 : this.status[row];
    if (status === 0) return null;
    return status === OTHER_TEXT ? this.others.get(row)! : this.missingMarkers[status - 1];
  }

  finish(length: number): CsvNumberColumn {
    this.length = length;
    this.values = trimmed(this.values, length);
    if (this.status !== null) {
      for (let r = length; r < this.status.length; r++) if (this.status[r] !== 0) this.irregularCount--;
      this.status = trimmed(this.status, length);
    }
    for (const row of this.others.keys()) if (row >= length) this.others.delete(row);
    return this;
  }
}

/** Builds a {@link CsvTextColumn}: each distinct text gets the next code, in order of first appearance. */
export class TextColumnBuilder implements CsvColumnBuilder, CsvTextColumn {
  readonly kind = 'text' as const;
  codes = new Int32Array(0);
  length = 0;
  readonly distinct: string[] = [];
  private readonly lookup = new Map<string, number>();

  /** @param name - Header name. */
  constructor(readonly name: string) {}

  reserve(capacity: number): void {
    this.codes = grown(this.codes, capacity);
  }

  push(cell: string): void {
    let code = this.lookup.get(cell);
    if (code === undefined) {
      code = this.distinct.length;
      const kept = detachString(cell);
      this.distinct.push(kept);
      this.lookup.set(kept, code);
    }
    this.codes[this.length++] = code;
  }

  get(index: number): string {
    return this.distinct[this.codes[index]];
  }

  finish(length: number): CsvTextColumn {
    this.length = length;
    this.codes = trimmed(this.codes, length);
    this.lookup.clear();
    return this;
  }
}

/**
 * The texts of some rows of `texts`, in the order of `index`; an entry of `-1` is an inserted
 * row, whose text `insert(i)` gives (`i` the position in the result). Selecting from a selection
 * without inserted rows composes the two indices, so chains of selections stay one level deep.
 *
 * @param texts - The texts selected from; not modified.
 * @param index - Rows of `texts` (or `-1`), kept by reference: do not modify it afterwards.
 * @param insert - Text of an inserted row; required when `index` holds `-1`.
 * @returns A view of `index.length` texts.
 * @example
 * const picked = selectTexts({ length: 3, get: (i) => `row ${i}` }, Int32Array.of(2, 0));
 * [picked.get(0), picked.get(1)]; // ['row 2', 'row 0']
 */
export function selectTexts(texts: CsvTexts, index: Int32Array, insert: ((i: number) => string) | null = null): CsvTexts {
  if (texts instanceof SelectedTexts && texts.insert === null) {
    const inner = texts.index;
    const composed = new Int32Array(index.length);
    for (let i = 0; i < index.length; i++) composed[i] = index[i] < 0 ? -1 : inner[index[i]];
    return new SelectedTexts(texts.texts, composed, insert);
  }
  return new SelectedTexts(texts, index, insert);
}

class SelectedTexts implements CsvTexts {
  constructor(
    readonly texts: CsvTexts,
    readonly index: Int32Array,
    readonly insert: ((i: number) => string) | null,
  ) {}

  get length(): number {
    return this.index.length;
  }

  get(i: number): string {
    const row = this.index[i];
    return row >= 0 ? this.texts.get(row) : this.insert!(i);
  }
}
