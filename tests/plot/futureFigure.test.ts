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

describe('futureFigure bands', () => {
  const time = [1, 2, 3, 4, 5];
  const values = [10, 11, 12, 13, 14];

  it('draws each band from the last observation, in the colour of its model', () => {
    const fig = futureFigure({
      time, values, futureTime: [6, 7], historyShown: 2,
      forecasts: [{ name: 'lstm', values: [15, 16] }],
      bands: [{ name: 'lstm', level: 80, lower: [14, 14.5], upper: [16, 17.5] }],
    });
    expect(fig.data.map((t) => t.name)).toEqual(['history', 'lstm', 'lstm 80%', 'lstm 80%']);
    const [upper, lower] = fig.data.slice(2);
    expect(upper.y).toEqual([null, 14, 16, 17.5]);
    expect(lower.y).toEqual([null, 14, 14, 14.5]);
    expect(lower.fill).toBe('tonexty');
    expect(lower.fillcolor).toBe('rgba(31, 119, 180, 0.22)');
    expect(upper.showlegend).toBe(false);
  });

  it('refuses a bound of the wrong length', () => {
    expectInputError(
      () => futureFigure({ time, values, futureTime: [6, 7], forecasts: [], bands: [{ name: 'lstm', level: 80, lower: [1], upper: [2, 3] }] }),
      'bands[0].lower must have one value per future time stamp (2), got 1',
    );
  });
});
