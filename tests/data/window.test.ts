import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SAMPLING_RATE,
  DEFAULT_SEQUENCE_STRIDE,
  DEFAULT_WINDOW_STRIDE,
  kerasWindowStarts,
  makeJoinedWindowSet,
  makeOriginSet,
  makeWindowSet,
  timeseriesDataset,
  type KerasWindowOptions,
  type WindowSet,
} from '../../src/data/window';
import { splitByFraction } from '../../src/data/split';
import { expectInputError } from './helpers';

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);
const col = (values: number[]): Float64Array => Float64Array.from(values);

/** Brute-force reference: every start s that Keras' definition admits. */
function referenceStarts(length: number, o: KerasWindowOptions): number[] {
  const stride = o.sequenceStride ?? 1;
  const rate = o.samplingRate ?? 1;
  const start = o.startIndex ?? 0;
  const end = o.endIndex ?? length;
  const out: number[] = [];
  for (let s = start; s < end; s++) {
    if ((s - start) % stride === 0 && s + (o.sequenceLength - 1) * rate < end) out.push(s);
  }
  return out;
}

describe('kerasWindowStarts / timeseriesDataset (Keras documented examples)', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_SEQUENCE_STRIDE).toBe(1);
    expect(DEFAULT_SAMPLING_RATE).toBe(1);
  });

  it('example 1: indices 0..98, sequence_length=10, sampling_rate=2, sequence_stride=3', () => {
    const data = range(99);
    const options = { sequenceLength: 10, samplingRate: 2, sequenceStride: 3 };
    const { inputs, targets, starts } = timeseriesDataset(data, null, options);
    expect(targets).toBeNull();
    expect(inputs[0]).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(inputs[1]).toEqual([3, 5, 7, 9, 11, 13, 15, 17, 19, 21]);
    expect(inputs[2]).toEqual([6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
    expect(inputs[inputs.length - 1]).toEqual([78, 80, 82, 84, 86, 88, 90, 92, 94, 96]);
    expect(inputs).toHaveLength(27);
    // The last 2 points (97, 98) are not used: the next window would start at 81 and end at 99.
    expect(Array.from(starts)).toEqual(Array.from(kerasWindowStarts(99, options)));
  });

  it('example 2: temporal regression, input_data = data[:-10], targets = data[10:]', () => {
    const data = range(100).map((i) => i * i); // any values; squares make mistakes visible
    const { inputs, targets } = timeseriesDataset(data.slice(0, -10), data.slice(10), { sequenceLength: 10 });
    expect(inputs[0]).toEqual(data.slice(0, 10)); // first sequence: steps 0-9
    expect(targets![0]).toBe(data[10]); // its target: step 10
    expect(inputs).toHaveLength(81); // 90 - 9
    inputs.forEach((window, i) => {
      expect(window).toEqual(data.slice(i, i + 10));
      expect(targets![i]).toBe(data[i + 10]); // the step right after the window
    });
  });

  it('example 3: many-to-many, non-overlapping windows of 20 over X and Y = 2X', () => {
    const X = range(100);
    const Y = X.map((x) => 2 * x);
    const options = { sequenceLength: 20, sequenceStride: 20 };
    const inputs = timeseriesDataset(X, null, options).inputs;
    const outputs = timeseriesDataset(Y, null, options).inputs;
    expect(inputs).toHaveLength(5);
    expect(inputs[0]).toEqual(X.slice(0, 20));
    expect(outputs[1]).toEqual(Y.slice(20, 40));
  });

  it('start_index and end_index bound every window; targets are indexed by absolute start', () => {
    const data = range(100);
    const { inputs, targets, starts } = timeseriesDataset(data, data.map((v) => -v), {
      sequenceLength: 5,
      startIndex: 10,
      endIndex: 50,
    });
    expect(starts[0]).toBe(10);
    expect(starts[starts.length - 1]).toBe(45); // window 45..49, the last below end_index 50
    expect(inputs[inputs.length - 1]).toEqual([45, 46, 47, 48, 49]);
    expect(targets![0]).toBe(-10);
  });

  it('matches a brute-force enumeration over a grid of options', () => {
    for (const length of [1, 7, 30]) {
      for (const sequenceLength of [1, 3, 8]) {
        for (const sequenceStride of [1, 2, 5]) {
          for (const samplingRate of [1, 3]) {
            for (const [startIndex, endIndex] of [[0, length], [Math.floor(length / 3), length], [0, Math.ceil(length / 2)]]) {
              if (startIndex >= length || endIndex <= startIndex) continue;
              const o = { sequenceLength, sequenceStride, samplingRate, startIndex, endIndex };
              expect(Array.from(kerasWindowStarts(length, o))).toEqual(referenceStarts(length, o));
            }
          }
        }
      }
    }
  });

  it('yields no windows when the data is shorter than one window (as Keras)', () => {
    expect(kerasWindowStarts(5, { sequenceLength: 6 })).toHaveLength(0);
    expect(kerasWindowStarts(5, { sequenceLength: 3, samplingRate: 3 })).toHaveLength(0);
    expect(timeseriesDataset([1, 2], [0, 0], { sequenceLength: 3 }).inputs).toEqual([]);
  });

  it.each<[number, KerasWindowOptions, string]>([
    [10, { sequenceLength: 0 }, 'sequenceLength must be a positive integer, got 0'],
    [10, { sequenceLength: 2, sequenceStride: 0 }, 'sequenceStride must be a positive integer, got 0'],
    [10, { sequenceLength: 2, samplingRate: 1.5 }, 'samplingRate must be a positive integer, got 1.5'],
    [10, { sequenceLength: 2, startIndex: 10 }, 'startIndex must be an integer in [0, 9], got 10'],
    [10, { sequenceLength: 2, startIndex: -1 }, 'startIndex must be an integer in [0, 9], got -1'],
    [10, { sequenceLength: 2, startIndex: 4, endIndex: 4 }, 'endIndex must be an integer in [5, 10] (after startIndex 4), got 4'],
    [10, { sequenceLength: 2, endIndex: 11 }, 'endIndex must be an integer in [1, 10] (after startIndex 0), got 11'],
    [0, { sequenceLength: 2 }, 'length must be a positive integer, got 0'],
  ])('rejects length %i with %j', (length, options, message) => {
    expectInputError(() => kerasWindowStarts(length, options), message);
  });

  it('rejects targets too short for the last window (Keras drops them silently)', () => {
    expectInputError(
      () => timeseriesDataset(range(10), range(5), { sequenceLength: 3 }),
      'targets has 5 entries, but the window starting at index 7 needs targets[7]',
    );
  });
});

/** Reads every sample of a set into nested arrays, one fill call per sample. */
function materialise(set: WindowSet): { x: number[][][]; y: number[][][] } {
  const x: number[][][] = [];
  const y: number[][][] = [];
  const xb = new Float32Array(set.lookback * set.numFeatures);
  const yb = new Float32Array(set.horizon * set.numTargets);
  for (let i = 0; i < set.size; i++) {
    set.fill([i], xb, yb);
    x.push(range(set.lookback).map((s) => Array.from(xb.subarray(s * set.numFeatures, (s + 1) * set.numFeatures))));
    y.push(range(set.horizon).map((h) => Array.from(yb.subarray(h * set.numTargets, (h + 1) * set.numTargets))));
  }
  return { x, y };
}

describe('makeWindowSet', () => {
  it('reproduces the documented worked example', () => {
    expect(DEFAULT_WINDOW_STRIDE).toBe(1);
    const y = col(range(10));
    const set = makeWindowSet([y], [y], { lookback: 3, horizon: 2, targetEnd: 8 });
    expect(set.size).toBe(4);
    expect(range(4).map((i) => set.origin(i))).toEqual([2, 3, 4, 5]);
    const { x, y: t } = materialise(set);
    expect(x[0]).toEqual([[0], [1], [2]]);
    expect(t[0]).toEqual([[3], [4]]);
    expect(x[3]).toEqual([[3], [4], [5]]);
    expect(t[3]).toEqual([[6], [7]]);
  });

  it('lays out multi-column samples row-major by time (hand-worked)', () => {
    const a = col([1, 2, 3, 4, 5, 6]);
    const b = col([10, 20, 30, 40, 50, 60]);
    const target1 = col([100, 200, 300, 400, 500, 600]);
    const set = makeWindowSet([a, b], [b, target1], { lookback: 2, horizon: 2, firstOrigin: 2, stride: 2 });
    expect([set.size, set.lookback, set.numFeatures, set.horizon, set.numTargets]).toEqual([1, 2, 2, 2, 2]);
    const x = new Float32Array(4);
    const yb = new Float32Array(4);
    set.fill([0], x, yb); // origin 2
    expect(Array.from(x)).toEqual([2, 20, 3, 30]); // rows 1, 2: [a, b]
    expect(Array.from(yb)).toEqual([40, 400, 50, 500]); // rows 3, 4: [b, target1]
  });

  it('matches a naive reference implementation, with strides and anchors', () => {
    const n = 40;
    const inputs = [col(range(n).map((i) => Math.sin(i) * 10)), col(range(n).map((i) => i * 0.5)), col(range(n).map((i) => (i * 7) % 11))];
    const targets = [col(range(n).map((i) => Math.cos(i))), inputs[2]];
    const anchor = [null, 2];
    const options = { lookback: 5, horizon: 3, stride: 3, firstOrigin: 6, targetEnd: 35, anchor };
    const set = makeWindowSet(inputs, targets, options);
    const { x, y } = materialise(set);
    const origins: number[] = [];
    for (let t = 6; t + 3 < 35; t += 3) origins.push(t);
    expect(set.size).toBe(origins.length);
    origins.forEach((t, i) => {
      expect(set.origin(i)).toBe(t);
      const shift2 = inputs[2][t];
      const xr = range(5).map((s) => inputs.map((c, f) => (f === 2 ? c[t - 4 + s] - shift2 : c[t - 4 + s])));
      const yr = range(3).map((h) => [targets[0][t + 1 + h], targets[1][t + 1 + h] - shift2]);
      expect(x[i]).toEqual(xr.map((row) => row.map(Math.fround)));
      expect(y[i]).toEqual(yr.map((row) => row.map(Math.fround)));
      expect(x[i][4][2]).toBe(0); // the anchored column's last input step is 0
      expect(set.anchorValue(i, 1)).toBe(shift2);
      expect(set.anchorValue(i, 0)).toBe(0);
    });
  });

  it('never puts a validation or test target into a training sample', () => {
    for (const n of [30, 57, 100]) {
      for (const [lookback, horizon, stride] of [[1, 1, 1], [4, 3, 1], [7, 5, 2], [3, 12, 4]]) {
        const split = splitByFraction(n, { valFraction: 0.2, testFraction: 0.2 });
        const rowIndex = col(range(n)); // target value = its row index
        const set = makeWindowSet([rowIndex], [rowIndex], { lookback, horizon, stride, targetEnd: split.train.end });
        const { y } = materialise(set);
        const maxTargetRow = Math.max(...y.flat(2));
        expect(maxTargetRow).toBeLessThan(split.train.end);
        // and the bound is tight with stride 1: the last training row is used as a target.
        if (stride === 1) expect(maxTargetRow).toBe(split.train.end - 1);
        // Validation samples: targets only inside the validation range.
        const val = makeWindowSet([rowIndex], [rowIndex], {
          lookback,
          horizon,
          firstOrigin: Math.max(lookback - 1, split.val.start - 1),
          targetEnd: split.val.end,
          allowEmpty: true,
        });
        const yv = materialise(val).y.flat(2);
        for (const r of yv) expect(r >= split.val.start && r < split.val.end).toBe(true);
      }
    }
  });

  it('fills several samples at buffer offsets, in the order of the indices', () => {
    const y = col(range(8));
    const set = makeWindowSet([y], [y], { lookback: 2, horizon: 1 });
    const x = new Float32Array(6);
    const t = new Float32Array(3);
    set.fill(Int32Array.of(4, 0, 2), x, t);
    expect(Array.from(x)).toEqual([4, 5, 0, 1, 2, 3]);
    expect(Array.from(t)).toEqual([6, 2, 4]);
  });

  it('references the columns without copying and never modifies them', () => {
    const y = col([1, 2, 3, 4]);
    const before = Array.from(y);
    const set = makeWindowSet([y], [y], { lookback: 2, horizon: 1, anchor: [0] });
    const x = new Float32Array(2);
    const t = new Float32Array(1);
    set.fill([0], x, t);
    expect(Array.from(x)).toEqual([-1, 0]);
    expect(Array.from(t)).toEqual([1]);
    expect(Array.from(y)).toEqual(before);
    y[2] = 10; // documented: the set reads the live column
    set.fill([0], x, t);
    expect(Array.from(t)).toEqual([8]);
  });

  it('allows NaN in rows no sample reads, and rejects it in rows that are read', () => {
    const y = col([NaN, 1, 2, 3, 4]);
    expect(makeWindowSet([y], [y], { lookback: 2, horizon: 1, firstOrigin: 2 }).size).toBe(2);
    expectInputError(
      () => makeWindowSet([y], [y], { lookback: 2, horizon: 1 }),
      'inputs[0][0] must be a finite number, got NaN (read by the sample with origin 1)',
    );
    const z = col([0, 1, 2, 3, Infinity]);
    expectInputError(
      () => makeWindowSet([z], [z], { lookback: 2, horizon: 2 }),
      'targets[0][4] must be a finite number, got Infinity (read by the sample with origin 2)',
    );
    // The same row is fine when targetEnd keeps samples away from it.
    expect(makeWindowSet([z], [z], { lookback: 2, horizon: 2, targetEnd: 4 }).size).toBe(1);
  });

  it('throws RangeError for bad indices and short buffers', () => {
    const y = col(range(6));
    const set = makeWindowSet([y], [y], { lookback: 2, horizon: 2 });
    const x = new Float32Array(4);
    const t = new Float32Array(4);
    expect(() => set.fill([3], x, t)).toThrow(new RangeError('sample index 3 is outside [0, 3)'));
    expect(() => set.fill([-1], x, t)).toThrow(RangeError);
    expect(() => set.fill([0.5], x, t)).toThrow(new RangeError('sample index 0.5 is outside [0, 3)'));
    expect(() => set.fill([0, 1, 2], x, t)).toThrow(new RangeError('x has length 4, but 3 samples need 6 (3 x 2 x 1)'));
    expect(() => set.fill([0, 1], x, new Float32Array(3))).toThrow(new RangeError('y has length 3, but 2 samples need 4 (2 x 2 x 1)'));
    expect(() => set.origin(3)).toThrow(RangeError);
    expect(() => set.anchorValue(0, 1)).toThrow(new RangeError('target index 1 is outside [0, 1)'));
  });

  it.each<[string, () => unknown, string]>([
    ['no inputs', () => makeWindowSet([], [col([1])], { lookback: 1, horizon: 1 }), 'inputs must be a non-empty array of columns, got []'],
    ['plain array column', () => makeWindowSet([[1, 2]] as unknown as Float64Array[], [col([1, 2])], { lookback: 1, horizon: 1 }), 'inputs[0] must be a Float64Array, got [1,2]'],
    ['ragged inputs', () => makeWindowSet([col([1, 2, 3]), col([1, 2])], [col([1, 2, 3])], { lookback: 1, horizon: 1 }), 'inputs[1] has length 2, but inputs[0] has length 3'],
    ['target length', () => makeWindowSet([col([1, 2, 3])], [col([1, 2])], { lookback: 1, horizon: 1 }), 'targets have length 2, but inputs have length 3'],
    ['lookback 0', () => makeWindowSet([col(range(9))], [col(range(9))], { lookback: 0, horizon: 1 }), 'lookback must be a positive integer, got 0'],
    ['horizon 0', () => makeWindowSet([col(range(9))], [col(range(9))], { lookback: 2, horizon: 0 }), 'horizon must be a positive integer, got 0'],
    ['stride 1.5', () => makeWindowSet([col(range(9))], [col(range(9))], { lookback: 2, horizon: 1, stride: 1.5 }), 'stride must be a positive integer, got 1.5'],
    ['firstOrigin too small', () => makeWindowSet([col(range(9))], [col(range(9))], { lookback: 4, horizon: 1, firstOrigin: 2 }), 'firstOrigin must be an integer >= lookback - 1 (= 3), got 2'],
    ['targetEnd too large', () => makeWindowSet([col(range(9))], [col(range(9))], { lookback: 2, horizon: 1, targetEnd: 10 }), 'targetEnd must be an integer in [0, 9], got 10'],
    ['anchor length', () => makeWindowSet([col(range(9))], [col(range(9))], { lookback: 2, horizon: 1, anchor: [0, 0] }), 'anchor must have one entry per target column (1), got [0,0]'],
    ['anchor index', () => makeWindowSet([col(range(9))], [col(range(9))], { lookback: 2, horizon: 1, anchor: [1] }), 'anchor[0] must be null or an input column index in [0, 0], got 1'],
  ])('rejects %s', (_name, fn, message) => {
    expectInputError(fn, message);
  });

  it('nothing fits: error by default, an empty set with allowEmpty', () => {
    const y = col(range(8));
    expectInputError(
      () => makeWindowSet([y], [y], { lookback: 5, horizon: 3, targetEnd: 7 }),
      'no sample fits: origins t must satisfy firstOrigin 4 <= t <= targetEnd - horizon - 1 = 3 (lookback 5, horizon 3, 8 rows)',
    );
    expect(makeWindowSet([y], [y], { lookback: 5, horizon: 3, targetEnd: 7, allowEmpty: true }).size).toBe(0);
    // One row more and exactly one sample fits (origin 4, targets 5-7).
    expect(makeWindowSet([y], [y], { lookback: 5, horizon: 3, targetEnd: 8 }).size).toBe(1);
  });
});

describe('makeOriginSet', () => {
  it('builds inputs only, at arbitrary origins, with anchors', () => {
    const a = col([1, 2, 3, 4, 5]);
    const b = col([10, 20, 30, 40, 50]);
    const set = makeOriginSet([a, b], { lookback: 2, origins: [4, 1], anchor: [1] });
    expect([set.size, set.lookback, set.numFeatures, set.horizon, set.numTargets]).toEqual([2, 2, 2, 0, 1]);
    const x = new Float32Array(8);
    set.fill([0, 1], x, new Float32Array(0));
    expect(Array.from(x)).toEqual([4, -10, 5, 0, 1, -10, 2, 0]);
    expect(set.origin(1)).toBe(1);
    expect(set.anchorValue(0, 0)).toBe(50);
    expect(set.anchorValue(1, 0)).toBe(20);
  });

  it('copies the origins', () => {
    const origins = [2, 3];
    const set = makeOriginSet([col(range(5))], { lookback: 1, origins });
    origins[0] = 0;
    expect(set.origin(0)).toBe(2);
  });

  it.each<[string, () => unknown, string]>([
    ['early origin', () => makeOriginSet([col(range(5))], { lookback: 3, origins: [4, 1] }), 'origins[1] must be an integer in [2, 4] (lookback 3, 5 rows), got 1'],
    ['late origin', () => makeOriginSet([col(range(5))], { lookback: 3, origins: [5] }), 'origins[0] must be an integer in [2, 4] (lookback 3, 5 rows), got 5'],
    ['empty', () => makeOriginSet([col(range(5))], { lookback: 3, origins: [] }), 'origins must not be empty'],
    ['NaN read', () => makeOriginSet([col([0, NaN, 2, 3])], { lookback: 2, origins: [3, 2] }), 'inputs[0][1] must be a finite number, got NaN (read by the sample with origin 2)'],
  ])('rejects %s', (_name, fn, message) => {
    expectInputError(fn, message);
  });

  it('allows an empty set with allowEmpty', () => {
    expect(makeOriginSet([col(range(5))], { lookback: 3, origins: [], allowEmpty: true }).size).toBe(0);
  });
});

describe('makeWindowSet: passing a single column by mistake', () => {
  it('explains that columns must be wrapped in an array', () => {
    const y = Float64Array.of(1, 2, 3);
    expectInputError(
      () => makeWindowSet(y as unknown as Float64Array[], [y], { lookback: 1, horizon: 1 }),
      'inputs must be an array of columns, got a single Float64Array of length 3; wrap it as [column]',
    );
  });
});

describe('makeJoinedWindowSet', () => {
  const col = (...v: number[]): Float64Array => Float64Array.from(v);
  // Row 0 of each part is NaN (a differenced column): no sample may read it.
  const a = { y: col(NaN, 1, 2, 3, 4, 5), x: col(9, 8, 7, 6, 5, 4) };
  const b = { y: col(NaN, 10, 20, 30, 40), x: col(1, 1, 2, 2, 3) };
  const parts = [
    { inputs: [a.y, a.x], targets: [a.y], firstOrigin: 2, targetEnd: 6 },
    { inputs: [b.y, b.x], targets: [b.y], firstOrigin: 2, targetEnd: 5 },
  ];

  it('holds the samples of each part, in order, exactly as the parts on their own', () => {
    const joined = makeJoinedWindowSet(parts, { lookback: 2, horizon: 1, anchor: [0] });
    const own = parts.map((p) => makeWindowSet(p.inputs, p.targets, { lookback: 2, horizon: 1, firstOrigin: p.firstOrigin, targetEnd: p.targetEnd, anchor: [0] }));
    expect(joined.size).toBe(own[0].size + own[1].size);
    const sample = (set: { fill: (i: number[], x: Float32Array, y: Float32Array) => void }, i: number): number[][] => {
      const x = new Float32Array(4);
      const y = new Float32Array(1);
      set.fill([i], x, y);
      return [Array.from(x), Array.from(y)];
    };
    const expected = [...Array.from({ length: own[0].size }, (_, i) => sample(own[0], i)), ...Array.from({ length: own[1].size }, (_, i) => sample(own[1], i))];
    expect(Array.from({ length: joined.size }, (_, i) => sample(joined, i))).toEqual(expected);
    // A shuffled batch across both parts fills as the samples one by one.
    const x = new Float32Array(3 * 4);
    const y = new Float32Array(3);
    joined.fill([4, 0, 3], x, y);
    expect(Array.from(y)).toEqual([expected[4][1][0], expected[0][1][0], expected[3][1][0]]);
  });

  it('rejects no parts and parts of other shapes, naming the part', () => {
    expectInputError(() => makeJoinedWindowSet([], { lookback: 2, horizon: 1 }), 'makeJoinedWindowSet needs at least one part');
    expectInputError(
      () => makeJoinedWindowSet([parts[0], { ...parts[1], inputs: [b.y] }], { lookback: 2, horizon: 1 }),
      'parts[1] has 1 input and 1 target columns, parts[0] has 2 and 1',
    );
    expectInputError(
      () => makeJoinedWindowSet([{ ...parts[0], firstOrigin: 1 }], { lookback: 2, horizon: 1 }),
      'inputs[0][0] must be a finite number, got NaN (read by the sample with origin 1)',
    );
  });
});
