/**
 * Exponential smoothing state space models, ETS(error, trend, season) (Hyndman, Koehler, Ord &
 * Snyder 2008; Hyndman & Athanasopoulos, "Forecasting: Principles and Practice", ch. 8), fitted
 * by maximum likelihood and chosen by AICc, as R's `forecast::ets` does.
 *
 * Models: additive or multiplicative error; no, additive or additive damped trend; no, additive
 * or multiplicative season. The 15 combinations R allows by default ({@link ETS_MODEL_CODES}:
 * no multiplicative trend, no additive error with a multiplicative season).
 *
 * Recursions, with states from time t-1, q = l + phi b (l without trend), p the seasonally
 * adjusted observation (y - s_{t-m} or y / s_{t-m}):
 *
 *   one-step forecast  mu_t = (l + phi b) + s_{t-m}   or  (l + phi b) * s_{t-m}
 *   level              l_t = q + alpha (p - q)
 *   trend              b_t = phi b + (beta / alpha) (l_t - l - phi b)
 *   season             s_t = s_{t-m} + gamma (y / q - s_{t-m})   (or y - q, additive)
 *
 * The recursions do not depend on the error type; the likelihood does. As in R, the criterion
 * minimised is `n log(sum e_t^2)` with e_t = y_t - mu_t (additive error), plus
 * `2 sum log|mu_t|` with e_t = (y_t - mu_t) / mu_t (multiplicative error); the reported
 * log-likelihood is -1/2 of it. Parameters (smoothing, damping, and the initial level, trend and
 * m - 1 seasonal states) are found with Nelder-Mead from R's starting values, inside R's "usual"
 * region: 1e-4 <= alpha <= 0.9999, 1e-4 <= beta <= alpha, 1e-4 <= gamma <= 1 - alpha,
 * 0.8 <= phi <= 0.98.
 *
 * As R (bounds = "both"), parameters must also lie in the admissible region, where the model is
 * forecastable: for seasonal models the roots of its characteristic polynomial must lie in the
 * unit disc (checked with the Schur-Cohn step-down test instead of R's `polyroot`). As R,
 * seasonal models are only considered for periods 2..24.
 */
import { InputError, describeValue } from '../errors';
import { classicalDecomposition } from './decompose';
import { leastSquares } from './linearSolve';
import { type OriginForecaster } from './forecaster';
import { nelderMead } from './nelderMead';
import { assertFiniteSeries, assertInteger } from '../validate';

/** Error type: additive or multiplicative. */
export type EtsError = 'A' | 'M';
/** Trend type: none, additive, additive damped. */
export type EtsTrend = 'N' | 'A' | 'Ad';
/** Season type: none, additive, multiplicative. */
export type EtsSeason = 'N' | 'A' | 'M';

/** The models searched by {@link autoEts}, as R's codes (error, trend, season). */
export const ETS_MODEL_CODES = [
  'ANN', 'AAN', 'AAdN', 'ANA', 'AAA', 'AAdA',
  'MNN', 'MAN', 'MAdN', 'MNA', 'MAA', 'MAdA', 'MNM', 'MAM', 'MAdM',
] as const;
/** One of {@link ETS_MODEL_CODES}. */
export type EtsModelCode = (typeof ETS_MODEL_CODES)[number];

/** The largest seasonal period for which seasonal ETS models are considered (as R). */
export const MAX_ETS_SEASON = 24;

/** A model's components. */
export interface EtsComponents {
  readonly error: EtsError;
  readonly trend: EtsTrend;
  readonly season: EtsSeason;
}

/** Smoothing parameters; `beta` and `gamma` are 0 and `phi` is 1 where the model has no such part. */
export interface EtsParams {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly phi: number;
}

/** States after an observation (or before the first one, for the initial state). */
export interface EtsState {
  readonly level: number;
  /** 0 without a trend. */
  readonly trend: number;
  /**
   * The last m seasonal states, most recent first: `seasonal[0]` = s_t, `seasonal[m - 1]` =
   * s_{t-m+1} (R's order); empty without a season.
   */
  readonly seasonal: Float64Array;
}

/** What defines a model run: its components, period, parameters and initial state. */
export type EtsModelParts = Pick<EtsFit, 'components' | 'period' | 'params' | 'initial'>;

/** A fitted ETS model. */
export interface EtsFit {
  /** R's code of the model, e.g. `'MAdM'`. */
  readonly code: EtsModelCode;
  readonly components: EtsComponents;
  /** Seasonal period m (1 without a season). */
  readonly period: number;
  readonly params: EtsParams;
  /** State before the first fitted observation. */
  readonly initial: EtsState;
  /** State after the last fitted observation. */
  readonly final: EtsState;
  /** Observations fitted. */
  readonly n: number;
  /** -1/2 of the minimised criterion (comparable with R's `loglik`). */
  readonly loglik: number;
  /** Parameters counted by AIC: the estimated ones plus the error variance. */
  readonly nParams: number;
  readonly aic: number;
  readonly aicc: number;
  /** Mean squared one-step error on the fitted data. */
  readonly mse: number;
}

/** Options of {@link fitEts}. */
export interface EtsFitOptions {
  /** Seasonal period m (a positive integer; 1 = none). Needed for seasonal models. @defaultValue 1 */
  readonly period?: number;
  /**
   * What is minimised: the likelihood criterion (R's default `"lik"`), or the mean squared
   * one-step error (`"mse"`, as R's `ses` uses it).
   * @defaultValue 'lik'
   */
  readonly criterion?: 'lik' | 'mse';
}

const LOWER = { alpha: 1e-4, beta: 1e-4, gamma: 1e-4, phi: 0.8 };
const UPPER = { alpha: 0.9999, beta: 0.9999, gamma: 0.9999, phi: 0.98 };
const TOL = 1e-10;
/** R's ETS optimiser tolerance, sqrt(double epsilon). */
const ETS_RELTOL = Math.sqrt(Number.EPSILON);
const HUGE = 1e10;

/**
 * Splits an R model code into its components.
 *
 * @param code - One of {@link ETS_MODEL_CODES}.
 * @returns The error, trend and season types.
 * @throws {@link InputError} naming the code and the accepted ones.
 * @example
 * parseEtsCode('MAdM'); // => { error: 'M', trend: 'Ad', season: 'M' }
 */
export function parseEtsCode(code: string): EtsComponents {
  if (!(ETS_MODEL_CODES as readonly string[]).includes(code)) {
    throw new InputError(`ETS model must be one of ${ETS_MODEL_CODES.join(', ')}, got ${describeValue(code)}`, {
      argument: 'model',
      value: code,
    });
  }
  const damped = code.includes('d');
  return {
    error: code[0] as EtsError,
    trend: code[1] === 'N' ? 'N' : damped ? 'Ad' : 'A',
    season: code[code.length - 1] as EtsSeason,
  };
}

/** Mutable filter state: level, trend and a ring of m seasonal states. */
interface Work {
  level: number;
  trend: number;
  /** `seasonal[(head + j) % m]` = the j-th most recent seasonal state. */
  seasonal: Float64Array;
  head: number;
}

function toWork(state: EtsState, m: number): Work {
  return { level: state.level, trend: state.trend, seasonal: m > 1 ? Float64Array.from(state.seasonal) : new Float64Array(0), head: 0 };
}

function snapshot(work: Work, m: number): EtsState {
  const seasonal = new Float64Array(work.seasonal.length);
  for (let j = 0; j < seasonal.length; j++) seasonal[j] = work.seasonal[(work.head + j) % m];
  return { level: work.level, trend: work.trend, seasonal };
}

/** One-step forecast from the current states. */
function oneStep(work: Work, c: EtsComponents, m: number, phi: number): number {
  const base = c.trend === 'N' ? work.level : work.level + phi * work.trend;
  if (c.season === 'N') return base;
  const oldest = work.seasonal[(work.head + m - 1) % m];
  return c.season === 'A' ? base + oldest : base * oldest;
}

/** Updates the states with observation y (R's `update`). */
function update(work: Work, c: EtsComponents, m: number, p: EtsParams, y: number): void {
  const phib = c.trend === 'N' ? 0 : p.phi * work.trend;
  const q = work.level + phib;
  let adjusted = y;
  let oldest = 0;
  if (c.season !== 'N') {
    oldest = work.seasonal[(work.head + m - 1) % m];
    adjusted = c.season === 'A' ? y - oldest : Math.abs(oldest) < TOL ? HUGE : y / oldest;
  }
  const level = q + p.alpha * (adjusted - q);
  if (c.trend !== 'N') work.trend = phib + (p.beta / p.alpha) * (level - work.level - phib);
  work.level = level;
  if (c.season !== 'N') {
    const detrended = c.season === 'A' ? y - q : Math.abs(q) < TOL ? HUGE : y / q;
    // The oldest slot becomes the newest.
    work.head = (work.head + m - 1) % m;
    work.seasonal[work.head] = oldest + p.gamma * (detrended - oldest);
  }
}

/** Runs the recursions over y; returns R's criterion parts. */
function runFilter(
  y: ArrayLike<number>,
  c: EtsComponents,
  m: number,
  p: EtsParams,
  work: Work,
  visit?: (t: number) => void,
): { sse: number; sseAdditive: number; logSum: number } {
  let sse = 0;
  let sseAdditive = 0;
  let logSum = 0;
  for (let t = 0; t < y.length; t++) {
    const mu = oneStep(work, c, m, p.phi);
    const e = c.error === 'A' ? y[t] - mu : (y[t] - mu) / mu;
    sse += e * e;
    sseAdditive += (y[t] - mu) * (y[t] - mu);
    if (c.error === 'M') logSum += Math.log(Math.abs(mu));
    update(work, c, m, p, y[t]);
    visit?.(t);
  }
  return { sse, sseAdditive, logSum };
}

function criterion(n: number, c: EtsComponents, run: { sse: number; logSum: number }): number {
  const lik = n * Math.log(run.sse) + (c.error === 'M' ? 2 * run.logSum : 0);
  return Number.isNaN(lik) ? Number.POSITIVE_INFINITY : Math.max(lik, -1e10);
}

/**
 * Forecasts from a state: the h-step point forecasts of the model (R's `forecast` recursion).
 *
 * @param state - State after the origin.
 * @param components - The model's components.
 * @param params - Its parameters (`phi` damps the trend).
 * @param horizon - Steps, a positive integer.
 * @returns Float64Array of length `horizon`.
 * @throws {@link InputError} when `horizon` is not a positive integer.
 * @example
 * const state = { level: 10, trend: 1, seasonal: new Float64Array(0) };
 * const params = { alpha: 0.5, beta: 0.1, gamma: 0, phi: 1 };
 * etsForecastFromState(state, { error: 'A', trend: 'A', season: 'N' }, params, 2); // => [11, 12]
 */
export function etsForecastFromState(
  state: EtsState,
  components: EtsComponents,
  params: EtsParams,
  horizon: number,
): Float64Array {
  assertInteger('horizon', horizon, 1);
  const m = state.seasonal.length;
  const out = new Float64Array(horizon);
  let phiStar = params.phi;
  for (let i = 0; i < horizon; i++) {
    let f = components.trend === 'N' ? state.level : state.level + phiStar * state.trend;
    if (components.season !== 'N') {
      const s = state.seasonal[m - 1 - (i % m)];
      f = components.season === 'A' ? f + s : f * s;
    }
    out[i] = f;
    phiStar += components.trend === 'Ad' ? params.phi ** (i + 2) : 1;
  }
  return out;
}

/**
 * Runs a fitted model over `series` from its initial state (no refitting) and forecasts
 * `horizon` steps from each origin: the forecast for origin t uses `series[0..t]` only, since the
 * recursions are causal. `series` must start where the fitted data started.
 *
 * @param fit - A fitted model.
 * @param series - Observations from the first fitted one on, finite. Not modified.
 * @param origins - Indices into `series`, each in [0, series.length - 1].
 * @param horizon - Steps per origin, a positive integer.
 * @returns One Float64Array of length `horizon` per origin, in the order of `origins`.
 * @throws {@link InputError} for a bad series, origin or horizon.
 * @example
 * const y = Array.from({ length: 72 }, (_, t) => 100 + t + 10 * Math.sin((2 * Math.PI * t) / 12));
 * const fit = fitEts(y.slice(0, 60), 'AAN');
 * const [fromOrigin59] = etsForecastAt(fit, y, [59, 70], 3); // fit once, run through the origins
 * Array.from(fromOrigin59).join() === Array.from(etsForecastFromState(fit.final, fit.components, fit.params, 3)).join(); // => true
 */
export function etsForecastAt(fit: EtsModelParts, series: ArrayLike<number>, origins: readonly number[], horizon: number): Float64Array[] {
  assertFiniteSeries('series', series);
  assertInteger('horizon', horizon, 1);
  const wanted = new Map<number, number[]>();
  origins.forEach((t, i) => {
    if (!Number.isInteger(t) || t < 0 || t >= series.length) {
      throw new InputError(`origin must be an integer in [0, ${series.length - 1}], got ${describeValue(t)}`, {
        argument: 'origins',
        value: t,
      });
    }
    wanted.set(t, [...(wanted.get(t) ?? []), i]);
  });
  const out: Float64Array[] = new Array(origins.length);
  const last = maxOf(wanted.keys());
  const work = toWork(fit.initial, fit.period);
  runFilter(
    Float64Array.from(series).subarray(0, last + 1),
    fit.components,
    fit.period,
    fit.params,
    work,
    (t) => {
      const slots = wanted.get(t);
      if (!slots) return;
      const forecast = etsForecastFromState(snapshot(work, fit.period), fit.components, fit.params, horizon);
      for (const i of slots) out[i] = Float64Array.from(forecast);
    },
  );
  return out;
}

function maxOf(values: Iterable<number>): number {
  let best = -1;
  for (const v of values) if (v > best) best = v;
  return best;
}

/**
 * Runs a model with fixed parameters and initial state over `history`: its final state, its
 * log-likelihood as R's `ets` reports it, and its mean squared one-step error.
 *
 * @param model - Components, period, parameters and initial state (e.g. an {@link EtsFit}).
 * @param history - Observations, finite. Not modified.
 * @returns The state after the last observation, `loglik` and `mse`.
 * @throws {@link InputError} for a bad history.
 * @example
 * const y = Array.from({ length: 72 }, (_, t) => 100 + t + 10 * Math.sin((2 * Math.PI * t) / 12));
 * const fit = fitEts(y, 'ANN');
 * runEts(fit, y).loglik === fit.loglik; // => true (the history it was fitted on)
 */
export function runEts(model: EtsModelParts, history: ArrayLike<number>): { final: EtsState; loglik: number; mse: number } {
  assertFiniteSeries('history', history);
  const work = toWork(model.initial, model.period);
  const run = runFilter(history, model.components, model.period, model.params, work);
  return { final: snapshot(work, model.period), loglik: -0.5 * criterion(history.length, model.components, run), mse: run.sseAdditive / history.length };
}

/** R's `initparam`: starting smoothing parameters. */
function initialParams(c: EtsComponents, m: number): EtsParams {
  let alpha = LOWER.alpha + (0.2 * (UPPER.alpha - LOWER.alpha)) / m;
  if (alpha > 1 || alpha < 0) alpha = LOWER.alpha + 2e-3;
  let beta = 0;
  if (c.trend !== 'N') {
    const upper = Math.min(UPPER.beta, alpha);
    beta = LOWER.beta + 0.1 * (upper - LOWER.beta);
    if (beta < 0 || beta > alpha) beta = alpha - 1e-3;
  }
  let gamma = 0;
  if (c.season !== 'N') {
    const upper = Math.min(UPPER.gamma, 1 - alpha);
    gamma = LOWER.gamma + 0.05 * (upper - LOWER.gamma);
    if (gamma < 0 || gamma > 1 - alpha) gamma = 1 - alpha - 1e-3;
  }
  let phi = 1;
  if (c.trend === 'Ad') phi = LOWER.phi + 0.99 * (UPPER.phi - LOWER.phi);
  return { alpha, beta, gamma, phi };
}

/**
 * R's `initstate` (forecast 8.20): the initial level, trend and seasonal states (the last
 * seasonal state is implied by the others), from a classical decomposition of the series (or a
 * one-harmonic Fourier regression when it has fewer than three seasons) and a regression line
 * through the first max(10, 2m) seasonally adjusted values.
 */
function initialStates(y: ArrayLike<number>, c: EtsComponents, period: number): number[] {
  const n = y.length;
  let seasonal: Float64Array | null = null; // per position of the cycle, from the first value
  let free: number[] = [];
  let m = 1;
  if (c.season !== 'N') {
    m = period;
    if (n < 3 * m) {
      const t = Float64Array.from({ length: n }, (_, i) => i + 1);
      const cols = [
        new Float64Array(n).fill(1),
        t,
        t.map((v) => Math.sin((2 * Math.PI * v) / m)),
        t.map((v) => Math.cos((2 * Math.PI * v) / m)),
      ];
      if (m === 2) cols.splice(2, 1); // sin(pi t) is 0: drop the empty column
      // Dependent columns only for degenerate data (e.g. a constant series): no trend then.
      const beta = leastSquares(cols, y) ?? Float64Array.from(cols, (_, i) => (i === 0 ? y[0] : 0));
      seasonal = Float64Array.from({ length: m }, (_, j) => {
        const line = beta[0] + beta[1] * (j + 1);
        return c.season === 'A' ? y[j] - line : y[j] / line;
      });
    } else {
      seasonal = classicalDecomposition(y, m, c.season === 'A' ? 'additive' : 'multiplicative').figure;
    }
    // s0 .. s_{m-2}: positions m, m-1, ..., 2 of the first cycle (1-based), most recent first.
    free = [];
    for (let j = m - 1; j >= 1; j--) free.push(seasonal[j]);
    if (c.season === 'M') {
      free = free.map((v) => Math.max(v, 1e-2));
      const sum = free.reduce((a, b) => a + b, 0);
      if (sum > m) free = free.map((v) => v / (sum + 1e-2));
    }
  }
  const adjusted = (i: number): number => {
    if (seasonal === null) return y[i];
    const s = seasonal[i % m];
    return c.season === 'A' ? y[i] - s : y[i] / Math.max(s, 1e-2);
  };
  const maxn = Math.min(Math.max(10, 2 * m), n);
  const states: number[] = [];
  if (c.trend === 'N') {
    let sum = 0;
    for (let i = 0; i < maxn; i++) sum += adjusted(i);
    states.push(sum / maxn);
  } else {
    const x = Float64Array.from({ length: maxn }, (_, i) => i + 1);
    const ya = Float64Array.from({ length: maxn }, (_, i) => adjusted(i));
    const [l0, b0] = leastSquares([new Float64Array(maxn).fill(1), x], ya) ?? [ya[0], 0];
    if (Math.abs(l0 + b0) < 1e-8) states.push(l0 * (1 + 1e-3), b0 * (1 - 1e-3));
    else states.push(l0, b0);
  }
  return [...states, ...free];
}

/** Parameters counted by R's data-length rule (`npars`): alpha, l0, beta, b0, gamma + m seasonals, phi. */
function lengthRuleParams(c: EtsComponents, m: number): number {
  return 2 + (c.trend === 'N' ? 0 : 2) + (c.trend === 'Ad' ? 1 : 0) + (c.season === 'N' ? 0 : m);
}

/**
 * Whether every root of the polynomial c[0] + c[1] z + ... + c[d] z^d (c[d] != 0) has modulus at
 * most 1 + 1e-6: the Schur-Cohn step-down test on the polynomial in w = z / (1 + 1e-6). Models
 * without a trend always have a root at z = 1, so the margin must absorb rounding (R allows
 * 1 + 1e-10 on the moduli `polyroot` returns; the step-down test needs a wider one).
 */
function rootsInUnitDisc(coefficients: readonly number[]): boolean {
  const scale = 1 + 1e-6;
  let c = coefficients.map((v, i) => v * scale ** i);
  for (let d = c.length - 1; d >= 1; d--) {
    const k = c[0] / c[d];
    if (!(Math.abs(k) < 1)) return false;
    // (p(z) - k z^d p(1/z)) / z: degree d - 1, roots inside the disc iff those of p are. (The
    // unnormalised form c[d] p - c[0] z^d p(1/z) underflows to 0 within a dozen steps.)
    const next = new Array<number>(d);
    for (let i = 0; i < d; i++) next[i] = c[i + 1] - k * c[d - i - 1];
    c = next;
  }
  return true;
}

/** @internal exported for tests. */
export { rootsInUnitDisc as _rootsInUnitDisc };

/** R's `admissible`: the parameters give a forecastable (stable) model. */
function admissible(c: EtsComponents, m: number, p: EtsParams): boolean {
  const { alpha, beta, gamma, phi } = p;
  if (phi < 0 || phi > 1 + 1e-8) return false;
  if (c.season === 'N') {
    if (alpha < 1 - 1 / phi || alpha > 1 + 1 / phi) return false;
    if (c.trend !== 'N' && (beta < alpha * (phi - 1) || beta > (1 + phi) * (2 - alpha))) return false;
    return true;
  }
  if (gamma < Math.max(1 - 1 / phi - alpha, 0) || gamma > 1 + 1 / phi - alpha) return false;
  if (alpha < 1 - 1 / phi - (gamma * (1 - m + phi + phi * m)) / (2 * phi * m)) return false;
  if (beta < -(1 - phi) * (gamma / m + alpha)) return false;
  const a = alpha + beta - alpha * phi;
  const poly = [phi * (1 - alpha - gamma), a + gamma - 1, ...new Array<number>(m - 2).fill(a), alpha + beta - phi, 1];
  return rootsInUnitDisc(poly);
}

/** Fits one model; `null` when no feasible start exists. */
function fitModel(y: Float64Array, code: EtsModelCode, period: number, crit: 'lik' | 'mse'): EtsFit | null {
  const c = parseEtsCode(code);
  const m = c.season === 'N' ? 1 : period;
  // R passes m = 1 to initparam for non-seasonal models (a start alpha of 0.2).
  const start = initialParams(c, m);
  const states = initialStates(y, c, m);
  const names: ('alpha' | 'beta' | 'gamma' | 'phi')[] = ['alpha'];
  if (c.trend !== 'N') names.push('beta');
  if (c.season !== 'N') names.push('gamma');
  if (c.trend === 'Ad') names.push('phi');
  const x0 = [...names.map((name) => start[name]), ...states];
  const decode = (x: ArrayLike<number>): { params: EtsParams; state: EtsState } | null => {
    const p = { alpha: x[0], beta: 0, gamma: 0, phi: 1 };
    let k = 1;
    if (c.trend !== 'N') p.beta = x[k++];
    if (c.season !== 'N') p.gamma = x[k++];
    if (c.trend === 'Ad') p.phi = x[k++];
    if (p.alpha < LOWER.alpha || p.alpha > UPPER.alpha) return null;
    if (c.trend !== 'N' && (p.beta < LOWER.beta || p.beta > p.alpha || p.beta > UPPER.beta)) return null;
    if (c.season !== 'N' && (p.gamma < LOWER.gamma || p.gamma > 1 - p.alpha || p.gamma > UPPER.gamma)) return null;
    if (c.trend === 'Ad' && (p.phi < LOWER.phi || p.phi > UPPER.phi)) return null;
    if (!admissible(c, m, p)) return null;
    const level = x[k++];
    const trend = c.trend === 'N' ? 0 : x[k++];
    let seasonal = new Float64Array(0);
    if (c.season !== 'N') {
      seasonal = new Float64Array(m);
      let sum = 0;
      for (let j = 0; j < m - 1; j++) {
        seasonal[j] = x[k + j];
        sum += seasonal[j];
      }
      seasonal[m - 1] = (c.season === 'M' ? m : 0) - sum;
      if (c.season === 'M' && seasonal.some((s) => s < 0)) return null;
    }
    return { params: p, state: { level, trend, seasonal } };
  };
  const objective = (x: ArrayLike<number>): number => {
    const decoded = decode(x);
    if (decoded === null) return Number.POSITIVE_INFINITY;
    const run = runFilter(y, c, m, decoded.params, toWork(decoded.state, m));
    return crit === 'mse' ? run.sseAdditive / y.length : criterion(y.length, c, run);
  };
  // R skips a model whose parameters and states are not fewer than n - 1.
  if (x0.length >= y.length - 1 || !Number.isFinite(objective(x0))) return null;
  const best = nelderMead(objective, x0, { reltol: ETS_RELTOL });
  const decoded = decode(best.x)!;
  const work = toWork(decoded.state, m);
  const run = runFilter(y, c, m, decoded.params, work);
  const lik = criterion(y.length, c, run);
  if (!Number.isFinite(lik)) return null;
  const nParams = best.x.length + 1;
  const aic = lik + 2 * nParams;
  const n = y.length;
  return {
    code,
    components: c,
    period: m,
    params: decoded.params,
    initial: decoded.state,
    final: snapshot(work, m),
    n,
    loglik: -0.5 * lik,
    nParams,
    aic,
    aicc: n - nParams - 1 > 0 ? aic + (2 * nParams * (nParams + 1)) / (n - nParams - 1) : Number.POSITIVE_INFINITY,
    mse: run.sseAdditive / n,
  };
}

/**
 * Fits one ETS model by maximum likelihood (see the module comment).
 *
 * @param history - Observations, finite; strictly positive for a multiplicative error or season.
 *   Not modified.
 * @param model - One of {@link ETS_MODEL_CODES}.
 * @param options - Period and criterion, see {@link EtsFitOptions}.
 * @returns The fitted model.
 * @throws {@link InputError} for an unknown model, a seasonal model without a period in
 *   2..{@link MAX_ETS_SEASON}, a multiplicative model on data that is not strictly positive, or a
 *   history too short for the model (more than R's `npars + 4` values are needed).
 * @example
 * const fit = fitEts([10, 12, 11, 13, 12, 14, 13, 15, 14, 16, 15, 17], 'AAN');
 * fit.params.alpha >= 1e-4 && fit.params.alpha <= 0.9999; // => true
 */
export function fitEts(history: ArrayLike<number>, model: EtsModelCode, options: EtsFitOptions = {}): EtsFit {
  const c = parseEtsCode(model);
  const period = options.period ?? 1;
  assertInteger('period', period, 1);
  assertFiniteSeries('history', history);
  const y = Float64Array.from(history);
  if (c.season !== 'N' && (period < 2 || period > MAX_ETS_SEASON)) {
    throw new InputError(`a seasonal ETS model needs a period in 2..${MAX_ETS_SEASON}, got ${period}`, {
      argument: 'period',
      value: period,
    });
  }
  if ((c.error === 'M' || c.season === 'M') && y.some((v) => v <= 0)) {
    throw new InputError(`ETS model ${model} is multiplicative and needs strictly positive data`, { argument: 'model', value: model });
  }
  const needed = lengthRuleParams(c, c.season === 'N' ? 1 : period) + 5;
  if (y.length < needed) {
    throw new InputError(`ETS model ${model} needs at least ${needed} values, got ${y.length}`, {
      argument: 'history',
      value: y.length,
    });
  }
  const fit = fitModel(y, model, period, options.criterion ?? 'lik');
  if (fit === null) throw new InputError(`ETS model ${model} has no feasible start on this history`, { argument: 'model', value: model });
  return fit;
}

/** Options of {@link autoEts}. */
export interface AutoEtsOptions {
  /** Seasonal period m; seasonal models are tried for 2 <= m <= {@link MAX_ETS_SEASON}. @defaultValue 1 */
  readonly period?: number;
}

/**
 * Fits every admissible model of {@link ETS_MODEL_CODES} and returns the one with the lowest
 * AICc (R's `ets(y)` with its defaults). Multiplicative models are tried only on strictly
 * positive data, seasonal ones only for periods 2..24 with more than m values, and a model only
 * when the data has more than R's `npars + 4` values.
 *
 * @param history - Observations, at least 4, finite. Not modified.
 * @param options - Period, see {@link AutoEtsOptions}.
 * @returns The chosen fit.
 * @throws {@link InputError} for a bad history or period, or when no model can be fitted.
 * @example
 * const y = Array.from({ length: 72 }, (_, t) => 100 + t + 10 * Math.sin((2 * Math.PI * t) / 12));
 * autoEts(y, { period: 12 }).components.season !== 'N'; // => true (a seasonal model)
 */
export function autoEts(history: ArrayLike<number>, options: AutoEtsOptions = {}): EtsFit {
  const period = options.period ?? 1;
  assertInteger('period', period, 1);
  assertFiniteSeries('history', history, 4);
  const y = Float64Array.from(history);
  const positive = y.every((v) => v > 0);
  const seasonal = period >= 2 && period <= MAX_ETS_SEASON && y.length > period;
  let best: EtsFit | null = null;
  for (const code of ETS_MODEL_CODES) {
    const c = parseEtsCode(code);
    if (c.season !== 'N' && !seasonal) continue;
    if ((c.error === 'M' || c.season === 'M') && !positive) continue;
    if (y.length <= lengthRuleParams(c, c.season === 'N' ? 1 : period) + 4) continue;
    const fit = fitModel(y, code, period, 'lik');
    if (fit !== null && (best === null || fit.aicc < best.aicc)) best = fit;
  }
  if (best === null) {
    throw new InputError(`no ETS model could be fitted to ${y.length} values`, { argument: 'history', value: y.length });
  }
  return best;
}

/** Options of {@link etsForecaster}. */
export interface EtsForecasterOptions {
  /** Seasonal period m. @defaultValue 1 */
  readonly period?: number;
  /** A model code, or `'auto'` for {@link autoEts}. @defaultValue 'auto' */
  readonly model?: EtsModelCode | 'auto';
  /** Called with the fitted model (e.g. to record which one AICc chose). */
  readonly onFit?: (fit: EtsFit) => void;
}

/**
 * ETS as an {@link OriginForecaster}: the model is fitted once on `series[0..origins[0]]` (in a
 * backtest, the rows before the test range), then run with those parameters through the series,
 * forecasting from its state at each origin (see {@link etsForecastAt}). Nothing after an origin
 * is used for that origin's forecast.
 *
 * @param options - Period and model, see {@link EtsForecasterOptions}.
 * @returns A batch forecaster; it throws as {@link autoEts} / {@link fitEts} on the fitting rows.
 * @throws {@link InputError} for a bad period or model code.
 * @example
 * const y = Array.from({ length: 72 }, (_, t) => 100 + t + 10 * Math.sin((2 * Math.PI * t) / 12));
 * const result = await rollingOriginBacktest(y, { ets: etsForecaster({ period: 12 }) }, { horizon: 12, testStart: 60, season: 12 });
 * result.models.ets.forecasts.length; // => 12 (origins 59..70)
 */
export function etsForecaster(options: EtsForecasterOptions = {}): OriginForecaster {
  const period = options.period ?? 1;
  assertInteger('period', period, 1);
  const model = options.model ?? 'auto';
  if (model !== 'auto') parseEtsCode(model);
  return (series, origins, horizon) => {
    if (origins.length === 0) return [];
    const first = origins.reduce((a, b) => Math.min(a, b));
    const train = series.slice(0, first + 1);
    const fit = model === 'auto' ? autoEts(train, { period }) : fitEts(train, model, { period });
    options.onFit?.(fit);
    return etsForecastAt(fit, series, origins, horizon);
  };
}

