import type { SplitIndices } from '../data/split';
import type { TimeSeries } from '../data/types';
import type { BacktestResult } from '../eval/backtest';
import type { TrainHistory } from '../model/train';
import { forecastFigure } from '../plot/forecastFigure';
import { lossFigure } from '../plot/lossFigure';
import { metricBarsFigure } from '../plot/metricBars';
import { seriesFigure } from '../plot/seriesFigure';
import { renderReportHtml, type ReportSection } from '../report/html';
import type { ForecastJobMetrics } from './forecastJob';

/** Inputs of {@link buildForecastReport}. */
export interface ForecastReportInput {
  readonly series: TimeSeries;
  readonly target: string;
  readonly split: SplitIndices;
  readonly backtest: BacktestResult;
  readonly metrics: ForecastJobMetrics;
  readonly history: TrainHistory;
}

/**
 * Models left out of the charts (still in the metric table): the mean forecast of a trending
 * series sits far below the data and squashes every other line and bar.
 */
export const CHART_EXCLUDED_MODELS: readonly string[] = ['mean'];

/** Metric columns shown in the report table, in order. */
export const REPORT_METRICS = ['mae', 'rmse', 'smape', 'mase', 'r2'] as const;

/**
 * Per test row, the forecast each model made `step` rows earlier (NaN where no origin reaches it).
 * @returns model name -> values aligned with rows `testStart .. n-1`.
 */
export function stepAlignedForecasts(
  backtest: BacktestResult,
  testStart: number,
  n: number,
  step: number,
): Record<string, Float64Array> {
  const originIndex = new Map(backtest.origins.map((t, i) => [t, i]));
  const out: Record<string, Float64Array> = {};
  for (const [name, model] of Object.entries(backtest.models)) {
    const values = new Float64Array(n - testStart).fill(Number.NaN);
    for (let row = testStart; row < n; row++) {
      const i = originIndex.get(row - step);
      if (i !== undefined) values[row - testStart] = model.forecasts[i][step - 1];
    }
    out[name] = values;
  }
  return out;
}

/**
 * Renders `report.html` of a forecast run: the series with its split, forecast vs actual over the
 * test range (step 1 and step h for every model, plus the LSTM's multi-step paths), loss curves,
 * metric bars and the metric table. Self-contained: plotly.js is inlined, no network needed.
 */
export function buildForecastReport(input: ForecastReportInput): string {
  const { series, target, split, backtest, metrics, history } = input;
  const n = series.length;
  const testStart = split.test.start;
  const testTime = series.time.subarray(testStart);
  const actual = series.values[target].subarray(testStart);
  const horizon = metrics.horizon;
  const sections: ReportSection[] = [];

  if (metrics.warnings.length > 0) {
    sections.push({ kind: 'text', title: 'Warnings', text: metrics.warnings.map((w) => `Warning: ${w}.`).join('\n') });
  }

  sections.push({
    kind: 'figure',
    title: 'Data and split',
    figure: seriesFigure({
      time: series.time,
      timeKind: series.timeKind,
      series: [{ name: target, values: series.values[target] }],
      split,
      title: `${target}: train / val / test`,
      yTitle: target,
    }),
  });

  const steps = horizon > 1 ? [1, horizon] : [1];
  for (const step of steps) {
    const aligned = stepAlignedForecasts(backtest, testStart, n, step);
    const paths = horizon > 1 ? lstmFan(backtest, testStart, n, horizon) : undefined;
    sections.push({
      kind: 'figure',
      title: `Forecast vs actual, ${step}-step-ahead`,
      figure: forecastFigure({
        time: testTime,
        timeKind: series.timeKind,
        actual,
        forecasts: Object.entries(aligned)
          .filter(([name]) => !CHART_EXCLUDED_MODELS.includes(name))
          .map(([name, values]) => ({ name, values })),
        fan: step === horizon && paths ? paths : undefined,
        title: `Test range: ${step}-step-ahead forecasts${step === horizon && paths ? ' (thin: LSTM paths)' : ''}`,
        yTitle: target,
      }),
    });
  }

  sections.push({
    kind: 'figure',
    title: 'Training',
    figure: lossFigure({
      loss: history.loss,
      valLoss: history.valLoss.length === history.loss.length ? history.valLoss : undefined,
      bestEpoch: history.bestEpoch,
      learningRate: history.learningRate,
    }),
  });

  const metricTable: Record<string, Record<string, number>> = {};
  for (const [name, m] of Object.entries(metrics.models)) {
    metricTable[name] = Object.fromEntries(REPORT_METRICS.map((k) => [k, m[k]]));
  }
  sections.push({
    kind: 'figure',
    title: 'Metrics',
    figure: metricBarsFigure({
      metrics: Object.fromEntries(Object.entries(metricTable).filter(([name]) => !CHART_EXCLUDED_MODELS.includes(name))),
      metricNames: ['mase', 'smape'],
    }),
  });
  sections.push({
    kind: 'table',
    title: 'Rolling-origin metrics on the test range',
    columns: ['model', ...REPORT_METRICS],
    rows: Object.entries(metricTable).map(([name, m]) => [name, ...REPORT_METRICS.map((k) => m[k])]),
  });
  if (metrics.validation) {
    const validation = metrics.validation.models;
    sections.push({
      kind: 'table',
      title: `Validation range (${metrics.validation.rows} rows): the same protocol, statistical models fitted on the training rows`,
      columns: ['model', ...REPORT_METRICS],
      rows: Object.entries(validation).map(([name, m]) => [name, ...REPORT_METRICS.map((k) => m[k])]),
    });
  }
  if (metrics.selection && metrics.selection.candidates.length > 1) {
    const chosen = metrics.selection.chosen;
    sections.push({
      kind: 'table',
      title: `LSTM preprocessing, chosen on the validation range: ${chosen.targetTransform} (lookback ${chosen.lookback})`,
      columns: ['target transform', 'lookback', 'validation MASE', 'epochs', 'training s', 'chosen'],
      rows: metrics.selection.candidates.map((c) => [
        c.targetTransform,
        c.lookback,
        c.validationMase,
        c.epochs,
        Number(c.seconds.toFixed(2)),
        c.targetTransform === chosen.targetTransform && c.lookback === chosen.lookback ? 'yes' : '',
      ]),
    });
  }
  sections.push({ kind: 'text', title: 'Protocol', text: metrics.protocol });
  sections.push({
    kind: 'table',
    title: 'Run',
    columns: ['field', 'value'],
    rows: [
      ['dataset', metrics.dataset],
      ['rows', metrics.rows],
      ['season', metrics.season],
      ['horizon', metrics.horizon],
      ['lookback', metrics.lookback],
      ['target transform', metrics.target_transform],
      ['backend', metrics.backend.summary],
      ['LSTM kernel', metrics.kernel.summary],
      ...Object.entries(metrics.fitted_models).map(([name, description]): [string, string] => [`${name} fit`, description]),
      ['epochs (best)', `${metrics.train.epochs} (${metrics.train.best_epoch})`],
      ['training seconds', Number(metrics.train.seconds.toFixed(2))],
      ['samples/s', Math.round(metrics.train.samples_per_second)],
      ['library', `${metrics.library.name} ${metrics.library.version}`],
    ],
  });

  return renderReportHtml({
    title: `Forecast report: ${target} (${metrics.dataset})`,
    subtitle: `horizon ${horizon}, season ${metrics.season}, lookback ${metrics.lookback}; LSTM MASE ${metrics.models.lstm?.mase.toFixed(3)}`,
    sections,
  });
}

/** LSTM paths from every `horizon`-th origin inside the test range whose path ends inside the data. */
function lstmFan(backtest: BacktestResult, testStart: number, n: number, horizon: number) {
  const lstm = backtest.models.lstm;
  if (!lstm) return undefined;
  const origins: number[] = [];
  const paths: Float64Array[] = [];
  backtest.origins.forEach((t, i) => {
    if (t >= testStart && (t - testStart) % horizon === 0 && t + horizon <= n - 1) {
      origins.push(t - testStart); // index into the test-range time axis
      paths.push(lstm.forecasts[i]);
    }
  });
  return origins.length > 0 ? { name: 'lstm', origins, paths } : undefined;
}
