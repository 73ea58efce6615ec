import { describe, expect, it } from 'vitest';
import { Float32Pool, consumeSaved } from '../../../src/kernels/lstm/buffers';
import type { LstmSaved } from '../../../src/kernels/lstm/types';

describe('Float32Pool', () => {
  it('hands back a given array of the same length, and a new one otherwise', () => {
    const pool = new Float32Pool();
    const a = new Float32Array(6);
    pool.give(a);
    expect(pool.take(5)).not.toBe(a);
    expect(pool.take(5).length).toBe(5);
    expect(pool.take(6)).toBe(a);
    expect(pool.take(6)).not.toBe(a); // taken once only
  });

  it('keeps at most 24 arrays, dropping the oldest', () => {
    const pool = new Float32Pool();
    const arrays = Array.from({ length: 26 }, () => new Float32Array(3));
    pool.give(...arrays);
    const taken = Array.from({ length: 26 }, () => pool.take(3));
    for (let i = 0; i < 24; i++) expect(taken[i]).toBe(arrays[i + 2]);
    expect(arrays).not.toContain(taken[24]);
  });
});

describe('consumeSaved', () => {
  it('accepts a saved forward pass once', () => {
    const saved = {} as LstmSaved;
    expect(() => consumeSaved(saved)).not.toThrow();
    expect(() => consumeSaved(saved)).toThrow('this forward pass was already used by a backward pass');
    expect(() => consumeSaved({} as LstmSaved)).not.toThrow();
  });
});
