import { describe, expect, it } from 'vitest';
import { downsampleFigure, keptIndices } from '../../src/plot/downsample';
import type { PlotlyFigure } from '../../src/plot/figure';
import { expectInputError } from './expectInputError';

const N = 300_000;
let state = 5;
const noise = (): number => (state = (state * 16807) % 2147483647) / 2147483647;
const y = Array.from({ length: N }, (_, i) => Math.sin(i / 500) + noise());
const argmin = y.reduce((best, v, i) => (v < y[best] ? i : best), 0);
const argmax = y.reduce((best, v, i) => (v > y[best] ? i : best), 0);

describe('keptIndices', () => {
  it('keeps about maxPoints, with the first, last, minimum and maximum', () => {
    const kept = Array.from(keptIndices(y, 2000));
    expect(kept.length).toBeGreaterThanOrEqual(2000);
    expect(kept.length).toBeLessThanOrEqual(2004);
    expect(kept[0]).toBe(0);
    expect(kept[kept.length - 1]).toBe(N - 1);
    expect(kept).toContain(argmin);
    expect(kept).toContain(argmax);
    expect(kept.every((v, i) => i === 0 || v > kept[i - 1])).toBe(true);
  });

  it('keeps every point of a short series, and skips gaps', () => {
    expect(Array.from(keptIndices([1, 2, 3], 10))).toEqual([0, 1, 2]);
    const gappy = [NaN, NaN, 5, 1, 9, 2, 3, 0, 4, NaN];
    const kept = Array.from(keptIndices(gappy, 4));
    expect(kept).toEqual(expect.arrayContaining([2, 4, 7, 8]));
    expect(kept).not.toContain(0);
  });

  it('refuses maxPoints below 4', () => {
    expectInputError(() => keptIndices(y, 3), 'maxPoints must be an integer >= 4 (first, last, minimum, maximum), got 3');
  });
});

describe('downsampleFigure', () => {
  const x = Array.from({ length: N }, (_, i) => i);
  const figure: PlotlyFigure = {
    data: [
      { type: 'scatter', name: 'actual', x, y },
      { type: 'scatter', name: 'model', x, y: y.map((v, i) => (i < 10 ? null : v + (i === 123_456 ? 50 : 0))) },
      { type: 'scatter', name: 'fan', x: [1, 2, 3], y: [1, 2, 3] },
    ],
    layout: { title: { text: 'Test range' } },
  };

  it('thins every trace of the shared axis to the same points, keeping each trace\'s extremes; short traces stay whole', () => {
    const { figure: thin, shown, total } = downsampleFigure(figure, 2000);
    expect(total).toBe(N);
    expect(thin.data[0].x).toEqual(thin.data[1].x);
    expect(thin.data[0].y).toHaveLength(shown);
    expect(thin.data[1].x).toContain(123_456); // the model's maximum
    expect(thin.data[2]).toBe(figure.data[2]);
    expect((thin.layout.title as { text: string }).text).toBe(`Test range (${shown} points shown of ${N})`);
    expect(figure.data[0].y).toHaveLength(N); // not modified
    expect(JSON.stringify(thin).length).toBeLessThan(200_000);
  });

  it('returns a small figure as it is', () => {
    const small: PlotlyFigure = { data: [{ type: 'scatter', x: [1, 2], y: [3, 4] }], layout: {} };
    expect(downsampleFigure(small)).toEqual({ figure: small, shown: 2, total: 2 });
  });
});
