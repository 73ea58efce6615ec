import { describe, expect, it } from 'vitest';
import { checkRange, sliceSeries, splitByFraction, splitByTime } from '../../src/data/split';
import type { TimeSeries } from '../../src/data/types';
import { expectInputError } from './helpers';

const DAY = 86_400_000;

/** Daily series 2020-01-01 .. 2020-01-(n), y = index, x = 10 * index. */
function daily(n: number): TimeSeries {
  const t0 = Date.UTC(2020, 0, 1);
  return {
    timeColumn: 'date',
    timeKind: 'date',
    time: Float64Array.from({ length: n }, (_, i) => t0 + i * DAY),
    targets: ['y'],
    features: ['x'],
    columns: ['y', 'x'],
    values: { y: Float64Array.from({ length: n }, (_, i) => i), x: Float64Array.from({ length: n }, (_, i) => 10 * i) },
    length: n,
    source: 'mem',
  };
}

function numeric(time: number[]): TimeSeries {
  return { ...daily(time.length), timeKind: 'number', timeColumn: 't', time: Float64Array.from(time) };
}

describe('splitByFraction', () => {
  it.each([
    // length, val, test, [trainEnd, valEnd]  (test ends at length)
    [10, 0.2, 0.2, 6, 8],
    [10, 0, 0.3, 7, 7],
    [10, 0.15, 0.25, 5, 7], // nTest = round(2.5) = 3, nVal = round(1.5) = 2: halves round up
    [7, 0.1, 0.2, 5, 6], // nTest = round(1.4) = 1, nVal = round(0.7) = 1
    [3, 0.3, 0.3, 1, 2],
  ])('length %i, val %f, test %f', (length, valFraction, testFraction, trainEnd, valEnd) => {
    expect(splitByFraction(length, { valFraction, testFraction })).toEqual({
      train: { start: 0, end: trainEnd },
      val: { start: trainEnd, end: valEnd },
      test: { start: valEnd, end: length },
    });
  });

  it('covers [0, length) without gaps or overlaps for many lengths and fractions', () => {
    for (let length = 3; length < 60; length++) {
      for (const [v, t] of [[0, 0.34], [0.1, 0.2], [0.25, 0.25], [0.33, 0.33]]) {
        let s;
        try {
          s = splitByFraction(length, { valFraction: v, testFraction: t });
        } catch {
          continue; // tiny lengths may round a part to empty: that is an error, tested below
        }
        expect(s.train.start).toBe(0);
        expect(s.val.start).toBe(s.train.end);
        expect(s.test.start).toBe(s.val.end);
        expect(s.test.end).toBe(length);
        expect(s.test.end - s.test.start).toBe(Math.round(length * t));
        expect(s.val.end - s.val.start).toBe(Math.round(length * v));
        expect(s.train.end).toBeGreaterThan(0);
      }
    }
  });

  it.each<[number, number, number, string]>([
    [0, 0.1, 0.1, 'length must be a positive integer, got 0'],
    [2.5, 0.1, 0.1, 'length must be a positive integer, got 2.5'],
    [10, -0.1, 0.1, 'valFraction must be a number in [0, 1), got -0.1'],
    [10, 1, 0.1, 'valFraction must be a number in [0, 1), got 1'],
    [10, NaN, 0.1, 'valFraction must be a number in [0, 1), got NaN'],
    [10, 0.1, 0, 'testFraction must be a number in (0, 1), got 0'],
    [10, 0.1, 1.5, 'testFraction must be a number in (0, 1), got 1.5'],
    [10, 0.5, 0.5, 'valFraction + testFraction must be less than 1 to leave training rows, got 0.5 + 0.5 = 1'],
    [10, 0.1, 0.01, 'testFraction 0.01 of 10 rows gives an empty test part (round(0.1) = 0)'],
    [10, 0.01, 0.2, 'valFraction 0.01 of 10 rows gives an empty validation part (round(0.1) = 0); use valFraction 0 for no validation part'],
    [2, 0.3, 0.6, 'valFraction 0.3 and testFraction 0.6 of 2 rows leave no training rows (val 1 + test 1 rows)'],
  ])('rejects length %s, val %s, test %s', (length, valFraction, testFraction, message) => {
    expectInputError(() => splitByFraction(length, { valFraction, testFraction }), message);
  });
});

describe('splitByTime', () => {
  it('puts the first row at or after each boundary into the later part (dates)', () => {
    expect(splitByTime(daily(10), { valStart: '2020-01-07', testStart: '2020-01-09' })).toEqual({
      train: { start: 0, end: 6 },
      val: { start: 6, end: 8 },
      test: { start: 8, end: 10 },
    });
    // A boundary between two rows: the next row starts the part.
    expect(splitByTime(daily(10), { testStart: '2020-01-08T12:00' }).test).toEqual({ start: 8, end: 10 });
    // A number is compared with epoch milliseconds.
    expect(splitByTime(daily(10), { testStart: Date.UTC(2020, 0, 10) }).test).toEqual({ start: 9, end: 10 });
  });

  it('without valStart the validation part is empty', () => {
    expect(splitByTime(daily(5), { testStart: '2020-01-04' })).toEqual({
      train: { start: 0, end: 3 },
      val: { start: 3, end: 3 },
      test: { start: 3, end: 5 },
    });
  });

  it('works on numeric time, with numbers or numeric strings', () => {
    const s = numeric([1, 2, 4, 8, 16]);
    expect(splitByTime(s, { valStart: 3, testStart: '8' })).toEqual({
      train: { start: 0, end: 2 },
      val: { start: 2, end: 3 },
      test: { start: 3, end: 5 },
    });
  });

  it.each<[string, { valStart?: number | string; testStart: number | string }, string]>([
    ['unparseable date', { testStart: 'soon' }, 'testStart must be an ISO date like the time column, got "soon"'],
    ['number string on a date series', { testStart: '2020' }, 'testStart must be an ISO date like the time column, got "2020"'],
    ['NaN', { testStart: NaN }, 'testStart must be a finite number or a time string, got NaN'],
    ['after the end', { testStart: '2020-02-01' }, 'testStart "2020-02-01" is after the last time stamp (2020-01-10T00:00:00.000Z): the test part would be empty'],
    ['at the start', { testStart: '2020-01-01' }, 'testStart "2020-01-01" is at or before the first time stamp (2020-01-01T00:00:00.000Z): the training part would be empty'],
    ['val at the start', { valStart: '2019-12-01', testStart: '2020-01-05' }, 'valStart "2019-12-01" is at or before the first time stamp (2020-01-01T00:00:00.000Z): the training part would be empty'],
    ['val after test', { valStart: '2020-01-06', testStart: '2020-01-05' }, 'valStart "2020-01-06" must be before testStart "2020-01-05"'],
    ['empty val', { valStart: '2020-01-05T01:00', testStart: '2020-01-05T02:00' }, 'no rows between valStart "2020-01-05T01:00" and testStart "2020-01-05T02:00": the validation part would be empty'],
  ])('rejects %s', (_name, options, message) => {
    expectInputError(() => splitByTime(daily(10), options), message);
  });

  it('rejects a date string on a numeric series', () => {
    expectInputError(() => splitByTime(numeric([1, 2, 3]), { testStart: '2020-01-01' }), 'testStart must be a number like the time column, got "2020-01-01"');
  });
});

describe('sliceSeries', () => {
  it('copies the rows of the range', () => {
    const s = daily(6);
    const part = sliceSeries(s, { start: 2, end: 5 });
    expect(part.length).toBe(3);
    expect(Array.from(part.values.y)).toEqual([2, 3, 4]);
    expect(Array.from(part.values.x)).toEqual([20, 30, 40]);
    expect(part.time[0]).toBe(s.time[2]);
    expect(part.columns).toEqual(['y', 'x']);
    expect(part.timeKind).toBe('date');
    part.values.y[0] = 99;
    part.time[0] = 0;
    expect(s.values.y[2]).toBe(2);
    expect(s.time[2]).toBe(Date.UTC(2020, 0, 3));
  });

  it('allows an empty range and rejects ranges outside the series', () => {
    expect(sliceSeries(daily(3), { start: 1, end: 1 }).length).toBe(0);
    expectInputError(() => sliceSeries(daily(3), { start: 2, end: 4 }), 'range must satisfy 0 <= start <= end <= 3 (integers), got {"start":2,"end":4}');
    expectInputError(() => sliceSeries(daily(3), { start: 2, end: 1 }), 'range must satisfy 0 <= start <= end <= 3 (integers), got {"start":2,"end":1}');
    expectInputError(() => checkRange({ start: 0.5, end: 1 }, 3, 'train'), 'train must satisfy 0 <= start <= end <= 3 (integers), got {"start":0.5,"end":1}');
  });
});
