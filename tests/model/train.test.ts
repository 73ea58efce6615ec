import * as tf from '@tensorflow/tfjs';
import { shuffledOrder } from '../../src/data/batches';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SupervisedSet } from '../../src/data/types';
import { resolveLstmConfig, type LstmConfig } from '../../src/model/config';
import { buildLstmModel } from '../../src/model/lstm';
import { getLearningRate } from '../../src/model/optimizer';
import { predictSet } from '../../src/model/predict';
import {
  NonFiniteLossError,
  trainModel,
  type TrainOptions,
  type TrainProgress,
} from '../../src/model/train';
import { arraySet, expectInputErrorAsync, randomSet, sineSet, useBackend, weightValues } from './helpers';

const dims = { lookback: 6, numFeatures: 2, horizon: 2, numTargets: 1 };
const small = (overrides: Partial<LstmConfig> = {}) => resolveLstmConfig({ units: 8, learningRate: 0.01, ...overrides });
// Train: y = 2 * mean(x). Validation: y = mean(x), so the validation loss first falls, then rises
// as the model approaches the training relation: a real best epoch in the middle.
const trainSet = randomSet({ size: 48, ...dims }, 'train');
const valSet = randomSet({ size: 24, ...dims }, 'val', 0.5);

/** Independent re-derivation of early stopping from a monitored-loss history. */
function expectedEarlyStop(losses: number[], patience: number) {
  let best = Infinity;
  let bestEpoch = 0;
  let wait = 0;
  for (let e = 1; e <= losses.length; e++) {
    if (losses[e - 1] < best) {
      best = losses[e - 1];
      bestEpoch = e;
      wait = 0;
    } else if (++wait >= patience) return { stopEpoch: e, bestEpoch };
  }
  return { stopEpoch: losses.length, bestEpoch };
}

async function trainFresh(backend: string, config: LstmConfig, options: Partial<TrainOptions> = {}) {
  const model = buildLstmModel(config, dims);
  const history = await trainModel(model, trainSet, valSet, { epochs: 3, batchSize: 10, seed: config.seed, ...options });
  const weights = weightValues(model);
  model.dispose();
  return { history, weights, backend };
}

describe.each(['cpu', 'wasm'] as const)('determinism on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('same seed: identical weights and loss history; other seed: different', async () => {
    const a = await trainFresh(backend, small({ seed: 5 }));
    const b = await trainFresh(backend, small({ seed: 5 }));
    const c = await trainFresh(backend, small({ seed: 6 }));
    expect(a.history.loss).toEqual(b.history.loss);
    expect(a.history.valLoss).toEqual(b.history.valLoss);
    expect(a.weights).toEqual(b.weights);
    expect(c.history.loss).not.toEqual(a.history.loss);
    expect(c.weights[0]).not.toEqual(a.weights[0]);
    expect(a.history.loss.every(Number.isFinite)).toBe(true);
  });

  it('dropout masks are seeded too', async () => {
    const config = small({ seed: 5, dropout: 0.3, recurrentDropout: 0.2 });
    const a = await trainFresh(backend, config, { epochs: 2 });
    const b = await trainFresh(backend, config, { epochs: 2 });
    const noDropout = await trainFresh(backend, small({ seed: 5 }), { epochs: 2 });
    expect(a.history.loss).toEqual(b.history.loss);
    expect(a.weights).toEqual(b.weights);
    expect(a.history.loss).not.toEqual(noDropout.history.loss);
  });
});

describe('trainModel', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBeLessThan(1000); // no runaway leak across tests
  });

  it.each(['stock', 'fused'] as const)('keeps tf.memory().numTensors flat across training (with restore), predictSet, and a failed run (%s kernel)', async (kernel) => {
    for (const dropout of [0, 0.25]) {
      const model = buildLstmModel(small({ dropout, kernel }), dims);
      await trainModel(model, trainSet, valSet, { epochs: 1, batchSize: 16, seed: 1 }); // allocates optimizer slots
      const before = tf.memory().numTensors;
      const history = await trainModel(model, trainSet, valSet, {
        epochs: 12, batchSize: 16, seed: 1, earlyStopping: { patience: 2 }, reduceLrOnPlateau: { patience: 1, factor: 0.5 },
      });
      expect(history.restoredBestWeights).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
      predictSet(model, valSet, { batchSize: 7 });
      expect(tf.memory().numTensors).toBe(before);
      const bad = arraySet(new Float32Array(4 * 12).fill(NaN), new Float32Array(4 * 2), { size: 4, ...dims });
      await expect(trainModel(model, bad, undefined, { epochs: 1, batchSize: 4, seed: 1 })).rejects.toThrow(NonFiniteLossError);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    }
  });

  it('early stopping stops after `patience` epochs without improvement and restores the best epoch', async () => {
    const model = buildLstmModel(small({ seed: 3 }), dims);
    const predictionsAtEpoch: Float32Array[] = [];
    const checkpoints: Array<[number, number]> = [];
    const patience = 3;
    const history = await trainModel(model, trainSet, valSet, {
      epochs: 60,
      batchSize: 8,
      seed: 3,
      earlyStopping: { patience },
      onProgress: (e) => {
        if (e.kind === 'epoch-end') predictionsAtEpoch.push(predictSet(model, valSet));
      },
      checkpoint: async (_m, epoch, valLoss) => {
        checkpoints.push([epoch, valLoss]);
      },
    });
    const expected = expectedEarlyStop(history.valLoss, patience);
    expect(history.stoppedEarly).toBe(true);
    expect(history.epochsRun).toBe(expected.stopEpoch);
    expect(history.epochsRun).toBeLessThan(60);
    expect(history.bestEpoch).toBe(expected.bestEpoch);
    expect(history.bestEpoch).toBeGreaterThan(1); // the fixture has a real minimum, not just epoch 1
    expect(history.bestLoss).toBe(Math.min(...history.valLoss));
    expect(history.epochsRun - history.bestEpoch).toBe(patience);
    expect(history.restoredBestWeights).toBe(true);
    expect(history.loss).toHaveLength(history.epochsRun);
    expect(history.learningRate).toEqual(Array(history.epochsRun).fill(0.01));
    // Restored weights give exactly the best epoch's predictions, not the last epoch's.
    const restored = predictSet(model, valSet);
    expect(restored).toEqual(predictionsAtEpoch[history.bestEpoch - 1]);
    expect(restored).not.toEqual(predictionsAtEpoch[history.epochsRun - 1]);
    // Checkpoints: exactly the improving epochs, with their validation losses; the last is the best.
    const improving = history.valLoss.flatMap((v, i) => (v < Math.min(Infinity, ...history.valLoss.slice(0, i)) ? [i + 1] : []));
    expect(checkpoints.map(([e]) => e)).toEqual(improving);
    expect(checkpoints.map(([, v]) => v)).toEqual(improving.map((e) => history.valLoss[e - 1]));
    expect(checkpoints[checkpoints.length - 1][0]).toBe(history.bestEpoch);
    model.dispose();
  });

  it('restoreBestWeights: false keeps the last weights; minDelta raises the bar for improvement', async () => {
    const model = buildLstmModel(small({ seed: 3 }), dims);
    let last: Float32Array | undefined;
    const history = await trainModel(model, trainSet, valSet, {
      epochs: 60, batchSize: 8, seed: 3,
      earlyStopping: { patience: 3, restoreBestWeights: false, minDelta: 1e-3 },
      onProgress: (e) => {
        if (e.kind === 'epoch-end') last = predictSet(model, valSet);
      },
    });
    expect(history.restoredBestWeights).toBe(false);
    expect(predictSet(model, valSet)).toEqual(last);
    // Re-derive with minDelta: best only moves on improvements > 1e-3.
    let best = Infinity;
    let bestEpoch = 0;
    history.valLoss.forEach((v, i) => {
      if (v < best - 1e-3) [best, bestEpoch] = [v, i + 1];
    });
    expect(history.bestEpoch).toBe(bestEpoch);
    expect(history.epochsRun - bestEpoch).toBe(3);
    model.dispose();
  });

  it('reduceLrOnPlateau multiplies the learning rate by factor after patience stalled epochs, down to minLearningRate', async () => {
    const model = buildLstmModel(small({ seed: 3 }), dims);
    const plateau = { patience: 1, factor: 0.5, minLearningRate: 0.003 };
    const history = await trainModel(model, trainSet, valSet, { epochs: 14, batchSize: 8, seed: 3, reduceLrOnPlateau: plateau });
    let lr = 0.01;
    let best = Infinity;
    let wait = 0;
    const expected: number[] = [];
    for (const v of history.valLoss) {
      expected.push(lr);
      if (v < best) [best, wait] = [v, 0];
      else if (++wait >= plateau.patience) [lr, wait] = [Math.max(lr * plateau.factor, plateau.minLearningRate), 0];
    }
    expect(history.learningRate).toEqual(expected);
    expect(new Set(history.learningRate)).toEqual(new Set([0.01, 0.005, 0.003])); // reduced twice, then clamped
    expect(getLearningRate(model.optimizer)).toBe(lr);
    expect(history.epochsRun).toBe(14);
    expect(history.stoppedEarly).toBe(false);
    model.dispose();
  });

  it('an abort signal stops training before the next batch and returns the completed epochs', async () => {
    const model = buildLstmModel(small(), dims);
    const controller = new AbortController();
    const kinds: string[] = [];
    const history = await trainModel(model, trainSet, valSet, {
      epochs: 10, batchSize: 8, seed: 1, progressEveryBatches: 1, signal: controller.signal,
      onProgress: (e) => {
        kinds.push(`${e.kind}${e.batch ?? ''}`);
        if (e.kind === 'batch' && e.epoch === 2 && e.batch === 2) controller.abort();
      },
    });
    expect(history.aborted).toBe(true);
    expect(history.epochsRun).toBe(1);
    expect(history.loss).toHaveLength(1);
    expect(history.valLoss).toHaveLength(1);
    expect(kinds.slice(-4)).toEqual(['epoch-start', 'batch1', 'batch2', 'end']);

    const pre = new AbortController();
    pre.abort();
    const none = await trainModel(model, trainSet, valSet, { epochs: 3, batchSize: 8, seed: 1, signal: pre.signal });
    expect(none).toMatchObject({ aborted: true, epochsRun: 0, bestEpoch: 0, loss: [], valLoss: [] });
    expect(none.bestLoss).toBeNaN();

    // A timer firing during training is honoured (the loop yields to the event loop).
    const timed = new AbortController();
    setTimeout(() => timed.abort(), 200);
    const byTimer = await trainModel(model, trainSet, undefined, { epochs: 100_000, batchSize: 8, seed: 1, signal: timed.signal });
    expect(byTimer.aborted).toBe(true);
    expect(byTimer.epochsRun).toBeLessThan(100_000);
    model.dispose();
  });

  it.each(['stock', 'fused'] as const)('a NaN loss stops training with a clear error (%s kernel)', async (kernel) => {
    const model = buildLstmModel(small({ kernel }), dims);
    const x = new Float32Array(8 * 12);
    x[5 * 12 + 3] = NaN; // sample 5 is in batch 2 without shuffling
    const bad = arraySet(x, new Float32Array(8 * 2), { size: 8, ...dims });
    const error = await trainModel(model, bad, undefined, { epochs: 2, batchSize: 4, seed: 1, shuffle: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toBe(
      'training loss is NaN at epoch 1, batch 2 (learning rate 0.01): check input scaling and non-finite values, or lower the learning rate',
    );
    expect(error).toMatchObject({ epoch: 1, batch: 2 });
    model.dispose();
  });

  it('emits progress events in order with consistent fields', async () => {
    const model = buildLstmModel(small(), dims);
    const events: TrainProgress[] = [];
    const history = await trainModel(model, trainSet, valSet, {
      epochs: 2, batchSize: 20, seed: 1, progressEveryBatches: 2, onProgress: (e) => events.push(e),
    });
    // 48 samples / 20 = 3 batches: events at batch 2 and at the last batch (3).
    expect(events.map((e) => `${e.kind}:${e.epoch}${e.batch ? `/${e.batch}of${e.batches}` : ''}`)).toEqual([
      'epoch-start:1', 'batch:1/2of3', 'batch:1/3of3', 'epoch-end:1',
      'epoch-start:2', 'batch:2/2of3', 'batch:2/3of3', 'epoch-end:2', 'end:2',
    ]);
    const ends = events.filter((e) => e.kind === 'epoch-end');
    expect(ends.map((e) => e.loss)).toEqual(history.loss);
    expect(ends.map((e) => e.valLoss)).toEqual(history.valLoss);
    expect(ends[0].improved).toBe(true);
    expect(events[0].loss).toBeNaN();
    expect(events[4].loss).toBe(history.loss[0]);
    expect(events.every((e) => e.epochs === 2 && e.learningRate === 0.01)).toBe(true);
    const elapsed = events.map((e) => e.elapsedSeconds);
    expect(elapsed).toEqual([...elapsed].sort((a, b) => a - b));
    expect(ends.every((e) => e.samplesPerSecond > 0 && e.etaSeconds >= 0)).toBe(true);
    expect(events[events.length - 1].etaSeconds).toBe(0);
    expect(events[0].etaSeconds).toBeNaN(); // nothing measured yet
    expect(ends[0].etaSeconds).toBeGreaterThan(0); // one more epoch (training + validation) to go
    expect(ends[1].etaSeconds).toBe(0);
    expect(history.samplesPerSecond).toBeGreaterThan(0);
    expect(history.seconds).toBeGreaterThanOrEqual(elapsed[elapsed.length - 2]);
    model.dispose();
  });

  it('without a validation set, monitors the training loss', async () => {
    const model = buildLstmModel(small(), dims);
    const history = await trainModel(model, trainSet, undefined, { epochs: 4, batchSize: 16, seed: 1, earlyStopping: { patience: 10 } });
    expect(history.valLoss).toEqual([]);
    expect(history.bestLoss).toBe(Math.min(...history.loss));
    expect(history.bestEpoch).toBe(history.loss.indexOf(history.bestLoss) + 1);
    model.dispose();
  });

  it('visits samples in a seeded permutation per epoch, or in order without shuffling', async () => {
    const p = shuffledOrder(50, 7, 1);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shuffledOrder(50, 7, 1)).toEqual(p);
    expect(shuffledOrder(50, 7, 2)).not.toEqual(p);
    expect(shuffledOrder(50, 8, 1)).not.toEqual(p);

    const seen: number[][] = [];
    const recording = (set: SupervisedSet): SupervisedSet => ({ ...set, fill: (idx, x, y) => (seen.push(Array.from(idx)), set.fill(idx, x, y)) });
    const model = buildLstmModel(small(), dims);
    await trainModel(model, recording(trainSet), undefined, { epochs: 1, batchSize: 20, seed: 1, shuffle: false });
    expect(seen.flat()).toEqual(Array.from({ length: 48 }, (_, i) => i));
    expect(seen.map((b) => b.length)).toEqual([20, 20, 8]);
    seen.length = 0;
    await trainModel(model, recording(trainSet), undefined, { epochs: 2, batchSize: 48, seed: 9 });
    expect(seen).toEqual([Array.from(shuffledOrder(48, 9, 1)), Array.from(shuffledOrder(48, 9, 2))]);
    model.dispose();
  });

  it.each([
    [{ epochs: 0 }, 'epochs must be a positive integer, got 0'],
    [{ batchSize: '32' }, 'batchSize must be a positive integer, got "32"'],
    [{ seed: -1 }, 'seed must be an integer in [0, 4294967295], got -1'],
    [{ shuffle: 'yes' }, 'shuffle must be a boolean, got "yes"'],
    [{ earlyStopping: { patience: 0 } }, 'earlyStopping.patience must be a positive integer, got 0'],
    [{ earlyStopping: { patience: 2, minDelta: -1 } }, 'earlyStopping.minDelta must be a non-negative finite number, got -1'],
    [{ earlyStopping: true }, 'earlyStopping must be an object or false, got true'],
    [{ reduceLrOnPlateau: { patience: 1, factor: 1 } }, 'reduceLrOnPlateau.factor must be a number in (0, 1), got 1'],
    [{ reduceLrOnPlateau: { patience: 1, factor: 0.5, minLearningRate: -1 } }, 'reduceLrOnPlateau.minLearningRate must be a non-negative finite number, got -1'],
    [{ progressEveryBatches: 0 }, 'progressEveryBatches must be a positive integer, got 0'],
    [{ checkpoint: 'save' }, 'checkpoint must be a function, got "save"'],
    [{ signal: {} }, 'signal must be an AbortSignal, got {}'],
  ])('rejects options %j', async (override, message) => {
    const model = buildLstmModel(small(), dims);
    const options = { epochs: 1, batchSize: 8, seed: 1, ...override } as unknown as TrainOptions;
    await expectInputErrorAsync(() => trainModel(model, trainSet, undefined, options), message);
    model.dispose();
  });

  it('rejects an uncompiled model and sets that do not match the model', async () => {
    const raw = tf.sequential({ layers: [tf.layers.lstm({ units: 2, inputShape: [6, 2] }), tf.layers.dense({ units: 2 }), tf.layers.reshape({ targetShape: [2, 1] })] });
    await expectInputErrorAsync(() => trainModel(raw, trainSet, undefined, { epochs: 1, batchSize: 8, seed: 1 }), 'model must be compiled before training (see compileLstmModel)');
    raw.dispose();
    const model = buildLstmModel(small(), dims);
    const other = randomSet({ size: 4, lookback: 6, numFeatures: 2, horizon: 3, numTargets: 1 }, 'o');
    await expectInputErrorAsync(() => trainModel(model, trainSet, other, { epochs: 1, batchSize: 8, seed: 1 }), "val.horizon must equal the model's horizon 2, got 3");
    model.dispose();
  });

  it('learns a sine wave: validation loss falls far below its initial value', async () => {
    const lookback = 12;
    const horizon = 3;
    const train = sineSet(120, lookback, horizon, 0);
    const val = sineSet(40, lookback, horizon, 137);
    const model = buildLstmModel(resolveLstmConfig({ units: 16, learningRate: 0.01, seed: 42 }), { lookback, numFeatures: 1, horizon, numTargets: 1 });
    const mse = (set: SupervisedSet) => {
      const predicted = predictSet(model, set);
      const x = new Float32Array(set.size * lookback);
      const y = new Float32Array(set.size * horizon);
      set.fill(Uint32Array.from({ length: set.size }, (_, i) => i), x, y);
      return predicted.reduce((s, p, i) => s + (p - y[i]) ** 2, 0) / predicted.length;
    };
    const initial = mse(val);
    const history = await trainModel(model, train, val, { epochs: 15, batchSize: 16, seed: 42 });
    const final = mse(val);
    expect(final).toBeCloseTo(history.valLoss[history.valLoss.length - 1], 5); // valLoss is the val MSE
    expect(initial).toBeGreaterThan(0.3);
    expect(final).toBeLessThan(0.01 * initial);
    expect(final).toBeLessThan(2e-3);
    model.dispose();
  });
});
