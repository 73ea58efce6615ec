import { describe, expect, it } from 'vitest';
import { makePanel } from '../../src/data/panel';
import { splitPanel } from '../../src/data/panelSplit';
import type { TimeSeries } from '../../src/data/types';
import { expectInputError } from '../helpers/expectInputError';

function series(length: number, first = 0): TimeSeries {
  return {
    timeColumn: 't',
    timeKind: 'number',
    time: Float64Array.from({ length }, (_, i) => first + i),
    targets: ['y'],
    features: [],
    columns: ['y'],
    values: { y: Float64Array.from({ length }, (_, i) => i) },
    length,
    source: 'mem',
  };
}

const panel = makePanel([
  { id: 'short', series: series(10) },
  { id: 'long', series: series(20, 5) },
]);

describe('splitPanel', () => {
  it('splits each series by its own fractions', () => {
    expect(splitPanel(panel, { valFraction: 0.2, testFraction: 0.2 })).toEqual([
      { train: { start: 0, end: 6 }, val: { start: 6, end: 8 }, test: { start: 8, end: 10 } },
      { train: { start: 0, end: 12 }, val: { start: 12, end: 16 }, test: { start: 16, end: 20 } },
    ]);
  });

  it('cuts every series at common time stamps', () => {
    // "short" has times 0..9, "long" 5..24: testStart 8 is row 8 of short and row 3 of long.
    expect(splitPanel(panel, { valStart: 7, testStart: 8 })).toEqual([
      { train: { start: 0, end: 7 }, val: { start: 7, end: 8 }, test: { start: 8, end: 10 } },
      { train: { start: 0, end: 2 }, val: { start: 2, end: 3 }, test: { start: 3, end: 20 } },
    ]);
  });

  it('names the series whose split fails', () => {
    expectInputError(
      () => splitPanel(panel, { testStart: 12 }),
      'series "short": testStart 12 is after the last time stamp (9): the test part would be empty',
    );
  });

  it('keeps the one-series message unprefixed', () => {
    const one = makePanel([{ id: 'y', series: series(10) }]);
    expectInputError(() => splitPanel(one, { testStart: 12 }), 'testStart 12 is after the last time stamp (9): the test part would be empty');
  });
});
