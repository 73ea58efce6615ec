import { describe, expect, it } from 'vitest';
import type { StageProgress } from '../../src/job/stageProgress';
import { TrainStageProgress, trainDetail } from '../../src/job/trainStageProgress';
import type { TrainProgress } from '../../src/model/train';

function train(kind: TrainProgress['kind'], epoch: number, epochs: number, extra: Partial<TrainProgress> = {}): TrainProgress {
  return { kind, epoch, epochs, loss: 0.25, valLoss: 0.5, learningRate: 1e-3, samplesPerSecond: 1000, etaSeconds: 1, elapsedSeconds: 1, ...extra };
}

describe('TrainStageProgress', () => {
  it('local mode: series x candidates x epochs; an early stop counts its run as done', () => {
    let t = 0;
    const events: StageProgress[] = [];
    const progress = new TrainStageProgress({ emit: (e) => events.push(e), now: () => t });
    for (const [s, id] of [[1, 'a'], [2, 'b']] as const) {
      progress.onSeries(s, 2, id);
      for (const c of [1, 2]) {
        progress.onCandidate(c, 2);
        progress.onProgress(train('epoch-start', 1, 10));
        progress.onProgress(train('batch', 1, 10, { batch: 1, batches: 4 }));
        progress.onProgress(train('epoch-end', 1, 10));
        t += 1000;
        progress.onProgress(train('end', 1, 10)); // stopped early after one epoch
      }
    }
    progress.finish();
    expect(events.every((e) => e.total === 40 && e.unit === 'epochs' && e.stage === 'train')).toBe(true);
    expect(events.slice(0, 4).map((e) => [e.done, e.label, e.detail])).toEqual([
      [0, 'series 1/2 (a), candidate 1/2, epoch 1/10', undefined],
      [0.25, 'series 1/2 (a), candidate 1/2, epoch 1/10', 'loss 0.2500  val 0.5000  1000 samples/s'],
      [1, 'series 1/2 (a), candidate 1/2, epoch 1/10', 'loss 0.2500  val 0.5000  1000 samples/s'],
      [10, 'series 1/2 (a), candidate 1/2, epoch 1/10', 'loss 0.2500  val 0.5000  1000 samples/s'],
    ]);
    // A new candidate starts without the last one's losses.
    expect(events[4].detail).toBeUndefined();
    expect(events.filter((e) => e.label.startsWith('series 2/2 (b), candidate 2/2'))[0].done).toBe(30);
    const last = events[events.length - 1];
    expect([last.done, last.etaSeconds, last.elapsedSeconds]).toEqual([40, 0, 4]);
    // After the first run (10 of 40 epochs in 1 s): 3 s left.
    expect(events[4].etaSeconds).toBe(3);
  });

  it('one candidate, one series: the label is the epoch only; finish without training emits nothing', () => {
    const events: StageProgress[] = [];
    const progress = new TrainStageProgress({ emit: (e) => events.push(e), now: () => 0 });
    progress.finish();
    expect(events).toEqual([]);
    progress.onProgress(train('epoch-end', 3, 5));
    expect([events[0].label, events[0].done, events[0].total]).toEqual(['epoch 3/5', 3, 5]);
  });

  it('trainDetail writes - for missing or non-finite values', () => {
    expect(trainDetail(train('batch', 1, 2, { loss: Number.NaN, valLoss: undefined, samplesPerSecond: Number.POSITIVE_INFINITY }))).toBe('loss -  val -  - samples/s');
  });
});
