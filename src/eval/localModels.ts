/**
 * The single-series models as panel {@link Forecaster}s that work series by series ("local"
 * models): the four baselines, AutoETS, Theta, AutoARIMA and Holt-Winters. Each is fitted once per
 * series on that series' rows before its test range and then run with those parameters from
 * every origin, the protocol of `rollingOriginBacktest` and the statistical `OriginForecaster`s.
 */
import { InputError, describeValue } from '../errors';
import { seriesError, type Panel } from '../data/panel';
import type { PanelSplit } from '../data/panelSplit';
import { arimaForecastAt, autoArima } from './arima';
import { BASELINE_NAMES, type BaselineName, baselineForecast, baselineForecastAt } from './baselines';
import { autoEts, etsForecastAt } from './ets';
import { fitHoltWinters } from './holtWinters';
import { type Forecaster, type PanelForecast, type PanelOrigins, assertPanelOrigins, lastOrigins, panelForecast } from './model';
import { ARIMA_MAX_FIT_ROWS, ETS_MAX_FIT_ROWS, describeArima, describeEts, describeTheta } from './statistical';
import { fitTheta, thetaForecastAt } from './theta';
import { assertInteger } from '../validate';

/** Every local model, in report order: the baselines, the statistical models, Holt-Winters. */
export const LOCAL_MODEL_NAMES = [...BASELINE_NAMES, 'ets', 'theta', 'arima', 'holt_winters'] as const;

/** One of {@link LOCAL_MODEL_NAMES}. */
export type LocalModelName = (typeof LOCAL_MODEL_NAMES)[number];

/**
 * Seasonal period of a local model when none is given (1: no season).
 * @defaultValue 1
 */
export const DEFAULT_LOCAL_SEASON = 1;

/**
 * The model a series falls back to when its own model cannot be fitted there: the naive
 * forecast, which any series with one row can make (StatsForecast's `fallback_model` works so).
 * @defaultValue 'naive'
 */
export const DEFAULT_LOCAL_FALLBACK: BaselineName = 'naive';

/** Options of {@link localForecaster}. */
export interface LocalForecasterOptions {
  /**
   * Seasonal period in rows, a positive integer (at least 2 for `holt_winters`). Used by
   * `seasonal_naive`, `ets`, `theta`, `arima` and `holt_winters`; ignored by the others.
   * @defaultValue {@link DEFAULT_LOCAL_SEASON}
   */
  readonly season?: number;
  /**
   * What a series gets when fitting throws an {@link InputError} there (too short, constant, ...):
   * a baseline, fitted on the same rows, recorded in `failures` and `fitted`; or `null`: the
   * error is thrown, prefixed with the series id.
   * @defaultValue {@link DEFAULT_LOCAL_FALLBACK}
   */
  readonly fallback?: BaselineName | null;
}

/** A series whose model could not be fitted, and why. */
export interface SeriesFailure {
  /** The series id. */
  readonly id: string;
  /** The fitting error's message. */
  readonly message: string;
  /** The baseline that forecasts the series instead. */
  readonly fallback: BaselineName;
}

/** A panel forecaster made of one single-series model per series. */
export interface LocalForecaster extends Forecaster {
  /** The model, one of {@link LOCAL_MODEL_NAMES}. */
  readonly name: LocalModelName;
  /** Series that fell back at the last `fit`, in panel order; empty before any fit. */
  readonly failures: readonly SeriesFailure[];
  /**
   * Series id -> one line on what the last `fit` found there, e.g. `'ETS(A,N,N)'`, or
   * `'naive (fallback: history must have at least 7 values, got 5)'` for a failure.
   */
  readonly fitted: Readonly<Record<string, string>>;
}

/** One series' fitted model: forecasts from origins of that series' target with fixed parameters. */
interface SeriesModel {
  readonly description: string;
  forecastAt(y: Float64Array, origins: readonly number[], horizon: number): Float64Array[];
}

type SeriesFitter = (train: Float64Array) => SeriesModel;

/**
 * A local model as a panel {@link Forecaster}.
 *
 * - `fit(panel, split)` fits series `i` on its first target's rows `[0, split[i].test.start)`
 *   (training and validation rows), as the statistical `OriginForecaster`s fit on the rows up to
 *   the first origin; a series whose fit throws an {@link InputError} falls back (see
 *   {@link LocalForecasterOptions.fallback}). Baselines have nothing to fit, but `fit` checks
 *   that they can forecast from the last fitting row.
 * - `forecastAt(panel, origins, horizon)` runs each series' fitted model (matched by id) through
 *   the series with its fixed parameters and forecasts from each origin; only rows `<= t` of the
 *   series are read for origin `t` (`arima` and `ets` additionally need `t` at or after the
 *   first of the at most {@link ARIMA_MAX_FIT_ROWS}, resp. {@link ETS_MAX_FIT_ROWS}, rows they
 *   were fitted on).
 * - `forecast(panel, steps)` does the same from the last row of every series.
 *
 * @param name - One of {@link LOCAL_MODEL_NAMES}.
 * @param options - Seasonal period and fallback, see {@link LocalForecasterOptions}.
 * @returns A new, unfitted forecaster.
 * @throws InputError for an unknown name, a bad season (below 2 for `holt_winters`) or fallback.
 *   Its `forecastAt` throws Error for a series that was not fitted, and the model's InputError
 *   prefixed with the series id, e.g. `series "b": history must have at least 2 values, got 1`.
 * @example
 * const s = parseCsvText('t,y\n1,1\n2,3\n3,2\n4,5\n5,4\n', { time: 't', targets: ['y'] });
 * const panel = panelFromSeries(s);
 * const model = localForecaster('mean');
 * await model.fit(panel, [{ train: { start: 0, end: 3 }, val: { start: 3, end: 3 }, test: { start: 3, end: 5 } }]);
 * Array.from((await model.forecastAt(panel, [[2, 3]], 1)).series[0].values[1]); // => [2.75]
 */
export function localForecaster(name: LocalModelName, options: LocalForecasterOptions = {}): LocalForecaster {
  const season = options.season ?? DEFAULT_LOCAL_SEASON;
  const fitter = seriesFitter(name, season);
  const fallback = options.fallback === undefined ? DEFAULT_LOCAL_FALLBACK : options.fallback;
  if (fallback !== null && !BASELINE_NAMES.includes(fallback)) {
    throw new InputError(`fallback must be one of ${BASELINE_NAMES.map((n) => `'${n}'`).join(', ')} or null, got ${describeValue(fallback)}`, {
      argument: 'fallback',
      value: fallback,
    });
  }
  const fallbackFitter = fallback === null ? null : seriesFitter(fallback, season);
  let fits = new Map<string, SeriesModel>();
  let failures: SeriesFailure[] = [];
  const forecastAt = async (panel: Panel, origins: PanelOrigins, horizon: number): Promise<PanelForecast> => {
    assertPanelOrigins(panel, origins);
    assertInteger('horizon', horizon, 1);
    const target = panel.values[panel.targets[0]];
    const values = origins.map((list, i) => {
      if (list.length === 0) return [];
      const id = panel.ids[i];
      const model = fits.get(id);
      if (!model) throw new Error(`${name}: series ${JSON.stringify(id)} was not fitted; call fit with a panel that holds it first`);
      return withSeriesId(id, () => model.forecastAt(target.subarray(panel.offsets[i], panel.offsets[i + 1]), list, horizon));
    });
    return panelForecast(panel, name, origins, horizon, values);
  };
  return {
    name,
    get failures() {
      return failures;
    },
    get fitted() {
      return Object.fromEntries([...fits].map(([id, model]) => [id, model.description]));
    },
    async fit(panel: Panel, split: PanelSplit) {
      const result = fitSeries(panel, split, fitter, fallback, fallbackFitter);
      fits = result.fits;
      failures = result.failures;
    },
    forecastAt,
    forecast: (panel: Panel, steps: number) => forecastAt(panel, lastOrigins(panel), steps),
  };
}

/** Options of {@link referenceForecasters}. */
export interface ReferenceForecastersOptions {
  /** Seasonal period in rows, a positive integer; `holt_winters` is included when it is >= 2. */
  readonly season: number;
  /** See {@link LocalForecasterOptions.fallback}. @defaultValue {@link DEFAULT_LOCAL_FALLBACK} */
  readonly fallback?: BaselineName | null;
}

/**
 * The reference models the forecast job runs next to the LSTM: the four baselines, `ets`,
 * `theta`, `arima` and, for a season of at least 2, `holt_winters`, each as a
 * {@link localForecaster}.
 *
 * @param options - Season and fallback, see {@link ReferenceForecastersOptions}.
 * @returns New, unfitted forecasters, in {@link LOCAL_MODEL_NAMES} order.
 * @throws InputError for a bad season or fallback.
 * @example
 * referenceForecasters({ season: 1 }).map((f) => f.name); // => ['naive', 'seasonal_naive', 'mean', 'drift', 'ets', 'theta', 'arima']
 */
export function referenceForecasters(options: ReferenceForecastersOptions): LocalForecaster[] {
  assertInteger('season', options?.season, 1);
  const names = LOCAL_MODEL_NAMES.filter((name) => name !== 'holt_winters' || options.season >= 2);
  return names.map((name) => localForecaster(name, options));
}

function fitSeries(
  panel: Panel,
  split: PanelSplit,
  fitter: SeriesFitter,
  fallback: BaselineName | null,
  fallbackFitter: SeriesFitter | null,
): { fits: Map<string, SeriesModel>; failures: SeriesFailure[] } {
  checkSplit(panel, split);
  const fits = new Map<string, SeriesModel>();
  const failures: SeriesFailure[] = [];
  const target = panel.values[panel.targets[0]];
  panel.ids.forEach((id, i) => {
    const train = target.slice(panel.offsets[i], panel.offsets[i] + split[i].test.start);
    try {
      fits.set(id, fitter(train));
    } catch (error) {
      if (!(error instanceof InputError) || fallback === null || fallbackFitter === null) {
        throw error instanceof InputError ? seriesError(id, error) : error;
      }
      const model = withSeriesId(id, () => fallbackFitter(train));
      fits.set(id, { description: `${fallback} (fallback: ${error.message})`, forecastAt: model.forecastAt });
      failures.push({ id, message: error.message, fallback });
    }
  });
  return { fits, failures };
}

function checkSplit(panel: Panel, split: PanelSplit): void {
  if (!Array.isArray(split) || split.length !== panel.ids.length) {
    const got = Array.isArray(split) ? `${split.length} entries` : describeValue(split);
    throw new InputError(`split must hold one entry per series (${panel.ids.length}), got ${got}`, { argument: 'split' });
  }
  split.forEach((s, i) => {
    const length = panel.offsets[i + 1] - panel.offsets[i];
    const start = s?.test?.start;
    if (!Number.isInteger(start) || start < 1 || start > length) {
      throw new InputError(
        `split of series ${JSON.stringify(panel.ids[i])}: test.start must be an integer in [1, ${length}], got ${describeValue(start)}`,
        { argument: 'split', id: panel.ids[i], value: start },
      );
    }
  });
}

function seriesFitter(name: LocalModelName, season: number): SeriesFitter {
  assertInteger('season', season, name === 'holt_winters' ? 2 : 1);
  switch (name) {
    case 'naive':
    case 'mean':
    case 'drift':
    case 'seasonal_naive':
      return baselineFitter(name, season);
    case 'ets':
      return (train) => {
        // As arima: fit on the latest rows, and run the model from the first of them.
        const offset = Math.max(0, train.length - ETS_MAX_FIT_ROWS);
        const fit = autoEts(train.subarray(offset), { period: season });
        return {
          description: describeEts(fit),
          forecastAt: (y, origins, h) => etsForecastAt(fit, y.subarray(offset), offset === 0 ? origins : origins.map((t) => t - offset), h),
        };
      };
    case 'theta':
      return (train) => {
        const fit = fitTheta(train, { period: season });
        return { description: describeTheta(fit), forecastAt: (y, origins, h) => thetaForecastAt(fit, y, origins, h) };
      };
    case 'arima':
      return arimaFitter(season);
    case 'holt_winters':
      return holtWintersFitter(season);
    default:
      throw new InputError(`name must be one of ${LOCAL_MODEL_NAMES.map((n) => `'${n}'`).join(', ')}, got ${describeValue(name)}`, {
        argument: 'name',
        value: name,
      });
  }
}

/** A baseline reads the rows up to each origin only, all origins in one pass (`baselineForecastAt`). */
function baselineFitter(name: BaselineName, season: number): SeriesFitter {
  return (train) => {
    // Fails here, at fit time, where the baseline cannot forecast at all.
    baselineForecast(name, train, 1, season);
    return { description: name, forecastAt: (y, origins, h) => baselineForecastAt(name, y, origins, h, season) };
  };
}

function arimaFitter(season: number): SeriesFitter {
  return (train) => {
    // As `arimaForecaster`: fit on the latest rows, and run the model from the first of them.
    const offset = Math.max(0, train.length - ARIMA_MAX_FIT_ROWS);
    const fit = autoArima(train.subarray(offset), { period: season });
    return {
      description: describeArima(fit),
      forecastAt: (y, origins, h) => arimaForecastAt(fit, y.subarray(offset), origins.map((t) => t - offset), h),
    };
  };
}

function holtWintersFitter(season: number): SeriesFitter {
  return (train) => {
    const model = fitHoltWinters(train, { season });
    const { alpha, beta, gamma } = model.params;
    return {
      description: `alpha ${alpha.toFixed(3)}, beta ${beta.toFixed(3)}, gamma ${gamma.toFixed(3)}`,
      forecastAt: (y, origins, h) => model.forecastAt(y, origins, h),
    };
  };
}


function withSeriesId<T>(id: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw error instanceof InputError ? seriesError(id, error) : error;
  }
}
