import { describe, expect, it } from 'vitest';
import { futureFigure } from '../../src/plot/futureFigure';
import { expectInputError } from '../helpers/expectInputError';

describe('futureFigure', () => {
  const time = [1, 2, 3, 4, 5];
  const values = [10, 11, 12, 13, 14];

  it('draws the last rows, then each forecast from the last observation on', () => {
    const fig = futureFigure({ time, values, futureTime: [6, 7], forecasts: [{ name: 'naive', values: [14, 14] }, { name: 'up', values: [15, 16] }], historyShown: 3 });
    expect(fig.data.map((t) => t.name)).toEqual(['history', 'naive', 'up']);
    expect(fig.data[0].x).toEqual([3, 4, 5, 6, 7]);
    expect(fig.data[0].y).toEqual([12, 13, 14, null, null]);
    expect(fig.data[2].y).toEqual([null, null, 14, 15, 16]);
  });

  it('shows every row by default, and does not modify its inputs', () => {
    const before = [...values];
    const fig = futureFigure({ time, values, futureTime: [6], forecasts: [{ name: 'f', values: [1] }], historyName: 'sales' });
    expect(fig.data[0].name).toBe('sales');
    expect(fig.data[0].x).toHaveLength(6);
    expect(values).toEqual(before);
  });

  it('rejects mismatched lengths and a bad historyShown, naming them', () => {
    expectInputError(() => futureFigure({ time, values: [1, 2], futureTime: [6], forecasts: [] }), 'values must have one value per time stamp (5), got 2');
    expectInputError(
      () => futureFigure({ time, values, futureTime: [6, 7], forecasts: [{ name: 'f', values: [1] }] }),
      'forecast "f" must have one value per future time stamp (2), got 1',
    );
    expectInputError(() => futureFigure({ time, values, futureTime: [6], forecasts: [], historyShown: 0 }), 'historyShown must be a positive integer, got 0');
  });
});
