import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import {
  ETS_MODEL_CODES,
  autoEts,
  etsForecastAt,
  etsForecastFromState,
  etsForecaster,
  fitEts,
  parseEtsCode,
  runEts,
  type EtsModelCode,
  type EtsModelParts,
} from '../../src/eval/ets';
import { guardedForecaster } from '../../src/eval/forecaster';
import fixture from '../fixtures/eval/r-forecast.json';

type RFit = { method: string; par: Record<string, number>; initstate: number | number[]; loglik: number; aicc: number; mean: number[] };
type RSeries = { name: string; m: number; h: number; y: number[]; ets: Record<string, RFit>; ets_auto: RFit };
const series = Object.values(fixture.series) as unknown as RSeries[];

/** R's fitted parameters and full initial state as an ETS model. */
function fromR(code: EtsModelCode, r: RFit, m: number): EtsModelParts {
  const components = parseEtsCode(code);
  const period = components.season === 'N' ? 1 : m;
  const states = ([] as number[]).concat(r.initstate);
  let k = 0;
  const level = states[k++];
  const trend = components.trend === 'N' ? 0 : states[k++];
  const seasonal = components.season === 'N' ? new Float64Array(0) : Float64Array.from(states.slice(k, k + period));
  return {
    components,
    period,
    params: { alpha: r.par.alpha, beta: r.par.beta ?? 0, gamma: r.par.gamma ?? 0, phi: r.par.phi ?? 1 },
    initial: { level, trend, seasonal },
  };
}

const cases = series.flatMap((s) => Object.entries(s.ets).map(([code, r]) => ({ name: `${s.name} ${code}`, s, code: code as EtsModelCode, r })));

const relative = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  return worst;
};

describe('runEts and etsForecastAt against R forecast 8.20 (fixed parameters)', () => {
  it('the fixture covers all 15 models on positive seasonal series', () => {
    expect(cases.length).toBe(5 * 15 + 3);
  });

  it.each(cases)('$name: log-likelihood with R\'s parameters equals R\'s', ({ s, code, r }) => {
    const { loglik } = runEts(fromR(code, r, s.m), s.y);
    expect(Math.abs(loglik - r.loglik) / Math.abs(r.loglik)).toBeLessThan(1e-11);
  });

  it.each(cases.filter((c) => c.code !== 'MAdM'))("$name: forecasts from R's final state equal R's", ({ s, code, r }) => {
    const [forecast] = etsForecastAt(fromR(code, r, s.m), s.y, [s.y.length - 1], s.h);
    expect(relative(forecast, r.mean)).toBeLessThan(1e-12);
  });

  it.each(cases.filter((c) => c.code === 'MAdM'))(
    '$name: damped multiplicative forecasts use (l + phi b) s at step 1, where R\'s class-3 mean uses (l + b) s',
    ({ s, code, r }) => {
      const model = fromR(code, r, s.m);
      const { final } = runEts(model, s.y);
      const [forecast] = etsForecastAt(model, s.y, [s.y.length - 1], s.h);
      const m = s.m;
      expect(forecast[0]).toBeCloseTo((final.level + model.params.phi * final.trend) * final.seasonal[m - 1], 9);
      expect(r.mean[0]).toBeCloseTo((final.level + final.trend) * final.seasonal[m - 1], 6);
      expect(relative(forecast, r.mean)).toBeLessThan(2e-3);
    },
  );
});

describe('fitEts and autoEts against R forecast 8.20 (fitted)', () => {
  // The optimiser follows R's (same start, simplex and tolerance), so most fits land on R's
  // optimum to 1e-10; a few take another path where our admissibility test (Schur-Cohn, margin
  // 1e-6) and R's (polyroot, margin 1e-10) disagree near the boundary.
  it('every fit is within 1% of R\'s log-likelihood, and 75 of 78 within 0.05%', () => {
    const gaps = cases.map(({ s, code, r }) => {
      const fit = fitEts(s.y, code, { period: s.m });
      expect(fit.code).toBe(code);
      expect(fit.n).toBe(s.y.length);
      return (r.loglik - fit.loglik) / Math.abs(r.loglik); // > 0: ours is less likely
    });
    expect(Math.max(...gaps)).toBeLessThan(0.01);
    expect(gaps.filter((g) => g < 5e-4).length).toBeGreaterThanOrEqual(75);
  });

  it.each(series)('$name: autoEts picks R\'s model with R\'s AICc', (s) => {
    const fit = autoEts(s.y, { period: s.m });
    const r = s.ets_auto;
    expect(`ETS(${fit.components.error},${fit.components.trend},${fit.components.season})`).toBe(r.method);
    expect(fit.aicc).toBeCloseTo(r.aicc, 2);
    const forecast = etsForecastFromState(fit.final, fit.components, fit.params, s.h);
    expect(relative(forecast, r.mean)).toBeLessThan(fit.code === 'MAdM' ? 2e-3 : 1e-6);
  });

  it('reproduces its own fit: runEts over the fitted history gives the fit\'s loglik and final state', () => {
    const s = series.find((x) => x.name === 'air_passengers')!;
    const fit = fitEts(s.y, 'MAM', { period: 12 });
    const run = runEts(fit, s.y);
    expect(run.loglik).toBe(fit.loglik);
    expect(run.final.level).toBe(fit.final.level);
    expect(Array.from(run.final.seasonal)).toEqual(Array.from(fit.final.seasonal));
  });
});

describe('etsForecaster (fit once, then run through every origin)', () => {
  const s = series.find((x) => x.name === 'co2')!;
  const y = Float64Array.from(s.y);
  const origins = [400, 401, 450, 592];

  it('fits on series[0..origins[0]] and forecasts each origin from states that saw only series[0..t]', async () => {
    const forecasts = await etsForecaster({ period: 12 })(y, origins, 12);
    const fit = autoEts(y.slice(0, 401), { period: 12 });
    origins.forEach((t, i) => {
      const { final } = runEts(fit, y.slice(0, t + 1));
      expect(Array.from(forecasts[i])).toEqual(Array.from(etsForecastFromState(final, fit.components, fit.params, 12)));
    });
  });

  it('cannot look ahead: changing values after an origin leaves its forecast unchanged', async () => {
    const changed = Float64Array.from(y);
    for (let t = 451; t < changed.length; t++) changed[t] = 1e6;
    const a = await etsForecaster({ period: 12, model: 'AAA' })(y, [400, 450], 6);
    const b = await etsForecaster({ period: 12, model: 'AAA' })(changed, [400, 450], 6);
    expect(Array.from(b[1])).toEqual(Array.from(a[1]));
  });

  it('matches its guarded form at the first origin (the only one the guard fits identically)', async () => {
    const plain = await etsForecaster({ period: 12, model: 'MAM' })(y, [500], 3);
    const guarded = await guardedForecaster(etsForecaster({ period: 12, model: 'MAM' }))(y, [500], 3);
    expect(Array.from(guarded[0])).toEqual(Array.from(plain[0]));
  });

  it('does not modify the series', async () => {
    const copy = Float64Array.from(y);
    await etsForecaster({ period: 12 })(y, [500, 501], 2);
    expect(y).toEqual(copy);
  });
});

describe('ETS bad input', () => {
  it.each([
    ['an unknown model', () => fitEts([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'XYZ' as EtsModelCode), /ETS model must be one of ANN, AAN, .*got "XYZ"/],
    ['a seasonal model without a period', () => fitEts(Array.from({ length: 40 }, (_, i) => i + 1), 'ANA'), /needs a period in 2\.\.24, got 1/],
    ['a seasonal period over 24', () => fitEts(Array.from({ length: 200 }, (_, i) => i + 1), 'AAA', { period: 48 }), /period in 2\.\.24, got 48/],
    ['a multiplicative model on non-positive data', () => fitEts([1, 2, 0, 4, 5, 6, 7, 8, 9, 10, 11], 'MNN'), /MNN is multiplicative and needs strictly positive data/],
    ['too short a history', () => fitEts([1, 2, 3, 4, 5, 6], 'AAdN'), /AAdN needs at least 10 values, got 6/],
    ['a NaN', () => fitEts([1, 2, Number.NaN, 4, 5, 6, 7, 8, 9, 10], 'ANN'), /history\[2\] must be a finite number, got NaN/],
    ['a bad period', () => autoEts([1, 2, 3, 4, 5], { period: 0 }), /period must be a positive integer, got 0/],
    ['too short for autoEts', () => autoEts([1, 2, 3]), /history must have at least 4 values, got 3/],
    ['an origin past the end', () => etsForecastAt(fitEts(Array.from({ length: 20 }, (_, i) => i), 'ANN'), [1, 2, 3], [3], 2), /origin must be an integer in \[0, 2\], got 3/],
    ['a bad horizon', () => etsForecastFromState({ level: 1, trend: 0, seasonal: new Float64Array(0) }, parseEtsCode('ANN'), { alpha: 0.5, beta: 0, gamma: 0, phi: 1 }, 0), /horizon must be a positive integer, got 0/],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(InputError);
    expect(call).toThrow(message);
  });

  it('autoEts skips multiplicative models on data with zeros and seasonal ones when m > 24', () => {
    const y = Array.from({ length: 120 }, (_, t) => Math.sin(t / 3) * 10 + t * 0.1);
    expect(autoEts(y, { period: 12 }).components.error).toBe('A');
    const long = Array.from({ length: 200 }, (_, t) => 10 + Math.sin((2 * Math.PI * t) / 48));
    expect(autoEts(long, { period: 48 }).components.season).toBe('N');
  });

  it('lists 15 models', () => {
    expect(ETS_MODEL_CODES.length).toBe(15);
  });
});
