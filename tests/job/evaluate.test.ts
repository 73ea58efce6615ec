import { describe, expect, it } from 'vitest';
import { makePanel, type Panel } from '../../src/data/panel';
import { splitPanel } from '../../src/data/panelSplit';
import { localForecaster } from '../../src/eval/localModels';
import { lowerBound, upperBound, type Forecaster } from '../../src/eval/model';
import { evaluateModels, type EvaluationProgress } from '../../src/job/evaluate';
import { seasonal, seriesOf } from '../eval/panelHelpers';

/** A stand-in for the LSTM: seasonal naive under the LSTM's name. */
function fakeLstm(): Forecaster {
  const inner = localForecaster('seasonal_naive', { season: 12 });
  return { ...inner, name: 'lstm', fit: (p, s) => inner.fit(p, s), forecastAt: (p, o, h) => inner.forecastAt(p, o, h), forecast: (p, h) => inner.forecast(p, h) };
}

function panelWith(testValue: (t: number, y: number) => number): Panel {
  const base = seasonal(72, 12).map((y, t) => y + ((t * 7) % 5));
  return makePanel([
    { id: 'a', series: seriesOf(base.map((y, t) => (t >= 60 ? testValue(t, y) : y))) },
    { id: 'b', series: seriesOf(base.map((y, t) => 3 * y + (t % 3))) },
  ]);
}

describe('evaluateModels: conformal intervals', () => {
  const options = { season: 12, horizon: 3, log: () => undefined, levels: [80, 95] };

  it('puts intervals on every model\'s test and future forecasts, calibrated on the validation ranges', async () => {
    const panel = panelWith((_, y) => y);
    const split = splitPanel(panel, { valFraction: 0.2, testFraction: 1 / 6 });
    const lstm = fakeLstm();
    await lstm.fit(panel, split);
    const result = await evaluateModels(panel, split, lstm, options);
    expect(result.intervals?.levels).toEqual([80, 95]);
    for (const [name, m] of Object.entries(result.test.models)) {
      const s = m.forecast.series[0];
      expect(s.intervals?.map((b) => b.level), name).toEqual([80, 95]);
      s.values.forEach((row, j) => row.forEach((v, k) => {
        if (!Number.isFinite(v)) return; // steps past the last row
        expect(lowerBound(v, s.intervals![0], k + 1)).toBeLessThanOrEqual(v);
        expect(upperBound(v, s.intervals![1], k + 1)).toBeGreaterThanOrEqual(upperBound(v, s.intervals![0], k + 1));
      }));
      expect(result.intervals!.scores[name].pooled.levels[0].coverage).toBeGreaterThanOrEqual(0);
    }
    expect(result.future.every((f) => f.series.every((s) => s.intervals?.length === 2))).toBe(true);
    // 14 validation rows per series: 14 - k + 1 origins reach step k, so 28, 26, 24 over the 2 series.
    expect(result.intervals!.calibrations.lstm.counts).toEqual([28, 26, 24]);
  });

  it('no test-range value enters the calibration', async () => {
    const calibrate = async (testValue: (t: number, y: number) => number) => {
      const panel = panelWith(testValue);
      const split = splitPanel(panel, { valFraction: 0.2, testFraction: 1 / 6 });
      const lstm = fakeLstm();
      await lstm.fit(panel, split);
      return (await evaluateModels(panel, split, lstm, options)).intervals!;
    };
    const plain = await calibrate((_, y) => y);
    const spiked = await calibrate((t, y) => y + 1000 * Math.sin(t));
    expect(spiked.calibrations).toEqual(plain.calibrations);
    expect(spiked.scores.lstm.pooled).not.toEqual(plain.scores.lstm.pooled);
  });
});

describe('evaluateModels: progress and seconds', () => {
  const options = { season: 12, horizon: 3, log: () => undefined, levels: [80] };
  const models = ['lstm', 'lstm_ets', 'naive', 'seasonal_naive', 'mean', 'drift', 'ets', 'theta', 'arima', 'holt_winters'];

  it.each([
    ['no refit', 0.2, 'never' as const, ['validation', 'test', 'future']],
    ['refit every 6 origins, validation too short to score', 0.02, { every: 6 }, ['test', 'future']],
  ])('%s: origins counted over every phase and model, in order, up to the total; each model timed', async (_name, valFraction, refit, phases) => {
    const panel = panelWith((_, y) => y);
    const split = splitPanel(panel, { valFraction, testFraction: 1 / 6 });
    const lstm = fakeLstm();
    await lstm.fit(panel, split);
    const events: EvaluationProgress[] = [];
    const result = await evaluateModels(panel, split, lstm, { ...options, refit, retrainLstm: fakeLstm, onProgress: (e) => events.push(e) });
    const rows = (pick: (s: (typeof split)[number]) => { start: number; end: number }) => split.reduce((n, s) => n + pick(s).end - pick(s).start, 0);
    const valRows = phases.includes('validation') ? rows((s) => s.val) : 0;
    const total = models.length * (valRows + rows((s) => s.test) + panel.ids.length);
    expect(events.every((e) => e.total === total)).toBe(true);
    expect(events[events.length - 1].done).toBe(total);
    const done = events.map((e) => e.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    const order = events.map((e) => `${e.phase}: ${e.model}`).filter((label, i, all) => all.indexOf(label) === i);
    expect(order).toEqual(phases.flatMap((phase) => models.map((m) => `${phase}: ${m}`)));
    // Every model but the combination (whose parts' work is theirs), in first-call order.
    expect(Object.keys(result.secondsByModel!).sort()).toEqual(models.filter((m) => m !== 'lstm_ets').sort());
    expect(Object.values(result.secondsByModel!).every((s) => s >= 0)).toBe(true);
  }, 60_000);
});
