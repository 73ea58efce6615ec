import { describe, expect, it } from 'vitest';
import { StageMeter, etaSeconds, formatDuration, formatStageLine, type StageProgress } from '../../src/job/stageProgress';

describe('etaSeconds', () => {
  it.each([
    ['a quarter done in 10 s: 30 s left', 25, 100, 10, 30],
    ['half done in 3 s: 3 s left', 0.5, 1, 3, 3],
    ['fractional units', 1.5, 6, 3, 9],
    ['nothing done yet: unknown', 0, 100, 10, Number.NaN],
    ['total unknown (0): unknown', 5, 0, 10, Number.NaN],
    ['done: 0', 100, 100, 10, 0],
    ['past the total (an upper bound that shrank): 0', 120, 100, 10, 0],
    ['no time spent: 0 s left', 10, 100, 0, 0],
  ])('%s', (_name, done, total, elapsed, eta) => {
    expect(etaSeconds(done, total, elapsed)).toBe(eta);
  });
});

describe('StageMeter', () => {
  it('elapsed time and ETA from the injected clock, the label kept until a new one, finish at the total', () => {
    let t = 1_000;
    const events: StageProgress[] = [];
    const meter = new StageMeter({ stage: 'backtest', unit: 'origins', emit: (e) => events.push(e), now: () => t });
    meter.update(0, 'reading');
    meter.setTotal(200);
    t += 4_000;
    meter.update(50, 'test: ets');
    t += 2_000;
    meter.update(100);
    t += 1_000;
    meter.finish('done');
    expect(events.map((e) => [e.done, e.total, e.label, e.elapsedSeconds, e.etaSeconds])).toEqual([
      [0, 0, 'reading', 0, Number.NaN],
      [50, 200, 'test: ets', 4, 12],
      [100, 200, 'test: ets', 6, 6],
      [200, 200, 'done', 7, 0],
    ]);
    expect(events.every((e) => e.stage === 'backtest' && e.unit === 'origins' && !('detail' in e))).toBe(true);
  });

  it('passes a detail through; finish keeps a done above the total', () => {
    const events: StageProgress[] = [];
    const meter = new StageMeter({ stage: 'train', unit: 'epochs', total: 4, emit: (e) => events.push(e), now: () => 0 });
    meter.update(5, 'epoch 5', 'loss 1');
    meter.finish();
    expect(events.map((e) => [e.done, e.detail])).toEqual([
      [5, 'loss 1'],
      [5, undefined],
    ]);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0.0s'],
    [3.24, '3.2s'],
    [9.96, '10s'],
    [42.4, '42s'],
    [59.6, '1m 00s'],
    [245.2, '4m 05s'],
    [3725, '1h 02m'],
    [-1, '0.0s'],
    [Number.NaN, '-'],
    [Number.POSITIVE_INFINITY, '-'],
  ])('%s s -> %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('formatStageLine', () => {
  const event = (extra: Partial<StageProgress>): StageProgress => ({
    stage: 'backtest', label: 'test: arima', done: 18_000, total: 40_000, unit: 'origins', elapsedSeconds: 65, etaSeconds: 80, ...extra,
  });
  it.each([
    ['under way', event({}), 'backtest: test: arima  45% (18000/40000 origins)  ETA 1m 20s'],
    ['at the start', event({ done: 0, etaSeconds: Number.NaN }), 'backtest: test: arima  0% (0/40000 origins)  ETA -'],
    ['fractional units are rounded', event({ stage: 'train', label: 'epoch 2/4', done: 1.6, total: 4, unit: 'epochs', etaSeconds: 3 }), 'train: epoch 2/4  40% (2/4 epochs)  ETA 3.0s'],
    ['done', event({ done: 40_000, etaSeconds: 0 }), 'backtest: test: arima  done: 40000 origins in 1m 05s'],
    ['no total yet', event({ stage: 'load', label: 'reading a.csv', done: 0, total: 0, unit: 'series' }), 'load: reading a.csv'],
    ['no label: the stage', event({ label: '', done: 1, total: 2, etaSeconds: 1 }), 'backtest: backtest  50% (1/2 origins)  ETA 1.0s'],
    ['a detail', event({ detail: 'loss 0.5' }), 'backtest: test: arima  45% (18000/40000 origins)  ETA 1m 20s  loss 0.5'],
  ])('%s', (_name, e, line) => {
    expect(formatStageLine(e)).toBe(line);
  });
});
