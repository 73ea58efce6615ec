import { describe, expect, it } from 'vitest';
import { classifyTime, formatTime, parseIsoDate, parseNumber, parseTime } from '../../src/data/time';

describe('parseNumber', () => {
  it.each([
    ['0', 0],
    ['-1.5', -1.5],
    ['+2', 2],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['-2.5E-1', -0.25],
  ])('accepts %s', (text, value) => expect(parseNumber(text)).toBe(value));

  it.each(['', 'abc', '1,2', ' 1', '1 ', 'Infinity', 'NaN', '0x10', '1e400', '-', '.', 'e5', '1e', '1_000'])(
    'rejects %j',
    (text) => expect(parseNumber(text)).toBeNull(),
  );
});

describe('parseIsoDate', () => {
  it.each([
    ['2020-01', Date.UTC(2020, 0, 1)],
    ['2020-01-31', Date.UTC(2020, 0, 31)],
    ['2020-02-29', Date.UTC(2020, 1, 29)],
    ['2000-02-29', Date.UTC(2000, 1, 29)],
    ['2020-01-31T23:59', Date.UTC(2020, 0, 31, 23, 59)],
    ['2020-01-31 23:59:58', Date.UTC(2020, 0, 31, 23, 59, 58)],
    ['2020-01-31T00:00:00.5', Date.UTC(2020, 0, 31, 0, 0, 0, 500)],
    ['2020-01-31T00:00:00.123456Z', Date.UTC(2020, 0, 31, 0, 0, 0, 123)],
    ['2020-01-31T12:00+02:00', Date.UTC(2020, 0, 31, 10)],
    ['2020-01-31T12:00-0530', Date.UTC(2020, 0, 31, 17, 30)],
    ['0050-06-01', Date.parse('0050-06-01T00:00:00Z')],
  ])('parses %s as UTC', (text, ms) => expect(parseIsoDate(text)).toBe(ms));

  it.each(['2020', '2020-13', '2020-00-01', '2019-02-29', '1900-02-29', '2020-04-31', '2020-01-01T24:00', '2020-01-01T12:60',
    '2020-01-01T12', '2020/01/01', '20200101', '2020-1-1', ' 2020-01-01', '2020-01-01T00:00+25:00'])(
    'rejects %j',
    (text) => expect(parseIsoDate(text)).toBeNull(),
  );

  it('agrees with Date.parse on full ISO strings with a zone', () => {
    for (const text of ['2021-07-04T05:06:07.089Z', '1999-12-31T23:59:59.999+01:00']) {
      expect(parseIsoDate(text)).toBe(Date.parse(text));
    }
  });
});

describe('classifyTime / parseTime / formatTime', () => {
  it('classifies numbers first, then dates', () => {
    expect(classifyTime('2020')).toBe('number');
    expect(classifyTime('2020-01')).toBe('date');
    expect(classifyTime('Jan 1')).toBeNull();
  });

  it('parses by kind', () => {
    expect(parseTime('2020-01-02', 'date')).toBe(Date.UTC(2020, 0, 2));
    expect(parseTime('2020-01-02', 'number')).toBeNull();
    expect(parseTime('7', 'number')).toBe(7);
    expect(parseTime('7', 'date')).toBeNull();
  });

  it('formats dates as ISO UTC and numbers as text', () => {
    expect(formatTime(0, 'date')).toBe('1970-01-01T00:00:00.000Z');
    expect(formatTime(1.5, 'number')).toBe('1.5');
  });
});
