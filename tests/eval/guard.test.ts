import { describe, expect, it } from 'vitest';
import { compareWithBaselines } from '../../src/eval/guard';
import type { MetricSet } from '../../src/eval/metrics';

const m = (mase: number): MetricSet => ({ mase } as MetricSet);

describe('compareWithBaselines', () => {
  it('warns, naming the best other model and both scores, when the model lost', () => {
    const result = compareWithBaselines({ lstm: m(1.2345), naive: m(1.5), ets: m(0.9871), theta: m(1.1) });
    expect(result).toEqual({
      model: 'lstm',
      score: 1.2345,
      best: { model: 'ets', score: 0.9871 },
      lost: true,
      warning: "on the validation range, lstm's MASE (1.234) is worse than ets's (0.987)",
    });
  });

  it('stays silent when the model is best, or tied', () => {
    expect(compareWithBaselines({ lstm: m(0.5), naive: m(1) }).warning).toBeNull();
    expect(compareWithBaselines({ lstm: m(1), naive: m(1) })).toMatchObject({ lost: false, warning: null });
  });

  it('ignores models whose score is not finite, and handles no competitor', () => {
    expect(compareWithBaselines({ lstm: m(1), mean: m(Number.NaN) })).toMatchObject({ best: null, lost: false, warning: null });
    expect(compareWithBaselines({ lstm: m(2), mean: m(Number.POSITIVE_INFINITY), naive: m(1) }).best).toEqual({ model: 'naive', score: 1 });
  });

  it('judges another model or metric when asked', () => {
    const result = compareWithBaselines({ a: { mase: 1, smape: 10 } as MetricSet, b: { mase: 2, smape: 5 } as MetricSet }, 'a', 'smape');
    expect(result.warning).toBe("on the validation range, a's SMAPE (10.000) is worse than b's (5.000)");
  });

  it('throws when the judged model has no metrics', () => {
    expect(() => compareWithBaselines({ naive: m(1) })).toThrow('compareWithBaselines: no validation metrics for "lstm"');
  });
});

describe('compareWithBaselines ignore', () => {
  it('leaves out the models it is told to (a combination containing the judged model)', () => {
    const validation = { lstm: m(1.2), lstm_ets: m(0.8), ets: m(1.0) };
    expect(compareWithBaselines(validation).best).toEqual({ model: 'lstm_ets', score: 0.8 });
    expect(compareWithBaselines(validation, 'lstm', 'mase', ['lstm_ets']).best).toEqual({ model: 'ets', score: 1 });
  });
});
