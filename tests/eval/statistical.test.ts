import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import { arimaForecastAt, autoArima } from '../../src/eval/arima';
import { autoEts, etsForecastAt } from '../../src/eval/ets';
import { STATISTICAL_MODELS, describeArima, describeEts, describeTheta, statisticalForecasters } from '../../src/eval/statistical';
import { fitTheta, thetaForecastAt } from '../../src/eval/theta';

const y = Float64Array.from({ length: 96 }, (_, t) => 100 + 0.5 * t + 10 * Math.sin((2 * Math.PI * t) / 12) + ((t * 7919) % 13) / 4);

describe('statisticalForecasters', () => {
  it('gives ets, theta and arima, fitted on the rows up to the first origin, and reports each fit', async () => {
    const fits: [string, string][] = [];
    const models = statisticalForecasters(12, (name, description) => fits.push([name, description]));
    expect(Object.keys(models)).toEqual([...STATISTICAL_MODELS]);
    const origins = [71, 80, 94];
    const ets = await models.ets(y, origins, 12);
    const theta = await models.theta(y, origins, 12);
    const arima = await models.arima(y, origins, 12);
    const etsFit = autoEts(y.slice(0, 72), { period: 12 });
    const thetaFit = fitTheta(y.slice(0, 72), { period: 12 });
    const arimaFit = autoArima(y.slice(0, 72), { period: 12 });
    expect(ets.map((r) => Array.from(r))).toEqual(etsForecastAt(etsFit, y, origins, 12).map((r) => Array.from(r)));
    expect(theta.map((r) => Array.from(r))).toEqual(thetaForecastAt(thetaFit, y, origins, 12).map((r) => Array.from(r)));
    expect(arima.map((r) => Array.from(r))).toEqual(arimaForecastAt(arimaFit, y, origins, 12).map((r) => Array.from(r)));
    expect(fits).toEqual([
      ['ets', describeEts(etsFit)],
      ['theta', describeTheta(thetaFit)],
      ['arima', describeArima(arimaFit)],
    ]);
    expect(fits[2][1]).toMatch(/^ARIMA\(\d,\d,\d\)(\(\d,\d,\d\)\[12\])?( with drift| with non-zero mean)?$/);
    expect(fits[0][1]).toMatch(/^ETS\([AM],(N|A|Ad),[NAM]\)$/);
    expect(fits[1][1]).toMatch(/^seasonal, alpha \d\.\d{3}, drift -?\d/);
  });

  it('rejects a bad season', () => {
    expect(() => statisticalForecasters(0)).toThrow(InputError);
    expect(() => statisticalForecasters(0)).toThrow('season must be a positive integer, got 0');
  });
});
