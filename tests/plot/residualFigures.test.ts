import { describe, expect, it } from 'vitest';
import { residualHistogram, autocorrelationFigure, autocorrelation } from '../../src/plot/residualFigures';
import { expectInputError } from './expectInputError';

describe('residualHistogram', () => {
  it('bins the finite residuals and says how many NaN were left out', () => {
    const residuals = new Float64Array([1, -1, NaN, 3]);
    const fig = residualHistogram({ residuals, nbins: 10 });
    expect(fig.data).toHaveLength(1);
    expect(fig.data[0]).toMatchObject({ type: 'histogram', name: 'residuals', x: [1, -1, 3], nbinsx: 10 });
    const shapes = fig.layout.shapes as Array<{ x0: number }>;
    expect(shapes.map((s) => s.x0)).toEqual([0, 1]);
    const caption = (fig.layout.annotations as Array<{ text: string }>)[0]?.text;
    // mean 1, population std sqrt((0 + 4 + 4) / 3) = 1.633
    expect(caption).toBe('n = 3, mean = 1.00, std = 1.63 (1 NaN left out)');
    expect(fig.layout.xaxis).toMatchObject({ title: { text: 'residual' } });
    expect(fig.layout.yaxis).toMatchObject({ title: { text: 'count' } });
    expect(Number.isNaN(residuals[2])).toBe(true);
  });

  it('uses the name as legend label and title', () => {
    const fig = residualHistogram({ residuals: [0.5, -0.5], name: 'lstm residuals' });
    expect(fig.data[0]?.name).toBe('lstm residuals');
    expect(fig.layout.title).toMatchObject({ text: 'lstm residuals' });
    expect((fig.layout.annotations as Array<{ text: string }>)[0]?.text).toBe('n = 2, mean = 0.00, std = 0.500');
  });

  it.each([
    [{ residuals: [NaN, NaN] }, 'residuals must hold at least one finite value, got 2 values, all NaN'],
    [{ residuals: [1, -Infinity] }, 'residuals[1] must be a finite number or NaN, got -Infinity'],
    [{ residuals: [1], nbins: 0 }, `nbins must be an integer in [1, ${Number.MAX_SAFE_INTEGER}], got 0`],
    [{ residuals: [1], name: '' }, 'name must be a non-empty string, got ""'],
  ])('rejects bad input %#', (options, message) => {
    expectInputError(() => residualHistogram(options as never), message);
  });
});

describe('autocorrelationFigure', () => {
  it('draws ACF bars for lags 0..maxLag and the ±1.96/sqrt(n) band', () => {
    const values = [1, 3, 2, 5, 4, 6, 5, 8, 7, 9];
    const fig = autocorrelationFigure({ values, maxLag: 3 });
    expect(fig.data.map((t) => t.name)).toEqual(['autocorrelation', '95% band (±1.96/√n)', '95% band (±1.96/√n)']);
    expect(fig.data[0]).toMatchObject({ type: 'bar', x: [0, 1, 2, 3] });
    expect(fig.data[0]?.y).toEqual(Array.from(autocorrelation(values, 3)));
    const band = 1.96 / Math.sqrt(10);
    expect(fig.data[1]?.y).toEqual([band, band]);
    expect(fig.data[2]?.y).toEqual([-band, -band]);
    expect(fig.data.map((t) => t.showlegend)).toEqual([undefined, undefined, false]);
    expect(fig.layout.xaxis).toMatchObject({ title: { text: 'lag' } });
    expect(fig.layout.title).toMatchObject({ text: 'Autocorrelation' });
  });

  it('rejects maxLag 0 and NaN values', () => {
    expectInputError(() => autocorrelationFigure({ values: [1, 2, 3], maxLag: 0 }), 'maxLag must be an integer in [1, 2], got 0');
    expectInputError(() => autocorrelationFigure({ values: [NaN, 2, 3], maxLag: 1 }), 'values[0] must be a finite number, got NaN');
  });
});
