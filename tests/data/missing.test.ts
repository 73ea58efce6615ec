import { describe, expect, it } from 'vitest';
import { expectInputError } from './helpers';
import { forwardFill, interpolateLinear } from '../../src/data/missing';

describe('forwardFill', () => {
  it('carries the last observation over runs of gaps', () => {
    expect(Array.from(forwardFill([1, NaN, NaN, 4, NaN]))).toEqual([1, 1, 1, 4, 4]);
  });

  it('does not mutate its input', () => {
    const input = Float64Array.of(1, NaN, 3);
    forwardFill(input);
    expect(Array.from(input)).toEqual([1, NaN, 3]);
  });

  it('rejects a leading gap, using the describer', () => {
    expectInputError(() => forwardFill([NaN, 1]), 'values[0] is missing and cannot be forward-filled: no earlier observation');
    expectInputError(
      () => forwardFill([NaN, 1], (i) => `row ${i + 10}`),
      'row 10 is missing and cannot be forward-filled: no earlier observation',
    );
  });
});

describe('interpolateLinear', () => {
  it('interpolates in time between neighbours (hand-worked)', () => {
    // (0, 0) .. (4, 8): slope 2 -> t=1: 2, t=3: 6.  (4, 8) .. (10, 20): slope 2 -> t=7: 14.
    expect(Array.from(interpolateLinear([0, 1, 3, 4, 7, 10], [0, NaN, NaN, 8, NaN, 20]))).toEqual([0, 2, 6, 8, 14, 20]);
  });

  it('leaves complete data unchanged and does not mutate its input', () => {
    const v = [1, NaN, 3];
    expect(Array.from(interpolateLinear([0, 1, 2], [5, 6, 7]))).toEqual([5, 6, 7]);
    interpolateLinear([0, 1, 2], v);
    expect(v).toEqual([1, NaN, 3]);
  });

  it.each<[number[], string]>([
    [[NaN, 1, 2], 'values[0] is missing and cannot be interpolated: no earlier observation'],
    [[1, 2, NaN], 'values[2] is missing and cannot be interpolated: no later observation'],
    [[1, NaN, NaN], 'values[2] is missing and cannot be interpolated: no later observation'],
  ])('rejects edge gaps %j', (values, message) => {
    expectInputError(() => interpolateLinear([0, 1, 2], values), message);
  });

  it('rejects mismatched lengths', () => {
    expectInputError(() => interpolateLinear([0, 1], [1, 2, 3]), 'time and values must have the same length, got 2 and 3');
  });
});
