import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveLstmConfig } from '../../src/model/config';
import { buildLstmModel } from '../../src/model/lstm';
import { predictSet, predictWindows } from '../../src/model/predict';
import { arraySet, expectInputError, randomArray, randomSet, useBackend } from './helpers';

const shape = { lookback: 5, numFeatures: 2, horizon: 3, numTargets: 2 };

describe('predictSet / predictWindows', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('returns [size, horizon, numTargets] row-major, independent of batchSize, matching model.predict', () => {
    const model = buildLstmModel(resolveLstmConfig({ units: 6 }), shape);
    const set = randomSet({ size: 11, ...shape }, 's');
    const whole = predictSet(model, set);
    expect(whole).toBeInstanceOf(Float32Array);
    expect(whole.length).toBe(11 * 3 * 2);
    for (const batchSize of [1, 4, 11, 300]) {
      const got = predictSet(model, set, { batchSize });
      got.forEach((v, i) => expect(v).toBeCloseTo(whole[i], 6));
    }
    const x = new Float32Array(11 * 10);
    set.fill(Uint32Array.from({ length: 11 }, (_, i) => i), x, new Float32Array(11 * 6));
    const direct = tf.tidy(() => (model.predict(tf.tensor3d(x, [11, 5, 2])) as tf.Tensor).arraySync() as number[][][]);
    // sample 7, step 2, target 1
    expect(whole[(7 * 3 + 2) * 2 + 1]).toBeCloseTo(direct[7][2][1], 6);
    expect(predictWindows(model, x, 11, shape)).toEqual(whole);
    model.dispose();
  });

  it('does not mutate its input, and leaks no tensors', () => {
    const model = buildLstmModel(resolveLstmConfig({ units: 6 }), shape);
    const x = randomArray(3 * 10, 'x');
    const copy = x.slice();
    const before = tf.memory().numTensors;
    predictWindows(model, x, 3, shape, { batchSize: 2 });
    predictSet(model, randomSet({ size: 5, ...shape }, 'z'), { batchSize: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(x).toEqual(copy);
    expect(predictWindows(model, new Float32Array(0), 0, shape)).toEqual(new Float32Array(0));
    model.dispose();
  });

  it('rejects mismatched inputs with messages', () => {
    const model = buildLstmModel(resolveLstmConfig({ units: 4 }), shape);
    expectInputError(() => predictWindows(model, new Float32Array(9), 1, shape), 'x.length must be count * lookback * numFeatures = 10, got 9');
    expectInputError(() => predictWindows(model, new Float32Array(10), 1, { ...shape, horizon: 4 }), "shape.horizon must equal the model's horizon 3, got 4");
    expectInputError(() => predictWindows(model, [0] as unknown as Float32Array, 1, shape), 'x must be a Float32Array, got [0]');
    expectInputError(() => predictWindows(model, new Float32Array(10), -1, shape), 'count must be a non-negative integer, got -1');
    const set = arraySet(new Float32Array(2 * 4 * 2), new Float32Array(2 * 6), { size: 2, lookback: 4, numFeatures: 2, horizon: 3, numTargets: 2 });
    expectInputError(() => predictSet(model, set), "set.lookback must equal the model's lookback 5, got 4");
    expectInputError(() => predictSet(model, randomSet({ size: 2, ...shape }, 'q'), { batchSize: 0 }), 'batchSize must be a positive integer, got 0');
    model.dispose();
  });
});
