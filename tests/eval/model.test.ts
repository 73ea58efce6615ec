import { describe, expect, it } from 'vitest';
import { makePanel, withKnownFuture } from '../../src/data/panel';
import { assertPanelOrigins, lastOrigins, panelForecast, stepTimes, truncatePanel } from '../../src/eval/model';
import { expectInputError } from '../helpers/expectInputError';
import { panelOf, seriesOf, snapshot } from './panelHelpers';

const iso = (t: number): string => new Date(t).toISOString();

describe('stepTimes', () => {
  it.each([
    ['monthly', ['2020-11-01', '2020-12-01'], ['2021-01-01T00:00:00.000Z', '2021-02-01T00:00:00.000Z']],
    ['quarterly', ['2020-07-01', '2020-10-01'], ['2021-01-01T00:00:00.000Z', '2021-04-01T00:00:00.000Z']],
    ['yearly', ['2019-03-15', '2020-03-15'], ['2021-03-15T00:00:00.000Z', '2022-03-15T00:00:00.000Z']],
    ['month ends, Jan 31', ['2020-12-31', '2021-01-31'], ['2021-02-28T00:00:00.000Z', '2021-03-31T00:00:00.000Z']],
    ['month ends, leap year', ['2019-12-31', '2020-01-31'], ['2020-02-29T00:00:00.000Z', '2020-03-31T00:00:00.000Z']],
    ['daily', ['2021-02-27', '2021-02-28'], ['2021-03-01T00:00:00.000Z', '2021-03-02T00:00:00.000Z']],
    ['hourly', ['2021-03-01T22:00:00Z', '2021-03-01T23:00:00Z'], ['2021-03-02T00:00:00.000Z', '2021-03-02T01:00:00.000Z']],
  ])('extends a %s series past its last row', (_kind, time, expected) => {
    const panel = panelOf({ a: seriesOf([1, 2], time) });
    expect(Array.from(stepTimes(panel, 0, 1, 2), iso)).toEqual(expected);
  });

  it('extends a numeric series by its step', () => {
    const panel = panelOf({ a: seriesOf([1, 2, 3], [0.5, 1, 1.5]) });
    expect(Array.from(stepTimes(panel, 0, 2, 2))).toEqual([2, 2.5]);
  });

  it("uses the series' own stamps while they exist, then extends", () => {
    const panel = panelOf({ a: seriesOf([1, 2], [0, 10]), b: seriesOf([1, 2, 3], [5, 7, 9]) });
    expect(Array.from(stepTimes(panel, 1, 0, 4))).toEqual([7, 9, 11, 13]);
    expect(Array.from(stepTimes(panel, 0, 0, 2))).toEqual([10, 20]);
  });
});

describe('lastOrigins', () => {
  it('is the last row of every series', () => {
    expect(lastOrigins(panelOf({ a: seriesOf([1, 2]), b: seriesOf([1, 2, 3, 4]) }))).toEqual([[1], [3]]);
  });
});

describe('assertPanelOrigins', () => {
  const panel = panelOf({ a: seriesOf([1, 2, 3]), b: seriesOf([1, 2, 3, 4, 5]) });

  it('accepts increasing in-range origins and empty lists', () => {
    expect(() => assertPanelOrigins(panel, [[], [0, 4]])).not.toThrow();
  });

  it.each([
    [[[0]], 'origins must hold one list per series (2), got 1 lists'],
    [[[0], [3, 7]], 'origins of series "b" must be increasing integers in [0, 4], got [3,7]'],
    [[[1, 1], []], 'origins of series "a" must be increasing integers in [0, 2], got [1,1]'],
    [[[0.5], []], 'origins of series "a" must be increasing integers in [0, 2], got [0.5]'],
  ])('rejects %j', (origins, message) => {
    expectInputError(() => assertPanelOrigins(panel, origins as number[][]), message);
  });
});

describe('panelForecast', () => {
  it('keeps series with origins, in panel order, with their step times', () => {
    const panel = panelOf({ a: seriesOf([1, 2, 3]), b: seriesOf([1, 2, 3], [10, 20, 30]) });
    const rows = [Float64Array.of(7, 8)];
    const forecast = panelForecast(panel, 'm', [[], [1]], 2, [[], rows]);
    expect(forecast.model).toBe('m');
    expect(forecast.horizon).toBe(2);
    expect(forecast.timeKind).toBe('number');
    expect(forecast.series).toHaveLength(1);
    expect(forecast.series[0].id).toBe('b');
    expect(forecast.series[0].index).toBe(1);
    expect(forecast.series[0].origins).toEqual([1]);
    expect(Array.from(forecast.series[0].values[0])).toEqual([7, 8]);
    expect(Array.from(forecast.series[0].times[0])).toEqual([30, 40]);
  });
});

describe('truncatePanel', () => {
  const a = { ...seriesOf([1, 2, 3, 4]), features: ['x', 'f'], columns: ['y', 'x', 'f'] };
  const withFeatures = {
    ...a,
    values: { y: Float64Array.of(1, 2, 3, 4), x: Float64Array.of(5, 6, 7, 8), f: Float64Array.of(9, 10, 11, 12) },
  };
  const b = { ...withFeatures, values: { y: Float64Array.of(20, 21, 22), x: Float64Array.of(0, 0, 0), f: Float64Array.of(1, 1, 1) }, length: 3, time: Float64Array.of(0, 1, 2) };
  const panel = makePanel(
    [
      { id: 'a', series: withFeatures, statics: { kind: 'red' } },
      { id: 'b', series: b, statics: { kind: 'blue' } },
    ],
    { futureCovariates: ['f'], idColumn: 'id', source: 'src.csv' },
  );

  it('keeps the first rows of each series, with roles, statics and source', () => {
    const before = snapshot(panel);
    const cut = truncatePanel(panel, [2, 3]);
    expect(cut.ids).toEqual(['a', 'b']);
    expect(Array.from(cut.offsets)).toEqual([0, 2, 5]);
    expect(Array.from(cut.values.y)).toEqual([1, 2, 20, 21, 22]);
    expect(Array.from(cut.values.x)).toEqual([5, 6, 0, 0, 0]);
    expect(Array.from(cut.values.f)).toEqual([9, 10, 1, 1, 1]);
    expect(Array.from(cut.time)).toEqual([0, 1, 0, 1, 2]);
    expect(cut.features).toEqual(['x']);
    expect(cut.futureCovariates).toEqual(['f']);
    expect(cut.statics).toEqual({ kind: ['red', 'blue'] });
    expect([cut.idColumn, cut.source]).toEqual(['id', 'src.csv']);
    expect(cut.values.y.buffer).not.toBe(panel.values.y.buffer);
    expect(snapshot(panel)).toEqual(before);
  });

  it("keeps the cut rows' future-known covariates as the known future, and nothing else of them", () => {
    const cut = truncatePanel(panel, [2, 3]);
    expect(cut.future[0]?.time).toEqual(Float64Array.of(2, 3));
    expect(cut.future[0]?.values).toEqual({ f: Float64Array.of(11, 12) });
    expect(cut.future[1]).toBeNull();
    const twice = truncatePanel(cut, [0, 2]);
    expect(twice.future[0]?.time).toEqual(Float64Array.of(2));
    expect(twice.future[0]?.values).toEqual({ f: Float64Array.of(1) });
  });

  it('appends the known future of a cut series after its cut rows', () => {
    const known = withKnownFuture(panel, [{ time: Float64Array.of(4, 5), values: { f: Float64Array.of(13, 14) } }, null]);
    const cut = truncatePanel(known, [3, 3]);
    expect(cut.future[0]?.time).toEqual(Float64Array.of(3, 4, 5));
    expect(cut.future[0]?.values.f).toEqual(Float64Array.of(12, 13, 14));
  });

  it('drops series with 0 rows kept', () => {
    const cut = truncatePanel(panel, [0, 2]);
    expect(cut.ids).toEqual(['b']);
    expect(cut.statics).toEqual({ kind: ['blue'] });
    expect(Array.from(cut.values.y)).toEqual([20, 21]);
  });

  it.each([
    [[2], 'ends must hold one row count per series (2), got [2]'],
    [[1, 3], 'ends of series "a" must be 0 or an integer in [2, 4], got 1'],
    [[2, 4], 'ends of series "b" must be 0 or an integer in [2, 3], got 4'],
    [[0, 0], 'ends must keep at least one series, got only zeros'],
  ])('rejects ends %j', (ends, message) => {
    expectInputError(() => truncatePanel(panel, ends), message);
  });
});
