import { describe, expect, it } from 'vitest';
import { toDataFrame } from '../../src/data/frame';
import type { TimeSeries } from '../../src/data/types';

function series(kind: 'date' | 'number'): TimeSeries {
  return {
    timeColumn: 'when',
    timeKind: kind,
    time: Float64Array.of(kind === 'date' ? Date.UTC(2020, 0, 1) : 1, kind === 'date' ? Date.UTC(2020, 0, 2) : 2),
    targets: ['y'],
    features: ['x'],
    columns: ['y', 'x'],
    values: { y: Float64Array.of(1.5, 2.5), x: Float64Array.of(10, 20) },
    length: 2,
    source: 'mem',
  };
}

describe('toDataFrame', () => {
  it('puts the time column first, ISO strings for dates', () => {
    const frame = toDataFrame(series('date'));
    expect(frame.columns).toEqual(['when', 'y', 'x']);
    expect(frame.values).toEqual([
      ['2020-01-01T00:00:00.000Z', 1.5, 10],
      ['2020-01-02T00:00:00.000Z', 2.5, 20],
    ]);
  });

  it('keeps numeric time as numbers and does not mutate the series', () => {
    const s = series('number');
    const frame = toDataFrame(s);
    expect(frame.values).toEqual([
      [1, 1.5, 10],
      [2, 2.5, 20],
    ]);
    expect(Array.from(s.values.y)).toEqual([1.5, 2.5]);
    expect(Array.from(s.time)).toEqual([1, 2]);
  });
});
