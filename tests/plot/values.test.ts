import { describe, expect, it } from 'vitest';
import { toPlotValues } from '../../src/plot/values';
import { expectInputError } from './expectInputError';

describe('toPlotValues', () => {
  it('copies numbers and turns NaN into null gaps', () => {
    const input = new Float64Array([1, NaN, 3]);
    const out = toPlotValues('values', input);
    expect(out).toEqual([1, null, 3]);
    expect(Number.isNaN(input[1])).toBe(true);
  });

  it('accepts Float32Array and plain arrays', () => {
    expect(toPlotValues('v', new Float32Array([0.5]))).toEqual([0.5]);
    expect(toPlotValues('v', [2])).toEqual([2]);
  });

  it.each([
    [[1, Infinity], {}, 'values[1] must be a finite number or NaN, got Infinity'],
    [[1, NaN], { allowNaN: false }, 'values[1] must be a finite number, got NaN'],
    [[1, '2'], {}, 'values[1] must be a finite number or NaN, got "2"'],
  ])('rejects %j', (values, options, message) => {
    expectInputError(() => toPlotValues('values', values as never, options), message);
  });

  it('rejects a non-array', () => {
    expect(() => toPlotValues('values', {} as never)).toThrow(/values must be an array/);
  });
});
