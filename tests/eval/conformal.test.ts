import { describe, expect, it } from 'vitest';
import { calibrateConformal, calibrationFromJSON, conformalQuantile, withConformalIntervals } from '../../src/eval/conformal';
import { lowerBound, panelForecast, upperBound } from '../../src/eval/model';
import { scoreIntervals } from '../../src/eval/intervalScoring';
import { expectInputError } from '../helpers/expectInputError';
import { panelOf, seriesOf } from './panelHelpers';

/** Standard normal draws from a seeded generator (Box-Muller on a Park-Miller stream). */
function normals(count: number, seed: number): number[] {
  let s = seed;
  const u = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
  return Array.from({ length: count }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

/** A model that forecasts 0 for every step from every origin. */
function zeros(panel: ReturnType<typeof panelOf>, origins: number[][], horizon: number) {
  return panelForecast(panel, 'zero', origins, horizon, origins.map((list) => list.map(() => new Float64Array(horizon))));
}

describe('conformalQuantile', () => {
  it('takes the ceil((n + 1) L)-th smallest score, NaN when there are too few', () => {
    expect(conformalQuantile([1, 2, 3, 4], 80)).toBe(4);
    expect(conformalQuantile([1, 2, 3], 80)).toBeNaN();
    // 19 scores: ceil(20 * 0.95) = 19 exactly, despite 20 * 0.95 = 19.000000000000004 in binary.
    expect(conformalQuantile(Array.from({ length: 19 }, (_, i) => i), 95)).toBe(18);
    expect(conformalQuantile(Array.from({ length: 99 }, (_, i) => i + 1), 80)).toBe(80);
  });
});

describe('calibrateConformal', () => {
  it('pools scaled absolute residuals over series, per step, only from rows that exist', () => {
    const panel = panelOf({ a: seriesOf([0, 1, 2, 3]), b: seriesOf([0, 10, 20, 30]) });
    const forecast = zeros(panel, [[1, 2], [2]], 2);
    const c = calibrateConformal(panel, forecast, [1, 10], [50]);
    // step 1: a: |2|, |3|; b: |30| / 10 = 3 -> [2, 3, 3]; step 2: a from origin 1: |3| -> [3].
    expect(c.counts).toEqual([3, 1]);
    expect(c.quantiles).toEqual([[3, 3]]); // ceil(4 * 0.5) = 2nd of [2, 3, 3]; ceil(2 * 0.5) = 1st of [3]
    expect(c.scales).toEqual({ a: 1, b: 10 });
  });

  it("puts bounds at forecast -/+ quantile x the series' scale, containing the point forecast", () => {
    const panel = panelOf({ a: seriesOf([0, 1, 2, 3]), b: seriesOf([0, 10, 20, 30]) });
    const c = calibrateConformal(panel, zeros(panel, [[1, 2], [2]], 2), [1, 10], [50]);
    const point = panelForecast(panel, 'p', [[3], [3]], 2, [[Float64Array.of(5, 6)], [Float64Array.of(50, 60)]]);
    const withBounds = withConformalIntervals(point, c);
    const b = withBounds.series[1].intervals![0];
    expect(Array.from(b.halfWidths)).toEqual([30, 30]);
    expect([1, 2].map((k) => lowerBound(withBounds.series[1].values[0][k - 1], b, k))).toEqual([20, 30]);
    expect([1, 2].map((k) => upperBound(withBounds.series[1].values[0][k - 1], b, k))).toEqual([80, 90]);
    for (const s of withBounds.series) {
      s.values[0].forEach((v, k) => {
        expect(lowerBound(v, s.intervals![0], k + 1)).toBeLessThanOrEqual(v);
        expect(upperBound(v, s.intervals![0], k + 1)).toBeGreaterThanOrEqual(v);
      });
    }
    expect(point.series[0].intervals).toBeUndefined();
  });

  it('covers i.i.d. noise at the nominal level, within a binomial tolerance', () => {
    // 300 repetitions: calibrate on 99 residuals, test on 100 fresh points. The expected coverage
    // is ceil(100 L) / 100 = L exactly; each repetition's coverage has variance about
    // L (1 - L) (1/99 + 1/100), so the mean over 300 has sd sqrt(that / 300).
    const reps = 300;
    for (const level of [80, 95]) {
      let total = 0;
      for (let r = 0; r < reps; r++) {
        const y = normals(200, 1 + r * 7 + level);
        const panel = panelOf({ a: seriesOf(y) });
        const calibration = calibrateConformal(panel, zeros(panel, [Array.from({ length: 99 }, (_, t) => t)], 1), [1], [level]);
        const test = withConformalIntervals(zeros(panel, [Array.from({ length: 100 }, (_, t) => 99 + t)], 1), calibration);
        total += scoreIntervals(panel, test, [1]).pooled.levels[0].coverage;
      }
      const p = level / 100;
      const sd = Math.sqrt((p * (1 - p) * (1 / 99 + 1 / 100)) / reps);
      expect(Math.abs(total / reps - p)).toBeLessThan(4 * sd);
    }
  });

  it('falls back on the Student-t bound at steps with too few residuals for the conformal rank, NaN without any', () => {
    const panel = panelOf({ a: seriesOf([0, 1, 2, 3, 4, 5]) });
    const c = calibrateConformal(panel, zeros(panel, [[0, 1, 2, 3, 4]], 2), [1], [80, 95]);
    expect(c.counts).toEqual([5, 4]);
    expect(c.quantiles[0][0]).toBe(5); // ceil(6 * 0.8) = 5th of [1..5]
    expect(c.methods).toEqual([['conformal', 'conformal'], ['student-t', 'student-t']]);
    // 95% at step 1: t_5(0.975) = 2.5705818366 (published tables) times sqrt(mean of 1, 4, 9, 16, 25) = sqrt(11).
    expect(c.quantiles[1][0]).toBeCloseTo(2.5705818366 * Math.sqrt(11), 7);
    const none = calibrateConformal(panel, zeros(panel, [[4]], 2), [1], [80]);
    expect([none.methods[0][1], none.quantiles[0][1]]).toEqual(['none', Number.NaN]);
    const json = calibrationFromJSON(JSON.parse(JSON.stringify(none)));
    expect(json.quantiles[0][1]).toBeNaN();
    expect(json).toEqual(none);
  });

  it('refuses bad levels and scales', () => {
    const panel = panelOf({ a: seriesOf([0, 1, 2]) });
    const f = zeros(panel, [[0]], 1);
    expectInputError(() => calibrateConformal(panel, f, [1], [101]), 'levels: each level must be a percentage strictly between 0 and 100, got 101');
    expectInputError(() => calibrateConformal(panel, f, [0], [80]), 'scales[0] must be a positive finite number, got 0');
    expectInputError(() => calibrationFromJSON({ method: 'split-conformal', levels: [80], horizon: 0 }), 'intervals.horizon is missing or malformed in the bundle, got 0');
  });
});

describe('scoreIntervals', () => {
  it('scores per series and pooled, and coverage per step', () => {
    const panel = panelOf({ a: seriesOf([0, 1, 2, 3]), b: seriesOf([0, 10, 20, 30]) });
    const c = calibrateConformal(panel, zeros(panel, [[1, 2], [2]], 2), [1, 10], [50]);
    const scored = scoreIntervals(panel, withConformalIntervals(zeros(panel, [[0], [0]], 2), c), [1, 10]);
    // a: [-3, 3] around 0 at both steps: y = 1, 2 inside; b: [-30, 30]: y = 10, 20 inside.
    expect(scored.series.a.levels[0]).toMatchObject({ coverage: 1, width: 6 });
    expect(scored.series.b.levels[0]).toMatchObject({ coverage: 1, width: 6 });
    expect(scored.pooled.pairs).toEqual([4]);
    expect(scored.coverageByStep).toEqual([[1, 1]]);
  });
});
