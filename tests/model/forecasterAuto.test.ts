import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SplitIndices } from '../../src/data/split';
import { rollingOriginBacktest } from '../../src/eval/backtest';
import { loadBundle, saveBundle } from '../../src/model/bundle';
import {
  AUTO_TARGET_TRANSFORMS,
  DEFAULT_FORECASTER_TRANSFORM,
  LstmForecaster,
  autoCandidates,
  defaultLookback,
  shorterLookback,
  validationScore,
  type ForecasterOptions,
} from '../../src/model/forecaster';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeSeries, useBackend } from './helpers';

const N = 120;
// Positive, seasonal, with variation that grows with the level: all four candidates apply.
const y = Float64Array.from({ length: N }, (_, t) => (50 + t) * (1 + 0.2 * Math.sin((2 * Math.PI * t) / 12)) + 2 * Math.cos(t));
const series = makeSeries({ y });
const split: SplitIndices = { train: { start: 0, end: 84 }, val: { start: 84, end: 96 }, test: { start: 96, end: 120 } };
const options: ForecasterOptions = { horizon: 3, season: 12, lookback: 12, model: { units: 8, epochs: 3, batchSize: 16 } };

let auto: LstmForecaster;
const announced: string[] = [];

beforeAll(async () => {
  await useBackend('cpu');
  auto = await LstmForecaster.fit(series, split, { ...options, onCandidate: (i, n, c) => announced.push(`${i}/${n} ${c.targetTransform}`) });
});

afterAll(() => auto.dispose());

describe("LstmForecaster.fit with targetTransform 'auto' (the default)", () => {
  it('is the default', () => {
    expect(DEFAULT_FORECASTER_TRANSFORM).toBe('auto');
    expect(announced).toEqual(['1/4 difference', '2/4 relative', '3/4 log-difference', '4/4 log-relative']);
  });

  it('trains every candidate, records its validation MASE, and keeps the lowest', async () => {
    const selection = auto.spec.selection!;
    expect(selection.candidates.map((c) => c.targetTransform)).toEqual([...AUTO_TARGET_TRANSFORMS]);
    for (const c of selection.candidates) {
      expect(Number.isFinite(c.validationMase)).toBe(true);
      expect(c.lookback).toBe(12);
      expect(c.epochs).toBe(3);
    }
    const best = selection.candidates.reduce((a, b) => (b.validationMase < a.validationMase ? b : a));
    expect(selection.chosen).toEqual({ targetTransform: best.targetTransform, lookback: 12 });
    expect(auto.spec.preprocessor.targetTransform).toBe(best.targetTransform);
    // The kept model is that candidate's: fitting it alone gives the same forecasts and score.
    const alone = await LstmForecaster.fit(series, split, { ...options, targetTransform: best.targetTransform });
    expect(alone.forecastAt(series, [100])[0]).toEqual(auto.forecastAt(series, [100])[0]);
    expect(validationScore(alone, series, split, 12)).toBe(best.validationMase);
    expect(alone.spec.selection).toBeNull();
    alone.dispose();
  });

  it('validationScore is the rolling-origin MASE over the validation range, as the backtest computes it', async () => {
    const head = series.values.y.subarray(0, split.val.end);
    const result = await rollingOriginBacktest(head, { lstm: (_v, origins) => auto.forecastAt(series, origins) }, {
      horizon: 3,
      testStart: split.val.start,
      season: 12,
      insampleEnd: split.train.end,
    });
    expect(validationScore(auto, series, split, 12)).toBeCloseTo(result.models.lstm.metrics.mase, 12);
  });

  it('never looks at the test range: a spike planted there changes no score and no choice', async () => {
    const spiked = y.slice();
    for (let t = 100; t < 110; t++) spiked[t] *= 50;
    const other = await LstmForecaster.fit(makeSeries({ y: spiked }), split, options);
    expect(other.spec.selection).toEqual(auto.spec.selection && { ...auto.spec.selection, candidates: auto.spec.selection.candidates.map((c) => ({ ...c, seconds: expect.any(Number) })) });
    other.dispose();
  });

  it('is deterministic: the same seed gives bit-identical scores and forecasts', async () => {
    const again = await LstmForecaster.fit(series, split, options);
    expect(again.spec.selection!.candidates.map((c) => c.validationMase)).toEqual(auto.spec.selection!.candidates.map((c) => c.validationMase));
    expect(again.forecastAt(series, [110])[0]).toEqual(auto.forecastAt(series, [110])[0]);
    again.dispose();
  });

  it('a saved and reloaded bundle keeps the choice and forecasts exactly as before', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'auto-bundle-'));
    try {
      await saveBundle(auto, path.join(dir, 'b'));
      const manifest = JSON.parse(await fs.readFile(path.join(dir, 'b', 'manifest.json'), 'utf8'));
      expect(manifest.selection).toEqual(JSON.parse(JSON.stringify(auto.spec.selection)));
      const loaded = await loadBundle(path.join(dir, 'b'));
      expect(loaded.spec.preprocessor.targetTransform).toBe(auto.spec.preprocessor.targetTransform);
      expect(loaded.forecastAt(series, [119])[0]).toEqual(auto.forecastAt(series, [119])[0]);
      // Recursive forecasts past the horizon too.
      expect(loaded.forecast(series, { steps: 7 }).values.y).toEqual(auto.forecast(series, { steps: 7 }).values.y);
      loaded.dispose();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('autoCandidates', () => {
  it('tries the log transforms only on strictly positive targets', () => {
    expect(autoCandidates(series, 12).map((c) => c.targetTransform)).toEqual(['difference', 'relative', 'log-difference', 'log-relative']);
    const withZero = y.slice();
    withZero[5] = 0;
    expect(autoCandidates(makeSeries({ y: withZero }), 24)).toEqual([
      { targetTransform: 'difference', lookback: 24 },
      { targetTransform: 'relative', lookback: 24 },
    ]);
  });

  it('without validation rows keeps the first candidate and says why', async () => {
    const noVal: SplitIndices = { train: { start: 0, end: 96 }, val: { start: 96, end: 96 }, test: { start: 96, end: 120 } };
    const f = await LstmForecaster.fit(series, noVal, options);
    expect(f.spec.selection).toMatchObject({ criterion: 'no validation rows: the first candidate', chosen: { targetTransform: 'difference' } });
    expect(f.spec.selection!.candidates).toHaveLength(1);
    f.dispose();
  });
});

describe('the shorter-lookback stage', () => {
  it('shorterLookback: half, but at least the season, the horizon and 4; null when not shorter', () => {
    expect(shorterLookback(12, 12, 24)).toBe(12);
    expect(shorterLookback(1, 6, 12)).toBe(6);
    expect(shorterLookback(24, 24, 48)).toBe(24);
    expect(shorterLookback(1, 1, 8)).toBe(4);
    expect(shorterLookback(12, 3, 12)).toBeNull();
  });

  it("with lookback 'auto', the best transform is tried again with the shorter lookback", async () => {
    const f = await LstmForecaster.fit(series, split, { ...options, lookback: 'auto' });
    const candidates = f.spec.selection!.candidates;
    const longest = defaultLookback(12, 3, 84);
    expect(candidates.slice(0, 4).map((c) => c.lookback)).toEqual([longest, longest, longest, longest]);
    const firstFour = candidates.slice(0, 4).reduce((a, b) => (b.validationMase < a.validationMase ? b : a));
    expect(candidates[4]).toMatchObject({ targetTransform: firstFour.targetTransform, lookback: shorterLookback(12, 3, longest) });
    const best = candidates.reduce((a, b) => (b.validationMase < a.validationMase ? b : a));
    expect(f.spec.selection!.chosen).toEqual({ targetTransform: best.targetTransform, lookback: best.lookback });
    expect(f.lookback).toBe(best.lookback);
    f.dispose();
  });

  it("lookback 'auto' with a fixed transform tries the default and the shorter lookback only", async () => {
    const f = await LstmForecaster.fit(series, split, { ...options, lookback: 'auto', targetTransform: 'relative' });
    const longest = defaultLookback(12, 3, 84);
    expect(f.spec.selection!.candidates.map((c) => [c.targetTransform, c.lookback])).toEqual([
      ['relative', longest],
      ['relative', shorterLookback(12, 3, longest)],
    ]);
    f.dispose();
  });

  it('without a lookback given, the default tries no second lookback', () => {
    expect(auto.spec.selection!.candidates).toHaveLength(4);
  });
});
