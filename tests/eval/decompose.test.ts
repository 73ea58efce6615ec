import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import { classicalDecomposition } from '../../src/eval/decompose';

describe('classicalDecomposition', () => {
  it('recovers an exact additive pattern on a line (even period: 2 x m moving average)', () => {
    const pattern = [3, -1, -4, 2];
    const y = Array.from({ length: 24 }, (_, t) => 10 + 0.5 * t + pattern[t % 4]);
    const { trend, figure } = classicalDecomposition(y, 4, 'additive');
    expect(Number.isNaN(trend[1])).toBe(true);
    expect(trend[2]).toBeCloseTo(11, 12);
    expect(Number.isNaN(trend[22])).toBe(true);
    figure.forEach((v, j) => expect(v).toBeCloseTo(pattern[j], 12));
  });

  it('recovers a multiplicative pattern and normalises it to mean 1 (odd period)', () => {
    const pattern = [1.2, 0.9, 0.9];
    const y = Array.from({ length: 30 }, (_, t) => 100 * pattern[t % 3]);
    const { figure } = classicalDecomposition(y, 3, 'multiplicative');
    figure.forEach((v, j) => expect(v).toBeCloseTo(pattern[j], 12));
    expect(figure.reduce((a, b) => a + b) / 3).toBeCloseTo(1, 14);
  });

  it('matches R decompose(ts(c(1,3,1,3,1,3), frequency = 2))$figure = -1, 1', () => {
    expect(Array.from(classicalDecomposition([1, 3, 1, 3, 1, 3], 2, 'additive').figure)).toEqual([-1, 1]);
  });

  it.each([
    ['a period of 1', () => classicalDecomposition([1, 2, 3, 4], 1, 'additive'), /period must be an integer >= 2, got 1/],
    ['fewer than two seasons', () => classicalDecomposition([1, 2, 3], 2, 'additive'), /at least 2 \* period \(4\) values to decompose, got 3/],
    ['a NaN', () => classicalDecomposition([1, Number.NaN, 3, 4], 2, 'additive'), /y\[1\] must be a finite number, got NaN/],
  ])('rejects %s', (_, call, message) => {
    expect(call).toThrow(InputError);
    expect(call).toThrow(message);
  });
});
