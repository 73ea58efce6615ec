/**
 * Calendar features: cyclic encodings of a date's position in the year, week and day, added to a
 * series as extra input columns.
 */
import { InputError, describeValue } from '../errors';
import type { TimeSeries } from './types';

/**
 * A calendar feature: `sin` or `cos` of `2π · phase`, where the phase in `[0, 1)` is, in UTC:
 *
 * - `dayOfYear*`: time since January 1st 00:00 over the length of that year (365 or 366 days),
 *   so 31 December and 1 January are neighbours and leap years need no special case;
 * - `dayOfWeek*`: time since Monday 00:00 over 7 days;
 * - `hourOfDay*`: time since midnight over 24 hours.
 *
 * A sine/cosine pair places each phase on a circle, so the network sees the cycle's ends as close
 * (a plain day number jumps from 365 to 1).
 */
export type CalendarFeature =
  | 'dayOfYearSin'
  | 'dayOfYearCos'
  | 'dayOfWeekSin'
  | 'dayOfWeekCos'
  | 'hourOfDaySin'
  | 'hourOfDayCos';

/** Every {@link CalendarFeature}, in documentation order. */
export const CALENDAR_FEATURES: readonly CalendarFeature[] = Object.freeze([
  'dayOfYearSin',
  'dayOfYearCos',
  'dayOfWeekSin',
  'dayOfWeekCos',
  'hourOfDaySin',
  'hourOfDayCos',
]);

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 (time 0) was a Thursday: Monday 1969-12-29 00:00 UTC is 3 days earlier. */
const FIRST_MONDAY_MS = -3 * DAY_MS;

/** Phase in `[0, 1)` of time `t` (epoch ms, UTC) in the cycle of a feature. */
function phase(cycle: 'dayOfYear' | 'dayOfWeek' | 'hourOfDay', t: number): number {
  switch (cycle) {
    case 'dayOfYear': {
      const year = new Date(t).getUTCFullYear();
      const start = Date.UTC(year, 0, 1);
      return (t - start) / (Date.UTC(year + 1, 0, 1) - start);
    }
    case 'dayOfWeek':
      return positiveModulo(t - FIRST_MONDAY_MS, WEEK_MS) / WEEK_MS;
    default:
      return positiveModulo(t, DAY_MS) / DAY_MS;
  }
}

function positiveModulo(a: number, m: number): number {
  return ((a % m) + m) % m;
}

/**
 * Values of one calendar feature at arbitrary time stamps: what {@link calendarFeatures} adds as
 * a column, computable for any stamp, so also for time stamps past the end of a series (the
 * forecaster uses it for its future-known calendar inputs).
 *
 * @param time - Time stamps in epoch milliseconds (UTC); not modified.
 * @param feature - The feature (see {@link CalendarFeature}); not checked: validate names with
 *   {@link checkCalendarFeatures}.
 * @returns A new array, one value in `[-1, 1]` per stamp.
 * @example
 * calendarValues([Date.UTC(2020, 0, 1), Date.UTC(2020, 6, 2)], 'dayOfYearCos'); // Float64Array [1, -1]
 */
export function calendarValues(time: ArrayLike<number>, feature: CalendarFeature): Float64Array {
  const cycle = feature.slice(0, -3) as 'dayOfYear' | 'dayOfWeek' | 'hourOfDay';
  const wave = feature.endsWith('Sin') ? Math.sin : Math.cos;
  return Float64Array.from(time, (t) => wave(2 * Math.PI * phase(cycle, t)));
}

/**
 * Checks a list of calendar features: an array of known names without repeats (it may be empty).
 *
 * @param features - The list to check; not modified.
 * @param argument - The argument's name, for the message.
 * @returns `features`, typed.
 * @throws InputError when it is not an array (naming `argument`), or for an unknown or repeated name.
 * @example
 * checkCalendarFeatures(['dayOfYearSin', 'dayOfYearCos'], 'calendar'); // the same list
 */
export function checkCalendarFeatures(features: unknown, argument: string): readonly CalendarFeature[] {
  if (!Array.isArray(features)) {
    throw new InputError(`${argument} must be an array of calendar features (${CALENDAR_FEATURES.join(', ')}), got ${describeValue(features)}`, {
      argument,
      value: features,
    });
  }
  const seen = new Set<string>();
  for (const name of features) {
    if (!CALENDAR_FEATURES.includes(name)) {
      throw new InputError(`unknown calendar feature ${describeValue(name)}; expected one of ${CALENDAR_FEATURES.join(', ')}`, {
        argument,
        value: name,
      });
    }
    if (seen.has(name)) throw new InputError(`calendar feature ${describeValue(name)} is listed twice`, { argument, value: name });
    seen.add(name);
  }
  return features as CalendarFeature[];
}

/**
 * Returns a copy of a date series with calendar feature columns appended to its features (in the
 * order given, named after the feature, e.g. `dayOfYearSin`), e.g. to give an LSTM the season of
 * each row. Values are in `[-1, 1]`; see {@link CalendarFeature} for their exact definition.
 *
 * They are ordinary feature columns: like any feature they are past covariates for the model
 * (known only up to the forecast origin), so `LstmForecaster.forecast` cannot recurse beyond the
 * trained horizon with them. To give the model the calendar of the rows it forecasts (and allow
 * recursion), use the forecaster's `calendar` option instead, which computes the same values
 * itself as future-known inputs (see {@link calendarValues}).
 *
 * @param series - A series with `timeKind === 'date'`; not modified (the result shares no arrays
 *   with it).
 * @param features - Features to add, at least one, no repeats, none already a column of `series`.
 * @returns A new series with the same rows and targets; `features` and `columns` end with the new
 *   names.
 * @throws InputError when the series' time is not a date, `features` is empty or not an array, a
 *   name is unknown or repeated, or a name is already a column.
 * @example
 * const { series } = await loadCsv('../datasets/seattle-weather.csv', { time: 'date', targets: ['temp_max'] });
 * const withSeason = calendarFeatures(series, ['dayOfYearSin', 'dayOfYearCos']);
 * withSeason.features; // ['dayOfYearSin', 'dayOfYearCos']
 * withSeason.values.dayOfYearCos[0]; // 1 (2012-01-01 00:00 UTC: phase 0)
 */
export function calendarFeatures(series: TimeSeries, features: readonly CalendarFeature[]): TimeSeries {
  if (series.timeKind !== 'date') {
    throw new InputError(`calendar features need a date time column, got timeKind ${describeValue(series.timeKind)} for column ${describeValue(series.timeColumn)}`, {
      argument: 'series',
      value: series.timeKind,
    });
  }
  if (!Array.isArray(features) || features.length === 0) {
    throw new InputError(`features must be a non-empty array of calendar features (${CALENDAR_FEATURES.join(', ')}), got ${describeValue(features)}`, {
      argument: 'features',
      value: features,
    });
  }
  checkCalendarFeatures(features, 'features');
  for (const name of features) {
    if (series.columns.includes(name)) {
      throw new InputError(`calendar feature ${describeValue(name)} is already a column of the series`, { argument: 'features', value: name });
    }
  }
  const values: Record<string, Float64Array> = {};
  for (const name of series.columns) values[name] = series.values[name].slice();
  for (const name of features) values[name] = calendarValues(series.time, name);
  const newFeatures = [...series.features, ...features];
  return {
    timeColumn: series.timeColumn,
    timeKind: series.timeKind,
    time: series.time.slice(),
    targets: Object.freeze([...series.targets]),
    features: Object.freeze(newFeatures),
    columns: Object.freeze([...series.targets, ...newFeatures]),
    values,
    length: series.length,
    source: series.source,
  };
}
