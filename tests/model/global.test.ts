import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePanel, panelSeries, type Panel } from '../../src/data/panel';
import { splitPanel } from '../../src/data/panelSplit';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle, loadPanelBundle, saveBundle } from '../../src/model/bundle';
import { GlobalLstmForecaster } from '../../src/model/global';
import { LstmForecaster } from '../../src/model/forecaster';
import { expectInputError, expectInputErrorAsync, makeSeries, useBackend } from './helpers';
import { resolveLstmKernel } from '../../src/model/kernel';
import { kernelDecisions } from '../helpers/kernelDecisions';

const N = 120;
/** The same seasonal shape at two very different levels and spreads. */
const shape = (t: number): number => Math.sin((2 * Math.PI * t) / 12) + 0.02 * t;
const small = makeSeries({ y: Float64Array.from({ length: N }, (_, t) => 10 + shape(t)) });
const large = makeSeries({ y: Float64Array.from({ length: N - 12 }, (_, t) => 10_000 + 500 * shape(t)) });
const panel: Panel = makePanel([
  { id: 'small', series: small },
  { id: 'large', series: large },
]);
const split = splitPanel(panel, { valFraction: 0.1, testFraction: 0.2 });
const options = { horizon: 3, season: 12, lookback: 12, targetTransform: 'difference', model: { units: 16, epochs: 60, batchSize: 16, seed: 7 } } as const;

let fitted: GlobalLstmForecaster;

beforeAll(async () => {
  await useBackend('cpu');
  fitted = await GlobalLstmForecaster.fit(panel, split, options);
}, 120_000);

afterAll(() => fitted.dispose());

/** MAE of the model's forecasts from every test origin of series `i`, and of naive's. */
function testErrors(i: number): { model: number; naive: number } {
  const view = panelSeries(panel, i);
  const y = view.values.y;
  const origins: number[] = [];
  for (let t = split[i].test.start - 1; t + 3 < view.length; t++) origins.push(t);
  const rows = fitted.forecastAt(panel, panel.ids.map((_, j) => (j === i ? origins : [])))[i];
  let model = 0;
  let naive = 0;
  origins.forEach((t, j) => {
    for (let k = 1; k <= 3; k++) {
      model += Math.abs(rows[j][k - 1] - y[t + k]);
      naive += Math.abs(y[t] - y[t + k]);
    }
  });
  return { model, naive };
}

describe('GlobalLstmForecaster', () => {
  it('fits one preprocessor per series on its own training rows', () => {
    const [a, b] = fitted.spec.preprocessors;
    expect(fitted.ids).toEqual(['small', 'large']);
    // difference transform: the scaler sees one-step changes of the training rows of each series.
    const diffs = (y: Float64Array, end: number): number[] => Array.from({ length: end - 1 }, (_, t) => y[t + 1] - y[t]);
    const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
    const scalerMean = (state: unknown): number => (state as { mean: number }).mean;
    expect(scalerMean(a.targetScalers[0])).toBeCloseTo(mean(diffs(small.values.y, split[0].train.end)), 10);
    expect(scalerMean(b.targetScalers[0])).toBeCloseTo(mean(diffs(large.values.y, split[1].train.end)), 10);
  });

  it('learns both scales with one network: beats naive on each series', () => {
    for (const i of [0, 1]) {
      const { model, naive } = testErrors(i);
      expect(model).toBeLessThan(0.7 * naive);
    }
  });

  it('a spike planted in a test range changes no fitted preprocessor', async () => {
    const spiked = makeSeries({ y: Float64Array.from(large.values.y, (v, t) => (t === large.length - 2 ? v * 50 : v)) });
    const other = makePanel([
      { id: 'small', series: small },
      { id: 'large', series: spiked },
    ]);
    const f = await GlobalLstmForecaster.fit(other, split, { ...options, model: { ...options.model, epochs: 1 } });
    try {
      expect(f.spec.preprocessors).toEqual(fitted.spec.preprocessors);
    } finally {
      f.dispose();
    }
  });

  it('forecasts past the end of every series, one Forecast each', () => {
    const forecasts = fitted.forecast(panel, 5);
    expect(forecasts.map((f) => [f.origin, f.steps, f.recursive])).toEqual([
      [N - 1, 5, true],
      [N - 13, 5, true],
    ]);
    expect(forecasts[1].values.y[0]).toBeGreaterThan(9_000);
    expect(forecasts[0].values.y[0]).toBeLessThan(20);
  });

  it('on one series it is the one-series forecaster, bit for bit', async () => {
    const one = panelSeries(panel, 1);
    const onePanel = makePanel([{ id: 'large', series: one }]);
    const quick = { ...options, targetTransform: 'auto', model: { ...options.model, epochs: 3 } } as const;
    const global = await GlobalLstmForecaster.fit(onePanel, [split[1]], quick);
    const single = await LstmForecaster.fit(one, split[1], quick);
    try {
      const scores = (sel: typeof single.spec.selection): unknown => sel?.candidates.map(({ seconds: _, ...rest }) => rest);
      expect(scores(global.spec.shared.selection)).toEqual(scores(single.spec.selection));
      expect(global.spec.shared.selection!.chosen).toEqual(single.spec.selection!.chosen);
      expect(global.history!.loss).toEqual(single.history!.loss);
      expect(Array.from(global.forecastAt(onePanel, [[95]])[0][0])).toEqual(Array.from(single.forecastAt(one, [95])[0]));
    } finally {
      global.dispose();
      single.dispose();
    }
  });

  it('a member forecasts exactly as the panel call does', () => {
    const view = panelSeries(panel, 1);
    const direct = fitted.member('large').forecastAt(view, [90, 95]);
    const viaPanel = fitted.forecastAt(panel, [[], [90, 95]])[1];
    expect(viaPanel.map((r) => Array.from(r))).toEqual(direct.map((r) => Array.from(r)));
    expect(fitted.member('large')).toBeInstanceOf(LstmForecaster);
  });

  it('keeps tf.memory().numTensors flat across forecasts', () => {
    fitted.forecastAt(panel, [[100], [90]]);
    const before = tf.memory().numTensors;
    for (let r = 0; r < 3; r++) {
      fitted.forecastAt(panel, [[100, 101], [90]]);
      fitted.forecast(panel, 4);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects an unknown id, a wrong split and too short a series, naming them', async () => {
    expectInputError(() => fitted.member('medium'), 'the model was not trained on series "medium"; it knows "small", "large"');
    await expectInputErrorAsync(() => GlobalLstmForecaster.fit(panel, [split[0]], options), /split must have one entry per series \(2\), got 1/);
    const tiny = makeSeries({ y: Float64Array.from({ length: 20 }, (_, t) => t) });
    const withTiny = makePanel([
      { id: 'small', series: small },
      { id: 'tiny', series: tiny },
    ]);
    await expectInputErrorAsync(
      () => GlobalLstmForecaster.fit(withTiny, splitPanel(withTiny, { valFraction: 0.1, testFraction: 0.2 }), options),
      /^series "tiny": too few training rows for lookback 12 and horizon 3: the training range has 14 rows, at least 16 are needed$/,
    );
  });
});

describe('global bundles', () => {
  it('save and reload a global model with its ids, per-series scalers and splits: same forecasts', async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'global-bundle-'));
    try {
      const manifest = await saveBundle(fitted, join(dir, 'model'));
      expect(manifest.panel?.ids).toEqual(['small', 'large']);
      const loaded = await loadPanelBundle(join(dir, 'model'));
      try {
        expect(loaded.ids).toEqual(['small', 'large']);
        expect(loaded.spec.preprocessors).toEqual(fitted.spec.preprocessors);
        expect(loaded.spec.splits).toEqual([...split]);
        const a = fitted.forecastAt(panel, [[100, 110], [90]]);
        const b = loaded.forecastAt(panel, [[100, 110], [90]]);
        expect(b.map((s) => s.map((r) => Array.from(r)))).toEqual(a.map((s) => s.map((r) => Array.from(r))));
      } finally {
        loaded.dispose();
      }
      await expectInputErrorAsync(() => loadBundle(join(dir, 'model')), /holds a global model of 2 series \("small", "large"\); load it with loadPanelBundle$/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('loads a one-series bundle as a global model of that series', async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'global-bundle-'));
    const one = panelSeries(panel, 0);
    const single = await LstmForecaster.fit(one, split[0], { ...options, model: { ...options.model, epochs: 2 } });
    try {
      await saveBundle(single, join(dir, 'model'));
      const loaded = await loadPanelBundle(join(dir, 'model'));
      try {
        expect(loaded.ids).toEqual(['y']);
        const onePanel = makePanel([{ id: 'y', series: one }]);
        expect(Array.from(loaded.forecastAt(onePanel, [[100]])[0][0])).toEqual(Array.from(single.forecastAt(one, [100])[0]));
      } finally {
        loaded.dispose();
      }
    } finally {
      single.dispose();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a manifest whose panel does not match', async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'global-bundle-'));
    try {
      await saveBundle(fitted, join(dir, 'model'));
      const file = join(dir, 'model', 'manifest.json');
      const manifest = JSON.parse(await fs.readFile(file, 'utf8'));
      manifest.panel.splits.pop();
      await fs.writeFile(file, JSON.stringify(manifest));
      await expectInputErrorAsync(() => loadPanelBundle(join(dir, 'model')), `${file}: panel.splits must have 2 entries, got 1`);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('GlobalLstmForecaster.fit: the LSTM kernel', () => {
  const quick = { ...options, targetTransform: 'auto', model: { ...options.model, epochs: 1 } } as const;

  it('is decided once per fit, however many candidates are trained', async () => {
    let f: GlobalLstmForecaster | undefined;
    expect(await kernelDecisions(async () => {
      f = await GlobalLstmForecaster.fit(panel, split, quick);
    })).toBe(1);
    expect(f!.spec.shared.selection!.candidates.length).toBe(4);
    f!.dispose();
  });

  it('is not decided again when given resolved', async () => {
    const kernel = resolveLstmKernel('auto');
    let f: GlobalLstmForecaster | undefined;
    expect(await kernelDecisions(async () => {
      f = await GlobalLstmForecaster.fit(panel, split, { ...quick, kernel });
    })).toBe(0);
    expect([f!.kernel, f!.spec.shared.kernel]).toEqual([kernel, kernel]);
    f!.dispose();
  });
});
