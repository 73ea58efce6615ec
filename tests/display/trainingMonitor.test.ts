import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PLOTLY_MIME, setDisplaySink, type DisplayContent } from '../../src/display/display';
import {
  createTrainingMonitor, DEFAULT_HEADLESS_THROTTLE_MS, DEFAULT_MONITOR_THROTTLE_MS, type TrainingMonitorOptions,
} from '../../src/display/trainingMonitor';
import type { TrainHistory, TrainProgress } from '../../src/model/train';
import { HEADLESS_ENV_VAR } from '../../src/notebook/headless';
import type { PlotlyFigure } from '../../src/plot/figure';
import { expectInputError } from '../helpers/expectInputError';

interface Sent {
  readonly content: DisplayContent;
  readonly update: boolean;
}

let sent: Sent[];
let clock: number;
const now = () => clock;

beforeEach(() => {
  sent = [];
  clock = 0;
  setDisplaySink((content, update) => sent.push({ content, update }));
});

afterEach(() => {
  setDisplaySink(undefined);
  vi.unstubAllEnvs();
});

/** Outputs of the monitor (the plotly.js library, sent once in its own output, left out). */
const monitorOutputs = (id: string) => sent.filter((s) => s.content.transient.display_id === id);
const lastOf = (id: string) => monitorOutputs(id).at(-1)!;
const figureOf = (s: Sent) => s.content.data[PLOTLY_MIME] as PlotlyFigure;
const text = (s: Sent) => String(s.content.data['text/plain']);

function event(kind: TrainProgress['kind'], epoch: number, extra: Partial<TrainProgress> = {}): TrainProgress {
  return {
    kind, epoch, epochs: 10, loss: 1 / epoch, valLoss: 2 / epoch, learningRate: 1e-3,
    samplesPerSecond: 812.4, etaSeconds: 45, elapsedSeconds: 3 * epoch, ...extra,
  };
}

/** A training run of `n` epochs of `batches` batch events each, `stepMs` apart, ending with 'end'. */
function simulate(onProgress: (e: TrainProgress) => void, n: number, batches: number, stepMs: number): void {
  for (let epoch = 1; epoch <= n; epoch++) {
    onProgress(event('epoch-start', epoch, { loss: NaN, valLoss: undefined }));
    for (let b = 1; b <= batches; b++) {
      clock += stepMs;
      onProgress(event('batch', epoch, { batch: b, batches, valLoss: undefined }));
    }
    onProgress(event('epoch-end', epoch, { improved: epoch <= 3 }));
  }
  onProgress(event('end', n, { etaSeconds: 0 }));
}

function monitor(options: TrainingMonitorOptions = {}) {
  return createTrainingMonitor({ now, displayId: 'train-1', ...options });
}

describe('createTrainingMonitor', () => {
  it('updates ONE output in place: first display_data, then update_display_data with the same id', () => {
    const m = monitor({ throttleMs: 0 });
    simulate(m.onProgress, 3, 2, 100);
    const outputs = monitorOutputs('train-1');
    expect(outputs.length).toBe(m.updates);
    expect(outputs[0].update).toBe(false);
    expect(outputs.slice(1).every((s) => s.update)).toBe(true);
    // Everything else sent is the one-off plotly.js library output.
    expect(sent.length - outputs.length).toBe(1);
    expect(sent.find((s) => s.content.transient.display_id === undefined)?.content.data['text/plain']).toMatch(/^plotly\.js .* loaded$/);
  });

  it('shows a status line before the first epoch ends, then a loss chart that grows by one point per epoch', () => {
    const m = monitor({ throttleMs: 0 });
    m.onProgress(event('epoch-start', 1, { loss: NaN, valLoss: undefined, etaSeconds: NaN, samplesPerSecond: 0 }));
    expect(lastOf('train-1').content.data[PLOTLY_MIME]).toBeUndefined();
    expect(text(lastOf('train-1'))).toBe('epoch 1/10 · loss - · - samples/s · ETA -');
    for (let epoch = 1; epoch <= 3; epoch++) {
      m.onProgress(event('epoch-end', epoch, { improved: epoch !== 3 }));
      const fig = figureOf(lastOf('train-1'));
      expect(fig.data.map((t) => [t.name, (t.y as unknown[]).length])).toEqual([
        ['train loss', epoch],
        ['validation loss', epoch],
        [`best epoch (${Math.min(epoch, 2)})`, 1],
      ]);
    }
  });

  it('puts epoch, loss, val loss, samples/s and ETA in the status line (chart title and text/plain)', () => {
    const m = monitor({ throttleMs: 0, label: 'units 32' });
    m.onProgress(event('batch', 2, { batch: 5, batches: 20, loss: 0.0123456, valLoss: undefined }));
    expect(text(lastOf('train-1'))).toBe('units 32 · epoch 2/10 (batch 5/20) · loss 0.01235 · 812 samples/s · ETA 45 s');
    m.onProgress(event('epoch-end', 1, { loss: 0.5, valLoss: 0.25, etaSeconds: 125 }));
    const status = 'units 32 · epoch 1/10 · loss 0.5000 · val 0.2500 · 812 samples/s · ETA 2 min 05 s';
    expect(text(lastOf('train-1')).split('\n')[0]).toBe(status);
    expect((figureOf(lastOf('train-1')).layout.title as { text: string }).text).toBe(status);
  });

  it(`throttles to one update per throttleMs (default ${DEFAULT_MONITOR_THROTTLE_MS} ms) and always shows the final state`, () => {
    const m = monitor({ headless: false });
    // 10 epochs x 10 batches, 20 ms apart: 2 s of training, 100+ events.
    simulate(m.onProgress, 10, 10, 20);
    // The first event, one per 500 ms of the 2 s (4), and the end.
    expect(m.updates).toBe(6);
    const final = lastOf('train-1');
    expect(text(final).split('\n')[0]).toBe('done · 10/10 epochs in 30 s · loss 0.1000 · val 0.2000 · best epoch 3 · 812 samples/s');
    const fig = figureOf(final);
    expect(fig.data.map((t) => [t.name, (t.y as unknown[]).length])).toEqual([
      ['train loss', 10], ['validation loss', 10], ['best epoch (3)', 1],
    ]);
    expect(fig.data[0].y).toEqual(Array.from({ length: 10 }, (_, i) => 1 / (i + 1)));
  });

  it(`under the headless runner (${HEADLESS_ENV_VAR}=1) updates at most every ${DEFAULT_HEADLESS_THROTTLE_MS} ms`, () => {
    vi.stubEnv(HEADLESS_ENV_VAR, '1');
    const m = monitor();
    simulate(m.onProgress, 10, 10, 20); // 2 s in all: only the first event and the end
    expect(m.updates).toBe(2);
    expect(text(lastOf('train-1'))).toMatch(/^done · 10\/10 epochs/);
    const slow = createTrainingMonitor({ now, displayId: 'train-2' });
    simulate(slow.onProgress, 10, 10, 200); // 20 s: first, one per 5 s (4), end
    expect(slow.updates).toBe(6);
  });

  it('finish(history) redraws from the history and says how training ended', () => {
    const m = monitor({ throttleMs: 1e9 });
    simulate(m.onProgress, 4, 1, 10);
    const history: TrainHistory = {
      loss: [1, 0.5, 0.4, 0.45], valLoss: [1.2, 0.6, 0.7, 0.8], learningRate: [1e-3, 1e-3, 1e-3, 5e-4],
      bestEpoch: 2, bestLoss: 0.6, epochsRun: 4, stoppedEarly: true, aborted: false, restoredBestWeights: true,
      seconds: 12.34, samplesPerSecond: 400,
    };
    const before = m.updates;
    m.finish(history);
    expect(m.updates).toBe(before + 1);
    const final = lastOf('train-1');
    expect(final.update).toBe(true);
    expect(text(final).split('\n')[0]).toBe('done · 4 epochs in 12 s (stopped early) · best epoch 2: val 0.6000, weights restored · 400 samples/s');
    expect(figureOf(final).data.map((t) => [t.name, t.y])).toEqual([
      ['train loss', [1, 0.5, 0.4, 0.45]], ['validation loss', [1.2, 0.6, 0.7, 0.8]], ['best epoch (2)', [0.6]],
    ]);
  });

  it('finish() without a history shows the last state, also when training stopped without an end event', () => {
    const m = monitor({ throttleMs: 1e9 });
    m.onProgress(event('epoch-end', 1));
    m.onProgress(event('batch', 2, { batch: 3, batches: 9 }));
    expect(m.updates).toBe(1);
    m.finish();
    expect(text(lastOf('train-1')).split('\n')[0]).toBe('stopped · epoch 2/10 (batch 3/9) · loss 0.5000 · val 1.000 · 812 samples/s · ETA 45 s');
    const empty = createTrainingMonitor({ now, displayId: 'never' });
    empty.finish();
    expect(text(lastOf('never'))).toBe('no training progress was received');
  });

  it('draws non-finite losses (a diverging run) as gaps instead of throwing', () => {
    const m = monitor({ throttleMs: 0 });
    m.onProgress(event('epoch-end', 1, { loss: 1, valLoss: 2, improved: true }));
    m.onProgress(event('epoch-end', 2, { loss: Infinity, valLoss: NaN }));
    const fig = figureOf(lastOf('train-1'));
    expect(fig.data[0].y).toEqual([1, null]);
    expect(fig.data[1].y).toEqual([2, null]);
  });

  it('without a validation set draws the training curve only, with the given names', () => {
    const m = monitor({ throttleMs: 0, valLossName: 'test loss' });
    m.onProgress(event('epoch-end', 1, { valLoss: undefined, improved: true }));
    expect(figureOf(lastOf('train-1')).data.map((t) => t.name)).toEqual(['train loss', 'best epoch (1)']);
    const withTest = monitor({ throttleMs: 0, valLossName: 'test loss', displayId: 'train-3' });
    withTest.onProgress(event('epoch-end', 1));
    expect(figureOf(lastOf('train-3')).data.map((t) => t.name)).toEqual(['train loss', 'test loss']);
    expect(text(lastOf('train-3')).split('\n')[0]).toBe('epoch 1/10 · loss 1.000 · test loss 2.000 · 812 samples/s · ETA 45 s');
  });

  it('outside a notebook prints the status line to stdout at each (throttled) update', () => {
    setDisplaySink(undefined);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const m = createTrainingMonitor({ now, throttleMs: 1000 });
      simulate(m.onProgress, 3, 2, 100);
      expect(write.mock.calls.map((c) => String(c[0]))).toEqual([
        'epoch 1/10 · loss - · 812 samples/s · ETA 45 s\n',
        'done · 3/10 epochs in 9.0 s · loss 0.3333 · val 0.6667 · best epoch 3 · 812 samples/s\n',
      ]);
    } finally {
      write.mockRestore();
    }
  });

  it.each<[TrainingMonitorOptions, string]>([
    [{ throttleMs: -1 }, 'throttleMs must be a number >= 0, got -1'],
    [{ throttleMs: NaN }, 'throttleMs must be a number >= 0, got NaN'],
    [{ label: '' }, 'label must be a non-empty string, got ""'],
    [{ displayId: '' }, 'id must be a non-empty string, got ""'],
  ])('rejects bad options %#', (options, message) => {
    expectInputError(() => createTrainingMonitor(options), message);
  });
});
