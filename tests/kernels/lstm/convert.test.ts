import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFusedModel, toStockModel } from '../../../src/kernels/lstm/convert';
import { buildForecasterWithKernel } from '../../../src/kernels/lstm/forecaster';
import { FusedLstm } from '../../../src/kernels/lstm/fusedLayer';
import { resolveLstmConfig } from '../../../src/model/config';
import { loadModelFromDir, saveModelToDir } from '../../../src/model/io';
import { buildLstmModel } from '../../../src/model/lstm';
import { trainModel } from '../../../src/model/train';
import { expectInputError, sineSet, useBackend } from '../../model/helpers';

const SHAPE = { lookback: 8, numFeatures: 1, horizon: 2, numTargets: 1 };
const CONFIG = resolveLstmConfig({ units: 12, layers: 2, seed: 7 });
let dir: string;

beforeAll(async () => {
  await useBackend('wasm');
  dir = mkdtempSync(path.join(tmpdir(), 'fused-lstm-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function predict(model: tf.LayersModel, x: tf.Tensor): Float32Array {
  return tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync().slice() as Float32Array);
}

function lstmClasses(model: tf.LayersModel): string[] {
  return model.layers.filter((l) => /lstm/i.test(l.getClassName())).map((l) => l.getClassName());
}

describe('stock <-> fused weight exchange', () => {
  it('toFusedModel / toStockModel keep names, weights and outputs; the input model is untouched', () => {
    const stock = buildLstmModel(CONFIG, SHAPE) as tf.Sequential;
    const x = tf.randomNormal([5, SHAPE.lookback, 1], 0, 1, 'float32', 3);
    const fused = toFusedModel(stock);
    expect(lstmClasses(fused)).toEqual(['FusedLstm', 'FusedLstm']);
    expect(lstmClasses(stock)).toEqual(['LSTM', 'LSTM']);
    expect(fused.weights.map((w) => w.originalName)).toEqual(stock.weights.map((w) => w.originalName));
    expect(fused.weights.map((w) => w.originalName)).toContain('lstm_1/recurrent_kernel');
    const yStock = predict(stock, x);
    const yFused = predict(fused, x);
    yFused.forEach((v, i) => expect(v).toBeCloseTo(yStock[i], 5));
    expect((fused.layers[0] as FusedLstm).fusedCalls).toBe(1);
    const back = toStockModel(fused);
    expect(lstmClasses(back)).toEqual(['LSTM', 'LSTM']);
    expect(predict(back, x)).toEqual(yStock);
    tf.dispose(x);
    [stock, fused, back].forEach((m) => m.dispose());
  });

  it('a bundle saved with the stock layer loads into the fused one and vice versa', async () => {
    const stock = buildLstmModel(CONFIG, SHAPE) as tf.Sequential;
    const x = tf.randomNormal([4, SHAPE.lookback, 1], 0, 1, 'float32', 4);
    const expected = predict(stock, x);
    await saveModelToDir(stock, path.join(dir, 'stock'));
    const loadedStock = (await loadModelFromDir(path.join(dir, 'stock'))) as tf.Sequential;
    const fused = toFusedModel(loadedStock);
    predict(fused, x).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));

    // A fused model saves as class FusedLstm (registered on import) with the same weight layout.
    await saveModelToDir(fused, path.join(dir, 'fused'));
    const loadedFused = (await loadModelFromDir(path.join(dir, 'fused'))) as tf.Sequential;
    expect(lstmClasses(loadedFused)).toEqual(['FusedLstm', 'FusedLstm']);
    expect(predict(loadedFused, x)).toEqual(predict(fused, x));
    // ... and toStockModel writes a bundle any tfjs loads as plain LSTM layers.
    await saveModelToDir(toStockModel(loadedFused), path.join(dir, 'back'));
    const loadedBack = await loadModelFromDir(path.join(dir, 'back'));
    expect(lstmClasses(loadedBack)).toEqual(['LSTM', 'LSTM']);
    expect(predict(loadedBack, x)).toEqual(expected);
    tf.dispose(x);
    [stock, loadedStock, fused, loadedFused, loadedBack].forEach((m) => m.dispose());
  });

  it('rejects a non-Sequential model', () => {
    const input = tf.input({ shape: [3, 1] });
    const model = tf.model({ inputs: input, outputs: tf.layers.lstm({ units: 2 }).apply(input) as tf.SymbolicTensor });
    expectInputError(() => toFusedModel(model as unknown as tf.Sequential), 'model must be a tf.Sequential, got LayersModel');
    model.dispose();
  });
});

describe('buildForecasterWithKernel', () => {
  it('trains fused and stock from the same seed to the same losses', async () => {
    const train = sineSet(96, SHAPE.lookback, SHAPE.horizon, 0);
    const options = { epochs: 3, batchSize: 16, seed: 3 };
    const stock = buildForecasterWithKernel(CONFIG, SHAPE, 'stock');
    const fused = buildForecasterWithKernel(CONFIG, SHAPE, 'fused');
    expect(lstmClasses(stock)).toEqual(['LSTM', 'LSTM']);
    expect(lstmClasses(fused)).toEqual(['FusedLstm', 'FusedLstm']);
    const a = await trainModel(stock, train, undefined, options);
    const b = await trainModel(fused, train, undefined, options);
    expect(b.loss[2]).toBeLessThan(b.loss[0]);
    b.loss.forEach((loss, e) => expect(Math.abs(loss - a.loss[e])).toBeLessThan(1e-4 * a.loss[e]));
    stock.dispose();
    fused.dispose();
  });

  it('uses the stock layers when dropout is set', () => {
    const model = buildForecasterWithKernel(resolveLstmConfig({ units: 4, dropout: 0.2 }), SHAPE, 'fused');
    expect(lstmClasses(model)).toEqual(['LSTM']);
    model.dispose();
  });

  it('rejects an unknown kernel name', () => {
    expectInputError(
      () => buildForecasterWithKernel(CONFIG, SHAPE, 'native' as 'fused'),
      'kernel must be "stock" or "fused", got "native"',
    );
  });
});
