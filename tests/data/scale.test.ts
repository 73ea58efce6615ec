import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FEATURE_RANGE,
  MinMaxScaler,
  StandardScaler,
  scalerFromJSON,
  type Scaler,
} from '../../src/data/scale';
import { expectInputError } from './helpers';

function closeTo(actual: ArrayLike<number>, expected: number[], tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i])));
}

describe('MinMaxScaler', () => {
  it('maps the fitted range onto [0, 1] by default (hand-computed)', () => {
    expect(DEFAULT_FEATURE_RANGE).toEqual([0, 1]);
    const s = new MinMaxScaler().fit([2, 4, 6]);
    // (x - 2) / 4
    expect(Array.from(s.transform([2, 4, 6, 5, 10, 0]))).toEqual([0, 0.5, 1, 0.75, 2, -0.5]);
    expect(Array.from(s.inverseTransform([0, 0.75, 2]))).toEqual([2, 5, 10]);
    expect(s.toJSON()).toEqual({ kind: 'minmax', featureRange: [0, 1], min: 2, max: 6 });
  });

  it('honours featureRange', () => {
    const s = new MinMaxScaler({ featureRange: [-1, 1] }).fit([10, 20]);
    // (x - 10) * 2 / 10 - 1
    expect(Array.from(s.transform([10, 15, 20, 25]))).toEqual([-1, 0, 1, 2]);
  });

  it('maps a constant column to the low end and inverts it exactly', () => {
    const s = new MinMaxScaler({ featureRange: [-1, 1] }).fit([3, 3, 3]);
    // width taken as 1: (x - 3) * 2 - 1
    expect(Array.from(s.transform([3, 4]))).toEqual([-1, 1]);
    expect(Array.from(s.inverseTransform([-1, 1]))).toEqual([3, 4]);
  });

  it.each<[unknown, string]>([
    [[1, 0], 'featureRange must be [low, high] with finite low < high, got [1, 0]'],
    [[0, 0], 'featureRange must be [low, high] with finite low < high, got [0, 0]'],
    [[0], 'featureRange must be [low, high] with finite low < high, got [0]'],
    [[0, Infinity], 'featureRange must be [low, high] with finite low < high, got [0, Infinity]'],
  ])('rejects featureRange %j', (featureRange, message) => {
    expectInputError(() => new MinMaxScaler({ featureRange: featureRange as [number, number] }), message);
  });
});

describe('StandardScaler', () => {
  it('standardises with the population std (hand-computed)', () => {
    // mean 5, deviations -3 -1 1 3, variance (9+1+1+9)/4 = 5
    const s = new StandardScaler().fit([2, 4, 6, 8]);
    const std = Math.sqrt(5);
    expect(s.toJSON()).toEqual({ kind: 'standard', mean: 5, std });
    closeTo(s.transform([2, 5, 8]), [-3 / std, 0, 3 / std]);
    closeTo(s.inverseTransform([-3 / std, 0, 1]), [2, 5, 5 + std]);
  });

  it('only centres a constant column (std stored as 0, divisor 1)', () => {
    const s = new StandardScaler().fit([7, 7]);
    expect(s.toJSON()).toEqual({ kind: 'standard', mean: 7, std: 0 });
    expect(Array.from(s.transform([7, 9]))).toEqual([0, 2]);
    expect(Array.from(s.inverseTransform([0, 2]))).toEqual([7, 9]);
  });

  it('is accurate for large offsets (two-pass variance)', () => {
    const s = new StandardScaler().fit([1e9 + 1, 1e9 + 3]);
    expect(s.toJSON()).toEqual({ kind: 'standard', mean: 1e9 + 2, std: 1 });
  });
});

describe.each<[string, () => Scaler, string]>([
  ['MinMaxScaler', () => new MinMaxScaler({ featureRange: [-2, 3] }), 'MinMaxScaler'],
  ['StandardScaler', () => new StandardScaler(), 'StandardScaler'],
])('%s: common behaviour', (_name, make, name) => {
  const data = Float64Array.of(3.7, -12.25, 0, 1e-3, 42, 8.5, -0.75);

  it('round-trips inverse(transform(x)) == x and does not mutate input', () => {
    const copy = Float64Array.from(data);
    const s = make().fit(data);
    const scaled = s.transform(data);
    closeTo(s.inverseTransform(scaled), Array.from(data));
    expect(Array.from(data)).toEqual(Array.from(copy));
    s.inverseTransform(scaled);
    expect(scaled).not.toBe(data);
  });

  it('restores from JSON (after a JSON round trip) with identical results', () => {
    const s = make().fit(data);
    const restored = scalerFromJSON(JSON.parse(JSON.stringify(s)));
    expect(restored.fitted).toBe(true);
    expect(restored).toBeInstanceOf(s.constructor);
    expect(Array.from(restored.transform(data))).toEqual(Array.from(s.transform(data)));
    expect(restored.toJSON()).toEqual(s.toJSON());
  });

  it('fails before fit', () => {
    const s = make();
    expect(s.fitted).toBe(false);
    expectInputError(() => s.transform([1]), `${name}.transform called before fit`);
    expectInputError(() => s.inverseTransform([1]), `${name}.inverseTransform called before fit`);
    expectInputError(() => s.toJSON(), `${name}.toJSON called before fit`);
    expect(s.fit([1, 2])).toBe(s);
    expect(s.fitted).toBe(true);
  });

  it('rejects empty and non-finite values, naming the index', () => {
    expectInputError(() => make().fit([]), `${name}.fit: values must not be empty`);
    expectInputError(() => make().fit([1, NaN]), `${name}.fit: values[1] must be a finite number, got NaN`);
    const s = make().fit([1, 2]);
    expectInputError(() => s.transform([0, 1, Infinity]), `${name}.transform: values[2] must be a finite number, got Infinity`);
    expectInputError(() => s.inverseTransform([NaN]), `${name}.inverseTransform: values[0] must be a finite number, got NaN`);
  });
});

describe('scalerFromJSON', () => {
  it.each<[unknown, string]>([
    [null, 'scaler state must be an object, got null'],
    [[1], 'scaler state must be an object, got [1]'],
    [{ kind: 'robust' }, `scaler state.kind must be 'minmax' or 'standard', got "robust"`],
    [{ kind: 'standard', mean: 1 }, 'scaler state.std must be a finite number, got undefined'],
    [{ kind: 'standard', mean: 1, std: 'x' }, 'scaler state.std must be a finite number, got "x"'],
    [{ kind: 'standard', mean: 1, std: -1 }, 'scaler state.std must be >= 0, got -1'],
    [{ kind: 'standard', mean: null, std: 1 }, 'scaler state.mean must be a finite number, got null'],
    [{ kind: 'minmax', featureRange: [1, 0], min: 0, max: 1 }, 'scaler state.featureRange must be [low, high] with finite low < high, got [1, 0]'],
    [{ kind: 'minmax', featureRange: [0, 1], min: 2, max: 1 }, 'scaler state.max must be >= state.min, got min 2 and max 1'],
    [{ kind: 'minmax', featureRange: [0, 1], min: 0 }, 'scaler state.max must be a finite number, got undefined'],
  ])('rejects %j', (state, message) => {
    expectInputError(() => scalerFromJSON(state), message);
  });

  it('class-specific fromJSON checks the kind', () => {
    expectInputError(() => MinMaxScaler.fromJSON({ kind: 'standard', mean: 0, std: 1 }), `scaler state.kind must be 'minmax', got "standard"`);
  });
});
