import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FusedLstm } from '../../src/kernels/lstm/fusedLayer';
import { loadLstmKernel } from '../../src/kernels/lstm/select';
import { resolveLstmConfig, type LstmConfig } from '../../src/model/config';
import {
  assertSetMatchesModel,
  buildLstmModel,
  getModelShape,
  type ModelShape,
} from '../../src/model/lstm';
import { predictWindows } from '../../src/model/predict';
import { trainModel } from '../../src/model/train';
import { arraySet, expectInputError, randomArray, sineSet, useBackend, weightValues } from './helpers';
import { forecasterForward64, type LstmWeights64 } from './reference/lstm64';

/** Replaces every weight with seeded uniform values in [-0.7, 0.7) (gates well away from saturation and from 0.5). */
function randomizeWeights(model: tf.LayersModel, seed: number): Float32Array[] {
  const values = model.getWeights().map((w, k) => randomArray(w.size, `${seed}/${k}`, 0.7));
  const tensors = values.map((v, k) => tf.tensor(v, model.getWeights()[k].shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
  return values;
}

function reference(values: Float32Array[], layers: number, units: number, x: Float32Array, batch: number, shape: ModelShape) {
  const lstm: LstmWeights64[] = [];
  for (let l = 0; l < layers; l++) {
    lstm.push({ kernel: values[3 * l], recurrent: values[3 * l + 1], bias: values[3 * l + 2], units });
  }
  const dense = { kernel: values[3 * layers], bias: values[3 * layers + 1], outDim: shape.horizon * shape.numTargets };
  return forecasterForward64(x, batch, shape.lookback, shape.numFeatures, lstm, dense);
}

const forwardCases = [
  { layers: 1, units: 4, batch: 1, lookback: 1, numFeatures: 1, horizon: 1, numTargets: 1 },
  { layers: 1, units: 5, batch: 3, lookback: 1, numFeatures: 2, horizon: 2, numTargets: 1 },
  { layers: 1, units: 6, batch: 1, lookback: 7, numFeatures: 3, horizon: 1, numTargets: 2 },
  { layers: 1, units: 8, batch: 4, lookback: 9, numFeatures: 2, horizon: 3, numTargets: 2 },
  { layers: 2, units: 4, batch: 1, lookback: 1, numFeatures: 1, horizon: 2, numTargets: 1 },
  { layers: 2, units: 5, batch: 1, lookback: 6, numFeatures: 2, horizon: 1, numTargets: 1 },
  { layers: 2, units: 6, batch: 5, lookback: 8, numFeatures: 3, horizon: 4, numTargets: 2 },
  { layers: 3, units: 3, batch: 2, lookback: 5, numFeatures: 1, horizon: 2, numTargets: 1 },
];

describe.each([
  ['cpu', 'stock'],
  ['cpu', 'fused'],
  ['wasm', 'stock'],
  ['wasm', 'fused'],
] as const)('forward pass on %s, %s kernel, vs float64 reference', (backend, kernel) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it.each(forwardCases)(
    'layers=$layers units=$units batch=$batch T=$lookback F=$numFeatures H=$horizon targets=$numTargets',
    ({ layers, units, batch, ...shape }) => {
      const model = buildLstmModel(resolveLstmConfig({ layers, units, seed: 3, kernel }), shape);
      const values = randomizeWeights(model, layers * 100 + units);
      const x = randomArray(batch * shape.lookback * shape.numFeatures, `x${batch}`, 1.5);
      const got = predictWindows(model, x, batch, shape);
      const want = reference(values, layers, units, x, batch, shape);
      expect(got.length).toBe(want.length);
      let maxError = 0;
      for (let i = 0; i < want.length; i++) maxError = Math.max(maxError, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
      expect(maxError).toBeLessThan(2e-6);
      // Not trivially zero.
      expect(Math.max(...Array.from(want, Math.abs))).toBeGreaterThan(0.01);
      model.dispose();
    },
  );

  it('the default hardSigmoid would not match the reference (the check is sensitive to the gate activation)', () => {
    const shape = { lookback: 5, numFeatures: 2, horizon: 1, numTargets: 1 };
    const model = tf.sequential();
    model.add(tf.layers.lstm({ units: 4, inputShape: [5, 2] })); // tfjs default: hardSigmoid
    model.add(tf.layers.dense({ units: 1 }));
    model.add(tf.layers.reshape({ targetShape: [1, 1] }));
    const values = randomizeWeights(model, 9);
    const x = randomArray(2 * 10, 'hs', 1.5);
    const got = predictWindows(model, x, 2, shape);
    const want = reference(values, 1, 4, x, 2, shape);
    const maxError = Math.max(...Array.from(want, (w, i) => Math.abs(got[i] - w)));
    expect(maxError).toBeGreaterThan(1e-3);
    model.dispose();
  });
});

describe('buildLstmModel', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  afterAll(() => {
    tf.disposeVariables();
  });

  it('stacks LSTM layers with sigmoid recurrent activation, sequences on all but the last, and a reshaped dense head', () => {
    const shape = { lookback: 12, numFeatures: 3, horizon: 4, numTargets: 2 };
    const model = buildLstmModel(resolveLstmConfig({ layers: 3, units: 7, dropout: 0.1, recurrentDropout: 0.2, kernel: 'stock' }), shape);
    const names = model.layers.map((l) => l.getClassName());
    expect(names).toEqual(['LSTM', 'LSTM', 'LSTM', 'Dense', 'Reshape']);
    const configs = model.layers.slice(0, 3).map((l) => l.getConfig());
    expect(configs.map((c) => c.returnSequences)).toEqual([true, true, false]);
    for (const c of configs) {
      expect(c.recurrentActivation).toBe('sigmoid');
      expect(c.activation).toBe('tanh');
      expect(c.units).toBe(7);
      // Forget-gate bias 1 is written by hand (tfjs' unitForgetBias initialiser leaks tensors).
      expect(c.unitForgetBias).toBe(false);
      expect(c.dropout).toBe(0.1);
      expect(c.recurrentDropout).toBe(0.2);
    }
    expect(model.layers[3].getConfig().units).toBe(8);
    expect(model.outputs[0].shape).toEqual([null, 4, 2]);
    expect(getModelShape(model)).toEqual(shape);
    // kernel [inDim, 4u], recurrent [u, 4u], bias [4u]; forget-gate bias 1, others 0
    const [kernel, recurrent, bias] = model.layers[0].getWeights();
    expect(kernel.shape).toEqual([3, 28]);
    expect(recurrent.shape).toEqual([7, 28]);
    expect(Array.from(bias.dataSync())).toEqual([...Array(7).fill(0), ...Array(7).fill(1), ...Array(14).fill(0)]);
    model.dispose();
  });

  it('initialises recurrent kernels orthogonally (rows orthonormal)', () => {
    const model = buildLstmModel(resolveLstmConfig({ units: 16 }), { lookback: 3, numFeatures: 1, horizon: 1, numTargets: 1 });
    const gram = tf.tidy(() => {
      const u = model.layers[0].getWeights()[1];
      return tf.matMul(u, u, false, true).arraySync() as number[][];
    });
    for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) expect(gram[i][j]).toBeCloseTo(i === j ? 1 : 0, 5);
    model.dispose();
  });

  it('is reproducible: same seed same weights, other seed other weights, layers differ from each other', () => {
    const shape = { lookback: 4, numFeatures: 2, horizon: 2, numTargets: 1 };
    const a = buildLstmModel(resolveLstmConfig({ layers: 2, units: 8, seed: 11 }), shape);
    const b = buildLstmModel(resolveLstmConfig({ layers: 2, units: 8, seed: 11 }), shape);
    const c = buildLstmModel(resolveLstmConfig({ layers: 2, units: 8, seed: 12 }), shape);
    const [wa, wb, wc] = [a, b, c].map(weightValues);
    expect(wa).toEqual(wb);
    for (const k of [0, 1, 3, 4, 6]) expect(wa[k]).not.toEqual(wc[k]); // kernels and recurrent kernels
    expect(wa[1]).not.toEqual(wa[4]); // layer 2's recurrent kernel is its own draw
    [a, b, c].forEach((m) => m.dispose());
  });

  it('builds 128-unit layers quickly (no tfjs orthogonal QR)', () => {
    const start = performance.now();
    const model = buildLstmModel(resolveLstmConfig({ units: 128, layers: 2 }), { lookback: 24, numFeatures: 1, horizon: 1, numTargets: 1 });
    expect(performance.now() - start).toBeLessThan(3000);
    model.dispose();
  });

  it.each([
    [{ lookback: 0, numFeatures: 1, horizon: 1, numTargets: 1 }, 'shape.lookback must be a positive integer, got 0'],
    [{ lookback: 3, numFeatures: 1.5, horizon: 1, numTargets: 1 }, 'shape.numFeatures must be a positive integer, got 1.5'],
    [{ lookback: 3, numFeatures: 1, horizon: '2', numTargets: 1 }, 'shape.horizon must be a positive integer, got "2"'],
    [{ lookback: 3, numFeatures: 1, horizon: 2 }, 'shape.numTargets must be a positive integer, got undefined'],
  ])('rejects shape %j', (shape, message) => {
    expectInputError(() => buildLstmModel(resolveLstmConfig(), shape as unknown as ModelShape), message);
  });

  it('assertSetMatchesModel names the mismatching field', () => {
    const set = arraySet(new Float32Array(2 * 5), new Float32Array(2), { size: 2, lookback: 5, numFeatures: 1, horizon: 1, numTargets: 1 });
    expectInputError(
      () => assertSetMatchesModel('val', set, { lookback: 6, numFeatures: 1, horizon: 1, numTargets: 1 }),
      "val.lookback must equal the model's lookback 6, got 5",
    );
    const empty = { ...set, size: 0 };
    expectInputError(
      () => assertSetMatchesModel('train', empty, { lookback: 5, numFeatures: 1, horizon: 1, numTargets: 1 }),
      'train.size must be a positive integer, got 0',
    );
  });
});

describe('buildLstmModel: the LSTM kernel', () => {
  const SHAPE = { lookback: 8, numFeatures: 1, horizon: 2, numTargets: 1 };
  const lstmClasses = (model: tf.LayersModel): string[] =>
    model.layers.filter((l) => /lstm/i.test(l.getClassName())).map((l) => l.getClassName());
  const build = (overrides: Partial<LstmConfig>) => buildLstmModel(resolveLstmConfig({ units: 12, layers: 2, seed: 7, ...overrides }), SHAPE);

  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('the fused kernels are built (npm run build:kernels), so these tests exercise the fused path', () => {
    expect(loadLstmKernel()).not.toBeNull();
  });

  it("'auto' (the default) builds FusedLstm layers on a CPU backend with a kernel; 'stock' builds tfjs' LSTM; the initial weights are the same", () => {
    const auto = build({});
    const fused = build({ kernel: 'fused' });
    const stock = build({ kernel: 'stock' });
    expect(lstmClasses(auto)).toEqual(loadLstmKernel() === null ? ['LSTM', 'LSTM'] : ['FusedLstm', 'FusedLstm']);
    expect(lstmClasses(fused)).toEqual(['FusedLstm', 'FusedLstm']);
    expect(lstmClasses(stock)).toEqual(['LSTM', 'LSTM']);
    expect(stock.layers[0]).not.toBeInstanceOf(FusedLstm);
    expect(fused.layers.map((l) => l.getConfig())).toEqual(stock.layers.map((l) => l.getConfig()));
    expect(fused.weights.map((w) => w.originalName)).toEqual(stock.weights.map((w) => w.originalName));
    expect(weightValues(fused)).toEqual(weightValues(stock));
    expect(weightValues(auto)).toEqual(weightValues(stock));
    [auto, fused, stock].forEach((m) => m.dispose());
  });

  it('trains fused and stock from the same seed to the same losses, and the fused layers really run the kernel', async () => {
    const train = sineSet(96, SHAPE.lookback, SHAPE.horizon, 0);
    const options = { epochs: 3, batchSize: 16, seed: 3 };
    const stock = build({ kernel: 'stock' });
    const fused = build({ kernel: 'fused' });
    const a = await trainModel(stock, train, undefined, options);
    const b = await trainModel(fused, train, undefined, options);
    expect(b.loss[2]).toBeLessThan(b.loss[0]);
    b.loss.forEach((loss, e) => expect(Math.abs(loss - a.loss[e])).toBeLessThan(1e-4 * a.loss[e]));
    // 6 batches x 3 epochs, each layer once per batch; no call fell back to the stock code.
    expect(fused.layers.slice(0, 2).map((l) => [(l as FusedLstm).fusedCalls, (l as FusedLstm).stockCalls])).toEqual([[18, 0], [18, 0]]);
    stock.dispose();
    fused.dispose();
  });

  it('with dropout, fused layers train through the stock code with the same seeded masks, and predict fused', async () => {
    const train = sineSet(48, SHAPE.lookback, SHAPE.horizon, 0);
    const options = { epochs: 2, batchSize: 16, seed: 3 };
    const stock = build({ kernel: 'stock', dropout: 0.2, recurrentDropout: 0.1 });
    const fused = build({ kernel: 'fused', dropout: 0.2, recurrentDropout: 0.1 });
    const a = await trainModel(stock, train, undefined, options);
    const b = await trainModel(fused, train, undefined, options);
    expect(b.loss).toEqual(a.loss);
    const layer = fused.layers[0] as FusedLstm;
    expect([layer.fusedCalls, layer.stockCalls]).toEqual([0, 6]);
    const x = randomArray(3 * SHAPE.lookback, 'dropout-x');
    const yStock = predictWindows(stock, x, 3, SHAPE);
    const yFused = predictWindows(fused, x, 3, SHAPE);
    yFused.forEach((v, i) => expect(Math.abs(v - yStock[i])).toBeLessThan(1e-5));
    expect(layer.fusedCalls).toBe(1);
    stock.dispose();
    fused.dispose();
  });

  it('rejects an unknown kernel, naming the field and the value', () => {
    const config = { ...resolveLstmConfig({ units: 4 }), kernel: 'native' } as unknown as LstmConfig;
    expectInputError(() => buildLstmModel(config, SHAPE), 'kernel must be one of "auto", "fused", "stock", got "native"');
  });
});
