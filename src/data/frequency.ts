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
