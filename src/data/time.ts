/**
 * Parsing of time stamps and numeric cells, shared by the CSV loader and the time-based split so
 * that a boundary string is read exactly like the time column it is compared with.
 */
import { format as formatDate, parse as parseDate } from 'date-fns';
import { InputError, describeValue } from '../errors';
import type { TimeKind } from './types';

/**
 * A plain decimal number: optional sign, digits with an optional fraction (or a fraction alone),
 * optional exponent. No spaces, thousands separators, hex, `Infinity` or `NaN`.
 */
const NUMBER_PATTERN = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * `YYYY-MM`, `YYYY-MM-DD`, or `YYYY-MM-DD[T ]HH:mm[:ss[.fff]][Z|±HH:mm|±HHmm]`.
 * Groups: year, month, day, hour, minute, second, fraction, zone.
 */
const ISO_PATTERN =
  /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?)?$/;

/** Human-readable list of the accepted date forms, used in error messages. */
export const ISO_FORMS = 'YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:mm[:ss[.sss]][Z|±HH:mm]';

/**
 * Parses a plain decimal number strictly.
 *
 * @param text - The cell text, used as is (surrounding spaces make it invalid).
 * @returns The number, or `null` when `text` is not a plain finite decimal number (`"abc"`,
 *   `"1,2"`, `" 1"`, `"Infinity"`, `"0x10"`, `"1e400"` all give `null`).
 * @example
 * parseNumber('-1.5e3'); // -1500
 * parseNumber('1,2');    // null
 */
export function parseNumber(text: string): number | null {
  if (!NUMBER_PATTERN.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/**
 * Parses an ISO 8601 calendar date or date-time to milliseconds since the Unix epoch.
 *
 * Accepted: `2020-01` (first day of the month), `2020-01-31`, `2020-01-31T12:30`,
 * `2020-01-31 12:30:15.250`, with an optional zone `Z`, `+02:00` or `-0500`. A date-time without
 * a zone is read as UTC (never as the machine's local time, so results do not depend on where
 * the code runs). Fractions beyond milliseconds are truncated.
 *
 * @param text - The cell text, used as is.
 * @returns UTC milliseconds, or `null` when `text` is not in an accepted form or names an
 *   impossible date or time (`2020-02-30`, `2020-13`, `25:00`).
 * @example
 * parseIsoDate('2020-01-31'); // 1580428800000
 * parseIsoDate('2020-01');    // 1577836800000
 * parseIsoDate('31/01/2020'); // null
 */
export function parseIsoDate(text: string): number | null {
  const m = ISO_PATTERN.exec(text);
  if (m === null) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  if (day < 1 || day > daysInMonth(year, month)) return null;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const zh = Number(digits.slice(0, 2));
    const zm = Number(digits.slice(2, 4));
    if (zh > 23 || zm > 59) return null;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm);
  }
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year);
  return date.getTime() - offsetMinutes * 60_000;
}

/** Days in `month` (1-12) of `year`, proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses one time stamp of a column whose kind is already known.
 *
 * @param text - The cell text.
 * @param kind - `'date'`: ISO date (see {@link parseIsoDate}); `'number'`: plain number (see
 *   {@link parseNumber}).
 * @returns Epoch milliseconds (dates) or the number, or `null` when `text` does not parse.
 * @example
 * parseTime('2020-01-02', 'date'); // 1577923200000
 * parseTime('7', 'number');        // 7
 */
export function parseTime(text: string, kind: TimeKind): number | null {
  return kind === 'date' ? parseIsoDate(text) : parseNumber(text);
}

/**
 * Classifies one time-column cell.
 *
 * A text that is a plain number (including a bare year such as `2020`) is a number; otherwise a
 * valid ISO date is a date.
 *
 * @param text - The cell text.
 * @returns `'number'`, `'date'`, or `null` when it is neither.
 * @example
 * classifyTime('2020');    // 'number'
 * classifyTime('2020-01'); // 'date'
 * classifyTime('Jan 1');   // null
 */
export function classifyTime(text: string): TimeKind | null {
  if (parseNumber(text) !== null) return 'number';
  if (parseIsoDate(text) !== null) return 'date';
  return null;
}

/**
 * Formats a parsed time stamp for messages and data frames.
 *
 * @param value - Epoch milliseconds (dates) or a plain number.
 * @param kind - How `value` was parsed.
 * @returns An ISO 8601 UTC string (`2020-01-31T00:00:00.000Z`) for dates, `String(value)` for
 *   numbers.
 * @example
 * formatTime(0, 'date');   // '1970-01-01T00:00:00.000Z'
 * formatTime(1.5, 'number'); // '1.5'
 */
export function formatTime(value: number, kind: TimeKind): string {
  return kind === 'date' ? new Date(value).toISOString() : String(value);
}

/**
 * A `Date` whose local-time fields are its UTC fields (offset 0), so that date-fns `parse` and
 * `format` work in UTC whatever the machine's time zone: no daylight-saving hour is skipped or
 * repeated. This is what `@date-fns/utc`'s `UTCDate` does; it is not a dependency here, and
 * date-fns' parser only uses the getters and setters below.
 */
class UtcWallClockDate extends Date {
  override getFullYear(): number {
    return this.getUTCFullYear();
  }
  override getMonth(): number {
    return this.getUTCMonth();
  }
  override getDate(): number {
    return this.getUTCDate();
  }
  override getDay(): number {
    return this.getUTCDay();
  }
  override getHours(): number {
    return this.getUTCHours();
  }
  override getMinutes(): number {
    return this.getUTCMinutes();
  }
  override getSeconds(): number {
    return this.getUTCSeconds();
  }
  override getMilliseconds(): number {
    return this.getUTCMilliseconds();
  }
  override getTimezoneOffset(): number {
    return 0;
  }
  override setFullYear(year: number, month?: number, date?: number): number {
    return this.setUTCFullYear(year, month ?? this.getUTCMonth(), date ?? this.getUTCDate());
  }
  override setMonth(month: number, date?: number): number {
    return this.setUTCMonth(month, date ?? this.getUTCDate());
  }
  override setDate(date: number): number {
    return this.setUTCDate(date);
  }
  override setHours(hours: number, min?: number, sec?: number, ms?: number): number {
    return this.setUTCHours(hours, min ?? this.getUTCMinutes(), sec ?? this.getUTCSeconds(), ms ?? this.getUTCMilliseconds());
  }
  override setMinutes(min: number, sec?: number, ms?: number): number {
    return this.setUTCMinutes(min, sec ?? this.getUTCSeconds(), ms ?? this.getUTCMilliseconds());
  }
  override setSeconds(sec: number, ms?: number): number {
    return this.setUTCSeconds(sec, ms ?? this.getUTCMilliseconds());
  }
  override setMilliseconds(ms: number): number {
    return this.setUTCMilliseconds(ms);
  }
}

/** Reference date of every formatted parse: fields a format does not name come from it. */
const UTC_EPOCH = new UtcWallClockDate(0);

/** Format tokens that carry a time-zone offset (outside quoted text). */
const ZONE_TOKENS = /[XxOz]/;

/**
 * Checks a date-fns format string (as {@link parseFormattedDate} takes it).
 *
 * @param format - A date-fns `parse`/`format` pattern, e.g. `MMM d yyyy`, `dd.MM.yyyy`,
 *   `yyyy-MM-dd HH:mm` (Unicode tokens: `yyyy` year, `MM` month, `dd` day, `HH` hour; letters
 *   meant literally go in single quotes, `yyyy-MM-dd'T'HH:mm`).
 * @param argument - The option name used in the message. @defaultValue `'timeFormat'`
 * @returns `format`, unchanged.
 * @throws InputError naming `options.<argument>` and the value when `format` is not a non-empty
 *   string or date-fns rejects it (an unquoted unknown letter, `hh` with `HH`, ...); `Y` and
 *   `D` (week-numbering year, day of the year) are refused with a hint to write `yyyy`/`dd`.
 * @example
 * checkTimeFormat('dd.MM.yyyy'); // 'dd.MM.yyyy'
 * checkTimeFormat('YYYY-MM-DD'); // throws: options.timeFormat "YYYY-MM-DD" uses Y (week-numbering year): write y for the calendar year (yyyy); ...
 */
export function checkTimeFormat(format: string, argument = 'timeFormat'): string {
  if (typeof format !== 'string' || format.length === 0) {
    throw new InputError(`options.${argument} must be a non-empty date-fns format such as "dd.MM.yyyy", got ${describeValue(format)}`, {
      argument,
      value: format,
    });
  }
  // date-fns refuses these (and logs to the console first): say what was meant instead.
  const literal = withoutQuoted(format);
  for (const [token, meant, what] of [
    ['Y', 'y', 'week-numbering year'],
    ['D', 'd', 'day of the year'],
  ] as const) {
    if (literal.includes(token)) {
      throw new InputError(
        `options.${argument} ${JSON.stringify(format)} uses ${token} (${what}): write ${meant} for the calendar ` +
          `${meant === 'y' ? 'year (yyyy)' : 'day of the month (dd)'}; date-fns tokens are case-sensitive`,
        { argument, value: format },
      );
    }
  }
  try {
    formatDate(UTC_EPOCH, format);
    parseDate(formatDate(UTC_EPOCH, format), format, UTC_EPOCH);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new InputError(`options.${argument} ${JSON.stringify(format)} is not a valid date-fns format: ${reason}`, {
      argument,
      value: format,
    });
  }
  return format;
}

/**
 * Whether {@link parseFormattedDate} requires the round trip (the parsed date, formatted back,
 * is the cell text).
 * @defaultValue `true`
 */
export const DEFAULT_STRICT_TIME_FORMAT = true;

/** Options of {@link parseFormattedDate}. */
export interface ParseFormattedDateOptions {
  /**
   * `true`: the parsed value must format back to exactly `text`. `false`: whatever date-fns
   * `parse` accepts (used to explain a rejected cell).
   * @defaultValue {@link DEFAULT_STRICT_TIME_FORMAT}
   */
  readonly strict?: boolean;
}

/**
 * Parses a date with an explicit date-fns format, strictly and in UTC.
 *
 * The cell is read with date-fns `parse` as a UTC wall-clock time (a date without a zone is UTC,
 * never the machine's local time, so results do not depend on `TZ` or daylight-saving time);
 * fields the format does not name default to the start of the unit (`yyyy-MM` is the 1st at
 * midnight). Strict: the value must also format back to exactly the same text, so `Jan 01 2000`
 * does not match `MMM d yyyy` and `2020-1-5` does not match `yyyy-MM-dd`. With a zone token
 * (`X`, `x`, `O`, `z`) the offset is applied and the round trip is not checked (it would print
 * `+00:00`).
 *
 * @param text - The cell text, used as is.
 * @param format - A date-fns format, see {@link checkTimeFormat}; not validated here.
 * @param options - See {@link ParseFormattedDateOptions}.
 * @returns UTC epoch milliseconds, or `null` when `text` does not match `format`.
 * @example
 * parseFormattedDate('Jan 1 2000', 'MMM d yyyy');  // 946684800000 (Date.UTC(2000, 0, 1))
 * parseFormattedDate('31.12.1999', 'dd.MM.yyyy');  // 946598400000
 * parseFormattedDate('Jan 01 2000', 'MMM d yyyy'); // null
 * parseFormattedDate('Jan 01 2000', 'MMM d yyyy', { strict: false }); // 946684800000
 */
export function parseFormattedDate(text: string, format: string, options: ParseFormattedDateOptions = {}): number | null {
  const { strict = DEFAULT_STRICT_TIME_FORMAT } = options;
  const date = parseDate(text, format, UTC_EPOCH);
  const ms = date.getTime();
  if (Number.isNaN(ms)) return null;
  if (strict && !ZONE_TOKENS.test(withoutQuoted(format)) && formatDate(date, format) !== text) return null;
  return ms;
}

/**
 * Writes UTC epoch milliseconds with a date-fns format, in UTC: the inverse of
 * {@link parseFormattedDate}, used to say how a value should have been written.
 *
 * @param ms - UTC epoch milliseconds.
 * @param format - A date-fns format, see {@link checkTimeFormat}.
 * @returns The formatted text.
 * @example
 * formatWithTimeFormat(Date.UTC(2000, 0, 1), 'MMM d yyyy'); // 'Jan 1 2000'
 */
export function formatWithTimeFormat(ms: number, format: string): string {
  return formatDate(new UtcWallClockDate(ms), format);
}

/** `format` with its single-quoted literal parts removed. */
function withoutQuoted(format: string): string {
  return format.replace(/'(?:''|[^'])*(?:'|$)/g, '');
}
