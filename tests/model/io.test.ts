import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FusedLstm } from '../../src/kernels/lstm/fusedLayer';
import { resolveLstmConfig } from '../../src/model/config';
import { MAX_MODEL_JSON_BYTES, loadModelFromDir, saveModelToDir } from '../../src/model/io';
import { buildLstmModel, compileLstmModel, getModelShape } from '../../src/model/lstm';
import { predictSet } from '../../src/model/predict';
import { trainModel } from '../../src/model/train';
import { expectInputErrorAsync, randomSet, useBackend } from './helpers';

const shape = { lookback: 6, numFeatures: 2, horizon: 2, numTargets: 1 };
let root: string;

describe('saveModelToDir / loadModelFromDir', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'model-io-'));
  });
  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  async function savedModel(name: string) {
    const model = buildLstmModel(resolveLstmConfig({ layers: 2, units: 5, dropout: 0.1 }), shape);
    const set = randomSet({ size: 20, ...shape }, 'io');
    await trainModel(model, set, undefined, { epochs: 1, batchSize: 10, seed: 1 });
    const dir = path.join(root, name, 'nested');
    await saveModelToDir(model, dir);
    return { model, set, dir };
  }

  it('round-trips: identical predictions, files named model.json + weights.bin, no temp files left', async () => {
    const { model, set, dir } = await savedModel('roundtrip');
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.weightsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(json.format).toBe('layers-model');
    const loaded = await loadModelFromDir(dir);
    expect(getModelShape(loaded)).toEqual(shape);
    expect(predictSet(loaded, set)).toEqual(predictSet(model, set));
    expect(loaded.layers[0].getConfig().recurrentActivation).toBe('sigmoid');
    // Loaded models are not compiled; compileLstmModel makes them trainable again.
    compileLstmModel(loaded, resolveLstmConfig());
    const history = await trainModel(loaded, set, undefined, { epochs: 1, batchSize: 10, seed: 1 });
    expect(Number.isFinite(history.loss[0])).toBe(true);
    // Saving again over the same directory replaces the files.
    await saveModelToDir(loaded, dir);
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    expect(predictSet(await loadModelFromDir(dir), set)).toEqual(predictSet(loaded, set));
    model.dispose();
    loaded.dispose();
  });

  it('does not leak tensors when saving', async () => {
    const model = buildLstmModel(resolveLstmConfig({ units: 4 }), shape);
    const before = tf.memory().numTensors;
    await saveModelToDir(model, path.join(root, 'leak'));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('saves FusedLstm layers as LSTM in the Keras weight layout, leaving the model as it was', async () => {
    const model = buildLstmModel(resolveLstmConfig({ layers: 2, units: 5, kernel: 'fused' }), shape);
    const set = randomSet({ size: 20, ...shape }, 'io-fused');
    await trainModel(model, set, undefined, { epochs: 1, batchSize: 10, seed: 1 });
    const dir = path.join(root, 'fused');
    const before = tf.memory().numTensors;
    await saveModelToDir(model, dir);
    expect(tf.memory().numTensors).toBe(before);
    const text = await fs.readFile(path.join(dir, 'model.json'), 'utf8');
    expect(text).not.toContain('FusedLstm');
    const json = JSON.parse(text);
    expect(json.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name)).toEqual(['LSTM', 'LSTM', 'Dense', 'Reshape']);
    expect(json.weightsManifest[0].weights.slice(0, 3)).toEqual([
      { name: 'lstm_1/kernel', shape: [2, 20], dtype: 'float32' },
      { name: 'lstm_1/recurrent_kernel', shape: [5, 20], dtype: 'float32' },
      { name: 'lstm_1/bias', shape: [20], dtype: 'float32' },
    ]);
    // The caller's model keeps its fused layers and its optimiser.
    expect(model.layers.slice(0, 2).every((l) => l instanceof FusedLstm)).toBe(true);
    expect(model.optimizer).toBeDefined();
    model.dispose();
  });

  it('loads with the LSTM layers the kernel option asks for (default auto), predicting the same values', async () => {
    const { model, set, dir } = await savedModel('kernels');
    const expected = predictSet(model, set);
    const classes = (m: tf.LayersModel) => m.layers.map((l) => l.getClassName()).slice(0, 2);
    const auto = await loadModelFromDir(dir);
    const stock = await loadModelFromDir(dir, { kernel: 'stock' });
    const fused = await loadModelFromDir(dir, { kernel: 'fused' });
    expect(classes(auto)).toEqual(['FusedLstm', 'FusedLstm']);
    expect(classes(stock)).toEqual(['LSTM', 'LSTM']);
    expect(classes(fused)).toEqual(['FusedLstm', 'FusedLstm']);
    for (const loaded of [auto, stock, fused]) {
      const got = predictSet(loaded, set);
      got.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-6));
    }
    expect(predictSet(fused, set)).toEqual(expected);
    await expectInputErrorAsync(
      () => loadModelFromDir(dir, { kernel: 'gpu' as 'auto' }),
      'kernel must be one of "auto", "fused", "stock", got "gpu"',
    );
    [model, auto, stock, fused].forEach((m) => m.dispose());
  });

  it('rejects a model that is not Sequential with FusedLstm layers (it cannot convert), writing nothing', async () => {
    const input = tf.input({ shape: [3, 1] });
    const lstm = new FusedLstm({ units: 2, recurrentActivation: 'sigmoid' });
    const model = tf.model({ inputs: input, outputs: lstm.apply(input) as tf.SymbolicTensor });
    const dir = path.join(root, 'functional');
    await expectInputErrorAsync(
      () => saveModelToDir(model, dir),
      'model must be a tf.Sequential to save its FusedLstm layers as LSTM, got LayersModel',
    );
    await expect(fs.access(dir)).rejects.toThrow();
    model.dispose();
  });

  it('names the file and the problem for missing or corrupt files', async () => {
    const { model, dir } = await savedModel('corrupt');
    model.dispose();
    const jsonPath = path.join(dir, 'model.json');
    const binPath = path.join(dir, 'weights.bin');
    const goodJson = await fs.readFile(jsonPath, 'utf8');
    const goodBin = await fs.readFile(binPath);

    await expectInputErrorAsync(() => loadModelFromDir(path.join(root, 'nope')), `${path.join(root, 'nope', 'model.json')} not found`);

    await fs.writeFile(jsonPath, '{"modelTopology": ');
    await expectInputErrorAsync(() => loadModelFromDir(dir), new RegExp(`^${escape(jsonPath)} is not valid JSON \\(`));

    await fs.writeFile(jsonPath, JSON.stringify({ ...JSON.parse(goodJson), modelTopology: undefined }));
    await expectInputErrorAsync(() => loadModelFromDir(dir), `${jsonPath} has no "modelTopology" object`);

    await fs.writeFile(jsonPath, JSON.stringify({ ...JSON.parse(goodJson), weightsManifest: [{ paths: ['../x.bin'], weights: [] }] }));
    await expectInputErrorAsync(() => loadModelFromDir(dir), `${jsonPath} weightsManifest[0] names "../x.bin", not a file in ${dir}`);

    await fs.writeFile(jsonPath, goodJson);
    await fs.writeFile(binPath, goodBin.subarray(0, goodBin.length - 8));
    await expectInputErrorAsync(
      () => loadModelFromDir(dir),
      `${binPath}: expected ${goodBin.length} bytes from model.json's weightsManifest, got ${goodBin.length - 8} (truncated, or written for another model)`,
    );

    const flipped = Buffer.from(goodBin);
    flipped[10] ^= 0xff;
    await fs.writeFile(binPath, flipped);
    await expectInputErrorAsync(
      () => loadModelFromDir(dir),
      `${binPath}: SHA-256 checksum does not match model.json's weightsSha256 (the weights were modified or belong to another save)`,
    );

    await fs.rm(binPath);
    await expectInputErrorAsync(() => loadModelFromDir(dir), `${binPath} not found`);

    await fs.writeFile(binPath, goodBin);
    const topology = JSON.parse(goodJson);
    topology.modelTopology.config.layers[0].class_name = 'NoSuchLayer';
    await fs.writeFile(jsonPath, JSON.stringify(topology));
    await expectInputErrorAsync(() => loadModelFromDir(dir), new RegExp(`^${escape(jsonPath)} could not be loaded by tfjs: .*NoSuchLayer`));

    await fs.writeFile(jsonPath, goodJson);
    const ok = await loadModelFromDir(dir);
    ok.dispose();
  });

  it('checks weight sizes and file kinds before reading: /dev/zero, FIFOs, grown files, NUL bytes, huge model.json', async () => {
    const { model, dir } = await savedModel('bounded');
    model.dispose();
    const jsonPath = path.join(dir, 'model.json');
    const binPath = path.join(dir, 'weights.bin');
    const goodJson = await fs.readFile(jsonPath, 'utf8');
    const goodBin = await fs.readFile(binPath);

    // A symbolic link to /dev/zero used to be read without end (12.5 GB RSS).
    await fs.rm(binPath);
    await fs.symlink('/dev/zero', binPath);
    const started = Date.now();
    await expectInputErrorAsync(() => loadModelFromDir(dir), `${binPath} is a character device, not a regular file`);
    expect(Date.now() - started).toBeLessThan(5000);
    await fs.rm(binPath);

    execFileSync('mkfifo', [binPath]);
    await expectInputErrorAsync(() => loadModelFromDir(dir), `${binPath} is a FIFO, not a regular file`);
    await fs.rm(binPath);

    await fs.writeFile(binPath, Buffer.concat([goodBin, Buffer.alloc(4)]));
    await expectInputErrorAsync(
      () => loadModelFromDir(dir),
      `${binPath}: expected ${goodBin.length} bytes from model.json's weightsManifest, got ${goodBin.length + 4} (truncated, or written for another model)`,
    );
    await fs.writeFile(binPath, goodBin);

    const nul = JSON.parse(goodJson);
    nul.weightsManifest[0].paths[0] = 'weights\u0000.bin';
    await fs.writeFile(jsonPath, JSON.stringify(nul));
    await expectInputErrorAsync(
      () => loadModelFromDir(dir),
      `${jsonPath} weightsManifest[0].paths[0] contains a NUL byte: "weights\\u0000.bin"`,
    );

    await fs.rm(jsonPath);
    await fs.symlink('/dev/zero', jsonPath);
    await expectInputErrorAsync(() => loadModelFromDir(dir), `${jsonPath} is a character device, not a regular file`);
    await fs.rm(jsonPath);

    // A sparse file: no disk space used.
    await fs.writeFile(jsonPath, '');
    await fs.truncate(jsonPath, MAX_MODEL_JSON_BYTES + 1);
    await expectInputErrorAsync(
      () => loadModelFromDir(dir),
      `model file ${jsonPath} is 67108865 bytes (64 MiB), more than the limit of 67108864 bytes (64 MiB) (maxBytes); ` +
        'this is not a model file this library wrote',
    );

    await fs.writeFile(jsonPath, goodJson);
    const ok = await loadModelFromDir(dir);
    ok.dispose();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
