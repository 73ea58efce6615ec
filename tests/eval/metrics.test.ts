import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import {
  computeMetrics,
  mae,
  mape,
  mase,
  maseScale,
  metricsWithScale,
  r2,
  rmse,
  smape,
} from '../../src/eval/metrics';
import reference from '../fixtures/eval/reference.json';

// scikit-learn's documented example (mean_absolute_error, mean_squared_error, r2_score,
// mean_absolute_percentage_error docs): y_true = [3, -0.5, 2, 7], y_pred = [2.5, 0.0, 2, 8].
const SK_TRUE = [3, -0.5, 2, 7];
const SK_PRED = [2.5, 0.0, 2, 8];

describe('metrics: published and hand-computed values', () => {
  it('match scikit-learn documentation values', () => {
    expect(mae(SK_TRUE, SK_PRED)).toBe(0.5);
    expect(rmse(SK_TRUE, SK_PRED)).toBeCloseTo(Math.sqrt(0.375), 15);
    expect(r2(SK_TRUE, SK_PRED)).toBeCloseTo(0.948608137044967, 14);
    // sklearn returns a fraction (0.3273...); we report percent.
    expect(mape(SK_TRUE, SK_PRED)).toBeCloseTo(32.73809523809524, 12);
  });

  it('compute sMAPE, MASE and R^2 on hand-worked pairs', () => {
    // e = (1, -2); |a| + |p| = (9, 16): sMAPE = 100 * (2/9 + 4/16) / 2.
    expect(smape([5, 7], [4, 9])).toBeCloseTo((100 * (2 / 9 + 4 / 16)) / 2, 13);
    // Scale (season 1) over [1, 3, 2, 6]: (2 + 1 + 4) / 3; MAE 1.5.
    expect(maseScale([1, 3, 2, 6])).toBeCloseTo(7 / 3, 15);
    expect(mase([5, 7], [4, 9], { insample: [1, 3, 2, 6] })).toBeCloseTo(1.5 / (7 / 3), 15);
    // Season 2: |2 - 1| + |6 - 3| over 2 -> 2.
    expect(mase([5, 7], [4, 9], { insample: [1, 3, 2, 6], season: 2 })).toBe(0.75);
    // mean 6, SS_tot 2, SS_res 5.
    expect(r2([5, 7], [4, 9])).toBe(-1.5);
    expect(r2([5, 7], [5, 7])).toBe(1);
  });

  it('match the numpy float64 fixture', () => {
    const { actual, predicted, insample, season, expected, expectedSeason1 } = reference.metrics;
    const got = computeMetrics(actual, predicted, { insample, season });
    for (const key of ['mae', 'rmse', 'mape', 'smape', 'mase', 'r2'] as const) {
      expect(got[key], key).toBeCloseTo(expected[key], 12);
    }
    expect(mase(actual, predicted, { insample })).toBeCloseTo(expectedSeason1.mase, 12);
  });
});

describe('smape', () => {
  it('treats 0/0 as a perfect forecast and stays within [0, 200]', () => {
    expect(smape([0, 0], [0, 0])).toBe(0);
    expect(smape([100, 0], [110, 0])).toBeCloseTo((100 * (20 / 210)) / 2, 13);
    expect(smape([1, -1], [-1, 1])).toBe(200);
    expect(smape([0], [5])).toBe(200);
  });
});

describe('mape', () => {
  it('rejects a zero actual by default, naming the index', () => {
    expect(() => mape([1, 0, 2], [1, 1, 1])).toThrow(InputError);
    expect(() => mape([1, 0, 2], [1, 1, 1])).toThrow(
      "actual[1] is 0: MAPE is undefined for zero actual values (pass zeroPolicy 'skip' to drop them)",
    );
  });

  it("drops zero actuals with zeroPolicy 'skip'", () => {
    expect(mape([0, 4], [1, 5], { zeroPolicy: 'skip' })).toBe(25);
    expect(mape([4, 0, 8], [5, 3, 6], { zeroPolicy: 'skip' })).toBe(25);
  });

  it("fails when 'skip' leaves no points", () => {
    expect(() => mape([0, 0], [1, 1], { zeroPolicy: 'skip' })).toThrow(
      "actual is 0 at all 2 points: no points left for MAPE with zeroPolicy 'skip'",
    );
  });

  it('rejects an unknown zeroPolicy', () => {
    expect(() => mape([1], [1], { zeroPolicy: 'drop' as never })).toThrow(
      `zeroPolicy must be 'error' or 'skip', got "drop"`,
    );
  });
});

describe('mase / maseScale', () => {
  it('rejects a too-short insample', () => {
    expect(() => mase([1], [1], { insample: [1, 2, 3], season: 3 })).toThrow(
      'insample must have more than season (3) values, got 3',
    );
  });

  it('rejects a zero scale', () => {
    expect(() => mase([1], [2], { insample: [1, 2, 1, 2], season: 2 })).toThrow(
      'insample seasonal-naive MAE (season 2) is 0: MASE is undefined for a series with ' +
        'insample[t] === insample[t - 2] for every t',
    );
  });

  it.each([[0], [1.5], [-2]])('rejects season %s', (season) => {
    expect(() => mase([1], [2], { insample: [1, 2, 3], season })).toThrow(
      `season must be a positive integer, got ${season}`,
    );
  });

  it('validates the insample values', () => {
    expect(() => maseScale([1, Number.NaN, 3])).toThrow('insample[1] must be a finite number, got NaN');
  });
});

describe('r2', () => {
  it('is NaN when the actual values are constant (undefined R^2)', () => {
    expect(r2([3, 3, 3], [1, 2, 3])).toBeNaN();
    expect(r2([3], [3])).toBeNaN();
  });
});

describe('shared validation', () => {
  const metrics: Array<[string, (a: ArrayLike<number>, p: ArrayLike<number>) => number]> = [
    ['mae', mae],
    ['rmse', rmse],
    ['mape', (a, p) => mape(a, p)],
    ['smape', smape],
    ['mase', (a, p) => mase(a, p, { insample: [1, 2, 4] })],
    ['r2', r2],
  ];

  it.each(metrics)('%s rejects mismatched lengths, empty and non-finite input', (_name, metric) => {
    expect(() => metric([1, 2, 3], [1, 2])).toThrow('actual and predicted must have the same length, got 3 and 2');
    expect(() => metric([], [])).toThrow('actual must have at least 1 value, got 0');
    expect(() => metric([1, Number.NaN], [1, 2])).toThrow('actual[1] must be a finite number, got NaN');
    expect(() => metric([1, 2], [1, Number.POSITIVE_INFINITY])).toThrow(
      'predicted[1] must be a finite number, got Infinity',
    );
  });

  it.each(metrics)('%s does not modify its inputs', (_name, metric) => {
    const actual = Float64Array.of(4, 5, 7);
    const predicted = [3.5, 5.5, 6];
    metric(actual, predicted);
    expect(Array.from(actual)).toEqual([4, 5, 7]);
    expect(predicted).toEqual([3.5, 5.5, 6]);
  });
});

describe('computeMetrics', () => {
  it('returns every metric, with mape only when no actual is 0', () => {
    const withMape = computeMetrics([5, 7], [4, 9], { insample: [1, 3, 2, 6] });
    expect(withMape).toEqual({
      mae: 1.5,
      rmse: Math.sqrt(2.5),
      smape: smape([5, 7], [4, 9]),
      mase: 1.5 / (7 / 3),
      r2: -1.5,
      mape: mape([5, 7], [4, 9]),
    });
    const withoutMape = computeMetrics([0, 7], [4, 9], { insample: [1, 3, 2, 6] });
    expect(Object.keys(withoutMape).sort()).toEqual(['mae', 'mase', 'r2', 'rmse', 'smape']);
    expect(withoutMape.mae).toBe(3);
  });

  it('validates like the individual metrics', () => {
    expect(() => computeMetrics([1], [1, 2], { insample: [1, 2] })).toThrow(
      'actual and predicted must have the same length, got 1 and 2',
    );
    expect(() => computeMetrics([1], [1], { insample: [1, 2], season: 2 })).toThrow(
      'insample must have more than season (2) values, got 2',
    );
  });

  it('equals metricsWithScale with the same scale', () => {
    const insample = [1, 3, 2, 6];
    expect(metricsWithScale([5, 7], [4, 9], maseScale(insample))).toEqual(
      computeMetrics([5, 7], [4, 9], { insample }),
    );
  });
});
