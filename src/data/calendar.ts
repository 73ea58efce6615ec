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
 * Returns a copy of a date series with calendar feature columns appended to its features (in the
 * order given, named after the feature, e.g. `dayOfYearSin`), e.g. to give an LSTM the season of
 * each row. Values are in `[-1, 1]`; see {@link CalendarFeature} for their exact definition.
 *
 * They are ordinary feature columns: like any feature they are known only up to the forecast
 * origin for the model, so `LstmForecaster.forecast` cannot recurse beyond the trained horizon
 * with them (use direct multi-step forecasts).
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
  const seen = new Set<string>();
  for (const name of features) {
    if (!CALENDAR_FEATURES.includes(name)) {
      throw new InputError(`unknown calendar feature ${describeValue(name)}; expected one of ${CALENDAR_FEATURES.join(', ')}`, {
        argument: 'features',
        value: name,
      });
    }
    if (seen.has(name)) throw new InputError(`calendar feature ${describeValue(name)} is listed twice`, { argument: 'features', value: name });
    if (series.columns.includes(name)) {
      throw new InputError(`calendar feature ${describeValue(name)} is already a column of the series`, { argument: 'features', value: name });
    }
    seen.add(name);
  }
  const values: Record<string, Float64Array> = {};
  for (const name of series.columns) values[name] = series.values[name].slice();
  for (const name of features) {
    const cycle = name.slice(0, -3) as 'dayOfYear' | 'dayOfWeek' | 'hourOfDay';
    const wave = name.endsWith('Sin') ? Math.sin : Math.cos;
    values[name] = Float64Array.from(series.time, (t) => wave(2 * Math.PI * phase(cycle, t)));
  }
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
