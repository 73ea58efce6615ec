import { describe, expect, it } from 'vitest';
import { CALENDAR_FEATURES, calendarFeatures, calendarValues, checkCalendarFeatures, type CalendarFeature } from '../../src/data/calendar';
import type { TimeSeries } from '../../src/data/types';
import * as data from '../../src/data';
import { expectInputError } from './helpers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function series(times: number[], timeKind: TimeSeries['timeKind'] = 'date'): TimeSeries {
  return {
    timeColumn: 'date',
    timeKind,
    time: Float64Array.from(times),
    targets: ['y'],
    features: ['x'],
    columns: ['y', 'x'],
    values: { y: Float64Array.from(times, (_, i) => i), x: Float64Array.from(times, (_, i) => 10 * i) },
    length: times.length,
    source: 'mem',
  };
}

const close = (actual: number, expected: number) => expect(actual).toBeCloseTo(expected, 12);

describe('calendarFeatures', () => {
  it('is exported by the data barrel', () => {
    expect(data.calendarFeatures).toBe(calendarFeatures);
    expect(data.CALENDAR_FEATURES).toBe(CALENDAR_FEATURES);
    expect(data.calendarValues).toBe(calendarValues);
    expect(data.checkCalendarFeatures).toBe(checkCalendarFeatures);
  });

  it.each<[string, number, CalendarFeature, number]>([
    // label, time (UTC), feature, expected value
    ['1 Jan 00:00 is phase 0 of the year', Date.UTC(2013, 0, 1), 'dayOfYearSin', 0],
    ['1 Jan 00:00 is phase 0 of the year', Date.UTC(2013, 0, 1), 'dayOfYearCos', 1],
    ['a quarter of 2013 (365 days) is 91.25 days in', Date.UTC(2013, 0, 1) + 91.25 * DAY, 'dayOfYearSin', 1],
    ['half of leap year 2012 (366 days) is 2 July 00:00', Date.UTC(2012, 6, 2), 'dayOfYearCos', -1],
    ['half of 2013 (365 days) is 2 July 12:00', Date.UTC(2013, 6, 2, 12), 'dayOfYearCos', -1],
    ['Monday 00:00 is phase 0 of the week', Date.UTC(2024, 0, 1), 'dayOfWeekCos', 1],
    ['Monday 00:00 is phase 0 of the week', Date.UTC(2024, 0, 1), 'dayOfWeekSin', 0],
    ['Thursday 12:00 is half a week after Monday', Date.UTC(2024, 0, 4, 12), 'dayOfWeekCos', -1],
    ['time 0 (Thursday 1 Jan 1970) is 3/7 of the week', 0, 'dayOfWeekSin', Math.sin((2 * Math.PI * 3) / 7)],
    ['before 1970 too: Sunday 28 Dec 1969 is 6/7', Date.UTC(1969, 11, 28), 'dayOfWeekSin', Math.sin((2 * Math.PI * 6) / 7)],
    ['06:00 is a quarter of the day', Date.UTC(2020, 5, 1, 6), 'hourOfDaySin', 1],
    ['18:00 is three quarters of the day', Date.UTC(2020, 5, 1, 18), 'hourOfDaySin', -1],
    ['midnight is phase 0 of the day', Date.UTC(2020, 5, 1), 'hourOfDayCos', 1],
  ])('%s (%s)', (_label, t, feature, expected) => {
    close(calendarFeatures(series([t]), [feature]).values[feature][0], expected);
  });

  it('31 December and 1 January are neighbours (cyclic, no jump)', () => {
    const out = calendarFeatures(series([Date.UTC(2014, 11, 31), Date.UTC(2015, 0, 1)]), ['dayOfYearSin', 'dayOfYearCos']);
    const distance = Math.hypot(out.values.dayOfYearSin[1] - out.values.dayOfYearSin[0], out.values.dayOfYearCos[1] - out.values.dayOfYearCos[0]);
    close(distance, 2 * Math.sin(Math.PI / 365)); // one day on the unit circle of a 365-day year
  });

  it('appends the features in the given order and keeps rows, targets and metadata', () => {
    const input = series([Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 2), Date.UTC(2020, 0, 3)]);
    const out = calendarFeatures(input, ['dayOfWeekCos', 'dayOfYearSin']);
    expect(out.features).toEqual(['x', 'dayOfWeekCos', 'dayOfYearSin']);
    expect(out.columns).toEqual(['y', 'x', 'dayOfWeekCos', 'dayOfYearSin']);
    expect(out.targets).toEqual(['y']);
    expect(out.length).toBe(3);
    expect([out.timeColumn, out.timeKind, out.source]).toEqual(['date', 'date', 'mem']);
    expect(Array.from(out.time)).toEqual(Array.from(input.time));
    expect(Array.from(out.values.y)).toEqual([0, 1, 2]);
    expect(Array.from(out.values.x)).toEqual([0, 10, 20]);
    for (const name of ['dayOfWeekCos', 'dayOfYearSin']) {
      expect(out.values[name]).toBeInstanceOf(Float64Array);
      expect(out.values[name].length).toBe(3);
    }
  });

  it('supports every listed feature, each within [-1, 1]', () => {
    const times = Array.from({ length: 50 }, (_, i) => Date.UTC(2019, 0, 1) + i * 7.3 * DAY + i * HOUR);
    const out = calendarFeatures(series(times), CALENDAR_FEATURES);
    for (const name of CALENDAR_FEATURES) {
      for (const v of out.values[name]) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    }
    // sin^2 + cos^2 = 1 for each pair
    for (const cycle of ['dayOfYear', 'dayOfWeek', 'hourOfDay']) {
      out.values[`${cycle}Sin`].forEach((s, i) => close(s * s + out.values[`${cycle}Cos`][i] ** 2, 1));
    }
  });

  it('does not mutate the input and shares no arrays with it', () => {
    const input = series([Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 2)]);
    const before = JSON.stringify({ ...input, time: Array.from(input.time), y: Array.from(input.values.y), x: Array.from(input.values.x) });
    const out = calendarFeatures(input, ['dayOfYearSin']);
    out.values.y[0] = 99;
    out.values.x[0] = 99;
    out.time[0] = 99;
    expect(JSON.stringify({ ...input, time: Array.from(input.time), y: Array.from(input.values.y), x: Array.from(input.values.x) })).toBe(before);
    expect(input.features).toEqual(['x']);
    expect(Object.keys(input.values)).toEqual(['y', 'x']);
  });

  it.each<[string, () => unknown, string]>([
    [
      'a numeric time column',
      () => calendarFeatures(series([1, 2], 'number'), ['dayOfYearSin']),
      'calendar features need a date time column, got timeKind "number" for column "date"',
    ],
    [
      'no features',
      () => calendarFeatures(series([0]), []),
      'features must be a non-empty array of calendar features (dayOfYearSin, dayOfYearCos, dayOfWeekSin, dayOfWeekCos, hourOfDaySin, hourOfDayCos), got []',
    ],
    [
      'an unknown feature',
      () => calendarFeatures(series([0]), ['monthSin' as CalendarFeature]),
      'unknown calendar feature "monthSin"; expected one of dayOfYearSin, dayOfYearCos, dayOfWeekSin, dayOfWeekCos, hourOfDaySin, hourOfDayCos',
    ],
    ['a repeated feature', () => calendarFeatures(series([0]), ['dayOfYearSin', 'dayOfYearSin']), 'calendar feature "dayOfYearSin" is listed twice'],
    [
      'a feature that is already a column',
      () => calendarFeatures(calendarFeatures(series([0]), ['dayOfWeekSin']), ['dayOfWeekSin']),
      'calendar feature "dayOfWeekSin" is already a column of the series',
    ],
  ])('rejects %s', (_label, fn, message) => {
    expectInputError(fn, message);
  });
});

describe('calendarValues', () => {
  it('computes exactly the columns calendarFeatures adds, at any stamps', () => {
    const times = Array.from({ length: 40 }, (_, i) => Date.UTC(2019, 0, 1) + i * 9.7 * DAY + i * HOUR);
    const out = calendarFeatures(series(times), CALENDAR_FEATURES);
    for (const name of CALENDAR_FEATURES) expect(Array.from(calendarValues(times, name))).toEqual(Array.from(out.values[name]));
    expect(Array.from(calendarValues([Date.UTC(2012, 0, 1), Date.UTC(2012, 6, 2)], 'dayOfYearCos'))).toEqual([1, -1]);
    expect(calendarValues([], 'hourOfDaySin')).toEqual(new Float64Array(0));
  });

  it('does not mutate the stamps', () => {
    const time = Float64Array.of(Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 2));
    const result = calendarValues(time, 'dayOfWeekSin');
    result[0] = 5;
    expect(Array.from(time)).toEqual([Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 2)]);
  });
});

describe('checkCalendarFeatures', () => {
  it('returns the list, which may be empty', () => {
    const list: CalendarFeature[] = ['hourOfDaySin', 'dayOfYearCos'];
    expect(checkCalendarFeatures(list, 'calendar')).toBe(list);
    expect(checkCalendarFeatures([], 'calendar')).toEqual([]);
  });

  it.each<[unknown, string]>([
    ['dayOfYearSin', 'calendar must be an array of calendar features (dayOfYearSin, dayOfYearCos, dayOfWeekSin, dayOfWeekCos, hourOfDaySin, hourOfDayCos), got "dayOfYearSin"'],
    [['month'], 'unknown calendar feature "month"; expected one of dayOfYearSin, dayOfYearCos, dayOfWeekSin, dayOfWeekCos, hourOfDaySin, hourOfDayCos'],
    [['hourOfDayCos', 'hourOfDayCos'], 'calendar feature "hourOfDayCos" is listed twice'],
  ])('rejects %j', (features, message) => {
    expectInputError(() => checkCalendarFeatures(features, 'calendar'), message);
  });
});
