import { describe, expect, it } from 'vitest';
import { lossFigure } from '../../src/plot/lossFigure';
import { expectInputError } from './expectInputError';

describe('lossFigure', () => {
  it('draws train and validation loss by 1-based epoch with the best epoch marked', () => {
    const fig = lossFigure({ loss: [1, 0.5, 0.4], valLoss: new Float64Array([1.1, 0.6, 0.7]), bestEpoch: 2 });
    expect(fig.data.map((t) => t.name)).toEqual(['train loss', 'validation loss', 'best epoch (2)']);
    expect(fig.data[0]?.x).toEqual([1, 2, 3]);
    expect(fig.data[1]?.y).toEqual([1.1, 0.6, 0.7]);
    expect(fig.data[2]).toMatchObject({ mode: 'markers', x: [2], y: [0.6] });
    expect(fig.layout.shapes).toEqual([expect.objectContaining({ type: 'line', x0: 2, x1: 2 })]);
    expect(fig.layout.xaxis).toMatchObject({ title: { text: 'epoch' }, dtick: 1 });
    expect(fig.layout.yaxis).toMatchObject({ title: { text: 'loss' }, type: 'linear' });
    expect(fig.layout.title).toMatchObject({ text: 'Training history' });
  });

  it('marks the training curve when there is no validation loss', () => {
    const fig = lossFigure({ loss: [3, 2, 1], bestEpoch: 3 });
    expect(fig.data[1]).toMatchObject({ name: 'best epoch (3)', y: [1] });
  });

  it('supports a log loss axis and a learning-rate axis', () => {
    const fig = lossFigure({ loss: [1, 0.1], logY: true, learningRate: [1e-3, 1e-4] });
    expect(fig.layout.yaxis).toMatchObject({ type: 'log' });
    expect(fig.data[1]).toMatchObject({ name: 'learning rate', yaxis: 'y2', y: [1e-3, 1e-4] });
    expect(fig.layout.yaxis2).toMatchObject({ type: 'log', overlaying: 'y', side: 'right', title: { text: 'learning rate' } });
  });

  it('keeps NaN losses as gaps and stays JSON-serialisable', () => {
    const fig = lossFigure({ loss: [1, NaN, 0.5] });
    expect(fig.data[0]?.y).toEqual([1, null, 0.5]);
    expect(JSON.parse(JSON.stringify(fig))).toEqual(fig);
  });

  it('names the held-out curve after valLossName (e.g. a test set)', () => {
    const fig = lossFigure({ loss: [1, 0.5], valLoss: [1.2, 0.8], valLossName: 'test loss', bestEpoch: 2 });
    expect(fig.data.map((t) => t.name)).toEqual(['train loss', 'test loss', 'best epoch (2)']);
    expectInputError(() => lossFigure({ loss: [1], valLoss: [1], valLossName: '' }), 'valLossName must be a non-empty string, got ""');
  });

  it('leaves no x-axis dtick on long runs', () => {
    const fig = lossFigure({ loss: Array.from({ length: 30 }, (_, i) => 1 / (i + 1)) });
    expect(fig.layout.xaxis).not.toHaveProperty('dtick');
  });

  it('does not mutate its inputs', () => {
    const loss = [1, 0.5];
    const fig = lossFigure({ loss });
    (fig.data[0]?.y as number[]).push(3);
    expect(loss).toEqual([1, 0.5]);
  });

  it.each([
    [{ loss: [] }, 'loss must hold at least one epoch, got 0 values'],
    [{ loss: [1, 2], valLoss: [1] }, 'valLoss must have the same length as loss (2), got 1'],
    [{ loss: [1, 2], bestEpoch: 0 }, 'bestEpoch must be an integer in [1, 2], got 0'],
    [{ loss: [1, 2], bestEpoch: 3 }, 'bestEpoch must be an integer in [1, 2], got 3'],
    [{ loss: [1, 2], valLoss: [NaN, 1], bestEpoch: 1 }, 'bestEpoch must point at a finite valLoss value, got epoch 1 (NaN)'],
    [{ loss: [1, 0], logY: true }, 'loss[1] must be > 0 when logY is true, got 0'],
    [{ loss: [1, 2], learningRate: [0.1, 0] }, 'learningRate[1] must be > 0 for its log axis, got 0'],
    [{ loss: [1, Infinity] }, 'loss[1] must be a finite number or NaN, got Infinity'],
  ])('rejects bad input %#', (options, message) => {
    expectInputError(() => lossFigure(options as never), message);
  });
});
