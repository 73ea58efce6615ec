import { describe, expect, it } from 'vitest';
import { calibrationFigure } from '../../src/plot/calibrationFigure';
import { expectInputError } from './expectInputError';

describe('calibrationFigure', () => {
  it('draws coverage in percent per step, one line per model and level, and a dashed nominal line per level', () => {
    const fig = calibrationFigure({
      lines: [
        { name: 'lstm', level: 80, coverage: [0.8, 0.75, null] },
        { name: 'lstm', level: 95, coverage: [0.96, 0.9, 0.5] },
        { name: 'ets', level: 80, coverage: [0.7, NaN, 0.6] },
      ],
    });
    expect(fig.data.map((t) => t.name)).toEqual(['lstm 80%', 'lstm 95%', 'ets 80%', 'nominal 80%', 'nominal 95%']);
    expect(fig.data[0].x).toEqual([1, 2, 3]);
    expect(fig.data[0].y).toEqual([80, 75, null]);
    expect(fig.data[2].y).toEqual([70, null, 60]);
    expect(fig.data[4].y).toEqual([95, 95, 95]);
    expect((fig.data[0].line as { color: string }).color).toBe((fig.data[1].line as { color: string }).color);
    expect((fig.data[2].line as { color: string }).color).not.toBe((fig.data[0].line as { color: string }).color);
  });

  it('refuses no lines, a bad level and lines of different lengths', () => {
    expectInputError(() => calibrationFigure({ lines: [] }), 'lines must hold at least one coverage line, got []');
    expectInputError(() => calibrationFigure({ lines: [{ name: 'a', level: 100, coverage: [1] }] }), 'lines[0].level must be a percentage in (0, 100), got 100');
    expectInputError(
      () => calibrationFigure({ lines: [{ name: 'a', level: 80, coverage: [1] }, { name: 'b', level: 80, coverage: [1, 1] }] }),
      'lines[1].coverage must have 1 steps (as lines[0]), got 2',
    );
  });
});
