import { describe, expect, it } from 'vitest';
import { calendarValues } from '../../src/data/calendar';
import { futureTimes } from '../../src/data/frequency';
import type { TimeSeries } from '../../src/data/types';
import { makeOriginSet, makeWindowSet } from '../../src/data/window';
import { DEFAULT_CALENDAR, DEFAULT_FUTURE_COVARIATES, Preprocessor, fitPreprocessor } from '../../src/model/preprocess';
import { expectInputError, makeSeries } from './helpers';

/** A monthly date series (first of the month from January 2010) with the given columns. */
function monthly(columns: Record<string, ArrayLike<number>>, numTargets = 1): TimeSeries {
  const base = makeSeries(columns, numTargets);
  return { ...base, timeColumn: 'month', timeKind: 'date', time: Float64Array.from({ length: base.length }, (_, i) => Date.UTC(2010, i, 1)) };
}

function clone(series: TimeSeries): TimeSeries {
  const values: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(series.values)) values[k] = v.slice();
  return { ...series, time: series.time.slice(), values };
}

// Training rows 0..3 of p and c are [1, 3, 1, 3]: mean 2, std 1, so scaling subtracts 2 exactly.
const y = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const p = [1, 3, 1, 3, 5, 7, 9, 11, 13, 15];
const c = [1, 3, 1, 3, 10, 20, 30, 40, 50, 60];
const tiny = makeSeries({ y, p, c });
const train = { start: 0, end: 4 };

describe('future-known covariates: lead columns', () => {
  it('defaults to none: the state and the columns are exactly those of before', () => {
    expect(DEFAULT_CALENDAR).toEqual([]);
    expect(DEFAULT_FUTURE_COVARIATES).toEqual([]);
    const plain = fitPreprocessor(tiny, train, { targetTransform: 'none' });
    const explicit = fitPreprocessor(tiny, train, { targetTransform: 'none', calendar: [], futureCovariates: [] });
    expect('futureKnown' in plain.state).toBe(false);
    expect(explicit.state).toEqual(plain.state);
    expect(plain.futureKnown).toBeNull();
    expect(plain.pastFeatures).toEqual(['p', 'c']);
    expect(plain.numInputs).toBe(3);
  });

  it('a future covariate becomes a lead column: row s holds c(s + h), scaled on the training rows', () => {
    const pre = fitPreprocessor(tiny, train, { targetTransform: 'none', futureCovariates: ['c'], lead: 2 });
    expect(pre.state.futureKnown).toEqual({ lead: 2, columns: ['c'], calendar: [], calendarScalers: [] });
    expect(pre.state.featureScalers).toEqual([
      { kind: 'standard', mean: 2, std: 1 },
      { kind: 'standard', mean: 2, std: 1 },
    ]);
    expect(pre.pastFeatures).toEqual(['p']);
    expect(pre.numInputs).toBe(3);
    const cols = pre.columns(tiny);
    // Inputs: [y, p (past), c (lead)].
    expect(Array.from(cols.inputs[1])).toEqual([-1, 1, -1, 1, 3, 5, 7, 9, 11, 13]);
    expect(Array.from(cols.inputs[2])).toEqual([-1, 1, 8, 18, 28, 38, 48, 58, NaN, NaN]);
    // Past the last row, future values fill the lead rows.
    const withFuture = pre.columns(tiny, { values: { c: Float64Array.of(70, 80, 90) } });
    expect(Array.from(withFuture.inputs[2])).toEqual([-1, 1, 8, 18, 28, 38, 48, 58, 68, 78]);
  });

  it('the window of origin t holds c(t+1 .. t+horizon) in its last horizon rows', () => {
    const pre = fitPreprocessor(tiny, train, { targetTransform: 'none', futureCovariates: ['c'], lead: 2 });
    const cols = pre.columns(tiny);
    const set = makeOriginSet(cols.inputs, { lookback: 3, origins: [5] });
    const x = new Float32Array(3 * 3);
    set.fill([0], x, new Float32Array(0));
    // Column 2 of the window's rows 3, 4, 5: c(5), c(6) = c(t+1), c(7) = c(t+2), minus 2.
    expect([x[2], x[5], x[8]]).toEqual([20 - 2, 30 - 2, 40 - 2]);
    // p stays a past covariate: p(3..5) minus 2.
    expect([x[1], x[4], x[7]]).toEqual([1, 3, 5]);
    // A training window never reads a lead row past its last target row (t + h < targetEnd).
    const trainSet = makeWindowSet(cols.inputs, cols.targets, { lookback: 3, horizon: 2, targetEnd: 8 });
    expect(trainSet.size).toBe(4); // origins 2..5: their lead rows reach c(7) at most
  });

  it('calendar encoders: computed at time[s + h], and past the end at the extrapolated monthly stamps', () => {
    const series = monthly({ y: Float64Array.from({ length: 30 }, (_, t) => t) });
    const pre = fitPreprocessor(series, { start: 0, end: 24 }, { calendar: ['dayOfYearSin', 'dayOfYearCos'], lead: 3 });
    const known = pre.futureKnown!;
    expect(known.calendar).toEqual(['dayOfYearSin', 'dayOfYearCos']);
    const stamps = [...series.time, ...futureTimes(series.time[29], { kind: 'months', months: 1 }, 3)];
    expect(new Date(stamps[32]).toISOString()).toBe('2012-09-01T00:00:00.000Z');
    const cols = pre.columns(series);
    expect(cols.inputs).toHaveLength(3);
    (['dayOfYearSin', 'dayOfYearCos'] as const).forEach((name, j) => {
      const train = calendarValues(series.time.subarray(0, 24), name);
      const mean = train.reduce((a, b) => a + b, 0) / 24;
      const std = Math.sqrt(train.reduce((a, b) => a + (b - mean) ** 2, 0) / 24);
      expect(known.calendarScalers[j]).toEqual({ kind: 'standard', mean: expect.closeTo(mean, 12), std: expect.closeTo(std, 12) });
      const { mean: m, std: s } = known.calendarScalers[j] as { mean: number; std: number };
      const expected = Array.from(calendarValues(stamps.slice(3), name), (v) => (v - m) / s);
      expect(Array.from(cols.inputs[1 + j])).toEqual(expected);
    });
    // Given stamps replace the extrapolated ones.
    const given = Float64Array.of(Date.UTC(2012, 6, 1), Date.UTC(2012, 6, 2), Date.UTC(2012, 7, 1));
    const cos = pre.columns(series, { time: given }).inputs[2];
    const { mean, std } = known.calendarScalers[1] as { mean: number; std: number };
    // Row 28 leads to row 31, the second future stamp: 2 July 2012, half of a leap year (cos = -1).
    expect(cos[28]).toBe((-1 - mean) / std);
  });

  it('fit reads no row after the training range: a spike in a future covariate leaves the state unchanged', () => {
    const options = { targetTransform: 'difference', futureCovariates: ['c'], calendar: ['dayOfYearCos'], lead: 2 } as const;
    const series = monthly({ y, p, c });
    const spiked = clone(series);
    spiked.values.c[8] = 1e9;
    spiked.time[8] += 15 * 86_400_000; // even the stamps after training are not used
    expect(fitPreprocessor(spiked, train, options).state).toEqual(fitPreprocessor(series, train, options).state);
    const inTrain = clone(series);
    inTrain.values.c[3] = 100;
    expect(fitPreprocessor(inTrain, train, options).state).not.toEqual(fitPreprocessor(series, train, options).state);
  });

  it('does not mutate the series or the future values', () => {
    const series = monthly({ y, p, c });
    const before = clone(series);
    const future = { values: { c: Float64Array.of(70, 80) } };
    const pre = fitPreprocessor(series, train, { futureCovariates: ['c'], calendar: ['dayOfWeekSin'], lead: 2 });
    pre.columns(series, future);
    expect(series).toEqual(before);
    expect(Array.from(future.values.c)).toEqual([70, 80]);
  });

  it('round-trips through JSON; states without futureKnown load as before', () => {
    const pre = fitPreprocessor(monthly({ y, p, c }), train, { futureCovariates: ['c'], calendar: ['dayOfYearCos'], lead: 2 });
    const back = Preprocessor.fromJSON(JSON.parse(JSON.stringify(pre.toJSON())));
    expect(back.state).toEqual(pre.state);
    expect(Array.from(back.columns(monthly({ y, p, c })).inputs[3])).toEqual(Array.from(pre.columns(monthly({ y, p, c })).inputs[3]));
  });

  it.each([
    [{ futureCovariates: ['z'], lead: 2 }, 'futureCovariates names "z", which is not a feature column of the series (features: [p, c])'],
    [{ futureCovariates: ['c', 'c'], lead: 2 }, 'futureCovariates lists "c" twice'],
    [{ futureCovariates: 'c', lead: 2 }, 'futureCovariates must be an array of feature column names, got "c"'],
    [{ calendar: ['month'], lead: 2 }, 'unknown calendar feature "month"; expected one of dayOfYearSin, dayOfYearCos, dayOfWeekSin, dayOfWeekCos, hourOfDaySin, hourOfDayCos'],
    [{ calendar: 'dayOfYearSin', lead: 2 }, 'calendar must be an array of calendar features (dayOfYearSin, dayOfYearCos, dayOfWeekSin, dayOfWeekCos, hourOfDaySin, hourOfDayCos), got "dayOfYearSin"'],
    [{ calendar: ['dayOfYearSin'] }, 'lead must be a positive integer (the horizon) with future-known covariates, got undefined'],
    [{ calendar: ['dayOfYearSin'], lead: 2 }, 'calendar features need a date time column, got timeKind "number" for column "t"'],
  ])('rejects %j', (options, message) => {
    expectInputError(() => fitPreprocessor(tiny, train, options as never), message);
  });

  it.each([
    [{ values: { p: [1, 2] } }, 'future.values has column "p", which is not a future-known column of the model (futureCovariates: [c])'],
    [{ values: { c: [1, NaN] } }, 'future.values.c[1] must be a finite number, got NaN'],
    [{ values: { c: 'abc' } }, 'future.values.c must be an array of numbers, got "abc"'],
    [{ values: [1] }, 'future.values must be an object of column -> values, got [1]'],
    [{ time: [Date.UTC(2010, 9, 1)] }, `future.time[0] must be a finite stamp after the series' last stamp ${Date.UTC(2010, 9, 1)}, got ${Date.UTC(2010, 9, 1)}`],
    [{ time: [Date.UTC(2011, 0, 1), Date.UTC(2010, 11, 1)] }, `future.time[1] must be a finite stamp after future.time[0] = ${Date.UTC(2011, 0, 1)}, got ${Date.UTC(2010, 11, 1)}`],
    [7, 'future must be an object with time and values, got 7'],
  ])('columns rejects future %j', (future, message) => {
    const series = monthly({ y, p, c });
    const pre = fitPreprocessor(series, train, { futureCovariates: ['c'], calendar: ['dayOfYearCos'], lead: 2 });
    expectInputError(() => pre.columns(series, future as never), message);
  });

  it('requireFuture names the column and how many values were needed', () => {
    const series = monthly({ y, p, c });
    const pre = fitPreprocessor(series, train, { futureCovariates: ['c'], calendar: ['dayOfYearCos'], lead: 2 });
    expect(() => pre.requireFuture(series, undefined, 0, 'origin 7 with horizon 2')).not.toThrow();
    expectInputError(
      () => pre.requireFuture(series, { values: { c: [1] } }, 2, 'origin 9 with horizon 2'),
      'origin 9 with horizon 2 needs 2 future values of the future-known column "c" (rows 10..11), got 1; pass them in future.values.c',
    );
    expectInputError(
      () => pre.requireFuture(series, { time: Float64Array.of(Date.UTC(2011, 0, 1)), values: { c: [1, 2] } }, 2, 'origin 9 with horizon 2'),
      'origin 9 with horizon 2 needs 2 future time stamps (rows 10..11), got 1 in future.time',
    );
  });

  it('fromJSON rejects a malformed futureKnown', () => {
    const state = fitPreprocessor(tiny, train, { futureCovariates: ['c'], lead: 2 }).toJSON();
    expectInputError(() => Preprocessor.fromJSON({ ...state, futureKnown: { ...state.futureKnown, lead: 0 } }), 'preprocessor.futureKnown.lead must be a positive integer, got 0');
    expectInputError(
      () => Preprocessor.fromJSON({ ...state, futureKnown: { ...state.futureKnown, columns: ['q'] } }),
      'preprocessor.futureKnown.columns names "q", which is not a feature column of the series (features: [p, c])',
    );
    expectInputError(
      () => Preprocessor.fromJSON({ ...state, futureKnown: { ...state.futureKnown, calendar: ['dayOfYearSin'] } }),
      'preprocessor.futureKnown.calendarScalers must have one entry per calendar feature (1)',
    );
  });
});
