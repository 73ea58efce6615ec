import * as tf from '@tensorflow/tfjs';
import type { LSTMLayerArgs } from '@tensorflow/tfjs-layers/dist/layers/recurrent';
import { describe, expect, it, beforeAll } from 'vitest';
import { FusedLstm } from '../../../src/kernels/lstm/fusedLayer';
import { selectLstmKernel } from '../../../src/kernels/lstm/select';
import { loadLstmNativeKernel } from '../../../src/kernels/lstm/native';
import { lstmWasmStatus } from '../../../src/kernels/lstm/wasm';
import { useBackend } from '../../model/fixtures';
import { forecasterForward64 } from '../../model/reference/lstm64';
import { maxDiff, randomArray, referenceLstm64 } from './helpers';

type Case = readonly [batch: number, steps: number, inputDim: number, units: number, returnSequences: boolean];
const SINGLE: readonly Case[] = [
  [1, 1, 1, 4, false],
  [1, 1, 2, 3, true],
  [4, 6, 3, 10, false],
  [4, 6, 3, 10, true],
  [3, 5, 8, 16, true],
];

const TOL = 5e-6;

/** A stock and a fused layer with the same random weights (bias included), built on [B, T, D]. */
function twinLayers(c: Case, extra: Partial<LSTMLayerArgs> = {}) {
  const [B, T, D, H, returnSequences] = c;
  const args = { units: H, returnSequences, recurrentActivation: 'sigmoid' as const, ...extra };
  const stock = tf.layers.lstm(args);
  const fused = new FusedLstm(args);
  const probe = tf.zeros([B, T, D]);
  tf.dispose([stock.apply(probe) as tf.Tensor, fused.apply(probe) as tf.Tensor, probe]);
  fused.fusedCalls = 0;
  fused.stockCalls = 0;
  const tag = c.join('_');
  const values = [
    tf.tensor2d(randomArray(D * 4 * H, `k${tag}`, 0.6), [D, 4 * H]),
    tf.tensor2d(randomArray(H * 4 * H, `r${tag}`, 0.6), [H, 4 * H]),
    tf.tensor1d(randomArray(4 * H, `b${tag}`, 0.5)),
  ];
  stock.setWeights(values);
  fused.setWeights(values);
  tf.dispose(values);
  return { stock, fused };
}

/** Gradients of sum(w * layer(x)) w.r.t. the layer's weights and x. */
function gradients(layer: tf.layers.Layer, x: tf.Tensor, w: tf.Tensor, withInput: boolean): Float32Array[] {
  return tf.tidy(() => {
    const vars = layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, w)) as tf.Scalar, vars);
    const out = vars.map((v) => grads[v.name].dataSync().slice() as Float32Array);
    if (withInput) {
      out.push(tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, w)))(x).dataSync().slice() as Float32Array);
    }
    return out;
  });
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = TOL): void {
  const { abs, scale } = maxDiff(actual, expected);
  expect(abs).toBeLessThan(tol * Math.max(1, scale));
}

beforeAll(() => {
  expect(lstmWasmStatus().reason, 'kernel must be built').toBeUndefined();
});

// Every kernel path that loads (the native addon is optional) on both tfjs backends.
const PATHS = (['wasm', ...(loadLstmNativeKernel() ? ['native'] : [])] as const).flatMap((kernel) =>
  (['cpu', 'wasm'] as const).map((backend) => ({ kernel: kernel as 'wasm' | 'native', backend })),
);

describe.each(PATHS)('FusedLstm, $kernel kernel, $backend backend', ({ kernel, backend }) => {
  beforeAll(async () => {
    await useBackend(backend);
    expect(selectLstmKernel(kernel)).toBe(true);
  });

  it.each(SINGLE)('one layer B=%i T=%i D=%i H=%i returnSequences=%s: forward and gradients match stock and float64', (...c) => {
    const [B, T, D, H, returnSequences] = c;
    const { stock, fused } = twinLayers(c);
    const x = tf.tensor3d(randomArray(B * T * D, `x${c.join('_')}`, 2), [B, T, D]);
    const yStock = stock.apply(x) as tf.Tensor;
    const yFused = fused.apply(x) as tf.Tensor;
    expect(yFused.shape).toEqual(yStock.shape);
    expectClose(yFused.dataSync(), yStock.dataSync());
    const [kernel, recurrent, bias] = fused.getWeights().map((t) => t.dataSync());
    const ref = referenceLstm64(x.dataSync(), B, T, D, [{ kernel, recurrent, bias, units: H }], returnSequences);
    expectClose(yFused.dataSync(), ref);

    const w = tf.tensor(randomArray(yStock.size, `w${c.join('_')}`), yStock.shape);
    // tfjs' stock LSTM cannot differentiate w.r.t. its input when T = 1 (its Unpack gradient
    // throws "Argument tensors passed to stack must be a `Tensor[]`"): compare weights only there;
    // tests/kernels/lstm/wasm.test.ts checks dx against float64 finite differences.
    const withInput = T > 1;
    const gStock = gradients(stock, x, w, withInput);
    const gFused = gradients(fused, x, w, withInput);
    gFused.forEach((g, i) => expectClose(g, gStock[i]));
    expect(fused.fusedCalls).toBeGreaterThan(0);
    expect(fused.stockCalls).toBe(0);
    tf.dispose([x, yStock, yFused, w]);
    stock.dispose();
    fused.dispose();
  });

  it.each([
    [2, 7, 3, 8],
    [1, 1, 2, 5],
  ])('two stacked layers + dense head B=%i T=%i D=%i H=%i: outputs and gradients match float64 and stock', (B, T, D, H) => {
    const make = (Lstm: (args: LSTMLayerArgs) => tf.layers.Layer) => {
      const model = tf.sequential();
      model.add(Lstm({ units: H, returnSequences: true, recurrentActivation: 'sigmoid', inputShape: [T, D], name: 'l1' }));
      model.add(Lstm({ units: H, returnSequences: false, recurrentActivation: 'sigmoid', name: 'l2' }));
      model.add(tf.layers.dense({ units: 2, name: 'head' }));
      return model;
    };
    const stock = make((a) => tf.layers.lstm(a));
    const fused = make((a) => new FusedLstm(a));
    fused.setWeights(stock.getWeights().map((t, i) => (i === 2 || i === 5 ? tf.randomUniform(t.shape, -0.5, 0.5, 'float32', i) : t)));
    stock.setWeights(fused.getWeights());
    const xData = randomArray(B * T * D, `x2${B}${T}`, 2);
    const yData = randomArray(B * 2, `y2${B}${T}`);
    const x = tf.tensor3d(xData, [B, T, D]);
    const y = tf.tensor2d(yData, [B, 2]);
    const lossAndGrads = (model: tf.Sequential) =>
      tf.tidy(() => {
        const vars = model.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
        const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
        return { loss: value.dataSync()[0], grads: vars.map((v) => grads[v.name].dataSync().slice() as Float32Array) };
      });
    const fusedResult = lossAndGrads(fused);
    expect(fusedResult.grads).toHaveLength(8);

    // float64 reference: forward, and directional derivatives of the MSE by central differences.
    const weights = fused.getWeights().map((t) => Float64Array.from(t.dataSync()));
    const loss64 = (ws: Float64Array[]) => {
      const out = forecasterForward64(xData, B, T, D,
        [{ kernel: ws[0], recurrent: ws[1], bias: ws[2], units: H }, { kernel: ws[3], recurrent: ws[4], bias: ws[5], units: H }],
        { kernel: ws[6], bias: ws[7], outDim: 2 });
      return out.reduce((sum, o, i) => sum + (o - yData[i]) ** 2, 0) / out.length;
    };
    const pred = fused.predict(x) as tf.Tensor;
    const ref = forecasterForward64(xData, B, T, D,
      [{ kernel: weights[0], recurrent: weights[1], bias: weights[2], units: H }, { kernel: weights[3], recurrent: weights[4], bias: weights[5], units: H }],
      { kernel: weights[6], bias: weights[7], outDim: 2 });
    expectClose(pred.dataSync(), ref);
    expect(Math.abs(fusedResult.loss - loss64(weights))).toBeLessThan(1e-6);
    for (let trial = 0; trial < 2; trial++) {
      const dirs = weights.map((w, i) => randomArray(w.length, `d${B}${T}${trial}${i}`));
      const eps = 1e-4;
      const shifted = (sign: number) => weights.map((w, i) => w.map((v, j) => v + sign * eps * dirs[i][j]));
      const numeric = (loss64(shifted(1)) - loss64(shifted(-1))) / (2 * eps);
      const analytic = fusedResult.grads.reduce((sum, g, i) => sum + g.reduce((s, gj, j) => s + gj * dirs[i][j], 0), 0);
      expect(Math.abs(analytic - numeric)).toBeLessThan(1e-4 * Math.max(1, Math.abs(numeric)));
    }

    if (T > 1) {
      const stockResult = lossAndGrads(stock);
      expect(Math.abs(stockResult.loss - fusedResult.loss)).toBeLessThan(1e-6 * Math.max(1, stockResult.loss));
      fusedResult.grads.forEach((g, i) => expectClose(g, stockResult.grads[i]));
    } else {
      // tfjs' stock LSTM cannot backpropagate into a stacked LSTM when T = 1 (its Unpack gradient
      // throws); the fused layer can.
      expect(() => lossAndGrads(stock)).toThrow('Argument tensors passed to stack');
    }
    expect((fused.layers[0] as FusedLstm).stockCalls + (fused.layers[1] as FusedLstm).stockCalls).toBe(0);
    tf.dispose([x, y, pred]);
    stock.dispose();
    fused.dispose();
  });

  it('with dropout: training runs the stock path, inference the fused one (same outputs as stock)', () => {
    const c: Case = [3, 4, 2, 6, false];
    const { stock, fused } = twinLayers(c, { dropout: 0.3 });
    const x = tf.tensor3d(randomArray(3 * 4 * 2, 'xd', 2), [3, 4, 2]);
    tf.dispose(fused.apply(x, { training: true }) as tf.Tensor);
    expect([fused.fusedCalls, fused.stockCalls]).toEqual([0, 1]);
    const yFused = fused.apply(x) as tf.Tensor;
    const yStock = stock.apply(x) as tf.Tensor;
    expect([fused.fusedCalls, fused.stockCalls]).toEqual([1, 1]);
    expectClose(yFused.dataSync(), yStock.dataSync());
    tf.dispose([x, yFused, yStock]);
    stock.dispose();
    fused.dispose();
  });

  it('falls back to the stock path for a hard-sigmoid recurrent activation', () => {
    const layer = new FusedLstm({ units: 3, recurrentActivation: 'hardSigmoid' });
    const x = tf.ones([2, 3, 1]);
    tf.dispose(layer.apply(x) as tf.Tensor);
    expect([layer.fusedCalls, layer.stockCalls]).toEqual([0, 1]);
    x.dispose();
    layer.dispose();
  });

  it('outputs and gradients keep their values after later calls (transient kernel arrays never leak into tensors)', () => {
    // On the wasm backend the layer passes heap views in and takes kernel-memory views out; the
    // tensors must own copies. On the cpu backend tensors keep the arrays they are made from.
    const c: Case = [4, 6, 3, 8, true];
    const { fused } = twinLayers(c);
    const x1 = tf.tensor3d(randomArray(4 * 6 * 3, 'keep1'), [4, 6, 3]);
    const x2 = tf.tensor3d(randomArray(4 * 6 * 3, 'keep2'), [4, 6, 3]);
    const w = tf.tensor3d(randomArray(4 * 6 * 8, 'keepw'), [4, 6, 8]);
    const y1 = fused.apply(x1) as tf.Tensor;
    const y1Values = Array.from(y1.dataSync());
    const g1 = gradients(fused, x1, w, true);
    const g1Values = g1.map((a) => Array.from(a));
    const y1Tape = tf.tidy(() => {
      const vars = fused.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(fused.apply(x1) as tf.Tensor, w)) as tf.Scalar, vars);
      return tf.keep(tf.concat([value.reshape([1]), ...vars.map((v) => grads[v.name].flatten())]));
    });
    const y1TapeValues = Array.from(y1Tape.dataSync());
    // later calls on other data, inference and training
    tf.dispose(fused.apply(x2) as tf.Tensor);
    gradients(fused, x2, w, true);
    expect(Array.from(y1.dataSync())).toEqual(y1Values);
    expect(Array.from(y1Tape.dataSync())).toEqual(y1TapeValues);
    expect(g1.map((a) => Array.from(a))).toEqual(g1Values);
    expect(fused.fusedCalls).toBeGreaterThanOrEqual(4);
    tf.dispose([x1, x2, w, y1, y1Tape]);
  });

  it('leaks no tensors across training steps and predictions', async () => {
    const model = tf.sequential();
    model.add(new FusedLstm({ units: 8, returnSequences: true, recurrentActivation: 'sigmoid', inputShape: [5, 2] }));
    model.add(new FusedLstm({ units: 8, recurrentActivation: 'sigmoid' }));
    model.add(tf.layers.dense({ units: 1 }));
    model.compile({ loss: 'meanSquaredError', optimizer: tf.train.adam(1e-3) });
    const x = tf.randomNormal([16, 5, 2], 0, 1, 'float32', 1);
    const y = tf.randomNormal([16, 1], 0, 1, 'float32', 2);
    const step = async () => {
      await model.trainOnBatch(x, y);
      tf.dispose(model.predict(x));
    };
    await step(); // optimizer slots are created on the first step
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });
});
