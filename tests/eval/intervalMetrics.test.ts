import { describe, expect, it } from 'vitest';
import { checkLevels, intervalProbabilities, intervalScores, pinballLoss, scaledPinball } from '../../src/eval/intervalMetrics';
import { expectInputError } from '../helpers/expectInputError';

/** Float64 reference, written from the definitions pair by pair. */
function reference(actual: number[], lower: number[], upper: number[], level: number, scale: number) {
  const a = 1 - level / 100;
  let covered = 0;
  let width = 0;
  let score = 0;
  actual.forEach((y, i) => {
    const w = upper[i] - lower[i];
    width += w / scale;
    const penalty = y < lower[i] ? (2 / a) * (lower[i] - y) : y > upper[i] ? (2 / a) * (y - upper[i]) : 0;
    score += (w + penalty) / scale;
    if (penalty === 0) covered++;
  });
  return { coverage: covered / actual.length, width: width / actual.length, winkler: score / actual.length };
}

describe('intervalScores', () => {
  it('gives coverage, scaled width and the Winkler score of a hand example', () => {
    // y = 1 inside [0, 2]; y = 5 above [0, 2] by 3: penalty 2 / 0.2 * 3 = 30.
    const got = intervalScores([1, 5], [0, 0], [2, 2], 80, 2);
    expect([got.level, got.coverage, got.width]).toEqual([80, 0.5, 1]);
    expect(got.winkler).toBeCloseTo((2 + 2 + 30) / 2 / 2, 12);
  });

  it('matches the float64 reference on random data, bounds included', () => {
    let seed = 11;
    const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 10 - 5;
    const actual = Array.from({ length: 500 }, rand);
    const center = actual.map((y) => y + rand() / 2);
    const lower = center.map((c) => c - 1.5);
    const upper = center.map((c) => c + 1.5);
    lower[0] = actual[0]; // on the bound counts as covered
    const got = intervalScores(actual, lower, upper, 95, 1.7);
    const want = reference(actual, lower, upper, 95, 1.7);
    expect(got.coverage).toBe(want.coverage);
    expect(got.width).toBeCloseTo(want.width, 12);
    expect(got.winkler).toBeCloseTo(want.winkler, 12);
  });

  it.each([
    [() => intervalScores([1], [2], [1], 80, 1), 'lower[0] (2) is above upper[0] (1)'],
    [() => intervalScores([1], [0], [2], 100, 1), 'level: each level must be a percentage strictly between 0 and 100, got 100'],
    [() => intervalScores([1], [0], [2], 80, 0), 'scale must be a positive finite number, got 0'],
    [() => intervalScores([1, 2], [0], [2], 80, 1), 'actual and lower must have the same length, got 2 and 1'],
    [() => intervalScores([NaN], [0], [2], 80, 1), 'actual[0] must be a finite number, got NaN'],
  ])('refuses bad input (%#)', (call, message) => {
    expectInputError(call, message);
  });
});

describe('pinball loss', () => {
  it('weighs errors above the quantile by p and below by 1 - p', () => {
    expect(pinballLoss([1, 3], [2, 2], 0.9, 1)).toBeCloseTo((0.1 * 1 + 0.9 * 1) / 2, 15);
    expect(pinballLoss([3], [2], 0.5, 2)).toBe(0.25);
  });

  it('the median loss is half the absolute error', () => {
    const y = [1, 4, -2, 7];
    const q = [0, 5, 1, 7];
    expect(pinballLoss(y, q, 0.5, 1)).toBeCloseTo(y.reduce((s, v, i) => s + Math.abs(v - q[i]), 0) / 2 / y.length, 15);
  });

  it('scaledPinball averages the median and both bounds of each level', () => {
    const got = scaledPinball([1], [1], [{ level: 80, lower: [0], upper: [2] }], 1);
    expect(got).toBeCloseTo((0 + 0.1 * 1 + 0.1 * 1) / 3, 15);
    expect(intervalProbabilities([95, 80])).toEqual([0.025, 0.1, 0.5, 0.9, 0.975]);
  });

  it('refuses a probability outside (0, 1)', () => {
    expectInputError(() => pinballLoss([1], [1], 1, 1), 'p must be a probability strictly between 0 and 1, got 1');
  });
});

describe('checkLevels', () => {
  it('sorts, and refuses 0, 100, 101, NaN, duplicates and non-numbers', () => {
    expect(checkLevels([95, 80])).toEqual([80, 95]);
    for (const [bad, shown] of [[0, '0'], [100, '100'], [101, '101'], [NaN, 'NaN'], ['abc', '"abc"']] as const) {
      expectInputError(() => checkLevels([bad]), `levels: each level must be a percentage strictly between 0 and 100, got ${shown}`);
    }
    expectInputError(() => checkLevels([80, 80]), 'levels: level 80 is given twice');
    expectInputError(() => checkLevels([]), 'levels must be a non-empty array of percentages, got []');
  });
});
