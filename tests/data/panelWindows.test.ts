import { describe, expect, it } from 'vitest';
import { concatSets } from '../../src/data/panelWindows';
import { makeWindowSet } from '../../src/data/window';
import { expectInputError } from '../helpers/expectInputError';

const col = (...v: number[]): Float64Array => Float64Array.from(v);
const a = makeWindowSet([col(1, 2, 3, 4)], [col(1, 2, 3, 4)], { lookback: 2, horizon: 1 });
const b = makeWindowSet([col(10, 20, 30)], [col(10, 20, 30)], { lookback: 2, horizon: 1 });

describe('concatSets', () => {
  const both = concatSets([a, b]);

  it('numbers the samples part after part', () => {
    expect([both.size, Array.from(both.starts), [0, 1, 2].map((i) => both.partOf(i))]).toEqual([3, [0, 2, 3], [0, 0, 1]]);
  });

  it('fills samples of any part, in any order, as the parts do', () => {
    const x = new Float32Array(6);
    const y = new Float32Array(3);
    both.fill([2, 0, 1], x, y);
    expect([Array.from(x), Array.from(y)]).toEqual([
      [10, 20, 1, 2, 2, 3],
      [30, 3, 4],
    ]);
  });

  it('rejects no parts, mismatched shapes and indices out of range', () => {
    expectInputError(() => concatSets([]), 'concatSets needs at least one set');
    const other = makeWindowSet([col(1, 2, 3, 4)], [col(1, 2, 3, 4)], { lookback: 3, horizon: 1 });
    expectInputError(() => concatSets([a, other]), 'set 1 has shape [3, 1] -> [1, 1], set 0 has [2, 1] -> [1, 1]');
    expect(() => both.partOf(3)).toThrow('sample index must be in [0, 3), got 3');
  });
});
