import { describe, expect, it } from 'vitest';
import { forecastFigure } from '../../src/plot/forecastFigure';
import { expectInputError } from './expectInputError';

const time = [0, 1, 2, 3, 4, 5];
const actual = new Float64Array([1, 2, 3, 4, 5, 6]);

describe('forecastFigure', () => {
  it('draws actual, then one line per model, NaN as gaps', () => {
    const fig = forecastFigure({
      time,
      actual,
      forecasts: [
        { name: 'lstm', values: [NaN, 2.1, 2.9, 4.2, 5.1, 5.8] },
        { name: 'naive', values: [NaN, 1, 2, 3, 4, 5] },
      ],
      title: 'Test',
    });
    expect(fig.data.map((t) => t.name)).toEqual(['actual', 'lstm', 'naive']);
    expect(fig.data[0]?.y).toEqual([1, 2, 3, 4, 5, 6]);
    expect(fig.data[1]?.y).toEqual([null, 2.1, 2.9, 4.2, 5.1, 5.8]);
    expect(fig.data.every((t) => (t.x as unknown[]).length === 6)).toBe(true);
    expect(fig.layout.yaxis).toMatchObject({ title: { text: 'value' } });
    expect(JSON.parse(JSON.stringify(fig))).toEqual(fig);
  });

  it('draws a fan: one thin trace per origin, starting at origin + 1, one legend entry', () => {
    const fig = forecastFigure({
      time,
      actual,
      forecasts: [{ name: 'lstm', values: actual }],
      fan: { name: 'lstm', origins: [0, 2], paths: [new Float64Array([2.2, 3.1]), new Float64Array([4.1, 4.9, 6.2])] },
    });
    const fan = fig.data.slice(2);
    expect(fan.map((t) => t.x)).toEqual([[1, 2], [3, 4, 5]]);
    expect(fan.map((t) => t.y)).toEqual([[2.2, 3.1], [4.1, 4.9, 6.2]]);
    expect(fan.map((t) => t.showlegend)).toEqual([true, false]);
    expect(new Set(fan.map((t) => t.legendgroup))).toEqual(new Set(['fan:lstm']));
    // Same name as a model: same colour as that model's line.
    expect((fan[0]?.line as { color: string }).color).toBe((fig.data[1]?.line as { color: string }).color);
    expect((fan[0]?.line as { width: number }).width).toBe(1);
  });

  it('uses date strings on a date axis and a custom actual name', () => {
    const fig = forecastFigure({ time: [0, 86_400_000], timeKind: 'date', actual: [1, 2], actualName: 'observed', forecasts: [] });
    expect(fig.data[0]?.name).toBe('observed');
    expect(fig.data[0]?.x).toEqual(['1970-01-01T00:00:00.000Z', '1970-01-02T00:00:00.000Z']);
    expect(fig.layout.xaxis).toMatchObject({ type: 'date' });
  });

  it('does not mutate its inputs', () => {
    const path = new Float64Array([1, 2]);
    const forecasts = [{ name: 'm', values: [1, 2, 3] }];
    const fig = forecastFigure({ time: [0, 1, 2], actual: [1, 2, 3], forecasts, fan: { name: 'p', origins: [0], paths: [path] } });
    (fig.data[2]?.y as number[])[0] = 99;
    expect(Array.from(path)).toEqual([1, 2]);
    expect(forecasts).toEqual([{ name: 'm', values: [1, 2, 3] }]);
  });

  it.each([
    [{ time, actual: [1, 2], forecasts: [] }, 'actual must have the same length as time (6), got 2'],
    [{ time, actual, forecasts: [{ name: 'm', values: [1] }] }, 'forecasts[0].values must have the same length as time (6), got 1'],
    [{ time, actual, forecasts: [], fan: { name: 'f', origins: [0, 1], paths: [[1]] } }, 'fan.paths must have the same length as fan.origins (2), got 1'],
    [{ time, actual, forecasts: [], fan: { name: 'f', origins: [1.5], paths: [[1]] } }, 'fan.origins[0] must be an integer in [0, 5], got 1.5'],
    [{ time, actual, forecasts: [], fan: { name: 'f', origins: [3], paths: [[1, 2, 3]] } }, 'fan.paths[0] must have 1 to 2 values (origin 3, last index 5 of time), got 3'],
    [{ time, actual, forecasts: [], fan: { name: 'f', origins: [3], paths: [[]] } }, 'fan.paths[0] must have 1 to 2 values (origin 3, last index 5 of time), got 0'],
  ])('rejects bad input %#', (options, message) => {
    expectInputError(() => forecastFigure(options as never), message);
  });
});
