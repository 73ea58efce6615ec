import { describe, expect, it } from 'vitest';
import { difference, fromRelative, relativeToLast, undifference } from '../../src/data/transform';
import { expectInputError } from './helpers';

describe('difference / undifference', () => {
  it('computes first differences (hand-worked)', () => {
    expect(Array.from(difference([1, 4, 9, 16]))).toEqual([3, 5, 7]);
    expect(Array.from(difference([5]))).toEqual([]);
  });

  it('undifference returns the levels after the anchor', () => {
    expect(Array.from(undifference([3, 5, 7], 1))).toEqual([4, 9, 16]);
    expect(Array.from(undifference([], 1))).toEqual([]);
  });

  it('inverts exactly on integers and to rounding on decimals', () => {
    const x = [10, -3, 7, 7, 100, -250];
    expect(Array.from(undifference(difference(x), x[0]))).toEqual(x.slice(1));
    const y = [0.1, 0.2, 0.3, 0.7, 1.1, -0.35];
    const back = undifference(difference(y), y[0]);
    y.slice(1).forEach((v, i) => expect(Math.abs(back[i] - v)).toBeLessThanOrEqual(Number.EPSILON * Math.abs(v) * 2));
  });

  it('compensates the running sum over long horizons', () => {
    // One million steps of 0.1: the exact sum of the doubles is 100000.0000000000056, which rounds to 100000.
    const out = undifference(new Float64Array(1_000_000).fill(0.1), 0);
    expect(out[999_999]).toBe(100000);
    expect(out[9]).toBe(1);
  });

  it('does not mutate inputs', () => {
    const x = Float64Array.of(1, 2, 4);
    difference(x);
    undifference(x, 3);
    expect(Array.from(x)).toEqual([1, 2, 4]);
  });

  it.each<[() => unknown, string]>([
    [() => difference([]), 'difference: values must not be empty'],
    [() => difference([1, NaN]), 'difference: values[1] must be a finite number, got NaN'],
    [() => undifference([1], NaN), 'undifference: anchor must be a finite number, got NaN'],
    [() => undifference([1, Infinity], 0), 'undifference: diffs[1] must be a finite number, got Infinity'],
  ])('rejects bad input (%#)', (fn, message) => expectInputError(fn, message));
});

describe('relativeToLast / fromRelative', () => {
  it('makes the last observation 0 and inverts', () => {
    const w = [5, 7, 6];
    const rel = relativeToLast(w, w[2]);
    expect(Array.from(rel)).toEqual([-1, 1, 0]);
    expect(Array.from(fromRelative(rel, 6))).toEqual(w);
    expect(w).toEqual([5, 7, 6]);
  });

  it.each<[() => unknown, string]>([
    [() => relativeToLast([1], Infinity), 'relativeToLast: anchor must be a finite number, got Infinity'],
    [() => relativeToLast([1, NaN], 0), 'relativeToLast: window[1] must be a finite number, got NaN'],
    [() => fromRelative([NaN], 0), 'fromRelative: values[0] must be a finite number, got NaN'],
    [() => fromRelative([1], NaN), 'fromRelative: anchor must be a finite number, got NaN'],
  ])('rejects bad input (%#)', (fn, message) => expectInputError(fn, message));
});
