import { panelSeries, type Panel } from '../data/panel';
import type { PanelSplit } from '../data/panelSplit';
import type { TimeSeries } from '../data/types';
import { alignSteps, futureRows, type FutureSeries } from '../eval/alignment';
import type { Evaluation } from './evaluate';
import type { TrainHistory } from '../model/train';
import { forecastFigure } from '../plot/forecastFigure';
import { futureFigure } from '../plot/futureFigure';
import { lossFigure } from '../plot/lossFigure';
import { metricBarsFigure } from '../plot/metricBars';
import { seriesFigure } from '../plot/seriesFigure';
import { renderReportHtml, type ReportSection } from '../report/html';
import type { ForecastJobMetrics, IntervalMetrics } from './metrics';
import { calibrationFigure } from '../plot/calibrationFigure';
import { downsampleFigure } from '../plot/downsample';

/** Inputs of {@link buildForecastReport}. */
export interface ForecastReportInput {
  readonly panel: Panel;
  readonly split: PanelSplit;
  readonly evaluation: Evaluation;
  readonly metrics: ForecastJobMetrics;
  /** Training history of each network (one, or one per series in local mode). */
  readonly histories: readonly TrainHistory[];
}

/** Series shown with their own charts; the per-series table lists every series. */
export const REPORT_MAX_SERIES_CHARTS = 6;

/** Models drawn on the history-plus-future charts (when present). */
export const FUTURE_CHART_MODELS: readonly string[] = ['lstm', 'lstm_ets', 'ets', 'seasonal_naive'];

/**
 * Models left out of the charts (still in the metric table): the mean forecast of a trending
 * series sits far below the data and squashes every other line and bar.
 */
export const CHART_EXCLUDED_MODELS: readonly string[] = ['mean'];

/** Metric columns shown in the report table, in order. */
export const REPORT_METRICS = ['mae', 'rmse', 'smape', 'mase', 'r2'] as const;


/**
 * Renders `report.html` of a forecast run: the series with its split, forecast vs actual over the
 * test range (step 1 and step h for every model, plus the LSTM's multi-step paths), loss curves,
 * metric bars and the metric table. Self-contained: plotly.js is inlined, no network needed.
 */
export function buildForecastReport(input: ForecastReportInput): string {
  const { panel, split, evaluation, metrics, histories } = input;
  const horizon = metrics.horizon;
  const target = panel.targets[0];
  const forecasts = Object.values(evaluation.test.models).map((m) => m.forecast);
  const alignment = alignSteps(panel, forecasts, { split });
  const future = futureRows(evaluation.future);
  const sections: ReportSection[] = [];
  const history = histories[0];

  if (metrics.warnings.length > 0) {
    sections.push({ kind: 'text', title: 'Warnings', text: metrics.warnings.map((w) => `Warning: ${w}.`).join('\n') });
  }
  if (panel.ids.length > 1) sections.push(seriesTable(panel, metrics));
  const shown = panel.ids.slice(0, REPORT_MAX_SERIES_CHARTS);
  if (panel.ids.length > shown.length) {
    sections.push({ kind: 'text', title: 'Charts', text: `Charts for the first ${shown.length} of ${panel.ids.length} series; the table above lists every series.` });
  }
  shown.forEach((id, i) => {
    const series = panelSeries(panel, i);
    const label = panel.ids.length > 1 ? `${id}: ` : '';
    sections.push(futureSection(series, label, future.series[i], horizon));
    sections.push({
      kind: 'figure',
      title: `${label}Data and split`,
      figure: seriesFigure({
        time: series.time,
        timeKind: series.timeKind,
        series: [{ name: target, values: series.values[target] }],
        split: split[i],
        title: `${label}${target}: train / val / test`,
        yTitle: target,
      }),
    });
    const aligned = alignment.series[i];
    const steps = horizon > 1 ? [1, horizon] : [1];
    for (const step of steps) {
      const fan = step === horizon && horizon > 1 ? lstmFan(evaluation, i, split[i].test.start, series.length, horizon) : undefined;
      sections.push({
        kind: 'figure',
        title: `${label}Forecast vs actual, ${step}-step-ahead`,
        figure: forecastFigure({
          time: aligned.time,
          timeKind: series.timeKind,
          actual: aligned.actual,
          forecasts: Object.entries(aligned.forecasts)
            .filter(([name]) => !CHART_EXCLUDED_MODELS.includes(name))
            .map(([name, bySteps]) => ({ name, values: bySteps[step - 1] })),
          fan,
          bands: (aligned.bounds.lstm ?? []).map((b) => ({ name: 'lstm', level: b.level, lower: b.lower[step - 1], upper: b.upper[step - 1] })),
          title: `${label}Test range: ${step}-step-ahead forecasts${fan ? ' (thin: LSTM paths)' : ''}${aligned.bounds.lstm ? ', LSTM intervals shaded' : ''}`,
          yTitle: target,
        }),
      });
    }
  });

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
  if (metrics.intervals) sections.push(...intervalSections(metrics.intervals));
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
      ['series', metrics.series],
      ['LSTM mode', metrics.mode],
      ['calendar inputs', metrics.calendar.length > 0 ? metrics.calendar.join(', ') : 'none'],
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
    // Long series are thinned for display (metrics above use every point): the page stays small.
    sections: sections.map((section) => (section.kind === 'figure' ? { ...section, figure: downsampleFigure(section.figure).figure } : section)),
    title: `Forecast report: ${target} (${metrics.dataset}${panel.ids.length > 1 ? `, ${panel.ids.length} series` : ''})`,
    subtitle: `horizon ${horizon}, season ${metrics.season}, lookback ${metrics.lookback}; LSTM MASE ${metrics.models.lstm?.mase.toFixed(3)}`,
  });
}

/** Models whose calibration is drawn (the table lists every model). */
export const CALIBRATION_CHART_MODELS: readonly string[] = ['lstm', 'ets', 'seasonal_naive'];

/** The interval table (every model) and the calibration chart. */
function intervalSections(intervals: IntervalMetrics): ReportSection[] {
  const levels = intervals.levels.map(String);
  const lines = CALIBRATION_CHART_MODELS.filter((name) => intervals.models[name] !== undefined).flatMap((name) =>
    levels.map((level) => ({ name, level: Number(level), coverage: intervals.models[name].coverage_by_step[level] })),
  );
  return [
    {
      kind: 'table',
      title: `Prediction intervals on the test range (${intervals.method})`,
      columns: ['model', ...levels.flatMap((l) => [`coverage ${l}%`, `width ${l}%`, `interval score ${l}%`]), 'scaled pinball'],
      rows: Object.entries(intervals.models).map(([name, m]) => [
        name,
        ...levels.flatMap((l) => [m.coverage[l], m.width[l], m.winkler[l]]),
        m.pinball,
      ]),
    },
    {
      kind: 'figure',
      title: 'Calibration: nominal vs empirical coverage per step',
      figure: calibrationFigure({ lines, title: 'Test points inside the intervals, per horizon step (dashed: nominal)' }),
    },
  ];
}

/** LSTM paths of series `index` from every `horizon`-th origin inside the test range whose path ends inside the data. */
function lstmFan(evaluation: Evaluation, index: number, testStart: number, n: number, horizon: number) {
  const lstm = evaluation.test.models.lstm?.forecast.series.find((s) => s.index === index);
  if (!lstm) return undefined;
  const origins: number[] = [];
  const paths: Float64Array[] = [];
  lstm.origins.forEach((t, j) => {
    if (t >= testStart && (t - testStart) % horizon === 0 && t + horizon <= n - 1) {
      origins.push(t - testStart); // index into the test-range time axis
      paths.push(lstm.values[j]);
    }
  });
  return origins.length > 0 ? { name: 'lstm', origins, paths } : undefined;
}

/** Rows of history shown before the future on the history-plus-future chart: a few horizons, at least 3 years of months. */
function historyShown(series: TimeSeries, horizon: number): number {
  return Math.min(series.length, Math.max(5 * horizon, 36));
}

/** The last rows and the `horizon` steps past the end, per model. */
function futureSection(series: TimeSeries, label: string, future: FutureSeries | undefined, horizon: number): ReportSection {
  const target = series.targets[0];
  const shown = historyShown(series, horizon);
  return {
    kind: 'figure',
    title: `${label}History and the next ${horizon} steps`,
    figure: futureFigure({
      time: series.time,
      values: series.values[target],
      futureTime: future?.time ?? [],
      forecasts: FUTURE_CHART_MODELS.filter((name) => future?.values[name] !== undefined).map((name) => ({ name, values: future!.values[name] })),
      bands: (future?.bounds.lstm ?? []).map((b) => ({ name: 'lstm', level: b.level, lower: b.lower, upper: b.upper })),
      timeKind: series.timeKind,
      historyShown: shown,
      title: `${label}${target}: the last ${shown} rows and ${future?.time.length ?? 0} steps past the end (future.csv)`,
      yTitle: target,
    }),
  };
}

/** Every series: rows, the LSTM's test MASE and the best other model's. */
function seriesTable(panel: Panel, metrics: ForecastJobMetrics): ReportSection {
  const rows = panel.ids.map((id) => {
    const s = metrics.per_series[id];
    const others = Object.entries(s.models).filter(([name]) => name !== 'lstm' && name !== 'lstm_ets' && !CHART_EXCLUDED_MODELS.includes(name));
    const best = others.reduce<[string, number] | null>((b, [name, m]) => (b === null || m.mase < b[1] ? [name, m.mase] : b), null);
    const coverage = (metrics.intervals?.levels ?? []).map((l) => s.intervals?.lstm?.coverage[String(l)] ?? null);
    return [id, s.rows, s.models.lstm?.mase ?? null, s.models.lstm_ets?.mase ?? null, best ? best[0] : '', best ? best[1] : null, ...coverage];
  });
  const wins = Object.entries(metrics.aggregate.lstm_wins)
    .map(([name, share]) => `${name} ${(100 * share).toFixed(0)}%`)
    .join(', ');
  return {
    kind: 'table',
    title: `Per series: test MASE (geometric mean over series: LSTM ${metrics.aggregate.geometric_mean_mase.lstm?.toFixed(3)}; LSTM better on ${wins})`,
    columns: ['series', 'rows', 'lstm MASE', 'lstm_ets MASE', 'best other model', 'its MASE', ...(metrics.intervals?.levels ?? []).map((l) => `lstm coverage ${l}%`)],
    rows: rows as (string | number | null)[][],
  };
}
