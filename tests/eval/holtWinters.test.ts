import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import {
  fitHoltWinters,
  forecastHoltWinters,
  holtWintersForecaster,
  runHoltWinters,
} from '../../src/eval/holtWinters';
import reference from '../fixtures/eval/reference.json';

describe('runHoltWinters', () => {
  it('matches the recursions worked by hand (m = 2, alpha = beta = gamma = 0.5)', () => {
    // l = mean(1, 3) = 2; b = (mean(2, 4) - 2) / 2 = 0.5; s_{-2} = -1, s_{-1} = 1.
    // t=0: yhat 1.5,     l 2.25,      b 0.375,       s_0 -1.125
    // t=1: yhat 3.625,   l 2.3125,    b 0.21875,     s_1 0.84375
    // t=2: yhat 1.40625, l 2.828125,  b 0.3671875,   s_2 -0.9765625
    // t=3: yhat 4.0390625, l 3.17578125, b 0.357421875, s_3 0.833984375
    // (all dyadic, so exact in float64)
    const run = runHoltWinters([1, 3, 2, 4], { alpha: 0.5, beta: 0.5, gamma: 0.5 }, { season: 2 });
    expect(Array.from(run.fitted)).toEqual([1.5, 3.625, 1.40625, 4.0390625]);
    expect(run.sse).toBe(0.25 + 0.390625 + 0.3525390625 + 0.00152587890625);
    expect(run.state.level).toBe(3.17578125);
    expect(run.state.trend).toBe(0.357421875);
    expect(Array.from(run.state.seasonal)).toEqual([-0.9765625, 0.833984375]);
    // l + k b + s: 3.17578125 + 0.357421875 - 0.9765625, ...
    expect(Array.from(forecastHoltWinters(run.state, 3))).toEqual([2.556640625, 4.724609375, 3.271484375]);
  });

  it.each(reference.holtWinters.fixed)('matches the float64 reference: $name', (c) => {
    const run = runHoltWinters(c.series, c.params, { season: c.season });
    const e = c.expected;
    expect(run.sse).toBeCloseTo(e.sse, 9);
    expect(run.state.level).toBeCloseTo(e.level, 10);
    expect(run.state.trend).toBeCloseTo(e.trend, 10);
    Array.from(run.state.seasonal).forEach((s, i) => expect(s).toBeCloseTo(e.seasonal[i], 10));
    Array.from(run.fitted).forEach((f, i) => expect(f).toBeCloseTo(e.fitted[i], 10));
    const forecast = forecastHoltWinters(run.state, e.forecast.length);
    Array.from(forecast).forEach((f, i) => expect(f, `step ${i + 1}`).toBeCloseTo(e.forecast[i], 10));
  });

  it('validates parameters, season and history', () => {
    const y = [1, 3, 2, 4];
    const p = { alpha: 0.5, beta: 0.5, gamma: 0.5 };
    expect(() => runHoltWinters(y, { ...p, alpha: 1.5 }, { season: 2 })).toThrow(InputError);
    expect(() => runHoltWinters(y, { ...p, alpha: 1.5 }, { season: 2 })).toThrow('alpha must be a number in [0, 1], got 1.5');
    expect(() => runHoltWinters(y, { ...p, gamma: Number.NaN }, { season: 2 })).toThrow('gamma must be a number in [0, 1], got NaN');
    expect(() => runHoltWinters(y, p, { season: 1 })).toThrow('season must be an integer >= 2, got 1');
    expect(() => runHoltWinters([1, 3, 2], p, { season: 2 })).toThrow(
      'history must have at least 2 * season (4) values to initialise Holt-Winters, got 3',
    );
    expect(() => runHoltWinters([1, 3, Number.NaN, 4], p, { season: 2 })).toThrow('history[2] must be a finite number, got NaN');
  });
});

describe('fitHoltWinters', () => {
  it.each(reference.holtWinters.fitted)('reaches the scipy L-BFGS-B minimum: $name', (c) => {
    const model = fitHoltWinters(c.series, { season: c.season });
    // The grid search must do at least as well as scipy, up to its 1.6e-4 resolution.
    expect(model.run.sse).toBeLessThanOrEqual(c.scipy.sse * (1 + 1e-6));
    expect(model.params.alpha).toBeCloseTo(c.scipy.alpha, 3);
    expect(model.params.beta).toBeCloseTo(c.scipy.beta, 3);
    expect(model.params.gamma).toBeCloseTo(c.scipy.gamma, 3);
  });

  it('forecast() equals forecastFrom() on the fitted history, and forecastFrom updates the states', () => {
    const c = reference.holtWinters.fitted[1];
    const fitOn = c.series.slice(0, 32);
    const model = fitHoltWinters(fitOn, { season: c.season });
    expect(Array.from(model.forecastFrom(fitOn, 6))).toEqual(Array.from(model.forecast(6)));
    const later = model.forecastFrom(c.series, 2);
    const direct = forecastHoltWinters(runHoltWinters(c.series, model.params, { season: c.season }).state, 2);
    expect(Array.from(later)).toEqual(Array.from(direct));
  });

  it('does not modify its history', () => {
    const history = Float64Array.from(reference.holtWinters.fitted[1].series);
    const copy = Array.from(history);
    fitHoltWinters(history, { season: 4 });
    expect(Array.from(history)).toEqual(copy);
  });

  it('validates its arguments', () => {
    expect(() => fitHoltWinters([1, 2, 3], { season: 2 })).toThrow(
      'history must have at least 2 * season (4) values to initialise Holt-Winters, got 3',
    );
    expect(() => fitHoltWinters([1, 2, 3, 4], { season: 0 })).toThrow('season must be an integer >= 2, got 0');
  });
});

describe('holtWintersForecaster', () => {
  const c = reference.holtWinters.fitted[1];
  const series = Float64Array.from(c.series);

  it('fits on series[0..first origin] and runs the states through each origin', async () => {
    const origins = [29, 33, 38];
    const out = await holtWintersForecaster({ season: 4 })(series, origins, 3);
    const model = fitHoltWinters(series.slice(0, 30), { season: 4 });
    origins.forEach((origin, i) => {
      expect(Array.from(out[i])).toEqual(Array.from(model.forecastFrom(series.slice(0, origin + 1), 3)));
    });
  });

  it('never looks past the origin', async () => {
    const origins = [29, 33, 38];
    const full = await holtWintersForecaster({ season: 4 })(series, origins, 3);
    const poisoned = Float64Array.from(series, (v, t) => (t > 29 ? 1e6 : v));
    const [first] = await holtWintersForecaster({ season: 4 })(poisoned, origins, 3);
    expect(Array.from(first)).toEqual(Array.from(full[0]));
  });

  it('validates the season eagerly and the fit length when called', async () => {
    expect(() => holtWintersForecaster({ season: 1 })).toThrow('season must be an integer >= 2, got 1');
    expect(() => holtWintersForecaster({ season: 4 })(series, [5], 1)).toThrow(
      'history must have at least 2 * season (8) values to initialise Holt-Winters, got 6',
    );
  });
});

describe('HoltWintersModel.forecastAt', () => {
  const y = Array.from({ length: 300 }, (_, t) => 50 + 0.05 * t + 5 * Math.sin((2 * Math.PI * t) / 12) + ((t * 37) % 11) / 5);
  const model = fitHoltWinters(y.slice(0, 120), { season: 12 });

  it('equals forecastFrom on every copied history, bit for bit, in any origin order', () => {
    const origins = [299, 24, 23, 150, 119, 150, 200];
    const batch = model.forecastAt(Float64Array.from(y), origins, 12);
    expect(batch).toEqual(origins.map((t) => model.forecastFrom(y.slice(0, t + 1), 12)));
  });

  it('throws what forecastFrom throws for an origin with too little history or a NaN before it', () => {
    expect(() => model.forecastAt(y, [22], 1)).toThrow('history must have at least 2 * season (24) values to initialise Holt-Winters, got 23');
    const holed = y.slice();
    holed[100] = Number.NaN;
    expect(model.forecastAt(holed, [99], 1)).toEqual([model.forecastFrom(y.slice(0, 100), 1)]);
    expect(() => model.forecastAt(holed, [150], 1)).toThrow('history[100] must be a finite number, got NaN');
    expect(() => model.forecastAt(y, [300], 1)).toThrow('origins must be rows of the series in [0, 299], got 300');
  });
});
