import { describe, expect, it } from 'vitest';
import { toPlotValues, assertLength, assertIntegerInRange, assertName, assertOptionalTitle } from '../../src/plot/values';
import { expectInputError } from './expectInputError';

describe('toPlotValues', () => {
  it('copies numbers and turns NaN into null gaps', () => {
    const input = new Float64Array([1, NaN, 3]);
    const out = toPlotValues(input, 'values');
    expect(out).toEqual([1, null, 3]);
    expect(Number.isNaN(input[1])).toBe(true);
  });

  it('accepts Float32Array and plain arrays', () => {
    expect(toPlotValues(new Float32Array([0.5]), 'v')).toEqual([0.5]);
    expect(toPlotValues([2], 'v')).toEqual([2]);
  });

  it.each([
    [[1, Infinity], {}, 'values[1] must be a finite number or NaN, got Infinity'],
    [[1, NaN], { allowNaN: false }, 'values[1] must be a finite number, got NaN'],
    [[1, '2'], {}, 'values[1] must be a finite number or NaN, got "2"'],
  ])('rejects %j', (values, options, message) => {
    expectInputError(() => toPlotValues(values as never, 'values', options), message);
  });

  it('rejects a non-array', () => {
    expect(() => toPlotValues({} as never, 'values')).toThrow(/values must be an array/);
  });
});

describe('assertions', () => {
  it('assertLength names both lengths', () => {
    expect(() => assertLength('values', 2, 3, 'time')).toThrow('values must have the same length as time (3), got 2');
  });
  it('assertIntegerInRange names the range and value', () => {
    expect(() => assertIntegerInRange('maxLag', 1.5, 0, 4)).toThrow('maxLag must be an integer in [0, 4], got 1.5');
    expect(() => assertIntegerInRange('maxLag', 4, 0, 4)).not.toThrow();
  });
  it('assertName rejects empty names', () => {
    expect(() => assertName('series[0].name', '')).toThrow('series[0].name must be a non-empty string, got ""');
  });
  it('assertOptionalTitle accepts undefined and strings only', () => {
    expect(() => assertOptionalTitle(undefined)).not.toThrow();
    expect(() => assertOptionalTitle(3)).toThrow('title must be a string, got 3');
  });
});
