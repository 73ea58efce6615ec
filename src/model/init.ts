/**
 * Seeded weight initialisation: per-layer seed derivation and an orthogonal initialiser that is
 * fast enough for large recurrent kernels.
 */
import seedrandom from 'seedrandom';

/**
 * Derives a 32-bit seed from a base seed and a path of non-negative integers (layer index, role,
 * counter...), so that every layer and every random draw gets its own, reproducible stream.
 *
 * Uses the MurmurHash3 finaliser on each part: nearby inputs give unrelated outputs.
 *
 * @param seed - Base seed (an integer; only its low 32 bits are used).
 * @param parts - Path components, each an integer (low 32 bits used).
 * @returns An integer in `[0, 2^32)`.
 * @example
 * deriveSeed(42, 0, 1) === deriveSeed(42, 1, 0); // => false
 */
export function deriveSeed(seed: number, ...parts: readonly number[]): number {
  let h = (seed >>> 0) ^ 0x9e3779b9;
  for (const part of [...parts, parts.length]) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/**
 * A random orthogonal matrix with the distribution of Keras' `Orthogonal` initialiser: the Q
 * factor (sign-corrected, so it is Haar-distributed) of a `[max, min]` standard-normal matrix,
 * transposed when `rows < cols`. Rows are orthonormal when `rows <= cols`, columns otherwise.
 *
 * Why not `tf.initializers.orthogonal`: its tensor-op QR takes about 2.4 s for a 64-unit LSTM
 * recurrent kernel (`[64, 256]`) and 17 s for 128 units on the cpu backend, and it warns on every
 * matrix above 2000 elements. This float64 modified Gram-Schmidt (with re-orthogonalisation) takes
 * milliseconds.
 *
 * @param rows - Number of rows, a positive integer.
 * @param cols - Number of columns, a positive integer.
 * @param seed - Seed of the normal draws (same seed, same matrix on every platform).
 * @param gain - Multiplier applied to the orthogonal matrix.
 * @returns A new row-major `Float32Array` of length `rows * cols`.
 * @example
 * const w = orthogonalMatrix(64, 256, 7); // 64 orthonormal rows of length 256
 * w.length; // => 16384
 */
export function orthogonalMatrix(rows: number, cols: number, seed: number, gain = 1): Float32Array {
  const n = Math.max(rows, cols);
  const k = Math.min(rows, cols);
  const rng = seedrandom.alea(String(seed >>> 0));
  // Columns of the n x k normal matrix, each of length n.
  const q: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const column = new Float64Array(n);
    for (let i = 0; i < n; i++) column[i] = standardNormal(rng);
    q.push(column);
  }
  for (let j = 0; j < k; j++) {
    const v = q[j];
    // "Twice is enough": a second projection pass restores orthogonality lost to rounding.
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        const u = q[p];
        let dot = 0;
        for (let i = 0; i < n; i++) dot += u[i] * v[i];
        for (let i = 0; i < n; i++) v[i] -= dot * u[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12)) throw new Error(`orthogonalMatrix: degenerate draw for seed ${seed}`);
    // Dividing by the positive norm is the Keras sign correction q *= sign(diag(r)).
    for (let i = 0; i < n; i++) v[i] /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[r * cols + c] = gain * (rows >= cols ? q[c][r] : q[r][c]);
    }
  }
  return out;
}

function standardNormal(rng: () => number): number {
  // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
