import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makePanel, panelSeries, type Panel } from '../../src/data/panel';
import { splitPanel } from '../../src/data/panelSplit';
import { loadPanelBundle, saveBundle } from '../../src/model/bundle';
import { GlobalLstmForecaster } from '../../src/model/global';
import { fitPreprocessor, Preprocessor } from '../../src/model/preprocess';
import { encodeStatics, MAX_STATIC_INPUT_COLUMNS } from '../../src/model/staticInputs';
import { expectInputError, expectInputErrorAsync, makeSeries, useBackend } from './helpers';

const tiny = (y: number[]) => makeSeries({ y });
const panel = makePanel(
  [
    { id: 'b', series: tiny([1, 2, 3]), statics: { region: 'south', kind: 'shop' } },
    { id: 'a', series: tiny([4, 5, 6]), statics: { region: 'north', kind: 'shop' } },
    { id: 'c', series: tiny([7, 8, 9]), statics: { region: 'south', kind: 'shop' } },
  ],
  { idColumn: 'store' },
);

describe('encodeStatics', () => {
  it('one-hot encodes each static column over its sorted values, then the id in panel order', () => {
    const encoded = encodeStatics(panel, { staticInputs: ['region'], idInput: true })!;
    expect(encoded[0].names).toEqual(['region=north', 'region=south', 'id=b', 'id=a', 'id=c']);
    expect(encoded.map((e) => e.values)).toEqual([
      [0, 1, 1, 0, 0],
      [1, 0, 0, 1, 0],
      [0, 1, 0, 0, 1],
    ]);
  });

  it('leaves out a column with one value, and returns null when nothing is encoded', () => {
    expect(encodeStatics(panel, { staticInputs: ['kind', 'region'] })![0].names).toEqual(['region=north', 'region=south']);
    expect(encodeStatics(panel, { staticInputs: ['kind'] })).toBeNull();
    expect(encodeStatics(panel, {})).toBeNull();
  });

  it.each([
    [{ staticInputs: ['city'] }, 'staticInputs names "city", which is not a static column of the panel (statics: [region, kind])'],
    [{ staticInputs: ['region', 'region'] }, 'staticInputs lists "region" twice'],
    [{ staticInputs: 'region' }, 'staticInputs must be an array of static column names, got "region"'],
    [{ idInput: 'yes' }, 'idInput must be true or false, got "yes"'],
  ])('refuses %j', (options, message) => {
    expectInputError(() => encodeStatics(panel, options as never), message);
  });

  it(`refuses more than ${MAX_STATIC_INPUT_COLUMNS} one-hot columns`, () => {
    const many = makePanel(Array.from({ length: MAX_STATIC_INPUT_COLUMNS + 1 }, (_, i) => ({ id: `s${i}`, series: tiny([1, 2]) })));
    expectInputError(
      () => encodeStatics(many, { idInput: true }),
      'the static inputs would add 1025 one-hot input columns (id: 1025), more than 1024; leave out the id or the columns with many values',
    );
  });
});

describe('Preprocessor staticInputs', () => {
  const series = makeSeries({ y: [1, 3, 2, 5, 4, 6] });
  const p = fitPreprocessor(series, { start: 0, end: 5 }, { staticInputs: { names: ['id=a', 'id=b'], values: [0, 1] } });

  it('appends one constant column per static input, after every other input', () => {
    const columns = p.columns(series);
    expect(p.numInputs).toBe(3);
    expect(columns.inputs).toHaveLength(3);
    expect(Array.from(columns.inputs[1])).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(columns.inputs[2])).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('round-trips through its state, and without static inputs the state has no such field', () => {
    expect(Preprocessor.fromJSON(JSON.parse(JSON.stringify(p.toJSON()))).columns(series).inputs).toEqual(p.columns(series).inputs);
    expect('staticInputs' in fitPreprocessor(series, { start: 0, end: 5 }).toJSON()).toBe(false);
  });

  it('refuses a malformed state, naming the entry', () => {
    const state = { ...p.toJSON(), staticInputs: { names: ['id=a'], values: [Number.NaN] } };
    expectInputError(() => Preprocessor.fromJSON(state), 'preprocessor.staticInputs.values[0] (id=a) must be a finite number, got NaN');
  });
});

/** AR(1) with coefficient `phi` from a fixed pseudo-random noise stream. */
function ar1(phi: number, n: number, seed: number): number[] {
  let state = seed;
  const noise = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
  const y = [0];
  for (let t = 1; t < n; t++) y.push(phi * y[t - 1] + noise());
  return y;
}

describe('a global model with the id as input', () => {
  // With one input step the network sees only y[t]: the two series' opposite dynamics can be told
  // apart by the id alone.
  const two: Panel = makePanel([
    { id: 'up', series: makeSeries({ y: ar1(0.9, 300, 1) }) },
    { id: 'down', series: makeSeries({ y: ar1(-0.9, 300, 2) }) },
  ]);
  const split = splitPanel(two, { valFraction: 0.1, testFraction: 0.2 });
  const options = { horizon: 1, season: 1, lookback: 1, targetTransform: 'none', model: { units: 8, epochs: 40, batchSize: 32, seed: 3 } } as const;
  let plain: GlobalLstmForecaster;
  let withId: GlobalLstmForecaster;

  beforeAll(async () => {
    await useBackend('cpu');
    plain = await GlobalLstmForecaster.fit(two, split, options);
    withId = await GlobalLstmForecaster.fit(two, split, { ...options, idInput: true });
  }, 120_000);

  const testMae = (f: GlobalLstmForecaster): number => {
    let sum = 0;
    let count = 0;
    two.ids.forEach((_, i) => {
      const y = panelSeries(two, i).values.y;
      const origins = Array.from({ length: split[i].test.end - split[i].test.start }, (_, j) => split[i].test.start - 1 + j);
      const rows = f.forecastAt(two, two.ids.map((__, j) => (j === i ? origins : [])))[i];
      origins.forEach((t, j) => {
        sum += Math.abs(rows[j][0] - y[t + 1]);
        count++;
      });
    });
    return sum / count;
  };

  it('has one more input per series and records the names', () => {
    expect(withId.model.inputs[0].shape).toEqual([null, 1, 3]);
    expect(withId.spec.preprocessors.map((p) => p.staticInputs)).toEqual([
      { names: ['id=up', 'id=down'], values: [1, 0] },
      { names: ['id=up', 'id=down'], values: [0, 1] },
    ]);
  });

  it('learns dynamics the inputs alone cannot tell apart: test MAE well below the model without it', () => {
    expect(testMae(withId)).toBeLessThan(0.75 * testMae(plain));
  });

  it('round-trips through a bundle with the same forecasts', async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'static-bundle-'));
    try {
      await saveBundle(withId, join(dir, 'model'));
      const loaded = await loadPanelBundle(join(dir, 'model'));
      try {
        const origins = [[250, 260], [255]];
        expect(loaded.forecastAt(two, origins)).toEqual(withId.forecastAt(two, origins));
      } finally {
        loaded.dispose();
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown static column before training', async () => {
    await expectInputErrorAsync(
      () => GlobalLstmForecaster.fit(two, split, { ...options, staticInputs: ['region'] }),
      'staticInputs names "region", which is not a static column of the panel (statics: [])',
    );
  });
});
