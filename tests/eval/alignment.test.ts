import { describe, expect, it } from 'vitest';
import type { PanelSplit } from '../../src/data/panelSplit';
import { alignSteps, forecastCsvText, formatTimes, futureCsvText, futureRows, stepAlignedForecasts } from '../../src/eval/alignment';
import { rollingOriginBacktest, type OriginForecaster } from '../../src/eval/backtest';
import { baselineForecaster } from '../../src/eval/baselines';
import { localForecaster } from '../../src/eval/localModels';
import { panelForecast } from '../../src/eval/model';
import { expectInputError } from '../helpers/expectInputError';
import { panelOf, seriesOf, snapshot } from './panelHelpers';

const monthly = (count: number): string[] =>
  Array.from({ length: count }, (_, m) => new Date(Date.UTC(2015, m, 1)).toISOString().slice(0, 10));
const hourly = (count: number): string[] => Array.from({ length: count }, (_, h) => new Date(Date.UTC(2021, 0, 1, h)).toISOString());

function testFrom(...parts: [number, number][]): PanelSplit {
  return parts.map(([start, n]) => ({ train: { start: 0, end: start }, val: { start, end: start }, test: { start, end: n } }));
}

describe('forecastCsvText: the forecast job\'s forecast.csv', () => {
  it('one row per test row; step k from origin row - k; 8 significant digits; empty where none; the id first', () => {
    // The case the job's own forecast.csv writer was tested with before it moved here.
    const panel = panelOf({ v: seriesOf([10, 11, 12.5, 13, 15], [1, 2, 3, 4, 5]) });
    const a = panelForecast(panel, 'a', [[2, 3]], 2, [[Float64Array.of(1 / 3, 2), Float64Array.of(3, Number.NaN)]]);
    const b = panelForecast(panel, 'b', [[2, 3]], 2, [[Float64Array.of(-1, -2), Float64Array.of(-3, -4)]]);
    expect(forecastCsvText(alignSteps(panel, [a, b], { split: testFrom([3, 5]) }))).toBe(
      'id,time,actual,a_step1,a_step2,b_step1,b_step2\n' + 'v,4,13,0.33333333,,-1,\n' + 'v,5,15,3,2,-3,-2\n',
    );
  });

  it.each([
    ['monthly dates', monthly(4), '2015-04-01'],
    ['hourly date-times', hourly(4), '2021-01-01T03:00:00.000Z'],
  ])('writes %s as the job does', (_what, time, last) => {
    const panel = panelOf({ y: seriesOf([1, 2, 3, 4], time) });
    const f = panelForecast(panel, 'f', [[2]], 1, [[Float64Array.of(3.5)]]);
    expect(forecastCsvText(alignSteps(panel, [f], { split: testFrom([3, 4]) }))).toBe(`id,time,actual,f_step1\ny,${last},4,3.5\n`);
  });
});

describe('alignSteps', () => {
  const panel = panelOf({ a: seriesOf([1, 2, 3, 4, 5]), 'b,2': seriesOf([10, 20, 30, 40], [0, 2, 4, 6]) });
  const split = testFrom([3, 5], [2, 4]);
  const f = panelForecast(panel, 'f', [[2, 3], [1, 2]], 2, [
    [Float64Array.of(3.1, 3.2), Float64Array.of(4.1, 4.2)],
    [Float64Array.of(21, 22), Float64Array.of(31, 32)],
  ]);
  const g = panelForecast(panel, 'g', [[2], []], 1, [[Float64Array.of(7)], []]);

  it('puts the forecast of each test row made k steps earlier in step k', () => {
    const before = snapshot(panel);
    const aligned = alignSteps(panel, [f, g], { split });
    expect(aligned.models).toEqual([
      { name: 'f', horizon: 2 },
      { name: 'g', horizon: 1 },
    ]);
    expect(aligned.timeKind).toBe('number');
    const [a, b] = aligned.series;
    expect([a.id, a.index, Array.from(a.rows), Array.from(a.time), Array.from(a.actual)]).toEqual(['a', 0, [3, 4], [3, 4], [4, 5]]);
    expect(a.forecasts.f.map((r) => Array.from(r))).toEqual([
      [3.1, 4.1],
      [NaN, 3.2],
    ]);
    expect(a.forecasts.g.map((r) => Array.from(r))).toEqual([[7, NaN]]);
    expect([b.id, Array.from(b.rows), Array.from(b.time), Array.from(b.actual)]).toEqual(['b,2', [2, 3], [4, 6], [30, 40]]);
    expect(b.forecasts.f.map((r) => Array.from(r))).toEqual([
      [21, 31],
      [NaN, 22],
    ]);
    expect(b.forecasts.g.map((r) => Array.from(r))).toEqual([[NaN, NaN]]);
    expect(snapshot(panel)).toEqual(before);
  });

  it('writes forecast.csv with an id column, quoting ids that need it', () => {
    expect(forecastCsvText(alignSteps(panel, [f, g], { split }))).toBe(
      'id,time,actual,f_step1,f_step2,g_step1\n' + 'a,3,4,3.1,,7\n' + 'a,4,5,4.1,3.2,\n' + '"b,2",4,30,21,,\n' + '"b,2",6,40,31,22,\n',
    );
  });

  it('writes 8 significant digits', () => {
    const one = panelOf({ a: seriesOf([1, 2, 3]) });
    const h = panelForecast(one, 'h', [[1]], 1, [[Float64Array.of(1 / 3)]]);
    expect(forecastCsvText(alignSteps(one, [h], { split: testFrom([2, 3]) }))).toBe('id,time,actual,h_step1\na,2,3,0.33333333\n');
  });

  it('rejects forecasts that do not fit the panel', () => {
    expectInputError(() => alignSteps(panel, [f, f], { split }), 'forecasts must have distinct model names, got "f" twice');
    expectInputError(() => alignSteps(panel, [f], { split: split.slice(1) }), 'split must hold one entry per series (2), got [{"train":{"start":0,"end":2},"val":{"start":2,"end":2},"test":{"start":2,"end":4}}]');
    expectInputError(() => alignSteps(panel, [{ ...f, timeKind: 'date' }], { split }), 'forecast of "f" has time kind date, expected number');
    const other = panelOf({ c: seriesOf([1, 2, 3]) });
    expectInputError(() => alignSteps(panel, [panelForecast(other, 'o', [[1]], 1, [[Float64Array.of(1)]])], { split }), 'forecast of "o" holds unknown series "c"');
  });
});

describe('futureRows and futureCsvText', () => {
  it('lists each series\' steps past its last row with every model\'s forecast, dates as in forecast.csv', async () => {
    const two = panelOf({ a: seriesOf([1, 2, 3, 6], ['2020-09-01', '2020-10-01', '2020-11-01', '2020-12-01']), b: seriesOf([5, 7], ['2020-11-01', '2020-12-01']) });
    const split = testFrom([3, 4], [1, 2]);
    const naive = localForecaster('naive');
    const mean = localForecaster('mean');
    await naive.fit(two, split);
    await mean.fit(two, split);
    const table = futureRows([await naive.forecast(two, 2), await mean.forecast(two, 2)]);
    expect(table.models).toEqual(['naive', 'mean']);
    expect(table.series.map((s) => [s.id, Array.from(s.time, (t) => new Date(t).toISOString()), Array.from(s.values.naive), Array.from(s.values.mean)])).toEqual([
      ['a', ['2021-01-01T00:00:00.000Z', '2021-02-01T00:00:00.000Z'], [6, 6], [3, 3]],
      ['b', ['2021-01-01T00:00:00.000Z', '2021-02-01T00:00:00.000Z'], [7, 7], [6, 6]],
    ]);
    expect(futureCsvText(table)).toBe(
      'id,time,naive,mean\n' + 'a,2021-01-01,6,3\n' + 'a,2021-02-01,6,3\n' + 'b,2021-01-01,7,6\n' + 'b,2021-02-01,7,6\n',
    );
  });

  it('writes full ISO date-times for hourly series and numbers as they are', async () => {
    const hours = panelOf({ h: seriesOf([1, 2], ['2021-01-01T22:00:00Z', '2021-01-01T23:00:00Z']) });
    const naive = localForecaster('naive');
    await naive.fit(hours, testFrom([1, 2]));
    expect(futureCsvText(futureRows([await naive.forecast(hours, 2)]))).toBe('id,time,naive\nh,2021-01-02T00:00:00.000Z,2\nh,2021-01-02T01:00:00.000Z,2\n');
    const numbers = panelOf({ n: seriesOf([1, 2], [0.5, 1]) });
    await naive.fit(numbers, testFrom([1, 2]));
    expect(futureCsvText(futureRows([await naive.forecast(numbers, 2)]))).toBe('id,time,naive\nn,1.5,2\nn,2,2\n');
  });

  it('rejects forecasts that disagree', async () => {
    const one = panelOf({ a: seriesOf([1, 2, 3]) });
    const f = panelForecast(one, 'f', [[2]], 2, [[Float64Array.of(3, 3)]]);
    const short = panelForecast(one, 'g', [[2]], 1, [[Float64Array.of(3)]]);
    const early = panelForecast(one, 'g', [[1]], 2, [[Float64Array.of(3, 3)]]);
    const message = 'forecasts of "f" and "g" disagree at series "a": each needs one origin per series, with the same series, steps and times';
    expectInputError(() => futureRows([f, short]), message);
    expectInputError(() => futureRows([f, early]), message);
    expectInputError(() => futureRows([f, panelForecast(one, 'g', [[1, 2]], 2, [[Float64Array.of(3, 3), Float64Array.of(3, 3)]])]), message);
    expectInputError(() => futureRows([]), 'forecasts must hold at least one PanelForecast, got []');
    expectInputError(() => futureRows([f, f]), 'forecasts must have distinct model names, got "f" twice');
  });
});

describe('formatTimes', () => {
  it('writes dates as days only when every stamp is a midnight', () => {
    const midnight = Date.UTC(2021, 0, 1);
    expect(formatTimes([Float64Array.of(midnight)], 'date')(midnight)).toBe('2021-01-01');
    expect(formatTimes([Float64Array.of(midnight), Float64Array.of(midnight + 3_600_000)], 'date')(midnight)).toBe('2021-01-01T00:00:00.000Z');
    expect(formatTimes([Float64Array.of(1.5)], 'number')(1.5)).toBe('1.5');
  });
});

describe('stepAlignedForecasts: the one-series rolling-origin result', () => {
  const N = 48;
  const y = Float64Array.from({ length: N }, (_, t) => 20 + 0.2 * t + 3 * Math.sin((2 * Math.PI * t) / 12));
  /** The last value plus one per step (origin t -> y[t] + k). */
  const plusStep: OriginForecaster = (values, origins, horizon) =>
    origins.map((t) => Float64Array.from({ length: horizon }, (_, k) => values[t] + k + 1));

  it.each([1, 2, 3])('step %i: row r holds the forecast made from origin r - step (NaN where none)', async (step) => {
    const backtest = await rollingOriginBacktest(y, { plus: plusStep, naive: baselineForecaster('naive') }, { horizon: 3, testStart: 36 });
    const aligned = stepAlignedForecasts(backtest, 36, N, step);
    expect(Object.keys(aligned)).toEqual(['plus', 'naive']);
    for (let row = 36; row < N; row++) {
      const v = aligned.plus[row - 36];
      // Origins start at testStart - 1, so step k reaches rows from testStart + k - 1.
      if (row - step < 35) expect(Number.isNaN(v)).toBe(true);
      else expect(v).toBeCloseTo(y[row - step] + step, 12);
      if (row - step >= 35) expect(aligned.naive[row - 36]).toBe(y[row - step]);
    }
  });
});
