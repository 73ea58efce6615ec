import { describe, expect, it } from 'vitest';
import { figureSummary } from '../../src/plot/summary';
import { forecastFigure } from '../../src/plot/forecastFigure';

describe('figureSummary', () => {
  it('lists trace names and point counts, grouping fan paths', () => {
    const fig = forecastFigure({
      time: [0, 1, 2, 3],
      actual: [1, 2, 3, 4],
      forecasts: [{ name: 'lstm', values: [NaN, 2, 3, 4] }],
      fan: { name: 'paths', origins: [0, 1], paths: [[2, 3], [3, 4]] },
      title: 'Test set',
    });
    expect(figureSummary(fig)).toBe(
      ['Figure "Test set": 4 traces', '  actual: 4 points', '  lstm: 4 points (1 missing)', '  paths (2 traces): 4 points'].join('\n'),
    );
  });

  it('handles untitled figures, unnamed traces and histogram x data', () => {
    expect(figureSummary({ data: [{ type: 'histogram', x: [1, 2, 3] }], layout: {} })).toBe('Figure: 1 trace\n  (histogram): 3 points');
  });
});
