import type { TimeInput, TimeKind } from './types';
import { InputError, describeValue } from '../errors';

/**
 * Time kind assumed when a figure builder is given none.
 * @defaultValue `'number'`
 */
export const DEFAULT_TIME_KIND: TimeKind = 'number';

/** Time stamps converted for a plotly x axis, plus numeric positions for arithmetic. */
export interface AxisTimes {
  /** What goes into a trace's `x`: ISO 8601 UTC strings for `'date'`, numbers for `'number'`. */
  readonly x: ReadonlyArray<number | string>;
  /** Numeric positions (ms since the epoch for `'date'`), for midpoints and ranges. */
  readonly position: Float64Array;
  /** The time kind used. */
  readonly timeKind: TimeKind;
}

/**
 * Validates time stamps and converts them for a plotly x axis.
 *
 * With `timeKind: 'date'`, numbers are milliseconds since the Unix epoch (UTC, as in
 * `TimeSeries.time`) and strings are parsed with `Date.parse` (use ISO 8601; a date-time without
 * an offset is local time per ECMAScript); both become ISO 8601 UTC strings such as
 * `'2020-01-31T00:00:00.000Z'`, which plotly reads as dates. With `'number'`, values must be finite
 * numbers and are kept. Order is not checked: a plot does not need it.
 *
 * @param time - Time stamps; not mutated.
 * @param timeKind - `'date'` or `'number'`.
 * @param argument - Argument name used in error messages.
 * @returns A new {@link AxisTimes} of the same length as `time`.
 * @throws InputError when `timeKind` is unknown, `time` is not an array, a number is not finite,
 *   a string is given with `'number'`, or a string is not a parseable date.
 * @example
 * toAxisTimes([0, 86_400_000], 'date').x; // ['1970-01-01T00:00:00.000Z', '1970-01-02T00:00:00.000Z']
 */
export function toAxisTimes(time: TimeInput, timeKind: TimeKind, argument = 'time'): AxisTimes {
  assertTimeKind(timeKind);
  if (!Array.isArray(time) && !(time instanceof Float64Array)) {
    throw new InputError(`${argument} must be an array or a Float64Array, got ${describeValue(time)}`, {
      argument,
      value: time,
    });
  }
  const n = time.length;
  const x: Array<number | string> = new Array<number | string>(n);
  const position = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t: unknown = time[i];
    let ms: number;
    if (typeof t === 'number') {
      if (!Number.isFinite(t)) {
        throw new InputError(`${argument}[${i}] must be a finite number, got ${describeValue(t)}`, {
          argument: `${argument}[${i}]`,
          value: t,
        });
      }
      ms = t;
    } else if (typeof t === 'string' && timeKind === 'date') {
      ms = Date.parse(t);
      if (!Number.isFinite(ms)) {
        throw new InputError(`${argument}[${i}] must be a parseable date string, got ${describeValue(t)}`, {
          argument: `${argument}[${i}]`,
          value: t,
        });
      }
    } else {
      const expected = timeKind === 'date' ? 'a number (ms since the epoch) or a date string' : "a finite number when timeKind is 'number'";
      throw new InputError(`${argument}[${i}] must be ${expected}, got ${describeValue(t)}`, {
        argument: `${argument}[${i}]`,
        value: t,
      });
    }
    position[i] = ms;
    x[i] = positionToAxis(ms, timeKind, `${argument}[${i}]`);
  }
  return { x, position, timeKind };
}

/**
 * Converts a numeric position (ms since the epoch for `'date'`) to an x-axis value.
 *
 * @param position - Finite number.
 * @param timeKind - `'date'` or `'number'`.
 * @param argument - Argument name used in error messages.
 * @returns An ISO 8601 UTC string for `'date'`, the number itself for `'number'`.
 * @throws InputError when `'date'` and `position` is outside the range of `Date`.
 * @example
 * positionToAxis(0, 'date'); // '1970-01-01T00:00:00.000Z'
 */
export function positionToAxis(position: number, timeKind: TimeKind, argument = 'time'): number | string {
  if (timeKind === 'number') return position;
  const date = new Date(position);
  if (!Number.isFinite(date.getTime())) {
    throw new InputError(`${argument} is outside the range of dates, got ${describeValue(position)}`, {
      argument,
      value: position,
    });
  }
  return date.toISOString();
}

/**
 * Checks a `timeKind` option.
 *
 * @param timeKind - Value to check.
 * @throws InputError unless it is `'date'` or `'number'`.
 * @example
 * assertTimeKind('date'); // ok
 */
export function assertTimeKind(timeKind: unknown): asserts timeKind is TimeKind {
  if (timeKind !== 'date' && timeKind !== 'number') {
    throw new InputError(`timeKind must be 'date' or 'number', got ${describeValue(timeKind)}`, {
      argument: 'timeKind',
      value: timeKind,
    });
  }
}
