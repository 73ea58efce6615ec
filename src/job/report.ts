import { panelSeries, type Panel } from '../data/panel';
import type { PanelSplit } from '../data/panelSplit';
import type { SplitIndices } from '../data/split';
import type { TimeSeries } from '../data/types';
import { alignedLower, alignedUpper, alignSteps, futureRows, type FutureSeries, type SeriesAlignment } from '../eval/alignment';
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
  /**
   * Called once the sections are built (`done` 0) and after each chart is made ready for the
   * page (thinned, see `downsampleFigure`): `done` charts of `total`. @defaultValue none
   */
  readonly onProgress?: (done: number, total: number) => void;
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
  const { panel, metrics, histories } = input;
  const sections: ReportSection[] = [
    ...warningsSection(metrics),
    ...(panel.ids.length > 1 ? [seriesTable(panel, metrics)] : []),
    ...chartSections(input),
    trainingSection(histories[0]),
    ...metricSections(metrics),
    ...(metrics.intervals ? intervalSections(metrics.intervals) : []),
    ...validationSection(metrics),
    ...selectionSection(metrics),
    { kind: 'text', title: 'Protocol', text: metrics.protocol },
    runSection(metrics),
  ];
  const charts = sections.filter((section) => section.kind === 'figure').length;
  let done = 0;
  input.onProgress?.(0, charts);
  return renderReportHtml({
    // Long series are thinned for display (metrics above use every point): the page stays small.
    sections: sections.map((section) => {
      if (section.kind !== 'figure') return section;
      const thinned = { ...section, figure: downsampleFigure(section.figure).figure };
      input.onProgress?.(++done, charts);
      return thinned;
    }),
    title: `Forecast report: ${panel.targets[0]} (${metrics.dataset}${panel.ids.length > 1 ? `, ${panel.ids.length} series` : ''})`,
    subtitle: `horizon ${metrics.horizon}, season ${metrics.season}, lookback ${metrics.lookback}; LSTM MASE ${metrics.models.lstm?.mase.toFixed(3)}`,
  });
}

/** The run's warnings, when there are any. */
function warningsSection(metrics: ForecastJobMetrics): ReportSection[] {
  if (metrics.warnings.length === 0) return [];
  return [{ kind: 'text', title: 'Warnings', text: metrics.warnings.map((w) => `Warning: ${w}.`).join('\n') }];
}

/**
 * The charts of the first {@link REPORT_MAX_SERIES_CHARTS} series (a note says so when there are
 * more): for each, its history and future, its data and split, and its forecasts vs actual.
 */
function chartSections(input: ForecastReportInput): ReportSection[] {
  const { panel, split, evaluation } = input;
  const forecasts = Object.values(evaluation.test.models).map((m) => m.forecast);
  const alignment = alignSteps(panel, forecasts, { split });
  const future = futureRows(evaluation.future);
  const shown = panel.ids.slice(0, REPORT_MAX_SERIES_CHARTS);
  const note: ReportSection[] =
    panel.ids.length > shown.length
      ? [{ kind: 'text', title: 'Charts', text: `Charts for the first ${shown.length} of ${panel.ids.length} series; the table above lists every series.` }]
      : [];
  return [
    ...note,
    ...shown.flatMap((id, i) => {
      const series = panelSeries(panel, i);
      const label = panel.ids.length > 1 ? `${id}: ` : '';
      return [
        futureSection(series, label, future.series[i], input.metrics.horizon),
        splitSection(series, label, split[i]),
        ...forecastSections(input, { index: i, series, label, aligned: alignment.series[i] }),
      ];
    }),
  ];
}

/** One series' target over time, with its train / val / test ranges. */
function splitSection(series: TimeSeries, label: string, split: SplitIndices): ReportSection {
  const target = series.targets[0];
  return {
    kind: 'figure',
    title: `${label}Data and split`,
    figure: seriesFigure({
      time: series.time,
      timeKind: series.timeKind,
      series: [{ name: target, values: series.values[target] }],
      split,
      title: `${label}${target}: train / val / test`,
      yTitle: target,
    }),
  };
}

/** The series whose forecasts {@link forecastSections} draws. */
interface ChartedSeries {
  /** Its index in the panel. */
  readonly index: number;
  readonly series: TimeSeries;
  /** Prefix of the titles (`"<id>: "` when there are several series, else empty). */
  readonly label: string;
  readonly aligned: SeriesAlignment;
}

/**
 * One series' forecasts vs actual over the test range, 1 step ahead and (when `horizon > 1`)
 * `horizon` steps ahead, the latter with the LSTM's paths; the LSTM's intervals shaded.
 */
function forecastSections(input: ForecastReportInput, { index, series, label, aligned }: ChartedSeries): ReportSection[] {
  const { split, evaluation } = input;
  const horizon = input.metrics.horizon;
  const target = input.panel.targets[0];
  const steps = horizon > 1 ? [1, horizon] : [1];
  return steps.map((step) => {
    const fan = step === horizon && horizon > 1 ? lstmFan(evaluation, index, split[index].test.start, series.length, horizon) : undefined;
    return {
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
        bands: (aligned.bounds.lstm ?? []).map((b) => ({ name: 'lstm', level: b.level, lower: alignedLower(aligned.forecasts.lstm, b, step), upper: alignedUpper(aligned.forecasts.lstm, b, step) })),
        title: `${label}Test range: ${step}-step-ahead forecasts${fan ? ' (thin: LSTM paths)' : ''}${aligned.bounds.lstm ? ', LSTM intervals shaded' : ''}`,
        yTitle: target,
      }),
    };
  });
}

/** The loss curves of the (first) network's training. */
function trainingSection(history: TrainHistory): ReportSection {
  return {
    kind: 'figure',
    title: 'Training',
    figure: lossFigure({
      loss: history.loss,
      valLoss: history.valLoss.length === history.loss.length ? history.valLoss : undefined,
      bestEpoch: history.bestEpoch,
      learningRate: history.learningRate,
    }),
  };
}

/** The {@link REPORT_METRICS} of each model on the test range: as bars, then as a table. */
function metricSections(metrics: ForecastJobMetrics): ReportSection[] {
  const metricTable: Record<string, Record<string, number>> = {};
  for (const [name, m] of Object.entries(metrics.models)) {
    metricTable[name] = Object.fromEntries(REPORT_METRICS.map((k) => [k, m[k]]));
  }
  return [
    {
      kind: 'figure',
      title: 'Metrics',
      figure: metricBarsFigure({
        metrics: Object.fromEntries(Object.entries(metricTable).filter(([name]) => !CHART_EXCLUDED_MODELS.includes(name))),
        metricNames: ['mase', 'smape'],
      }),
    },
    {
      kind: 'table',
      title: 'Rolling-origin metrics on the test range',
      columns: ['model', ...REPORT_METRICS],
      rows: Object.entries(metricTable).map(([name, m]) => [name, ...REPORT_METRICS.map((k) => m[k])]),
    },
  ];
}

/** The same metrics on the validation range, when it was long enough. */
function validationSection(metrics: ForecastJobMetrics): ReportSection[] {
  if (!metrics.validation) return [];
  const validation = metrics.validation.models;
  return [
    {
      kind: 'table',
      title: `Validation range (${metrics.validation.rows} rows): the same protocol, statistical models fitted on the training rows`,
      columns: ['model', ...REPORT_METRICS],
      rows: Object.entries(validation).map(([name, m]) => [name, ...REPORT_METRICS.map((k) => m[k])]),
    },
  ];
}

/** The LSTM preprocessing candidates and the one chosen, when there was a choice. */
function selectionSection(metrics: ForecastJobMetrics): ReportSection[] {
  const selection = metrics.selection;
  if (!selection || selection.candidates.length <= 1) return [];
  const chosen = selection.chosen;
  return [
    {
      kind: 'table',
      title: `LSTM preprocessing, chosen on the validation range: ${chosen.targetTransform} (lookback ${chosen.lookback})`,
      columns: ['target transform', 'lookback', 'validation MASE', 'epochs', 'training s', 'chosen'],
      rows: selection.candidates.map((c) => [
        c.targetTransform,
        c.lookback,
        c.validationMase,
        c.epochs,
        Number(c.seconds.toFixed(2)),
        c.targetTransform === chosen.targetTransform && c.lookback === chosen.lookback ? 'yes' : '',
      ]),
    },
  ];
}

/** The run's settings, fitted models, training and software, as a field / value table. */
function runSection(metrics: ForecastJobMetrics): ReportSection {
  return {
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
  };
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

/**
 * Most LSTM paths drawn on the h-step-ahead chart of a series: one from every `horizon`-th test
 * origin, spaced further apart on a longer test range (200,000 test rows would otherwise draw 8,333
 * paths, 11 MB of report). @defaultValue 60
 */
export const REPORT_MAX_FAN_PATHS = 60;

/** LSTM paths of series `index` from every `horizon`-th origin inside the test range whose path ends inside the data. */
function lstmFan(evaluation: Evaluation, index: number, testStart: number, n: number, horizon: number) {
  const lstm = evaluation.test.models.lstm?.forecast.series.find((s) => s.index === index);
  if (!lstm) return undefined;
  const origins: number[] = [];
  const paths: Float64Array[] = [];
  // Paths every `horizon` rows, or sparser on a long test range: at most REPORT_MAX_FAN_PATHS.
  const stride = horizon * Math.max(1, Math.ceil((n - testStart) / horizon / REPORT_MAX_FAN_PATHS));
  lstm.origins.forEach((t, j) => {
    if (t >= testStart && (t - testStart) % stride === 0 && t + horizon <= n - 1) {
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
