import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from '../../src/backend/select';
import { loadLstmKernel } from '../../src/kernels/lstm/select';
import type { LstmKernel } from '../../src/kernels/lstm/types';
import { resolveLstmConfig, type LstmKernelChoice } from '../../src/model/config';
import { resolveLstmKernel, withLstmKernel } from '../../src/model/kernel';
import { buildLstmModel } from '../../src/model/lstm';
import { expectInputError, useBackend } from './helpers';

const native = { info: { path: 'native', simd: 'avx2-fma', threads: 2 } } as unknown as LstmKernel;
const wasm = { info: { path: 'wasm', simd: 'relaxed', threads: 1 } } as unknown as LstmKernel;
const none = (): LstmKernel | null => null;

describe('resolveLstmKernel', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it.each([
    // choice, tfjs backend, backend selected by selectBackend, kernel that loads -> kernel, info path, summary
    ['auto', 'cpu', 'cpu', native, 'fused', 'native', 'kernel: fused native (avx2-fma, 2 threads)'],
    ['auto', 'wasm', 'wasm', wasm, 'fused', 'wasm', 'kernel: fused wasm (relaxed SIMD, 1 thread)'],
    ['auto', 'tensorflow', 'node', native, 'fused', 'native', 'kernel: fused native (avx2-fma, 2 threads)'],
    ['auto', 'tensorflow', 'node-gpu', native, 'stock', null, 'kernel: stock (auto: the backend node-gpu (@tensorflow/tfjs-node-gpu) runs on a GPU)'],
    ['auto', 'webgl', null, native, 'stock', null, 'kernel: stock (auto: the tfjs backend "webgl" runs on a GPU)'],
    ['auto', 'webgpu', null, native, 'stock', null, 'kernel: stock (auto: the tfjs backend "webgpu" runs on a GPU)'],
    ['auto', 'cpu', 'cpu', null, 'stock', null, 'kernel: stock (auto: no fused kernel loads (neither lstm_native.node nor lstm.wasm))'],
    ['fused', 'webgl', null, native, 'fused', 'native', 'kernel: fused native (avx2-fma, 2 threads)'],
    ['fused', 'cpu', 'cpu', null, 'fused', null, 'kernel: fused layers running the stock code (no fused kernel loads)'],
    ['stock', 'cpu', 'cpu', native, 'stock', null, 'kernel: stock (requested)'],
  ] as const)('%s on tfjs backend %s (selected %s): %#', (choice, tfjsBackend, selectedBackend, loaded, kernel, path, summary) => {
    const resolved = resolveLstmKernel(choice, { tfjsBackend, selectedBackend, loadKernel: () => loaded });
    expect(resolved.requested).toBe(choice);
    expect(resolved.kernel).toBe(kernel);
    expect(resolved.info?.path ?? null).toBe(path);
    expect(resolved.summary).toBe(summary);
    expect(resolved.reason.length).toBeGreaterThan(0);
    // Serialisable: it goes into metrics.json and bundle manifests as it is.
    expect(JSON.parse(JSON.stringify(resolved))).toEqual(resolved);
  });

  it('says when training with dropout runs the stock code', () => {
    const resolved = resolveLstmKernel('auto', { tfjsBackend: 'cpu', selectedBackend: null, loadKernel: () => native, dropout: true });
    expect(resolved.summary).toBe('kernel: fused native (avx2-fma, 2 threads, training with dropout runs the stock code)');
  });

  it("copies the kernel's info (the caller cannot change the kernel through it)", () => {
    const resolved = resolveLstmKernel('fused', { tfjsBackend: 'cpu', loadKernel: () => native });
    expect(resolved.info).toEqual(native.info);
    expect(resolved.info).not.toBe(native.info);
  });

  it('defaults: the active tfjs backend and the real kernel loader', () => {
    const resolved = resolveLstmKernel('auto');
    const loaded = loadLstmKernel();
    expect(tf.getBackend()).toBe('cpu');
    expect(resolved.kernel).toBe(loaded === null ? 'stock' : 'fused');
    expect(resolved.info).toEqual(loaded === null ? null : loaded.info);
  });

  it('tfjs-node(-gpu) loaded without selectBackend: asks the backend whether it runs on a GPU device', async () => {
    // A stand-in for tfjs-node's NodeJSKernelBackend, which has `isUsingGpuDevice`.
    const Cpu = tf.findBackend('cpu')!.constructor as new () => tf.KernelBackend;
    let onGpu = true;
    tf.registerBackend('tensorflow', () => Object.assign(new Cpu(), { isUsingGpuDevice: onGpu }));
    try {
      expect(await tf.setBackend('tensorflow')).toBe(true);
      const options = { loadKernel: () => native };
      expect(resolveLstmKernel('auto', options).summary).toBe(
        'kernel: stock (auto: the tfjs backend "tensorflow" (@tensorflow/tfjs-node-gpu) runs on a GPU)',
      );
      // selectBackend's record, when there is one, decides.
      expect(resolveLstmKernel('auto', { ...options, selectedBackend: 'node' }).kernel).toBe('fused');
      tf.removeBackend('tensorflow');
      onGpu = false;
      tf.registerBackend('tensorflow', () => Object.assign(new Cpu(), { isUsingGpuDevice: onGpu }));
      expect(await tf.setBackend('tensorflow')).toBe(true);
      expect(resolveLstmKernel('auto', options).kernel).toBe('fused');
    } finally {
      tf.removeBackend('tensorflow');
      await useBackend('cpu');
    }
  });

  it("after selectBackend chose node-gpu, 'auto' keeps the stock layers (buildLstmModel included)", async () => {
    const loader = (id: string): unknown => {
      if (id === '@tensorflow/tfjs-node-gpu') {
        // Stand-in for the native package: registers the 'tensorflow' backend, as tfjs-node does.
        tf.registerBackend('tensorflow', () => new MathBackendCPU(), 0);
        return {};
      }
      throw new Error(`unexpected module ${id}`);
    };
    try {
      expect((await selectBackend({ env: {}, requireModule: loader })).backend).toBe('node-gpu');
      const resolved = resolveLstmKernel('auto', { loadKernel: () => native });
      expect(resolved.summary).toBe('kernel: stock (auto: the backend node-gpu (@tensorflow/tfjs-node-gpu) runs on a GPU)');
      const model = buildLstmModel(resolveLstmConfig({ units: 2 }), { lookback: 3, numFeatures: 1, horizon: 1, numTargets: 1 });
      expect(model.layers[0].getClassName()).toBe('LSTM');
      model.dispose();
      expect(resolveLstmKernel('fused', { loadKernel: () => native }).kernel).toBe('fused');
    } finally {
      tf.removeBackend('tensorflow');
      await useBackend('cpu');
    }
  });

  it.each(['gpu', 'Fused', undefined, 1])('rejects %j, naming kernel and the value', (choice) => {
    const shown = choice === undefined ? 'undefined' : JSON.stringify(choice);
    expectInputError(
      () => resolveLstmKernel(choice as unknown as LstmKernelChoice, { loadKernel: none }),
      `kernel must be one of "auto", "fused", "stock", got ${shown}`,
    );
  });
});

describe('withLstmKernel', () => {
  const SHAPE = { lookback: 4, numFeatures: 1, horizon: 1, numTargets: 1 };
  const classes = (model: tf.LayersModel) => model.layers.map((l) => l.getClassName());

  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('converts between the layer classes, keeps the weights, and never touches the input model', () => {
    const stock = buildLstmModel(resolveLstmConfig({ units: 4, layers: 2, kernel: 'stock' }), SHAPE);
    const fused = withLstmKernel(stock, 'fused');
    expect(fused).not.toBe(stock);
    expect(classes(fused)).toEqual(['FusedLstm', 'FusedLstm', 'Dense', 'Reshape']);
    expect(classes(stock)).toEqual(['LSTM', 'LSTM', 'Dense', 'Reshape']);
    const back = withLstmKernel(fused, 'stock');
    expect(classes(back)).toEqual(['LSTM', 'LSTM', 'Dense', 'Reshape']);
    const values = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
    expect(values(back)).toEqual(values(stock));
    expect(values(fused)).toEqual(values(stock));
    // Already of the asked class: the same model, not a copy.
    expect(withLstmKernel(stock, 'stock')).toBe(stock);
    expect(withLstmKernel(fused, 'fused')).toBe(fused);
    [stock, fused, back].forEach((m) => m.dispose());
  });

  it('returns a non-Sequential model as it is', () => {
    const input = tf.input({ shape: [3, 1] });
    const model = tf.model({ inputs: input, outputs: tf.layers.lstm({ units: 2 }).apply(input) as tf.SymbolicTensor });
    expect(withLstmKernel(model, 'fused')).toBe(model);
    model.dispose();
  });

  it('rejects another kernel name', () => {
    const model = buildLstmModel(resolveLstmConfig({ units: 2, kernel: 'stock' }), SHAPE);
    expectInputError(() => withLstmKernel(model, 'auto' as 'fused'), 'kernel must be "fused" or "stock", got "auto"');
    model.dispose();
  });
});
