/**
 * Chronological train / validation / test splits as index ranges (no shuffling: later rows are
 * never used to fit what is evaluated on earlier rows).
 */
import { InputError, describeValue } from '../errors';
import type { TimeSeries } from './types';
import { formatTime, parseTime } from './time';

/** Half-open index range `[start, end)`: `start` is included, `end` is not. */
export interface Range {
  /** First index in the range (inclusive). */
  readonly start: number;
  /** First index after the range (exclusive); `end - start` is the number of rows. */
  readonly end: number;
}

/** Three adjacent ranges covering `[0, length)` in order: train, then val, then test. */
export interface SplitIndices {
  readonly train: Range;
  /** May be empty (`start === end`) when no validation part was requested. */
  readonly val: Range;
  readonly test: Range;
}

/** Options of {@link splitByFraction}. */
export interface FractionSplitOptions {
  /** Share of rows for validation, in `[0, 1)`; `0` gives an empty validation range. */
  readonly valFraction: number;
  /** Share of rows for testing, in `(0, 1)`. */
  readonly testFraction: number;
}

/** Options of {@link splitByTime}. */
export interface TimeSplitOptions {
  /**
   * First time stamp of the validation part; omitted: no validation part. A number is compared
   * with `series.time` directly (epoch milliseconds for date series); a string is parsed like the
   * time column (ISO date for date series, plain number otherwise).
   */
  readonly valStart?: number | string;
  /** First time stamp of the test part; same forms as `valStart`. */
  readonly testStart: number | string;
}

/**
 * Splits `length` rows chronologically by fractions.
 *
 * Exactly: `nTest = Math.round(length * testFraction)`, `nVal = Math.round(length * valFraction)`
 * (halves round up), `nTrain = length - nVal - nTest`; then
 * `train = [0, nTrain)`, `val = [nTrain, nTrain + nVal)`, `test = [length - nTest, length)`.
 * The test part is the last `nTest` rows and the validation part the `nVal` rows just before it.
 *
 * @param length - Number of rows, a positive integer.
 * @param options - `valFraction` in `[0, 1)`, `testFraction` in `(0, 1)`, with
 *   `valFraction + testFraction < 1`.
 * @returns The three ranges; `train` and `test` are non-empty, `val` is empty exactly when
 *   `valFraction` is 0.
 * @throws InputError naming the argument and value when `length` is not a positive integer, a
 *   fraction is out of range or not finite, the fractions sum to 1 or more, or rounding leaves
 *   the train, test, or (with `valFraction > 0`) validation part empty, e.g.
 *   `testFraction 0.01 of 10 rows gives an empty test part (round(0.1) = 0)`.
 * @example
 * splitByFraction(10, { valFraction: 0.2, testFraction: 0.2 });
 * // { train: { start: 0, end: 6 }, val: { start: 6, end: 8 }, test: { start: 8, end: 10 } }
 */
export function splitByFraction(length: number, options: FractionSplitOptions): SplitIndices {
  if (!Number.isInteger(length) || length < 1) {
    throw new InputError(`length must be a positive integer, got ${describeValue(length)}`, {
      argument: 'length',
      value: length,
    });
  }
  if (typeof options !== 'object' || options === null) {
    throw new InputError(`options must be an object, got ${describeValue(options)}`, { argument: 'options' });
  }
  const { valFraction, testFraction } = options;
  if (typeof valFraction !== 'number' || !Number.isFinite(valFraction) || valFraction < 0 || valFraction >= 1) {
    throw new InputError(`valFraction must be a number in [0, 1), got ${describeValue(valFraction)}`, {
      argument: 'valFraction',
      value: valFraction,
    });
  }
  if (typeof testFraction !== 'number' || !Number.isFinite(testFraction) || testFraction <= 0 || testFraction >= 1) {
    throw new InputError(`testFraction must be a number in (0, 1), got ${describeValue(testFraction)}`, {
      argument: 'testFraction',
      value: testFraction,
    });
  }
  if (valFraction + testFraction >= 1) {
    throw new InputError(
      `valFraction + testFraction must be less than 1 to leave training rows, got ${valFraction} + ${testFraction} = ${valFraction + testFraction}`,
      { argument: 'valFraction', value: valFraction },
    );
  }
  const nTest = Math.round(length * testFraction);
  const nVal = Math.round(length * valFraction);
  const nTrain = length - nVal - nTest;
  if (nTest === 0) {
    throw new InputError(
      `testFraction ${testFraction} of ${length} rows gives an empty test part (round(${length * testFraction}) = 0)`,
      { argument: 'testFraction', value: testFraction },
    );
  }
  if (valFraction > 0 && nVal === 0) {
    throw new InputError(
      `valFraction ${valFraction} of ${length} rows gives an empty validation part (round(${length * valFraction}) = 0); use valFraction 0 for no validation part`,
      { argument: 'valFraction', value: valFraction },
    );
  }
  if (nTrain < 1) {
    throw new InputError(
      `valFraction ${valFraction} and testFraction ${testFraction} of ${length} rows leave no training rows (val ${nVal} + test ${nTest} rows)`,
      { argument: 'valFraction', value: valFraction },
    );
  }
  return {
    train: { start: 0, end: nTrain },
    val: { start: nTrain, end: nTrain + nVal },
    test: { start: nTrain + nVal, end: length },
  };
}

/**
 * Splits a series chronologically at time boundaries.
 *
 * The first row whose time is `>=` a boundary belongs to the later part (like darts'
 * `split_before`): `test = [i_test, length)` with `i_test` the first row with
 * `time >= testStart`; `val = [i_val, i_test)` with `i_val` the first row with
 * `time >= valStart` (empty when `valStart` is omitted); `train` is everything before.
 *
 * @param series - A validated series (strictly increasing `time`); not modified.
 * @param options - `testStart` and optional `valStart`, see {@link TimeSplitOptions}.
 * @returns The three ranges; `train` and `test` are non-empty, and `val` too when `valStart` is
 *   given.
 * @throws InputError naming the option and value when a boundary does not parse, or when
 *   `valStart >= testStart`, or when a part would be empty (a boundary at or before the first
 *   row, after the last row, or no row between `valStart` and `testStart`).
 * @example
 * // daily series 2020-01-01 .. 2020-01-10
 * splitByTime(series, { valStart: '2020-01-07', testStart: '2020-01-09' });
 * // { train: { start: 0, end: 6 }, val: { start: 6, end: 8 }, test: { start: 8, end: 10 } }
 */
export function splitByTime(series: TimeSeries, options: TimeSplitOptions): SplitIndices {
  if (typeof options !== 'object' || options === null) {
    throw new InputError(`options must be an object, got ${describeValue(options)}`, { argument: 'options' });
  }
  const { time, length, timeKind } = series;
  const show = (ms: number): string => formatTime(ms, timeKind);
  const testAt = boundary(series, options.testStart, 'testStart');
  const iTest = firstAtOrAfter(time, testAt);
  if (iTest === length) {
    throw new InputError(
      `testStart ${describeValue(options.testStart)} is after the last time stamp (${show(time[length - 1])}): the test part would be empty`,
      { argument: 'testStart', value: options.testStart },
    );
  }
  let iVal = iTest;
  if (options.valStart !== undefined) {
    const valAt = boundary(series, options.valStart, 'valStart');
    if (valAt >= testAt) {
      throw new InputError(
        `valStart ${describeValue(options.valStart)} must be before testStart ${describeValue(options.testStart)}`,
        { argument: 'valStart', value: options.valStart },
      );
    }
    iVal = firstAtOrAfter(time, valAt);
    if (iVal === iTest) {
      throw new InputError(
        `no rows between valStart ${describeValue(options.valStart)} and testStart ${describeValue(options.testStart)}: the validation part would be empty`,
        { argument: 'valStart', value: options.valStart },
      );
    }
  }
  if (iVal === 0) {
    const name = options.valStart !== undefined ? 'valStart' : 'testStart';
    const value = options.valStart !== undefined ? options.valStart : options.testStart;
    throw new InputError(
      `${name} ${describeValue(value)} is at or before the first time stamp (${show(time[0])}): the training part would be empty`,
      { argument: name, value },
    );
  }
  return {
    train: { start: 0, end: iVal },
    val: { start: iVal, end: iTest },
    test: { start: iTest, end: length },
  };
}

/**
 * Copies the rows `[range.start, range.end)` of a series.
 *
 * @param series - The series; not modified, and the result shares no arrays with it.
 * @param range - Integers with `0 <= start <= end <= series.length`; an empty range gives an
 *   empty series.
 * @returns A new series of length `end - start` with the same columns, kind and source.
 * @throws InputError when the range is not within `[0, series.length]` or not integer, e.g.
 *   `range must satisfy 0 <= start <= end <= 10, got {"start":4,"end":12}`.
 * @example
 * const test = sliceSeries(series, split.test);
 */
export function sliceSeries(series: TimeSeries, range: Range): TimeSeries {
  checkRange(range, series.length);
  const values: Record<string, Float64Array> = {};
  for (const name of series.columns) values[name] = series.values[name].slice(range.start, range.end);
  return {
    timeColumn: series.timeColumn,
    timeKind: series.timeKind,
    time: series.time.slice(range.start, range.end),
    targets: Object.freeze([...series.targets]),
    features: Object.freeze([...series.features]),
    columns: Object.freeze([...series.columns]),
    values,
    length: range.end - range.start,
    source: series.source,
  };
}

/**
 * Checks that `range` is an integer range within `[0, length]`.
 *
 * @param range - The range to check.
 * @param length - Number of rows it must fit in.
 * @param argument - Name used in the message. @defaultValue `'range'`
 * @throws InputError when it is not, naming `argument`, the bounds and the range.
 * @example
 * checkRange({ start: 2, end: 5 }, 10); // ok
 */
export function checkRange(range: Range, length: number, argument = 'range'): void {
  const ok =
    typeof range === 'object' &&
    range !== null &&
    Number.isInteger(range.start) &&
    Number.isInteger(range.end) &&
    range.start >= 0 &&
    range.start <= range.end &&
    range.end <= length;
  if (!ok) {
    throw new InputError(`${argument} must satisfy 0 <= start <= end <= ${length} (integers), got ${describeValue(range)}`, {
      argument,
      value: range,
    });
  }
}

function boundary(series: TimeSeries, value: number | string, argument: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const parsed = parseTime(value, series.timeKind);
    if (parsed !== null) return parsed;
    const expected = series.timeKind === 'date' ? 'an ISO date like the time column' : 'a number like the time column';
    throw new InputError(`${argument} must be ${expected}, got ${describeValue(value)}`, { argument, value });
  }
  throw new InputError(`${argument} must be a finite number or a time string, got ${describeValue(value)}`, {
    argument,
    value,
  });
}

/** Index of the first element `>= value` in an increasing array (its length if none). */
function firstAtOrAfter(time: Float64Array, value: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
