import { InputError } from '../errors';
import type { TimeKind } from './types';

/**
 * The spacing of a regular series: a whole number of calendar months (monthly, quarterly, yearly
 * data whose day-of-month is constant), or a fixed step (milliseconds for dates, units for numbers).
 */
export type Frequency =
  | { readonly kind: 'months'; readonly months: number }
  | { readonly kind: 'fixed'; readonly step: number };

function monthIndex(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

function sameTimeInMonth(a: number, b: number): boolean {
  const x = new Date(a);
  const y = new Date(b);
  return x.getUTCDate() === y.getUTCDate() && x.getUTCHours() === y.getUTCHours() && x.getUTCMinutes() === y.getUTCMinutes();
}

/**
 * Infers the spacing from the last (up to 25) steps of a time column.
 *
 * Dates whose day of month (and time of day) is constant and whose month index advances by a
 * constant count are `months`; otherwise the median step is used as a fixed step.
 *
 * @param time - strictly increasing time stamps (ms since epoch for `'date'`), length >= 2.
 * @throws InputError when fewer than 2 stamps are given.
 * @example
 * inferFrequency(Float64Array.of(Date.UTC(2020, 0, 1), Date.UTC(2020, 1, 1)), 'date'); // { kind: 'months', months: 1 }
 */
export function inferFrequency(time: ArrayLike<number>, timeKind: TimeKind): Frequency {
  if (time.length < 2) {
    throw new InputError(`a frequency needs at least 2 time stamps, got ${time.length}`);
  }
  const from = Math.max(0, time.length - 26);
  if (timeKind === 'date') {
    const months = monthIndex(time[from + 1]) - monthIndex(time[from]);
    let monthly = months > 0;
    for (let i = from + 1; monthly && i < time.length; i++) {
      monthly = monthIndex(time[i]) - monthIndex(time[i - 1]) === months && sameTimeInMonth(time[i], time[i - 1]);
    }
    if (monthly) return { kind: 'months', months };
  }
  const steps: number[] = [];
  for (let i = from + 1; i < time.length; i++) steps.push(time[i] - time[i - 1]);
  steps.sort((a, b) => a - b);
  return { kind: 'fixed', step: steps[Math.floor(steps.length / 2)] };
}

/**
 * The `count` time stamps that follow `last` at the given frequency.
 *
 * For month steps the day of month is kept, clamped to the month's length.
 * @returns a new array of length `count`.
 * @example
 * futureTimes(Date.UTC(2020, 0, 31), { kind: 'months', months: 1 }, 2); // [2020-02-29, 2020-03-31]
 */
export function futureTimes(last: number, frequency: Frequency, count: number): Float64Array {
  const out = new Float64Array(count);
  if (frequency.kind === 'fixed') {
    for (let k = 0; k < count; k++) out[k] = last + (k + 1) * frequency.step;
    return out;
  }
  const d = new Date(last);
  const day = d.getUTCDate();
  const timeOfDay = last - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), day);
  for (let k = 0; k < count; k++) {
    const m = d.getUTCMonth() + (k + 1) * frequency.months;
    const year = d.getUTCFullYear() + Math.floor(m / 12);
    const month = ((m % 12) + 12) % 12;
    const daysInMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    out[k] = Date.UTC(year, month, Math.min(day, daysInMonth)) + timeOfDay;
  }
  return out;
}

/**
 * The time stamps strictly between `start` and `end` at the given frequency: what
 * `gaps: 'fill'` inserts into a gap found by {@link findGaps}.
 *
 * Month steps keep the day of month of `start` (clamped to the month's length, see
 * {@link futureTimes}); fixed steps are spread evenly, `start + (end - start) * j / k`, so that
 * decimal steps land exactly on `end`.
 *
 * @param start - The stamp before the gap (epoch ms for dates).
 * @param end - The stamp after it; greater than `start`.
 * @param frequency - The series' step, as {@link findGaps} returns it.
 * @returns A new array: empty when `end` is at most one step after `start` (no gap; a shorter
 *   step is left alone), the `k - 1` stamps when it is `k` whole steps after, or `null` when it
 *   is more than one step but not a whole number of steps (within a relative 1e-9 for fixed
 *   steps), so no regular stamps can fill the gap.
 * @example
 * timesBetween(Date.UTC(2020, 0, 15), Date.UTC(2020, 3, 15), { kind: 'months', months: 1 }); // [2020-02-15, 2020-03-15]
 * timesBetween(1, 4, { kind: 'fixed', step: 1 });   // Float64Array [2, 3]
 * timesBetween(1, 4.5, { kind: 'fixed', step: 1 }); // null
 */
export function timesBetween(start: number, end: number, frequency: Frequency): Float64Array | null {
  if (frequency.kind === 'months') {
    const months = monthIndex(end) - monthIndex(start);
    if (months <= frequency.months) return new Float64Array(0);
    if (frequency.months <= 0 || months % frequency.months !== 0) return null;
    const k = months / frequency.months;
    const stamps = futureTimes(start, frequency, k);
    return stamps[k - 1] === end ? stamps.slice(0, k - 1) : null;
  }
  const span = end - start;
  if (span <= frequency.step * (1 + STEP_TOLERANCE)) return new Float64Array(0);
  const k = Math.round(span / frequency.step);
  if (!(frequency.step > 0) || Math.abs(k * frequency.step - span) > span * STEP_TOLERANCE) return null;
  return Float64Array.from({ length: k - 1 }, (_, j) => start + (span * (j + 1)) / k);
}

/** Result of {@link findGaps}. */
export interface TimeGaps {
  /** The regular step inferred from the whole column (see {@link findGaps}). */
  readonly frequency: Frequency;
  /** Number of consecutive pairs further apart than one step. */
  readonly count: number;
  /** Index `i` of the first gap: it lies between `time[i - 1]` and `time[i]`; `-1` when none. */
  readonly first: number;
}

/** Relative tolerance on fixed steps, so that decimal steps (0.1) do not count as gaps. */
const STEP_TOLERANCE = 1e-9;

/**
 * Finds the places where a regular series skips one or more time stamps.
 *
 * The step is inferred from all stamps: a whole number of months (the most common month
 * difference) when every stamp has the same day of month and time of day, otherwise the median
 * difference (the lower one for an even count) as a fixed step. A gap is a pair of neighbours further apart than one step; steps
 * shorter than the inferred one are not reported.
 *
 * @param time - Strictly increasing time stamps (epoch ms for `'date'`), length >= 2; not modified.
 * @param timeKind - How the stamps were parsed.
 * @returns The inferred frequency, the number of gaps and the index of the first.
 * @throws InputError when fewer than 2 stamps are given.
 * @example
 * const t = Float64Array.of(Date.UTC(2020, 0, 1), Date.UTC(2020, 1, 1), Date.UTC(2020, 4, 1));
 * findGaps(t, 'date'); // { frequency: { kind: 'months', months: 1 }, count: 1, first: 2 }
 */
export function findGaps(time: ArrayLike<number>, timeKind: TimeKind): TimeGaps {
  if (time.length < 2) {
    throw new InputError(`finding gaps needs at least 2 time stamps, got ${time.length}`);
  }
  const n = time.length;
  let count = 0;
  let first = -1;
  const note = (i: number): void => {
    count++;
    if (first < 0) first = i;
  };
  let monthly = timeKind === 'date';
  for (let i = 1; monthly && i < n; i++) monthly = sameTimeInMonth(time[i], time[i - 1]);
  if (monthly) {
    const diffs = new Map<number, number>();
    for (let i = 1; i < n; i++) {
      const d = monthIndex(time[i]) - monthIndex(time[i - 1]);
      diffs.set(d, (diffs.get(d) ?? 0) + 1);
    }
    let months = 0;
    let best = 0;
    for (const [d, c] of diffs) if (c > best || (c === best && d < months)) [months, best] = [d, c];
    for (let i = 1; i < n; i++) if (monthIndex(time[i]) - monthIndex(time[i - 1]) > months) note(i);
    return { frequency: { kind: 'months', months }, count, first };
  }
  const steps = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) steps[i - 1] = time[i] - time[i - 1];
  const sorted = Float64Array.from(steps).sort();
  // Lower median: with as many gaps as regular steps, the regular step wins.
  const step = sorted[Math.floor((n - 2) / 2)];
  for (let i = 1; i < n; i++) if (steps[i - 1] > step * (1 + STEP_TOLERANCE)) note(i);
  return { frequency: { kind: 'fixed', step }, count, first };
}

const DURATIONS: readonly [number, string][] = [
  [86_400_000 * 7, 'week'],
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1000, 'second'],
  [1, 'millisecond'],
];

/**
 * Describes a frequency for messages.
 *
 * @param frequency - As returned by {@link inferFrequency} or {@link findGaps}.
 * @param timeKind - `'date'`: fixed steps are durations; `'number'`: plain units.
 * @returns E.g. `'1 month'`, `'3 months'`, `'1 day'`, `'15 minutes'`, `'0.5'`.
 * @example
 * describeFrequency({ kind: 'fixed', step: 3_600_000 }, 'date'); // '1 hour'
 */
export function describeFrequency(frequency: Frequency, timeKind: TimeKind): string {
  const plural = (k: number, unit: string): string => `${k} ${unit}${k === 1 ? '' : 's'}`;
  if (frequency.kind === 'months') return plural(frequency.months, 'month');
  if (timeKind === 'number') return String(frequency.step);
  const [unit, name] = DURATIONS.find(([ms]) => frequency.step >= ms && frequency.step % ms === 0) ?? [1, 'millisecond'];
  return plural(frequency.step / unit, name);
}
