import { describe, expect, it } from 'vitest';
import { metricBarsFigure } from '../../src/plot/metricBars';
import { expectInputError } from './expectInputError';

const metrics = { lstm: { mae: 1.2, rmse: 1.5 }, naive: { mae: 2, rmse: 2.4, mape: 12.5 } };

describe('metricBarsFigure', () => {
  it('draws one grouped bar trace per model over the metrics', () => {
    const fig = metricBarsFigure({ metrics });
    expect(fig.layout.barmode).toBe('group');
    expect(fig.data.map((t) => t.name)).toEqual(['lstm', 'naive']);
    expect(fig.data.map((t) => t.type)).toEqual(['bar', 'bar']);
    expect(fig.data[0]?.x).toEqual(['mae', 'rmse', 'mape']);
    // A metric a model does not report is a missing bar, not zero.
    expect(fig.data[0]?.y).toEqual([1.2, 1.5, null]);
    expect(fig.data[1]?.y).toEqual([2, 2.4, 12.5]);
    expect(fig.data[1]?.text).toEqual(['2.00', '2.40', '12.5']);
  });

  it('follows metricNames', () => {
    const fig = metricBarsFigure({ metrics, metricNames: ['rmse'] });
    expect(fig.data.map((t) => [t.x, t.y])).toEqual([
      [['rmse'], [1.5]],
      [['rmse'], [2.4]],
    ]);
  });

  it('treats NaN as missing and does not mutate its input', () => {
    const input = { a: { mae: NaN } };
    const fig = metricBarsFigure({ metrics: input });
    expect(fig.data[0]?.y).toEqual([null]);
    expect(Number.isNaN(input.a.mae)).toBe(true);
  });

  it.each([
    [{ metrics: {} }, 'metrics must be a non-empty object of model -> metric -> value, got {}'],
    [{ metrics: { a: { mae: Infinity } } }, 'metrics["a"]["mae"] must be a finite number or NaN, got Infinity'],
    [{ metrics, metricNames: ['mse'] }, 'metricNames[0] must be a metric reported by some model (mae, rmse, mape), got "mse"'],
    [{ metrics, metricNames: ['mae', 'mae'] }, 'metricNames[1] repeats "mae"'],
  ])('rejects bad input %#', (options, message) => {
    expectInputError(() => metricBarsFigure(options as never), message);
  });
});
