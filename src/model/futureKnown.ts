/**
 * Future-known covariates: inputs whose values are known for the rows being forecast (calendar
 * encoders, computed from the time stamps; and columns whose future values the caller supplies),
 * given to the network as lead columns. Used by the `Preprocessor` in `preprocess.ts`, which
 * re-exports the public names (the rest is internal to `src/model`).
 *
 * Lead semantics, stated once: a future-known covariate `c` with lead `h` (the model's horizon)
 * becomes an input column whose row `s` holds `c` at row `s + h`. The window of origin `t`
 * (rows `t - lookback + 1 .. t`) therefore carries `c` over rows
 * `t - lookback + 1 + h .. t + h`; its last `h` rows hold `c` for exactly the forecast rows
 * `t + 1 .. t + h` when `lookback >= h`. Rows `s` with `s + h` past the last row of the series
 * need `c`'s future values: calendar encoders are computed at the future time stamps, other
 * columns come from {@link FutureValues}.
 */
import { calendarValues, checkCalendarFeatures, type CalendarFeature } from '../data/calendar';
import { futureTimes, inferFrequency } from '../data/frequency';
import type { Range } from '../data/split';
import { StandardScaler, type Scaler, type ScalerState } from '../data/scale';
import type { TimeSeries } from '../data/types';
import { InputError, describeValue } from '../errors';

/** Default `calendar` of the forecasters and of `fitPreprocessor`: no calendar encoders. */
export const DEFAULT_CALENDAR: readonly CalendarFeature[] = Object.freeze([]);

/** Default `futureCovariates` of the forecasters and of `fitPreprocessor`: every feature is a past covariate. */
export const DEFAULT_FUTURE_COVARIATES: readonly string[] = Object.freeze([]);

/** The future-known covariates of a fitted preprocessor (part of its state and of a bundle manifest). */
export interface FutureKnownState {
  /** Rows each future-known input leads its covariate by: the model's horizon. */
  readonly lead: number;
  /** Feature columns whose future values the caller supplies (a subset of the features, in this order). */
  readonly columns: readonly string[];
  /** Calendar encoders computed from the time stamps, in this order. */
  readonly calendar: readonly CalendarFeature[];
  /** One standard scaler per calendar encoder, fitted on its values at the training rows. */
  readonly calendarScalers: readonly ScalerState[];
}

/**
 * Values of the future-known covariates for the rows after the last row of a series: entry `k`
 * of each array is row `length + k`. Only the first rows the model reads are used (see
 * `LstmForecaster.forecastAt` and `forecast`).
 */
export interface FutureValues {
  /**
   * Time stamps of those rows: strictly increasing, finite, after the series' last stamp. Read
   * only by models with calendar encoders. @defaultValue extrapolated with
   * `futureTimes(last, inferFrequency(time, timeKind), count)`
   */
  readonly time?: Float64Array;
  /** Future-known column name -> its values for those rows (finite numbers). @defaultValue `{}` */
  readonly values?: Readonly<Record<string, ArrayLike<number>>>;
}

/** Options of {@link fitFutureKnown}. */
export interface FutureKnownOptions {
  /** Calendar encoders, computed from the time stamps. @defaultValue {@link DEFAULT_CALENDAR} */
  readonly calendar?: readonly CalendarFeature[];
  /** Feature columns whose future values the caller supplies. @defaultValue {@link DEFAULT_FUTURE_COVARIATES} */
  readonly futureCovariates?: readonly string[];
  /** Required (a positive integer) when `calendar` or `futureCovariates` is non-empty. */
  readonly lead?: number;
}

/**
 * Validates the future-known options against `series` and fits the calendar scalers on the
 * training rows' time stamps.
 *
 * @returns The state, or `null` when there are no future-known covariates (so that such a
 *   preprocessor's state is exactly what it was before they existed).
 * @throws InputError for a malformed list, an unknown or repeated name, a future covariate that
 *   is not a feature of `series`, calendar encoders on a series whose time is not a date, or a
 *   bad `lead`.
 * @example
 * fitFutureKnown(series, { start: 0, end: 84 }, { calendar: ['dayOfYearCos'], lead: 12 })?.calendarScalers; // [{ kind: 'standard', ... }]
 */
export function fitFutureKnown(series: TimeSeries, train: Range, options: FutureKnownOptions): FutureKnownState | null {
  const calendar = checkCalendarFeatures(options.calendar ?? DEFAULT_CALENDAR, 'calendar');
  const columns = checkFutureColumns(options.futureCovariates ?? DEFAULT_FUTURE_COVARIATES, series.features, 'futureCovariates');
  if (calendar.length === 0 && columns.length === 0) return null;
  const lead = options.lead;
  if (typeof lead !== 'number' || !Number.isInteger(lead) || lead < 1) {
    throw new InputError(`lead must be a positive integer (the horizon) with future-known covariates, got ${describeValue(lead)}`, {
      argument: 'lead',
      value: lead,
    });
  }
  if (calendar.length > 0 && series.timeKind !== 'date') {
    throw new InputError(
      `calendar features need a date time column, got timeKind ${describeValue(series.timeKind)} for column ${describeValue(series.timeColumn)}`,
      { argument: 'calendar', value: series.timeKind },
    );
  }
  const stamps = series.time.subarray(train.start, train.end);
  const calendarScalers = calendar.map((name) => new StandardScaler().fit(calendarValues(stamps, name)).toJSON());
  return { lead, columns: [...columns], calendar: [...calendar], calendarScalers };
}

/**
 * Checks a restored {@link FutureKnownState} (from a bundle manifest).
 * @param features - The preprocessor's feature columns (`columns` must be among them).
 * @returns `raw`, typed.
 * @throws InputError naming the bad field.
 * @example
 * checkFutureKnownState({ lead: 3, columns: ['promo'], calendar: [], calendarScalers: [] }, ['promo']);
 */
export function checkFutureKnownState(raw: unknown, features: readonly string[]): FutureKnownState {
  const s = raw as Partial<FutureKnownState> | null;
  if (s === null || typeof s !== 'object' || Array.isArray(s)) {
    throw new InputError(`preprocessor.futureKnown must be an object, got ${describeValue(raw)}`, { argument: 'futureKnown' });
  }
  if (typeof s.lead !== 'number' || !Number.isInteger(s.lead) || s.lead < 1) {
    throw new InputError(`preprocessor.futureKnown.lead must be a positive integer, got ${describeValue(s.lead)}`, { argument: 'futureKnown.lead' });
  }
  checkFutureColumns(s.columns, features, 'preprocessor.futureKnown.columns');
  const calendar = checkCalendarFeatures(s.calendar, 'preprocessor.futureKnown.calendar');
  if (!Array.isArray(s.calendarScalers) || s.calendarScalers.length !== calendar.length) {
    throw new InputError(`preprocessor.futureKnown.calendarScalers must have one entry per calendar feature (${calendar.length})`, {
      argument: 'futureKnown.calendarScalers',
    });
  }
  return s as FutureKnownState;
}

function checkFutureColumns(names: unknown, features: readonly string[], argument: string): readonly string[] {
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
    throw new InputError(`${argument} must be an array of feature column names, got ${describeValue(names)}`, { argument, value: names });
  }
  const seen = new Set<string>();
  for (const name of names as string[]) {
    if (!features.includes(name)) {
      throw new InputError(
        `${argument} names ${JSON.stringify(name)}, which is not a feature column of the series (features: [${features.join(', ')}])`,
        { argument, value: name },
      );
    }
    if (seen.has(name)) throw new InputError(`${argument} lists ${JSON.stringify(name)} twice`, { argument, value: name });
    seen.add(name);
  }
  return names as string[];
}

/**
 * Checks the shape of `future` for `series`: time stamps strictly increasing, finite and after
 * the last one; values only for future-known columns, each an array of finite numbers.
 * @throws InputError naming the field, the position and the value.
 * @example
 * checkFutureValues({ values: { promo: [1, NaN] } }, series, state); // throws: future.values.promo[1] must be a finite number, got NaN
 */
export function checkFutureValues(future: FutureValues | undefined, series: TimeSeries, state: FutureKnownState | null): void {
  if (future === undefined) return;
  if (future === null || typeof future !== 'object') {
    throw new InputError(`future must be an object with time and values, got ${describeValue(future)}`, { argument: 'future' });
  }
  const { time, values } = future;
  if (time !== undefined) {
    if (!isNumbers(time)) throw new InputError(`future.time must be an array of time stamps, got ${describeValue(time)}`, { argument: 'future.time' });
    const last = series.time[series.length - 1];
    for (let k = 0; k < time.length; k++) {
      const previous = k === 0 ? last : time[k - 1];
      if (!Number.isFinite(time[k]) || !(time[k] > previous)) {
        const after = k === 0 ? `the series' last stamp ${describeValue(last)}` : `future.time[${k - 1}] = ${describeValue(previous)}`;
        throw new InputError(`future.time[${k}] must be a finite stamp after ${after}, got ${describeValue(time[k])}`, {
          argument: 'future.time',
          index: k,
          value: time[k],
        });
      }
    }
  }
  if (values === undefined) return;
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new InputError(`future.values must be an object of column -> values, got ${describeValue(values)}`, { argument: 'future.values' });
  }
  const known = state?.columns ?? [];
  for (const [name, column] of Object.entries(values)) {
    if (!known.includes(name)) {
      throw new InputError(
        `future.values has column ${JSON.stringify(name)}, which is not a future-known column of the model (futureCovariates: [${known.join(', ')}])`,
        { argument: 'future.values', value: name },
      );
    }
    if (!isNumbers(column)) {
      throw new InputError(`future.values.${name} must be an array of numbers, got ${describeValue(column)}`, { argument: `future.values.${name}` });
    }
    for (let k = 0; k < column.length; k++) {
      if (!Number.isFinite(column[k])) {
        throw new InputError(`future.values.${name}[${k}] must be a finite number, got ${describeValue(column[k])}`, {
          argument: `future.values.${name}`,
          index: k,
          value: column[k],
        });
      }
    }
  }
}

function isNumbers(value: unknown): value is ArrayLike<number> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/**
 * Checks that `future` holds the `count` rows past the last row of `series` that the model reads:
 * values of every user-given future-known column, and time stamps when `future.time` is given
 * and the model has calendar encoders (without it they are extrapolated).
 *
 * @param why - What needs them, for the message (e.g. `origin 95 with horizon 4`).
 * @throws InputError naming the column, how many values were needed and how many were given.
 * @example
 * requireFuture(series, { values: { promo: [1] } }, state, 2, 'origin 95 with horizon 3');
 * // throws: origin 95 with horizon 3 needs 2 future values of the future-known column "promo" (rows 96..97), got 1; ...
 */
export function requireFuture(series: TimeSeries, future: FutureValues | undefined, state: FutureKnownState | null, count: number, why: string): void {
  if (state === null || count <= 0) return;
  const n = series.length;
  const rows = `rows ${n}..${n + count - 1}`;
  for (const name of state.columns) {
    const got = future?.values?.[name]?.length ?? 0;
    if (got < count) {
      throw new InputError(
        `${why} needs ${count} future values of the future-known column ${JSON.stringify(name)} (${rows}), got ${got}; pass them in future.values.${name}`,
        { argument: `future.values.${name}`, needed: count, value: got },
      );
    }
  }
  const time = future?.time;
  if (state.calendar.length > 0 && time !== undefined && time.length < count) {
    throw new InputError(`${why} needs ${count} future time stamps (${rows}), got ${time.length} in future.time`, {
      argument: 'future.time',
      needed: count,
      value: time.length,
    });
  }
}

/**
 * The `count` time stamps after the last row of `series`: `future.time` when given (its first
 * `count`, fewer if it is shorter), else extrapolated at the series' inferred frequency (see
 * `inferFrequency` / `futureTimes`; a series of one row steps by 1).
 * @returns A new array (or a view of a copy of `future.time`).
 * @example
 * futureStamps(monthlySeries, undefined, 2); // the first of the next two months
 */
export function futureStamps(series: TimeSeries, future: FutureValues | undefined, count: number): Float64Array {
  if (future?.time !== undefined) return Float64Array.from(future.time).subarray(0, count);
  const last = series.time[series.length - 1];
  if (series.length < 2) return Float64Array.from({ length: count }, (_, k) => last + k + 1);
  return futureTimes(last, inferFrequency(series.time, series.timeKind), count);
}

/**
 * The scaled lead columns of the future-known covariates of `series`, in the order
 * `[...state.columns, ...state.calendar]` (see the module summary for the lead semantics). Rows
 * whose lead value lies past the data and is not in `future` are NaN (no window may read them).
 *
 * @param scalerOf - The fitted scaler of a future-known feature column.
 * @param calendarScalers - The fitted scaler of each calendar encoder.
 * @returns New columns of length `series.length`.
 * @example
 * leadColumns(series, { values: { promo: [1, 0, 0] } }, state, scalerOf, []); // [promo led by state.lead rows]
 */
export function leadColumns(
  series: TimeSeries,
  future: FutureValues | undefined,
  state: FutureKnownState,
  scalerOf: (column: string) => Scaler,
  calendarScalers: readonly Scaler[],
): Float64Array[] {
  const { lead } = state;
  const given = state.columns.map((name) => lead1(series.values[name], future?.values?.[name] ?? [], lead, scalerOf(name)));
  if (state.calendar.length === 0) return given;
  const stamps = futureStamps(series, future, lead);
  const calendar = state.calendar.map((name, j) =>
    lead1(calendarValues(series.time, name), calendarValues(stamps, name), lead, calendarScalers[j]),
  );
  return [...given, ...calendar];
}

/** One lead column: row `s` is `scaler(c[s + lead])`, reading `future` past the end; NaN where neither has it. */
function lead1(values: ArrayLike<number>, future: ArrayLike<number>, lead: number, scaler: Scaler): Float64Array {
  const n = values.length;
  const out = new Float64Array(n).fill(Number.NaN);
  const count = Math.max(0, Math.min(n, n + Math.min(future.length, lead) - lead));
  const raw = new Float64Array(count);
  for (let s = 0; s < count; s++) raw[s] = s + lead < n ? values[s + lead] : future[s + lead - n];
  out.set(scaler.transform(raw));
  return out;
}
