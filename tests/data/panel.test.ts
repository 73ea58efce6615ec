import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import {
  checkKnownFuture,
  checkSeriesSelection,
  makePanel,
  panelFromSeries,
  panelSeries,
  panelSeriesList,
  selectSeries,
  seriesCount,
  seriesError,
  seriesIndex,
  seriesRows,
  withKnownFuture,
} from '../../src/data/panel';
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

describe('checkKnownFuture and withKnownFuture', () => {
  const a = series([1, 2, 3], [10, 11, 12], { p: [0, 1, 0], x: [5, 5, 5] });
  const b = series([5, 6], [0, 2], { p: [1, 1], x: [0, 0] });
  const panel = makePanel([{ id: 'a', series: a }, { id: 'b', series: b }], { futureCovariates: ['p'] });
  const known = (time: number[], p: number[]) => ({ time: Float64Array.from(time), values: { p: Float64Array.from(p) } });

  it('a panel without known future has null per series', () => {
    expect(panel.future).toEqual([null, null]);
  });

  it('attaches copies per series and leaves the input unchanged', () => {
    const entry = known([13, 14], [1, 0]);
    const withFuture = withKnownFuture(panel, [entry, null]);
    expect(withFuture.future[0]?.values.p).toEqual(Float64Array.of(1, 0));
    expect(withFuture.future[0]?.time).not.toBe(entry.time);
    expect(withFuture.future[1]).toBeNull();
    expect(withFuture.values).toBe(panel.values);
    expect(panel.future).toEqual([null, null]);
  });

  it('without a frequency, stamps need only increase after the last one; with it, they must be the next stamps', () => {
    expect(() => withKnownFuture(panel, [known([15], [1]), null])).not.toThrow();
    expectInputError(
      () => withKnownFuture(panel, [known([15], [1]), null], panel.frequencies),
      'series "a": future stamp 1 after the last row must be 13 (the next stamp at the series\' frequency), got 15',
    );
    expectInputError(
      () => withKnownFuture(panel, [null, known([4, 3], [1, 1])]),
      'series "b": future stamp 2 after the last row must be a finite stamp after 4, got 3',
    );
    expect(checkKnownFuture(known([4, 6], [0, 1]), b, ['p'], panel.frequencies[1]).time).toEqual(Float64Array.of(4, 6));
  });

  it.each([
    ['an unknown column', { time: Float64Array.of(13), values: { p: Float64Array.of(1), x: Float64Array.of(1) } },
      'series "a": future has column "x", which is not a future-known covariate (futureCovariates: [p])'],
    ['a missing column', { time: Float64Array.of(13), values: {} }, 'series "a": future.values.p must hold 1 values (one per future stamp), got undefined'],
    ['a short column', { time: Float64Array.of(13, 14), values: { p: Float64Array.of(1) } }, 'series "a": future.values.p must hold 2 values (one per future stamp), got 1'],
    ['a NaN', { time: Float64Array.of(13, 14), values: { p: Float64Array.of(1, NaN) } }, 'series "a": future.values.p[1] must be a finite number, got NaN'],
    ['plain arrays', { time: [13], values: { p: [1] } }, 'series "a": future must be { time: Float64Array, values: { column: Float64Array } }, got {"time":[13],"values":{"p":[1]}}'],
  ])('refuses %s', (_what, entry, message) => {
    expectInputError(() => withKnownFuture(panel, [entry as never, null]), message);
  });

  it('refuses future values without future-known covariates, and the wrong number of entries', () => {
    const plain = makePanel([{ id: 'a', series: a }]);
    expectInputError(() => withKnownFuture(plain, [known([13], [1])]), 'future values were given, but the panel has no future-known covariates (futureCovariates is empty)');
    expectInputError(() => withKnownFuture(panel, [null]), 'future must have one entry per series (2), got 1');
    expectInputError(
      () => makePanel([{ id: 'a', series: a, future: known([13], [1]) }]),
      'future values were given, but the panel has no future-known covariates (futureCovariates is empty)',
    );
  });

  it('makePanel takes a member\'s known future', () => {
    const made = makePanel([{ id: 'a', series: a, future: known([13], [7]) }, { id: 'b', series: b }], { futureCovariates: ['p'] });
    expect(made.future[0]?.values.p).toEqual(Float64Array.of(7));
    expect(made.future[1]).toBeNull();
  });
});

describe('selectSeries', () => {
  const known = (time: number[], p: number[]) => ({ time: Float64Array.from(time), values: { p: Float64Array.from(p) } });
  // Three series of different lengths and frequencies, with statics, a past and a future-known covariate.
  const a = series([1, 2, 3], [10, 11, 12], { x: [7, 8, 9], p: [0, 1, 0] });
  const b = series([5, 6], [0, 2], { x: [1, 2], p: [1, 1] });
  const c = series([20, 21, 22, 23], [100, 105, 110, 115], { x: [3, 4, 5, 6], p: [0, 0, 1, 1] });
  const panel = makePanel(
    [
      { id: 'a', series: a, statics: { region: 'north', size: 's' }, future: known([13, 14], [1, 0]) },
      { id: 'b', series: b, statics: { region: 'south', size: 'm' } },
      { id: 'c', series: c, statics: { region: 'east', size: 'l' }, future: known([120], [1]) },
    ],
    { idColumn: 'store', futureCovariates: ['p'] },
  );
  const before = JSON.stringify({ ...panel, offsets: Array.from(panel.offsets), time: Array.from(panel.time), values: Object.fromEntries(Object.entries(panel.values).map(([k, v]) => [k, Array.from(v)])) });

  it('keeps the chosen series in panel order, each with its rows, statics, frequency and known future', () => {
    const picked = selectSeries(panel, ['c', 'a']);
    expect(picked.ids).toEqual(['a', 'c']);
    expect(Array.from(picked.offsets)).toEqual([0, 3, 7]);
    expect(Array.from(picked.time)).toEqual([10, 11, 12, 100, 105, 110, 115]);
    expect(Array.from(picked.values.y)).toEqual([1, 2, 3, 20, 21, 22, 23]);
    expect(Array.from(picked.values.x)).toEqual([7, 8, 9, 3, 4, 5, 6]);
    expect(Array.from(picked.values.p)).toEqual([0, 1, 0, 0, 0, 1, 1]);
    expect(picked.statics).toEqual({ region: ['north', 'east'], size: ['s', 'l'] });
    expect(picked.frequencies).toEqual([
      { kind: 'fixed', step: 1 },
      { kind: 'fixed', step: 5 },
    ]);
    expect(picked.future.map((f) => (f === null ? null : [Array.from(f.time), Array.from(f.values.p)]))).toEqual([
      [[13, 14], [1, 0]],
      [[120], [1]],
    ]);
    expect([picked.length, picked.idColumn, picked.source, picked.timeColumn, picked.timeKind]).toEqual([7, 'store', 'mem.csv', 't', 'number']);
    expect([picked.targets, picked.features, picked.futureCovariates, picked.columns]).toEqual([['y'], ['x'], ['p'], ['y', 'x', 'p']]);
    expect(Object.isFrozen(picked)).toBe(true);
  });

  it('gives the same per-series views as the original panel', () => {
    const picked = selectSeries(panel, ['b']);
    const [view, original] = [panelSeries(picked, 0), panelSeries(panel, 1)];
    expect([view.id, view.length, Array.from(view.time), Array.from(view.values.y), Array.from(view.values.p), view.features]).toEqual([
      original.id, original.length, Array.from(original.time), Array.from(original.values.y), Array.from(original.values.p), original.features,
    ]);
    expect(picked.future).toEqual([null]);
    expect(seriesIndex(picked, 'b')).toBe(0);
  });

  it('returns new arrays and leaves the panel and the id list unchanged', () => {
    const ids = ['c', 'b'];
    const picked = selectSeries(panel, ids);
    picked.values.y[0] = -1;
    picked.time[0] = -1;
    expect(ids).toEqual(['c', 'b']);
    expect(JSON.stringify({ ...panel, offsets: Array.from(panel.offsets), time: Array.from(panel.time), values: Object.fromEntries(Object.entries(panel.values).map(([k, v]) => [k, Array.from(v)])) })).toBe(before);
    expect(selectSeries(panel, ['a', 'b', 'c']).ids).toEqual(['a', 'b', 'c']);
  });

  it('selects the one series of a single-series panel by its target name', () => {
    const one = panelFromSeries(series([1, 2, 3]));
    expect(selectSeries(one, ['y']).ids).toEqual(['y']);
    expectInputError(() => selectSeries(one, ['sales']), 'unknown series id "sales" (options.series); known ids: y');
  });

  const many = makePanel(Array.from({ length: 14 }, (_, i) => ({ id: `s${i + 1}`, series: series([1, 2]) })));
  it.each([
    ['an empty list', panel, [], 'options.series must list at least one series id, got []', []],
    ['an id given twice', panel, ['a', 'b', 'a'], 'series id "a" is given twice (options.series)', 'a'],
    ['an empty id', panel, ['a', ''], 'series ids (options.series) must be non-empty strings, got ""', ''],
    ['an unknown id', panel, ['a', 'X'], 'unknown series id "X" (options.series); known ids: a, b, c', 'X'],
    ['an unknown id among many', many, ['s2', 'X'], 'unknown series id "X" (options.series); known ids: s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, ... (14 in all)', 'X'],
  ])('refuses %s, naming the argument and the value', (_what, from, ids, message, value) => {
    expectInputError(() => selectSeries(from, ids as string[]), message);
    try {
      selectSeries(from, ids as string[]);
    } catch (error) {
      expect((error as InputError).details).toEqual({ argument: 'series', value });
    }
  });

  it('checkSeriesSelection checks the list alone, as selectSeries does', () => {
    expect(() => checkSeriesSelection(['x', 'y'])).not.toThrow();
    expectInputError(() => checkSeriesSelection(['x', 'x']), 'series id "x" is given twice (options.series)');
    expectInputError(() => checkSeriesSelection('x' as never), 'options.series must list at least one series id, got "x"');
  });
});
