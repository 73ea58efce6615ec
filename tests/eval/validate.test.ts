import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import { assertFiniteSeries, assertInteger, assertSameLength } from '../../src/eval/validate';

describe('assertInteger', () => {
  it.each([
    [0, 1, 'season must be a positive integer, got 0'],
    [1.5, 1, 'season must be a positive integer, got 1.5'],
    [Number.NaN, 1, 'season must be a positive integer, got NaN'],
    ['3', 1, 'season must be a positive integer, got "3"'],
    [undefined, 1, 'season must be a positive integer, got undefined'],
    [1, 2, 'season must be an integer >= 2, got 1'],
    [-1, 0, 'season must be an integer >= 0, got -1'],
  ])('rejects %s (min %s)', (value, min, message) => {
    expect(() => assertInteger('season', value, min)).toThrow(InputError);
    expect(() => assertInteger('season', value, min)).toThrow(message);
  });

  it('accepts integers at and above the minimum', () => {
    expect(() => assertInteger('season', 1, 1)).not.toThrow();
    expect(() => assertInteger('levels', 0, 0)).not.toThrow();
    expect(() => assertInteger('season', 12, 2)).not.toThrow();
  });
});

describe('assertFiniteSeries', () => {
  it.each([
    [null, 'actual must be an array-like of numbers, got null'],
    [3, 'actual must be an array-like of numbers, got 3'],
    [[], 'actual must have at least 1 value, got 0'],
    [[1, Number.NaN], 'actual[1] must be a finite number, got NaN'],
    [[1, 2, Number.POSITIVE_INFINITY], 'actual[2] must be a finite number, got Infinity'],
    [['1'], 'actual[0] must be a finite number, got "1"'],
    [Float64Array.of(0, Number.NEGATIVE_INFINITY), 'actual[1] must be a finite number, got -Infinity'],
  ])('rejects %s', (value, message) => {
    expect(() => assertFiniteSeries('actual', value)).toThrow(message);
  });

  it('enforces a minimum length, with the details naming the argument', () => {
    expect(() => assertFiniteSeries('history', [1], 2)).toThrow('history must have at least 2 values, got 1');
    try {
      assertFiniteSeries('predicted', [0, Number.NaN]);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).details).toMatchObject({ argument: 'predicted', index: 1 });
    }
  });

  it('accepts arrays and typed arrays of finite numbers', () => {
    expect(() => assertFiniteSeries('actual', [1, -2.5])).not.toThrow();
    expect(() => assertFiniteSeries('actual', Float32Array.of(1))).not.toThrow();
  });
});

describe('assertSameLength', () => {
  it('names both arguments and both lengths', () => {
    expect(() => assertSameLength('actual', [1, 2, 3, 4, 5], 'predicted', [1, 2, 3, 4])).toThrow(
      'actual and predicted must have the same length, got 5 and 4',
    );
    expect(() => assertSameLength('actual', [1], 'predicted', [2])).not.toThrow();
  });
});
