import { describe, expect, it } from 'vitest';
import type { Range } from '../../src/data/split';
import { baseTransform, isLogTransform, type TargetTransform } from '../../src/data/transform';
import type { TimeSeries } from '../../src/data/types';
import { makeWindowSet } from '../../src/data/window';
import {
  DEFAULT_TARGET_TRANSFORM,
  Preprocessor,
  TARGET_TRANSFORMS,
  fitPreprocessor,
  type PreprocessorState,
} from '../../src/model/preprocess';
import { expectInputError, makeSeries } from './helpers';


function clone(series: TimeSeries): TimeSeries {
  const values: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(series.values)) values[k] = v.slice();
  return { ...series, time: series.time.slice(), values };
}

function populationStats(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, std };
}

const N = 40;
// Two positive targets on different scales (one trending, one seasonal; positive so that the log transforms apply) and one feature.
const level = Array.from({ length: N }, (_, t) => 100 + 2.5 * t + 3 * Math.sin((2 * Math.PI * t) / 7));
const other = Array.from({ length: N }, (_, t) => 6 + Math.cos((2 * Math.PI * t) / 5) + 0.01 * t * t);
const feature = Array.from({ length: N }, (_, t) => (t % 3) * 10 + t);
const series = makeSeries({ level, other, feature }, 2);
const train: Range = { start: 0, end: 24 };

describe('fitPreprocessor', () => {
  it('defaults to first differences', () => {
    expect(DEFAULT_TARGET_TRANSFORM).toBe('difference');
    expect(TARGET_TRANSFORMS).toEqual(['none', 'difference', 'relative', 'log-difference', 'log-relative']);
    expect(fitPreprocessor(series, train).state.targetTransform).toBe('difference');
  });

  it.each([
    ['none', (v: readonly number[]): number[] => v.slice(0, 24)],
    ['difference', (v: readonly number[]): number[] => v.slice(1, 24).map((x, i) => x - v[i])],
    ['relative', (v: readonly number[]): number[] => v.slice(1, 24).map((x, i) => x - v[i])],
  ] as const)('%s: target scalers are fitted on the training rows (levels or differences)', (transform, fitted) => {
    const state = fitPreprocessor(series, train, { targetTransform: transform }).toJSON();
    expect(state.targetTransform).toBe(transform);
    expect(state.targets).toEqual(['level', 'other']);
    expect(state.features).toEqual(['feature']);
    [level, other].forEach((values, m) => {
      const { mean, std } = populationStats(fitted(values));
      expect(state.targetScalers[m]).toEqual({ kind: 'standard', mean: expect.closeTo(mean, 10), std: expect.closeTo(std, 10) });
    });
    const f = populationStats(feature.slice(0, 24));
    expect(state.featureScalers).toEqual([{ kind: 'standard', mean: expect.closeTo(f.mean, 10), std: expect.closeTo(f.std, 10) }]);
  });

  it.each(TARGET_TRANSFORMS)('%s: the state depends on the training rows only', (transform) => {
    const changed = clone(series);
    for (const name of series.columns) {
      for (let i = train.end; i < N; i++) changed.values[name][i] = 1e6 * (i % 2 === 0 ? 1 : -1);
    }
    const a = fitPreprocessor(series, train, { targetTransform: transform }).toJSON();
    const b = fitPreprocessor(changed, train, { targetTransform: transform }).toJSON();
    expect(b).toEqual(a);
    // ... while changing a training row does change it.
    const inTrain = clone(series);
    inTrain.values.level[train.end - 1] += 50;
    inTrain.values.feature[train.end - 1] += 50;
    const c = fitPreprocessor(inTrain, train, { targetTransform: transform }).toJSON();
    expect(c.targetScalers[0]).not.toEqual(a.targetScalers[0]);
    expect(c.featureScalers[0]).not.toEqual(a.featureScalers[0]);
  });

  it('does not mutate the series', () => {
    const before = clone(series);
    for (const transform of TARGET_TRANSFORMS) {
      const p = fitPreprocessor(series, train, { targetTransform: transform });
      const cols = p.columns(series);
      p.invert(new Float64Array(6), [1, 2]);
      expect(cols.inputs.every((c) => !Object.values(series.values).includes(c))).toBe(true);
    }
    expect(series).toEqual(before);
  });

  it('rejects an unknown transform and a training range too short', () => {
    expectInputError(
      () => fitPreprocessor(series, train, { targetTransform: 'log' as TargetTransform }),
      'targetTransform must be one of none, difference, relative, log-difference, log-relative, got "log"',
    );
    expectInputError(
      () => fitPreprocessor(series, { start: 5, end: 7 }),
      'the training range must hold at least 3 rows to fit scalers, got 2',
    );
  });

  const alternating = (magnitude: number): number[] => Array.from({ length: 10 }, (_, t) => (t % 2 ? magnitude : -magnitude));
  const small = Array.from({ length: 10 }, (_, t) => t);
  it.each([
    [
      'first differences that overflow (difference)',
      { sales: alternating(1e308) },
      'difference' as TargetTransform,
      'cannot scale column "sales", training rows 0..5: its first differences overflow float64 (Infinity at training row 1); values must stay far below 1e308 in magnitude',
    ],
    [
      'a standard deviation that overflows (none)',
      { sales: alternating(1e306) },
      'none' as TargetTransform,
      'cannot scale column "sales", training rows 0..5: the mean or standard deviation of its values overflows float64 (mean 0, std Infinity); values must stay far below 1e308 in magnitude',
    ],
    [
      'a feature whose standard deviation overflows',
      { sales: small, price: alternating(1e306) },
      'difference' as TargetTransform,
      'cannot scale column "price", training rows 0..5: the mean or standard deviation of its values overflows float64 (mean 0, std Infinity); values must stay far below 1e308 in magnitude',
    ],
  ])('names the column when %s', (_name, columns, targetTransform, message) => {
    expectInputError(() => fitPreprocessor(makeSeries(columns, 1), { start: 0, end: 6 }, { targetTransform }), message);
  });

  it('rejects a training range outside the series instead of fitting on fewer rows', () => {
    expectInputError(
      () => fitPreprocessor(series, { start: 0, end: 1000 }),
      'train must satisfy 0 <= start <= end <= 40 (integers), got {"start":0,"end":1000}',
    );
    expectInputError(
      () => fitPreprocessor(series, { start: -3, end: 10 }),
      'train must satisfy 0 <= start <= end <= 40 (integers), got {"start":-3,"end":10}',
    );
  });
});

describe('Preprocessor.columns', () => {
  it.each(TARGET_TRANSFORMS)('%s: inputs are [targets..., features...], targets in model space, anchors', (transform) => {
    const p = fitPreprocessor(series, train, { targetTransform: transform });
    const cols = p.columns(series);
    const s = p.toJSON();
    expect(cols.inputs).toHaveLength(3);
    expect(cols.targets).toHaveLength(2);
    expect(cols.targets[0]).toBe(cols.inputs[0]);
    expect(cols.targets[1]).toBe(cols.inputs[1]);
    const base = baseTransform(transform);
    const y = isLogTransform(transform) ? level.map(Math.log) : level;
    expect(cols.firstValidRow).toBe(base === 'difference' ? 1 : 0);
    expect(cols.anchor).toEqual(base === 'relative' ? [0, 1] : [null, null]);
    const ts = s.targetScalers[0] as { mean: number; std: number };
    const t = 10;
    if (base === 'difference') {
      expect(Number.isNaN(cols.inputs[0][0])).toBe(true);
      expect(cols.inputs[0][t]).toBeCloseTo((y[t] - y[t - 1] - ts.mean) / ts.std, 12);
    } else {
      expect(cols.inputs[0][t]).toBeCloseTo((y[t] - ts.mean) / ts.std, 12);
    }
    const fs = s.featureScalers[0] as { mean: number; std: number };
    expect(cols.inputs[2][t]).toBeCloseTo((feature[t] - fs.mean) / fs.std, 12);
    for (const c of cols.inputs) expect(c).toHaveLength(N);
  });

  it.each(TARGET_TRANSFORMS)('%s: columns are causal (changing row t+1 leaves rows <= t unchanged)', (transform) => {
    const p = fitPreprocessor(series, train, { targetTransform: transform });
    const base = p.columns(series);
    for (const t of [3, 23, 30]) {
      const changed = clone(series);
      for (const name of series.columns) {
        for (let i = t + 1; i < N; i++) changed.values[name][i] += 1000 + i;
      }
      const cols = p.columns(changed);
      cols.inputs.forEach((c, j) => {
        expect(Array.from(c.subarray(0, t + 1))).toEqual(Array.from(base.inputs[j].subarray(0, t + 1)));
        expect(c[t + 1]).not.toBe(base.inputs[j][t + 1]);
      });
    }
  });

  it('rejects a series with other columns, naming expected and actual', () => {
    const p = fitPreprocessor(series, train);
    const expected = 'expected targets [level, other] and features [feature]';
    expectInputError(
      () => p.columns(makeSeries({ level, other }, 2)),
      `columns do not match the fitted model: ${expected}, got targets [level, other] and features []`,
    );
    expectInputError(
      () => p.columns(makeSeries({ other, level, feature }, 2)),
      `columns do not match the fitted model: ${expected}, got targets [other, level] and features [feature]`,
    );
    expectInputError(
      () => p.checkColumns(makeSeries({ level, other, extra: feature }, 2)),
      `columns do not match the fitted model: ${expected}, got targets [level, other] and features [extra]`,
    );
  });
});

describe('Preprocessor.invert', () => {
  const horizon = 4;

  /** The network output that would be perfect at origin t, built by hand from the known future. */
  function perfectOutput(state: PreprocessorState, t: number): Float64Array {
    const raw = [level, other];
    const out = new Float64Array(horizon * 2);
    for (let k = 0; k < horizon; k++) {
      for (let m = 0; m < 2; m++) {
        const { mean, std } = state.targetScalers[m] as { mean: number; std: number };
        const y = isLogTransform(state.targetTransform) ? raw[m].map(Math.log) : raw[m];
        const base = baseTransform(state.targetTransform);
        let v: number;
        if (base === 'none') v = (y[t + 1 + k] - mean) / std;
        else if (base === 'difference') v = (y[t + 1 + k] - y[t + k] - mean) / std;
        else v = (y[t + 1 + k] - y[t]) / std;
        out[k * 2 + m] = v;
      }
    }
    return out;
  }

  it.each(TARGET_TRANSFORMS)('%s: the perfect output inverts to the raw future values', (transform) => {
    const p = fitPreprocessor(series, train, { targetTransform: transform });
    const state = p.toJSON();
    const cols = p.columns(series);
    const firstOrigin = cols.firstValidRow + 5;
    const set = makeWindowSet(cols.inputs, cols.targets, { lookback: 6, horizon, firstOrigin, anchor: cols.anchor });
    const x = new Float32Array(6 * 3);
    const y = new Float32Array(horizon * 2);
    for (let i = 0; i < set.size; i += 7) {
      const t = set.origin(i);
      const perfect = perfectOutput(state, t);
      // The window builder produces exactly these targets (up to float32 rounding) ...
      set.fill([i], x, y);
      expect(Array.from(y)).toEqual(Array.from(perfect, (v) => Math.fround(v)));
      if (baseTransform(transform) === 'relative') {
        // ... and the anchored input column is 0 at the origin.
        expect(x[5 * 3 + 0]).toBe(0);
        expect(x[5 * 3 + 1]).toBe(0);
      }
      // ... and inverting the perfect output gives back the raw future.
      const inverted = p.invert(perfect, [level[t], other[t]]);
      expect(inverted).toBeInstanceOf(Float64Array);
      expect(inverted).toHaveLength(horizon * 2);
      for (let k = 0; k < horizon; k++) {
        expect(inverted[k * 2]).toBeCloseTo(level[t + 1 + k], 9);
        expect(inverted[k * 2 + 1]).toBeCloseTo(other[t + 1 + k], 9);
      }
      // Float32 window targets invert to the future up to float32 precision.
      const fromWindow = p.invert(y, [level[t], other[t]]);
      for (let k = 0; k < horizon; k++) expect(Math.abs(fromWindow[k * 2] - level[t + 1 + k])).toBeLessThan(1e-4 * 200);
    }
  });

  it('inverts a zero output to the training mean level (none), the mean drift (difference), the last value (relative)', () => {
    const zeros = new Float64Array(3 * 2);
    const last = [50, 7];
    const none = fitPreprocessor(series, train, { targetTransform: 'none' });
    const ns = none.toJSON().targetScalers.map((s) => (s as { mean: number }).mean);
    expect(Array.from(none.invert(zeros, last))).toEqual([ns[0], ns[1], ns[0], ns[1], ns[0], ns[1]]);
    const diff = fitPreprocessor(series, train, { targetTransform: 'difference' });
    const ds = diff.toJSON().targetScalers.map((s) => (s as { mean: number }).mean);
    const d = diff.invert(zeros, last);
    for (let k = 0; k < 3; k++) {
      expect(d[2 * k]).toBeCloseTo(50 + (k + 1) * ds[0], 10);
      expect(d[2 * k + 1]).toBeCloseTo(7 + (k + 1) * ds[1], 10);
    }
    const rel = fitPreprocessor(series, train, { targetTransform: 'relative' });
    const r = rel.invert(zeros, last);
    for (let k = 0; k < 3; k++) {
      expect(r[2 * k]).toBeCloseTo(50, 10);
      expect(r[2 * k + 1]).toBeCloseTo(7, 10);
    }
  });

  it('does not mutate its inputs', () => {
    const p = fitPreprocessor(series, train, { targetTransform: 'difference' });
    const output = Float64Array.from([0.5, -1, 2, 0.25]);
    const last = [3, 4];
    p.invert(output, last);
    expect(Array.from(output)).toEqual([0.5, -1, 2, 0.25]);
    expect(last).toEqual([3, 4]);
  });
});

describe('Preprocessor.fromJSON / toJSON', () => {
  it.each(TARGET_TRANSFORMS)('%s: a JSON round trip gives the same columns and inversions', (transform) => {
    const p = fitPreprocessor(series, train, { targetTransform: transform });
    const copy = Preprocessor.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
    expect(copy.toJSON()).toEqual(p.toJSON());
    const a = p.columns(series);
    const b = copy.columns(series);
    a.inputs.forEach((c, j) => expect(Array.from(b.inputs[j])).toEqual(Array.from(c)));
    const out = Float64Array.from([0.1, 0.2, -0.3, 0.4]);
    expect(copy.invert(out, [1, 2])).toEqual(p.invert(out, [1, 2]));
  });

  const valid = (): Record<string, unknown> =>
    JSON.parse(JSON.stringify(fitPreprocessor(series, train).toJSON())) as Record<string, unknown>;

  it.each([
    ['null', () => null, 'preprocessor state must be an object, got null'],
    ['a string', () => 'x', 'preprocessor state must be an object, got "x"'],
    [
      'an unknown transform',
      () => ({ ...valid(), targetTransform: 'log' }),
      'preprocessor.targetTransform must be one of none, difference, relative, log-difference, log-relative, got "log"',
    ],
    [
      'a missing transform',
      () => ({ ...valid(), targetTransform: undefined }),
      'preprocessor.targetTransform must be one of none, difference, relative, log-difference, log-relative, got undefined',
    ],
    [
      'no targets',
      () => ({ ...valid(), targets: [] }),
      'preprocessor.targets and preprocessor.features must be arrays of column names',
    ],
    [
      'a non-string target',
      () => ({ ...valid(), targets: ['level', 3] }),
      'preprocessor.targets and preprocessor.features must be arrays of column names',
    ],
    [
      'missing features',
      () => ({ ...valid(), features: undefined }),
      'preprocessor.targets and preprocessor.features must be arrays of column names',
    ],
    [
      'one target scaler short',
      () => ({ ...valid(), targetScalers: [(valid().targetScalers as unknown[])[0]] }),
      'preprocessor.targetScalers must have one entry per target (2)',
    ],
    [
      'feature scalers not an array',
      () => ({ ...valid(), featureScalers: {} }),
      'preprocessor.featureScalers must have one entry per feature (1)',
    ],
    [
      'a corrupt scaler',
      () => ({ ...valid(), featureScalers: [{ kind: 'standard', mean: 1, std: 'x' }] }),
      'scaler state.std must be a finite number, got "x"',
    ],
  ])('rejects %s', (_name, state, message) => {
    expectInputError(() => Preprocessor.fromJSON(state()), message);
  });
});

describe('log target transforms', () => {
  it('refuse a target that is not strictly positive, naming the column, row and value', () => {
    const negative = makeSeries({ level, other: other.map((v, t) => (t === 3 ? -1 : v)), feature }, 2);
    expectInputError(
      () => fitPreprocessor(negative, train, { targetTransform: 'log-difference' }),
      `the log target transforms need strictly positive values, but column "other" of memory is -1 at row 3; use 'difference' or 'relative'`,
    );
    const zeroLater = makeSeries({ level: level.map((v, t) => (t === 30 ? 0 : v)), other, feature }, 2);
    const p = fitPreprocessor(zeroLater, train, { targetTransform: 'log-relative' });
    expectInputError(
      () => p.columns(zeroLater),
      `the log target transforms need strictly positive values, but column "level" of memory is 0 at row 30; use 'difference' or 'relative'`,
    );
  });

  it('invert exactly up to exp/log rounding, for any step count (the recursive path)', () => {
    const p = fitPreprocessor(series, train, { targetTransform: 'log-difference' });
    const cols = p.columns(series);
    const t = 20;
    const steps = 12;
    const out = new Float64Array(steps * 2);
    for (let k = 0; k < steps; k++) for (let m = 0; m < 2; m++) out[k * 2 + m] = cols.targets[m][t + 1 + k];
    const back = p.invert(out, [level[t], other[t]]);
    for (let k = 0; k < steps; k++) {
      expect(Math.abs(back[k * 2] - level[t + 1 + k]) / level[t + 1 + k]).toBeLessThan(1e-13);
      expect(Math.abs(back[k * 2 + 1] - other[t + 1 + k]) / other[t + 1 + k]).toBeLessThan(1e-13);
    }
  });
});
