import { describe, expect, it } from 'vitest';
import { autocorrelation, whiteNoiseBand } from '../../src/plot/autocorrelation';
import { expectInputError } from './expectInputError';

describe('autocorrelation', () => {
  it('matches hand-computed values for [1, 2, 3, 4]', () => {
    // mean 2.5, deviations -1.5 -0.5 0.5 1.5, sum of squares 5;
    // lag 1: 0.75 - 0.25 + 0.75 = 1.25 -> 0.25; lag 2: -0.75 - 0.75 = -1.5 -> -0.3; lag 3: -2.25 -> -0.45
    const r = autocorrelation([1, 2, 3, 4], 3);
    expect(r).toBeInstanceOf(Float64Array);
    expect(Array.from(r)).toEqual([1, 0.25, expect.closeTo(-0.3, 12), expect.closeTo(-0.45, 12)]);
  });

  it('matches hand-computed values for an alternating series', () => {
    // [1, -1, 1, -1]: mean 0, sum of squares 4; lag 1: -3/4; lag 2: 2/4
    expect(Array.from(autocorrelation(new Float64Array([1, -1, 1, -1]), 2))).toEqual([1, -0.75, 0.5]);
  });

  it('returns only lag 0 for maxLag 0', () => {
    expect(Array.from(autocorrelation([3, 1], 0))).toEqual([1]);
  });

  it('does not mutate its input', () => {
    const values = new Float64Array([1, 3, 2]);
    autocorrelation(values, 1);
    expect(Array.from(values)).toEqual([1, 3, 2]);
  });

  it.each([
    [[1], 0, 'values must hold at least 2 numbers, got 1'],
    [[1, 2, 3], 3, 'maxLag must be an integer in [0, 2], got 3'],
    [[1, NaN, 3], 1, 'values[1] must be a finite number, got NaN'],
    [[2, 2, 2], 1, 'values must not be constant: the autocorrelation of a zero-variance series is undefined'],
  ])('rejects %j with maxLag %i', (values, maxLag, message) => {
    expectInputError(() => autocorrelation(values, maxLag), message);
  });
});

describe('whiteNoiseBand', () => {
  it('is 1.96 / sqrt(n)', () => {
    expect(whiteNoiseBand(100)).toBeCloseTo(0.196, 12);
    expect(whiteNoiseBand(4)).toBe(0.98);
  });
  it('rejects n = 0', () => {
    expectInputError(() => whiteNoiseBand(0), `n must be an integer in [1, ${Number.MAX_SAFE_INTEGER}], got 0`);
  });
});
