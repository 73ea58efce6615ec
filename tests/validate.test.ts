import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors';
import {
  assertFiniteSeries,
  assertInteger,
  assertIntegerInRange,
  assertLength,
  assertName,
  assertOptionalString,
  assertSameLength,
  fail,
  fraction,
  integerAtLeast,
  MAX_SEED,
  nonNegativeFinite,
  nonNegativeInteger,
  positiveFinite,
  positiveInteger,
  seedValue,
  booleanValue,
} from '../src/validate';

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
  it('assertOptionalString accepts undefined and strings only', () => {
    expect(() => assertOptionalString('title', undefined)).not.toThrow();
    expect(() => assertOptionalString('title', 3)).toThrow('title must be a string, got 3');
  });
});

describe('scalar checks', () => {
  it.each([
    [() => positiveInteger('units', 0), 'units must be a positive integer, got 0'],
    [() => positiveInteger('units', 2 ** 60), `units must be a positive integer, got ${2 ** 60}`],
    [() => nonNegativeInteger('offset', -1), 'offset must be a non-negative integer, got -1'],
    [() => positiveFinite('learningRate', 0), 'learningRate must be a positive finite number, got 0'],
    [() => nonNegativeFinite('minDelta', Number.NaN), 'minDelta must be a non-negative finite number, got NaN'],
    [() => seedValue('seed', MAX_SEED + 1), `seed must be an integer in [0, ${MAX_SEED}], got ${MAX_SEED + 1}`],
    [() => booleanValue('shuffle', 1), 'shuffle must be a boolean, got 1'],
    [() => fraction('test-fraction', 0, false), 'test-fraction must be a number in (0, 1), got 0'],
    [() => fraction('val-fraction', 1), 'val-fraction must be a number in [0, 1), got 1'],
    [() => integerAtLeast('lookback', 0, 1), 'lookback must be a positive integer, got 0'],
    [() => fail('--horizon', 'an integer >= 1', 'a"b', '"a"b"'), '--horizon must be an integer >= 1, got "a"b"'],
  ])('%#: %s', (call, message) => {
    expect(call).toThrow(InputError);
    expect(call).toThrow(message);
  });

  it('returns the value when it passes', () => {
    expect(positiveInteger('units', 3)).toBe(3);
    expect(fraction('val-fraction', 0)).toBe(0);
    expect(integerAtLeast('lookback', 2 ** 60, 1)).toBe(2 ** 60);
  });

  it('names the argument and value in the details', () => {
    try {
      fail('units', 'a positive integer', 0);
    } catch (e) {
      expect((e as InputError).details).toEqual({ argument: 'units', value: 0 });
    }
  });
});
