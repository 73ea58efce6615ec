import { describe, expect, it } from 'vitest';
import { seriesFigure } from '../../src/plot/seriesFigure';
import { expectInputError } from './expectInputError';

const split = { train: { start: 0, end: 6 }, val: { start: 6, end: 8 }, test: { start: 8, end: 10 } };
const time = Array.from({ length: 10 }, (_, i) => i);
const load = new Float64Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

describe('seriesFigure', () => {
  it('draws one line per series with its name, values and time axis', () => {
    const fig = seriesFigure({ time, series: [{ name: 'load', values: load }, { name: 'temp', values: load.map((v) => -v) }], title: 'Data' });
    expect(fig.data.map((t) => t.name)).toEqual(['load', 'temp']);
    expect(fig.data.map((t) => t.type)).toEqual(['scatter', 'scatter']);
    expect(fig.data[0]?.x).toEqual(time);
    expect(fig.data[1]?.y).toEqual(Array.from(load, (v) => -v));
    expect(fig.layout.title).toMatchObject({ text: 'Data' });
    expect(fig.layout.xaxis).toMatchObject({ title: { text: 'time' }, type: 'linear' });
    expect(fig.layout.yaxis).toMatchObject({ title: { text: 'value' } });
    expect(fig.layout.shapes).toBeUndefined();
  });

  it('shades the split with contiguous regions and labels', () => {
    const fig = seriesFigure({ time, series: [{ name: 'load', values: load }], split });
    const shapes = fig.layout.shapes as Array<Record<string, unknown>>;
    expect(shapes.map((s) => [s.name, s.x0, s.x1])).toEqual([
      ['train', 0, 5.5],
      ['validation', 5.5, 7.5],
      ['test', 7.5, 9],
    ]);
    const annotations = fig.layout.annotations as Array<Record<string, unknown>>;
    expect(annotations.map((a) => a.text)).toEqual(['train', 'validation', 'test']);
    expect(annotations.map((a) => a.x)).toEqual([2.75, 6.5, 8.25]);
  });

  it('skips an empty range', () => {
    const fig = seriesFigure({ time, series: [{ name: 'load', values: load }], split: { ...split, val: { start: 6, end: 6 }, test: { start: 6, end: 10 } } });
    expect((fig.layout.annotations as Array<{ text: string }>).map((a) => a.text)).toEqual(['train', 'test']);
  });

  it('puts ISO dates on a date axis', () => {
    const fig = seriesFigure({ time: [Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 2)], timeKind: 'date', series: [{ name: 'x', values: [1, 2] }] });
    expect(fig.data[0]?.x).toEqual(['2020-01-01T00:00:00.000Z', '2020-01-02T00:00:00.000Z']);
    expect(fig.layout.xaxis).toMatchObject({ type: 'date' });
  });

  it('is JSON-serialisable: NaN becomes a null gap', () => {
    const fig = seriesFigure({ time: [0, 1, 2], series: [{ name: 'x', values: [1, NaN, 3] }], split: { train: { start: 0, end: 1 }, val: { start: 1, end: 2 }, test: { start: 2, end: 3 } } });
    expect(fig.data[0]?.y).toEqual([1, null, 3]);
    expect(JSON.parse(JSON.stringify(fig))).toEqual(fig);
  });

  it('does not mutate its inputs', () => {
    const values = [1, 2, 3];
    const t = [0, 1, 2];
    const s = { train: { start: 0, end: 2 }, val: { start: 2, end: 3 }, test: { start: 3, end: 3 } };
    const before = JSON.stringify({ values, t, s });
    const fig = seriesFigure({ time: t, series: [{ name: 'x', values }], split: s });
    (fig.data[0]?.y as number[]).push(99);
    expect(JSON.stringify({ values, t, s })).toBe(before);
  });

  it.each([
    [{ time: [], series: [{ name: 'x', values: [] }] }, 'time must not be empty, got 0 time stamps'],
    [{ time: [0, 1], series: [] }, 'series must be a non-empty array, got []'],
    [{ time: [0, 1], series: [{ name: '', values: [1, 2] }] }, 'series[0].name must be a non-empty string, got ""'],
    [{ time: [0, 1], series: [{ name: 'x', values: [1] }] }, 'series[0].values must have the same length as time (2), got 1'],
    [
      { time: [0, 1], series: [{ name: 'x', values: [1, 2] }], split: { train: { start: 0, end: 3 }, val: { start: 2, end: 2 }, test: { start: 2, end: 2 } } },
      'split.train must be { start, end } with integers 0 <= start <= end <= 2 (time.length), got {"start":0,"end":3}',
    ],
    [
      { time: [0, 1, 2], series: [{ name: 'x', values: [1, 2, 3] }], split: { train: { start: 0, end: 2 }, val: { start: 1, end: 3 }, test: { start: 3, end: 3 } } },
      'split.val.start must be >= split.train.end (2): ranges must be chronological and disjoint, got 1',
    ],
  ])('rejects bad input %#', (options, message) => {
    expectInputError(() => seriesFigure(options as never), message);
  });
});
