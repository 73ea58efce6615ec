import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFusedModel, toStockModel } from '../../../src/kernels/lstm/convert';
import { FusedLstm } from '../../../src/kernels/lstm/fusedLayer';
import { resolveLstmConfig } from '../../../src/model/config';
import { loadModelFromDir, saveModelToDir } from '../../../src/model/io';
import { buildLstmModel } from '../../../src/model/lstm';
import { expectInputError, useBackend } from '../../model/helpers';

const SHAPE = { lookback: 8, numFeatures: 1, horizon: 2, numTargets: 1 };
const CONFIG = resolveLstmConfig({ units: 12, layers: 2, seed: 7, kernel: 'stock' });
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

  it('a model saved with the stock layer loads into the fused one, and a fused one saves as the stock layer', async () => {
    const stock = buildLstmModel(CONFIG, SHAPE) as tf.Sequential;
    const x = tf.randomNormal([4, SHAPE.lookback, 1], 0, 1, 'float32', 4);
    const expected = predict(stock, x);
    await saveModelToDir(stock, path.join(dir, 'stock'));
    const loadedStock = (await loadModelFromDir(path.join(dir, 'stock'), { kernel: 'stock' })) as tf.Sequential;
    expect(lstmClasses(loadedStock)).toEqual(['LSTM', 'LSTM']);
    const fused = toFusedModel(loadedStock);
    predict(fused, x).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));

    // saveModelToDir writes FusedLstm layers as plain LSTM layers with the same weights.
    await saveModelToDir(fused, path.join(dir, 'fused'));
    const loadedBack = await loadModelFromDir(path.join(dir, 'fused'), { kernel: 'stock' });
    expect(lstmClasses(loadedBack)).toEqual(['LSTM', 'LSTM']);
    expect(predict(loadedBack, x)).toEqual(expected);
    tf.dispose(x);
    [stock, loadedStock, fused, loadedBack].forEach((m) => m.dispose());
  });

  it('rejects a non-Sequential model', () => {
    const input = tf.input({ shape: [3, 1] });
    const model = tf.model({ inputs: input, outputs: tf.layers.lstm({ units: 2 }).apply(input) as tf.SymbolicTensor });
    expectInputError(() => toFusedModel(model as unknown as tf.Sequential), 'model must be a tf.Sequential, got LayersModel');
    model.dispose();
  });
});
