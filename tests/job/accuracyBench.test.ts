import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import { accuracyMarkdown, runAccuracyBench, summarise, type AccuracyRow } from '../../src/job/accuracyBench';

const DATA = path.join(__dirname, '..', '..', 'node_modules', 'vega-datasets', 'data');

type Banded = AccuracyRow['intervals'];

/** Interval results of one series: per model [coverage 80, winkler 80, points]. */
function bands(models: Record<string, [number, number, number]>): Banded {
  return Object.fromEntries(Object.entries(models).map(([m, [c, w, n]]) => [m, { coverage: { 80: c }, winkler: { 80: w }, pairs: { 80: n } }]));
}

function row(name: string, season: number, mase: Record<string, number>, intervals: Banded = null): AccuracyRow {
  const stat = ['ets', 'theta', 'arima'].filter((m) => m in mase).sort((a, b) => mase[a] - mase[b])[0];
  return {
    name,
    frequency: 'monthly',
    season,
    horizon: 12,
    origin: 'test',
    rows: 100,
    models: Object.fromEntries(Object.entries(mase).map(([k, v]) => [k, { mase: v, smape: 1 }])),
    bestStatistical: { model: stat, mase: mase[stat] },
    ratio: mase.lstm / mase[stat],
    trainSeconds: 1,
    totalSeconds: 2,
    warnings: [],
    lstm: { targetTransform: 'difference', lookback: 24 },
    intervals,
  };
}

describe('summarise', () => {
  const rows = [
    row('a', 12, { lstm: 2, lstm_ets: 1, naive: 3, seasonal_naive: 1.5, ets: 1, theta: 4, arima: 2 }),
    row('b', 1, { lstm: 0.5, lstm_ets: 1, naive: 1, seasonal_naive: 1, ets: 2, theta: 1, arima: 3 }),
  ];

  it('gives the geometric mean of the ratios to the best statistical model, and the win counts', () => {
    const s = summarise(rows);
    // lstm: 2/1 and 0.5/1 -> sqrt(1) = 1; lstm_ets: 1/1 and 1/1 -> 1.
    expect(s.models.lstm.geometricMeanRatio).toBeCloseTo(1, 12);
    expect(s.models.lstm).toMatchObject({
      beatsSeasonalNaive: { wins: 0, of: 1 },
      beatsNaive: { wins: 2, of: 2 },
      beatsBestStatistical: { wins: 1, of: 2 },
    });
    expect(s.models.lstm_ets.beatsBestStatistical).toEqual({ wins: 0, of: 2 });
    expect(s.models.lstm_ets.beatsSeasonalNaive).toEqual({ wins: 1, of: 1 });
    expect([s.series, s.trainSeconds, s.totalSeconds]).toEqual([2, 2, 4]);
  });

  it('renders a markdown table with the best model of each row in bold', () => {
    const md = accuracyMarkdown({ settings: {}, rows, failures: [{ name: 'c', error: 'too short' }], summary: summarise(rows) });
    expect(md).toContain('- series: 2 (1 failed: c)');
    expect(md).toContain('- lstm: geometric mean of its MASE / the best of (ets, theta, arima) **1.000**');
    expect(md).toContain('| a | 12 | 12 | 100 | 2.000 | **1.000** | 3.000 | 1.500 | **1.000** | 4.000 | 2.000 | 2.000 | difference | 1.0 |');
    expect(md).toContain('- c failed: too short');
  });
});

describe('summarise: intervals', () => {
  const rows = [
    row('a', 12, { lstm: 2, lstm_ets: 1, naive: 3, seasonal_naive: 1.5, ets: 1 }, bands({ lstm: [0.9, 2, 10], lstm_ets: [0.8, 3, 10], seasonal_naive: [0.5, 4, 10] })),
    row('b', 12, { lstm: 2, lstm_ets: 1, naive: 3, seasonal_naive: 1.5, ets: 1 }, bands({ lstm: [0.6, 5, 30], lstm_ets: [0.7, 1, 30], seasonal_naive: [0.8, 4, 30] })),
    row('c', 1, { lstm: 2, lstm_ets: 1, naive: 3, seasonal_naive: 1.5, ets: 1 }, bands({ lstm: [1, 1, 5], lstm_ets: [1, 1, 5], seasonal_naive: [0, 9, 5] })),
  ];

  it('pools coverage over every test point, and counts interval-score wins on seasonal series', () => {
    const s = summarise(rows).intervals!;
    expect(s.levels).toEqual([80]);
    expect(s.coverage.lstm['80']).toBeCloseTo((0.9 * 10 + 0.6 * 30 + 1 * 5) / 45, 12);
    expect(s.beatsSeasonalNaive.lstm['80']).toEqual({ wins: 1, of: 2 });
    expect(s.beatsSeasonalNaive.lstm_ets['80']).toEqual({ wins: 2, of: 2 });
    const md = accuracyMarkdown({ settings: {}, rows, failures: [], summary: summarise(rows) });
    expect(md).toContain('| lstm | 71.1% |');
    expect(md).toContain("- lstm: interval score below seasonal naive's on 1 of 2 seasonal series at 80%");
    expect(md).toContain('| a | 90.0% | 50.0% |');
  });

  it('is null without intervals', () => {
    expect(summarise([row('a', 12, { lstm: 1, lstm_ets: 1, naive: 1, seasonal_naive: 1, ets: 1 })]).intervals).toBeNull();
  });
});

describe('runAccuracyBench', () => {
  it('refuses an unknown series and an existing --out before running anything', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'acc-'));
    try {
      await expect(runAccuracyBench({ dataDir: DATA, out: path.join(dir, 'x'), only: ['nope'] })).rejects.toThrow(InputError);
      await expect(runAccuracyBench({ dataDir: DATA, out: path.join(dir, 'x'), only: ['nope'] })).rejects.toThrow(/--only names unknown series "nope"; known: co2, /);
      await expect(runAccuracyBench({ dataDir: DATA, out: dir, only: ['co2'] })).rejects.toThrow(/cannot create --out .*: EEXIST/);
      expect(await fs.readdir(dir)).toEqual([]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
