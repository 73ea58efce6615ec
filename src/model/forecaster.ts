import * as tf from '../tf';
import type { BackendInfo } from '../backend/select';
import { InputError, describeValue } from '../errors';
import { integerAtLeast } from '../validate';
import type { CalendarFeature } from '../data/calendar';
import type { SplitIndices } from '../data/split';
import { baseTransform, type TargetTransform } from '../data/transform';
import type { SupervisedSet, TimeSeries } from '../data/types';
import { makeOriginSet, makeWindowSet } from '../data/window';
import { resolveLstmConfig, type LstmConfig } from './config';
import { resolveLstmKernel, type ResolvedLstmKernel } from './kernel';
import { buildLstmModel, type ModelShape } from './lstm';
import { predictSet } from './predict';
import { futureStamps } from './futureKnown';
import { fitPreprocessor, Preprocessor, type FutureValues, type ModelColumns } from './preprocess';
import { trainModel, type TrainHistory, type TrainOptions, type TrainProgress } from './train';

/** Default early-stopping patience, in epochs without a validation-loss improvement. */
export const DEFAULT_EARLY_STOPPING_PATIENCE = 25;
/** Default reduce-on-plateau patience, in epochs. */
export const DEFAULT_REDUCE_LR_PATIENCE = 10;
/** Default reduce-on-plateau factor. */
export const DEFAULT_REDUCE_LR_FACTOR = 0.5;

/** Upper bound of {@link defaultLookback}: LSTM cost grows linearly with the lookback. */
export const MAX_DEFAULT_LOOKBACK = 120;

/**
 * Default lookback: two seasons (so the network sees each phase twice), at least twice the
 * horizon and at least 8 steps, but at most {@link MAX_DEFAULT_LOOKBACK} and at most a quarter of
 * the training rows (so that enough windows remain).
 * @param season - seasonal period in steps (1 = none).
 * @param horizon - forecast steps.
 * @param trainRows - rows in the training range. @defaultValue Infinity
 * @example
 * defaultLookback(12, 12);     // 24 (monthly data, one-year horizon)
 * defaultLookback(365, 7, 900); // 120 (capped)
 */
export function defaultLookback(season: number, horizon: number, trainRows = Number.POSITIVE_INFINITY): number {
  const wanted = Math.min(Math.max(2 * season, 2 * horizon, 8), MAX_DEFAULT_LOOKBACK);
  return Math.max(1, Math.min(wanted, Math.floor(trainRows / 4)));
}

/** Options of {@link LstmForecaster.fit}. */
export interface ForecasterOptions {
  /** Forecast steps produced per origin (direct multi-step output), positive integer. */
  readonly horizon: number;
  /** Seasonal period in steps; only informs the default lookback. @defaultValue 1 */
  readonly season?: number;
  /**
   * Input steps per window, or `'auto'`: the default and then {@link shorterLookback}, the one
   * with the lower validation MASE kept (with `targetTransform: 'auto'`, the shorter one is tried
   * with the best transform only). Not the default: on the accuracy suite it did not pay for its
   * extra training run (see the README). @defaultValue {@link defaultLookback}(season, horizon)
   */
  readonly lookback?: number | 'auto';
  /**
   * How targets are presented to the network, or `'auto'`: train one model per candidate of
   * {@link autoCandidates} and keep the one with the lowest validation MASE (see
   * {@link LstmForecaster.fit}). @defaultValue {@link DEFAULT_FORECASTER_TRANSFORM} (`'auto'`)
   */
  readonly targetTransform?: TargetTransform | 'auto';
  /** Called before each candidate of `'auto'` is trained (1-based index). */
  readonly onCandidate?: (index: number, count: number, candidate: PreprocessingCandidate) => void;
  /** Network and training hyper-parameters; `epochs` defaults to `DEFAULT_EPOCHS` (200; early stopping usually ends sooner). */
  readonly model?: Partial<LstmConfig>;
  /** Epochs without improvement before stopping (best weights restored); `0` disables. @defaultValue {@link DEFAULT_EARLY_STOPPING_PATIENCE} */
  readonly earlyStoppingPatience?: number;
  /** Epochs without improvement before halving the learning rate; `0` disables. @defaultValue {@link DEFAULT_REDUCE_LR_PATIENCE} */
  readonly reduceLrPatience?: number;
  /** Called with the model whenever the monitored loss improves (e.g. to checkpoint a bundle). */
  readonly checkpoint?: (forecaster: LstmForecaster, epoch: number, loss: number) => Promise<void>;
  /** Progress events (epoch, batch, loss, val loss, samples/s, ETA). */
  readonly onProgress?: (event: TrainProgress) => void;
  /** Aborts training between batches. */
  readonly signal?: AbortSignal;
  /** Backend in use, recorded in the bundle manifest (the LSTM kernel is recorded too, always). */
  readonly backend?: BackendInfo;
  /**
   * The LSTM kernel, already resolved from `model.kernel` (as the job does, to log it before the
   * data loads), so that the fit does not decide again; its `requested` must be `model.kernel`.
   * @defaultValue `resolveLstmKernel(model.kernel, { dropout })`, once per fit (not per candidate)
   */
  readonly kernel?: ResolvedLstmKernel;
  /**
   * Calendar encoders given to the network as future-known inputs: the model computes them from
   * the time stamps (a date series only), for the forecast rows too, so that `forecast` can
   * recurse beyond the horizon with them. Each is a lead column (row `s` holds the encoder at
   * `time[s + horizon]`, scaled on the training rows; see `Preprocessor.columns`), which needs
   * `lookback >= horizon`. Recorded in the preprocessor state and so in a bundle.
   * @defaultValue `DEFAULT_CALENDAR` (none)
   */
  readonly calendar?: readonly CalendarFeature[];
  /**
   * Feature columns of the series whose future values are known and supplied when forecasting
   * (`forecast(series, { future })`): lead columns like `calendar`, instead of past covariates.
   * @defaultValue `DEFAULT_FUTURE_COVARIATES` (none: every feature is a past covariate)
   */
  readonly futureCovariates?: readonly string[];
}

/** Options of {@link LstmForecaster.forecastAt}. */
export interface ForecastAtOptions {
  /**
   * Values of the future-known covariates after the last row, for origins whose lead rows pass
   * it (`t + horizon > length - 1`). @defaultValue none (calendar stamps are extrapolated)
   */
  readonly future?: FutureValues;
}

/** Options of {@link LstmForecaster.forecast}. */
export interface ForecastOptions extends ForecastAtOptions {
  /** Rows to forecast after the last row, a positive integer. @defaultValue the trained horizon */
  readonly steps?: number;
}

/** Everything needed to rebuild a fitted forecaster (the bundle manifest's core). */
export interface ForecasterSpec {
  readonly lookback: number;
  readonly horizon: number;
  readonly season: number;
  readonly preprocessor: ReturnType<Preprocessor['toJSON']>;
  readonly config: LstmConfig;
  readonly history: TrainHistory | null;
  readonly split: SplitIndices | null;
  readonly backend: BackendInfo | null;
  /**
   * The LSTM implementation the model was trained with (see `resolveLstmKernel`); `null` in
   * bundles written before it was recorded.
   */
  readonly kernel: ResolvedLstmKernel | null;
  /**
   * How the preprocessing was chosen with `targetTransform: 'auto'`: every candidate's validation
   * score and the choice; null when the transform was given (and in older bundles).
   */
  readonly selection?: PreprocessingSelection | null;
  readonly data: {
    readonly source: string;
    readonly timeColumn: string;
    readonly timeKind: TimeSeries['timeKind'];
    readonly targets: readonly string[];
    readonly features: readonly string[];
    readonly rows: number;
  };
}

/** A forecast from the end of a series. */
export interface Forecast {
  /** Index of the origin row (the last observation used). */
  readonly origin: number;
  /** Steps forecast. */
  readonly steps: number;
  /** Target name -> `steps` forecasts for rows origin+1 .. origin+steps. */
  readonly values: Readonly<Record<string, Float64Array>>;
  /** Whether predictions were fed back (steps > horizon). */
  readonly recursive: boolean;
}

/** One preprocessing candidate of `targetTransform: 'auto'`. */
export interface PreprocessingCandidate {
  readonly targetTransform: TargetTransform;
  readonly lookback: number;
}

/** A candidate's validation result. */
export interface CandidateScore extends PreprocessingCandidate {
  /** Validation MASE (see {@link validationScore}); NaN when it could not be scored. */
  readonly validationMase: number;
  readonly epochs: number;
  readonly seconds: number;
}

/** What `targetTransform: 'auto'` tried and kept (stored in the bundle manifest). */
export interface PreprocessingSelection {
  readonly criterion: string;
  readonly candidates: readonly CandidateScore[];
  readonly chosen: PreprocessingCandidate;
}

/** Default `targetTransform` of {@link LstmForecaster.fit}: choose on the validation range. */
export const DEFAULT_FORECASTER_TRANSFORM = 'auto' as const;

/** The transforms `'auto'` tries; the log ones only when every target value is strictly positive. */
export const AUTO_TARGET_TRANSFORMS: readonly TargetTransform[] = ['difference', 'relative', 'log-difference', 'log-relative'];

/**
 * The candidates `targetTransform: 'auto'` tries on `series`: each of
 * {@link AUTO_TARGET_TRANSFORMS} with the given lookback, the log transforms only when every
 * value of every target is strictly positive (a log model could not forecast from a window with
 * a value that is not: this feasibility check is the only use of rows past the validation range).
 *
 * @param series - The series to fit.
 * @param lookback - The lookback every candidate uses.
 * @returns The candidates, in order.
 * @example
 * autoCandidates(series, 24).map((c) => c.targetTransform); // ['difference', 'relative', 'log-difference', 'log-relative']
 */
export function autoCandidates(series: TimeSeries, lookback: number): PreprocessingCandidate[] {
  const positive = series.targets.every((name) => series.values[name].every((v) => v > 0));
  return AUTO_TARGET_TRANSFORMS.filter((t) => positive || !t.startsWith('log-')).map((targetTransform) => ({ targetTransform, lookback }));
}

/**
 * The shorter lookback that `lookback: 'auto'` tries: half of the default, but at least the season, the horizon and 4; null when that is not shorter.
 *
 * @example
 * shorterLookback(12, 12, 24); // => 12
 * shorterLookback(1, 6, 12);   // => 6
 */
export function shorterLookback(season: number, horizon: number, lookback: number): number | null {
  const shorter = Math.max(season, horizon, 4, Math.round(lookback / 2));
  return shorter < lookback ? shorter : null;
}

/**
 * The validation score of a fitted forecaster: the rolling-origin MASE over the validation range,
 * exactly as the backtest scores the test range. Origins `val.start - 1 .. val.end - 2`, every
 * pair (t, k) with t + k < val.end, absolute errors pooled over pairs and targets, divided by the
 * in-sample seasonal-naive MAE (period `season`) of the training rows. Uses no row at or after
 * `val.end`: calendar encoders past it are computed at extrapolated stamps, and with user-given
 * future-known columns the origins whose lead rows reach `val.end` (`t + horizon >= val.end`) are
 * left out.
 *
 * @returns The score, or NaN when the validation range is empty or the scale is zero.
 * @example
 * validationScore(forecaster, series, split, 12); // e.g. 0.41
 */
export function validationScore(forecaster: LstmForecaster, series: TimeSeries, split: SplitIndices, season: number): number {
  const { start, end } = split.val;
  const minOrigin = Math.max(start - 1, forecaster.lookback - 1 + (baseTransform(forecaster.spec.preprocessor.targetTransform) === 'difference' ? 1 : 0));
  const lastOrigin = (forecaster.preprocessor.futureKnown?.columns.length ?? 0) > 0 ? end - 1 - forecaster.horizon : end - 2;
  const origins: number[] = [];
  for (let t = minOrigin; t <= lastOrigin; t++) origins.push(t);
  if (origins.length === 0) return Number.NaN;
  const targets = forecaster.spec.preprocessor.targets;
  const forecasts = forecaster.forecastAt(head(series, end), origins);
  let total = 0;
  for (let m = 0; m < targets.length; m++) {
    const y = series.values[targets[m]];
    let scale = 0;
    let scaleCount = 0;
    for (let t = split.train.start + season; t < split.train.end; t++) {
      scale += Math.abs(y[t] - y[t - season]);
      scaleCount++;
    }
    scale /= scaleCount;
    let error = 0;
    let pairs = 0;
    origins.forEach((t, i) => {
      for (let k = 1; k <= forecaster.horizon && t + k < end; k++) {
        error += Math.abs(y[t + k] - forecasts[i][(k - 1) * targets.length + m]);
        pairs++;
      }
    });
    if (!(scale > 0) || pairs === 0) return Number.NaN;
    total += error / pairs / scale;
  }
  return total / targets.length;
}

/**
 * An LSTM forecaster with its preprocessing: fit on a series, forecast from raw values at any
 * origin, save and load as a bundle (see `saveBundle` / `loadBundle`).
 *
 * Owns one tf.LayersModel: call {@link LstmForecaster.dispose} when done.
 *
 * @example
 * const { series } = await loadCsv('co2.csv', { time: 'Date', targets: ['CO2'] });
 * const split = splitByFraction(series.length, { valFraction: 0.1, testFraction: 0.2 });
 * const f = await LstmForecaster.fit(series, split, { horizon: 12, season: 12 });
 * const next = f.forecast(series);            // 12 steps after the last row
 * f.dispose();
 */
export class LstmForecaster {
  private constructor(
    readonly model: tf.LayersModel,
    readonly preprocessor: Preprocessor,
    readonly spec: ForecasterSpec,
    /**
     * The LSTM implementation {@link LstmForecaster.model} runs: the one it was trained with
     * (`spec.kernel`) for a fitted forecaster, the one resolved at load time for a loaded bundle.
     */
    readonly kernel: ResolvedLstmKernel,
  ) {}

  /** @internal assembles a forecaster from parts (used by `loadBundle`). */
  static fromParts(model: tf.LayersModel, spec: ForecasterSpec, kernel: ResolvedLstmKernel): LstmForecaster {
    return new LstmForecaster(model, Preprocessor.fromJSON(spec.preprocessor), spec, kernel);
  }

  get lookback(): number {
    return this.spec.lookback;
  }

  get horizon(): number {
    return this.spec.horizon;
  }

  /** Training history, or null for a forecaster that was never trained here. */
  get history(): TrainHistory | null {
    return this.spec.history;
  }

  /** The model's input/output shape. */
  get shape(): ModelShape {
    return {
      lookback: this.spec.lookback,
      numFeatures: this.preprocessor.numInputs,
      horizon: this.spec.horizon,
      numTargets: this.spec.preprocessor.targets.length,
    };
  }

  /**
   * Fits preprocessing on `split.train` rows, then trains on windows whose targets lie in the
   * training rows, with early stopping and reduce-LR on windows whose targets lie in `split.val`
   * (on the training loss when `val` is empty). Test rows are never touched.
   *
   * With `targetTransform: 'auto'` (the default) one model is trained per candidate of
   * {@link autoCandidates}, then (with `lookback: 'auto'`) one more with the best transform and
   * {@link shorterLookback}; each is scored with {@link validationScore} (rows before
   * `val.end` only), and the best is kept; the others are disposed. Every candidate's score and the choice
   * are in `spec.selection` (and so in a saved bundle, whose preprocessor holds the chosen
   * transform: a reloaded bundle forecasts exactly as this one). Without validation rows the
   * first candidate is kept. Ties keep the earlier candidate.
   *
   * The LSTM layers follow `options.kernel` when given, else `options.model.kernel` (default
   * `'auto'`: the fused kernel on CPU backends, see `resolveLstmKernel`), resolved once for all
   * candidates; the decision is recorded as `kernel` and `spec.kernel`.
   *
   * @throws InputError for bad options (among them an `options.kernel` resolved for another
   *   choice than `model.kernel`), or too few rows for the lookback, horizon and split.
   */
  static async fit(series: TimeSeries, split: SplitIndices, options: ForecasterOptions): Promise<LstmForecaster> {
    const transform = options.targetTransform ?? DEFAULT_FORECASTER_TRANSFORM;
    const autoLookback = options.lookback === 'auto';
    if (transform !== 'auto' && !autoLookback) {
      return LstmForecaster.fitOne(series, split, { ...options, targetTransform: transform, lookback: options.lookback as number | undefined });
    }
    const horizon = integerAtLeast('horizon', options.horizon, 1);
    const season = integerAtLeast('season', options.season ?? 1, 1);
    const trainRows = split.train.end - split.train.start;
    const lookback = integerAtLeast('lookback', autoLookback || options.lookback === undefined ? defaultLookback(season, horizon, trainRows) : options.lookback, 1);
    const hasVal = split.val.end > split.val.start;
    const first = transform === 'auto' ? autoCandidates(series, lookback) : [{ targetTransform: transform, lookback }];
    const candidates = hasVal ? first : first.slice(0, 1);
    // With lookback 'auto', a second stage: the best transform with a shorter lookback.
    const shorter = hasVal && autoLookback ? shorterLookback(season, horizon, lookback) : null;
    const count = candidates.length + (shorter === null ? 0 : 1);
    const scores: CandidateScore[] = [];
    let best: { forecaster: LstmForecaster; score: number; candidate: PreprocessingCandidate } | null = null;
    // Resolved by the first candidate's fit (unless given), then reused: one decision per fit.
    let kernel = options.kernel;
    for (let i = 0; i < count; i++) {
      const candidate: PreprocessingCandidate = i < candidates.length ? candidates[i] : { targetTransform: best!.candidate.targetTransform, lookback: shorter! };
      options.onCandidate?.(i + 1, count, candidate);
      const fitted = await LstmForecaster.fitOne(series, split, { ...options, ...candidate, kernel });
      kernel = fitted.kernel;
      const history = fitted.history!;
      if (history.aborted) {
        best?.forecaster.dispose();
        return fitted;
      }
      const score = count > 1 ? validationScore(fitted, series, split, season) : Number.NaN;
      scores.push({ ...candidate, validationMase: score, epochs: history.epochsRun, seconds: history.seconds });
      const better = best === null || (Number.isFinite(score) && !(score >= best.score));
      if (better) {
        best?.forecaster.dispose();
        best = { forecaster: fitted, score: Number.isFinite(score) ? score : Number.POSITIVE_INFINITY, candidate };
      } else {
        fitted.dispose();
      }
    }
    const chosen = best!;
    const selection: PreprocessingSelection = {
      criterion:
        count > 1
          ? 'lowest validation MASE (rolling origin over the validation range, scaled by the training rows)'
          : 'no validation rows: the first candidate',
      candidates: scores,
      chosen: chosen.candidate,
    };
    const f = chosen.forecaster;
    return new LstmForecaster(f.model, f.preprocessor, { ...f.spec, selection }, f.kernel);
  }

  /** One training run: the preprocessing, windows and network of one candidate. */
  private static async fitOne(series: TimeSeries, split: SplitIndices, options: FitOneOptions): Promise<LstmForecaster> {
    const horizon = integerAtLeast('horizon', options.horizon, 1);
    const season = integerAtLeast('season', options.season ?? 1, 1);
    const lookback = integerAtLeast('lookback', options.lookback ?? defaultLookback(season, horizon, split.train.end - split.train.start), 1);
    const config = resolveLstmConfig({ ...options.model });
    const preprocessor = fitPreprocessor(series, split.train, {
      targetTransform: options.targetTransform,
      calendar: options.calendar,
      futureCovariates: options.futureCovariates,
      lead: horizon,
    });
    checkLeadWindow(preprocessor, lookback, horizon);
    const columns = preprocessor.columns(series);
    const windows = fitWindows(columns, split, lookback, horizon);
    const kernel = resolveFitKernel(config, options.kernel);
    // The resolved kernel, so that the model has the layers that `kernel` records.
    const model = buildLstmModel({ ...config, kernel: kernel.kernel }, windows.shape);
    const spec = fitSpec(series, split, { lookback, horizon, season, preprocessor, config, kernel, backend: options.backend });
    try {
      const checkpoint = options.checkpoint;
      const history = await trainModel(model, windows.train, windows.val, {
        ...trainingOptions(config, options),
        checkpoint: checkpoint
          ? (m, epoch, loss) => checkpoint(new LstmForecaster(m, preprocessor, { ...spec, history: null }, kernel), epoch, loss)
          : undefined,
      });
      return new LstmForecaster(model, preprocessor, { ...spec, history }, kernel);
    } catch (error) {
      disposeModel(model);
      throw error;
    }
  }

  /**
   * Direct forecasts from several origins of a series with the fitted columns.
   *
   * Origin `t` uses rows `t - lookback + 1 .. t` of the targets and past covariates only and
   * forecasts rows `t+1 .. t+horizon`; future-known covariates are read up to row `t + horizon`
   * (see `Preprocessor.columns`). For an origin with `t + horizon > length - 1`, calendar encoders
   * are computed at `options.future.time` or extrapolated stamps, and user-given future-known
   * columns need their next `t + horizon - (length - 1)` values in `options.future.values`.
   *
   * @param origins - row indices, each in `[minOrigin, series.length - 1]`.
   * @param options - See {@link ForecastAtOptions}.
   * @returns per origin, a new `Float64Array` of `horizon * numTargets` raw values, row-major
   *   `[horizon, numTargets]`.
   * @throws InputError for mismatched columns, an origin without enough history, or missing or
   *   malformed future values (naming the column and how many values the origin needs).
   * @example
   * f.forecastAt(series, [series.length - 1], { future: { values: { promo: Float64Array.of(1, 0, 0) } } });
   */
  forecastAt(series: TimeSeries, origins: readonly number[], options: ForecastAtOptions = {}): Float64Array[] {
    const columns = this.preprocessor.columns(series, options.future);
    const minOrigin = columns.firstValidRow + this.lookback - 1;
    for (const t of origins) {
      if (!Number.isInteger(t) || t < minOrigin || t >= series.length) {
        throw new InputError(
          `origin must be an integer in [${minOrigin}, ${series.length - 1}] (lookback ${this.lookback}), got ${describeValue(t)}`,
          { argument: 'origin', value: t },
        );
      }
    }
    if (origins.length === 0) return [];
    const last = origins.reduce((a, b) => Math.max(a, b));
    this.preprocessor.requireFuture(series, options.future, last + this.horizon - (series.length - 1), `origin ${last} with horizon ${this.horizon}`);
    const set = makeOriginSet(columns.inputs, { lookback: this.lookback, origins, anchor: columns.anchor });
    const raw = predictSet(this.model, asHorizonSet(set, this.horizon, columns.targets.length));
    const per = this.horizon * columns.targets.length;
    return origins.map((t, i) => {
      const last = this.spec.preprocessor.targets.map((name) => series.values[name][t]);
      return this.preprocessor.invert(raw.subarray(i * per, (i + 1) * per), last);
    });
  }

  /**
   * Forecasts `steps` rows after the last row of `series`. Up to `horizon` steps this is one
   * direct forecast; beyond it, forecasts are fed back as observations (recursive), which is only
   * possible when every feature is future-known (calendar encoders or `futureCovariates`): the
   * future values of past covariates are unknown.
   *
   * Each direct forecast reads the future-known covariates over its `horizon` rows, so with
   * user-given future-known columns `future.values` must hold `ceil(steps / horizon) * horizon`
   * values of each (as must `future.time`, when given, for calendar encoders; without it the
   * stamps are extrapolated at the series' frequency, see `futureTimes`). Fed-back rows get those
   * stamps and future values.
   *
   * @param options - See {@link ForecastOptions}.
   * @throws InputError for mismatched columns, too short a series, recursion with past
   *   covariates, or missing or malformed future values.
   * @example
   * const f = await LstmForecaster.fit(series, split, { horizon: 12, season: 12, calendar: ['dayOfYearSin', 'dayOfYearCos'] });
   * f.forecast(series, { steps: 36 }).recursive; // true: three direct forecasts of 12 months
   */
  forecast(series: TimeSeries, options: ForecastOptions = {}): Forecast {
    const steps = integerAtLeast('steps', options.steps ?? this.horizon, 1);
    const targets = this.spec.preprocessor.targets;
    this.preprocessor.checkColumns(series);
    const past = this.preprocessor.pastFeatures;
    if (steps > this.horizon && past.length > 0) {
      throw new InputError(
        `steps (${steps}) beyond the trained horizon (${this.horizon}) need recursive forecasting, which is not ` +
          `possible with feature columns [${past.join(', ')}]: their future values are unknown`,
        { argument: 'steps', value: steps },
      );
    }
    const future = options.future;
    const known = this.preprocessor.futureKnown;
    const reads = Math.ceil(steps / this.horizon) * this.horizon;
    if (known !== null) this.preprocessor.requireFuture(series, future, reads, `steps ${steps} with horizon ${this.horizon}`);
    // The fed-back rows' stamps: calendar encoders are computed at them in later direct forecasts.
    // (Without calendar encoders they are never read, and `future.time` need not cover them.)
    const stamps = futureStamps(series, (known?.calendar.length ?? 0) > 0 ? future : undefined, reads);
    const futureOf = (c: string, from: number, to: number): Float64Array => Float64Array.from(future!.values![c]).subarray(from, to);
    const columns = known?.columns ?? [];
    const out: Record<string, Float64Array> = {};
    for (const name of targets) out[name] = new Float64Array(steps);
    let current = series;
    let done = 0;
    while (done < steps) {
      const rest: FutureValues | undefined =
        done === 0 ? future : { time: stamps.subarray(done), values: Object.fromEntries(columns.map((c) => [c, futureOf(c, done, reads)])) };
      const [raw] = this.forecastAt(current, [current.length - 1], { future: rest });
      const take = Math.min(this.horizon, steps - done);
      targets.forEach((name, m) => {
        for (let k = 0; k < take; k++) out[name][done + k] = raw[k * targets.length + m];
      });
      done += take;
      if (done < steps) {
        const rows = targets.map((name) => out[name].subarray(done - take, done));
        const features = Object.fromEntries(columns.map((c) => [c, futureOf(c, done - take, done)]));
        current = appendRows(current, rows, features, stamps.subarray(done - take, done));
      }
    }
    return { origin: series.length - 1, steps, values: out, recursive: steps > this.horizon };
  }

  /** Releases the model's tensors and its optimizer's. The forecaster is unusable afterwards. */
  dispose(): void {
    disposeModel(this.model);
  }
}

/**
 * Disposes a model and its optimizer. tfjs only disposes an optimizer it created itself from a
 * name; ours is an instance passed to `compile` (`compileLstmModel`), so without this its slot
 * variables (Adam's moments) would leak with every forecaster.
 */
export function disposeModel(model: tf.LayersModel): void {
  const optimizer = model.optimizer as tf.Optimizer | undefined;
  model.dispose();
  optimizer?.dispose();
}

/** Options of one training run of {@link LstmForecaster.fit} (one candidate). */
interface FitOneOptions extends Omit<ForecasterOptions, 'lookback'> {
  readonly targetTransform: TargetTransform;
  readonly lookback?: number;
}

/** The training and validation windows of one run, and the network shape they need. */
interface FitWindows {
  readonly train: SupervisedSet;
  /** Undefined when `split.val` gives no window (training then monitors the training loss). */
  readonly val: SupervisedSet | undefined;
  readonly shape: ModelShape;
}

/**
 * Windows whose targets lie in `split.train` (training) and in `split.val` (validation; origins
 * from `val.start - 1`), all starting at the first row the preprocessed columns define.
 * @throws InputError when the training range yields no window, naming lookback, horizon and rows.
 */
function fitWindows(columns: ModelColumns, split: SplitIndices, lookback: number, horizon: number): FitWindows {
  const firstOrigin = columns.firstValidRow + lookback - 1;
  const train = windowSet(columns, { lookback, horizon, firstOrigin, targetEnd: split.train.end });
  if (train === null || train.size < 1) {
    const trainRows = split.train.end - split.train.start;
    throw new InputError(
      `too few training rows for lookback ${lookback} and horizon ${horizon}: the training range has ` +
        `${trainRows} rows, at least ${firstOrigin + horizon + 1} are needed`,
      { lookback, horizon, trainRows },
    );
  }
  const val =
    split.val.end > split.val.start
      ? windowSet(columns, { lookback, horizon, firstOrigin: Math.max(firstOrigin, split.val.start - 1), targetEnd: split.val.end })
      : null;
  return {
    train,
    val: val !== null && val.size > 0 ? val : undefined,
    shape: { lookback, numFeatures: columns.inputs.length, horizon, numTargets: columns.targets.length },
  };
}

/** The spec of a fitted one-series forecaster, but for its training history. */
function fitSpec(
  series: TimeSeries,
  split: SplitIndices,
  parts: {
    lookback: number;
    horizon: number;
    season: number;
    preprocessor: Preprocessor;
    config: LstmConfig;
    kernel: ResolvedLstmKernel;
    backend: BackendInfo | undefined;
  },
): Omit<ForecasterSpec, 'history'> {
  return {
    lookback: parts.lookback,
    horizon: parts.horizon,
    season: parts.season,
    preprocessor: parts.preprocessor.toJSON(),
    config: parts.config,
    split,
    backend: parts.backend ?? null,
    kernel: parts.kernel,
    selection: null,
    data: {
      source: series.source,
      timeColumn: series.timeColumn,
      timeKind: series.timeKind,
      targets: [...series.targets],
      features: [...series.features],
      rows: series.length,
    },
  };
}

/**
 * The LSTM kernel of a training run: `given` when the caller resolved it already, else
 * `resolveLstmKernel(config.kernel)` (noting dropout, which trains on the stock code).
 * @param config - The resolved network config.
 * @param given - `ForecasterOptions.kernel`, or undefined.
 * @returns `given` itself, or the new decision.
 * @throws InputError when `given` was resolved for another choice than `config.kernel`.
 * @internal shared with the global forecaster.
 * @example
 * resolveFitKernel(resolveLstmConfig({ kernel: 'stock' }), undefined).summary; // => 'kernel: stock (requested)'
 */
export function resolveFitKernel(config: LstmConfig, given: ResolvedLstmKernel | undefined): ResolvedLstmKernel {
  if (given === undefined) return resolveLstmKernel(config.kernel, { dropout: config.dropout > 0 || config.recurrentDropout > 0 });
  if (given.requested !== config.kernel) {
    throw new InputError(
      `kernel.requested must be model.kernel (${describeValue(config.kernel)}), got ${describeValue(given.requested)}`,
      { argument: 'kernel', value: given.requested },
    );
  }
  return given;
}

/**
 * The options of a training run (`trainModel`): the config's epochs, batch size and seed, early
 * stopping (best weights restored) and reduce-LR on plateau with the patiences of `options`
 * (`0` disables each), progress and abort; no checkpoint.
 * @internal shared with the global forecaster.
 * @example
 * trainingOptions(resolveLstmConfig({}), { earlyStoppingPatience: 0 }).earlyStopping; // => false
 */
export function trainingOptions(
  config: LstmConfig,
  options: Pick<ForecasterOptions, 'earlyStoppingPatience' | 'reduceLrPatience' | 'onProgress' | 'signal'>,
): TrainOptions {
  const patience = options.earlyStoppingPatience ?? DEFAULT_EARLY_STOPPING_PATIENCE;
  const lrPatience = options.reduceLrPatience ?? DEFAULT_REDUCE_LR_PATIENCE;
  return {
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: config.seed,
    earlyStopping: patience > 0 ? { patience, restoreBestWeights: true } : false,
    reduceLrOnPlateau: lrPatience > 0 ? { patience: lrPatience, factor: DEFAULT_REDUCE_LR_FACTOR } : false,
    onProgress: options.onProgress,
    signal: options.signal,
  };
}

function windowSet(
  columns: ModelColumns,
  options: { lookback: number; horizon: number; firstOrigin: number; targetEnd: number },
): SupervisedSet | null {
  if (options.firstOrigin + options.horizon >= options.targetEnd) return null;
  return makeWindowSet(columns.inputs, columns.targets, {
    lookback: options.lookback,
    horizon: options.horizon,
    firstOrigin: options.firstOrigin,
    targetEnd: options.targetEnd,
    anchor: columns.anchor,
  });
}

/** Presents an input-only origin set with the model's output shape (predictSet only reads x). */
function asHorizonSet(set: SupervisedSet, horizon: number, numTargets: number): SupervisedSet {
  return {
    size: set.size,
    lookback: set.lookback,
    numFeatures: set.numFeatures,
    horizon,
    numTargets,
    fill: (indices, x, y) => set.fill(indices, x, y),
  };
}

/**
 * A copy of `series` with rows appended: `rows[m]` to target `m`, `features[name]` to each feature
 * (every feature, when there are any: recursion needs each one's future values), stamped `time`.
 */
function appendRows(
  series: TimeSeries,
  rows: readonly Float64Array[],
  features: Readonly<Record<string, Float64Array>>,
  time: Float64Array,
): TimeSeries {
  const count = rows[0].length;
  const extend = (old: Float64Array, more: Float64Array): Float64Array => {
    const v = new Float64Array(series.length + count);
    v.set(old);
    v.set(more, series.length);
    return v;
  };
  const values: Record<string, Float64Array> = {};
  series.targets.forEach((name, m) => {
    values[name] = extend(series.values[name], rows[m]);
  });
  for (const name of series.features) values[name] = extend(series.values[name], features[name]);
  return { ...series, time: extend(series.time, time), values, length: series.length + count };
}

/** Rows `0 .. end - 1` of `series`, as views (no copy). */
function head(series: TimeSeries, end: number): TimeSeries {
  const values: Record<string, Float64Array> = {};
  for (const name of series.columns) values[name] = series.values[name].subarray(0, end);
  return { ...series, time: series.time.subarray(0, end), values, length: end };
}

/**
 * Future-known covariates reach the forecast rows only through the last `horizon` rows of a
 * window (see `Preprocessor.columns`), so the window must be at least that long.
 * @throws InputError naming lookback and horizon.
 * @internal shared with the global forecaster.
 * @example
 * checkLeadWindow(preprocessor, 6, 12); // throws with calendar encoders: lookback (6) must be at least the horizon (12) ...
 */
export function checkLeadWindow(preprocessor: Preprocessor, lookback: number, horizon: number): void {
  const known = preprocessor.futureKnown;
  if (known === null || lookback >= horizon) return;
  const names = [...known.columns, ...known.calendar].join(', ');
  throw new InputError(
    `lookback (${lookback}) must be at least the horizon (${horizon}) with future-known covariates [${names}]: ` +
      `the window's last horizon rows carry their values for the forecast rows`,
    { argument: 'lookback', value: lookback, horizon },
  );
}
