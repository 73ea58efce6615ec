/**
 * What the forecast job writes to `metrics.json`, and its stages: types of their own so that the
 * job and its report (which reads them) need not import each other.
 */
import type { BackendInfo } from '../backend/select';
import type { TargetTransform } from '../data/transform';
import type { MetricSet } from '../eval/metrics';
import type { PreprocessingSelection } from '../model/forecaster';
import type { ResolvedLstmKernel } from '../model/kernel';
import type { LstmMode } from './lstmModel';

/** The stages of `runForecastJob`, in order. */
export const JOB_STAGES = ['setup', 'load', 'train', 'backtest', 'report', 'write'] as const;
/** A stage of `runForecastJob`. */
export type JobStage = (typeof JOB_STAGES)[number];

/**
 * The keys of `seconds_by_stage`, in order: the stages, with `baselines` (the part of the
 * backtest spent in the reference models, see {@link ForecastJobMetrics.seconds_by_stage})
 * after `backtest`.
 */
export const STAGE_SECONDS_KEYS = ['setup', 'load', 'train', 'backtest', 'baselines', 'report', 'write'] as const;
/** A key of `seconds_by_stage`. */
export type StageSecondsKey = (typeof STAGE_SECONDS_KEYS)[number];
/** Seconds per stage, in {@link STAGE_SECONDS_KEYS} order; a stage not (yet) ended is absent. */
export type SecondsByStage = Readonly<Partial<Record<StageSecondsKey, number>>>;

/** `metrics.json`. */
export interface ForecastJobMetrics {
  readonly dataset: string;
  /** Rows of every series together. */
  readonly rows: number;
  /** Number of series (1 without `--id` / `--wide`); with `--series`, the selected ones. */
  readonly series: number;
  /** The series ids selected with `--series` (as given), or null when every series was used. */
  readonly series_filter: readonly string[] | null;
  /** The id column (`--id`), `"(wide)"` for `--wide`, null for one series. */
  readonly id_column: string | null;
  /** `global` or `local` (see `--mode`). */
  readonly mode: LstmMode;
  /** Calendar encoders the LSTM saw as future-known covariates (`--calendar`). */
  readonly calendar: readonly string[];
  /** What the global LSTM saw about each series: one-hot static columns (`--static-inputs`) and the id (`--id-input`). */
  readonly static_inputs: { readonly columns: readonly string[]; readonly id: boolean };
  /** The future-known covariates among the features, and the file of their future values (`--future-covariates`), or null. */
  readonly future_covariates: { readonly file: string; readonly columns: readonly string[] } | null;
  readonly target: string;
  readonly features: readonly string[];
  readonly season: number;
  readonly horizon: number;
  readonly lookback: number;
  readonly target_transform: TargetTransform;
  /** With `--target-transform auto`: every candidate's validation MASE and the choice; else null. */
  readonly selection: PreprocessingSelection | null;
  readonly backend: BackendInfo;
  /** The LSTM implementation that trained and ran the model (see `resolveLstmKernel`). */
  readonly kernel: ResolvedLstmKernel;
  readonly library: { readonly name: string; readonly version: string };
  readonly split: {
    readonly train: SplitPart;
    readonly val: SplitPart;
    readonly test: SplitPart;
  };
  readonly protocol: string;
  readonly models: Readonly<Record<string, MetricSet>>;
  readonly by_step: Readonly<Record<string, readonly MetricSet[]>>;
  /** What each statistical model fitted on the pre-test rows, e.g. `{ ets: 'ETS(M,A,M)' }`. */
  readonly fitted_models: Readonly<Record<string, string>>;
  /**
   * Every model scored on the validation range the same way (rolling origin, statistical models
   * fitted on the training rows only), or null when the validation range is shorter than the
   * horizon. The guard compares the LSTM with the others here, never on the test range.
   */
  readonly validation: { readonly rows: number; readonly models: Readonly<Record<string, MetricSet>> } | null;
  /** Plain-language warnings: data gaps, and when the LSTM lost to another model on validation. */
  readonly warnings: readonly string[];
  /**
   * Over the series: the mean and geometric mean of each model's MASE, and the share of series on
   * which the LSTM's MASE is lower than each other model's. (`models` pools every scored pair.)
   */
  readonly aggregate: {
    readonly mean_mase: Readonly<Record<string, number>>;
    readonly geometric_mean_mase: Readonly<Record<string, number>>;
    readonly lstm_wins: Readonly<Record<string, number>>;
  };
  /** Per series id: its rows, split, and each model's test metrics and fitted description. */
  readonly per_series: Readonly<Record<string, SeriesMetrics>>;
  /** The prediction intervals and how well they covered the test ranges; null when they could not be calibrated. */
  readonly intervals: IntervalMetrics | null;
  /** `future.csv`: how many steps past each series' last row, and from which models. */
  readonly future: { readonly steps: number; readonly models: string };
  readonly train: {
    readonly epochs: number;
    readonly best_epoch: number;
    readonly stopped_early: boolean;
    readonly seconds: number;
    readonly samples_per_second: number;
    readonly final_learning_rate: number;
  };
  /**
   * Seconds of each stage ended before `metrics.json` was written: `setup`, `load`, `train`,
   * `backtest`, `baselines`, `report` (not `write`, which writes this file). The backtest stage
   * is split in two parts that do not overlap: `baselines` is the time spent in the reference
   * models (naive, seasonal naive, mean, drift, ets, theta, arima, Holt-Winters: their fits and
   * forecasts in the validation and test backtests, the refits and the forecast past the end),
   * and `backtest` the rest of the stage (the LSTM's forecasts, or its refits, the combination,
   * scoring and intervals). So the values add up to `seconds_total` but for `write`'s first
   * moments.
   */
  readonly seconds_by_stage: SecondsByStage;
  /**
   * Per model, the seconds of its fit and forecast calls over the backtest stage (see
   * `Evaluation.secondsByModel`): the LSTM and each reference model; their sum over the
   * reference models is `seconds_by_stage.baselines`.
   */
  readonly seconds_by_model: Readonly<Record<string, number>>;
  /** Seconds from the start of the job to the writing of `metrics.json`. */
  readonly seconds_total: number;
}

/** One series in `metrics.json`'s `per_series`. */
export interface SeriesMetrics {
  readonly rows: number;
  readonly split: { readonly train: SplitPart; readonly val: SplitPart; readonly test: SplitPart };
  readonly models: Readonly<Record<string, MetricSet>>;
  readonly fitted_models: Readonly<Record<string, string>>;
  /** Per model, its intervals' scores on this series' test range (absent without intervals). */
  readonly intervals?: Readonly<Record<string, IntervalModelMetrics>>;
}

/** `metrics.json`'s `intervals`. */
export interface IntervalMetrics {
  readonly method: string;
  readonly levels: readonly number[];
  /** Validation residuals per step that calibrated each model. */
  readonly calibration_counts: readonly number[];
  /** Per model, pooled over every series' test pairs. */
  readonly models: Readonly<Record<string, IntervalModelMetrics & { readonly coverage_by_step: Readonly<Record<string, readonly (number | null)[]>> }>>;
}

/** One model's interval scores; each record is keyed by level (e.g. `"80"`). null where nothing was scored. */
export interface IntervalModelMetrics {
  /** Share of test points inside the interval. */
  readonly coverage: Readonly<Record<string, number | null>>;
  /** Mean width divided by the series' MASE scale. */
  readonly width: Readonly<Record<string, number | null>>;
  /** Mean interval (Winkler) score divided by the MASE scale. */
  readonly winkler: Readonly<Record<string, number | null>>;
  /** Scaled pinball loss over the median and every level's bounds (M5). */
  readonly pinball: number | null;
  /** Test points scored per level (for pooling coverage over runs). */
  readonly pairs: Readonly<Record<string, number>>;
}

/** One range of the split: its rows and first and last time stamps (null when empty). */
export interface SplitPart {
  readonly rows: number;
  readonly start: string | number | null;
  readonly end: string | number | null;
}
