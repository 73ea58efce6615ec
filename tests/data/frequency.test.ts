import { describe, expect, it } from 'vitest';
import { futureTimes, inferFrequency } from '../../src/data/frequency';

const iso = (a: Float64Array): string[] => Array.from(a, (ms) => new Date(ms).toISOString().slice(0, 10));

describe('inferFrequency / futureTimes', () => {
  it('recognises monthly dates and continues them with clamped days', () => {
    const time = Float64Array.of(Date.UTC(2019, 10, 30), Date.UTC(2019, 11, 30), Date.UTC(2020, 0, 30));
    const f = inferFrequency(time, 'date');
    expect(f).toEqual({ kind: 'months', months: 1 });
    expect(iso(futureTimes(time[2], f, 3))).toEqual(['2020-02-29', '2020-03-30', '2020-04-30']);
  });

  it('recognises quarterly and yearly steps', () => {
    expect(inferFrequency(Float64Array.of(Date.UTC(2020, 0, 1), Date.UTC(2020, 3, 1), Date.UTC(2020, 6, 1)), 'date')).toEqual({
      kind: 'months',
      months: 3,
    });
    const yearly = Float64Array.of(Date.UTC(2000, 0, 1), Date.UTC(2001, 0, 1));
    expect(iso(futureTimes(yearly[1], inferFrequency(yearly, 'date'), 2))).toEqual(['2002-01-01', '2003-01-01']);
  });

  it('uses the median step for daily dates and numbers', () => {
    const day = 86_400_000;
    const daily = Float64Array.of(0, day, 2 * day, 3 * day, 5 * day);
    expect(inferFrequency(daily, 'date')).toEqual({ kind: 'fixed', step: day });
    expect(Array.from(futureTimes(10, inferFrequency(Float64Array.of(4, 6, 8, 10), 'number'), 2))).toEqual([12, 14]);
  });

  it('needs two stamps', () => {
    expect(() => inferFrequency(Float64Array.of(1), 'number')).toThrow('a frequency needs at least 2 time stamps, got 1');
  });
});
