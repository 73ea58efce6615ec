import { describe, expect, it } from 'vitest';
import type { SplitIndices } from '../../src/data/split';
import type { TimeSeries } from '../../src/data/types';
import { panelFromSeries } from '../../src/data/panel';
import { localForecaster } from '../../src/eval/localModels';
import { type Forecaster, lastOrigins, panelForecast } from '../../src/eval/model';
import { panelBacktest } from '../../src/eval/panelBacktest';
import type { Evaluation } from '../../src/job/evaluate';
import type { ForecastJobMetrics } from '../../src/job/metrics';
import { REPORT_MAX_FAN_PATHS, REPORT_METRICS, buildForecastReport } from '../../src/job/report';
import type { TrainHistory } from '../../src/model/train';
import { PLOTLY_LIBRARY_MARKER } from '../../src/report/plotlyEmbed';

const N = 48;
const DAY = 86_400_000;
const y = Float64Array.from({ length: N }, (_, t) => 20 + 0.2 * t + 3 * Math.sin((2 * Math.PI * t) / 12));
const series: TimeSeries = {
  timeColumn: 'date',
  timeKind: 'date',
  time: Float64Array.from({ length: N }, (_, t) => Date.UTC(2021, 0, 1) + t * DAY),
  targets: ['y'],
  features: [],
  columns: ['y'],
  values: { y },
  length: N,
  source: 'data/demo.csv',
};
const split: SplitIndices = { train: { start: 0, end: 30 }, val: { start: 30, end: 36 }, test: { start: 36, end: 48 } };

const panel = panelFromSeries(series);

/** A stand-in for the LSTM: the last value plus one per step (origin t -> y[t] + k). */
const fakeLstm: Forecaster = {
  name: 'lstm',
  fit: async () => undefined,
  forecastAt: async (p, origins, horizon) =>
    panelForecast(p, 'lstm', origins, horizon, origins.map((list, i) => list.map((t) => Float64Array.from({ length: horizon }, (_, k) => p.values.y[p.offsets[i] + t] + k + 1)))),
  forecast: (p, steps) => fakeLstm.forecastAt(p, lastOrigins(p), steps),
};

const history: TrainHistory = {
  loss: [1, 0.5, 0.4],
  valLoss: [1.2, 0.6, 0.7],
  learningRate: [1e-3, 1e-3, 5e-4],
  bestEpoch: 2,
  bestLoss: 0.6,
  epochsRun: 3,
  stoppedEarly: false,
  aborted: false,
  restoredBestWeights: true,
  seconds: 1.234,
  samplesPerSecond: 987.6,
};

async function inputs(horizon: number) {
  const forecasters = [fakeLstm, localForecaster('naive'), localForecaster('seasonal_naive', { season: 12 })];
  const test = await panelBacktest(panel, forecasters, { horizon, split: [split], season: 12 });
  const future = [];
  for (const f of forecasters) future.push(await f.forecast(panel, horizon));
  const evaluation: Evaluation = { test, validation: null, future, fitted: {}, warnings: [], leftOut: [], intervals: null };
  const models = Object.fromEntries(Object.entries(test.models).map(([k, v]) => [k, v.pooled]));
  const metrics = {
    dataset: 'demo.csv',
    rows: N,
    series: 1,
    mode: 'global',
    calendar: [],
    season: 12,
    horizon,
    lookback: 24,
    target_transform: 'difference',
    backend: { summary: 'backend: cpu (option)' },
    kernel: { summary: 'kernel: fused native (avx2-fma, 2 threads)' },
    library: { name: 'lstm-workbench', version: '0.1.0' },
    protocol: 'rolling origin <test>',
    models,
    fitted_models: {},
    validation: null,
    warnings: [],
    train: { epochs: 3, best_epoch: 2, seconds: 1.234, samples_per_second: 987.6 },
  } as unknown as ForecastJobMetrics;
  return { panel, split: [split], evaluation, metrics, histories: [history] };
}

interface Trace {
  name?: string;
  type?: string;
  x?: unknown[];
  y?: (number | null)[];
  showlegend?: boolean;
}

/** The figures embedded in a report page, parsed from their JSON blocks, in page order. */
function figures(html: string): { data: Trace[]; layout: Record<string, unknown> }[] {
  const blocks = [...html.matchAll(/<script type="application\/json" id="figure-(\d+)-data">([\s\S]*?)<\/script>/g)];
  blocks.forEach((m, i) => expect(Number(m[1])).toBe(i + 1));
  return blocks.map((m) => JSON.parse(m[2]));
}

describe('buildForecastReport', () => {
  it('horizon 3: one self-contained page, plotly inlined once, the expected figures and traces', async () => {
    const html = buildForecastReport(await inputs(3));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.split(PLOTLY_LIBRARY_MARKER).length - 1).toBe(1);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).toContain('<title>Forecast report: y (demo.csv)</title>');
    expect(html).toContain(`LSTM MASE ${(await inputs(3)).metrics.models.lstm.mase.toFixed(3)}`);

    const all = figures(html);
    expect(all).toHaveLength(6);
    // First the history and the next h steps of each model on that chart (future.csv).
    expect(all[0].data.map((t) => t.name)).toEqual(['history', 'lstm', 'seasonal_naive']);
    const lstmFuture = all[0].data[1].y!;
    expect(lstmFuture.slice(-3)).toEqual([y[47] + 1, y[47] + 2, y[47] + 3]);
    expect(all[0].data[0].x!.length).toBe(36 + 3);
    const figs = all.slice(1);
    const names = figs.map((f) => f.data.map((t) => t.name));
    expect(names[0]).toEqual(['y']);
    expect(names[1]).toEqual(['actual', 'lstm', 'naive', 'seasonal_naive']);
    // Step h: the same, plus the LSTM's paths from every h-th origin in the test range whose
    // path ends inside the data (origins 36, 39, 42 with h = 3; 45 + 3 > 47).
    expect(names[2]).toEqual(['actual', 'lstm', 'naive', 'seasonal_naive', 'lstm', 'lstm', 'lstm']);
    expect(figs[2].data.slice(4).map((t) => t.showlegend)).toEqual([true, false, false]);
    expect(figs[2].data[4].y).toEqual([y[36] + 1, y[36] + 2, y[36] + 3]);
    expect(names[3]).toEqual(['train loss', 'validation loss', 'best epoch (2)', 'learning rate']);
    expect(new Set(names[4])).toEqual(new Set(['lstm', 'naive', 'seasonal_naive']));

    // Forecast traces over the test range only, step-aligned; missing points as null.
    const step3 = figs[2].data[1].y!;
    expect(step3).toHaveLength(12);
    expect(step3.slice(0, 2)).toEqual([null, null]);
    expect(step3[2]).toBeCloseTo(y[35] + 3, 10);
    expect(figs[1].data[0].y![0]).toBeCloseTo(y[36], 10);

    // The metric table: every model with the report's metric columns; the protocol, escaped.
    for (const name of ['lstm', 'naive', 'seasonal_naive']) expect(html).toContain(`>${name}</td>`);
    for (const metric of REPORT_METRICS) expect(html).toContain(`>${metric}</th>`);
    expect(html).toContain('rolling origin &lt;test&gt;');
    expect(html).toContain('backend: cpu (option)');
    expect(html).toContain('kernel: fused native (avx2-fma, 2 threads)');
  });

  it('a long test range: at most REPORT_MAX_FAN_PATHS LSTM paths, evenly spaced from the first test origin', async () => {
    const n = 3000;
    const long: TimeSeries = {
      ...series,
      time: Float64Array.from({ length: n }, (_, t) => Date.UTC(2021, 0, 1) + t * DAY),
      values: { y: Float64Array.from({ length: n }, (_, t) => 20 + 3 * Math.sin((2 * Math.PI * t) / 12) + (t % 7)) },
      length: n,
    };
    const longPanel = panelFromSeries(long);
    const longSplit: SplitIndices = { train: { start: 0, end: 800 }, val: { start: 800, end: 1000 }, test: { start: 1000, end: n } };
    const base = await inputs(3);
    const naive = localForecaster('naive');
    const test = await panelBacktest(longPanel, [fakeLstm, naive], { horizon: 3, split: [longSplit], season: 12 });
    const future = [await fakeLstm.forecast(longPanel, 3), await naive.forecast(longPanel, 3)];
    const evaluation: Evaluation = { ...base.evaluation, test, future };
    const models = Object.fromEntries(Object.entries(test.models).map(([k, v]) => [k, v.pooled]));
    const html = buildForecastReport({ ...base, panel: longPanel, split: [longSplit], evaluation, metrics: { ...base.metrics, rows: n, models } });
    const stepH = figures(html).find((f) => String((f.layout.title as { text?: string })?.text ?? f.layout.title).includes('3-step-ahead'))!;
    const paths = stepH.data.filter((t) => t.name === 'lstm').slice(1);
    // 2,000 test rows / 3 = 666 paths uncapped; the stride becomes 3 * ceil(666.7 / 60) = 36 rows.
    expect(paths.length).toBeLessThanOrEqual(REPORT_MAX_FAN_PATHS);
    expect(paths.length).toBe(Math.ceil(2000 / 36));
    expect(paths[0].y).toEqual([1, 2, 3].map((k) => long.values.y[1000] + k));
    expect(paths[1].y).toEqual([1, 2, 3].map((k) => long.values.y[1036] + k));
  });

  it('horizon 1: one forecast figure, no paths', async () => {
    const figs = figures(buildForecastReport(await inputs(1))).slice(1);
    expect(figs).toHaveLength(4);
    expect(figs[1].data.map((t) => t.name)).toEqual(['actual', 'lstm', 'naive', 'seasonal_naive']);
  });

  it('is deterministic and does not mutate its inputs', async () => {
    const input = await inputs(3);
    const before = JSON.stringify({ ...input, y: Array.from(input.panel.values.y) });
    const a = buildForecastReport(input);
    expect(buildForecastReport(input)).toBe(a);
    expect(JSON.stringify({ ...input, y: Array.from(input.panel.values.y) })).toBe(before);
  });

  it('shows the warnings first, the validation table and what the statistical models fitted', async () => {
    const input = await inputs(3);
    const metrics = {
      ...input.metrics,
      warnings: ["on the validation range, lstm's MASE (1.500) is worse than naive's (1.000)"],
      validation: { rows: 6, models: input.metrics.models },
      fitted_models: { ets: 'ETS(M,A,M)' },
    } as ForecastJobMetrics;
    const html = buildForecastReport({ ...input, metrics });
    const warning = html.indexOf('Warning: on the validation range, lstm&#39;s MASE (1.500) is worse than naive&#39;s (1.000).');
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(html.indexOf('<h2>Data and split</h2>'));
    expect(html).toContain('<h2>Warnings</h2>');
    expect(html).toContain('Validation range (6 rows)');
    expect(html).toMatch(/<td>ets fit<\/td>\s*<td>ETS\(M,A,M\)<\/td>/);
    // Without warnings there is no warnings section.
    expect(buildForecastReport(input).includes('<h2>Warnings</h2>')).toBe(false);
  });
});
