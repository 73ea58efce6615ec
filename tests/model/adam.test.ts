import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { FusedAdam } from '../../src/model/adam';
import { resolveLstmConfig } from '../../src/model/config';
import { buildLstmModel } from '../../src/model/lstm';
import { expectInputError, randomArray, useBackend } from './helpers';

const SHAPES: number[][] = [[3, 8], [8], [1], [2, 3, 4]];

/** Gradients with a wide range of magnitudes (tiny, huge, zero, negative), per step and variable. */
function gradientsAt(step: number): Float32Array[] {
  return SHAPES.map((shape, k) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const raw = randomArray(n, `g${step}-${k}`);
    return raw.map((v, i) => (i % 7 === 0 ? 0 : v * 10 ** ((i % 9) - 4)));
  });
}

/** Runs `steps` updates of `optimizer` on fresh variables; returns the final values. */
function run(optimizer: tf.Optimizer, steps: number, prefix: string, lrAt?: (step: number) => number): Float32Array[] {
  const vars = SHAPES.map((shape, k) => tf.variable(tf.tensor(randomArray(shape.reduce((a, b) => a * b, 1), `w${k}`), shape), true, `${prefix}${k}`));
  for (let s = 0; s < steps; s++) {
    if (lrAt) (optimizer as unknown as { learningRate: number }).learningRate = lrAt(s);
    const grads: tf.NamedTensorMap = {};
    gradientsAt(s).forEach((g, k) => (grads[vars[k].name] = tf.tensor(g, SHAPES[k])));
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  const out = vars.map((v) => v.dataSync() as Float32Array).map((a) => Float32Array.from(a));
  tf.dispose(vars);
  return out;
}

let unique = 0;
const name = () => `adam_test_${unique++}_`;

const CASES = (['cpu', 'wasm'] as const).flatMap((backend) => (['auto', 'js'] as const).map((kernel) => ({ backend, kernel })));

describe.each(CASES)('FusedAdam on the $backend backend, kernel $kernel', ({ backend, kernel }) => {
  it('runs the kernel asked for', async () => {
    await useBackend(backend);
    expect(new FusedAdam(0.1, { kernel }).kernelPath).toBe(kernel === 'js' ? 'js' : 'wasm');
  });

  it('gives bit-identical weights to tf.train.adam over 40 steps (default and custom betas/epsilon)', async () => {
    await useBackend(backend);
    for (const options of [{}, { beta1: 0.8, beta2: 0.99, epsilon: 1e-3 }]) {
      const ref = tf.train.adam(0.01, options.beta1 ?? 0.9, options.beta2 ?? 0.999, options.epsilon);
      const ours = new FusedAdam(0.01, { ...options, kernel });
      const expected = run(ref, 40, name());
      const actual = run(ours, 40, name());
      actual.forEach((a, k) => expect(Array.from(a)).toEqual(Array.from(expected[k])));
      expect(ours.iterations).toBe(40);
      ref.dispose();
      ours.dispose();
    }
  });

  it('follows learning-rate changes between steps exactly as tfjs does', async () => {
    await useBackend(backend);
    const lrAt = (s: number) => (s < 5 ? 0.02 : 0.002);
    const expected = run(tf.train.adam(0.02), 10, name(), lrAt);
    const actual = run(new FusedAdam(0.02, { kernel }), 10, name(), lrAt);
    actual.forEach((a, k) => expect(Array.from(a)).toEqual(Array.from(expected[k])));
  });

  it('leaves tensor count flat and does not modify the gradients', async () => {
    await useBackend(backend);
    const v = tf.variable(tf.ones([4]), true, `${name()}v`);
    const g = tf.tensor([1, -2, 3, -4]);
    const opt = new FusedAdam(0.1, { kernel });
    opt.applyGradients({ [v.name]: g });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) opt.applyGradients({ [v.name]: g });
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(g.dataSync())).toEqual([1, -2, 3, -4]);
    tf.dispose([v, g]);
    opt.dispose();
  });
});

describe('FusedAdam in a model', () => {
  afterAll(() => undefined);

  it('a seeded LSTM run has the same loss history as with tf.train.adam', async () => {
    await useBackend('cpu');
    const shape = { lookback: 6, numFeatures: 2, horizon: 1, numTargets: 1 };
    const xs = tf.tensor3d(randomArray(16 * 12, 'x'), [16, 6, 2]);
    const ys = tf.tensor3d(randomArray(16, 'y'), [16, 1, 1]);
    const losses = async (optimizer: tf.Optimizer | null) => {
      const model = buildLstmModel(resolveLstmConfig({ units: 5, seed: 3 }), shape);
      if (optimizer) model.compile({ optimizer, loss: 'meanSquaredError' });
      else expect(model.optimizer).toBeInstanceOf(FusedAdam);
      const out: number[] = [];
      for (let i = 0; i < 8; i++) out.push((await model.trainOnBatch(xs, ys)) as number);
      model.dispose();
      return out;
    };
    const ours = await losses(null);
    const ref = await losses(tf.train.adam(1e-3));
    expect(ours).toEqual(ref);
    expect(ours[7]).toBeLessThan(ours[0]);
    tf.dispose([xs, ys]);
  });

  it('saves and restores its state in tfjs Adam layout (both directions)', async () => {
    await useBackend('cpu');
    const prefix = name();
    const ours = new FusedAdam(0.01);
    run(ours, 3, prefix);
    const weights = await ours.getWeights();
    expect(weights.map((w) => w.name)).toEqual(['iter', ...SHAPES.map((_, k) => `${prefix}${k}/m`), ...SHAPES.map((_, k) => `${prefix}${k}/v`)]);
    expect(weights[0].tensor.dataSync()[0]).toBe(3);
    // continue 5 steps from the saved state with tfjs' Adam and with a fresh FusedAdam
    const tfAdam = tf.train.adam(0.01);
    await tfAdam.setWeights(weights);
    const restored = new FusedAdam(0.01);
    await restored.setWeights(await ours.getWeights());
    const back = await tfAdam.getWeights();
    const refState = back.slice(1).map((w) => Array.from(w.tensor.dataSync()));
    const ourState = (await restored.getWeights()).slice(1).map((w) => Array.from(w.tensor.dataSync()));
    expect(ourState).toEqual(refState);
    ours.dispose();
    restored.dispose();
    tfAdam.dispose();
  });

  it('serialises as Adam with tfjs config keys and round-trips through fromConfig', () => {
    const opt = new FusedAdam(0.005, { beta1: 0.85 });
    expect(opt.getClassName()).toBe('Adam');
    expect(opt.getConfig()).toEqual({ learningRate: 0.005, beta1: 0.85, beta2: 0.999, epsilon: 1e-7 });
    const copy = FusedAdam.fromConfig(FusedAdam, opt.getConfig()) as FusedAdam;
    expect(copy.getConfig()).toEqual(opt.getConfig());
  });

  it.each([
    [() => new FusedAdam(0), 'learningRate must be a positive finite number, got 0'],
    [() => new FusedAdam(Number.NaN), 'learningRate must be a positive finite number, got NaN'],
    [() => new FusedAdam('0.1' as unknown as number), 'learningRate must be a positive finite number, got 0.1'],
    [() => new FusedAdam(0.1, { beta1: 1 }), 'options.beta1 must be a number in [0, 1), got 1'],
    [() => new FusedAdam(0.1, { beta2: -0.5 }), 'options.beta2 must be a number in [0, 1), got -0.5'],
    [() => new FusedAdam(0.1, { epsilon: -1 }), 'options.epsilon must be a non-negative finite number or null, got -1'],
    [() => new FusedAdam(0.1, { kernel: 'wasm' as 'js' }), 'options.kernel must be "auto" or "js", got "wasm"'],
  ])('rejects bad arguments (%#)', (make, message) => {
    expectInputError(make, message);
  });

  it('rejects unknown variables and mismatched gradient sizes', async () => {
    await useBackend('cpu');
    const opt = new FusedAdam(0.1);
    const g = tf.ones([3]);
    expect(() => opt.applyGradients({ no_such_variable_xyz: g })).toThrow('FusedAdam: no variable named "no_such_variable_xyz"');
    const v = tf.variable(tf.ones([2]), true, `${name()}v`);
    expect(() => opt.applyGradients({ [v.name]: g })).toThrow(`FusedAdam: gradient of ${v.name} has 3 values, the variable 2`);
    tf.dispose([g, v]);
  });
});
