import { describe, expect, it } from 'vitest';
import { describeFrequency, findGaps, futureTimes, inferFrequency, timesBetween } from '../../src/data/frequency';

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

describe('findGaps / describeFrequency', () => {
  const m = (y: number, mo: number): number => Date.UTC(y, mo, 1);
  const day = 86_400_000;
  it.each([
    ['monthly with two gaps', Float64Array.of(m(2020, 0), m(2020, 1), m(2020, 4), m(2020, 5), m(2020, 7)), 'date', { kind: 'months', months: 1 }, 2, 2],
    ['quarterly, regular', Float64Array.of(m(2020, 0), m(2020, 3), m(2020, 6)), 'date', { kind: 'months', months: 3 }, 0, -1],
    ['daily with a weekend', Float64Array.of(0, day, 2 * day, 5 * day, 6 * day), 'date', { kind: 'fixed', step: day }, 1, 3],
    ['decimal steps', Float64Array.of(0.1, 0.2, 0.3, 0.4), 'number', { kind: 'fixed', step: 0.1 }, 0, -1],
    ['half of the steps are gaps', Float64Array.of(1, 3, 4), 'number', { kind: 'fixed', step: 1 }, 1, 1],
  ] as const)('%s', (_name, time, kind, frequency, count, first) => {
    const copy = Float64Array.from(time);
    const gaps = findGaps(time, kind);
    expect(gaps.frequency.kind).toBe(frequency.kind);
    if (frequency.kind === 'fixed') expect((gaps.frequency as { step: number }).step).toBeCloseTo(frequency.step, 12);
    else expect(gaps.frequency).toEqual(frequency);
    expect(gaps.count).toBe(count);
    expect(gaps.first).toBe(first);
    expect(time).toEqual(copy);
  });

  it('needs two stamps', () => {
    expect(() => findGaps(Float64Array.of(1), 'number')).toThrow('finding gaps needs at least 2 time stamps, got 1');
  });

  it.each([
    [{ kind: 'months', months: 1 }, 'date', '1 month'],
    [{ kind: 'months', months: 3 }, 'date', '3 months'],
    [{ kind: 'fixed', step: 7 * day }, 'date', '1 week'],
    [{ kind: 'fixed', step: day }, 'date', '1 day'],
    [{ kind: 'fixed', step: 3_600_000 }, 'date', '1 hour'],
    [{ kind: 'fixed', step: 900_000 }, 'date', '15 minutes'],
    [{ kind: 'fixed', step: 1500 }, 'date', '1500 milliseconds'],
    [{ kind: 'fixed', step: 0.5 }, 'number', '0.5'],
  ] as const)('describes %j as %s', (frequency, kind, text) => {
    expect(describeFrequency(frequency, kind)).toBe(text);
  });
});

describe('timesBetween', () => {
  const day = 86_400_000;
  const monthly = { kind: 'months', months: 1 } as const;
  it.each([
    ['monthly, two missing', Date.UTC(2020, 0, 15), Date.UTC(2020, 3, 15), monthly, [Date.UTC(2020, 1, 15), Date.UTC(2020, 2, 15)]],
    ['monthly, one step', Date.UTC(2020, 0, 1), Date.UTC(2020, 1, 1), monthly, []],
    ['quarterly, one missing', Date.UTC(2020, 0, 1), Date.UTC(2020, 6, 1), { kind: 'months', months: 3 } as const, [Date.UTC(2020, 3, 1)]],
    ['quarterly, not whole quarters', Date.UTC(2020, 0, 1), Date.UTC(2020, 4, 1), { kind: 'months', months: 3 } as const, null],
    ['daily over a weekend', 4 * day, 7 * day, { kind: 'fixed', step: day } as const, [5 * day, 6 * day]],
    ['fixed, one step', 1, 2, { kind: 'fixed', step: 1 } as const, []],
    ['fixed, shorter than a step', 1, 1.5, { kind: 'fixed', step: 1 } as const, []],
    ['fixed, not whole steps', 1, 4.5, { kind: 'fixed', step: 1 } as const, null],
    ['decimal steps land exactly', 0.1, 0.4, { kind: 'fixed', step: 0.1 } as const, [0.2, 0.30000000000000004]],
  ] as const)('%s', (_name, start, end, frequency, expected) => {
    const got = timesBetween(start, end, frequency);
    expect(got === null ? null : Array.from(got)).toEqual(expected === null ? null : [...expected]);
  });
});
