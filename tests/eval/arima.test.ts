import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import {
  arimaForecastAt,
  arimaForecaster,
  autoArima,
  fitArima,
  type ArimaConstantKind,
  type ArimaFit,
  type ArimaOrder,
} from '../../src/eval/arima';
import forecastFixture from '../fixtures/eval/r-forecast.json';
import arimaFixture from '../fixtures/eval/r-arima.json';

type RCoef = Record<string, number>;
type RForecastSeries = { name: string; m: number; h: number; y: number[]; arima: { arma: number[]; coef: RCoef; aicc: number; mean: number[] } };
type RArimaFit = { order: number[]; coef: RCoef; loglik: number; aicc: number; sigma2: number; fixed_loglik: number; mean: number[] };
type RArimaSeries = { name: string; m: number; h: number; auto_seconds: number; fits: RArimaFit[] };

const series = Object.values(forecastFixture.series) as unknown as RForecastSeries[];
const arimaSeries = arimaFixture.series as unknown as Record<string, RArimaSeries>;

/** R's arimaorder() ([p,d,q] or [p,d,q,P,D,Q,m]) as an order. */
function orderOf(arma: readonly number[]): ArimaOrder {
  const [p, d, q, P = 0, D = 0, Q = 0, m = 1] = arma;
  return { p, d, q, P, D, Q, period: P + D + Q > 0 ? m : 1 };
}

/** R's named coefficients (ar1, ma1, sar1, sma1, intercept, drift) as a fixed model. */
function fixedOf(coef: RCoef, o: ArimaOrder) {
  const pick = (prefix: string, count: number): number[] => Array.from({ length: count }, (_, i) => coef[`${prefix}${i + 1}`]);
  const kind: ArimaConstantKind = 'intercept' in coef ? 'mean' : 'drift' in coef ? 'drift' : 'none';
  return {
    kind,
    fixed: { ar: pick('ar', o.p), ma: pick('ma', o.q), sar: pick('sar', o.P), sma: pick('sma', o.Q), constant: coef.intercept ?? coef.drift ?? 0 },
  };
}

function fixedFit(y: number[], o: ArimaOrder, coef: RCoef): ArimaFit {
  const { kind, fixed } = fixedOf(coef, o);
  return fitArima(y, o, { constant: kind, fixed });
}

const relative = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  return worst;
};

const orderText = (o: ArimaOrder): string => `(${o.p},${o.d},${o.q})(${o.P},${o.D},${o.Q})[${o.period}]`;

const fitCases = series.flatMap((s) =>
  arimaSeries[s.name].fits.map((r) => {
    const [p, d, q, P, D, Q] = r.order;
    const o: ArimaOrder = { p, d, q, P, D, Q, period: P + D + Q > 0 ? s.m : 1 };
    return { name: `${s.name} ${orderText(o)}${r.order[6] ? ' + constant' : ''}`, s, o, r };
  }),
);

describe('the Kalman filter against R (stats::arima via forecast 8.20, coefficients fixed)', () => {
  it.each(series)("$name: auto.arima's model: forecast from the end of y equals R's", (s) => {
    const o = orderOf(s.arima.arma);
    const fit = fixedFit(s.y, o, s.arima.coef);
    const [forecast] = arimaForecastAt(fit, s.y, [s.y.length - 1], s.h);
    expect(relative(forecast, s.arima.mean)).toBeLessThan(1e-9);
  });

  it.each(fitCases)("$name: log-likelihood and forecast with R's coefficients equal R's", ({ s, o, r }) => {
    const fit = fixedFit(s.y, o, r.coef);
    expect(Math.abs(fit.loglik - r.fixed_loglik)).toBeLessThan(1e-6);
    const [forecast] = arimaForecastAt(fit, s.y, [s.y.length - 1], s.h);
    expect(relative(forecast, r.mean)).toBeLessThan(1e-9);
  });
});

describe('fitArima against R (forecast::Arima, CSS-ML)', () => {
  it.each(fitCases)("$name: reaches R's log-likelihood, AICc, sigma2 and coefficients", ({ s, o, r }) => {
    const { kind } = fixedOf(r.coef, o);
    const fit = fitArima(s.y, o, { constant: kind });
    expect(fit.constantKind).toBe(kind);
    expect(fit.n).toBe(s.y.length);
    expect(Math.abs(fit.loglik - r.loglik)).toBeLessThan(1e-5);
    expect(Math.abs(fit.aicc - r.aicc)).toBeLessThan(1e-4);
    expect(Math.abs(fit.sigma2 / r.sigma2 - 1)).toBeLessThan(1e-5);
    const { fixed } = fixedOf(r.coef, o);
    const ours = [...fit.ar, ...fit.ma, ...fit.sar, ...fit.sma];
    const theirs = [...fixed.ar, ...fixed.ma, ...fixed.sar, ...fixed.sma];
    ours.forEach((v, i) => expect(Math.abs(v - theirs[i])).toBeLessThan(2e-3));
    if (kind !== 'none') expect(Math.abs(fit.constant / fixed.constant - 1)).toBeLessThan(1e-3);
    const [forecast] = arimaForecastAt(fit, s.y, [s.y.length - 1], s.h);
    expect(relative(forecast, r.mean)).toBeLessThan(1e-5);
  });
});

describe('autoArima against R (forecast::auto.arima defaults)', () => {
  // One search per series, shared by the assertions below.
  const chosen = new Map<string, { fit: ArimaFit; ms: number }>();
  const auto = (s: RForecastSeries): { fit: ArimaFit; ms: number } => {
    if (!chosen.has(s.name)) {
      const started = performance.now();
      const fit = autoArima(s.y, { period: s.m });
      chosen.set(s.name, { fit, ms: performance.now() - started });
    }
    return chosen.get(s.name)!;
  };

  it.each(series)("$name: picks R's order, AICc and forecasts", (s) => {
    const { fit } = auto(s);
    expect(orderText(fit.order)).toBe(orderText(orderOf(s.arima.arma)));
    expect(fit.constantKind).toBe(fixedOf(s.arima.coef, fit.order).kind);
    expect(Math.abs(fit.aicc - s.arima.aicc)).toBeLessThan(1e-4);
    const [forecast] = arimaForecastAt(fit, s.y, [s.y.length - 1], s.h);
    expect(relative(forecast, s.arima.mean)).toBeLessThan(1e-6);
  }, 60_000);

  it('co2 (593 monthly values, the approximate search and a 9-coefficient final fit) takes a few seconds', () => {
    const s = series.find((v) => v.name === 'co2')!;
    const { ms } = auto(s);
    console.log(`autoArima on co2 (n = ${s.y.length}, m = 12): ${ms.toFixed(0)} ms; R ${(arimaSeries.co2.auto_seconds * 1000).toFixed(0)} ms`);
    expect(ms).toBeLessThan(20_000);
  }, 60_000);

  it('a constant series gives ARIMA(0,0,0) with that mean', () => {
    const fit = autoArima([5, 5, 5, 5, 5], { period: 1 });
    expect(orderText(fit.order)).toBe('(0,0,0)(0,0,0)[1]');
    expect(fit.constantKind).toBe('mean');
    expect(fit.constant).toBe(5);
    expect(arimaForecastAt(fit, [5, 5, 5, 5, 5], [4], 2)[0]).toEqual(Float64Array.of(5, 5));
  });

  it('a linear series (constant first differences) gives ARIMA(0,1,0) with that drift', () => {
    const y = Array.from({ length: 20 }, (_, i) => 3 + 2 * i);
    const fit = autoArima(y);
    expect(orderText(fit.order)).toBe('(0,1,0)(0,0,0)[1]');
    expect(fit.constantKind).toBe('drift');
    expect(fit.constant).toBeCloseTo(2, 12);
    expect(Array.from(arimaForecastAt(fit, y, [19], 2)[0])).toEqual([43, 45].map((v) => expect.closeTo(v, 6)));
  });
});

describe('arimaForecastAt and arimaForecaster', () => {
  const air = series.find((v) => v.name === 'air_passengers')!;
  const order: ArimaOrder = { p: 1, d: 1, q: 0, P: 0, D: 1, Q: 0, period: 12 };

  it('forecasts from every origin with one pass; origin t uses series[0..t] only', () => {
    const fit = fitArima(air.y, order);
    const origins = [40, 80, 114];
    const all = arimaForecastAt(fit, air.y, origins, 6);
    origins.forEach((t, i) => {
      const changed = air.y.map((v, j) => (j > t ? v * 3 + 100 : v));
      expect(arimaForecastAt(fit, changed, [t], 6)[0]).toEqual(all[i]);
      expect(arimaForecastAt(fit, air.y.slice(0, t + 1), [t], 6)[0]).toEqual(all[i]);
    });
  });

  it('returns rows in the order of origins, repeated origins included', () => {
    const fit = fitArima(air.y, order);
    const [a, b, c] = arimaForecastAt(fit, air.y, [100, 50, 100], 3);
    expect(a).toEqual(c);
    expect(a).not.toBe(c);
    expect(b).toEqual(arimaForecastAt(fit, air.y, [50], 3)[0]);
  });

  it('drift forecasts count the regressor from the first value of the series', () => {
    const nonfarm = series.find((v) => v.name === 'nonfarm_quarterly')!;
    const fit = fitArima(nonfarm.y, { p: 0, d: 1, q: 1, P: 0, D: 0, Q: 0, period: 1 }, { constant: 'drift' });
    const r = arimaSeries.nonfarm_quarterly.fits.find((f) => f.order.join() === '0,1,1,0,0,0,1')!;
    expect(relative(arimaForecastAt(fit, nonfarm.y, [nonfarm.y.length - 1], 4)[0], r.mean)).toBeLessThan(1e-5);
  });

  it('arimaForecaster fits once on series[0..min(origins)] and then only filters', async () => {
    const y = Float64Array.from(air.y);
    const origins = [99, 90, 110];
    const rows = await arimaForecaster({ period: 12 })(y, origins, 12);
    const fit = autoArima(y.slice(0, 91), { period: 12 });
    expect(rows).toEqual(arimaForecastAt(fit, y, origins, 12));
    // Values after an origin do not change its row.
    const changed = y.map((v, j) => (j > 99 ? -v : v));
    const again = await arimaForecaster({ period: 12 })(changed, origins, 12);
    expect(again[0]).toEqual(rows[0]);
    expect(again[1]).toEqual(rows[1]);
    expect(await arimaForecaster()(y, [], 3)).toEqual([]);
  }, 60_000);

  it('does not modify its inputs', () => {
    const y = Float64Array.from(air.y);
    const copy = Float64Array.from(y);
    const origins = [100, 110];
    const fit = fitArima(y, order);
    const ar = Float64Array.from(fit.ar);
    autoArima(y, { period: 12 });
    arimaForecastAt(fit, y, origins, 4);
    expect(y).toEqual(copy);
    expect(origins).toEqual([100, 110]);
    expect(fit.ar).toEqual(ar);
  }, 60_000);
});

describe('input errors', () => {
  const y = series.find((v) => v.name === 'air_passengers')!.y;
  const order: ArimaOrder = { p: 1, d: 1, q: 0, P: 0, D: 1, Q: 0, period: 12 };
  const fails = (f: () => unknown, message: RegExp, argument: string): void => {
    let caught: unknown;
    try {
      f();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).message).toMatch(message);
    expect((caught as InputError).details.argument).toBe(argument);
  };

  it('bad orders and periods', () => {
    fails(() => fitArima(y, { ...order, p: -1 }), /order\.p must be an integer >= 0, got -1/, 'order.p');
    fails(() => fitArima(y, { ...order, q: 1.5 }), /order\.q must be an integer >= 0, got 1\.5/, 'order.q');
    fails(() => fitArima(y, { ...order, period: 0 }), /order\.period must be a positive integer, got 0/, 'order.period');
    fails(() => fitArima(y, { ...order, period: 1 }), /needs order\.period >= 2, got 1/, 'order.period');
    fails(() => fitArima(y, null as unknown as ArimaOrder), /order must be an object/, 'order');
    fails(() => autoArima(y, { period: 0 }), /period must be a positive integer, got 0/, 'period');
    fails(() => autoArima(y, { period: 2.5 }), /period must be a positive integer, got 2\.5/, 'period');
    fails(() => arimaForecaster({ period: Number.NaN }), /period must be a positive integer, got NaN/, 'period');
  });

  it('bad constants and fixed coefficients', () => {
    fails(() => fitArima(y, order, { constant: 'mean' }), /constant 'mean' needs d \+ D = 0, got 2/, 'constant');
    fails(() => fitArima(y, order, { constant: 'trend' as ArimaConstantKind }), /constant must be 'none', 'mean' or 'drift', got "trend"/, 'constant');
    fails(() => fitArima(y, order, { fixed: { ar: [0.1, 0.2] } }), /fixed\.ar must have 1 values for this order, got 2/, 'fixed.ar');
    fails(() => fitArima(y, order, { fixed: { ar: [Number.NaN] } }), /fixed\.ar\[0\] must be a finite number, got NaN/, 'fixed.ar');
  });

  it('NaN or non-finite data', () => {
    const bad = y.slice();
    bad[3] = Number.NaN;
    fails(() => fitArima(bad, order), /history\[3\] must be a finite number, got NaN/, 'history');
    fails(() => autoArima(bad, { period: 12 }), /history\[3\] must be a finite number, got NaN/, 'history');
    const fit = fitArima(y, order);
    fails(() => arimaForecastAt(fit, bad, [10], 2), /series\[3\] must be a finite number, got NaN/, 'series');
    fails(() => autoArima([1, 2]), /history must have at least 3 values, got 2/, 'history');
  });

  it('a series too short for the order', () => {
    fails(() => fitArima(y.slice(0, 14), order), /history must have at least 17 values for ARIMA\(1,1,0\)\(0,1,0\)\[12\], got 14/, 'history');
    fails(() => fitArima([1, 2, 3], { p: 2, d: 1, q: 0, P: 0, D: 0, Q: 0, period: 1 }), /history must have at least 6 values/, 'history');
  });

  it('bad origins and horizons', () => {
    const fit = fitArima(y, order);
    fails(() => arimaForecastAt(fit, y, [y.length], 2), new RegExp(`origin must be an integer in \\[0, ${y.length - 1}\\], got ${y.length}`), 'origins');
    fails(() => arimaForecastAt(fit, y, [-1], 2), /origin must be an integer in .*, got -1/, 'origins');
    fails(() => arimaForecastAt(fit, y, [1.5], 2), /origin must be an integer in .*, got 1\.5/, 'origins');
    fails(() => arimaForecastAt(fit, y, [10], 0), /horizon must be a positive integer, got 0/, 'horizon');
    fails(() => arimaForecastAt({ ...fit, ar: new Float64Array(0) }, y, [10], 2), /fixed\.ar must have 1 values for this order, got 0/, 'fixed.ar');
  });
});

describe('arimaForecaster maxFitRows', () => {
  const y = Float64Array.from({ length: 300 }, (_, t) => 50 + 0.1 * t + 5 * Math.sin((2 * Math.PI * t) / 12) + ((t * 7919) % 11) / 3);

  it('fits on the latest rows before the first origin and runs the model from the first of them', async () => {
    const origins = [249, 260, 298];
    let fitted: ArimaFit | null = null;
    const forecasts = await arimaForecaster({ period: 12, maxFitRows: 100, onFit: (f) => (fitted = f) })(y, origins, 6);
    const fit = autoArima(y.slice(150, 250), { period: 12 });
    expect(fitted!.n).toBe(100);
    const expected = arimaForecastAt(fit, y.subarray(150), origins.map((t) => t - 150), 6);
    expect(forecasts.map((r) => Array.from(r))).toEqual(expected.map((r) => Array.from(r)));
  });

  it('uses every row when there are fewer than maxFitRows, and rejects a bad value', async () => {
    const a = await arimaForecaster({ period: 12, maxFitRows: 1000 })(y, [249], 3);
    const b = await arimaForecaster({ period: 12 })(y, [249], 3);
    expect(Array.from(a[0])).toEqual(Array.from(b[0]));
    expect(() => arimaForecaster({ maxFitRows: 2 })).toThrow(InputError);
    expect(() => arimaForecaster({ maxFitRows: 2 })).toThrow('maxFitRows must be an integer >= 3, got 2');
  });
});
