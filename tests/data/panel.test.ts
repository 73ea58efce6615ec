import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import { makePanel, panelFromSeries, panelSeries, panelSeriesList, seriesCount, seriesError, seriesIndex, seriesRows } from '../../src/data/panel';
import type { TimeSeries } from '../../src/data/types';
import { expectInputError } from '../helpers/expectInputError';

function series(y: number[], time: number[] = y.map((_, i) => i), extra: Record<string, number[]> = {}): TimeSeries {
  const values: Record<string, Float64Array> = { y: Float64Array.from(y) };
  for (const [name, v] of Object.entries(extra)) values[name] = Float64Array.from(v);
  const features = Object.keys(extra);
  return {
    timeColumn: 't',
    timeKind: 'number',
    time: Float64Array.from(time),
    targets: ['y'],
    features,
    columns: ['y', ...features],
    values,
    length: y.length,
    source: 'mem.csv',
  };
}

describe('makePanel', () => {
  const a = series([1, 2, 3], [10, 11, 12], { x: [7, 8, 9] });
  const b = series([5, 6], [0, 2], { x: [1, 2] });
  const panel = makePanel(
    [
      { id: 'a', series: a, statics: { region: 'north' } },
      { id: 'b', series: b, statics: { region: 'south' } },
    ],
    { idColumn: 'store' },
  );

  it('concatenates columns with CSR offsets, statics and frequencies', () => {
    expect(Array.from(panel.offsets)).toEqual([0, 3, 5]);
    expect(Array.from(panel.time)).toEqual([10, 11, 12, 0, 2]);
    expect(Array.from(panel.values.y)).toEqual([1, 2, 3, 5, 6]);
    expect(Array.from(panel.values.x)).toEqual([7, 8, 9, 1, 2]);
    expect(panel.statics).toEqual({ region: ['north', 'south'] });
    expect(panel.frequencies).toEqual([
      { kind: 'fixed', step: 1 },
      { kind: 'fixed', step: 2 },
    ]);
    expect([panel.length, panel.idColumn, panel.source, seriesCount(panel)]).toEqual([5, 'store', 'mem.csv', 2]);
    expect(seriesRows(panel, 1)).toEqual({ start: 3, end: 5 });
  });

  it('gives one-series views that share the arrays and carry the id', () => {
    const view = panelSeries(panel, 1);
    expect([view.id, view.length, Array.from(view.values.y), Array.from(view.time)]).toEqual(['b', 2, [5, 6], [0, 2]]);
    expect(view.values.y.buffer).toBe(panel.values.y.buffer);
    expect(panelSeriesList(panel).map((s) => s.id)).toEqual(['a', 'b']);
    expect(seriesIndex(panel, 'b')).toBe(1);
  });

  it('does not modify its members', () => {
    expect(Array.from(a.values.y)).toEqual([1, 2, 3]);
    panel.values.y[0] = 100;
    expect(a.values.y[0]).toBe(1);
    panel.values.y[0] = 1;
  });

  it('moves future covariates after the past ones', () => {
    const p = makePanel([{ id: 'a', series: series([1, 2], [0, 1], { p: [1, 1], f: [2, 2] }) }], { futureCovariates: ['p'] });
    expect([p.features, p.futureCovariates, p.columns]).toEqual([['f'], ['p'], ['y', 'f', 'p']]);
  });

  it('one series: panelFromSeries names it by its target', () => {
    const p = panelFromSeries(series([1, 2, 3]));
    expect([p.ids, Array.from(p.offsets)]).toEqual([['y'], [0, 3]]);
  });

  it.each([
    ['no members', [], 'a panel needs at least one series, got 0'],
    ['an empty id', [{ id: '', series: a }], 'series id must be a non-empty string, got ""'],
    ['a duplicate id', [{ id: 'a', series: a }, { id: 'a', series: a }], 'duplicate series id "a"'],
    [
      'other columns',
      [{ id: 'a', series: a }, { id: 'c', series: series([1, 2]) }],
      'series "c": columns (time t, targets [y], features []) differ from the first series\' (time t, targets [y], features [x])',
    ],
    ['one row', [{ id: 'a', series: series([1]) }], 'series "a": needs at least 2 rows, got 1'],
    [
      'other statics',
      [{ id: 'a', series: a, statics: { r: 'x' } }, { id: 'b', series: b }],
      'series "b" has static columns [], the first series has [r]',
    ],
  ])('rejects %s, naming the series', (_, members, message) => {
    expectInputError(() => makePanel(members as never), message);
  });

  it('rejects an unknown id and a bad index, listing the ids', () => {
    expectInputError(() => seriesIndex(panel, 'z'), 'unknown series id "z"; the series are "a", "b"');
    expectInputError(() => panelSeries(panel, 2), 'series index must be an integer in [0, 1], got 2');
    expectInputError(() => makePanel([{ id: 'a', series: a }], { futureCovariates: ['q'] }), 'future covariate "q" is not a feature column (features: [x])');
  });
});

describe('seriesError', () => {
  it('names the series first and adds its id to the details, leaving the original alone', () => {
    const original = new InputError('needs at least 2 rows, got 1', { rows: 1 });
    const named = seriesError('north', original);
    expect([named.message, named.details]).toEqual(['series "north": needs at least 2 rows, got 1', { rows: 1, id: 'north' }]);
    expect([original.message, original.details]).toEqual(['needs at least 2 rows, got 1', { rows: 1 }]);
  });
});
