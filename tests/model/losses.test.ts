import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { HUBER_DELTA, lossFunction } from '../../src/model/losses';
import { useBackend } from './helpers';

describe('lossFunction', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  // errors e = yPred - yTrue: [0.5, -2] for sample 0 (targets), [3, 0] for sample 1
  const yTrue = [[[0, 2]], [[-1, 1]]];
  const yPred = [[[0.5, 0]], [[2, 1]]];
  const huber = (e: number) => (Math.abs(e) <= HUBER_DELTA ? 0.5 * e * e : HUBER_DELTA * (Math.abs(e) - 0.5 * HUBER_DELTA));
  it.each([
    ['mse', [[(0.25 + 4) / 2], [(9 + 0) / 2]]],
    ['mae', [[(0.5 + 2) / 2], [(3 + 0) / 2]]],
    ['huber', [[(huber(0.5) + huber(-2)) / 2], [(huber(3) + huber(0)) / 2]]],
  ] as const)('%s averages over the last axis, giving [batch, horizon]', (name, expected) => {
    const before = tf.memory().numTensors;
    const result = tf.tidy(() => lossFunction(name)(tf.tensor3d(yTrue as unknown as number[][][]), tf.tensor3d(yPred as unknown as number[][][])).arraySync());
    expect(tf.memory().numTensors).toBe(before);
    expect((result as number[][]).flat()).toEqual((expected as unknown as number[][]).flat().map((v) => expect.closeTo(v, 6)));
  });
});
