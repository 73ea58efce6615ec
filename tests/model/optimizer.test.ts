import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveLstmConfig, type OptimizerName } from '../../src/model/config';
import { buildLstmModel } from '../../src/model/lstm';
import { createOptimizer, getLearningRate, setLearningRate } from '../../src/model/optimizer';
import { expectInputError, randomArray, useBackend, weightValues } from './helpers';

const shape = { lookback: 5, numFeatures: 2, horizon: 2, numTargets: 1 };

/** Max |weight change| of one trainOnBatch step on a fresh model; the rate is set after construction. */
async function stepSize(optimizer: OptimizerName, constructedWith: number, setTo: number | undefined): Promise<number> {
  const model = buildLstmModel(resolveLstmConfig({ units: 6, optimizer, learningRate: constructedWith, seed: 1 }), shape);
  if (setTo !== undefined) setLearningRate(model.optimizer, setTo);
  const before = weightValues(model);
  const xs = tf.tensor3d(randomArray(8 * 10, 'x'), [8, 5, 2]);
  const ys = tf.tensor3d(randomArray(8 * 2, 'y'), [8, 2, 1]);
  await model.trainOnBatch(xs, ys);
  tf.dispose([xs, ys]);
  const after = weightValues(model);
  let max = 0;
  before.forEach((w, k) => w.forEach((v, i) => (max = Math.max(max, Math.abs(after[k][i] - v)))));
  model.dispose();
  return max;
}

describe('learning rate access', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it.each(['adam', 'rmsprop', 'sgd'] as const)('%s: setLearningRate changes the size of the next update', async (name) => {
    const big = await stepSize(name, 1e-2, undefined);
    const small = await stepSize(name, 1e-2, 1e-3);
    const reference = await stepSize(name, 1e-3, undefined);
    expect(big).toBeGreaterThan(0);
    expect(big / small).toBeCloseTo(10, 2);
    expect(small).toBeCloseTo(reference, 7);
  });

  it.each(['adam', 'rmsprop', 'sgd'] as const)('%s: getLearningRate reads back what was set', (name) => {
    const optimizer = createOptimizer(name, 0.01);
    expect(getLearningRate(optimizer)).toBe(0.01);
    setLearningRate(optimizer, 0.004);
    expect(getLearningRate(optimizer)).toBe(0.004);
    expect(optimizer.getConfig().learningRate).toBe(0.004);
    optimizer.dispose();
  });

  it('rejects invalid rates', () => {
    expectInputError(() => createOptimizer('adam', 0), 'learningRate must be a positive finite number, got 0');
    const optimizer = createOptimizer('sgd', 0.1);
    expectInputError(() => setLearningRate(optimizer, NaN), 'learningRate must be a positive finite number, got NaN');
    optimizer.dispose();
  });
});
