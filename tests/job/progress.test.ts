import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressReporter, formatEpochLine, STAGE_LABEL_SECONDS, STAGE_LINE_SECONDS } from '../../src/job/progress';
import type { StageProgress } from '../../src/job/stageProgress';
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

/** A stage event at `done` of `total`, with an ETA from `elapsed`. */
function stageEvent(stage: StageProgress['stage'], done: number, total: number, extra: Partial<StageProgress> = {}): StageProgress {
  const elapsedSeconds = extra.elapsedSeconds ?? done;
  const etaSeconds = done > 0 ? (done >= total ? 0 : (elapsedSeconds * (total - done)) / done) : Number.NaN;
  return { stage, label: `${stage} work`, done, total, unit: 'origins', elapsedSeconds, etaSeconds, ...extra };
}

describe('createProgressReporter: stage events', () => {
  it('lines: a stage\'s first and last event, and at most one line per STAGE_LINE_SECONDS between them (fake clock)', () => {
    let t = 0;
    const stream = fakeStream(false);
    const reporter = createProgressReporter({ stream, now: () => t });
    // 1,000 events over 100 s: 100 ms apart.
    for (let done = 0; done <= 1000; done++) {
      reporter.onStageProgress(stageEvent('backtest', done, 1000, { elapsedSeconds: t / 1000 }));
      t += 100;
    }
    reporter.stop();
    const lines = stream.text().trim().split('\n');
    expect(STAGE_LINE_SECONDS).toBe(10);
    // The first (0), one at each 10 s (every 100th event), the last: 0, 100, ..., 900, 1000.
    expect(lines.map((l) => Number(/\((\d+)\/1000/.exec(l)?.[1] ?? /done: (\d+)/.exec(l)?.[1]))).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(lines[0]).toBe('backtest: backtest work  0% (0/1000 origins)  ETA -');
    expect(lines[5]).toBe('backtest: backtest work  50% (500/1000 origins)  ETA 50s');
    expect(lines[10]).toBe('backtest: backtest work  done: 1000 origins in 1m 40s');
  });

  it('lines: the interval is an option; an event held back is written when the next stage begins, one after the last is not', () => {
    let t = 0;
    const stream = fakeStream(false);
    const reporter = createProgressReporter({ stream, now: () => t, stageLineSeconds: 5 });
    reporter.onStageProgress(stageEvent('load', 0, 0, { label: 'reading a.csv' }));
    t = 1000;
    reporter.onStageProgress(stageEvent('load', 3, 10)); // held back: 1 s after the first line
    t = 7000;
    reporter.onStageProgress(stageEvent('load', 6, 10)); // due: 6 s after
    t = 8000;
    reporter.onStageProgress(stageEvent('load', 7, 10)); // held back
    reporter.onStageProgress(stageEvent('report', 0, 2, { label: 'metrics' }));
    reporter.onStageProgress(stageEvent('report', 2, 2));
    reporter.onStageProgress(stageEvent('report', 2, 2)); // a second end: nothing
    reporter.stop();
    expect(stream.text()).toBe(
      'load: reading a.csv\n' +
        'load: load work  60% (6/10 origins)  ETA 4.0s\n' +
        'load: load work  70% (7/10 origins)  ETA 3.0s\n' +
        'report: metrics  0% (0/2 origins)  ETA -\n' +
        'report: report work  done: 2 origins in 2.0s\n',
    );
  });

  it('lines: a new label is written after STAGE_LABEL_SECONDS without a line, so that the line before a slow call names it', () => {
    let t = 0;
    const stream = fakeStream(false);
    const reporter = createProgressReporter({ stream, now: () => t });
    const at = (ms: number, done: number, label: string) => {
      t = ms;
      reporter.onStageProgress(stageEvent('backtest', done, 10, { label, elapsedSeconds: ms / 1000 }));
    };
    at(0, 0, 'test: naive');
    at(100, 1, 'test: mean'); // quick models: no line each
    at(200, 2, 'test: drift');
    at(1500, 3, 'test: drift'); // 1.5 s: too soon for a new label
    at(3000, 4, 'test: arima'); // a new label 3 s after the last line: written before arima's long call
    at(60_000, 5, 'test: theta'); // after the call: written (10 s passed)
    at(60_100, 10, 'test: theta');
    expect(STAGE_LABEL_SECONDS).toBe(2);
    expect(stream.text().split('\n').filter(Boolean).map((l) => l.split('  ')[0])).toEqual([
      'backtest: test: naive', 'backtest: test: arima', 'backtest: test: theta', 'backtest: test: theta',
    ]);
  });

  it('lines: stop drops a held-back event (a failure follows); the train stage is left to the epoch lines', () => {
    let t = 0;
    const stream = fakeStream(false);
    const reporter = createProgressReporter({ stream, now: () => t });
    reporter.onStageProgress(stageEvent('train', 1, 4, { unit: 'epochs' }));
    reporter.onProgress(event('epoch-end', 1));
    reporter.onStageProgress(stageEvent('write', 0, 5));
    t = 1;
    reporter.onStageProgress(stageEvent('write', 3, 5));
    reporter.stop();
    expect(stream.text()).toBe(
      'epoch 1/3  loss 0.5000  val 0.6000  lr 1.000e-3  812 samples/s  ETA 12s\n' +
        'write: write work  0% (0/5 origins)  ETA -\n',
    );
  });

  it('TTY: one bar per stage (stage, done/total, ETA, label), left on screen when the next begins; training events draw no bar of their own', () => {
    const stream = fakeStream(true);
    const reporter = createProgressReporter({ stream });
    reporter.onStageProgress(stageEvent('train', 2, 8, { unit: 'epochs', label: 'candidate 1/4, epoch 2/2', detail: 'loss 0.5000' }));
    reporter.onProgress(event('epoch-end', 2));
    reporter.onStageProgress(stageEvent('backtest', 30, 60, { label: 'test: ets', elapsedSeconds: 12 }));
    reporter.log('a message');
    reporter.stop();
    const text = stream.text();
    expect(text).toContain('train    |');
    expect(text).toContain('| 2/8 epochs | ETA 6.0s | candidate 1/4, epoch 2/2  loss 0.5000');
    expect(text).toContain('backtest |');
    expect(text).toContain('| 30/60 origins | ETA 12s | test: ets');
    expect(text).toContain('\na message\n');
    expect(text).not.toContain('epoch 2/3 |'); // the training events' own bar
    expect(text).not.toMatch(/^backtest: /m); // no plain lines on a TTY
  });

  it('bar or lines: follows the stream\'s isTTY unless `tty: false` forces lines', () => {
    const cases = [
      { isTTY: true, tty: undefined, bar: true },
      { isTTY: false, tty: undefined, bar: false },
      { isTTY: true, tty: false, bar: false },
    ];
    for (const { isTTY, tty, bar } of cases) {
      const stream = fakeStream(isTTY);
      const reporter = createProgressReporter({ stream, tty });
      reporter.onStageProgress(stageEvent('report', 1, 2));
      reporter.stop();
      expect(stream.text().includes('report   |'), JSON.stringify({ isTTY, tty })).toBe(bar);
      expect(stream.text().startsWith('report: report work  50%'), JSON.stringify({ isTTY, tty })).toBe(!bar);
    }
  });

  it('disabled (--quiet, --no-progress): no stage lines or bars', () => {
    for (const isTTY of [true, false]) {
      const stream = fakeStream(isTTY);
      const reporter = createProgressReporter({ stream, enabled: false });
      reporter.onStageProgress(stageEvent('load', 0, 1));
      reporter.onStageProgress(stageEvent('load', 1, 1));
      reporter.log('only this');
      reporter.stop();
      expect(stream.text()).toBe('only this\n');
    }
  });
});
