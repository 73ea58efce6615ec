import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressReporter, formatEpochLine } from '../../src/job/progress';
import type { TrainProgress } from '../../src/model/train';

/** A writable that records what is written; `isTTY` as given. */
function fakeStream(isTTY = false): Writable & { isTTY: boolean; text: () => string; columns: number } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  }) as Writable & { isTTY: boolean; text: () => string; columns: number };
  stream.isTTY = isTTY;
  stream.columns = 120;
  stream.text = () => chunks.join('');
  return stream;
}

function event(kind: TrainProgress['kind'], epoch: number, extra: Partial<TrainProgress> = {}): TrainProgress {
  return {
    kind,
    epoch,
    epochs: 3,
    loss: 0.5 / epoch,
    valLoss: 0.6 / epoch,
    learningRate: 1e-3,
    samplesPerSecond: 812.4,
    etaSeconds: 12.4,
    elapsedSeconds: epoch,
    ...extra,
  };
}

describe('formatEpochLine', () => {
  it.each([
    [
      'an improving epoch',
      { kind: 'epoch-end', epoch: 3, epochs: 200, loss: 0.123456, valLoss: 0.234567, learningRate: 0.001, samplesPerSecond: 812.4, etaSeconds: 12.4, elapsedSeconds: 1, improved: true },
      'epoch 3/200  loss 0.1235  val 0.2346  lr 1.000e-3  812 samples/s  ETA 12s  *',
    ],
    [
      'no validation, no improvement',
      { kind: 'epoch-end', epoch: 10, epochs: 10, loss: 12.5, learningRate: 5e-4, samplesPerSecond: 1234.5, etaSeconds: 0, elapsedSeconds: 3, improved: false },
      'epoch 10/10  loss 12.50  val -  lr 5.000e-4  1235 samples/s  ETA 0s',
    ],
    [
      'non-finite values',
      { kind: 'epoch-end', epoch: 1, epochs: 5, loss: Number.NaN, valLoss: Number.POSITIVE_INFINITY, learningRate: 0.01, samplesPerSecond: Number.NaN, etaSeconds: Number.NaN, elapsedSeconds: 0 },
      'epoch 1/5  loss -  val -  lr 1.000e-2  - samples/s  ETA -',
    ],
  ] as const)('%s', (_name, e, line) => {
    expect(formatEpochLine(e as TrainProgress)).toBe(line);
  });
});

describe('createProgressReporter', () => {
  it('non-TTY: one plain line per finished epoch, and log lines, nothing else', () => {
    const stream = fakeStream(false);
    const reporter = createProgressReporter({ stream });
    reporter.log('backend: cpu (option)');
    for (let epoch = 1; epoch <= 2; epoch++) {
      reporter.onProgress(event('epoch-start', epoch));
      reporter.onProgress(event('batch', epoch, { batch: 1, batches: 2 }));
      reporter.onProgress(event('batch', epoch, { batch: 2, batches: 2 }));
      reporter.onProgress(event('epoch-end', epoch, { improved: epoch === 1 }));
    }
    reporter.onProgress(event('end', 2, { etaSeconds: 0 }));
    reporter.log('done');
    reporter.stop();
    expect(stream.text()).toBe(
      'backend: cpu (option)\n' +
        'epoch 1/3  loss 0.5000  val 0.6000  lr 1.000e-3  812 samples/s  ETA 12s  *\n' +
        'epoch 2/3  loss 0.2500  val 0.3000  lr 1.000e-3  812 samples/s  ETA 12s\n' +
        'done\n',
    );
  });

  it('non-TTY, long runs: the first, every 10th and the last epoch; an early stop shows its last epoch; everyEpoch shows all', () => {
    const epochsOf = (text: string) => [...text.matchAll(/^epoch (\d+)\/(\d+) /gm)].map((m) => Number(m[1]));
    const run = (epochs: number, stopAt: number, everyEpoch = false) => {
      const stream = fakeStream(false);
      const reporter = createProgressReporter({ stream, everyEpoch });
      for (let e = 1; e <= stopAt; e++) reporter.onProgress(event('epoch-end', e, { epochs }));
      reporter.onProgress(event('end', stopAt, { epochs }));
      return epochsOf(stream.text());
    };
    expect(run(200, 200)).toEqual([1, ...Array.from({ length: 20 }, (_, i) => 10 * (i + 1))]);
    expect(run(200, 37)).toEqual([1, 10, 20, 30, 37]);
    expect(run(200, 40)).toEqual([1, 10, 20, 30, 40]);
    expect(run(12, 12, true)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('disabled: no progress, but log lines still appear', () => {
    const stream = fakeStream(true);
    const reporter = createProgressReporter({ stream, enabled: false });
    reporter.onProgress(event('epoch-start', 1));
    reporter.onProgress(event('epoch-end', 1));
    reporter.log('only this');
    reporter.stop();
    expect(stream.text()).toBe('only this\n');
  });

  it('tty follows the stream unless given', () => {
    const plain = fakeStream(true);
    const forced = createProgressReporter({ stream: plain, tty: false });
    forced.onProgress(event('epoch-end', 1));
    expect(plain.text()).toBe('epoch 1/3  loss 0.5000  val 0.6000  lr 1.000e-3  812 samples/s  ETA 12s\n');
  });

  it('TTY: draws a bar, finishes its line before a log line, stops at the end', () => {
    const stream = fakeStream(true);
    const reporter = createProgressReporter({ stream });
    reporter.onProgress(event('epoch-start', 1));
    reporter.onProgress(event('batch', 1, { batch: 1, batches: 2 }));
    reporter.onProgress(event('epoch-end', 1));
    reporter.log('a message');
    reporter.onProgress(event('end', 1, { etaSeconds: 0 }));
    const text = stream.text();
    expect(text).toContain('epoch 1/3 |');
    expect(text).toContain('loss 0.5000 val 0.6000 | 812 samples/s | ETA 12s');
    expect(text).toContain('\na message\n');
    // After 'end' the bar is gone: a log line is written as is.
    const length = text.length;
    reporter.log('after');
    expect(stream.text().slice(length)).toBe('after\n');
    reporter.stop();
  });
});
