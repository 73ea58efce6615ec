import { InputError, describeValue } from '../errors';
import { checkRange, type Range } from '../data/split';
import { StandardScaler, scalerFromJSON, type Scaler, type ScalerState } from '../data/scale';
import { baseTransform, difference, isLogTransform, undifference, type TargetTransform } from '../data/transform';
import type { TimeSeries } from '../data/types';
import type { CalendarFeature } from '../data/calendar';
import {
  checkFutureKnownState,
  checkFutureValues,
  fitFutureKnown,
  leadColumns,
  requireFuture,
  type FutureKnownState,
  type FutureValues,
} from './futureKnown';

// The public names of the future-known covariates, exported with the preprocessor that uses them.
export { DEFAULT_CALENDAR, DEFAULT_FUTURE_COVARIATES, type FutureKnownState, type FutureValues } from './futureKnown';

/** Target transforms accepted by {@link fitPreprocessor}. */
export const TARGET_TRANSFORMS: readonly TargetTransform[] = ['none', 'difference', 'relative', 'log-difference', 'log-relative'];

/**
 * Default target transform: first differences. Like `relative`, it keeps a trending series inside
 * the range the network saw in training (a level-scaled series "collapses" when test values leave
 * the training range); on CO2 it forecast better than `relative` at horizons 1 and 12 (README).
 */
export const DEFAULT_TARGET_TRANSFORM: TargetTransform = 'difference';

/** Serialisable state of a fitted {@link Preprocessor} (stored in the bundle manifest). */
export interface PreprocessorState {
  readonly targetTransform: TargetTransform;
  readonly targets: readonly string[];
  readonly features: readonly string[];
  /** One per target. What it is fitted on depends on the transform (see {@link fitPreprocessor}). */
  readonly targetScalers: readonly ScalerState[];
  /** One per feature, fitted on the training rows. */
  readonly featureScalers: readonly ScalerState[];
  /**
   * The future-known covariates and their lead (see `futureKnown.ts`); absent when there are
   * none, as in bundles written before they existed: every feature is then a past covariate.
   */
  readonly futureKnown?: FutureKnownState;
  /**
   * Constant inputs of this series (a global model's encoding of its static covariates and id,
   * see {@link StaticInputs}); absent when there are none, as in bundles written before them.
   */
  readonly staticInputs?: StaticInputs;
}

/**
 * Inputs that are the same at every row of a series: what a global model knows about the series
 * itself. Each is one input column holding `values[j]` at every row; the network's input weights
 * on them act as a learned embedding of the series' categories.
 */
export interface StaticInputs {
  /** One name per input, e.g. `region=north` (for messages and the manifest). */
  readonly names: readonly string[];
  /** The constant value of each input (finite). */
  readonly values: readonly number[];
}

/**
 * Model-space columns built from a series, ready for windowing.
 *
 * `inputs` is `[...targets transformed, ...past features scaled, ...future-known lead columns,
 * ...static inputs]` (the lead columns being the future-known feature columns, then the calendar
 * encoders; the static inputs constant columns, see {@link StaticInputs}; see
 * {@link Preprocessor.columns}); `targets` holds what the network predicts per step.
 * `anchor[m]` is the input column that target `m` is made relative to (the window builder
 * subtracts its value at the origin), or `null`.
 */
export interface ModelColumns {
  readonly inputs: readonly Float64Array[];
  readonly targets: readonly Float64Array[];
  readonly anchor: readonly (number | null)[];
  /** First row index whose inputs are defined (1 for `difference`: row 0 has no difference). */
  readonly firstValidRow: number;
}

/**
 * Maps raw series values to the network's space and network outputs back to raw values.
 * Fitted on training rows only; immutable after fitting.
 */
export class Preprocessor {
  private readonly targetScalers: readonly Scaler[];
  private readonly featureScalers: readonly Scaler[];
  private readonly calendarScalers: readonly Scaler[];

  private constructor(readonly state: PreprocessorState) {
    this.targetScalers = state.targetScalers.map((s) => scalerFromJSON(s));
    this.featureScalers = state.featureScalers.map((s) => scalerFromJSON(s));
    this.calendarScalers = (state.futureKnown?.calendarScalers ?? []).map((s) => scalerFromJSON(s));
  }

  /** The future-known covariates, or `null` when every feature is a past covariate. */
  get futureKnown(): FutureKnownState | null {
    return this.state.futureKnown ?? null;
  }

  /** The features that are past covariates (known up to the origin only), in series order. */
  get pastFeatures(): readonly string[] {
    const known = this.state.futureKnown?.columns ?? [];
    return this.state.features.filter((name) => !known.includes(name));
  }

  /** Number of input columns of the network: targets, features, calendar encoders and static inputs. */
  get numInputs(): number {
    const { targets, features, futureKnown, staticInputs } = this.state;
    return targets.length + features.length + (futureKnown?.calendar.length ?? 0) + (staticInputs?.values.length ?? 0);
  }

  /** Restores a preprocessor from {@link PreprocessorState} (e.g. a bundle manifest). @throws InputError on a malformed state. */
  static fromJSON(state: unknown): Preprocessor {
    const s = state as Partial<PreprocessorState> | null;
    if (s === null || typeof s !== 'object') {
      throw new InputError(`preprocessor state must be an object, got ${describeValue(state)}`);
    }
    if (!TARGET_TRANSFORMS.includes(s.targetTransform as TargetTransform)) {
      throw new InputError(
        `preprocessor.targetTransform must be one of ${TARGET_TRANSFORMS.join(', ')}, got ${describeValue(s.targetTransform)}`,
      );
    }
    const isNames = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
    if (!isNames(s.targets) || s.targets.length === 0 || !isNames(s.features)) {
      throw new InputError('preprocessor.targets and preprocessor.features must be arrays of column names');
    }
    if (!Array.isArray(s.targetScalers) || s.targetScalers.length !== s.targets.length) {
      throw new InputError(`preprocessor.targetScalers must have one entry per target (${s.targets.length})`);
    }
    if (!Array.isArray(s.featureScalers) || s.featureScalers.length !== s.features.length) {
      throw new InputError(`preprocessor.featureScalers must have one entry per feature (${s.features.length})`);
    }
    if (s.futureKnown !== undefined) checkFutureKnownState(s.futureKnown, s.features);
    if (s.staticInputs !== undefined) checkStaticInputs(s.staticInputs, 'preprocessor.staticInputs');
    return new Preprocessor(s as PreprocessorState);
  }

  /** @internal used by {@link fitPreprocessor}. */
  static fromFitted(state: PreprocessorState): Preprocessor {
    return new Preprocessor(state);
  }

  /** Serialisable state: the fitted state itself (not a copy; treat it as read-only). */
  toJSON(): PreprocessorState {
    return this.state;
  }

  /**
   * Builds model-space columns from a series with the same target and feature columns.
   *
   * Row `i` of every target and past-feature column depends only on rows `<= i` of the input
   * (causal), so windows ending at an origin never see the future. A future-known covariate `c`
   * with lead `h` (the horizon) is a lead column instead: its row `i` holds `c` at row `i + h`,
   * scaled, so the window ending at origin `t` holds `c` for rows `t + 1 .. t + h` in its last
   * `h` rows. Calendar encoders are computed at `time[i + h]`, and past the last row at
   * `future.time` or extrapolated stamps; a user-given column reads `future.values` past the last
   * row. Rows whose lead value is not available are NaN.
   *
   * @param future - Values of the future-known covariates after the last row (see {@link FutureValues}).
   * @throws InputError when the series' columns differ from the fitted ones, or `future` is malformed.
   */
  columns(series: TimeSeries, future?: FutureValues): ModelColumns {
    this.checkColumns(series);
    checkFutureValues(future, series, this.futureKnown);
    const { targetTransform, targets, features } = this.state;
    const base = baseTransform(targetTransform);
    const targetInputs = targets.map((name, m) => {
      const values = isLogTransform(targetTransform) ? logOf(series.values[name], name, series.source) : series.values[name];
      if (base === 'difference') {
        const out = new Float64Array(values.length);
        out[0] = Number.NaN; // no difference for the first row; firstValidRow = 1
        out.set(this.targetScalers[m].transform(difference(values)), 1);
        return out;
      }
      // 'none': standardised level. 'relative': level scaled by the spread of one-step changes;
      // the window builder subtracts the origin's value, which also cancels the scaler's offset.
      return this.targetScalers[m].transform(values);
    });
    const past = this.pastFeatures;
    const featureInputs = features.flatMap((name, j) => (past.includes(name) ? [this.featureScalers[j].transform(series.values[name])] : []));
    const known = this.futureKnown;
    const leads = known === null ? [] : leadColumns(series, future, known, (name) => this.featureScalers[features.indexOf(name)], this.calendarScalers);
    const constants = (this.state.staticInputs?.values ?? []).map((v) => new Float64Array(series.length).fill(v));
    return {
      inputs: [...targetInputs, ...featureInputs, ...leads, ...constants],
      targets: targetInputs,
      anchor: targets.map((_, m) => (base === 'relative' ? m : null)),
      firstValidRow: base === 'difference' ? 1 : 0,
    };
  }

  /**
   * Converts network outputs for one origin back to raw target values.
   *
   * @param output - network output for one sample, `[steps, numTargets]` row-major.
   * @param lastObserved - raw value of each target at the origin (row `t`).
   * @returns raw forecasts, `[steps, numTargets]` row-major (a new array).
   */
  invert(output: ArrayLike<number>, lastObserved: ArrayLike<number>): Float64Array {
    const numTargets = this.state.targets.length;
    const steps = output.length / numTargets;
    const result = new Float64Array(output.length);
    const log = isLogTransform(this.state.targetTransform);
    for (let m = 0; m < numTargets; m++) {
      const column = new Float64Array(steps);
      for (let k = 0; k < steps; k++) column[k] = output[k * numTargets + m];
      const last = log ? Math.log(lastObserved[m]) : lastObserved[m];
      let raw: Float64Array;
      switch (baseTransform(this.state.targetTransform)) {
        case 'difference':
          raw = undifference(this.targetScalers[m].inverseTransform(column), last);
          break;
        case 'relative': {
          const anchorScaled = this.targetScalers[m].transform([last])[0];
          raw = this.targetScalers[m].inverseTransform(column.map((v) => v + anchorScaled));
          break;
        }
        default:
          raw = this.targetScalers[m].inverseTransform(column);
      }
      for (let k = 0; k < steps; k++) result[k * numTargets + m] = log ? Math.exp(raw[k]) : raw[k];
    }
    return result;
  }

  /**
   * Checks `future` for `series` (as {@link Preprocessor.columns} does) and that it holds the
   * `count` rows after the last row that the model reads (none are needed without future-known
   * covariates or when `count <= 0`).
   *
   * @param why - What reads them, for the message (e.g. `origin 95 with horizon 4`).
   * @throws InputError for a malformed `future`, or naming the future-known column, how many
   *   values were needed and how many were given.
   */
  requireFuture(series: TimeSeries, future: FutureValues | undefined, count: number, why: string): void {
    checkFutureValues(future, series, this.futureKnown);
    requireFuture(series, future, this.futureKnown, count, why);
  }

  /** @throws InputError naming expected and actual columns when they differ. */
  checkColumns(series: TimeSeries): void {
    const same = (a: readonly string[], b: readonly string[]): boolean =>
      a.length === b.length && a.every((x, i) => x === b[i]);
    if (!same(series.targets, this.state.targets) || !same(series.features, this.state.features)) {
      throw new InputError(
        `columns do not match the fitted model: expected targets [${this.state.targets.join(', ')}] and features ` +
          `[${this.state.features.join(', ')}], got targets [${series.targets.join(', ')}] and features [${series.features.join(', ')}]`,
        { expected: this.state, targets: series.targets, features: series.features },
      );
    }
  }
}

/** Options of {@link fitPreprocessor}. */
export interface PreprocessorOptions {
  /** @defaultValue {@link DEFAULT_TARGET_TRANSFORM} */
  readonly targetTransform?: TargetTransform;
  /**
   * Calendar encoders to add as future-known inputs, computed from the time stamps (a date
   * series only). @defaultValue {@link DEFAULT_CALENDAR} (none)
   */
  readonly calendar?: readonly CalendarFeature[];
  /**
   * Feature columns whose future values are known (supplied when forecasting): lead columns
   * instead of past covariates. @defaultValue {@link DEFAULT_FUTURE_COVARIATES} (none)
   */
  readonly futureCovariates?: readonly string[];
  /** Lead of the future-known inputs: the model's horizon. Required when `calendar` or `futureCovariates` is non-empty. */
  readonly lead?: number;
  /** Constant inputs of the series (see {@link StaticInputs}). @defaultValue none */
  readonly staticInputs?: StaticInputs;
}

/**
 * Fits the scalers of a {@link Preprocessor} on the training rows `train` of `series` only.
 *
 * - `none`: a standard scaler per target, fitted on the training levels;
 * - `difference`: a standard scaler per target, fitted on the training first differences;
 * - `relative`: a standard scaler per target, fitted on the training first differences and applied
 *   to levels; once windows are made relative to their last observation the offset cancels, so the
 *   network sees `(y[t-j] - y[t]) / sd(diff)` and predicts `(y[t+k] - y[t]) / sd(diff)`;
 * - `log-difference`, `log-relative`: as `difference` and `relative` on ln(y), the scaler fitted
 *   on the first differences of the training rows' logarithms (which must be strictly positive).
 *
 * Features always get a standard scaler fitted on the training rows (future-known ones too);
 * each calendar encoder gets one fitted on its values at the training rows' time stamps.
 *
 * @throws InputError for an unknown transform, a training range outside the series, or one too
 *   short to fit; for a log transform, naming the column and row of a value that is not strictly
 *   positive; naming the column, when a column's training values are so large that its
 *   mean or standard deviation overflows float64 (e.g. values around 1e306); for bad `calendar`
 *   or `futureCovariates` lists, calendar encoders on a series without dates, or a missing `lead`.
 * @example
 * const p = fitPreprocessor(series, { start: 0, end: 84 }, { calendar: ['dayOfYearSin', 'dayOfYearCos'], lead: 12 });
 * p.numInputs; // 3: the target and two calendar lead columns
 */
export function fitPreprocessor(series: TimeSeries, train: Range, options: PreprocessorOptions = {}): Preprocessor {
  const targetTransform = options.targetTransform ?? DEFAULT_TARGET_TRANSFORM;
  if (!TARGET_TRANSFORMS.includes(targetTransform)) {
    throw new InputError(
      `targetTransform must be one of ${TARGET_TRANSFORMS.join(', ')}, got ${describeValue(targetTransform)}`,
      { argument: 'targetTransform', value: targetTransform },
    );
  }
  // Typed-array subarray would silently clamp an out-of-range end (fitting on fewer rows).
  checkRange(train, series.length, 'train');
  if (train.end - train.start < 3) {
    throw new InputError(`the training range must hold at least 3 rows to fit scalers, got ${train.end - train.start}`);
  }
  const rows = (name: string): Float64Array => series.values[name].subarray(train.start, train.end);
  const targetRows = (name: string): Float64Array =>
    isLogTransform(targetTransform) ? logOf(rows(name), name, series.source, train.start) : rows(name);
  const what = isLogTransform(targetTransform) ? 'log first differences' : 'first differences';
  const targetScalers = series.targets.map((name) =>
    targetTransform === 'none'
      ? fitColumnScaler(name, rows(name), 'values', train)
      : fitColumnScaler(name, difference(targetRows(name)), what, train),
  );
  const featureScalers = series.features.map((name) => fitColumnScaler(name, rows(name), 'values', train));
  const futureKnown = fitFutureKnown(series, train, options);
  return Preprocessor.fromFitted({
    targetTransform,
    targets: [...series.targets],
    features: [...series.features],
    targetScalers,
    featureScalers,
    // Absent, not null, without future-known covariates: the state (and manifest) stays as before.
    ...(futureKnown === null ? {} : { futureKnown }),
    ...(options.staticInputs === undefined || options.staticInputs.values.length === 0
      ? {}
      : { staticInputs: checkStaticInputs(options.staticInputs, 'staticInputs') }),
  });
}

/**
 * Checks {@link StaticInputs}: names and finite values, as many of each.
 * @returns A frozen copy.
 * @throws InputError naming `argument` and the bad entry.
 */
function checkStaticInputs(raw: unknown, argument: string): StaticInputs {
  const s = raw as Partial<StaticInputs> | null;
  const names = s?.names;
  const values = s?.values;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string') || !Array.isArray(values) || values.length !== names.length) {
    throw new InputError(`${argument} must be { names: string[], values: number[] } of one length, got ${describeValue(raw)}`, { argument });
  }
  const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) {
    throw new InputError(`${argument}.values[${bad}] (${names[bad]}) must be a finite number, got ${describeValue(values[bad])}`, { argument, index: bad });
  }
  return Object.freeze({ names: Object.freeze([...names]), values: Object.freeze([...values]) });
}

/**
 * Natural logarithms of a target column, for the `log-*` transforms.
 * @throws InputError naming the column, row and value when a value is not strictly positive.
 */
function logOf(values: Float64Array, column: string, source: string, offset = 0): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] > 0)) {
      throw new InputError(
        `the log target transforms need strictly positive values, but column ${JSON.stringify(column)} of ${source} is ` +
          `${describeValue(values[i])} at row ${offset + i}; use 'difference' or 'relative'`,
        { argument: 'targetTransform', column, row: offset + i, value: values[i] },
      );
    }
    out[i] = Math.log(values[i]);
  }
  return out;
}

/**
 * Fits a standard scaler on one column's training rows and checks that the fit is usable: with
 * values near the float64 limit the sum or the squared deviations overflow to Infinity (and a
 * first difference of two such values can too), which would otherwise surface much later as
 * `scaler state.std must be finite` or NaN losses, naming neither the column nor the cause.
 */
function fitColumnScaler(column: string, values: Float64Array, what: string, train: Range): ScalerState {
  const where = `column ${JSON.stringify(column)}, training rows ${train.start}..${train.end - 1}`;
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new InputError(
      `cannot scale ${where}: its ${what} overflow float64 (${describeValue(values[bad])} at training row ${train.start + bad + (what === 'values' ? 0 : 1)}); ` +
        `values must stay far below 1e308 in magnitude`,
      { argument: 'series', column, value: values[bad] },
    );
  }
  const state = new StandardScaler().fit(values).toJSON();
  if (!(Number.isFinite(state.mean) && Number.isFinite(state.std))) {
    throw new InputError(
      `cannot scale ${where}: the mean or standard deviation of its ${what} overflows float64 ` +
        `(mean ${describeValue(state.mean)}, std ${describeValue(state.std)}); values must stay far below 1e308 in magnitude`,
      { argument: 'series', column, value: state.std },
    );
  }
  return state;
}
