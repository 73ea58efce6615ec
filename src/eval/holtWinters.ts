/**
 * Additive Holt-Winters exponential smoothing (level, trend, seasonal period m), used as a
 * reference model ("holt_winters") next to the naive baselines.
 *
 * Recursions (Winters, 1960, additive form), for t = 0..n-1 with states from time t-1:
 *
 *   one-step forecast  yhat_t = l_{t-1} + b_{t-1} + s_{t-m}
 *   level              l_t = alpha (y_t - s_{t-m}) + (1 - alpha)(l_{t-1} + b_{t-1})
 *   trend              b_t = beta (l_t - l_{t-1}) + (1 - beta) b_{t-1}
 *   seasonal           s_t = gamma (y_t - l_t) + (1 - gamma) s_{t-m}
 *
 * with alpha, beta, gamma in [0, 1]. Forecast from time T: yhat_{T+k} = l_T + k b_T + s_{T+k-m*ceil(k/m)}.
 *
 * Porting note: Hyndman & Athanasopoulos (fpp) and statsmodels write the seasonal update as
 * gamma' (y_t - l_{t-1} - b_{t-1}) + (1 - gamma') s_{t-m}; the two are the same model with
 * gamma' = gamma (1 - alpha), so our box [0, 1]^3 is exactly fpp's restriction 0 <= gamma' <= 1 - alpha.
 *
 * Initialisation (statsmodels' `initialization_method="simple"`), from the first two seasons:
 * l_{-1} = mean(y_0..y_{m-1}); b_{-1} = (mean(y_m..y_{2m-1}) - mean(y_0..y_{m-1})) / m;
 * s_{j-m} = y_j - l_{-1} for j = 0..m-1. The recursions then run over every observation, so the
 * one-step SSE covers all n points.
 */
import { InputError, describeValue } from '../errors';
import { type OriginForecaster } from './forecaster';
import { minimiseOnGrid } from './gridSearch';
import { assertFiniteSeries, assertInteger } from '../validate';

/** Smoothing parameters of the additive Holt-Winters model, each in [0, 1]. */
export interface HoltWintersParams {
  /** Level smoothing. */
  readonly alpha: number;
  /** Trend smoothing (of the level change). */
  readonly beta: number;
  /** Seasonal smoothing, Winters form (fpp/statsmodels gamma = gamma * (1 - alpha)). */
  readonly gamma: number;
}

/** Filter state after the last observation T. */
export interface HoltWintersState {
  /** Level l_T. */
  readonly level: number;
  /** Trend b_T, per time step. */
  readonly trend: number;
  /** The last m seasonal terms in time order: `seasonal[i]` = s_{T-m+1+i}, length m. */
  readonly seasonal: Float64Array;
}

/** Result of running the recursions over a history with fixed parameters. */
export interface HoltWintersRun {
  /** State after the last observation. */
  readonly state: HoltWintersState;
  /** One-step in-sample forecasts: `fitted[t]` = yhat_t, length n. */
  readonly fitted: Float64Array;
  /** Sum of squared one-step errors over all n observations. */
  readonly sse: number;
}

/** Options of {@link fitHoltWinters} and {@link holtWintersForecaster}. */
export interface HoltWintersOptions {
  /** Seasonal period m in time steps, an integer >= 2. */
  readonly season: number;
}

/** A fitted additive Holt-Winters model. */
export interface HoltWintersModel {
  /** Seasonal period m. */
  readonly season: number;
  /** Parameters minimising the one-step SSE on the fitted history. */
  readonly params: HoltWintersParams;
  /** The fitted history's run: final state, one-step forecasts and SSE. */
  readonly run: HoltWintersRun;
  /**
   * Forecasts the `horizon` steps after the fitted history.
   * @param horizon - Positive integer.
   * @returns Float64Array of length `horizon`.
   */
  forecast(horizon: number): Float64Array;
  /**
   * Re-runs the recursions with the fitted parameters over `history` (initialised from its own
   * first two seasons) and forecasts the `horizon` steps after its last value. With a history
   * that extends the fitted one, this is "fit once, update the states through the origin".
   * @param history - At least 2m finite values.
   * @param horizon - Positive integer.
   * @returns Float64Array of length `horizon`.
   */
  forecastFrom(history: ArrayLike<number>, horizon: number): Float64Array;
  /**
   * `forecastFrom(series.slice(0, t + 1), horizon)` for every origin t, bit for bit, in one run
   * of the recursions through the series (O(series + origins x horizon) instead of
   * O(origins x series)).
   * @param origins - Rows of `series`; any order.
   * @returns One forecast per origin, in the order given.
   * @throws InputError as `forecastFrom` for an origin with less than 2m values of history or a
   *   non-finite value before it, and for an origin outside the series.
   */
  forecastAt(series: ArrayLike<number>, origins: readonly number[], horizon: number): Float64Array[];
}

const PARAM_NAMES = ['alpha', 'beta', 'gamma'] as const;

function checkHistory(history: unknown, season: number): asserts history is ArrayLike<number> {
  assertFiniteSeries('history', history);
  if (history.length < 2 * season) {
    throw new InputError(
      `history must have at least 2 * season (${2 * season}) values to initialise Holt-Winters, ` +
        `got ${history.length}`,
      { argument: 'history', value: history.length },
    );
  }
}

/**
 * The recursions without validation; the objective of the fit calls this thousands of times.
 * `onStep(t, level, trend, seasonal)` sees the state after observation t (`seasonal` is the
 * ring buffer: slot `(t + 1 + i) % m` holds the seasonal term of observation t + 1 + i).
 */
function filter(
  y: ArrayLike<number>,
  m: number,
  alpha: number,
  beta: number,
  gamma: number,
  fitted?: Float64Array,
  onStep?: (t: number, level: number, trend: number, seasonal: Float64Array) => void,
): { level: number; trend: number; seasonal: Float64Array; sse: number } {
  let first = 0;
  let second = 0;
  for (let j = 0; j < m; j++) {
    first += y[j];
    second += y[m + j];
  }
  first /= m;
  second /= m;
  let level = first;
  let trend = (second - first) / m;
  // Ring buffer: seasonal[t % m] holds s_{t-m} when observation t is processed.
  const seasonal = new Float64Array(m);
  for (let j = 0; j < m; j++) seasonal[j] = y[j] - first;
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const s = seasonal[t % m];
    const forecast = level + trend + s;
    if (fitted) fitted[t] = forecast;
    const error = y[t] - forecast;
    sse += error * error;
    const previousLevel = level;
    level = alpha * (y[t] - s) + (1 - alpha) * (level + trend);
    trend = beta * (level - previousLevel) + (1 - beta) * trend;
    seasonal[t % m] = gamma * (y[t] - level) + (1 - gamma) * s;
    onStep?.(t, level, trend, seasonal);
  }
  // Rotate so that index 0 is s_{T-m+1} (T = n - 1), i.e. the slot of observation n.
  const start = y.length % m;
  const ordered = new Float64Array(m);
  for (let i = 0; i < m; i++) ordered[i] = seasonal[(start + i) % m];
  return { level, trend, seasonal: ordered, sse };
}

/**
 * Runs the additive Holt-Winters recursions (see the module comment) over `history` with fixed
 * parameters.
 *
 * @param history - Observations y_0..y_{n-1}, at least 2 * season values, finite.
 * @param params - alpha, beta, gamma, each in [0, 1].
 * @param options - Seasonal period, see {@link HoltWintersOptions}.
 * @returns The final state, the n one-step forecasts and their SSE.
 * @throws {@link InputError} when `season` is not an integer >= 2, a parameter is outside
 *   [0, 1], or `history` is too short or holds a non-finite value.
 * @example
 * const { sse, state } = runHoltWinters([1, 3, 2, 4], { alpha: 0.5, beta: 0.5, gamma: 0.5 }, { season: 2 });
 * sse; // => 0.99468994140625
 * state.level; // => 3.17578125
 */
export function runHoltWinters(
  history: ArrayLike<number>,
  params: HoltWintersParams,
  options: HoltWintersOptions,
): HoltWintersRun {
  assertInteger('season', options.season, 2);
  for (const name of PARAM_NAMES) {
    const value: unknown = params[name];
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw new InputError(`${name} must be a number in [0, 1], got ${describeValue(value)}`, {
        argument: name,
        value,
      });
    }
  }
  checkHistory(history, options.season);
  const fitted = new Float64Array(history.length);
  const { level, trend, seasonal, sse } = filter(
    history,
    options.season,
    params.alpha,
    params.beta,
    params.gamma,
    fitted,
  );
  return { state: { level, trend, seasonal }, fitted, sse };
}

/**
 * Forecasts from a Holt-Winters state: yhat_{T+k} = l_T + k b_T + s_{T+k-m*ceil(k/m)}.
 *
 * @param state - State after observation T (e.g. `runHoltWinters(...).state`).
 * @param horizon - Number of steps, a positive integer.
 * @returns Float64Array of length `horizon`: the forecasts of T+1..T+horizon.
 * @throws {@link InputError} when `horizon` is not a positive integer.
 * @example
 * forecastHoltWinters({ level: 10, trend: 1, seasonal: Float64Array.of(-1, 1) }, 3); // => [10, 13, 12]
 */
export function forecastHoltWinters(state: HoltWintersState, horizon: number): Float64Array {
  assertInteger('horizon', horizon, 1);
  const m = state.seasonal.length;
  const out = new Float64Array(horizon);
  for (let k = 1; k <= horizon; k++) out[k - 1] = state.level + k * state.trend + state.seasonal[(k - 1) % m];
  return out;
}

/**
 * Fits additive Holt-Winters to `history` by minimising the one-step in-sample SSE over
 * (alpha, beta, gamma) in [0, 1]^3 with {@link minimiseOnGrid} (11 points per axis, 4
 * refinement levels: about 6,600 runs of the O(n) recursions, final resolution 1.6e-4).
 * The initial states are not optimised (see the module comment).
 *
 * @param history - Training observations, at least 2 * season values, finite. Not modified.
 * @param options - Seasonal period, see {@link HoltWintersOptions}.
 * @returns The fitted model, with `forecast` and `forecastFrom`.
 * @throws {@link InputError} when `season` is not an integer >= 2, or `history` is too short or
 *   holds a non-finite value.
 * @example
 * const monthly = Array.from({ length: 48 }, (_, t) => 300 + 0.1 * t + 3 * Math.sin((2 * Math.PI * t) / 12));
 * const model = fitHoltWinters(monthly.slice(0, 36), { season: 12 });
 * model.forecast(12).length; // => 12 (months 36..47)
 * model.forecastFrom(monthly, 12); // same parameters, states run through month 47: months 48..59
 */
export function fitHoltWinters(history: ArrayLike<number>, options: HoltWintersOptions): HoltWintersModel {
  const season = options.season;
  assertInteger('season', season, 2);
  checkHistory(history, season);
  const y = Float64Array.from(history);
  const best = minimiseOnGrid((p) => filter(y, season, p[0], p[1], p[2]).sse, {
    lower: [0, 0, 0],
    upper: [1, 1, 1],
  });
  const params: HoltWintersParams = { alpha: best.x[0], beta: best.x[1], gamma: best.x[2] };
  const run = runHoltWinters(y, params, { season });
  return Object.freeze({
    season,
    params,
    run,
    forecast: (horizon: number) => forecastHoltWinters(run.state, horizon),
    forecastFrom: (more: ArrayLike<number>, horizon: number) =>
      forecastHoltWinters(runHoltWinters(more, params, { season }).state, horizon),
    forecastAt: (series: ArrayLike<number>, origins: readonly number[], horizon: number) => forecastAtOrigins(series, origins, horizon, params, season),
  });
}

/** See `HoltWintersModel.forecastAt`: the recursions of {@link filter}, with the state read at each origin. */
function forecastAtOrigins(series: ArrayLike<number>, origins: readonly number[], horizon: number, params: HoltWintersParams, m: number): Float64Array[] {
  assertInteger('horizon', horizon, 1);
  let last = -1;
  for (const t of origins) {
    if (!Number.isInteger(t) || t < 0 || t >= series.length) {
      throw new InputError(`origins must be rows of the series in [0, ${series.length - 1}], got ${describeValue(t)}`, { argument: 'origins', value: t });
    }
    last = Math.max(last, t);
  }
  const at = new Map<number, Float64Array>();
  let usable = last + 1 >= 2 * m;
  for (let i = 0; i <= last && usable; i++) usable = Number.isFinite(series[i]);
  if (usable) {
    const wanted = new Set(origins);
    const head = series instanceof Float64Array ? series.subarray(0, last + 1) : Float64Array.from({ length: last + 1 }, (_, i) => series[i]);
    filter(head, m, params.alpha, params.beta, params.gamma, undefined, (t, level, trend, seasonal) => {
      if (t + 1 < 2 * m || !wanted.has(t)) return;
      const start = (t + 1) % m;
      const ordered = new Float64Array(m);
      for (let i = 0; i < m; i++) ordered[i] = seasonal[(start + i) % m];
      at.set(t, forecastHoltWinters({ level, trend, seasonal: ordered }, horizon));
    });
  }
  // Origins without a state (too little history, or a bad value) get forecastFrom's own error.
  const all = at.size === origins.length ? null : Float64Array.from(series);
  return origins.map((t) => at.get(t) ?? forecastHoltWinters(runHoltWinters(all!.subarray(0, t + 1), params, { season: m }).state, horizon));
}

/**
 * Holt-Winters as an {@link OriginForecaster}: the parameters are fitted once on
 * `series[0..origins[0]]` (the data up to and including the first, earliest origin: in a
 * backtest, the training data), then for each origin t the states are run through
 * `series[0..t]` with those parameters and the next `horizon` values are forecast. Nothing after
 * an origin is used for that origin's forecast.
 *
 * @param options - Seasonal period, see {@link HoltWintersOptions}.
 * @returns A batch forecaster. It throws {@link InputError} when the first origin leaves fewer
 *   than 2 * season values to fit on.
 * @throws {@link InputError} when `season` is not an integer >= 2.
 * @example
 * const series = Array.from({ length: 72 }, (_, t) => 10 + 0.1 * t + Math.sin((2 * Math.PI * t) / 12));
 * const result = await rollingOriginBacktest(series, { holt_winters: holtWintersForecaster({ season: 12 }) },
 *   { horizon: 12, testStart: 60, season: 12 });
 * result.models.holt_winters.byStep.length; // => 12
 */
export function holtWintersForecaster(options: HoltWintersOptions): OriginForecaster {
  assertInteger('season', options.season, 2);
  const season = options.season;
  return (series, origins, horizon) => {
    if (origins.length === 0) return [];
    const first = origins.reduce((m, t) => Math.min(m, t), Number.POSITIVE_INFINITY); // no spread: origins can be data-sized
    const model = fitHoltWinters(series.slice(0, first + 1), { season });
    return model.forecastAt(series, origins, horizon);
  };
}
