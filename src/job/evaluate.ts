/**
 * The job's evaluation stage: the trained LSTM, its combination with ets and the reference models
 * backtested on the validation and test ranges of every series, then forecast past the end.
 */
import { InputError } from '../errors';
import type { Panel } from '../data/panel';
import type { PanelSplit } from '../data/panelSplit';
import { combineForecasters } from '../eval/combine';
import { compareWithBaselines } from '../eval/guard';
import { referenceForecasters, type LocalForecaster } from '../eval/localModels';
import type { MetricSet } from '../eval/metrics';
import { type Forecaster, type PanelForecast, prefitted } from '../eval/model';
import { panelBacktest, type PanelBacktestResult, type RefitPolicy } from '../eval/panelBacktest';
import { conformalMinimum, DEFAULT_LEVELS, withConformalIntervals, type ConformalCalibration } from '../eval/conformal';
import type { PanelIntervalScores } from '../eval/intervalScoring';
import { validationBacktest, withTestIntervals } from '../eval/intervalBacktest';
import { EvaluationCounter, type EvaluationProgress } from './evaluationProgress';
import { ModelClock } from './modelClock';

export type { EvaluationPhase, EvaluationProgress } from './evaluationProgress';

/**
 * The combination reported next to the LSTM: the mean of the LSTM's and ets' forecasts, step by
 * step (an equal-weight forecast combination; on the accuracy suite it beat both of its parts,
 * see the README).
 */
export const COMBINED_MODEL = 'lstm_ets';

/** Name of the LSTM in every table and file. */
export const LSTM_MODEL = 'lstm';

/** What {@link evaluateModels} returns. */
export interface Evaluation {
  /** The backtest over the test ranges (models in report order). */
  readonly test: PanelBacktestResult;
  /** Pooled metrics per model over the validation ranges; null when they are too short. */
  readonly validation: { readonly rows: number; readonly models: Record<string, MetricSet> } | null;
  /** Per model, `horizon` steps past the last row of every series. */
  readonly future: readonly PanelForecast[];
  /** Per statistical model and series id, the fitted model's description. */
  readonly fitted: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Warnings for the user: models that fell back on some series, the validation guard. */
  readonly warnings: readonly string[];
  /** Models left out of a one-series run because they could not be fitted. */
  readonly leftOut: readonly string[];
  /**
   * Conformal intervals of every model (already put on `test` and `future` forecasts), or null
   * when the validation ranges are too short to calibrate them.
   */
  readonly intervals: EvaluatedIntervals | null;
  /**
   * Per model, the seconds of its `fit`, `forecastAt` and `forecast` calls over the whole
   * evaluation (both backtests, the refits, the forecast past the end): the LSTM and each
   * reference model. The combination's own seconds (averaging its parts, whose work is counted
   * under them) are not listed. @defaultValue absent where an evaluation was put together by hand
   */
  readonly secondsByModel?: Readonly<Record<string, number>>;
}

/** The intervals part of an {@link Evaluation}. */
export interface EvaluatedIntervals {
  readonly levels: readonly number[];
  /** Per model, its calibration on the validation ranges. */
  readonly calibrations: Readonly<Record<string, ConformalCalibration>>;
  /** Per model, its intervals scored on the test ranges. */
  readonly scores: Readonly<Record<string, PanelIntervalScores>>;
}

/** Options of {@link evaluateModels}. */
export interface EvaluateOptions {
  readonly season: number;
  readonly horizon: number;
  /**
   * The test backtest's refit policy (see `RefitPolicy`). With `{ every: k }` the statistical
   * models are refitted before every k-th origin, and so is the LSTM when `retrainLstm` is given
   * (a fresh, untrained copy; the trained one still gives `future` and the bundle).
   * @defaultValue `'never'`
   */
  readonly refit?: RefitPolicy;
  /** A fresh LSTM for the refitting backtest (required for the LSTM to be retrained with `refit`). */
  readonly retrainLstm?: () => Forecaster;
  readonly log: (line: string) => void;
  /** Progress in origins over the validation and test backtests and the forecast past the end. @defaultValue none */
  readonly onProgress?: (event: EvaluationProgress) => void;
  /** Interval levels, percent. @defaultValue `DEFAULT_LEVELS` (80, 95) */
  readonly levels?: readonly number[];
}

/**
 * The models of one backtest, in report order: lstm, lstm_ets, then the references (the
 * returned `references` are the unwrapped ones, for their `failures` and `fitted`). The LSTM and
 * the references run timed by `clock`; the combination is not, its parts' work being theirs.
 */
function modelList(lstm: Forecaster, season: number, clock: ModelClock, trained = true): { models: Forecaster[]; references: LocalForecaster[] } {
  const references = referenceForecasters({ season });
  const timed = references.map((r) => clock.wrap(r));
  const ets = timed[references.findIndex((r) => r.name === 'ets')];
  const timedLstm = clock.wrap(lstm);
  const combined = combineForecasters(COMBINED_MODEL, [trained ? prefitted(timedLstm) : timedLstm, ets]);
  const [cachedLstm, cachedEts] = combined.parts;
  const others = timed.map((r) => (r === ets ? cachedEts : r));
  return { models: [cachedLstm, combined, ...others], references };
}

/** The number of models {@link modelList} returns (without building them). */
function modelCount(season: number): number {
  return 2 + referenceForecasters({ season }).length;
}

/**
 * Backtests every model on the test ranges (statistical models fitted on each series' rows before
 * its test range), scores them the same way on the validation ranges (fitted on the training
 * rows), warns when the LSTM loses there, and forecasts `horizon` steps past the end with the
 * models of the test backtest (the LSTM as trained; the others with the parameters fitted on the
 * rows before the test range, run through the last row).
 *
 * A model that cannot be fitted on a series falls back to naive there, with a warning; in a
 * one-series run it is left out instead (as before panels existed).
 *
 * @throws InputError for a horizon above a series' test rows or a zero MASE scale (naming the series).
 */
export async function evaluateModels(panel: Panel, split: PanelSplit, lstm: Forecaster, options: EvaluateOptions): Promise<Evaluation> {
  const { season, horizon, log } = options;
  const warnings: string[] = [];
  const clock = new ModelClock();
  const counter = new EvaluationCounter(split, modelCount(season), options.onProgress ?? (() => undefined));
  const validation = await validationScores(panel, split, lstm, options, { clock, counter });
  if (validation) {
    const guard = compareWithBaselines(validation.models, LSTM_MODEL, 'mase', [COMBINED_MODEL]);
    if (guard.warning) {
      warnings.push(guard.warning);
      log(`warning: ${guard.warning}`);
    }
  }
  const { test, models, references } = await testBacktest(panel, split, lstm, options, { clock, counter });
  const single = panel.ids.length === 1;
  const leftOut: string[] = [];
  const fitted: Record<string, Record<string, string>> = {};
  for (const model of references) {
    if (single && model.failures.length > 0) {
      leftOut.push(model.name);
      log(`warning: ${model.name} left out: ${model.failures[0].message}`);
      continue;
    }
    fitted[model.name] = { ...model.fitted };
    for (const failure of model.failures) {
      const warning = `${model.name} could not be fitted on series ${JSON.stringify(failure.id)} (${failure.message}); ${failure.fallback} forecasts stand in for it there`;
      warnings.push(warning);
      log(`warning: ${warning}`);
    }
  }
  const kept = models.filter((m) => !leftOut.includes(m.name) && !(m.name === COMBINED_MODEL && leftOut.includes('ets')));
  counter.leaveOut(models.length - kept.length);
  const future: PanelForecast[] = [];
  for (const model of kept) {
    counter.future(model.name, false);
    future.push(await model.forecast(panel, horizon));
    counter.future(model.name, true);
  }
  const scored = withoutModels(test, leftOut);
  const secondsByModel = clock.seconds();
  if (validation === null) {
    return { test: scored, validation: null, future, fitted, warnings, leftOut, intervals: null, secondsByModel };
  }
  const banded = withIntervals(panel, scored, future, validation.calibrations, warnings, log);
  return { ...banded, validation: { rows: validation.rows, models: validation.models }, fitted, warnings, leftOut, secondsByModel };
}

/** What the evaluation's steps share: the clock of every model's calls, and the progress count. */
interface EvaluationTools {
  readonly clock: ModelClock;
  readonly counter: EvaluationCounter;
}

/**
 * The test backtest (with `refit`, on a fresh LSTM's copies of the models, after which the
 * returned models are fitted on the rows before the test range, for the future and the fitted
 * descriptions, as without refit).
 */
async function testBacktest(
  panel: Panel,
  split: PanelSplit,
  lstm: Forecaster,
  options: EvaluateOptions,
  { clock, counter }: EvaluationTools,
): Promise<{ test: PanelBacktestResult; models: Forecaster[]; references: LocalForecaster[] }> {
  const { season, horizon } = options;
  const refit = options.refit ?? 'never';
  const { models, references } = modelList(lstm, season, clock);
  const onProgress = counter.backtest('test');
  if (refit === 'never' || options.retrainLstm === undefined) {
    const test = await panelBacktest(panel, models, { horizon, split, season, refit, reference: LSTM_MODEL, onProgress });
    return { test, models, references };
  }
  const fresh = options.retrainLstm();
  let test: PanelBacktestResult;
  try {
    const retrained = modelList(fresh, season, clock, false);
    test = await panelBacktest(panel, retrained.models, { horizon, split, season, refit, reference: LSTM_MODEL, onProgress });
  } finally {
    fresh.dispose?.();
  }
  for (const model of models) {
    counter.future(model.name, false);
    await model.fit(panel, split);
  }
  return { test, models, references };
}

/**
 * Puts each model's conformal intervals on its test and future forecasts and scores them on the
 * test ranges; warns when a level could not be calibrated at some step.
 */
function withIntervals(
  panel: Panel,
  test: PanelBacktestResult,
  future: readonly PanelForecast[],
  calibrations: Readonly<Record<string, ConformalCalibration>>,
  warnings: string[],
  log: (line: string) => void,
): Pick<Evaluation, 'test' | 'future' | 'intervals'> {
  const banded = withTestIntervals(panel, test, calibrations);
  const first = Object.values(calibrations)[0];
  first.levels.forEach((level, l) => {
    const from = first.methods[l].findIndex((m) => m !== 'conformal');
    if (from < 0) return;
    const need = conformalMinimum(level);
    const warning =
      `the ${level}% intervals use a Student-t bound instead of the conformal quantile from step ${from + 1} on: the validation ` +
      `ranges give ${first.counts[from]} residuals there, conformal needs ${need} (raise --val-fraction)`;
    warnings.push(warning);
    log(`warning: ${warning}`);
  });
  return {
    test: banded.test,
    future: future.map((f) => withConformalIntervals(f, calibrations[f.model])),
    intervals: { levels: first.levels, calibrations, scores: banded.scores },
  };
}

function withoutModels(result: PanelBacktestResult, names: readonly string[]): PanelBacktestResult {
  if (names.length === 0) return result;
  const drop = new Set(names.includes('ets') ? [...names, COMBINED_MODEL] : names);
  const models = Object.fromEntries(Object.entries(result.models).filter(([name]) => !drop.has(name)));
  const wins = result.wins && Object.fromEntries(Object.entries(result.wins).filter(([name]) => !drop.has(name)));
  return { ...result, models, wins };
}

/** The validation backtest: pooled metrics, and each model's conformal calibration. */
interface ValidationResult {
  readonly rows: number;
  readonly models: Record<string, MetricSet>;
  readonly calibrations: Record<string, ConformalCalibration>;
}

/**
 * Every model scored on the validation ranges with the protocol of the test range: each series
 * cut at the end of its validation range, which plays the test range; statistical models fitted
 * on the training rows; MASE scaled on the training rows. Null (with a log line) when some
 * series' validation range is shorter than the horizon or its training rows cannot scale MASE.
 */
async function validationScores(
  panel: Panel,
  split: PanelSplit,
  lstm: Forecaster,
  options: EvaluateOptions,
  { clock, counter }: EvaluationTools,
): Promise<ValidationResult | null> {
  const { season, horizon, log } = options;
  const short = split.findIndex((s) => s.val.end - s.val.start < horizon || s.val.start <= season);
  if (short >= 0) {
    const s = split[short];
    const where = panel.ids.length > 1 ? ` of series ${JSON.stringify(panel.ids[short])}` : '';
    log(`note: the validation range${where} (${s.val.end - s.val.start} rows) is too short to compare models at horizon ${horizon}`);
    counter.skip('validation');
    return null;
  }
  try {
    const { models } = modelList(lstm, season, clock);
    const onProgress = counter.backtest('validation');
    const { result, rows, calibrations } = await validationBacktest(panel, models, { horizon, split, season, levels: options.levels ?? DEFAULT_LEVELS, onProgress });
    return { rows, models: Object.fromEntries(Object.entries(result.models).map(([name, m]) => [name, m.pooled])), calibrations };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    log(`note: models not compared on the validation range: ${error.message}`);
    counter.skip('validation');
    return null;
  }
}
