/**
 * Seasonal ARIMA(p,d,q)(P,D,Q)[m] models fitted by exact Gaussian maximum likelihood, and the
 * automatic order selection of R's `forecast::auto.arima` (8.20 defaults), following R's
 * `stats::arima` step by step:
 *
 * - The model is (1 - sum ar_i B^i)(1 - sum sar_j B^{jm}) (1 - B)^d (1 - B^m)^D (y_t - c_t)
 *   = (1 + sum ma_i B^i)(1 + sum sma_j B^{jm}) e_t, with c_t a mean (d + D = 0), a drift times the
 *   1-based time index (d + D = 1; R's `include.drift` regressor `1:n`) or 0.
 * - State-space form of Gardner, Harvey & Phillips (1980): an ARMA block of dimension
 *   r = max(p + mP, q + mQ + 1) with the differencing polynomial carried as d + mD extra states.
 *   Those states start with variance kappa = 1e6 (R's approximately diffuse prior) and the ARMA
 *   block with its stationary covariance (computed exactly from the ARMA autocovariances, which is
 *   what R's Gardner algorithm computes). Observations whose prediction variance is >= 1e4 are
 *   left out of the likelihood, as in R.
 * - The likelihood is concentrated over sigma^2: R's objective 0.5 (log(ssq / nu) + sumlog / nu).
 * - Fitting ("CSS-ML"): conditional sum of squares from zeros (and the regression estimate of the
 *   constant), then exact ML from there, both with a port of R's BFGS (`optim`'s `vmmin`, central
 *   numerical gradients with step 1e-3 on R's parameter scale). The AR parts are optimised through
 *   R's `transform.pars` map (tanh of partial autocorrelations, Durbin-Levinson), so they stay
 *   stationary; MA parts found outside the invertible region are reflected (R's `maInvert`).
 * - AICc, as `forecast::Arima`: aic + 2k(k + 1) / (n* - k - 1), k = estimated coefficients + 1,
 *   n* = n - d - mD; sigma2 is `forecast`'s residual variance sum(e^2) / (n* - k + 1) with R's
 *   standardised innovations e.
 *
 * Forecasts propagate the filtered state at an origin through the transition matrix (R's
 * `KalmanForecast`), plus the mean or drift.
 */
import { InputError, describeValue } from '../errors';
import { classicalDecomposition } from './decompose';
import { solveLinear } from './linearSolve';
import { type OriginForecaster } from './forecaster';
import { assertFiniteSeries, assertInteger } from '../validate';

/** Orders of a seasonal ARIMA(p,d,q)(P,D,Q)[period] model. */
export interface ArimaOrder {
  readonly p: number;
  readonly d: number;
  readonly q: number;
  readonly P: number;
  readonly D: number;
  readonly Q: number;
  /** Seasonal period m (1 = none; then P, D and Q must be 0). */
  readonly period: number;
}

/** How the deterministic part enters: none, a mean (d + D = 0) or a drift (d + D = 1). */
export type ArimaConstantKind = 'none' | 'mean' | 'drift';

/** A fitted (or fully specified) ARIMA model. */
export interface ArimaFit {
  readonly order: ArimaOrder;
  /** Non-seasonal AR coefficients ar_1..ar_p (R's `ar1`, ...). */
  readonly ar: Float64Array;
  /** Non-seasonal MA coefficients ma_1..ma_q (R's sign: 1 + ma_1 B + ...). */
  readonly ma: Float64Array;
  /** Seasonal AR coefficients (lags m, 2m, ...). */
  readonly sar: Float64Array;
  /** Seasonal MA coefficients. */
  readonly sma: Float64Array;
  /** mean (d + D = 0) or drift (d + D = 1), 0 when not included */
  readonly constant: number;
  readonly constantKind: ArimaConstantKind;
  /** `forecast::Arima`'s innovation variance: sum of squared standardised innovations / (n* - k + 1). */
  readonly sigma2: number;
  /** Exact Gaussian log-likelihood (as R's `logLik`). */
  readonly loglik: number;
  readonly aicc: number;
  /** Observations fitted. */
  readonly n: number;
}

/** R's prior variance of the differencing states. */
export const ARIMA_KAPPA = 1e6;
/** Prediction variances at or above this leave the observation out of the likelihood (R). */
const DIFFUSE_GAIN = 1e4;
/** R's `optim` defaults for `arima`: BFGS, 100 iterations, reltol sqrt(eps), ndeps 1e-3. */
const BFGS_MAX_ITERATIONS = 100;
const BFGS_RELTOL = Math.sqrt(Number.EPSILON);
const GRADIENT_STEP = 1e-3;
/** auto.arima rejects models with an AR or MA root of modulus below this. */
const MIN_ROOT_MODULUS = 1.01;
/** R's `auto.arima` defaults (forecast 8.20). */
export const AUTO_ARIMA_DEFAULTS = {
  maxP: 5,
  maxQ: 5,
  maxSeasonalP: 2,
  maxSeasonalQ: 2,
  maxD: 2,
  maxSeasonalD: 1,
  startP: 2,
  startQ: 2,
  startSeasonalP: 1,
  startSeasonalQ: 1,
  maxModels: 94,
  /** KPSS level-stationarity test size. */
  kpssAlpha: 0.05,
  /** Seasonal strength above which one seasonal difference is taken (R's `seas.heuristic`). */
  seasonalStrength: 0.64,
} as const;
/** The KPSS (level) statistic's 5% critical value (Kwiatkowski et al. 1992, as urca tabulates it). */
const KPSS_CRITICAL_5PCT = 0.463;

// ---------------------------------------------------------------------------------------------
// Polynomials and parameter transforms
// ---------------------------------------------------------------------------------------------

/** Full AR and MA polynomials of the multiplicative model (R's `transPars` with trans = FALSE). */
interface Arma {
  /** phi_1..phi_{p+mP}: 1 - sum phi_k B^k. */
  readonly phi: Float64Array;
  /** theta_1..theta_{q+mQ}: 1 + sum theta_k B^k. */
  readonly theta: Float64Array;
}

/** The coefficients of a parameter vector laid out as R's: ar, ma, sar, sma, then the constant. */
interface Parts {
  ar: Float64Array;
  ma: Float64Array;
  sar: Float64Array;
  sma: Float64Array;
}

function splitParams(par: ArrayLike<number>, o: ArimaOrder): Parts {
  const take = (from: number, count: number): Float64Array => Float64Array.from({ length: count }, (_, i) => par[from + i]);
  return {
    ar: take(0, o.p),
    ma: take(o.p, o.q),
    sar: take(o.p + o.q, o.P),
    sma: take(o.p + o.q + o.P, o.Q),
  };
}

/** PACF-style raw values to stationary AR coefficients (R's `partrans`). */
function partrans(raw: Float64Array): Float64Array {
  const p = raw.length;
  const out = raw.map(Math.tanh);
  const work = Float64Array.from(out);
  for (let j = 1; j < p; j++) {
    const a = out[j];
    for (let k = 0; k < j; k++) work[k] -= a * out[j - k - 1];
    for (let k = 0; k < j; k++) out[k] = work[k];
  }
  return out;
}

/** Inverse of {@link partrans} (R's `invpartrans`). */
function invPartrans(phi: Float64Array): Float64Array {
  const p = phi.length;
  const out = Float64Array.from(phi);
  const work = Float64Array.from(phi);
  for (let j = p - 1; j > 0; j--) {
    const a = out[j];
    for (let k = 0; k < j; k++) work[k] = (out[k] + a * out[j - k - 1]) / (1 - a * a);
    for (let k = 0; k < j; k++) out[k] = work[k];
  }
  return out.map(Math.atanh);
}

/** Multiplies out the seasonal and non-seasonal polynomials. */
function expandArma(parts: Parts, m: number): Arma {
  const { ar, ma, sar, sma } = parts;
  const phi = new Float64Array(ar.length + m * sar.length);
  const theta = new Float64Array(ma.length + m * sma.length);
  phi.set(ar);
  theta.set(ma);
  for (let j = 0; j < sar.length; j++) {
    phi[(j + 1) * m - 1] += sar[j];
    for (let i = 0; i < ar.length; i++) phi[(j + 1) * m + i] -= ar[i] * sar[j];
  }
  for (let j = 0; j < sma.length; j++) {
    theta[(j + 1) * m - 1] += sma[j];
    for (let i = 0; i < ma.length; i++) theta[(j + 1) * m + i] += ma[i] * sma[j];
  }
  return { phi, theta };
}

/** The parameter vector's ARMA polynomials, optionally through R's AR transform. */
function armaOf(par: ArrayLike<number>, o: ArimaOrder, transform: boolean): Arma {
  const parts = splitParams(par, o);
  if (transform) {
    parts.ar = partrans(parts.ar);
    parts.sar = partrans(parts.sar);
  }
  return expandArma(parts, o.period);
}

/** Delta_1..Delta_{d+mD} with (1 - B)^d (1 - B^m)^D = 1 - sum Delta_k B^k. */
function differencingPolynomial(d: number, D: number, m: number): Float64Array {
  let poly = [1];
  const times = (factor: number[]): void => {
    const next = new Array<number>(poly.length + factor.length - 1).fill(0);
    poly.forEach((a, i) => factor.forEach((b, j) => (next[i + j] += a * b)));
    poly = next;
  };
  for (let i = 0; i < d; i++) times([1, -1]);
  const seasonal = new Array<number>(m + 1).fill(0);
  seasonal[0] = 1;
  seasonal[m] = -1;
  for (let i = 0; i < D; i++) times(seasonal);
  return Float64Array.from(poly.slice(1), (v) => -v);
}

/** Applies (1 - B)^d (1 - B^m)^D, dropping the first d + mD values. */
function difference(x: ArrayLike<number>, d: number, D: number, m: number): Float64Array {
  let w = Float64Array.from(x);
  for (let i = 0; i < d; i++) w = w.subarray(1).map((v, t) => v - w[t]);
  for (let i = 0; i < D; i++) w = w.subarray(m).map((v, t) => v - w[t]);
  return w;
}

/**
 * Whether every root of c[0] + c[1] z + ... + c[k] z^k has modulus above `radius` (coefficients
 * of magnitude <= 1e-8 at the top are dropped first, as R's checks do): the Schur-Cohn step-down
 * test on the reversed, rescaled polynomial.
 */
function rootsOutside(c: ArrayLike<number>, radius: number): boolean {
  let k = c.length - 1;
  while (k > 0 && Math.abs(c[k]) <= 1e-8) k--;
  if (k === 0) return true;
  // h(w) = w^k c(radius / w): its roots are radius / roots of c, inside the disc iff c's are outside.
  let h = Array.from({ length: k + 1 }, (_, i) => c[k - i] * radius ** (k - i));
  for (let deg = k; deg >= 1; deg--) {
    const ratio = h[0] / h[deg];
    if (!(Math.abs(ratio) < 1)) return false;
    const next = new Array<number>(deg);
    for (let i = 0; i < deg; i++) next[i] = h[i + 1] - ratio * h[deg - i - 1];
    h = next;
  }
  return true;
}

/** R's `arCheck`: the AR polynomial 1 - sum ar_i z^i has all roots outside the unit circle. */
function arStationary(ar: ArrayLike<number>): boolean {
  return rootsOutside([1, ...Array.from(ar, (v) => -v)], 1);
}

/** Complex roots of 1 + c_1 z + ... + c_k z^k (Durand-Kerner iteration; small k). */
function polynomialRoots(c: Float64Array): { re: Float64Array; im: Float64Array } {
  const k = c.length;
  const lead = c[k - 1];
  // Monic coefficients a_0..a_{k-1} of z^k + ...: a_i = coefficient of z^i / lead.
  const a = Float64Array.from({ length: k }, (_, i) => (i === 0 ? 1 : c[i - 1]) / lead);
  const re = new Float64Array(k);
  const im = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    // (0.4 + 0.9i)^i: the usual non-real, non-symmetric start.
    const angle = i * Math.atan2(0.9, 0.4);
    const radius = Math.hypot(0.4, 0.9) ** i;
    re[i] = radius * Math.cos(angle);
    im[i] = radius * Math.sin(angle);
  }
  for (let iteration = 0; iteration < 1000; iteration++) {
    let change = 0;
    for (let i = 0; i < k; i++) {
      // p(z_i) by Horner, and prod_{j != i} (z_i - z_j).
      let pr = 1;
      let pi = 0;
      for (let j = k - 1; j >= 0; j--) [pr, pi] = [pr * re[i] - pi * im[i] + a[j], pr * im[i] + pi * re[i]];
      let qr = 1;
      let qi = 0;
      for (let j = 0; j < k; j++) {
        if (j === i) continue;
        const dr = re[i] - re[j];
        const di = im[i] - im[j];
        [qr, qi] = [qr * dr - qi * di, qr * di + qi * dr];
      }
      const den = qr * qr + qi * qi || Number.MIN_VALUE;
      const sr = (pr * qr + pi * qi) / den;
      const si = (pi * qr - pr * qi) / den;
      re[i] -= sr;
      im[i] -= si;
      change = Math.max(change, Math.hypot(sr, si));
    }
    if (change < 1e-15) break;
  }
  return { re, im };
}

/** R's `maInvert`: reflects MA roots inside the unit circle to their reciprocals. */
function maInvert(ma: Float64Array): Float64Array {
  let q0 = ma.length;
  while (q0 > 0 && ma[q0 - 1] === 0) q0--;
  if (q0 === 0) return Float64Array.from(ma);
  const { re, im } = polynomialRoots(ma.subarray(0, q0));
  let inside = false;
  for (let i = 0; i < q0; i++) if (Math.hypot(re[i], im[i]) < 1) inside = true;
  if (!inside) return Float64Array.from(ma);
  const out = new Float64Array(ma.length);
  if (q0 === 1) {
    out[0] = 1 / ma[0];
    return out;
  }
  // Rebuild prod (1 - z / root) from the reflected roots.
  let xr = [1];
  let xi = [0];
  for (let i = 0; i < q0; i++) {
    let rr = re[i];
    let ri = im[i];
    const mod2 = rr * rr + ri * ri;
    if (Math.sqrt(mod2) < 1) [rr, ri] = [rr / mod2, -ri / mod2];
    const m2 = rr * rr + ri * ri;
    const [ir, ii] = [rr / m2, -ri / m2]; // 1 / root
    const nr = [...xr, 0];
    const ni = [...xi, 0];
    for (let j = 0; j < xr.length; j++) {
      nr[j + 1] -= xr[j] * ir - xi[j] * ii;
      ni[j + 1] -= xr[j] * ii + xi[j] * ir;
    }
    xr = nr;
    xi = ni;
  }
  for (let i = 0; i < q0; i++) out[i] = xr[i + 1];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Stationary covariance of the ARMA state and the Kalman filter
// ---------------------------------------------------------------------------------------------

/**
 * Autocovariances gamma(0..maxLag) of the ARMA process with unit innovation variance, and its
 * psi weights psi_0..psi_maxLag (Brockwell & Davis, 3.3).
 */
function armaAutocovariances(phi: Float64Array, theta: Float64Array, maxLag: number): { gamma: Float64Array; psi: Float64Array } | null {
  const p = phi.length;
  const q = theta.length;
  const th = (j: number): number => (j === 0 ? 1 : j <= q ? theta[j - 1] : 0);
  const len = Math.max(maxLag, q, p) + 1;
  const psi = new Float64Array(len);
  for (let j = 0; j < len; j++) {
    let s = th(j);
    for (let i = 1; i <= Math.min(j, p); i++) s += phi[i - 1] * psi[j - i];
    psi[j] = s;
  }
  const rhs = (k: number): number => {
    let s = 0;
    for (let j = k; j <= q; j++) s += th(j) * psi[j - k];
    return s;
  };
  const gamma = new Float64Array(len);
  if (p > 0) {
    const a = Array.from({ length: p + 1 }, () => new Float64Array(p + 1));
    const b = new Float64Array(p + 1);
    for (let k = 0; k <= p; k++) {
      a[k][k] += 1;
      for (let j = 1; j <= p; j++) a[k][Math.abs(k - j)] -= phi[j - 1];
      b[k] = rhs(k);
    }
    const g = solveLinear(a, b);
    if (g === null) return null;
    gamma.set(g);
  }
  for (let k = p > 0 ? p + 1 : 0; k < len; k++) {
    let s = rhs(k);
    for (let j = 1; j <= p; j++) s += phi[j - 1] * gamma[k - j];
    gamma[k] = s;
  }
  return { gamma, psi };
}

/**
 * Covariance (r x r, row-major) of the ARMA state a_t[i] = sum_{j>=0} phi_{i+j+1} X_{t-1-j} +
 * theta_{i+j} e_{t-j} for unit innovation variance: R's `getQ0`. Null when the AR part is not
 * stationary enough to have one.
 */
function stationaryCovariance(phi: Float64Array, theta: Float64Array, r: number): Float64Array | null {
  const out = new Float64Array(r * r);
  if (r === 1) {
    out[0] = phi.length > 0 ? 1 / (1 - phi[0] * phi[0]) : 1;
    return out;
  }
  const acov = armaAutocovariances(phi, theta, r);
  if (acov === null) return null;
  const { gamma, psi } = acov;
  const ph = (k: number): number => (k >= 1 && k <= phi.length ? phi[k - 1] : 0);
  const th = (k: number): number => (k === 0 ? 1 : k <= theta.length ? theta[k - 1] : 0);
  for (let i = 0; i < r; i++) {
    for (let l = i; l < r; l++) {
      let s = 0;
      for (let j = 0; j < r - i; j++) {
        const a = ph(i + j + 1);
        const ta = th(i + j);
        if (j < r - l) s += ta * th(l + j);
        for (let k = 0; k < r - l; k++) {
          const b = ph(l + k + 1);
          if (a !== 0) {
            if (b !== 0) s += a * b * gamma[Math.abs(j - k)];
            if (k >= j + 1) s += a * th(l + k) * psi[k - 1 - j];
          }
          if (b !== 0 && ta !== 0 && j >= k + 1) s += ta * b * psi[j - 1 - k];
        }
      }
      out[i * r + l] = s;
      out[l * r + i] = s;
    }
  }
  return out;
}

function nonZero(v: Float64Array): [Int32Array, Float64Array] {
  const at: number[] = [];
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) at.push(i);
  return [Int32Array.from(at), Float64Array.from(at, (i) => v[i])];
}

/** Kalman filter of R's `ARIMA_Like` over the state-space form (see the module comment). */
class ArimaFilter {
  readonly r: number;
  readonly rd: number;
  readonly a: Float64Array;
  private readonly phi: Float64Array;
  private readonly theta: Float64Array;
  private readonly delta: Float64Array;
  private readonly P: Float64Array;
  private readonly Pnew: Float64Array;
  private readonly mm: Float64Array;
  private readonly anew: Float64Array;
  private readonly M: Float64Array;
  /** Positions and values of the non-zero phi and delta coefficients. */
  private readonly phiAt: Int32Array;
  private readonly phiVal: Float64Array;
  private readonly deltaAt: Int32Array;
  private readonly deltaVal: Float64Array;
  private started = false;
  ssq = 0;
  sumlog = 0;
  nu = 0;
  /** Sum of squared standardised innovations, all observations (R's `residuals`). */
  sumResid2 = 0;

  private constructor(arma: Arma, delta: Float64Array, q0: Float64Array) {
    const r = Math.max(arma.phi.length, arma.theta.length + 1);
    this.r = r;
    this.rd = r + delta.length;
    this.phi = arma.phi;
    this.theta = arma.theta;
    this.delta = delta;
    [this.phiAt, this.phiVal] = nonZero(arma.phi);
    [this.deltaAt, this.deltaVal] = nonZero(delta);
    const rd = this.rd;
    this.a = new Float64Array(rd);
    this.anew = new Float64Array(rd);
    this.M = new Float64Array(rd);
    this.P = new Float64Array(rd * rd);
    this.mm = new Float64Array(rd * rd);
    this.Pnew = new Float64Array(rd * rd);
    for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) this.Pnew[i * rd + j] = q0[i * r + j];
    for (let i = r; i < rd; i++) this.Pnew[i * rd + i] = ARIMA_KAPPA;
  }

  /** A filter at its initial state; null when the ARMA part has no stationary covariance. */
  static create(arma: Arma, delta: Float64Array): ArimaFilter | null {
    const r = Math.max(arma.phi.length, arma.theta.length + 1);
    const q0 = stationaryCovariance(arma.phi, arma.theta, r);
    return q0 === null ? null : new ArimaFilter(arma, delta, q0);
  }

  /** anew = T a. */
  private predictMean(): void {
    const { r, rd, a, anew, phi, delta } = this;
    for (let i = 0; i < r; i++) anew[i] = (i < r - 1 ? a[i + 1] : 0) + (i < phi.length ? phi[i] * a[0] : 0);
    if (rd > r) {
      let s = a[0];
      for (let k = 0; k < delta.length; k++) s += delta[k] * a[r + k];
      anew[r] = s;
      for (let i = r + 1; i < rd; i++) anew[i] = a[i - 1];
    }
  }

  /** Pnew = T P T' + R R' (T is sparse: shifts, the non-zero phi and delta coefficients). */
  private predictCovariance(): void {
    const { r, rd, P, mm, Pnew, phiAt, phiVal, deltaAt, deltaVal } = this;
    // mm = T P.
    for (let i = 0; i < r; i++) {
      const row = i * rd;
      if (i < r - 1) for (let j = 0; j < rd; j++) mm[row + j] = P[row + rd + j];
      else for (let j = 0; j < rd; j++) mm[row + j] = 0;
    }
    for (let k = 0; k < phiAt.length; k++) {
      const row = phiAt[k] * rd;
      const f = phiVal[k];
      for (let j = 0; j < rd; j++) mm[row + j] += f * P[j];
    }
    if (rd > r) {
      const row = r * rd;
      for (let j = 0; j < rd; j++) mm[row + j] = P[j];
      for (let k = 0; k < deltaAt.length; k++) {
        const from = (r + deltaAt[k]) * rd;
        const f = deltaVal[k];
        for (let j = 0; j < rd; j++) mm[row + j] += f * P[from + j];
      }
      for (let j = r * rd; j < (rd - 1) * rd; j++) mm[j + rd] = P[j];
    }
    // Pnew = mm T'.
    for (let i = 0; i < rd; i++) {
      const row = i * rd;
      const m0 = mm[row];
      for (let j = 0; j < r - 1; j++) Pnew[row + j] = mm[row + j + 1];
      Pnew[row + r - 1] = 0;
      for (let k = 0; k < phiAt.length; k++) Pnew[row + phiAt[k]] += phiVal[k] * m0;
      if (rd > r) {
        let s = m0;
        for (let k = 0; k < deltaAt.length; k++) s += deltaVal[k] * mm[row + r + deltaAt[k]];
        Pnew[row + r] = s;
        for (let j = r + 1; j < rd; j++) Pnew[row + j] = mm[row + j - 1];
      }
    }
    const { theta } = this;
    const q = theta.length;
    for (let i = 0; i <= q; i++) {
      const vi = i === 0 ? 1 : theta[i - 1];
      if (vi === 0) continue;
      for (let j = 0; j <= q; j++) Pnew[i * rd + j] += vi * (j === 0 ? 1 : theta[j - 1]);
    }
  }

  /** Filters one observation (already net of the constant). */
  step(y: number): void {
    const { r, rd, a, anew, M, P, Pnew, deltaAt, deltaVal } = this;
    this.predictMean();
    if (this.started) this.predictCovariance();
    this.started = true;
    let resid = y - anew[0];
    for (let k = 0; k < deltaAt.length; k++) resid -= deltaVal[k] * anew[r + deltaAt[k]];
    for (let i = 0; i < rd; i++) {
      const row = i * rd;
      let s = Pnew[row];
      for (let k = 0; k < deltaAt.length; k++) s += Pnew[row + r + deltaAt[k]] * deltaVal[k];
      M[i] = s;
    }
    let gain = M[0];
    for (let k = 0; k < deltaAt.length; k++) gain += deltaVal[k] * M[r + deltaAt[k]];
    if (gain < DIFFUSE_GAIN) {
      this.nu++;
      this.ssq += (resid * resid) / gain;
      this.sumlog += Math.log(gain);
    }
    this.sumResid2 += (resid * resid) / gain;
    for (let i = 0; i < rd; i++) a[i] = anew[i] + (M[i] * resid) / gain;
    for (let i = 0; i < rd; i++) {
      const mi = M[i] / gain;
      const row = i * rd;
      for (let j = 0; j < rd; j++) P[row + j] = Pnew[row + j] - mi * M[j];
    }
  }

  /** R's ML objective: 0.5 (log(ssq / nu) + sumlog / nu). */
  objective(): number {
    return 0.5 * (Math.log(this.ssq / this.nu) + this.sumlog / this.nu);
  }
}

/** h-step means from a filtered state (R's `KalmanForecast`), without the constant. */
function forecastFromState(state: Float64Array, phi: Float64Array, delta: Float64Array, r: number, horizon: number): Float64Array {
  const rd = state.length;
  let a = Float64Array.from(state);
  let next = new Float64Array(rd);
  const out = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) {
    for (let i = 0; i < r; i++) next[i] = (i < r - 1 ? a[i + 1] : 0) + (i < phi.length ? phi[i] * a[0] : 0);
    if (rd > r) {
      let s = a[0];
      for (let k = 0; k < delta.length; k++) s += delta[k] * a[r + k];
      next[r] = s;
      for (let i = r + 1; i < rd; i++) next[i] = a[i - 1];
    }
    [a, next] = [next, a];
    let f = a[0];
    for (let k = 0; k < delta.length; k++) f += delta[k] * a[r + k];
    out[h] = f;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Objectives and optimiser
// ---------------------------------------------------------------------------------------------

/** The regression column of the constant at (0-based) position t. */
function regressor(kind: ArimaConstantKind, t: number): number {
  return kind === 'drift' ? t + 1 : kind === 'mean' ? 1 : 0;
}

function adjusted(x: Float64Array, kind: ArimaConstantKind, beta: number): Float64Array {
  return kind === 'none' ? x : x.map((v, t) => v - beta * regressor(kind, t));
}

/** Runs the filter over x; null when the model has no stationary start. */
function runFilter(x: Float64Array, arma: Arma, delta: Float64Array, visit?: (t: number, f: ArimaFilter) => void): ArimaFilter | null {
  const filter = ArimaFilter.create(arma, delta);
  if (filter === null) return null;
  for (let t = 0; t < x.length; t++) {
    filter.step(x[t]);
    visit?.(t, filter);
  }
  return filter;
}

/** R's in-place differencing in `ARIMA_CSS` (the first d + mD values are left part-differenced). */
function cssDifference(x: ArrayLike<number>, o: ArimaOrder): Float64Array {
  const n = x.length;
  const w = Float64Array.from(x);
  for (let i = 0; i < o.d; i++) for (let l = n - 1; l > 0; l--) w[l] -= w[l - 1];
  for (let i = 0; i < o.D; i++) for (let l = n - 1; l >= o.period; l--) w[l] -= w[l - o.period];
  return w;
}

/** R's `ARIMA_CSS` on differenced data w: the mean squared conditional residual from ncond on. */
function cssMeanSquare(w: Float64Array, arma: Arma, ncond: number): number {
  const n = w.length;
  const { phi, theta } = arma;
  const resid = new Float64Array(n);
  let ssq = 0;
  for (let l = ncond; l < n; l++) {
    let s = w[l];
    for (let j = 0; j < phi.length; j++) s -= phi[j] * w[l - j - 1];
    const top = Math.min(l - ncond, theta.length);
    for (let j = 0; j < top; j++) s -= theta[j] * resid[l - j - 1];
    resid[l] = s;
    ssq += s * s;
  }
  return ssq / (n - ncond);
}

/** The CSS mean square as a function of the parameter vector (differencing done once). */
function cssFunction(x: Float64Array, o: ArimaOrder, kind: ArimaConstantKind, ncond: number): (par: ArrayLike<number>) => number {
  const narma = countArma(o);
  const wx = cssDifference(x, o);
  const wz = kind === 'none' ? null : cssDifference(Float64Array.from(x, (_, t) => regressor(kind, t)), o);
  const w = new Float64Array(x.length);
  return (par) => {
    if (wz === null) return cssMeanSquare(wx, armaOf(par, o, false), ncond);
    const beta = par[narma];
    for (let t = 0; t < w.length; t++) w[t] = wx[t] - beta * wz[t];
    return cssMeanSquare(w, armaOf(par, o, false), ncond);
  };
}

interface Minimum {
  readonly x: Float64Array;
  readonly value: number;
  readonly converged: boolean;
}

/** Central-difference gradient on the scaled parameters; null when not finite (R errors). */
function gradient(f: (s: Float64Array) => number, s: Float64Array): Float64Array | null {
  const g = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const keep = s[i];
    s[i] = keep + GRADIENT_STEP;
    const up = f(s);
    s[i] = keep - GRADIENT_STEP;
    const down = f(s);
    s[i] = keep;
    g[i] = (up - down) / (2 * GRADIENT_STEP);
    if (!Number.isFinite(g[i])) return null;
  }
  return g;
}

/**
 * A port of R's `vmmin` (the BFGS of `optim`) on parameters scaled by `parscale`, with numerical
 * gradients; null where R's optim would stop with an error (non-finite start or gradient).
 */
function bfgs(fn: (x: Float64Array) => number, start: Float64Array, parscale: Float64Array, maxit = BFGS_MAX_ITERATIONS): Minimum | null {
  const n = start.length;
  const f = scaledObjective(fn, parscale, n);
  const b = start.map((v, i) => v / parscale[i]);
  const fmin = f(b);
  if (!Number.isFinite(fmin)) return null;
  const unscale = (s: Float64Array): Float64Array => s.map((v, i) => v * parscale[i]);
  if (maxit <= 0 || n === 0) return { x: unscale(b), value: fmin, converged: true };
  const g = gradient(f, b);
  if (g === null) return null;
  const s: BfgsState = {
    f,
    b,
    fmin,
    g,
    B: Array.from({ length: n }, () => new Float64Array(n)),
    X: new Float64Array(n),
    c: new Float64Array(n),
    t: new Float64Array(n),
    iter: 1,
    gradcount: 1,
    ilast: 1,
    count: 0,
  };
  do {
    if (s.ilast === s.gradcount) for (let i = 0; i < n; i++) s.B[i].fill(0)[i] = 1;
    s.X.set(s.b);
    s.c.set(s.g);
    const gradproj = descentDirection(s);
    if (gradproj < 0) {
      if (!takeStep(s, gradproj)) return null;
    } else {
      s.count = 0;
      if (s.ilast === s.gradcount) s.count = n;
      else s.ilast = s.gradcount;
    }
    if (s.iter >= maxit) break;
    if (s.gradcount - s.ilast > 2 * n) s.ilast = s.gradcount;
  } while (s.count !== n || s.ilast !== s.gradcount);
  return { x: unscale(s.b), value: s.fmin, converged: s.iter < maxit };
}

/** `fn` on `n` parameters divided by `parscale` (evaluated at `s * parscale`), NaN read as `Infinity`. */
function scaledObjective(fn: (x: Float64Array) => number, parscale: Float64Array, n: number): (s: Float64Array) => number {
  const scratch = new Float64Array(n);
  return (s: Float64Array): number => {
    for (let i = 0; i < n; i++) scratch[i] = s[i] * parscale[i];
    const v = fn(scratch);
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
  };
}

/** The state of {@link bfgs} between iterations, named as in R's `vmmin`. */
interface BfgsState {
  /** The scaled objective. */
  readonly f: (s: Float64Array) => number;
  /** The current point (scaled), moved in place by the line search. */
  readonly b: Float64Array;
  /** `f` at the last accepted point. */
  fmin: number;
  /** Gradient at the last accepted point. */
  g: Float64Array;
  /** Inverse Hessian approximation. */
  readonly B: Float64Array[];
  /** The point at the start of the iteration (then scratch for the update). */
  readonly X: Float64Array;
  /** The gradient at the start of the iteration, then its change. */
  readonly c: Float64Array;
  /** The search direction, then the step taken. */
  readonly t: Float64Array;
  /** Iterations (accepted steps) so far, from 1. */
  iter: number;
  /** Gradients computed so far. */
  gradcount: number;
  /** `gradcount` when B was last reset to the identity (a reset is due when equal). */
  ilast: number;
  /** Coordinates the last step left unchanged (`n`: no progress). */
  count: number;
}

/** Sets the search direction t = -B g and returns its projection on g (negative: descent). */
function descentDirection(s: BfgsState): number {
  const { B, g, t } = s;
  const n = t.length;
  let gradproj = 0;
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let j = 0; j < n; j++) v -= B[i][j] * g[j];
    t[i] = v;
    gradproj += v * g[i];
  }
  return gradproj;
}

/** Line search along t and, on progress, the gradient and B update; false when the new gradient is not finite. */
function takeStep(s: BfgsState, gradproj: number): boolean {
  const n = s.t.length;
  const { steplength, value } = backtrack(s, gradproj);
  const enough = Math.abs(value - s.fmin) > BFGS_RELTOL * (Math.abs(s.fmin) + BFGS_RELTOL);
  if (!enough) {
    s.count = n;
    s.fmin = value;
  }
  if (s.count < n) {
    s.fmin = value;
    const g = gradient(s.f, s.b);
    if (g === null) return false;
    s.g = g;
    s.gradcount++;
    s.iter++;
    updateAfterStep(s, steplength);
  } else if (s.ilast < s.gradcount) {
    s.count = 0;
    s.ilast = s.gradcount;
  }
  return true;
}

/** Backtracks from step 1 by factors of 0.2 until the Armijo condition holds or the step no longer moves b. */
function backtrack(s: BfgsState, gradproj: number): { steplength: number; value: number } {
  const { f, b, X, t } = s;
  const n = t.length;
  let steplength = 1;
  let accpoint = false;
  let value = s.fmin;
  let count: number;
  do {
    count = 0;
    for (let i = 0; i < n; i++) {
      b[i] = X[i] + steplength * t[i];
      if (10 + X[i] === 10 + b[i]) count++;
    }
    if (count < n) {
      value = f(b);
      accpoint = Number.isFinite(value) && value <= s.fmin + gradproj * steplength * 1e-4;
      if (!accpoint) steplength *= 0.2;
    }
  } while (!(count === n || accpoint));
  s.count = count;
  return { steplength, value };
}

/** Turns t into the step taken and c into the gradient change, then updates B (or schedules a reset when the curvature is not positive). */
function updateAfterStep(s: BfgsState, steplength: number): void {
  const { B, X, c, t, g } = s;
  let d1 = 0;
  for (let i = 0; i < t.length; i++) {
    t[i] *= steplength;
    c[i] = g[i] - c[i];
    d1 += t[i] * c[i];
  }
  if (d1 > 0) updateInverseHessian(B, t, c, X, d1);
  else s.ilast = s.gradcount;
}

/** The BFGS update of the inverse Hessian approximation B (lower and upper kept equal). */
function updateInverseHessian(B: Float64Array[], t: Float64Array, c: Float64Array, X: Float64Array, d1: number): void {
  const n = t.length;
  let d2 = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += B[i][j] * c[j];
    X[i] = s;
    d2 += s * c[i];
  }
  d2 = 1 + d2 / d1;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      B[i][j] += (d2 * t[i] * t[j] - X[i] * t[j] - t[i] * X[j]) / d1;
      B[j][i] = B[i][j];
    }
  }
}

/**
 * Whether R's coefficient variances would all be defined (forecast's `checkarima`): the
 * numerical Hessian (R's `optimhess`) at `x` is invertible and diag(A' H^-1 A) >= 0, A the
 * Jacobian of the parameter transform (identity without one).
 */
function variancesDefined(fn: (x: Float64Array) => number, x: Float64Array, parscale: Float64Array, jacobian: Float64Array[] | null): boolean {
  const n = x.length;
  if (n === 0) return true;
  const s = x.map((v, i) => v / parscale[i]);
  const f = (y: Float64Array): number => fn(y.map((v, i) => v * parscale[i]));
  // R's optimhess: central differences of central-difference gradients, i.e. for i != j
  // (f(+i+j) - f(+i-j) - f(-i+j) + f(-i-j)) / 4h^2, and (f(+2i) - 2 f + f(-2i)) / 4h^2.
  const h = GRADIENT_STEP;
  const at = (i: number, a: number, j: number, b: number): number => {
    const y = Float64Array.from(s);
    y[i] += a;
    y[j] += b;
    return f(y);
  };
  const centre = f(s);
  const H = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    H[i][i] = (at(i, 2 * h, i, 0) - 2 * centre + at(i, -2 * h, i, 0)) / (4 * h * h * parscale[i] * parscale[i]);
    for (let j = i + 1; j < n; j++) {
      const v = (at(i, h, j, h) - at(i, h, j, -h) - at(i, -h, j, h) + at(i, -h, j, -h)) / (4 * h * h * parscale[i] * parscale[j]);
      H[i][j] = v;
      H[j][i] = v;
    }
  }
  if (!H.every((row) => row.every(Number.isFinite))) return false;
  const sym = H;
  for (let col = 0; col < n; col++) {
    const e = new Float64Array(n);
    const a = jacobian === null ? (e[col] = 1, e) : Float64Array.from({ length: n }, (_, i) => jacobian[i][col]);
    const z = solveLinear(sym.map((row) => Float64Array.from(row)), Float64Array.from(a));
    if (z === null) return false;
    let v = 0;
    for (let i = 0; i < n; i++) v += a[i] * z[i];
    if (Number.isNaN(Math.sqrt(v))) return false;
  }
  return true;
}

/** R's `ARIMA_Gradtrans`: forward-difference Jacobian (row i, column j: d trans_j / d raw_i). */
function transformJacobian(raw: Float64Array, o: ArimaOrder): Float64Array[] {
  const n = raw.length;
  const A = Array.from({ length: n }, (_, i) => {
    const row = new Float64Array(n);
    row[i] = 1;
    return row;
  });
  const block = (from: number, count: number): void => {
    const w = raw.slice(from, from + count);
    const base = partrans(w);
    for (let i = 0; i < count; i++) {
      w[i] += 1e-3;
      const moved = partrans(w);
      for (let j = 0; j < count; j++) A[from + i][from + j] = (moved[j] - base[j]) / 1e-3;
      w[i] -= 1e-3;
    }
  };
  block(0, o.p);
  block(o.p + o.q, o.P);
  return A;
}

// ---------------------------------------------------------------------------------------------
// Fitting
// ---------------------------------------------------------------------------------------------

/** What one fit produced, as R's `arima` object has it. */
interface RawFit {
  readonly order: ArimaOrder;
  readonly kind: ArimaConstantKind;
  /** Final coefficients: ar, ma, sar, sma, then the constant when there is one. */
  readonly coef: Float64Array;
  /** Coefficients estimated (R's sum(mask)). */
  readonly estimated: number;
  readonly loglik: number;
  /** R's `arima` sigma2 (ssq / n.used for ML, the CSS mean square for CSS). */
  readonly arimaSigma2: number;
  /** forecast's sigma2. */
  readonly sigma2: number;
  readonly aic: number;
  readonly n: number;
  /** Whether R's variances are defined (checkarima). */
  readonly variancesOk: boolean;
}

/** Regression start of the constant and its parameter scale (R: lm on the differenced data). */
function regressionStart(x: Float64Array, o: ArimaOrder, kind: ArimaConstantKind): { beta: number; scale: number } {
  const column = Float64Array.from(x, (_, t) => regressor(kind, t));
  let dx = difference(x, o.d, o.D, o.period);
  let dz = difference(column, o.d, o.D, o.period);
  let zz = 0;
  for (const v of dz) zz += v * v;
  if (!(dx.length > 1 && zz > 0)) {
    dx = x;
    dz = column;
    zz = 0;
    for (const v of dz) zz += v * v;
  }
  let xz = 0;
  for (let i = 0; i < dx.length; i++) xz += dx[i] * dz[i];
  const beta = xz / zz;
  let rss = 0;
  for (let i = 0; i < dx.length; i++) rss += (dx[i] - beta * dz[i]) ** 2;
  const se = Math.sqrt(rss / Math.max(dx.length - 1, 1) / zz);
  return { beta, scale: se > 0 ? 10 * se : 1 };
}

function countArma(o: ArimaOrder): number {
  return o.p + o.q + o.P + o.Q;
}

/** The ML objective of R's `armafn` for a full parameter vector. */
function mlObjective(x: Float64Array, o: ArimaOrder, kind: ArimaConstantKind, delta: Float64Array, transform: boolean) {
  const narma = countArma(o);
  return (par: ArrayLike<number>): number => {
    const arma = armaOf(par, o, transform);
    const filter = runFilter(kind === 'none' ? x : adjusted(x, kind, par[narma]), arma, delta);
    if (filter === null) return Number.MAX_VALUE;
    const v = filter.objective();
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
}

/** R's `arima(..., method = "CSS")` or `"CSS-ML"`; null where R's arima would stop with an error. */
function fitRaw(x: Float64Array, o: ArimaOrder, kind: ArimaConstantKind, method: 'CSS' | 'CSS-ML'): RawFit | null {
  const n = x.length;
  const m = o.period;
  const delta = differencingPolynomial(o.d, o.D, m);
  const narma = countArma(o);
  const nUsed = n - delta.length;
  const ncond = o.d + o.D * m + o.p + m * o.P;
  let init = new Float64Array(narma + (kind === 'none' ? 0 : 1));
  const parscale = new Float64Array(init.length).fill(1);
  if (kind !== 'none') {
    const start = regressionStart(x, o, kind);
    init[narma] = start.beta;
    parscale[narma] = start.scale;
  }
  const meanSquare = cssFunction(x, o, kind, ncond);
  const css = (par: ArrayLike<number>): number => 0.5 * Math.log(meanSquare(par));
  const cssFit = bfgs(css, init, parscale);
  if (cssFit === null) return null;
  if (method === 'CSS') {
    const coef = cssFit.x;
    const sigma2 = meanSquare(coef);
    const loglik = -0.5 * (2 * nUsed * cssFit.value + nUsed + nUsed * Math.log(2 * Math.PI));
    const ok = variancesDefined(css, coef, parscale, null);
    return { order: o, kind, coef, estimated: coef.length, loglik, arimaSigma2: sigma2, sigma2, aic: Number.NaN, n, variancesOk: ok };
  }
  if (cssFit.converged) init = cssFit.x;
  const parts = splitParams(init, o);
  if (!arStationary(parts.ar) || !arStationary(parts.sar)) return null;
  return fitMl(x, o, kind, init, parscale, delta);
}

/** The exact-ML stage of "CSS-ML" from `init` (R's transform, BFGS, MA reflection). */
function fitMl(x: Float64Array, o: ArimaOrder, kind: ArimaConstantKind, init: Float64Array, parscale: Float64Array, delta: Float64Array): RawFit | null {
  const n = x.length;
  const nUsed = n - delta.length;
  const start = transformedStart(init, o);
  const objective = mlObjective(x, o, kind, delta, true);
  const ml = bfgs(objective, start, parscale);
  if (ml === null) return null;
  let coef = ml.x;
  let value = ml.value;
  const reflected = reflectMa(coef, o);
  if (reflected.some((v, i) => v !== coef[i])) {
    coef = reflected;
    value = objective(coef);
  }
  const ok = variancesDefined(objective, coef, parscale, transformJacobian(coef, o));
  const final = untransform(coef, o);
  return finishMl(x, o, kind, final, value, coef.length, ok, nUsed);
}

function transformedStart(init: Float64Array, o: ArimaOrder): Float64Array {
  const start = Float64Array.from(init);
  start.set(invPartrans(init.subarray(0, o.p)), 0);
  start.set(invPartrans(init.subarray(o.p + o.q, o.p + o.q + o.P)), o.p + o.q);
  return reflectMa(start, o);
}

function reflectMa(par: Float64Array, o: ArimaOrder): Float64Array {
  const out = Float64Array.from(par);
  if (o.q > 0) out.set(maInvert(par.slice(o.p, o.p + o.q)), o.p);
  if (o.Q > 0) out.set(maInvert(par.slice(o.p + o.q + o.P, o.p + o.q + o.P + o.Q)), o.p + o.q + o.P);
  return out;
}

function untransform(par: Float64Array, o: ArimaOrder): Float64Array {
  const out = Float64Array.from(par);
  out.set(partrans(par.slice(0, o.p)), 0);
  out.set(partrans(par.slice(o.p + o.q, o.p + o.q + o.P)), o.p + o.q);
  return out;
}

/** Log-likelihood, AIC and variances at final coefficients and objective value (R's last steps). */
function finishMl(x: Float64Array, o: ArimaOrder, kind: ArimaConstantKind, coef: Float64Array, value: number, estimated: number, ok: boolean, nUsed: number): RawFit | null {
  const narma = countArma(o);
  const delta = differencingPolynomial(o.d, o.D, o.period);
  const filter = runFilter(kind === 'none' ? x : adjusted(x, kind, coef[narma]), armaOf(coef, o, false), delta);
  if (filter === null) return null;
  const minus2 = 2 * nUsed * value + nUsed + nUsed * Math.log(2 * Math.PI);
  const nstar = x.length - o.d - o.D * o.period;
  const npar = estimated + 1;
  return {
    order: o,
    kind,
    coef,
    estimated,
    loglik: -0.5 * minus2,
    arimaSigma2: filter.ssq / nUsed,
    sigma2: filter.sumResid2 / (nstar - npar + 1),
    aic: minus2 + 2 * estimated + 2,
    n: x.length,
    variancesOk: ok,
  };
}

/** AICc as forecast's `Arima`/`myarima` compute it (from R's aic). */
function aiccOf(aic: number, estimated: number, nstar: number): number {
  const npar = estimated + 1;
  return aic + (2 * npar * (npar + 1)) / (nstar - npar - 1);
}

function toFit(raw: RawFit): ArimaFit {
  const parts = splitParams(raw.coef, raw.order);
  const narma = countArma(raw.order);
  const nstar = raw.n - raw.order.d - raw.order.D * raw.order.period;
  return {
    order: raw.order,
    ...parts,
    constant: raw.kind === 'none' ? 0 : raw.coef[narma],
    constantKind: raw.kind,
    sigma2: raw.sigma2,
    loglik: raw.loglik,
    aicc: aiccOf(raw.aic, raw.estimated, nstar),
    n: raw.n,
  };
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

function validateOrder(order: ArimaOrder): ArimaOrder {
  if (order === null || typeof order !== 'object') {
    throw new InputError(`order must be an object {p, d, q, P, D, Q, period}, got ${describeValue(order)}`, { argument: 'order', value: order });
  }
  for (const key of ['p', 'd', 'q', 'P', 'D', 'Q'] as const) assertInteger(`order.${key}`, order[key], 0);
  assertInteger('order.period', order.period, 1);
  if (order.period === 1 && order.P + order.D + order.Q > 0) {
    throw new InputError(`a seasonal order (P, D, Q) needs order.period >= 2, got ${describeValue(order.period)}`, {
      argument: 'order.period',
      value: order.period,
    });
  }
  const { p, d, q, P, D, Q, period } = order;
  return { p, d, q, P, D, Q, period };
}

function validateConstant(kind: unknown, o: ArimaOrder): ArimaConstantKind {
  if (kind !== 'none' && kind !== 'mean' && kind !== 'drift') {
    throw new InputError(`constant must be 'none', 'mean' or 'drift', got ${describeValue(kind)}`, { argument: 'constant', value: kind });
  }
  const diffs = o.d + o.D;
  if ((kind === 'mean' && diffs !== 0) || (kind === 'drift' && diffs !== 1)) {
    throw new InputError(`constant '${kind}' needs d + D = ${kind === 'mean' ? 0 : 1}, got ${diffs}`, { argument: 'constant', value: kind });
  }
  return kind;
}

/** Fewest observations for an order: more than the conditioning lags, and n* > k + 1 for AICc. */
function minimumLength(o: ArimaOrder, kind: ArimaConstantKind): number {
  const ncond = o.d + o.D * o.period + o.p + o.period * o.P;
  const npar = countArma(o) + (kind === 'none' ? 0 : 1) + 1;
  return Math.max(ncond + 1, o.d + o.D * o.period + npar + 2);
}

// ---------------------------------------------------------------------------------------------
// Public API: fitting and forecasting
// ---------------------------------------------------------------------------------------------

/** Fixed coefficients for {@link fitArima} (R's `Arima(..., fixed = ...)`): nothing is estimated. */
export interface ArimaCoefficients {
  readonly ar?: ArrayLike<number>;
  readonly ma?: ArrayLike<number>;
  readonly sar?: ArrayLike<number>;
  readonly sma?: ArrayLike<number>;
  /** The mean or drift (ignored with constant 'none'). @defaultValue 0 */
  readonly constant?: number;
}

/** Options of {@link fitArima}. */
export interface FitArimaOptions {
  /** Deterministic term: 'mean' needs d + D = 0, 'drift' d + D = 1. @defaultValue 'none' */
  readonly constant?: ArimaConstantKind;
  /**
   * Coefficients to use as they are instead of estimating them (lengths p, q, P, Q); the
   * log-likelihood and AICc are then R's for a model with every coefficient fixed.
   */
  readonly fixed?: ArimaCoefficients;
}

function fixedVector(fixed: ArimaCoefficients, o: ArimaOrder, kind: ArimaConstantKind): Float64Array {
  const parts: [keyof ArimaCoefficients, number][] = [['ar', o.p], ['ma', o.q], ['sar', o.P], ['sma', o.Q]];
  const out: number[] = [];
  for (const [key, length] of parts) {
    const values = (fixed[key] ?? []) as ArrayLike<number>;
    assertFiniteSeries(`fixed.${key}`, values, 0);
    if (values.length !== length) {
      throw new InputError(`fixed.${key} must have ${length} values for this order, got ${values.length}`, { argument: `fixed.${key}`, value: values.length });
    }
    out.push(...Array.from(values));
  }
  if (kind !== 'none') {
    const c = fixed.constant ?? 0;
    if (!Number.isFinite(c)) throw new InputError(`fixed.constant must be a finite number, got ${describeValue(c)}`, { argument: 'fixed.constant', value: c });
    out.push(c);
  }
  return Float64Array.from(out);
}

/**
 * Fits a seasonal ARIMA model by exact maximum likelihood, as R's
 * `forecast::Arima(y, order, seasonal, include.mean / include.drift)` with method "CSS-ML".
 *
 * @param history - Observations, finite; at least max(p + mP + d + mD + 1, d + mD + k + 2) of
 *   them (k = estimated coefficients + 1). Not modified.
 * @param order - Non-negative integer orders and a period >= 1 (P = D = Q = 0 when it is 1).
 * @param options - The constant ('none', 'mean' with d + D = 0, 'drift' with d + D = 1) and,
 *   optionally, fixed coefficients, see {@link FitArimaOptions}.
 * @returns The fit: coefficients, constant, sigma2, log-likelihood, AICc and n.
 * @throws {@link InputError} for a bad order, constant, fixed coefficient or history, a history
 *   too short for the order, or when no fit can be made (R would stop with an error: e.g. a
 *   non-finite likelihood at the start, or fixed AR coefficients that are not stationary).
 * @example
 * const y = Array.from({ length: 72 }, (_, t) => 100 + t + 10 * Math.sin((2 * Math.PI * t) / 12));
 * const fit = fitArima(y, { p: 1, d: 1, q: 0, P: 0, D: 1, Q: 0, period: 12 });
 * fit.ar.length; // => 1 (R's AirPassengers[1:115] gives ar1 = -0.2048, tested)
 */
export function fitArima(history: ArrayLike<number>, order: ArimaOrder, options: FitArimaOptions = {}): ArimaFit {
  const o = validateOrder(order);
  const kind = validateConstant(options.constant ?? 'none', o);
  assertFiniteSeries('history', history);
  const x = Float64Array.from(history);
  const needed = minimumLength(o, kind);
  if (x.length < needed) {
    throw new InputError(`history must have at least ${needed} values for ARIMA(${o.p},${o.d},${o.q})(${o.P},${o.D},${o.Q})[${o.period}], got ${x.length}`, {
      argument: 'history',
      value: x.length,
    });
  }
  const raw = options.fixed === undefined ? fitRawOrZeroStart(x, o, kind) : evaluateFixed(x, o, kind, fixedVector(options.fixed, o, kind));
  if (raw === null) {
    throw new InputError(`ARIMA(${o.p},${o.d},${o.q})(${o.P},${o.D},${o.Q})[${o.period}] could not be fitted to this history`, { argument: 'order', value: o });
  }
  return toFit(raw);
}

/** CSS-ML; where R would stop on a non-stationary CSS start, ML from the zero start instead. */
function fitRawOrZeroStart(x: Float64Array, o: ArimaOrder, kind: ArimaConstantKind): RawFit | null {
  const raw = fitRaw(x, o, kind, 'CSS-ML');
  if (raw !== null) return raw;
  const delta = differencingPolynomial(o.d, o.D, o.period);
  const init = new Float64Array(countArma(o) + (kind === 'none' ? 0 : 1));
  const parscale = new Float64Array(init.length).fill(1);
  if (kind !== 'none') {
    const start = regressionStart(x, o, kind);
    init[init.length - 1] = start.beta;
    parscale[init.length - 1] = start.scale;
  }
  return fitMl(x, o, kind, init, parscale, delta);
}

/** R's arima with every coefficient fixed: no optimisation, untransformed likelihood. */
function evaluateFixed(x: Float64Array, o: ArimaOrder, kind: ArimaConstantKind, coef: Float64Array): RawFit | null {
  const delta = differencingPolynomial(o.d, o.D, o.period);
  const value = mlObjective(x, o, kind, delta, false)(coef);
  if (!Number.isFinite(value) || value === Number.MAX_VALUE) return null;
  return finishMl(x, o, kind, coef, value, 0, true, x.length - delta.length);
}

function validateOrigins(origins: readonly number[], length: number): void {
  if (!Array.isArray(origins)) {
    throw new InputError(`origins must be an array of indices, got ${describeValue(origins)}`, { argument: 'origins', value: origins });
  }
  for (const t of origins) {
    if (!Number.isInteger(t) || t < 0 || t >= length) {
      throw new InputError(`origin must be an integer in [0, ${length - 1}], got ${describeValue(t)}`, { argument: 'origins', value: t });
    }
  }
}

function validateFit(fit: ArimaFit): { o: ArimaOrder; coef: Float64Array } {
  if (fit === null || typeof fit !== 'object') {
    throw new InputError(`fit must be an ArimaFit, got ${describeValue(fit)}`, { argument: 'fit', value: fit });
  }
  const o = validateOrder(fit.order);
  const kind = validateConstant(fit.constantKind, o);
  const coef = fixedVector({ ar: fit.ar, ma: fit.ma, sar: fit.sar, sma: fit.sma, constant: fit.constant }, o, kind);
  return { o, coef };
}

/**
 * Runs a fitted model with its coefficients fixed over `series` (one Kalman-filter pass, no
 * refitting) and forecasts `horizon` steps from each origin: the forecast for origin t uses
 * `series[0..t]` only, since the filter is causal. `series` must start where the fitted data
 * started (the drift regressor counts from its first value).
 *
 * @param fit - A fit from {@link fitArima} or {@link autoArima} (or one built by hand).
 * @param series - Observations from the first fitted one on, finite. Not modified.
 * @param origins - Indices into `series`, each an integer in [0, series.length - 1], any order.
 * @param horizon - Steps per origin, a positive integer.
 * @returns One Float64Array of length `horizon` per origin, in the order of `origins`; element
 *   k - 1 forecasts `series[t + k]`.
 * @throws {@link InputError} for a bad fit, series, origin or horizon, or AR coefficients
 *   without a stationary covariance.
 * @example
 * const y = Array.from({ length: 72 }, (_, t) => 100 + t + 10 * Math.sin((2 * Math.PI * t) / 12));
 * const fit = fitArima(y.slice(0, 60), { p: 0, d: 1, q: 1, P: 0, D: 1, Q: 1, period: 12 });
 * arimaForecastAt(fit, y, [59, 70], 12).length; // => 2 (from origin 59 as R's forecast of the fit)
 */
export function arimaForecastAt(fit: ArimaFit, series: ArrayLike<number>, origins: readonly number[], horizon: number): Float64Array[] {
  const { o, coef } = validateFit(fit);
  assertFiniteSeries('series', series);
  assertInteger('horizon', horizon, 1);
  validateOrigins(origins, series.length);
  const out: Float64Array[] = new Array(origins.length);
  if (origins.length === 0) return out;
  const wanted = new Map<number, number[]>();
  origins.forEach((t, i) => wanted.set(t, [...(wanted.get(t) ?? []), i]));
  let last = -1;
  for (const t of wanted.keys()) if (t > last) last = t;
  const kind = fit.constantKind;
  const x = adjusted(Float64Array.from(series).subarray(0, last + 1), kind, fit.constant);
  const arma = armaOf(coef, o, false);
  const delta = differencingPolynomial(o.d, o.D, o.period);
  const filter = runFilter(x, arma, delta, (t, f) => {
    const slots = wanted.get(t);
    if (!slots) return;
    const forecast = forecastFromState(f.a, arma.phi, delta, f.r, horizon);
    for (let k = 0; k < horizon; k++) forecast[k] += fit.constant * regressor(kind, t + k + 1);
    for (const i of slots) out[i] = Float64Array.from(forecast);
  });
  if (filter === null) {
    throw new InputError('fit has AR coefficients without a stationary covariance', { argument: 'fit', value: Array.from(fit.ar) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Automatic order selection
// ---------------------------------------------------------------------------------------------

function isConstant(x: ArrayLike<number>): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return false;
  return true;
}

/** KPSS level-stationarity statistic with Bartlett weights over `lags` lags (urca's `ur.kpss`, "mu"). */
function kpssStatistic(x: Float64Array, lags: number): number {
  const n = x.length;
  let mean = 0;
  for (const v of x) mean += v / n;
  const e = x.map((v) => v - mean);
  let partial = 0;
  let eta = 0;
  let s2 = 0;
  for (let t = 0; t < n; t++) {
    partial += e[t];
    eta += partial * partial;
    s2 += e[t] * e[t];
  }
  let longRun = s2 / n;
  for (let l = 1; l <= lags; l++) {
    let cov = 0;
    for (let t = l; t < n; t++) cov += e[t] * e[t - l];
    longRun += (2 / n) * (1 - l / (lags + 1)) * cov;
  }
  return eta / (n * n) / longRun;
}

/** forecast's `ndiffs` (KPSS, alpha 0.05, at most 2 differences). */
function chooseD(x: Float64Array): number {
  let w = x;
  let d = 0;
  if (isConstant(w)) return 0;
  const nonStationary = (y: Float64Array): boolean => y.length > 1 && kpssStatistic(y, Math.trunc((3 * Math.sqrt(y.length)) / 13)) > KPSS_CRITICAL_5PCT;
  let dodiff = nonStationary(w);
  while (dodiff && d < AUTO_ARIMA_DEFAULTS.maxD) {
    d++;
    w = difference(w, 1, 0, 1);
    if (w.length === 0 || isConstant(w)) return d;
    dodiff = nonStationary(w);
  }
  return d;
}

/**
 * Seasonal strength max(0, min(1, 1 - var(R) / var(R + S))) of Wang, Smith & Hyndman (2006), with
 * S and R from a classical additive decomposition over the positions where its moving-average
 * trend is defined (R's `seas.heuristic` uses an STL decomposition).
 */
function seasonalStrength(x: Float64Array, m: number): number {
  const { trend, figure } = classicalDecomposition(x, m, 'additive');
  const remainder: number[] = [];
  const detrended: number[] = [];
  for (let t = 0; t < x.length; t++) {
    if (Number.isNaN(trend[t])) continue;
    detrended.push(x[t] - trend[t]);
    remainder.push(x[t] - trend[t] - figure[t % m]);
  }
  const variance = (v: number[]): number => {
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1);
  };
  return Math.max(0, Math.min(1, 1 - variance(remainder) / variance(detrended)));
}

/** forecast's `nsdiffs` with the seasonal-strength test (at most one seasonal difference). */
function chooseSeasonalD(x: Float64Array, m: number): number {
  if (isConstant(x) || m >= x.length || x.length < 2 * m) return 0;
  return seasonalStrength(x, m) > AUTO_ARIMA_DEFAULTS.seasonalStrength ? 1 : 0;
}

/** One row of auto.arima's results table. */
interface Tried {
  readonly p: number;
  readonly q: number;
  readonly P: number;
  readonly Q: number;
  readonly constant: boolean;
  readonly ic: number;
}

interface SearchContext {
  readonly x: Float64Array;
  readonly d: number;
  readonly D: number;
  readonly m: number;
  readonly approximation: boolean;
  readonly offset: number;
}

/** forecast's `myarima`: fits one candidate and returns it with its information criterion. */
function tryModel(ctx: SearchContext, p: number, q: number, P: number, Q: number, constant: boolean, approximation: boolean): { raw: RawFit | null; ic: number } {
  const { x, d, D } = ctx;
  const seasonal = P + D + Q > 0;
  const m = seasonal ? ctx.m : 1;
  const o: ArimaOrder = { p, d, q, P, D, Q, period: seasonal ? ctx.m : 1 };
  const diffs = d + D;
  const kind: ArimaConstantKind = constant && diffs === 1 ? 'drift' : constant && diffs === 0 ? 'mean' : 'none';
  if (x.length <= d + D * m + p + m * P) return { raw: null, ic: Number.POSITIVE_INFINITY };
  const raw = fitRaw(x, o, kind, approximation ? 'CSS' : 'CSS-ML');
  if (raw === null) return { raw: null, ic: Number.POSITIVE_INFINITY };
  const nstar = x.length - d - D * ctx.m;
  const aic = approximation ? ctx.offset + nstar * Math.log(raw.arimaSigma2) + 2 * (raw.estimated + 1) : raw.aic;
  let ic = aiccOf(aic, raw.estimated, nstar);
  if (Number.isNaN(ic)) ic = Number.POSITIVE_INFINITY;
  const arma = armaOf(raw.coef, o, false);
  const rootsOk =
    rootsOutside([1, ...Array.from(arma.phi, (v) => -v)], MIN_ROOT_MODULUS) && rootsOutside([1, ...Array.from(arma.theta)], MIN_ROOT_MODULUS);
  if (!rootsOk || !raw.variancesOk) ic = Number.POSITIVE_INFINITY;
  return { raw: { ...raw, aic }, ic };
}

/** auto.arima's AIC offset for approximate fits: from the plain differenced model. */
function approximationOffset(ctx: Omit<SearchContext, 'offset'>): number {
  const { x, d, D, m } = ctx;
  const o: ArimaOrder = { p: 0, d, q: 0, P: 0, D, Q: 0, period: D > 0 ? m : 1 };
  const raw = fitRaw(x, o, d + D === 0 ? 'mean' : 'none', 'CSS-ML');
  return raw === null ? 0 : -2 * raw.loglik - x.length * Math.log(raw.arimaSigma2);
}

/** Options of {@link autoArima} and {@link arimaForecaster}. */
export interface AutoArimaOptions {
  /** Seasonal period m (a positive integer; 1 = non-seasonal). @defaultValue 1 */
  readonly period?: number;
}

/**
 * Chooses and fits a seasonal ARIMA model as R's `forecast::auto.arima(y)` does with its defaults
 * (forecast 8.20): D from the seasonal strength (> 0.64: one seasonal difference; see
 * {@link AUTO_ARIMA_DEFAULTS}), d by repeated KPSS tests at 5%, then the stepwise search over
 * p, q <= 5, P, Q <= 2 by AICc from ARIMA(2,d,2)(1,D,1), with a drift when d + D = 1 and a mean
 * when d + D = 0 as candidates, models with AR or MA roots inside 1.01 rejected, and conditional
 * sums of squares instead of the likelihood during the search when n > 150 or m > 12 (the best
 * model is then refitted by exact ML).
 *
 * Deviation from R: the seasonal strength comes from a classical additive decomposition, not
 * STL.
 *
 * @param history - Observations, finite, at least 3. Not modified.
 * @param options - Period, see {@link AutoArimaOptions}.
 * @returns The chosen model fitted by exact ML (a constant series gives ARIMA(0,0,0) with that
 *   mean, sigma2 0).
 * @throws {@link InputError} for a bad history or period, or when no candidate can be fitted.
 * @example
 * const y = Array.from({ length: 72 }, (_, t) => 100 + t + 10 * Math.sin((2 * Math.PI * t) / 12));
 * autoArima(y, { period: 12 }).order.D; // => 1 (on the first 593 CO2 months it picks R's orders, tested)
 */
export function autoArima(history: ArrayLike<number>, options: AutoArimaOptions = {}): ArimaFit {
  const period = options.period ?? 1;
  assertInteger('period', period, 1);
  assertFiniteSeries('history', history, 3);
  const x = Float64Array.from(history);
  if (isConstant(x)) return constantFit(x);
  const m = period;
  const n = x.length;
  const limits = searchLimits(n, m);
  const D = m === 1 || n <= 2 * m ? 0 : chooseSeasonalD(x, m);
  const dx = D > 0 ? difference(x, 0, D, m) : x;
  const d = chooseD(dx);
  const ddx = difference(dx, d, 0, 1);
  if (ddx.length === 0) throw new InputError(`history is too short to difference: ${n} values`, { argument: 'history', value: n });
  if (isConstant(ddx)) return polynomialFit(x, d, D, m, ddx);
  const approximation = n > 150 || m > 12;
  const base = { x, d, D, m, approximation };
  const ctx: SearchContext = { ...base, offset: approximation ? approximationOffset(base) : 0 };
  const tried = stepwiseSearch(ctx, limits);
  const best = approximation ? refitBest(ctx, tried) : tried.best;
  if (best === null) throw new InputError(`no suitable ARIMA model found for this history (${n} values)`, { argument: 'history', value: n });
  return toFit(best);
}

function searchLimits(n: number, m: number): { maxP: number; maxQ: number; maxSP: number; maxSQ: number } {
  const A = AUTO_ARIMA_DEFAULTS;
  let maxP = Math.min(A.maxP, Math.floor(n / 3));
  let maxQ = Math.min(A.maxQ, Math.floor(n / 3));
  const maxSP = m === 1 ? 0 : Math.min(A.maxSeasonalP, Math.floor(n / 3 / m));
  const maxSQ = m === 1 ? 0 : Math.min(A.maxSeasonalQ, Math.floor(n / 3 / m));
  if (m > 1) {
    if (maxSP > 0) maxP = Math.min(maxP, m - 1);
    if (maxSQ > 0) maxQ = Math.min(maxQ, m - 1);
  }
  return { maxP, maxQ, maxSP, maxSQ };
}

function constantFit(x: Float64Array): ArimaFit {
  const empty = new Float64Array(0);
  return {
    order: { p: 0, d: 0, q: 0, P: 0, D: 0, Q: 0, period: 1 },
    ar: empty,
    ma: empty,
    sar: empty,
    sma: empty,
    constant: x[0],
    constantKind: 'mean',
    sigma2: 0,
    loglik: Number.POSITIVE_INFINITY,
    aicc: Number.NEGATIVE_INFINITY,
    n: x.length,
  };
}

/** auto.arima's special cases when the differenced data is constant (a polynomial trend). */
function polynomialFit(x: Float64Array, d: number, D: number, m: number, ddx: Float64Array): ArimaFit {
  let mean = 0;
  for (const v of ddx) mean += v / ddx.length;
  const o: ArimaOrder = { p: 0, d, q: 0, P: 0, D, Q: 0, period: D > 0 ? m : 1 };
  if (D > 0 && d === 0) return fitArima(x, o, { constant: 'drift', fixed: { constant: mean / m } });
  if (D > 0 || d === 2) return fitArima(x, o);
  return fitArima(x, o, { constant: d === 0 ? 'mean' : 'drift', fixed: { constant: mean } });
}

/** The stepwise search of auto.arima; returns the results table and the best fit. */
function stepwiseSearch(ctx: SearchContext, limits: ReturnType<typeof searchLimits>): { rows: Tried[]; best: RawFit | null } {
  const A = AUTO_ARIMA_DEFAULTS;
  const { maxP, maxQ, maxSP, maxSQ } = limits;
  const small = ctx.x.length < 10;
  let p = Math.min(small ? 1 : A.startP, maxP);
  let q = Math.min(small ? 1 : A.startQ, maxQ);
  let P = Math.min(small ? 0 : A.startSeasonalP, maxSP);
  let Q = Math.min(small ? 0 : A.startSeasonalQ, maxSQ);
  let constant = ctx.d + ctx.D <= 1;
  const rows: Tried[] = [];
  let best: { raw: RawFit | null; ic: number } = { raw: null, ic: Number.POSITIVE_INFINITY };
  const visit = (pp: number, qq: number, PP: number, QQ: number, cc: boolean): boolean => {
    const trial = tryModel(ctx, pp, qq, PP, QQ, cc, ctx.approximation);
    rows.push({ p: pp, q: qq, P: PP, Q: QQ, constant: cc, ic: trial.ic });
    if (trial.ic < best.ic || rows.length === 1) {
      const improved = trial.ic < best.ic;
      best = trial;
      return improved || rows.length === 1;
    }
    return false;
  };
  const seen = (pp: number, qq: number, PP: number, QQ: number, cc: boolean): boolean =>
    rows.some((r) => r.p === pp && r.q === qq && r.P === PP && r.Q === QQ && r.constant === cc);
  // The starting models (R's order).
  visit(p, q, P, Q, constant);
  if (visit(0, 0, 0, 0, constant)) [p, q, P, Q] = [0, 0, 0, 0];
  if (maxP > 0 || maxSP > 0) {
    const sp = ctx.m > 1 && maxSP > 0 ? 1 : 0;
    if (visit(maxP > 0 ? 1 : 0, 0, sp, 0, constant)) [p, q, P, Q] = [maxP > 0 ? 1 : 0, 0, sp, 0];
  }
  if (maxQ > 0 || maxSQ > 0) {
    const sq = ctx.m > 1 && maxSQ > 0 ? 1 : 0;
    if (visit(0, maxQ > 0 ? 1 : 0, 0, sq, constant)) [p, q, P, Q] = [0, maxQ > 0 ? 1 : 0, 0, sq];
  }
  if (constant && visit(0, 0, 0, 0, false)) [p, q, P, Q] = [0, 0, 0, 0];
  const moves: [number, number][] = [[-1, 0], [0, -1], [1, 0], [0, 1], [-1, -1], [-1, 1], [1, -1], [1, 1]];
  let startk = 0;
  while (startk < rows.length && rows.length < A.maxModels) {
    startk = rows.length;
    let moved = false;
    for (const seasonalMove of [true, false]) {
      for (const [a, b] of moves) {
        const [np, nq, nP, nQ] = seasonalMove ? [p, q, P + a, Q + b] : [p + a, q + b, P, Q];
        if (np < 0 || nq < 0 || nP < 0 || nQ < 0 || np > maxP || nq > maxQ || nP > maxSP || nQ > maxSQ) continue;
        if (seen(np, nq, nP, nQ, constant)) continue;
        if (rows.length + 1 > A.maxModels) return { rows, best: best.raw };
        if (visit(np, nq, nP, nQ, constant)) {
          [p, q, P, Q] = [np, nq, nP, nQ];
          moved = true;
          break;
        }
      }
      if (moved) break;
    }
    if (moved) continue;
    const allowConstant = ctx.d + ctx.D <= 1;
    if (allowConstant && !seen(p, q, P, Q, !constant)) {
      if (rows.length + 1 > A.maxModels) break;
      if (visit(p, q, P, Q, !constant)) constant = !constant;
    }
  }
  return { rows, best: Number.isFinite(best.ic) ? best.raw : null };
}

/** After an approximate search: exact ML fits in increasing order of the approximate AICc. */
function refitBest(ctx: SearchContext, tried: { rows: Tried[] }): RawFit | null {
  const order = tried.rows.map((row, i) => ({ row, i })).sort((a, b) => a.row.ic - b.row.ic || a.i - b.i);
  for (const { row } of order) {
    const fit = tryModel(ctx, row.p, row.q, row.P, row.Q, row.constant, false);
    if (fit.ic < Number.POSITIVE_INFINITY && fit.raw !== null) return fit.raw;
  }
  return null;
}

/**
 * AutoARIMA as an {@link OriginForecaster}: {@link autoArima} is fitted once on
 * `series[0..min(origins)]` (in a backtest, the rows before the test range), then one Kalman-filter
 * pass over the series with those coefficients forecasts from every origin (see
 * {@link arimaForecastAt}). Nothing after an origin is used for that origin's forecast.
 *
 * @param options - Period, rows to fit on and a fit callback, see {@link ArimaForecasterOptions}.
 * @returns A batch forecaster; it throws as {@link autoArima} does on the fitting rows.
 * @throws {@link InputError} for a bad period.
 * @example
 * const y = Array.from({ length: 72 }, (_, t) => 100 + t + 10 * Math.sin((2 * Math.PI * t) / 12));
 * const result = await rollingOriginBacktest(y, { arima: arimaForecaster({ period: 12 }) }, { horizon: 12, testStart: 60, season: 12 });
 * result.origins.length; // => 12
 */
export function arimaForecaster(options: ArimaForecasterOptions = {}): OriginForecaster {
  const period = options.period ?? 1;
  assertInteger('period', period, 1);
  const maxFitRows = options.maxFitRows ?? Number.POSITIVE_INFINITY;
  if (maxFitRows !== Number.POSITIVE_INFINITY) assertInteger('maxFitRows', maxFitRows, 3);
  return (series, origins, horizon) => {
    if (origins.length === 0) return [];
    let first = origins[0];
    for (const t of origins) if (t < first) first = t;
    // The model (and its drift's time index) starts at `offset`: the filter runs from there too.
    const offset = Math.max(0, first + 1 - maxFitRows);
    const fit = autoArima(series.slice(offset, first + 1), { period });
    options.onFit?.(fit);
    return arimaForecastAt(fit, series.subarray(offset), origins.map((t) => t - offset), horizon);
  };
}

/** Options of {@link arimaForecaster}. */
export interface ArimaForecasterOptions extends AutoArimaOptions {
  /**
   * Fit on at most this many of the latest rows before the first origin (and run the model from
   * the first of them): AutoARIMA's cost grows with n times the square of the state dimension,
   * which is large for long seasonal series. @defaultValue Infinity (all rows)
   */
  readonly maxFitRows?: number;
  /** Called with the fitted model. */
  readonly onFit?: (fit: ArimaFit) => void;
}
