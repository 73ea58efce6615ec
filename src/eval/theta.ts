/**
 * The Theta method (Assimakopoulos & Nikolopoulos 2000) in the form of Hyndman & Billah (2003):
 * simple exponential smoothing with a drift of half the slope of a straight line fitted to the
 * data, on seasonally adjusted data when a seasonality test says so. It follows R's
 * `forecast::thetaf` (8.20) step by step:
 *
 * 1. Seasonality test, for m > 1 and n > 2m on non-constant data: seasonal when
 *    |r_m| / sqrt((1 + 2 sum_{k<m} r_k^2) / n) > 1.6449 (the 95% normal quantile), r_k the
 *    sample autocorrelations.
 * 2. If seasonal: multiplicative classical decomposition; the data is divided by the seasonal
 *    figure (unless an index is below 1e-4 in magnitude, then the test's answer is dropped).
 * 3. Simple exponential smoothing (ETS(A,N,N)) fitted by one-step mean squared error, as R's `ses`.
 * 4. Forecast from origin t (n_t = t + 1 values): l_t + b ((k - 1) + (1 - (1 - alpha)^n_t) / alpha)
 *    for k = 1..h, with b half the least-squares slope of the adjusted data on 0..n-1, then times
 *    the seasonal figure.
 */
import { InputError } from '../errors';
import { classicalDecomposition } from './decompose';
import { etsForecastAt, fitEts, type EtsFit } from './ets';
import { type OriginForecaster } from './forecaster';
import { assertFiniteSeries, assertInteger } from '../validate';

/** The 95% quantile of the standard normal distribution, the seasonality test's threshold. */
const Z95 = 1.6448536269514722;
/** Fewest values {@link fitTheta} accepts (R's `ses` optimises only with more than 6). */
export const MIN_THETA_LENGTH = 7;

/** A fitted Theta model. */
export interface ThetaFit {
  /** Seasonal period m given (1 = none). */
  readonly period: number;
  /** Whether the data was seasonally adjusted. */
  readonly seasonal: boolean;
  /** The multiplicative seasonal figure (length m, positions from the first value), or null. */
  readonly figure: Float64Array | null;
  /** The simple exponential smoothing fit on the (adjusted) data. */
  readonly ses: EtsFit;
  /** Smoothing parameter alpha (at least 1e-10). */
  readonly alpha: number;
  /** Drift b per step: half the least-squares slope of the (adjusted) data. */
  readonly drift: number;
}

/** Options of {@link fitTheta} and {@link thetaForecaster}. */
export interface ThetaOptions {
  /** Seasonal period m (positive integer; 1 = none). @defaultValue 1 */
  readonly period?: number;
  /** Called by {@link thetaForecaster} with the fitted model. */
  readonly onFit?: (fit: ThetaFit) => void;
}

/** Sample autocorrelations r_1..r_maxLag (R's `acf`: demeaned, divided by the lag-0 sum). */
function autocorrelations(x: Float64Array, maxLag: number): Float64Array {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i] / n;
  let denominator = 0;
  for (let i = 0; i < n; i++) denominator += (x[i] - mean) ** 2;
  const r = new Float64Array(maxLag);
  for (let k = 1; k <= maxLag; k++) {
    let sum = 0;
    for (let i = 0; i + k < n; i++) sum += (x[i] - mean) * (x[i + k] - mean);
    r[k - 1] = sum / denominator;
  }
  return r;
}

/** Whether the seasonality test of step 1 (module comment) finds seasonality at lag m. */
function isSeasonal(x: Float64Array, m: number): boolean {
  const n = x.length;
  if (m <= 1 || n <= 2 * m || x.every((v) => v === x[0])) return false;
  const r = autocorrelations(x, m);
  let sum = 0;
  for (let k = 0; k < m - 1; k++) sum += r[k] ** 2;
  return Math.abs(r[m - 1]) / Math.sqrt((1 + 2 * sum) / n) > Z95;
}

/**
 * Fits the Theta method to `history` (see the module comment).
 *
 * @param history - At least {@link MIN_THETA_LENGTH} finite values; positive where a seasonal
 *   adjustment is made. Not modified.
 * @param options - Seasonal period, see {@link ThetaOptions}.
 * @returns The fit: whether it is seasonal, the figure, the smoothing fit, alpha and drift.
 * @throws {@link InputError} for a bad period, too short a history or a non-finite value.
 * @example
 * const y = Array.from({ length: 72 }, (_, t) => 100 + 0.1 * t + 10 * Math.sin((2 * Math.PI * t) / 12));
 * const fit = fitTheta(y, { period: 12 });
 * fit.seasonal; // => true
 * thetaForecastAt(fit, y, [71], 12)[0].length; // => 12 (as R's thetaf, tested against it)
 */
export function fitTheta(history: ArrayLike<number>, options: ThetaOptions = {}): ThetaFit {
  const period = options.period ?? 1;
  assertInteger('period', period, 1);
  assertFiniteSeries('history', history, MIN_THETA_LENGTH);
  const y = Float64Array.from(history);
  let figure: Float64Array | null = null;
  if (isSeasonal(y, period)) {
    const candidate = classicalDecomposition(y, period, 'multiplicative').figure;
    if (candidate.every((s) => Math.abs(s) >= 1e-4)) figure = candidate;
  }
  const x = figure === null ? y : y.map((v, i) => v / figure![i % period]);
  const ses = fitEts(x, 'ANN', { criterion: 'mse' });
  // Least-squares slope of x on 0..n-1.
  const n = x.length;
  const tMean = (n - 1) / 2;
  let xMean = 0;
  for (let i = 0; i < n; i++) xMean += x[i] / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - tMean) * (x[i] - xMean);
    sxx += (i - tMean) ** 2;
  }
  return {
    period,
    seasonal: figure !== null,
    figure,
    ses,
    alpha: Math.max(1e-10, ses.params.alpha),
    drift: sxy / sxx / 2,
  };
}

/**
 * Forecasts with a fitted Theta model from several origins of a series that starts where the
 * fitted data started, with the fitted parameters, drift and seasonal figure (no refitting): the
 * forecast for origin t uses `series[0..t]` only.
 *
 * @param fit - A fitted model ({@link fitTheta}).
 * @param series - Observations from the first fitted one on, finite. Not modified.
 * @param origins - Indices into `series`.
 * @param horizon - Steps per origin, a positive integer.
 * @returns One Float64Array of length `horizon` per origin.
 * @throws {@link InputError} for a bad series, origin or horizon.
 * @example
 * const y = Array.from({ length: 72 }, (_, t) => 100 + t + 10 * Math.sin((2 * Math.PI * t) / 12));
 * const forecasts = thetaForecastAt(fitTheta(y.slice(0, 60)), y, [59, 71], 6);
 * forecasts.map((f) => f.length); // => [6, 6]
 */
export function thetaForecastAt(fit: ThetaFit, series: ArrayLike<number>, origins: readonly number[], horizon: number): Float64Array[] {
  assertFiniteSeries('series', series);
  assertInteger('horizon', horizon, 1);
  const m = fit.period;
  const figure = fit.figure;
  const x = figure === null ? Float64Array.from(series) : Float64Array.from(series, (v, i) => v / figure[i % m]);
  // SES forecasts are flat: the level at each origin.
  const levels = etsForecastAt(fit.ses, x, origins, 1);
  const { alpha, drift } = fit;
  return origins.map((t, i) => {
    const out = new Float64Array(horizon);
    const start = (1 - (1 - alpha) ** (t + 1)) / alpha;
    for (let k = 1; k <= horizon; k++) {
      const value = levels[i][0] + drift * (k - 1 + start);
      out[k - 1] = figure === null ? value : value * figure[(t + k) % m];
    }
    return out;
  });
}

/**
 * Theta as an {@link OriginForecaster}: fitted once on `series[0..origins[0]]` (in a backtest, the
 * rows before the test range), then run through each origin with the fitted parameters.
 *
 * @param options - Seasonal period, see {@link ThetaOptions}.
 * @returns A batch forecaster; it throws as {@link fitTheta} on the fitting rows.
 * @throws {@link InputError} for a bad period.
 * @example
 * const y = Array.from({ length: 72 }, (_, t) => 100 + t + 10 * Math.sin((2 * Math.PI * t) / 12));
 * const result = await rollingOriginBacktest(y, { theta: thetaForecaster({ period: 12 }) }, { horizon: 12, testStart: 60, season: 12 });
 * result.models.theta.byStep.length; // => 12
 */
export function thetaForecaster(options: ThetaOptions = {}): OriginForecaster {
  const period = options.period ?? 1;
  assertInteger('period', period, 1);
  return (series, origins, horizon) => {
    if (origins.length === 0) return [];
    const first = origins.reduce((a, b) => Math.min(a, b));
    if (first + 1 < MIN_THETA_LENGTH) {
      throw new InputError(`theta needs at least ${MIN_THETA_LENGTH} values before the first origin, got ${first + 1}`, {
        argument: 'origins',
        value: first,
      });
    }
    const fit = fitTheta(series.slice(0, first + 1), { period });
    options.onFit?.(fit);
    return thetaForecastAt(fit, series, origins, horizon);
  };
}
