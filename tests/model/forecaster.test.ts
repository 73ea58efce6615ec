import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SplitIndices } from '../../src/data/split';
import type { TargetTransform } from '../../src/data/transform';
import type { TimeSeries } from '../../src/data/types';
import { FusedLstm } from '../../src/kernels/lstm/fusedLayer';
import { loadLstmKernel } from '../../src/kernels/lstm/select';
import { DEFAULT_EPOCHS, resolveLstmConfig } from '../../src/model/config';
import { resolveLstmKernel } from '../../src/model/kernel';
import { buildLstmModel } from '../../src/model/lstm';
import {
  LstmForecaster,
  MAX_DEFAULT_LOOKBACK,
  defaultLookback,
  type ForecasterOptions,
} from '../../src/model/forecaster';
import { expectInputError, expectInputErrorAsync, useBackend, weightValues, makeSeries } from './helpers';
import { kernelDecisions } from '../helpers/kernelDecisions';


function withValues(series: TimeSeries, change: (name: string, values: Float64Array) => void): TimeSeries {
  const values: Record<string, Float64Array> = {};
  for (const [name, v] of Object.entries(series.values)) {
    values[name] = v.slice();
    change(name, values[name]);
  }
  return { ...series, values };
}

/** Appends target rows (no features), as a user would feed forecasts back by hand. */
function appendByHand(series: TimeSeries, rows: readonly number[]): TimeSeries {
  const n = series.length + rows.length;
  const y = new Float64Array(n);
  y.set(series.values.y);
  y.set(rows, series.length);
  return makeSeries({ y });
}

const N = 120;
const seasonal = Float64Array.from({ length: N }, (_, t) => 10 + 0.05 * t + 2 * Math.sin((2 * Math.PI * t) / 12) + 0.3 * Math.cos(t));
const series = makeSeries({ y: seasonal });
const split: SplitIndices = { train: { start: 0, end: 84 }, val: { start: 84, end: 96 }, test: { start: 96, end: 120 } };
const small = { units: 8, epochs: 3, batchSize: 16 } as const;
const options: ForecasterOptions = { horizon: 3, season: 12, lookback: 12, model: small };

let fitted: LstmForecaster;

beforeAll(async () => {
  await useBackend('cpu');
  fitted = await LstmForecaster.fit(series, split, options);
});

afterAll(() => {
  fitted.dispose();
});

describe('defaultLookback', () => {
  it.each([
    [12, 12, Infinity, 24],
    [1, 1, Infinity, 8],
    [7, 3, Infinity, 14],
    [1, 30, Infinity, 60],
    [365, 7, 900, MAX_DEFAULT_LOOKBACK],
    [12, 12, 40, 10],
    [12, 12, 3, 1],
  ])('season %i, horizon %i, %d training rows -> %i', (season, horizon, rows, expected) => {
    expect(defaultLookback(season, horizon, rows)).toBe(expected);
  });

  it('is used by fit, from the training rows', async () => {
    const f = await LstmForecaster.fit(series, split, { horizon: 2, season: 12, model: { ...small, epochs: 1 } });
    expect(f.lookback).toBe(defaultLookback(12, 2, 84));
    expect(f.lookback).toBe(21);
    f.dispose();
  });
});

describe('LstmForecaster.fit', () => {
  it('records the spec: window, preprocessing, config, history, split and data', () => {
    expect(fitted.lookback).toBe(12);
    expect(fitted.horizon).toBe(3);
    expect(fitted.shape).toEqual({ lookback: 12, numFeatures: 1, horizon: 3, numTargets: 1 });
    expect(fitted.spec.season).toBe(12);
    expect(fitted.spec.preprocessor.targetTransform).toBe('difference');
    expect(fitted.spec.config).toMatchObject({ units: 8, epochs: 3, batchSize: 16 });
    expect(fitted.spec.split).toEqual(split);
    expect(fitted.spec.backend).toBeNull();
    // The default kernel 'auto' is the fused kernel on this CPU backend (the kernels are built).
    expect(loadLstmKernel()).not.toBeNull();
    expect(fitted.spec.config.kernel).toBe('auto');
    expect(fitted.spec.kernel).toEqual({ requested: 'auto', kernel: 'fused', info: { ...loadLstmKernel()!.info }, reason: expect.any(String), summary: expect.any(String) });
    expect(fitted.kernel).toBe(fitted.spec.kernel);
    expect(fitted.model.layers[0]).toBeInstanceOf(FusedLstm);
    expect(fitted.spec.data).toEqual({ source: 'memory', timeColumn: 't', timeKind: 'number', targets: ['y'], features: [], rows: N });
    expect(fitted.history?.epochsRun).toBe(3);
    expect(fitted.history?.loss).toHaveLength(3);
    expect(fitted.history?.valLoss).toHaveLength(3);
    expect(fitted.model.inputs[0].shape).toEqual([null, 12, 1]);
    expect(fitted.model.outputs[0].shape).toEqual([null, 3, 1]);
  });

  it('defaults to DEFAULT_EPOCHS, the one epochs default of the library, the job and the CLI', () => {
    expect(DEFAULT_EPOCHS).toBe(200);
  });

  it('does not mutate the series', async () => {
    const copy = withValues(series, () => undefined);
    const f = await LstmForecaster.fit(copy, split, { ...options, model: { ...small, epochs: 1 } });
    f.forecast(copy, { steps: 5 });
    expect(Array.from(copy.values.y)).toEqual(Array.from(seasonal));
    expect(copy.length).toBe(N);
    f.dispose();
  });

  it('never sees the test range: changing test values leaves the training result identical', async () => {
    const changed = withValues(series, (_name, v) => {
      for (let i = split.test.start; i < N; i++) v[i] = 1000 * Math.sin(i);
    });
    const a = await LstmForecaster.fit(series, split, options);
    const b = await LstmForecaster.fit(changed, split, options);
    expect(b.history!.loss).toEqual(a.history!.loss);
    expect(b.history!.valLoss).toEqual(a.history!.valLoss);
    expect(b.spec.preprocessor).toEqual(a.spec.preprocessor);
    expect(weightValues(b.model)).toEqual(weightValues(a.model));
    // Changing a validation value does change it (the check above can fail).
    const valChanged = withValues(series, (_name, v) => {
      v[split.val.start + 2] += 5;
    });
    const c = await LstmForecaster.fit(valChanged, split, options);
    expect(c.history!.valLoss).not.toEqual(a.history!.valLoss);
    a.dispose();
    b.dispose();
    c.dispose();
  });

  it('is deterministic: same seed, same forecasts; another seed, others', async () => {
    const again = await LstmForecaster.fit(series, split, options);
    const origins = [96, 100, 119];
    expect(again.forecastAt(series, origins)).toEqual(fitted.forecastAt(series, origins));
    expect(again.history!.loss).toEqual(fitted.history!.loss);
    const other = await LstmForecaster.fit(series, split, { ...options, model: { ...small, seed: 7 } });
    expect(other.forecastAt(series, origins)).not.toEqual(fitted.forecastAt(series, origins));
    again.dispose();
    other.dispose();
  });

  it('rejects too few training rows for the window, naming the numbers', async () => {
    const shortSplit: SplitIndices = { train: { start: 0, end: 10 }, val: { start: 10, end: 12 }, test: { start: 12, end: 20 } };
    const short = makeSeries({ y: seasonal.subarray(0, 20) });
    await expectInputErrorAsync(
      () => LstmForecaster.fit(short, shortSplit, { horizon: 3, lookback: 8, model: small }),
      'too few training rows for lookback 8 and horizon 3: the training range has 10 rows, at least 12 are needed',
    );
    // 'none' has no lost first row: lookback 7 + horizon 3 fit into 10 rows exactly.
    const ok = await LstmForecaster.fit(short, shortSplit, { horizon: 3, lookback: 7, targetTransform: 'none', model: { ...small, epochs: 1 } });
    expect(ok.history!.epochsRun).toBe(1);
    ok.dispose();
    await expectInputErrorAsync(
      () => LstmForecaster.fit(short, shortSplit, { horizon: 3, lookback: 8, targetTransform: 'none', model: small }),
      'too few training rows for lookback 8 and horizon 3: the training range has 10 rows, at least 11 are needed',
    );
  });

  it.each([
    [{ horizon: 0 }, 'horizon must be a positive integer, got 0'],
    [{ horizon: 1.5 }, 'horizon must be a positive integer, got 1.5'],
    [{ horizon: 2, season: 0 }, 'season must be a positive integer, got 0'],
    [{ horizon: 2, lookback: -1 }, 'lookback must be a positive integer, got -1'],
    [{ horizon: 2, targetTransform: 'log' as TargetTransform }, 'targetTransform must be one of none, difference, relative, log-difference, log-relative, got "log"'],
  ])('rejects bad options %j', async (bad, message) => {
    await expectInputErrorAsync(() => LstmForecaster.fit(series, split, { model: small, ...bad }), message);
  });

  it('fused and stock kernels: the same seed and data give the same losses (1e-3 relative)', async () => {
    const opts = { ...options, model: { ...small, epochs: 2 } };
    const fused = await LstmForecaster.fit(series, split, { ...opts, model: { ...opts.model, kernel: 'fused' } });
    const stock = await LstmForecaster.fit(series, split, { ...opts, model: { ...opts.model, kernel: 'stock' } });
    try {
      expect(fused.kernel.kernel).toBe('fused');
      expect(stock.kernel.kernel).toBe('stock');
      expect(fused.model.layers[0]).toBeInstanceOf(FusedLstm);
      expect(stock.model.layers[0]).not.toBeInstanceOf(FusedLstm);
      expect((fused.model.layers[0] as FusedLstm).fusedCalls).toBeGreaterThan(0);
      expect(fused.history!.loss).toHaveLength(2);
      for (const key of ['loss', 'valLoss'] as const) {
        fused.history![key].forEach((loss, e) => {
          const want = stock.history![key][e];
          expect(Math.abs(loss - want), `${key}[${e}]: fused ${loss}, stock ${want}`).toBeLessThan(1e-3 * want);
        });
      }
    } finally {
      fused.dispose();
      stock.dispose();
    }
  });

  it.each(['fused', 'stock'] as const)('the %s kernel is reproducible: the same fit twice gives bit-identical loss histories', async (kernel) => {
    const opts = { ...options, model: { ...small, epochs: 2, kernel } };
    const a = await LstmForecaster.fit(series, split, opts);
    const b = await LstmForecaster.fit(series, split, opts);
    try {
      expect(a.kernel.kernel).toBe(kernel);
      expect(b.history!.loss).toEqual(a.history!.loss);
      expect(b.history!.valLoss).toEqual(a.history!.valLoss);
      expect(weightValues(b.model)).toEqual(weightValues(a.model));
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('does not leak tensors on the fused path: numTensors is flat across fit -> forecast -> dispose', async () => {
    const before = tf.memory().numTensors;
    const f = await LstmForecaster.fit(series, split, { ...options, model: { ...small, layers: 2, epochs: 2, kernel: 'fused' } });
    expect(f.model.layers.slice(0, 2).map((l) => (l as FusedLstm).fusedCalls > 0)).toEqual([true, true]);
    const fitted = tf.memory().numTensors;
    f.forecastAt(series, [96, 97, 98]);
    f.forecast(series, { steps: 8 });
    expect(tf.memory().numTensors).toBe(fitted);
    f.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('does not leak tensors: numTensors is flat across fit -> forecast -> dispose (optimizer included)', async () => {
    // Building alone must not leak either (tfjs' unitForgetBias initializer leaked 4 tensors per
    // layer; buildLstmModel writes the forget bias itself).
    const config = resolveLstmConfig({ ...small, layers: 2 });
    const shape = { lookback: 12, numFeatures: 1, horizon: 3, numTargets: 1 };
    let before = tf.memory().numTensors;
    const bare = buildLstmModel(config, shape);
    const optimizer = bare.optimizer;
    bare.dispose();
    optimizer.dispose();
    const buildLeak = tf.memory().numTensors - before;
    expect(buildLeak).toBe(0);

    before = tf.memory().numTensors;
    const f = await LstmForecaster.fit(series, split, { ...options, model: { ...small, layers: 2, epochs: 2 } });
    const fitted = tf.memory().numTensors;
    f.forecastAt(series, [96, 97, 98]);
    f.forecast(series, { steps: 8 });
    expect(tf.memory().numTensors).toBe(fitted);
    f.dispose();
    expect(tf.memory().numTensors - before).toBe(buildLeak);
  });
});

describe('LstmForecaster.forecastAt', () => {
  it('returns horizon * numTargets raw values per origin, in the order given', () => {
    const out = fitted.forecastAt(series, [119, 12, 60]);
    expect(out).toHaveLength(3);
    for (const row of out) {
      expect(row).toBeInstanceOf(Float64Array);
      expect(row).toHaveLength(3);
      for (const v of row) expect(Number.isFinite(v)).toBe(true);
    }
    expect(fitted.forecastAt(series, [60])[0]).toEqual(out[2]);
    expect(fitted.forecastAt(series, [])).toEqual([]);
    // Raw scale: near the series' level, not the scaled one.
    for (let k = 0; k < 3; k++) expect(Math.abs(out[2][k] - seasonal[60])).toBeLessThan(5);
  });

  it('uses only rows <= origin', () => {
    const t = 80;
    const changed = withValues(series, (_name, v) => {
      for (let i = t + 1; i < N; i++) v[i] = -500;
    });
    expect(fitted.forecastAt(changed, [t])).toEqual(fitted.forecastAt(series, [t]));
    expect(fitted.forecastAt(changed, [t + 1])).not.toEqual(fitted.forecastAt(series, [t + 1]));
  });

  it.each([
    [10, 'origin must be an integer in [12, 119] (lookback 12), got 10'],
    [120, 'origin must be an integer in [12, 119] (lookback 12), got 120'],
    [50.5, 'origin must be an integer in [12, 119] (lookback 12), got 50.5'],
    [-1, 'origin must be an integer in [12, 119] (lookback 12), got -1'],
  ])('rejects origin %d', (origin, message) => {
    expectInputError(() => fitted.forecastAt(series, [50, origin]), message);
  });

  it('rejects a series with other columns', () => {
    expectInputError(
      () => fitted.forecastAt(makeSeries({ z: seasonal }), [50]),
      'columns do not match the fitted model: expected targets [y] and features [], got targets [z] and features []',
    );
  });

  it('handles several targets and features: [horizon, numTargets] row-major per origin', async () => {
    const multi = makeSeries(
      {
        a: seasonal,
        b: Float64Array.from(seasonal, (v, t) => -3 * v + t),
        f: Float64Array.from({ length: N }, (_, t) => t % 12),
      },
      2,
    );
    const f = await LstmForecaster.fit(multi, split, { horizon: 4, lookback: 6, targetTransform: 'relative', model: { ...small, epochs: 1 } });
    expect(f.shape).toEqual({ lookback: 6, numFeatures: 3, horizon: 4, numTargets: 2 });
    const out = f.forecastAt(multi, [5, 119]);
    expect(out.map((r) => r.length)).toEqual([8, 8]);
    // Target b lives near -3a + t: the interleaving puts each target on its own scale.
    for (let k = 0; k < 4; k++) {
      expect(Math.abs(out[1][2 * k] - multi.values.a[119])).toBeLessThan(10);
      expect(Math.abs(out[1][2 * k + 1] - multi.values.b[119])).toBeLessThan(30);
    }
    const fc = f.forecast(multi);
    expect(fc.steps).toBe(4);
    expect(fc.recursive).toBe(false);
    expect(Array.from(fc.values.a)).toEqual([0, 1, 2, 3].map((k) => out[1][2 * k]));
    expect(Array.from(fc.values.b)).toEqual([0, 1, 2, 3].map((k) => out[1][2 * k + 1]));
    expectInputError(
      () => f.forecast(multi, { steps: 5 }),
      'steps (5) beyond the trained horizon (4) need recursive forecasting, which is not possible with feature columns [f]: their future values are unknown',
    );
    f.dispose();
  });
});

describe('LstmForecaster.forecast', () => {
  it('up to the horizon: the direct forecast from the last row', () => {
    const direct = fitted.forecastAt(series, [N - 1])[0];
    const fc = fitted.forecast(series);
    expect(fc).toEqual({ origin: N - 1, steps: 3, values: { y: direct }, recursive: false });
    expect(Array.from(fitted.forecast(series, { steps: 2 }).values.y)).toEqual(Array.from(direct.subarray(0, 2)));
  });

  it('beyond the horizon: equals feeding the direct forecasts back by hand', () => {
    const fc = fitted.forecast(series, { steps: 7 });
    expect(fc.origin).toBe(N - 1);
    expect(fc.steps).toBe(7);
    expect(fc.recursive).toBe(true);
    const first = fitted.forecastAt(series, [N - 1])[0];
    const s2 = appendByHand(series, Array.from(first));
    const second = fitted.forecastAt(s2, [N + 2])[0];
    const s3 = appendByHand(s2, Array.from(second));
    const third = fitted.forecastAt(s3, [N + 5])[0];
    expect(Array.from(fc.values.y)).toEqual([...first, ...second, third[0]]);
  });

  it.each([
    [0, 'steps must be a positive integer, got 0'],
    [2.5, 'steps must be a positive integer, got 2.5'],
  ])('rejects steps %d', (steps, message) => {
    expectInputError(() => fitted.forecast(series, { steps }), message);
  });

  it('rejects a series too short for one window', () => {
    const short = makeSeries({ y: seasonal.subarray(0, 10) });
    expectInputError(() => fitted.forecast(short), 'origin must be an integer in [12, 9] (lookback 12), got 9');
  });

  it("a trending series must not collapse: 'difference' extrapolates beyond the training range", async () => {
    const trend = makeSeries({ y: Float64Array.from({ length: 100 }, (_, t) => 5 + 0.5 * t + Math.sin((2 * Math.PI * t) / 6)) });
    const trendSplit: SplitIndices = { train: { start: 0, end: 70 }, val: { start: 70, end: 80 }, test: { start: 80, end: 100 } };
    const f = await LstmForecaster.fit(trend, trendSplit, { horizon: 4, lookback: 12, targetTransform: 'difference', model: small });
    const trainMax = Math.max(...trend.values.y.subarray(0, 70));
    // From the end of the test range: 12 steps, all above anything seen in training and rising
    // roughly at the trend's 0.5 per step.
    const fc = f.forecast(trend, { steps: 12 }).values.y;
    for (const v of fc) expect(v).toBeGreaterThan(trainMax + 10);
    expect(fc[11] - fc[0]).toBeGreaterThan(0.5 * 11 * 0.5);
    expect(fc[11] - fc[0]).toBeLessThan(0.5 * 11 * 1.5);
    // Test-range origins are also forecast above the training maximum.
    const atTest = f.forecastAt(trend, [85, 95]);
    expect(Math.min(...atTest[0], ...atTest[1])).toBeGreaterThan(trainMax);
    f.dispose();
  });
});

describe('LstmForecaster.fit: the LSTM kernel', () => {
  it('is decided once per fit, however many candidates are trained', async () => {
    let f: LstmForecaster | undefined;
    const decisions = await kernelDecisions(async () => {
      f = await LstmForecaster.fit(series, split, { horizon: 3, season: 12, lookback: 'auto', model: { ...small, epochs: 1 } });
    });
    expect(f!.spec.selection!.candidates.length).toBe(5);
    expect(decisions).toBe(1);
    f!.dispose();
  });

  it('is not decided again when given resolved (as the job does): the same model, bit for bit', async () => {
    const kernel = resolveLstmKernel('auto');
    let f: LstmForecaster | undefined;
    expect(await kernelDecisions(async () => {
      f = await LstmForecaster.fit(series, split, { ...options, kernel });
    })).toBe(0);
    expect(f!.kernel).toBe(kernel);
    expect(f!.spec.kernel).toBe(kernel);
    expect(f!.forecastAt(series, [95, 110])).toEqual(fitted.forecastAt(series, [95, 110]));
    f!.dispose();
  });

  it('rejects a kernel resolved for another choice than model.kernel', async () => {
    await expectInputErrorAsync(
      () => LstmForecaster.fit(series, split, { ...options, kernel: resolveLstmKernel('stock') }),
      'kernel.requested must be model.kernel ("auto"), got "stock"',
    );
  });
});
