import { describe, expect, it } from 'vitest';
import { minimiseOnGrid } from '../../src/eval/gridSearch';

describe('minimiseOnGrid', () => {
  it('finds an interior minimum to the final resolution', () => {
    const { x, value } = minimiseOnGrid((p) => (p[0] - 0.3137) ** 2 + 2 * (p[1] - 0.71) ** 2, {
      lower: [0, 0],
      upper: [1, 1],
    });
    expect(Math.abs(x[0] - 0.3137)).toBeLessThanOrEqual(1.6e-4 / 2 + 1e-12);
    expect(Math.abs(x[1] - 0.71)).toBeLessThanOrEqual(1.6e-4 / 2 + 1e-12);
    expect(value).toBeLessThan(1e-7);
  });

  it('reaches a minimum on the boundary exactly', () => {
    const { x } = minimiseOnGrid((p) => p[0] + (p[1] - 2) ** 2, { lower: [0, -5], upper: [1, 5] });
    expect(x[0]).toBe(0);
    expect(x[1]).toBeCloseTo(2, 3);
  });

  it('counts evaluations: (levels + 1) * points^d at most', () => {
    const { evaluations } = minimiseOnGrid((p) => p[0] ** 2, { lower: [-1], upper: [1], points: 5, levels: 2 });
    expect(evaluations).toBeLessThanOrEqual(15);
    expect(evaluations).toBeGreaterThanOrEqual(5);
  });

  it('treats NaN as +Infinity', () => {
    const { x } = minimiseOnGrid((p) => (p[0] < 0.5 ? Number.NaN : p[0]), { lower: [0], upper: [1] });
    expect(x[0]).toBeCloseTo(0.5, 3);
  });

  it('does not modify the bounds', () => {
    const lower = [0, 0];
    const upper = [1, 1];
    minimiseOnGrid((p) => p[0] + p[1], { lower, upper, levels: 1 });
    expect([lower, upper]).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it.each([
    [{ lower: [0], upper: [1], points: 4 }, 'points must be odd, got 4'],
    [{ lower: [0], upper: [1], points: 1 }, 'points must be an integer >= 3, got 1'],
    [{ lower: [0], upper: [1], levels: -1 }, 'levels must be an integer >= 0, got -1'],
    [{ lower: [0], upper: [1], shrink: 1 }, 'shrink must be an integer >= 2, got 1'],
    [{ lower: [], upper: [] }, 'lower and upper must be non-empty arrays of the same length, got [] and []'],
    [{ lower: [0], upper: [1, 2] }, 'lower and upper must be non-empty arrays of the same length, got [0] and [1,2]'],
    [{ lower: [1], upper: [1] }, 'bounds of dimension 0 must be finite with lower < upper, got [1, 1]'],
    [{ lower: [0, Number.NaN], upper: [1, 1] }, 'bounds of dimension 1 must be finite with lower < upper, got [NaN, 1]'],
  ])('rejects %j', (options, message) => {
    expect(() => minimiseOnGrid((p) => p[0], options)).toThrow(message);
  });
});
