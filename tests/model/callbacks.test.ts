import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import {
  AbortOnSignal,
  CallbackList,
  Checkpoint,
  EarlyStopping,
  ProgressLogger,
  ReduceLrOnPlateau,
  TrainClock,
  TrainRun,
  type TrainCallback,
  type TrainProgress,
  type TrainRunSpec,
} from '../../src/model/callbacks';
import { getLearningRate } from '../../src/model/optimizer';
import { expectInputError } from './helpers';

/** A model stand-in with one scalar weight; `value` is what the weight holds now. */
function fakeModel(initial = 0) {
  let weight = tf.scalar(initial);
  const fake = {
    get value() {
      return weight.dataSync()[0];
    },
    set value(v: number) {
      weight.dispose();
      weight = tf.scalar(v);
    },
    getWeights: () => [weight],
    setWeights: (weights: tf.Tensor[]) => {
      fake.value = weights[0].dataSync()[0];
    },
    dispose: () => weight.dispose(),
  };
  return fake;
}

function makeRun(spec: Omit<Partial<TrainRunSpec>, 'model'> & { model?: unknown } = {}): TrainRun {
  return new TrainRun({
    optimizer: {} as tf.Optimizer, epochs: 100, batches: 1, trainSize: 10, hasValidation: true,
    ...spec,
    model: (spec.model ?? fakeModel()) as tf.LayersModel,
  });
}

/**
 * A stand-in for trainModel's epoch loop: epoch e leaves weight 100 + e in the model and has
 * monitored (validation) loss `losses[e - 1]`; the learning rate is read from the optimiser when
 * it has one. Runs `min(run.epochs, losses.length)` epochs unless stopped; returns the epochs completed.
 */
async function fakeEpochs(run: TrainRun, callbacks: TrainCallback[], losses: number[]): Promise<number> {
  const list = new CallbackList(callbacks);
  list.onTrainBegin(run);
  const last = Math.min(run.epochs, losses.length);
  for (let epoch = 1; epoch <= last && run.stopReason === undefined; epoch++) {
    const learningRate = 'learningRate' in run.optimizer ? getLearningRate(run.optimizer) : 0.01;
    list.onEpochBegin(run, { epoch, learningRate });
    (run.model as unknown as ReturnType<typeof fakeModel>).value = 100 + epoch;
    await list.onEpochEnd(run, run.recordEpoch(epoch, 1, losses[epoch - 1], learningRate));
  }
  list.onTrainEnd(run);
  list.dispose();
  return run.epochsRun;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('TrainRun', () => {
  it('records epochs, monitors the validation loss (else the training loss) with minDelta', () => {
    const run = makeRun({ minDelta: 0.1 });
    expect(run.recordEpoch(1, 0.9, 1.0, 0.01)).toEqual({ epoch: 1, loss: 0.9, valLoss: 1.0, learningRate: 0.01, monitored: 1.0, improved: true });
    expect(run.recordEpoch(2, 0.8, 0.95, 0.01).improved).toBe(false); // not below 1.0 - 0.1
    expect(run.recordEpoch(3, 0.7, 0.85, 0.005).improved).toBe(true);
    expect(run.history).toEqual({ loss: [0.9, 0.8, 0.7], valLoss: [1.0, 0.95, 0.85], learningRate: [0.01, 0.01, 0.005] });
    expect([run.epochsRun, run.bestEpoch, run.bestLoss]).toEqual([3, 3, 0.85]);

    const noVal = makeRun({ hasValidation: false });
    expect(noVal.recordEpoch(1, 0.5, undefined, 0.01)).toMatchObject({ monitored: 0.5, improved: true, valLoss: undefined });
    expect(noVal.history.valLoss).toEqual([]);
  });

  it('keeps the first stop reason', () => {
    const run = makeRun();
    expect([run.stopReason, run.bestEpoch, run.bestLoss]).toEqual([undefined, 0, Infinity]);
    run.stop('abort');
    run.stop('early');
    expect(run.stopReason).toBe('abort');
  });
});

describe('TrainClock', () => {
  it('measures training and validation time, throughput and ETA; stop() fixes the end', async () => {
    let t = 1000; // ms
    const clock = new TrainClock(2, 10, () => t);
    expect(clock.rate()).toBe(0);
    expect(clock.eta(1, 0)).toBeNaN(); // nothing measured yet
    await clock.timeStep(5, async () => void (t += 1000));
    expect(clock.rate()).toBe(5); // 5 samples in 1 s
    expect(clock.eta(1, 5)).toBe(3); // 15 samples left at 5/s
    t += 250; // outside steps: not training time
    await clock.timeStep(5, async () => void (t += 1000));
    expect(clock.rate()).toBe(5);
    expect(clock.eta(1, 10)).toBe(2); // epoch 2 left: 10 samples; no validation measured yet
    expect(clock.timeValidation(() => ((t += 500), 'v'))).toBe('v');
    expect(clock.eta(1, 10)).toBe(2.5); // + one more validation pass of 0.5 s
    expect(clock.eta(2, 0)).toBe(2.5);
    expect(clock.eta(2, 10)).toBe(0);
    expect(clock.elapsed()).toBe(2.75);
    expect(clock.stop()).toBe(2.75);
    t += 9000;
    expect([clock.elapsed(), clock.stop()]).toEqual([2.75, 2.75]);
  });
});

describe('EarlyStopping', () => {
  afterEach(() => {
    expect(tf.memory().numTensors).toBeLessThan(100);
  });

  it('stops after `patience` epochs without improvement and restores the best weights', async () => {
    const model = fakeModel();
    const before = tf.memory().numTensors;
    const run = makeRun({ model });
    const epochs = await fakeEpochs(run, [new EarlyStopping({ patience: 3 })], [1, 0.5, 0.6, 0.5, 0.7, 0.1]);
    expect(epochs).toBe(5); // best at 2; 3, 4 (equal is no improvement) and 5 do not improve
    expect(run.stopReason).toBe('early');
    expect(run.restoredBestWeights).toBe(true);
    expect(model.value).toBe(102); // the weights after epoch 2, not 105
    expect(tf.memory().numTensors).toBe(before); // the snapshot was disposed
    model.dispose();
  });

  it.each([
    ['restoreBestWeights: false keeps the last weights', { patience: 2, restoreBestWeights: false }, [1, 2, 3], 3, 103, false],
    ['minDelta raises the bar', { patience: 2, minDelta: 0.2 }, [1, 0.9, 0.85, 0.5], 3, 101, true],
    ['the best epoch is the last one: nothing to restore', { patience: 5 }, [3, 2, 1], 3, 103, false],
  ] as const)('%s', async (_name, options, losses, expectedEpochs, expectedValue, restored) => {
    const model = fakeModel();
    const run = makeRun({ model });
    expect(await fakeEpochs(run, [new EarlyStopping(options)], [...losses])).toBe(expectedEpochs);
    expect(model.value).toBe(expectedValue);
    expect(run.restoredBestWeights).toBe(restored);
    model.dispose();
  });

  it('asks for no stop after the last epoch, but still restores', async () => {
    const model = fakeModel();
    const run = makeRun({ model, epochs: 4 });
    expect(await fakeEpochs(run, [new EarlyStopping({ patience: 3 })], [1, 2, 3, 4])).toBe(4);
    expect(run.stopReason).toBeUndefined();
    expect(model.value).toBe(101);
    model.dispose();
  });

  it('starts afresh on each run (onTrainBegin)', async () => {
    const early = new EarlyStopping({ patience: 2 });
    for (const run of [makeRun(), makeRun()]) {
      expect(await fakeEpochs(run, [early], [5, 1, 2, 3, 0])).toBe(4);
      expect(run.bestEpoch).toBe(2);
    }
  });

  it.each<[unknown, string]>([
    [{ patience: 0 }, 'earlyStopping.patience must be a positive integer, got 0'],
    [{ patience: 2, minDelta: -1 }, 'earlyStopping.minDelta must be a non-negative finite number, got -1'],
    [{ patience: 2, restoreBestWeights: 1 }, 'earlyStopping.restoreBestWeights must be a boolean, got 1'],
    [null, 'earlyStopping must be an object, got null'],
  ])('rejects %j', (options, message) => {
    expectInputError(() => new EarlyStopping(options as never), message);
  });
});

describe('ReduceLrOnPlateau', () => {
  it('multiplies the rate by factor after `patience` stalled epochs, from the next epoch, down to minLearningRate', async () => {
    const optimizer = tf.train.adam(0.01);
    const run = makeRun({ optimizer, epochs: 9 });
    const plateau = new ReduceLrOnPlateau({ patience: 2, factor: 0.5, minLearningRate: 0.003 });
    await fakeEpochs(run, [plateau], [1, 1.1, 1.2, 0.9, 1, 1, 1, 1, 1]);
    // Stalls at 2, 3 -> reduce (applies from epoch 4); 4 improves; 5, 6 -> reduce to 0.0025,
    // clamped to 0.003; 7, 8 -> already at the minimum.
    expect(run.history.learningRate).toEqual([0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.003, 0.003, 0.003]);
    expect(getLearningRate(optimizer)).toBe(0.003);
    optimizer.dispose();
  });

  it('uses its own minDelta, and leaves a rate already at the minimum alone', async () => {
    const optimizer = tf.train.adam(0.001);
    const run = makeRun({ optimizer, epochs: 4 });
    await fakeEpochs(run, [new ReduceLrOnPlateau({ patience: 1, factor: 0.1, minDelta: 0.5, minLearningRate: 0.001 })], [1, 0.6, 0.4, 0.3]);
    expect(run.history.learningRate).toEqual([0.001, 0.001, 0.001, 0.001]);
    const other = tf.train.adam(0.1);
    const run2 = makeRun({ optimizer: other, epochs: 4 });
    await fakeEpochs(run2, [new ReduceLrOnPlateau({ patience: 1, factor: 0.5, minDelta: 0.5 })], [1, 0.6, 0.4, 0.3]);
    // 0.6 is not 0.5 below 1: reduce; 0.4 is: new best; 0.3 is not 0.5 below 0.4: reduce.
    expect(run2.history.learningRate).toEqual([0.1, 0.1, 0.05, 0.05]);
    expect(getLearningRate(other)).toBe(0.025);
    optimizer.dispose();
    other.dispose();
  });

  it.each<[unknown, string]>([
    [{ patience: 1, factor: 1 }, 'reduceLrOnPlateau.factor must be a number in (0, 1), got 1'],
    [{ patience: 0, factor: 2 }, 'reduceLrOnPlateau.patience must be a positive integer, got 0'],
    [{ patience: 1, factor: 0.5, minLearningRate: -1 }, 'reduceLrOnPlateau.minLearningRate must be a non-negative finite number, got -1'],
  ])('rejects %j', (options, message) => {
    expectInputError(() => new ReduceLrOnPlateau(options as never), message);
  });
});

describe('Checkpoint', () => {
  it('awaits the save on improving epochs only, before the next callback runs', async () => {
    const calls: string[] = [];
    const model = fakeModel();
    const run = makeRun({ model, hasValidation: false });
    const checkpoint = new Checkpoint(async (m, epoch, loss) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(m).toBe(model);
      calls.push(`save ${epoch} ${loss}`);
    });
    const after: TrainCallback = { onEpochEnd: (_run, logs) => void calls.push(`next ${logs.epoch}`) };
    const list = new CallbackList([checkpoint, after]);
    for (const [epoch, loss] of [[1, 3], [2, 4], [3, 2]]) await list.onEpochEnd(run, run.recordEpoch(epoch, loss, undefined, 0.01));
    expect(calls).toEqual(['save 1 3', 'next 1', 'next 2', 'save 3 2', 'next 3']);
    model.dispose();
  });

  it('rejects a non-function', () => {
    expectInputError(() => new Checkpoint('save' as never), 'checkpoint must be a function, got "save"');
  });
});

describe('AbortOnSignal', () => {
  it('stops at the next batch boundary after abort()', async () => {
    const controller = new AbortController();
    const run = makeRun({ batches: 5 });
    const list = new CallbackList([new AbortOnSignal(controller.signal)]);
    const stepped: number[] = [];
    for (let batch = 1; batch <= run.batches; batch++) {
      list.onBatchBegin(run, { epoch: 1, batch });
      if (run.stopReason !== undefined) break;
      stepped.push(batch);
      if (batch === 2) controller.abort(); // during the step of batch 2
    }
    expect(stepped).toEqual([1, 2]);
    expect(run.stopReason).toBe('abort');
  });

  it('rejects what is not an AbortSignal', () => {
    expectInputError(() => new AbortOnSignal({} as never), 'signal must be an AbortSignal, got {}');
  });
});

describe('ProgressLogger', () => {
  it('emits epoch-start, batch (every n and the last), epoch-end and end, with ETA from the clock', async () => {
    let t = 0;
    const optimizer = tf.train.adam(0.01);
    const run = makeRun({ optimizer, epochs: 2, batches: 3, trainSize: 6, now: () => t });
    const events: TrainProgress[] = [];
    const list = new CallbackList([new ProgressLogger((e) => events.push(e), 2)]);
    for (let epoch = 1; epoch <= 2; epoch++) {
      list.onEpochBegin(run, { epoch, learningRate: 0.01 });
      for (let batch = 1; batch <= 3; batch++) {
        await run.clock.timeStep(2, async () => void (t += 1000)); // 2 samples per second
        list.onBatchEnd(run, { epoch, batch, loss: batch / 10, seen: 2 * batch, learningRate: 0.01 });
      }
      run.clock.timeValidation(() => (t += 500));
      await list.onEpochEnd(run, run.recordEpoch(epoch, epoch, 2 * epoch, 0.01));
    }
    t += 100;
    list.onTrainEnd(run);
    const summary = events.map(({ kind, epoch, batch, loss, valLoss, etaSeconds, elapsedSeconds, improved }) => [kind, epoch, batch, loss, valLoss, etaSeconds, elapsedSeconds, improved]);
    expect(summary).toEqual([
      ['epoch-start', 1, undefined, NaN, NaN, NaN, 0, undefined],
      ['batch', 1, 2, 0.2, undefined, 4, 2, undefined], // 8 samples left at 2/s
      ['batch', 1, 3, 0.3, undefined, 3, 3, undefined],
      ['epoch-end', 1, undefined, 1, 2, 3.5, 3.5, true], // + one validation pass of 0.5 s
      ['epoch-start', 2, undefined, 1, 2, 3.5, 3.5, undefined],
      ['batch', 2, 2, 0.2, undefined, 1.5, 5.5, undefined],
      ['batch', 2, 3, 0.3, undefined, 0, 6.5, undefined], // last batch: no validation left to wait for either
      ['epoch-end', 2, undefined, 2, 4, 0, 7, false],
      ['end', 2, undefined, 2, 4, 0, 7.1, undefined],
    ]);
    expect(events.every((e) => e.epochs === 2 && e.learningRate === 0.01 && e.samplesPerSecond === (e.elapsedSeconds > 0 ? 2 : 0))).toBe(true);
    expect(events.filter((e) => e.kind === 'batch').every((e) => e.batches === 3)).toBe(true);
    expect(Object.keys(events[0])).toEqual(['kind', 'epoch', 'epochs', 'loss', 'valLoss', 'learningRate', 'samplesPerSecond', 'etaSeconds', 'elapsedSeconds']);
    expect(run.clock.stop()).toBe(7.1); // the end event fixed the run's end
    optimizer.dispose();
  });

  it('omits valLoss without a validation set', () => {
    const events: TrainProgress[] = [];
    const run = makeRun({ hasValidation: false, optimizer: tf.train.sgd(0.1) });
    const logger = new ProgressLogger((e) => events.push(e));
    logger.onEpochBegin(run, { epoch: 1, learningRate: 0.1 });
    logger.onTrainEnd(run);
    expect(events.map((e) => 'valLoss' in e)).toEqual([false, false]);
    expect(events[1]).toMatchObject({ kind: 'end', epoch: 0, learningRate: 0.1, etaSeconds: 0 });
  });

  it.each<[unknown, unknown, string]>([
    ['log', 1, 'onProgress must be a function, got "log"'],
    [() => undefined, 0, 'progressEveryBatches must be a positive integer, got 0'],
  ])('rejects %j, %j', (onProgress, every, message) => {
    expectInputError(() => new ProgressLogger(onProgress as never, every as never), message);
  });
});

describe('CallbackList', () => {
  it('calls hooks in list order and disposes every callback', async () => {
    const calls: string[] = [];
    const spy = (name: string): TrainCallback => ({
      onTrainBegin: () => void calls.push(`${name}.trainBegin`),
      onBatchBegin: () => void calls.push(`${name}.batchBegin`),
      onEpochEnd: async () => void calls.push(`${name}.epochEnd`),
      dispose: () => void calls.push(`${name}.dispose`),
    });
    const run = makeRun();
    const list = new CallbackList([spy('a'), {}, spy('b')]);
    list.onTrainBegin(run);
    list.onEpochBegin(run, { epoch: 1, learningRate: 0.01 });
    list.onBatchBegin(run, { epoch: 1, batch: 1 });
    list.onBatchEnd(run, { epoch: 1, batch: 1, loss: 1, seen: 1, learningRate: 0.01 });
    await list.onEpochEnd(run, run.recordEpoch(1, 1, 1, 0.01));
    list.onTrainEnd(run);
    list.dispose();
    expect(calls).toEqual(['a.trainBegin', 'b.trainBegin', 'a.batchBegin', 'b.batchBegin', 'a.epochEnd', 'b.epochEnd', 'a.dispose', 'b.dispose']);
  });
});
