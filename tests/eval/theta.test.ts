import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import { MIN_THETA_LENGTH, fitTheta, thetaForecastAt, thetaForecaster } from '../../src/eval/theta';
import fixture from '../fixtures/eval/r-forecast.json';

type RSeries = { name: string; m: number; h: number; y: number[]; theta: { mean: number[] } };
const series = Object.values(fixture.series) as unknown as RSeries[];

describe('fitTheta and thetaForecastAt against R forecast 8.20 thetaf', () => {
  it.each(series)('$name: forecasts equal R\'s to 1e-12', (s) => {
    const fit = fitTheta(s.y, { period: s.m });
    const [forecast] = thetaForecastAt(fit, s.y, [s.y.length - 1], s.h);
    forecast.forEach((v, i) => expect(Math.abs(v - s.theta.mean[i]) / Math.abs(s.theta.mean[i])).toBeLessThan(1e-12));
  });

  it('finds seasonality where R does: co2, construction and air passengers, not the others', () => {
    const seasonal = series.filter((s) => fitTheta(s.y, { period: s.m }).seasonal).map((s) => s.name);
    expect(seasonal).toEqual(['co2', 'construction_unemployed', 'air_passengers']);
  });

  it('drift is half the least-squares slope: a straight line gets half its slope', () => {
    const fit = fitTheta(Array.from({ length: 30 }, (_, t) => 5 + 2 * t));
    expect(fit.drift).toBeCloseTo(1, 12);
    expect(fit.seasonal).toBe(false);
  });
});

describe('thetaForecaster', () => {
  const s = series.find((x) => x.name === 'air_passengers')!;
  const y = Float64Array.from(s.y);

  it('fits once on the rows up to the first origin and cannot see past an origin', async () => {
    const changed = Float64Array.from(y);
    for (let t = 91; t < changed.length; t++) changed[t] = 1;
    const a = await thetaForecaster({ period: 12 })(y, [80, 90], 12);
    const b = await thetaForecaster({ period: 12 })(changed, [80, 90], 12);
    expect(Array.from(b[1])).toEqual(Array.from(a[1]));
    const fit = fitTheta(y.slice(0, 81), { period: 12 });
    expect(Array.from(a[0])).toEqual(Array.from(thetaForecastAt(fit, y.slice(0, 81), [80], 12)[0]));
  });

  it('does not modify the series', async () => {
    const copy = Float64Array.from(y);
    await thetaForecaster({ period: 12 })(y, [100], 3);
    expect(y).toEqual(copy);
  });

  it.each([
    ['too short a history', () => fitTheta([1, 2, 3]), /history must have at least 7 values, got 3/],
    ['a bad period', () => fitTheta([1, 2, 3, 4, 5, 6, 7], { period: 1.5 }), /period must be a positive integer, got 1.5/],
    ['a NaN', () => fitTheta([1, 2, 3, Number.NaN, 5, 6, 7]), /history\[3\] must be a finite number, got NaN/],
  ])('rejects %s', (_, call, message) => {
    expect(call).toThrow(InputError);
    expect(call).toThrow(message);
  });

  it('rejects a first origin with too few values before it', () => {
    expect(() => thetaForecaster()(y, [3], 2)).toThrow(`theta needs at least ${MIN_THETA_LENGTH} values before the first origin, got 4`);
  });
});
