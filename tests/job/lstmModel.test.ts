import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePanel, type Panel } from '../../src/data/panel';
import { splitPanel } from '../../src/data/panelSplit';
import type { TimeSeries } from '../../src/data/types';
import { LstmModel } from '../../src/job/lstmModel';
import { resolveLstmKernel } from '../../src/model/kernel';
import { kernelDecisions } from '../helpers/kernelDecisions';
import { expectInputErrorAsync } from '../helpers/expectInputError';
import { useBackend } from '../model/helpers';

/** A monthly series from 2015-01 (UTC), `length` rows. */
function monthly(length: number, level: number): TimeSeries {
  return {
    timeColumn: 'month',
    timeKind: 'date',
    time: Float64Array.from({ length }, (_, t) => Date.UTC(2015, t, 1)),
    targets: ['y'],
    features: [],
    columns: ['y'],
    values: { y: Float64Array.from({ length }, (_, t) => level * (1 + 0.1 * Math.sin((2 * Math.PI * t) / 12))) },
    length,
    source: 'mem.csv',
  };
}

const panel: Panel = makePanel([
  { id: 'a', series: monthly(72, 10) },
  { id: 'b', series: monthly(60, 1000) },
]);
const split = splitPanel(panel, { valFraction: 0.1, testFraction: 0.2 });
const base = { horizon: 3, season: 12, lookback: 12, targetTransform: 'difference', model: { units: 8, epochs: 2, batchSize: 16, seed: 3 } } as const;

let global: LstmModel;
let local: LstmModel;

beforeAll(async () => {
  await useBackend('cpu');
  global = new LstmModel(base);
  local = new LstmModel({ ...base, mode: 'local' });
  await global.fit(panel, split);
  await local.fit(panel, split);
}, 60_000);

afterAll(() => {
  global.dispose();
  local.dispose();
});

const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 7);

describe('LstmModel', () => {
  it('trains one network (global) or one per series (local)', () => {
    expect([global.networks.length, local.networks.length]).toEqual([1, 2]);
    expect(local.networks.map((n) => n.ids)).toEqual([['a'], ['b']]);
  });

  it('forecasts from origins with a timestamp per step', async () => {
    const f = await global.forecastAt(panel, [[69], [50, 58]], 3);
    expect(f.series.map((s) => [s.id, s.origins, s.values.map((v) => v.length)])).toEqual([
      ['a', [69], [3]],
      ['b', [50, 58], [3, 3]],
    ]);
    // a: row 69 is 2020-10; steps 2020-11, 2020-12 (rows 70, 71) and 2021-01 (past the end).
    expect(Array.from(f.series[0].times[0], iso)).toEqual(['2020-11', '2020-12', '2021-01']);
    expect(Array.from(f.series[1].times[1], iso)).toEqual(['2019-12', '2020-01', '2020-02']);
  });

  it('forecasts past the end of every series, at the series frequency', async () => {
    const f = await local.forecast(panel, 4);
    expect(f.series.map((s) => Array.from(s.times[0], iso))).toEqual([
      ['2021-01', '2021-02', '2021-03', '2021-04'],
      ['2020-01', '2020-02', '2020-03', '2020-04'],
    ]);
    expect(f.series[1].values[0][0]).toBeGreaterThan(500);
    expect(f.series[0].values[0][0]).toBeLessThan(50);
  });

  it('rejects a horizon beyond the trained one, and forecasting before fit', async () => {
    await expectInputErrorAsync(() => global.forecastAt(panel, [[60], []], 4), 'horizon must be an integer in [1, 3] (the trained horizon), got 4');
    await expectInputErrorAsync(() => new LstmModel(base).forecast(panel, 2), 'the LSTM model must be fitted before it forecasts');
    expect(() => new LstmModel({ ...base, mode: 'both' as never })).toThrow("mode must be one of 'global', 'local', got \"both\"");
  });
});

describe('LstmModel: the LSTM kernel', () => {
  const quick = { ...base, model: { ...base.model, epochs: 1 } };

  it('is decided once, by the first fit, for every series and later refit', async () => {
    const model = new LstmModel({ ...quick, mode: 'local' });
    expect(await kernelDecisions(async () => {
      await model.fit(panel, split);
      await model.fit(panel, split);
    })).toBe(1);
    expect(model.networks.map((n) => n.kernel)).toEqual([model.networks[0].kernel, model.networks[0].kernel]);
    model.dispose();
  });

  it.each(['global', 'local'] as const)('is not decided again when given resolved (%s)', async (mode) => {
    const kernel = resolveLstmKernel('auto');
    const model = new LstmModel({ ...quick, mode, kernel });
    expect(await kernelDecisions(() => model.fit(panel, split))).toBe(0);
    for (const network of model.networks) expect(network.kernel).toBe(kernel);
    model.dispose();
  });
});
