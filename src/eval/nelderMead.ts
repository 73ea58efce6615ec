/**
 * Nelder-Mead simplex minimisation, following the variant of R's `optim(method = "Nelder-Mead")`
 * (Nash's `nmmin`): the same start simplex, coefficients and stopping rule, so that fits made
 * with it land where R's forecast package lands from the same start.
 */
import { InputError, describeValue } from '../errors';

/** Default relative tolerance on the spread of the simplex values (R's `reltol`). */
export const DEFAULT_NM_RELTOL = 1e-8;
/** Default most function evaluations (R's `maxit` as the forecast package sets it for ETS). */
export const DEFAULT_NM_MAX_EVALUATIONS = 2000;

/** Options of {@link nelderMead}. */
export interface NelderMeadOptions {
  /**
   * Stop when the simplex values differ by at most `reltol * (|f(start)| + reltol)`.
   * @defaultValue {@link DEFAULT_NM_RELTOL}
   */
  readonly reltol?: number;
  /** Most evaluations of `f`. @defaultValue {@link DEFAULT_NM_MAX_EVALUATIONS} */
  readonly maxEvaluations?: number;
}

/** Result of {@link nelderMead}. */
export interface NelderMeadResult {
  /** The best point found (a new array). */
  readonly x: Float64Array;
  /** `f(x)`. */
  readonly value: number;
  /** Evaluations of `f` made. */
  readonly evaluations: number;
  /** Whether the tolerance was met (false: stopped by `maxEvaluations` or a failed shrink). */
  readonly converged: boolean;
}

const REFLECT = 1;
const CONTRACT = 0.5;
const EXPAND = 2;

/**
 * Minimises `f` from `start` with the Nelder-Mead simplex method. `f` may return `Infinity`
 * (or NaN, treated as `Infinity`) for points outside a feasible region; `start` must be feasible.
 *
 * The start simplex is `start` plus, along each axis, a step of 0.1 * max |start_i| (0.1 when
 * `start` is all zeros), as in R.
 *
 * @param f - Objective; called with a scratch array it must not keep.
 * @param start - Starting point, at least one finite coordinate. Not modified.
 * @param options - Tolerance and evaluation budget, see {@link NelderMeadOptions}.
 * @returns The best point, its value, the evaluations used and whether it converged.
 * @throws {@link InputError} when `start` is empty or not finite, or `f(start)` is not finite.
 * @example
 * const { x } = nelderMead((p) => (p[0] - 1) ** 2 + (p[1] + 2) ** 2, [0, 0]);
 * // x ≈ [1, -2]
 */
export function nelderMead(
  f: (x: Float64Array) => number,
  start: ArrayLike<number>,
  options: NelderMeadOptions = {},
): NelderMeadResult {
  if (start.length === 0 || !Array.from(start).every(Number.isFinite)) {
    throw new InputError(`start must be a non-empty array of finite numbers, got ${describeValue(start)}`, {
      argument: 'start',
      value: start,
    });
  }
  const reltol = options.reltol ?? DEFAULT_NM_RELTOL;
  const maxEvaluations = options.maxEvaluations ?? DEFAULT_NM_MAX_EVALUATIONS;
  const value = (x: Float64Array): number => {
    const v = f(x);
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
  };
  const first = Float64Array.from(start);
  const firstValue = value(first);
  if (!Number.isFinite(firstValue)) {
    throw new InputError(`the objective must be finite at the start point, got ${describeValue(firstValue)}`, {
      argument: 'start',
      value: firstValue,
    });
  }
  const convtol = reltol * (Math.abs(firstValue) + reltol);
  const simplex = startSimplex(first, firstValue, value);
  const converged = minimise(simplex, convtol, maxEvaluations);
  const { points, values } = simplex;
  let best = 0;
  for (let j = 1; j < values.length; j++) if (values[j] < values[best]) best = j;
  return { x: Float64Array.from(points[best]), value: values[best], evaluations: simplex.evaluations, converged };
}

/** The simplex as the iterations move it, with the scratch arrays they share. */
interface Simplex {
  /** Vertices 0..n (each its own array, moved in place by a shrink). */
  readonly points: Float64Array[];
  /** `f` at each vertex (NaN read as `Infinity`). */
  readonly values: number[];
  /** The objective, NaN read as `Infinity`. */
  readonly value: (x: Float64Array) => number;
  /** Evaluations of `f` so far. */
  evaluations: number;
  /** The simplex size the next shrink must get under (start size, then the last shrink's). */
  oldSize: number;
  /** Centroid of every vertex but the worst (scratch). */
  readonly centroid: Float64Array;
  /** The expansion or contraction point being tried (scratch). */
  readonly trial: Float64Array;
}

/** Evaluates the objective at `x`, counting the evaluation. */
function evaluate(s: Simplex, x: Float64Array): number {
  s.evaluations++;
  return s.value(x);
}

/** R's start simplex: `first` plus a step of 0.1 * max |first_i| (0.1 for all zeros) along each axis. */
function startSimplex(first: Float64Array, firstValue: number, value: (x: Float64Array) => number): Simplex {
  const n = first.length;
  let step = 0;
  for (let i = 0; i < n; i++) step = Math.max(step, 0.1 * Math.abs(first[i]));
  if (step === 0) step = 0.1;
  // Vertex j > 0 moves coordinate j - 1 (grown until it actually changes it).
  const points: Float64Array[] = [first];
  const values: number[] = [firstValue];
  let size = 0;
  for (let j = 0; j < n; j++) {
    const p = Float64Array.from(first);
    let trial = step;
    while (p[j] === first[j]) {
      p[j] = first[j] + trial;
      trial *= 10;
    }
    size += trial;
    points.push(p);
    values.push(value(p));
  }
  return { points, values, value, evaluations: n + 1, oldSize: size, centroid: new Float64Array(n), trial: new Float64Array(n) };
}

/** Runs the iterations; true when the values met the tolerance, false when out of budget or a shrink failed. */
function minimise(s: Simplex, convtol: number, maxEvaluations: number): boolean {
  for (;;) {
    const { low, high } = extremes(s.values);
    if (s.values[high] <= s.values[low] + convtol) return true;
    if (s.evaluations >= maxEvaluations) return false;
    setCentroid(s, high);
    if (!moveWorst(s, low, high)) return false;
  }
}

/** Indices of the lowest and highest values (the first of ties). */
function extremes(values: readonly number[]): { low: number; high: number } {
  let low = 0;
  let high = 0;
  for (let j = 1; j < values.length; j++) {
    if (values[j] < values[low]) low = j;
    if (values[j] > values[high]) high = j;
  }
  return { low, high };
}

/** Sets `s.centroid` to the mean of every vertex but `high`. */
function setCentroid(s: Simplex, high: number): void {
  const { points, centroid } = s;
  const n = centroid.length;
  centroid.fill(0);
  for (let j = 0; j <= n; j++) if (j !== high) for (let i = 0; i < n; i++) centroid[i] += points[j][i];
  for (let i = 0; i < n; i++) centroid[i] /= n;
}

/** One iteration: reflects the worst vertex, then expands, contracts or shrinks; false when a shrink failed. */
function moveWorst(s: Simplex, low: number, high: number): boolean {
  const { points, values, centroid } = s;
  const n = centroid.length;
  const reflected = new Float64Array(n);
  for (let i = 0; i < n; i++) reflected[i] = (1 + REFLECT) * centroid[i] - REFLECT * points[high][i];
  const reflectedValue = evaluate(s, reflected);
  if (reflectedValue < values[low]) {
    expand(s, high, reflected, reflectedValue);
    return true;
  }
  const highValue = values[high];
  if (reflectedValue < highValue) {
    points[high] = reflected;
    values[high] = reflectedValue;
  }
  if (contract(s, high)) return true;
  return reflectedValue < highValue || shrink(s, low);
}

/** Tries the expansion past the (better than best) reflected point; the worst vertex becomes the better of the two. */
function expand(s: Simplex, high: number, reflected: Float64Array, reflectedValue: number): void {
  const { points, values, centroid, trial } = s;
  for (let i = 0; i < centroid.length; i++) trial[i] = EXPAND * reflected[i] + (1 - EXPAND) * centroid[i];
  const expandedValue = evaluate(s, trial);
  if (expandedValue < reflectedValue) {
    points[high] = Float64Array.from(trial);
    values[high] = expandedValue;
  } else {
    points[high] = reflected;
    values[high] = reflectedValue;
  }
}

/** Tries the point halfway from the worst vertex to the centroid; true (and moved there) when it is better. */
function contract(s: Simplex, high: number): boolean {
  const { points, values, centroid, trial } = s;
  for (let i = 0; i < centroid.length; i++) trial[i] = (1 - CONTRACT) * points[high][i] + CONTRACT * centroid[i];
  const contractedValue = evaluate(s, trial);
  if (!(contractedValue < values[high])) return false;
  points[high] = Float64Array.from(trial);
  values[high] = contractedValue;
  return true;
}

/** Shrinks every vertex halfway towards the best one; false when the simplex did not get smaller. */
function shrink(s: Simplex, low: number): boolean {
  const { points, values } = s;
  const n = s.centroid.length;
  let size = 0;
  for (let j = 0; j <= n; j++) {
    if (j === low) continue;
    for (let i = 0; i < n; i++) {
      points[j][i] = CONTRACT * (points[j][i] - points[low][i]) + points[low][i];
      size += Math.abs(points[j][i] - points[low][i]);
    }
    values[j] = evaluate(s, points[j]);
  }
  if (s.oldSize <= size) return false;
  s.oldSize = size;
  return true;
}
