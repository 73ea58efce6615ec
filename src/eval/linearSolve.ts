/**
 * A small dense linear solver for the statistical models (ARIMA's stationary covariance and
 * variance checks, ETS's start regressions): systems of at most a few dozen unknowns.
 */

/**
 * Solves a x = b by Gaussian elimination with partial pivoting. Works in place: `a` and `b` are
 * overwritten (pass copies to keep them).
 *
 * @param a - The n x n matrix, one Float64Array per row.
 * @param b - The right-hand side, length n.
 * @returns x (a new array), or null when a pivot is (numerically) zero.
 * @example
 * solveLinear([Float64Array.of(2, 1), Float64Array.of(1, 3)], Float64Array.of(3, 5)); // => [0.8, 1.4]
 */
export function solveLinear(a: Float64Array[], b: Float64Array): Float64Array | null {
  const n = b.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (!(Math.abs(a[pivot][col]) > 1e-300)) return null;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    [b[col], b[pivot]] = [b[pivot], b[col]];
    for (let r = col + 1; r < n; r++) {
      const f = a[r][col] / a[col][col];
      if (f === 0) continue;
      for (let j = col; j < n; j++) a[r][j] -= f * a[col][j];
      b[r] -= f * b[col];
    }
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < n; j++) s -= a[i][j] * x[j];
    x[i] = s / a[i][i];
  }
  return x;
}

/**
 * Least-squares coefficients of y on the given columns, from the normal equations (fine for the
 * few, well-conditioned columns the start values use: a constant, a trend, one harmonic).
 *
 * @param columns - k regressors, each of y's length.
 * @param y - The response. Not modified.
 * @returns The k coefficients, or null when the columns are linearly dependent.
 * @example
 * leastSquares([Float64Array.of(1, 1, 1), Float64Array.of(1, 2, 3)], [3, 5, 7]); // => [1, 2]
 */
export function leastSquares(columns: readonly Float64Array[], y: ArrayLike<number>): Float64Array | null {
  const k = columns.length;
  const a = Array.from({ length: k }, () => new Float64Array(k));
  const b = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < y.length; t++) s += columns[i][t] * columns[j][t];
      a[i][j] = s;
    }
    let s = 0;
    for (let t = 0; t < y.length; t++) s += columns[i][t] * y[t];
    b[i] = s;
  }
  return solveLinear(a, b);
}
