import { describe, expect, it } from 'vitest';
import { deriveSeed, orthogonalMatrix } from '../../src/model/init';

function gram(m: Float32Array, rows: number, cols: number, byRows: boolean): number[][] {
  const n = byRows ? rows : cols;
  const len = byRows ? cols : rows;
  const at = (a: number, k: number) => (byRows ? m[a * cols + k] : m[k * cols + a]);
  return Array.from({ length: n }, (_, a) =>
    Array.from({ length: n }, (_, b) => {
      let s = 0;
      for (let k = 0; k < len; k++) s += at(a, k) * at(b, k);
      return s;
    }),
  );
}

describe('orthogonalMatrix', () => {
  it.each([
    [4, 16, true],
    [16, 4, false],
    [8, 8, true],
    [1, 4, true],
  ])('%i x %i has orthonormal %s', (rows, cols, byRows) => {
    const m = orthogonalMatrix(rows, cols, 5);
    expect(m.length).toBe(rows * cols);
    const g = gram(m, rows, cols, byRows);
    g.forEach((row, a) => row.forEach((v, b) => expect(v).toBeCloseTo(a === b ? 1 : 0, 6)));
  });

  it('is seeded, and applies the gain', () => {
    expect(orthogonalMatrix(3, 12, 1)).toEqual(orthogonalMatrix(3, 12, 1));
    expect(orthogonalMatrix(3, 12, 1)).not.toEqual(orthogonalMatrix(3, 12, 2));
    const base = orthogonalMatrix(3, 12, 1);
    const scaled = orthogonalMatrix(3, 12, 1, 2);
    scaled.forEach((v, i) => expect(v).toBeCloseTo(2 * base[i], 6));
  });

  it('takes milliseconds for a 128-unit recurrent kernel', () => {
    const start = performance.now();
    orthogonalMatrix(128, 512, 3);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});

describe('deriveSeed', () => {
  it('is deterministic, 32-bit unsigned, and separates nearby paths', () => {
    expect(deriveSeed(42, 0, 1)).toBe(deriveSeed(42, 0, 1));
    const seeds = new Set([deriveSeed(42), deriveSeed(42, 0), deriveSeed(42, 1), deriveSeed(42, 0, 1), deriveSeed(42, 1, 0), deriveSeed(43, 0, 1)]);
    expect(seeds.size).toBe(6);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });
});
