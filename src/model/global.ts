/**
 * The global LSTM: one network trained on windows drawn from every series of a panel, with each
 * series' preprocessing (transform and scalers) fitted on that series' training rows only.
 */
import * as tf from '../tf';
import { InputError, describeValue } from '../errors';
import { panelSeries, seriesError, type Panel } from '../data/panel';
import type { PanelSplit } from '../data/panelSplit';
import type { SplitIndices } from '../data/split';
import type { TimeSeries } from '../data/types';
import { makeJoinedWindowSet, type WindowPart } from '../data/window';
import type { TargetTransform } from '../data/transform';
import { resolveLstmConfig } from './config';
import { positiveInteger } from '../validate';
import {
  AUTO_TARGET_TRANSFORMS,
  DEFAULT_FORECASTER_TRANSFORM,
  type CandidateScore,
  type Forecast,
  type ForecasterOptions,
  type ForecasterSpec,
  LstmForecaster,
  type PreprocessingCandidate,
  type PreprocessingSelection,
  checkLeadWindow,
  defaultLookback,
  disposeModel,
  resolveFitKernel,
  trainingOptions,
  validationScore,
} from './forecaster';
import type { ResolvedLstmKernel } from './kernel';
import { buildLstmModel, type ModelShape } from './lstm';
import { fitPreprocessor, type FutureValues, type Preprocessor, type StaticInputs } from './preprocess';
import { encodeStatics } from './staticInputs';
import { trainModel, type TrainHistory } from './train';

/** Options of {@link GlobalLstmForecaster.fit}. */
export interface GlobalForecasterOptions extends Omit<ForecasterOptions, 'lookback' | 'checkpoint'> {
  /**
   * Input steps per window (no `'auto'`: every series shares one network).
   * @defaultValue `defaultLookback(season, horizon, shortest training range)`
   */
  readonly lookback?: number;
  /**
   * As `ForecasterOptions.targetTransform`, for every series: with `'auto'` one network per
   * candidate of {@link AUTO_TARGET_TRANSFORMS} (log ones only when every target value of the
   * panel is positive), the one with the lowest geometric-mean validation MASE over the series kept.
   * `calendar` encoders are computed from each series' own stamps (past its end at its own
   * frequency), scaled on each series' training rows.
   * @defaultValue {@link DEFAULT_FORECASTER_TRANSFORM} (`'auto'`)
   */
  readonly targetTransform?: TargetTransform | 'auto';
  /**
   * As `ForecasterOptions.futureCovariates`. @defaultValue the panel's future-known covariates
   * (`panel.futureCovariates`)
   */
  readonly futureCovariates?: readonly string[];
  /**
   * Static columns of the panel given to the network as one-hot constant inputs (see
   * `encodeStatics`). @defaultValue `DEFAULT_STATIC_INPUTS` (none)
   */
  readonly staticInputs?: readonly string[];
  /**
   * Give the network a one-hot input of the series id: a learned embedding per series.
   * @defaultValue `DEFAULT_ID_INPUT` (false)
   */
  readonly idInput?: boolean;
}

/** Options of {@link GlobalLstmForecaster.forecastAt} and {@link GlobalLstmForecaster.forecast}. */
export interface GlobalForecastOptions {
  /**
   * Per series id, the values of its future-known covariates after its last row (see
   * `LstmForecaster.forecastAt` / `forecast` for how many each needs).
   * @defaultValue what the panel knows (`panel.future`)
   */
  readonly future?: Readonly<Record<string, FutureValues>>;
}

/** What a global forecaster adds to the one-series {@link ForecasterSpec}. */
export interface GlobalSpec {
  /** The shared network's spec; its `preprocessor` and `split` are those of the first series. */
  readonly shared: ForecasterSpec;
  /** Series ids, in the order of `preprocessors` and `splits`. */
  readonly ids: readonly string[];
  /** Per series, its preprocessing state (fitted on its training rows). */
  readonly preprocessors: readonly ReturnType<Preprocessor['toJSON']>[];
  /** Per series, the split it was trained with (`null` for a model loaded from a bundle that has none). */
  readonly splits: readonly (SplitIndices | null)[];
}

/**
 * An LSTM trained on every series of a panel at once. Each series keeps its own preprocessor,
 * so series of very different scales share one network. Owns one tf.LayersModel: call
 * {@link GlobalLstmForecaster.dispose} when done.
 *
 * @example
 * const f = await GlobalLstmForecaster.fit(panel, splitPanel(panel, { valFraction: 0.1, testFraction: 0.2 }), { horizon: 12, season: 12 });
 * const next = f.forecast(panel, 12); // one Forecast per series
 * f.dispose();
 */
export class GlobalLstmForecaster {
  private readonly members: readonly LstmForecaster[];

  private constructor(
    readonly model: tf.LayersModel,
    readonly spec: GlobalSpec,
    readonly kernel: ResolvedLstmKernel,
  ) {
    this.members = spec.preprocessors.map((state, i) =>
      LstmForecaster.fromParts(model, { ...spec.shared, preprocessor: state, split: spec.splits[i] }, kernel),
    );
  }

  /** Rebuilds a forecaster from a loaded model and its spec (used by bundles). */
  static fromParts(model: tf.LayersModel, spec: GlobalSpec, kernel: ResolvedLstmKernel): GlobalLstmForecaster {
    return new GlobalLstmForecaster(model, spec, kernel);
  }

  /** Input steps per window. */
  get lookback(): number {
    return this.spec.shared.lookback;
  }

  /** Steps per direct forecast. */
  get horizon(): number {
    return this.spec.shared.horizon;
  }

  /** Training history (of the chosen candidate). */
  get history(): TrainHistory | null {
    return this.spec.shared.history;
  }

  /** Series ids it was trained on. */
  get ids(): readonly string[] {
    return this.spec.ids;
  }

  /**
   * The one-series forecaster of series `id`: it shares this network (do not dispose it).
   * @throws InputError for an id the model was not trained on.
   */
  member(id: string): LstmForecaster {
    const index = this.spec.ids.indexOf(id);
    if (index < 0) {
      const shown = this.spec.ids.slice(0, 20).map((x) => JSON.stringify(x)).join(', ');
      throw new InputError(`the model was not trained on series ${describeValue(id)}; it knows ${shown}`, { argument: 'id', value: id });
    }
    return this.members[index];
  }

  /**
   * Trains one network on the training windows of every series (each series' targets end before
   * its validation range), early-stopped on the validation windows of every series.
   *
   * Per series `i`: its preprocessor is fitted on rows `split[i].train` of that series only; its
   * training windows have every target row in `split[i].train`; its validation windows have every
   * target row in `split[i].val`. No window mixes two series.
   *
   * The LSTM kernel is `options.kernel` when given, else resolved from `options.model.kernel`
   * once for all candidates (see `LstmForecaster.fit`).
   *
   * @param panel - The panel; not modified.
   * @param split - One split per series (see `splitPanel`).
   * @param options - See {@link GlobalForecasterOptions}.
   * @throws InputError for bad options, a split of the wrong length, or a series whose training
   *   range is too short for the lookback and horizon (naming the series id).
   */
  static async fit(panel: Panel, split: PanelSplit, options: GlobalForecasterOptions): Promise<GlobalLstmForecaster> {
    if (!Array.isArray(split) || split.length !== panel.ids.length) {
      throw new InputError(`split must have one entry per series (${panel.ids.length}), got ${Array.isArray(split) ? split.length : describeValue(split)}`, {
        argument: 'split',
      });
    }
    const horizon = positiveInteger('horizon', options.horizon);
    const season = positiveInteger('season', options.season ?? 1);
    const shortest = split.reduce((m, s) => Math.min(m, s.train.end - s.train.start), Number.POSITIVE_INFINITY);
    const lookback = positiveInteger('lookback', options.lookback ?? defaultLookback(season, horizon, shortest));
    const transform = options.targetTransform ?? DEFAULT_FORECASTER_TRANSFORM;
    const statics = encodeStatics(panel, options); // once, and its errors before any training
    const series = panel.ids.map((_, i) => panelSeries(panel, i));
    const hasVal = split.some((s) => s.val.end > s.val.start);
    const all = transform === 'auto' ? panelCandidates(series, lookback) : [{ targetTransform: transform, lookback }];
    const candidates = hasVal ? all : all.slice(0, 1);
    const scores: CandidateScore[] = [];
    let best: { forecaster: GlobalLstmForecaster; score: number; candidate: PreprocessingCandidate } | null = null;
    // Resolved by the first candidate's fit (unless given), then reused: one decision per fit.
    let kernel = options.kernel;
    for (let c = 0; c < candidates.length; c++) {
      const candidate = candidates[c];
      options.onCandidate?.(c + 1, candidates.length, candidate);
      const fitted = await fitOne(panel, series, split, { ...options, horizon, season, lookback, targetTransform: candidate.targetTransform, statics, kernel });
      kernel = fitted.kernel;
      const history = fitted.history!;
      if (history.aborted) {
        best?.forecaster.dispose();
        return fitted;
      }
      const score = candidates.length > 1 ? fitted.validationScore(series, split, season) : Number.NaN;
      scores.push({ ...candidate, validationMase: score, epochs: history.epochsRun, seconds: history.seconds });
      if (best === null || (Number.isFinite(score) && !(score >= best.score))) {
        best?.forecaster.dispose();
        best = { forecaster: fitted, score: Number.isFinite(score) ? score : Number.POSITIVE_INFINITY, candidate };
      } else {
        fitted.dispose();
      }
    }
    const chosen = best!.forecaster;
    const selection: PreprocessingSelection = {
      criterion:
        candidates.length > 1
          ? 'lowest geometric-mean validation MASE over the series (rolling origin over each validation range, scaled by its training rows)'
          : 'no validation rows: the first candidate',
      candidates: scores,
      chosen: best!.candidate,
    };
    return new GlobalLstmForecaster(chosen.model, { ...chosen.spec, shared: { ...chosen.spec.shared, selection } }, chosen.kernel);
  }

  /**
   * Geometric mean over the series of each one's validation MASE (see `validationScore`); series
   * without a finite score are left out. NaN when none has one.
   */
  validationScore(series: readonly TimeSeries[], split: PanelSplit, season: number): number {
    let logSum = 0;
    let count = 0;
    series.forEach((s, i) => {
      const score = validationScore(this.members[i], s, split[i], season);
      if (Number.isFinite(score) && score > 0) {
        logSum += Math.log(score);
        count++;
      }
    });
    return count === 0 ? Number.NaN : Math.exp(logSum / count);
  }

  /**
   * Direct forecasts from origins of several series of `panel` (matched to the trained series by id).
   *
   * @param origins - Per series of `panel` (in its order), series-local origin rows; see
   *   {@link LstmForecaster.forecastAt} for the history (and future values) each needs.
   * @param options - See {@link GlobalForecastOptions}.
   * @returns Per series, per origin, `horizon * numTargets` raw values (row-major `[horizon, numTargets]`).
   * @throws InputError for an unknown series id, mismatched columns, an origin without enough
   *   history, or missing future values of a future-known column.
   */
  forecastAt(panel: Panel, origins: readonly (readonly number[])[], options: GlobalForecastOptions = {}): Float64Array[][] {
    if (!Array.isArray(origins) || origins.length !== panel.ids.length) {
      throw new InputError(`origins must have one list per series (${panel.ids.length}), got ${describeValue(Array.isArray(origins) ? origins.length : origins)}`, {
        argument: 'origins',
      });
    }
    return panel.ids.map((id, i) => {
      if (origins[i].length === 0) return [];
      const member = this.member(id);
      return withSeries(id, panel.ids.length, () => member.forecastAt(panelSeries(panel, i), origins[i], { future: futureOf(options, panel, i) }));
    });
  }

  /**
   * Forecasts `steps` rows past the last row of every series of `panel` (see
   * {@link LstmForecaster.forecast}: recursive beyond the horizon when every feature is
   * future-known, calendar encoders at each series' own future stamps).
   * @param options - See {@link GlobalForecastOptions}.
   * @returns One {@link Forecast} per series, in panel order.
   */
  forecast(panel: Panel, steps: number = this.horizon, options: GlobalForecastOptions = {}): Forecast[] {
    return panel.ids.map((id, i) => {
      const member = this.member(id);
      return withSeries(id, panel.ids.length, () => member.forecast(panelSeries(panel, i), { steps, future: futureOf(options, panel, i) }));
    });
  }

  /** Releases the network's tensors and its optimizer's. Unusable afterwards. */
  dispose(): void {
    disposeModel(this.model);
  }
}

/** Candidates of `'auto'` for a panel: log transforms only when every target value is positive. */
function panelCandidates(series: readonly TimeSeries[], lookback: number): PreprocessingCandidate[] {
  const positive = series.every((s) => s.targets.every((name) => s.values[name].every((v) => v > 0)));
  return AUTO_TARGET_TRANSFORMS.filter((t) => positive || !t.startsWith('log')).map((targetTransform) => ({ targetTransform, lookback }));
}

interface FitOneOptions extends GlobalForecasterOptions {
  readonly horizon: number;
  readonly season: number;
  readonly lookback: number;
  readonly targetTransform: TargetTransform;
  /** Per series its static inputs (`encodeStatics`), or null. */
  readonly statics: StaticInputs[] | null;
}

/** Per series its preprocessor and its training and validation windows, then one training run. */
async function fitOne(panel: Panel, series: readonly TimeSeries[], split: PanelSplit, options: FitOneOptions): Promise<GlobalLstmForecaster> {
  const { horizon, season, lookback, targetTransform, calendar } = options;
  const futureCovariates = options.futureCovariates ?? panel.futureCovariates;
  const config = resolveLstmConfig({ ...options.model });
  const preprocessors: Preprocessor[] = [];
  const { statics } = options;
  const trainParts: WindowPart[] = [];
  const valParts: WindowPart[] = [];
  let anchor: readonly (number | null)[] = [];
  series.forEach((s, i) => {
    const id = panel.ids[i];
    const part = split[i];
    const preprocessor = withSeries(id, panel.ids.length, () =>
      fitPreprocessor(s, part.train, { targetTransform, calendar, futureCovariates, lead: horizon, staticInputs: statics?.[i] }),
    );
    checkLeadWindow(preprocessor, lookback, horizon);
    preprocessors.push(preprocessor);
    const columns = preprocessor.columns(s);
    const firstOrigin = columns.firstValidRow + lookback - 1;
    if (firstOrigin + horizon >= part.train.end) {
      const where = panel.ids.length > 1 ? `series ${JSON.stringify(id)}: ` : '';
      throw new InputError(
        `${where}too few training rows for lookback ${lookback} and horizon ${horizon}: the training range has ` +
          `${part.train.end - part.train.start} rows, at least ${firstOrigin + horizon + 1} are needed`,
        { id, lookback, horizon, trainRows: part.train.end - part.train.start },
      );
    }
    anchor = columns.anchor;
    const make = (first: number, end: number): WindowPart => ({ inputs: columns.inputs, targets: columns.targets, firstOrigin: first, targetEnd: end });
    trainParts.push(make(firstOrigin, part.train.end));
    if (part.val.end > part.val.start && Math.max(firstOrigin, part.val.start - 1) + horizon < part.val.end) {
      valParts.push(make(Math.max(firstOrigin, part.val.start - 1), part.val.end));
    }
  });
  // One set over the series joined end to end: a batch from many series is filled in one pass.
  const trainSet = makeJoinedWindowSet(trainParts, { lookback, horizon, anchor });
  const valSet = valParts.length > 0 ? makeJoinedWindowSet(valParts, { lookback, horizon, anchor }) : undefined;
  const first = series[0];
  const shape: ModelShape = { lookback, numFeatures: preprocessors[0].numInputs, horizon, numTargets: first.targets.length };
  const kernel = resolveFitKernel(config, options.kernel);
  const model = buildLstmModel({ ...config, kernel: kernel.kernel }, shape);
  try {
    const history = await trainModel(model, trainSet, valSet !== undefined && valSet.size > 0 ? valSet : undefined, trainingOptions(config, options));
    const shared: ForecasterSpec = {
      lookback,
      horizon,
      season,
      preprocessor: preprocessors[0].toJSON(),
      config,
      history,
      split: split[0],
      backend: options.backend ?? null,
      kernel,
      selection: null,
      data: {
        source: panel.source,
        timeColumn: panel.timeColumn,
        timeKind: panel.timeKind,
        targets: [...first.targets],
        features: [...first.features],
        rows: panel.length,
      },
    };
    const spec: GlobalSpec = { shared, ids: [...panel.ids], preprocessors: preprocessors.map((p) => p.toJSON()), splits: split };
    return GlobalLstmForecaster.fromParts(model, spec, kernel);
  } catch (error) {
    disposeModel(model);
    throw error;
  }
}

/**
 * The future values for series `index`: from `options.future` when given, else the panel's.
 * @throws InputError when `options.future` is not an object.
 */
function futureOf(options: GlobalForecastOptions, panel: Panel, index: number): FutureValues | undefined {
  const future = options.future;
  const id = panel.ids[index];
  if (future === undefined) return panel.future[index] ?? undefined;
  if (future === null || typeof future !== 'object' || Array.isArray(future)) {
    throw new InputError(`future must be an object of series id -> future values, got ${describeValue(future)}`, { argument: 'future' });
  }
  return Object.prototype.hasOwnProperty.call(future, id) ? future[id] : undefined;
}

/** Runs `work`, prefixing an InputError's message with the series id when the panel has several. */
function withSeries<T>(id: string, count: number, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof InputError) || count === 1) throw error;
    throw seriesError(id, error);
  }
}
