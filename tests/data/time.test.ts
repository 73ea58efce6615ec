import { describe, expect, it } from 'vitest';
import { inputError } from './helpers';
import {
  DEFAULT_STRICT_TIME_FORMAT,
  checkTimeFormat,
  classifyTime,
  formatTime,
  formatWithTimeFormat,
  parseFormattedDate,
  parseIsoDate,
  parseNumber,
  parseTime,
} from '../../src/data/time';

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

describe('parseFormattedDate / formatWithTimeFormat', () => {
  it.each([
    ['Jan 1 2000', 'MMM d yyyy', Date.UTC(2000, 0, 1)],
    ['Dec 31 1999', 'MMM d yyyy', Date.UTC(1999, 11, 31)],
    ['31.12.1999', 'dd.MM.yyyy', Date.UTC(1999, 11, 31)],
    ['29.02.2020', 'dd.MM.yyyy', Date.UTC(2020, 1, 29)],
    ['2020-01-31 23:59', 'yyyy-MM-dd HH:mm', Date.UTC(2020, 0, 31, 23, 59)],
    ['2020-05', 'yyyy-MM', Date.UTC(2020, 4, 1)],
    ['1/2/2020', 'M/d/yyyy', Date.UTC(2020, 0, 2)],
    ['0050-06-01', 'yyyy-MM-dd', Date.parse('0050-06-01T00:00:00Z')],
    ["2020-01-31T12:00+02:00", "yyyy-MM-dd'T'HH:mmxxx", Date.UTC(2020, 0, 31, 10)],
  ])('parses %j with %j as UTC', (text, format, ms) => {
    expect(parseFormattedDate(text, format)).toBe(ms);
  });

  it.each([
    ['Jan 01 2000', 'MMM d yyyy'], // does not format back (d writes 1)
    ['2020-1-5', 'yyyy-MM-dd'],
    ['32.01.2000', 'dd.MM.yyyy'],
    ['29.02.2019', 'dd.MM.yyyy'],
    ['2020-01-31 24:00', 'yyyy-MM-dd HH:mm'],
    ['31/12/1999', 'dd.MM.yyyy'],
    ['', 'dd.MM.yyyy'],
    ['Jan 1 2000 ', 'MMM d yyyy'],
  ])('rejects %j with %j', (text, format) => {
    expect(parseFormattedDate(text, format)).toBeNull();
  });

  it('strict: false accepts what date-fns parse accepts; strict is the default', () => {
    expect(DEFAULT_STRICT_TIME_FORMAT).toBe(true);
    expect(parseFormattedDate('Jan 01 2000', 'MMM d yyyy', { strict: false })).toBe(Date.UTC(2000, 0, 1));
    expect(parseFormattedDate('32.01.2000', 'dd.MM.yyyy', { strict: false })).toBeNull();
  });

  it('formats back in UTC', () => {
    expect(formatWithTimeFormat(Date.UTC(2000, 0, 1), 'MMM d yyyy')).toBe('Jan 1 2000');
    expect(formatWithTimeFormat(Date.UTC(2021, 2, 14, 2, 30), 'yyyy-MM-dd HH:mm')).toBe('2021-03-14 02:30');
  });

  it('does not depend on the machine time zone, even at a daylight-saving change', () => {
    const saved = process.env.TZ;
    try {
      // 2021-03-14 02:30 does not exist in New York (clocks jump from 02:00 to 03:00).
      process.env.TZ = 'America/New_York';
      expect(new Date(2021, 2, 14, 2, 30).getHours()).toBe(3); // the zone is really in effect
      expect(parseFormattedDate('2021-03-14 02:30', 'yyyy-MM-dd HH:mm')).toBe(Date.UTC(2021, 2, 14, 2, 30));
      expect(parseFormattedDate('Jan 1 2000', 'MMM d yyyy')).toBe(Date.UTC(2000, 0, 1));
      process.env.TZ = 'Asia/Kolkata';
      expect(new Date(0).getTimezoneOffset()).toBe(-330);
      expect(parseFormattedDate('31.12.1999', 'dd.MM.yyyy')).toBe(Date.UTC(1999, 11, 31));
      expect(formatWithTimeFormat(Date.UTC(1999, 11, 31, 23, 0), 'dd.MM.yyyy HH:mm')).toBe('31.12.1999 23:00');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('checkTimeFormat', () => {
  it('returns a valid format unchanged', () => {
    expect(checkTimeFormat('dd.MM.yyyy')).toBe('dd.MM.yyyy');
    expect(checkTimeFormat("yyyy-MM-dd'T'HH:mm")).toBe("yyyy-MM-dd'T'HH:mm");
  });

  it.each<[unknown, string]>([
    ['', 'options.timeFormat must be a non-empty date-fns format such as "dd.MM.yyyy", got ""'],
    [5, 'options.timeFormat must be a non-empty date-fns format such as "dd.MM.yyyy", got 5'],
    ['YYYY-MM-dd', 'options.timeFormat "YYYY-MM-dd" uses Y (week-numbering year): write y for the calendar year (yyyy); date-fns tokens are case-sensitive'],
    ['yyyy-MM-DD', 'options.timeFormat "yyyy-MM-DD" uses D (day of the year): write d for the calendar day of the month (dd); date-fns tokens are case-sensitive'],
    ['foo', 'options.timeFormat "foo" is not a valid date-fns format: Format string contains an unescaped latin alphabet character `f`'],
    ['hh:mm HH', "options.timeFormat \"hh:mm HH\" is not a valid date-fns format: The format string mustn't contain `hh` and `HH` at the same time"],
  ])('rejects %j', (format, message) => {
    const err = inputError(() => checkTimeFormat(format as string));
    expect(err.message).toBe(message);
    expect(err.details).toMatchObject({ argument: 'timeFormat', value: format });
  });
});
