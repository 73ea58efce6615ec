import { describe, expect, it } from 'vitest';
import { windowFigure } from '../../src/plot/windowFigure';
import { expectInputError } from './expectInputError';

const time = [0, 1, 2, 3, 4, 5, 6, 7];
const values = [1, 2, 3, 2, 1, 2, 3, 4];

describe('windowFigure', () => {
  it('marks the lookback [origin - L + 1, origin] and the horizon [origin + 1, origin + H]', () => {
    const fig = windowFigure({ time, values, origin: 3, lookback: 3, horizon: 2, title: 'One window' });
    expect(fig.data.map((t) => t.name)).toEqual(['series', 'lookback (3)', 'horizon (2)']);
    expect(fig.data[0]?.x).toEqual(time);
    expect(fig.data[1]).toMatchObject({ x: [1, 2, 3], y: [2, 3, 2] });
    expect(fig.data[2]).toMatchObject({ x: [4, 5], y: [1, 2] });
    const shapes = fig.layout.shapes as Array<{ x0: number; x1: number }>;
    expect(shapes.map((s) => [s.x0, s.x1])).toEqual([
      [0.5, 3.5],
      [3.5, 5.5],
    ]);
    expect((fig.layout.annotations as Array<{ text: string }>).map((a) => a.text)).toEqual(['input window (3)', 'horizon (2)']);
  });

  it('accepts the first and last possible origins', () => {
    expect(windowFigure({ time, values, origin: 2, lookback: 3, horizon: 5 }).data[2]?.x).toEqual([3, 4, 5, 6, 7]);
    expect(windowFigure({ time, values, origin: 0, lookback: 1, horizon: 7 }).data[1]?.x).toEqual([0]);
  });

  it('does not mutate its inputs', () => {
    const v = [...values];
    const fig = windowFigure({ time, values: v, origin: 3, lookback: 2, horizon: 2 });
    (fig.data[0]?.y as number[])[0] = 42;
    expect(v).toEqual(values);
  });

  it.each([
    [{ origin: 1, lookback: 3, horizon: 1 }, 'origin must be an integer in [2, 6], got 1'],
    [{ origin: 6, lookback: 3, horizon: 2 }, 'origin must be an integer in [2, 5], got 6'],
    [{ origin: 3, lookback: 0, horizon: 2 }, `lookback must be an integer in [1, ${Number.MAX_SAFE_INTEGER}], got 0`],
    [{ origin: 3, lookback: 5, horizon: 5 }, 'time must hold at least lookback + horizon (10) samples, got 8'],
  ])('rejects %j', (window, message) => {
    expectInputError(() => windowFigure({ time, values, ...window }), message);
  });
});
