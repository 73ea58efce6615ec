/**
 * The backtest with prediction intervals, in two calls of the one backtest: every model is first
 * run over the validation ranges (the panel cut at their end, which play the test range; models
 * fitted on the training rows), which calibrates its conformal intervals; then over the test
 * ranges, where its forecasts get those intervals and are scored.
 */
import { InputError } from '../errors';
import type { Panel } from '../data/panel';
import type { PanelSplit } from '../data/panelSplit';
import { calibrateConformal, DEFAULT_LEVELS, withConformalIntervals, type ConformalCalibration } from './conformal';
import { scoreIntervals, type PanelIntervalScores } from './intervalScoring';
import { type Forecaster, truncatePanel } from './model';
import { panelBacktest, type PanelBacktestOptions, type PanelBacktestResult, type PanelModelBacktest } from './panelBacktest';

/** Options of {@link validationBacktest} and {@link intervalBacktest}. */
export interface IntervalBacktestOptions extends Pick<PanelBacktestOptions, 'horizon' | 'split' | 'season' | 'onProgress' | 'reference'> {
  /** Interval levels, percent. @defaultValue {@link DEFAULT_LEVELS} */
  readonly levels?: readonly number[];
}

/** What {@link validationBacktest} returns. */
export interface ValidationBacktest {
  /** The panel cut at the end of every validation range (what the models saw). */
  readonly head: Panel;
  /** The backtest over the validation ranges. */
  readonly result: PanelBacktestResult;
  /** Validation rows over every series. */
  readonly rows: number;
  /** Per model, its conformal calibration. */
  readonly calibrations: Readonly<Record<string, ConformalCalibration>>;
}

/**
 * Every model backtested over the validation ranges with the protocol of the test range: each
 * series cut at the end of its validation range, which plays the test range; models fitted (by
 * the backtest) on the training rows; MASE scaled on the training rows. Calibrates each model's
 * conformal intervals on those forecasts (see `calibrateConformal`).
 *
 * A model trained beforehand (the LSTM, early-stopped on these rows) is passed as `prefitted`
 * so that the backtest does not refit it.
 *
 * @throws InputError as `panelBacktest` does: e.g. a validation range shorter than the horizon
 *   (naming the series).
 * @example
 * const rows = Array.from({ length: 48 }, (_, t) => `${t},${10 + (t % 4) + ((t * 7) % 3)}`).join('\n');
 * const panel = panelFromSeries(parseCsvText(`t,y\n${rows}\n`, { time: 't', targets: ['y'] }));
 * const split = splitPanel(panel, { valFraction: 0.25, testFraction: 0.25 });
 * const { rows: valRows, calibrations } = await validationBacktest(panel, [localForecaster('naive')], { split, horizon: 2, season: 4 });
 * valRows; // => 12
 * calibrations.naive.counts; // => [12, 11]
 */
export async function validationBacktest(panel: Panel, forecasters: readonly Forecaster[], options: IntervalBacktestOptions): Promise<ValidationBacktest> {
  const { split, horizon, season } = options;
  if (!Array.isArray(split) || split.length !== panel.ids.length) {
    throw new InputError(`split must hold one entry per series (${panel.ids.length})`, { argument: 'split' });
  }
  const head = truncatePanel(panel, split.map((s) => s.val.end));
  const valSplit: PanelSplit = split.map((s) => ({ train: s.train, val: { start: s.train.end, end: s.train.end }, test: s.val }));
  const result = await panelBacktest(head, forecasters, { horizon, split: valSplit, season, probes: [], onProgress: options.onProgress });
  const levels = options.levels ?? DEFAULT_LEVELS;
  const calibrations = Object.fromEntries(
    Object.entries(result.models).map(([name, m]) => [name, calibrateConformal(head, m.forecast, result.scales, levels)]),
  );
  return { head, result, rows: split.reduce((sum, s) => sum + s.val.end - s.val.start, 0), calibrations };
}

/** What {@link intervalBacktest} returns. */
export interface IntervalBacktest {
  readonly validation: ValidationBacktest;
  /** The test backtest; every model's `forecast` carries its intervals. */
  readonly test: PanelBacktestResult;
  /** Per model, its intervals scored on the test ranges. */
  readonly scores: Readonly<Record<string, PanelIntervalScores>>;
}

/**
 * Calibrates every model's conformal intervals on the validation ranges
 * ({@link validationBacktest}), then backtests the models over the test ranges, puts the
 * intervals on their forecasts and scores them ({@link withTestIntervals}).
 *
 * @example
 * const rows = Array.from({ length: 48 }, (_, t) => `${t},${10 + (t % 4) + ((t * 7) % 3)}`).join('\n');
 * const panel = panelFromSeries(parseCsvText(`t,y\n${rows}\n`, { time: 't', targets: ['y'] }));
 * const split = splitPanel(panel, { valFraction: 0.25, testFraction: 0.25 });
 * const { test, scores } = await intervalBacktest(panel, [localForecaster('seasonal_naive', { season: 4 })], { split, horizon: 2, season: 4, levels: [80] });
 * test.models.seasonal_naive.forecast.series[0].intervals[0].level; // => 80
 * scores.seasonal_naive.pooled.levels[0].coverage; // share of test points inside the 80% intervals
 */
export async function intervalBacktest(panel: Panel, forecasters: readonly Forecaster[], options: IntervalBacktestOptions): Promise<IntervalBacktest> {
  const validation = await validationBacktest(panel, forecasters, options);
  const { horizon, split, season, onProgress, reference } = options;
  const test = await panelBacktest(panel, forecasters, { horizon, split, season, onProgress, reference });
  return { validation, ...withTestIntervals(panel, test, validation.calibrations) };
}

/**
 * Puts each model's calibrated intervals on its test-backtest forecasts and scores them.
 * @throws InputError for a model without a calibration.
 * @example
 * const rows = Array.from({ length: 48 }, (_, t) => `${t},${10 + (t % 4) + ((t * 7) % 3)}`).join('\n');
 * const panel = panelFromSeries(parseCsvText(`t,y\n${rows}\n`, { time: 't', targets: ['y'] }));
 * const split = splitPanel(panel, { valFraction: 0.25, testFraction: 0.25 });
 * const models = [localForecaster('naive')];
 * const { calibrations } = await validationBacktest(panel, models, { split, horizon: 2, season: 4 });
 * const test = await panelBacktest(panel, models, { split, horizon: 2, season: 4 });
 * withTestIntervals(panel, test, calibrations).scores.naive.pooled.pairs; // => [23, 23]
 */
export function withTestIntervals(
  panel: Panel,
  test: PanelBacktestResult,
  calibrations: Readonly<Record<string, ConformalCalibration>>,
): { test: PanelBacktestResult; scores: Record<string, PanelIntervalScores> } {
  const models: Record<string, PanelModelBacktest> = {};
  const scores: Record<string, PanelIntervalScores> = {};
  for (const [name, m] of Object.entries(test.models)) {
    const calibration = calibrations[name];
    if (calibration === undefined) throw new InputError(`no interval calibration for model ${JSON.stringify(name)}`, { argument: 'calibrations', value: name });
    const forecast = withConformalIntervals(m.forecast, calibration);
    models[name] = { ...m, forecast };
    scores[name] = scoreIntervals(panel, forecast, test.scales);
  }
  return { test: { ...test, models }, scores };
}
