import { describe, expect, it } from 'vitest';
import { toAxisTimes, positionToAxis, assertTimeKind, DEFAULT_TIME_KIND } from '../../src/plot/time';
import { InputError } from '../../src/errors';
import { expectInputError } from './expectInputError';

describe('toAxisTimes', () => {
  it('turns epoch milliseconds into ISO UTC strings for dates', () => {
    const t = toAxisTimes(new Float64Array([0, 86_400_000]), 'date');
    expect(t.x).toEqual(['1970-01-01T00:00:00.000Z', '1970-01-02T00:00:00.000Z']);
    expect(Array.from(t.position)).toEqual([0, 86_400_000]);
  });

  it('parses date strings and normalises them to ISO UTC', () => {
    const t = toAxisTimes(['2020-01-31', '2020-02-01T12:00:00Z'], 'date');
    expect(t.x).toEqual(['2020-01-31T00:00:00.000Z', '2020-02-01T12:00:00.000Z']);
  });

  it('keeps numbers for the number kind', () => {
    expect(toAxisTimes([3, 1.5, 10], 'number').x).toEqual([3, 1.5, 10]);
    expect(DEFAULT_TIME_KIND).toBe('number');
  });

  it('does not mutate its input', () => {
    const time = [0, 1000];
    const copy = [...time];
    toAxisTimes(time, 'date');
    expect(time).toEqual(copy);
  });

  it.each([
    [[0, NaN], 'number', 'time[1] must be a finite number, got NaN'],
    [['a'], 'number', `time[0] must be a finite number when timeKind is 'number', got "a"`],
    [['not a date'], 'date', 'time[0] must be a parseable date string, got "not a date"'],
    [[0], 'hours', `timeKind must be 'date' or 'number', got "hours"`],
  ])('rejects %j as %s', (time, kind, message) => {
    expectInputError(() => toAxisTimes(time as never, kind as never), message);
  });

  it('rejects a non-array', () => {
    expect(() => toAxisTimes('2020' as never, 'date')).toThrow(/time must be an array or a Float64Array, got "2020"/);
  });

  it('rejects dates outside the Date range', () => {
    expect(() => positionToAxis(1e20, 'date')).toThrow(/outside the range of dates/);
  });

  it('assertTimeKind accepts only the two kinds', () => {
    expect(() => assertTimeKind('date')).not.toThrow();
    expect(() => assertTimeKind(undefined)).toThrow(InputError);
  });
});
