import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import { nelderMead } from '../../src/eval/nelderMead';

describe('nelderMead', () => {
  it('finds the minimum of a shifted quadratic', () => {
    const { x, value, converged } = nelderMead((p) => (p[0] - 1) ** 2 + 3 * (p[1] + 2) ** 2, [0, 0]);
    expect(converged).toBe(true);
    expect(x[0]).toBeCloseTo(1, 3);
    expect(x[1]).toBeCloseTo(-2, 3);
    expect(value).toBeLessThan(1e-6);
  });

  it('minimises the Rosenbrock function from (-1.2, 1), as R optim does (to 1e-3)', () => {
    // R: optim(c(-1.2, 1), function(p) 100 * (p[2] - p[1]^2)^2 + (1 - p[1])^2)$par = 1.000260 1.000506
    const { x } = nelderMead((p) => 100 * (p[1] - p[0] ** 2) ** 2 + (1 - p[0]) ** 2, [-1.2, 1]);
    expect(x[0]).toBeCloseTo(1.00026, 3);
    expect(x[1]).toBeCloseTo(1.000506, 3);
  });

  it('stays inside a region where the objective is Infinity outside', () => {
    const { x } = nelderMead((p) => (p[0] < 0 ? Number.POSITIVE_INFINITY : (p[0] + 1) ** 2), [0.5]);
    expect(x[0]).toBeGreaterThanOrEqual(0);
    expect(x[0]).toBeLessThan(0.01);
  });

  it('stops at maxEvaluations and says it did not converge', () => {
    let calls = 0;
    const result = nelderMead((p) => {
      calls++;
      return 100 * (p[1] - p[0] ** 2) ** 2 + (1 - p[0]) ** 2;
    }, [-1.2, 1], { maxEvaluations: 20 });
    expect(result.converged).toBe(false);
    expect(result.evaluations).toBe(calls);
    expect(calls).toBeLessThanOrEqual(24);
  });

  it('does not modify the start point', () => {
    const start = Float64Array.of(3, 4);
    nelderMead((p) => p[0] ** 2 + p[1] ** 2, start);
    expect(Array.from(start)).toEqual([3, 4]);
  });

  it.each([
    ['an empty start', () => nelderMead(() => 0, []), /start must be a non-empty array of finite numbers/],
    ['a NaN start', () => nelderMead(() => 0, [Number.NaN]), /start must be a non-empty array of finite numbers/],
    ['an infeasible start', () => nelderMead(() => Number.POSITIVE_INFINITY, [1]), /finite at the start point, got Infinity/],
  ])('rejects %s', (_, call, message) => {
    expect(call).toThrow(InputError);
    expect(call).toThrow(message);
  });
});
