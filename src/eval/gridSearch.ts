/**
 * A deterministic, derivative-free minimiser on a box: multi-resolution grid refinement.
 */
import { InputError, describeValue } from '../errors';
import { assertInteger } from '../validate';

/**
 * Default number of grid points per dimension and level (odd, so the grid is centred on the best
 * point of the previous level).
 * @defaultValue 11
 */
export const DEFAULT_GRID_POINTS = 11;

/**
 * Default number of refinement levels after the initial full-box grid.
 * @defaultValue 4
 */
export const DEFAULT_GRID_LEVELS = 4;

/**
 * Default factor by which the grid spacing shrinks at each level.
 * @defaultValue 5
 */
export const DEFAULT_GRID_SHRINK = 5;

/** Options of {@link minimiseOnGrid}. */
export interface GridSearchOptions {
  /** Lower bound of each dimension (finite, inclusive). */
  readonly lower: readonly number[];
  /** Upper bound of each dimension (finite, inclusive, > the lower bound). */
  readonly upper: readonly number[];
  /**
   * Grid points per dimension and level, an odd integer >= 3.
   * @defaultValue {@link DEFAULT_GRID_POINTS}
   */
  readonly points?: number;
  /**
   * Refinement levels after the initial grid, an integer >= 0.
   * @defaultValue {@link DEFAULT_GRID_LEVELS}
   */
  readonly levels?: number;
  /**
   * Spacing shrink factor per level, an integer >= 2.
   * @defaultValue {@link DEFAULT_GRID_SHRINK}
   */
  readonly shrink?: number;
}

/** Result of {@link minimiseOnGrid}. */
export interface GridSearchResult {
  /** The best point found, one value per dimension. */
  readonly x: Float64Array;
  /** The objective at `x`. */
  readonly value: number;
  /** Number of objective evaluations made. */
  readonly evaluations: number;
}

/**
 * Minimises `objective` over the box [lower, upper] by grid refinement.
 *
 * Level 0 evaluates a full grid of `points` evenly spaced values per dimension (spacing
 * `(upper - lower) / (points - 1)`). Each further level divides the spacing by `shrink` and
 * evaluates the `points`^d grid centred on the best point so far, dropping values outside the
 * box; with the defaults the new grid spans +-1 old spacing. The final resolution is
 * `(upper - lower) / ((points - 1) * shrink^levels)` (1.6e-4 on [0, 1] with the defaults).
 * Cost: at most `(levels + 1) * points^d` evaluations. Ties keep the first point found; a NaN
 * objective counts as +Infinity. Like any grid method it can miss a minimum narrower than the
 * level-0 spacing.
 *
 * @param objective - Function to minimise; receives a fresh Float64Array of length d each call.
 * @param options - Bounds and grid settings, see {@link GridSearchOptions}.
 * @returns The best point, its value and the number of evaluations.
 * @throws {@link InputError} when the bounds are empty, of different lengths, non-finite or not
 *   increasing, or a grid setting is out of range.
 * @example
 * const { x } = minimiseOnGrid((p) => (p[0] - 0.3) ** 2, { lower: [0], upper: [1] });
 * Math.round(x[0] * 1000) / 1000; // => 0.3
 */
export function minimiseOnGrid(
  objective: (x: Float64Array) => number,
  options: GridSearchOptions,
): GridSearchResult {
  const { lower, upper } = options;
  const points = options.points ?? DEFAULT_GRID_POINTS;
  const levels = options.levels ?? DEFAULT_GRID_LEVELS;
  const shrink = options.shrink ?? DEFAULT_GRID_SHRINK;
  assertInteger('points', points, 3);
  if (points % 2 === 0) {
    throw new InputError(`points must be odd, got ${points}`, { argument: 'points', value: points });
  }
  assertInteger('levels', levels, 0);
  assertInteger('shrink', shrink, 2);
  if (!Array.isArray(lower) || lower.length === 0 || !Array.isArray(upper) || upper.length !== lower.length) {
    throw new InputError(
      `lower and upper must be non-empty arrays of the same length, got ${describeValue(lower)} ` +
        `and ${describeValue(upper)}`,
      { argument: 'lower, upper', value: [lower, upper] },
    );
  }
  for (let d = 0; d < lower.length; d++) {
    if (!Number.isFinite(lower[d]) || !Number.isFinite(upper[d]) || !(lower[d] < upper[d])) {
      throw new InputError(
        `bounds of dimension ${d} must be finite with lower < upper, got [${describeValue(lower[d])}, ` +
          `${describeValue(upper[d])}]`,
        { argument: 'lower, upper', index: d, value: [lower[d], upper[d]] },
      );
    }
  }

  const dims = lower.length;
  const half = (points - 1) / 2;
  const step = lower.map((lo, d) => (upper[d] - lo) / (points - 1));
  // Level 0 is the refinement grid centred on the box centre with the full-box spacing.
  let best = Float64Array.from(lower, (lo, d) => lo + half * step[d]);
  let bestValue = Number.POSITIVE_INFINITY;
  let evaluations = 0;

  for (let level = 0; level <= levels; level++) {
    if (level > 0) for (let d = 0; d < dims; d++) step[d] /= shrink;
    const axes = Array.from({ length: dims }, (_, d) => {
      const values: number[] = [];
      for (let j = -half; j <= half; j++) {
        // Snap the level-0 grid exactly onto the bounds (no rounding drift past them).
        const v = level === 0 ? lower[d] + (j + half) * step[d] : best[d] + j * step[d];
        if (v >= lower[d] - 1e-12 * step[d] && v <= upper[d] + 1e-12 * step[d]) {
          values.push(Math.min(upper[d], Math.max(lower[d], v)));
        }
      }
      return values;
    });
    const index = new Array<number>(dims).fill(0);
    for (;;) {
      const x = Float64Array.from(index, (i, d) => axes[d][i]);
      const raw = objective(x);
      evaluations++;
      const value = Number.isNaN(raw) ? Number.POSITIVE_INFINITY : raw;
      if (value < bestValue) {
        bestValue = value;
        best = x;
      }
      let d = 0;
      while (d < dims && ++index[d] === axes[d].length) index[d++] = 0;
      if (d === dims) break;
    }
  }
  return { x: Float64Array.from(best), value: bestValue, evaluations };
}
