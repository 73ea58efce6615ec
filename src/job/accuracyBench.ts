/**
 * The accuracy benchmark: the `forecast` job with its defaults on every series of the suite
 * ({@link accuracySuite}), and one table of MASE and sMAPE per series and model.
 */
import { promises as fs } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { InputError, describeValue } from '../errors';
import { STATISTICAL_MODELS } from '../eval/statistical';
import { writeFileAtomic } from '../io/atomic';
import { accuracySuite, type AccuracySeries } from './accuracySuite';
import { runForecastJob, type ForecastJobOptions } from './forecastJob';
import type { ForecastJobMetrics, IntervalModelMetrics } from './metrics';

/** Job settings a benchmark may change (everything else stays at the CLI's defaults). */
export type AccuracyJobSettings = Partial<Pick<ForecastJobOptions, 'epochs' | 'seed' | 'targetTransform' | 'lookback' | 'model'>>;

/** Options of {@link runAccuracyBench}. */
export interface AccuracyBenchOptions {
  /** The `data` folder of `vega-datasets`. */
  readonly dataDir: string;
  /** Output folder; must not exist. Receives `accuracy.json`, `accuracy.md`, `data/` and `runs/`. */
  readonly out: string;
  /** Run only these series (names from the suite). @defaultValue all */
  readonly only?: readonly string[];
  /** Non-default job settings, recorded in the output. @defaultValue {} */
  readonly job?: AccuracyJobSettings;
  /** One line per series as it finishes. @defaultValue no-op */
  readonly log?: (line: string) => void;
}

/** One series' result. */
export interface AccuracyRow {
  readonly name: string;
  readonly frequency: AccuracySeries['frequency'];
  readonly season: number;
  readonly horizon: number;
  readonly origin: string;
  readonly rows: number;
  /** Model -> test-range MASE and sMAPE (%). */
  readonly models: Readonly<Record<string, { readonly mase: number; readonly smape: number }>>;
  /** The statistical model (ets, theta, ...) with the lowest test MASE. */
  readonly bestStatistical: { readonly model: string; readonly mase: number } | null;
  /** LSTM MASE / best statistical MASE. */
  readonly ratio: number;
  readonly trainSeconds: number;
  readonly totalSeconds: number;
  readonly warnings: readonly string[];
  /** What the LSTM job chose or recorded (target transform, lookback). */
  readonly lstm: { readonly targetTransform: string; readonly lookback: number };
  /** Model -> its intervals on the test range (coverage, interval score, points, per level); null without intervals. */
  readonly intervals: Readonly<Record<string, Pick<IntervalModelMetrics, 'coverage' | 'winkler' | 'pairs'>>> | null;
}

/** A series that could not be run. */
export interface AccuracyFailure {
  readonly name: string;
  readonly error: string;
}

/** Everything {@link runAccuracyBench} measured. */
export interface AccuracyResult {
  readonly settings: AccuracyJobSettings;
  readonly rows: readonly AccuracyRow[];
  readonly failures: readonly AccuracyFailure[];
  readonly summary: AccuracySummary;
}

/** How one model fared over the suite. */
export interface ModelSummary {
  /** Geometric mean over series of its MASE / the best statistical model's MASE. */
  readonly geometricMeanRatio: number;
  readonly beatsSeasonalNaive: { readonly wins: number; readonly of: number };
  readonly beatsNaive: { readonly wins: number; readonly of: number };
  readonly beatsBestStatistical: { readonly wins: number; readonly of: number };
}

/** The models judged in the summary: the LSTM and its combination with ets. */
export const JUDGED_MODELS = ['lstm', 'lstm_ets'] as const;

/** How the intervals fared over the suite. */
export interface IntervalSummary {
  readonly levels: readonly number[];
  /** Model -> level -> coverage pooled over every scored test point of every series. */
  readonly coverage: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Judged model -> level -> on how many seasonal series its interval score beat seasonal naive's. */
  readonly beatsSeasonalNaive: Readonly<Record<string, Readonly<Record<string, { readonly wins: number; readonly of: number }>>>>;
}

/** The suite-level numbers. */
export interface AccuracySummary {
  readonly series: number;
  readonly models: Readonly<Record<string, ModelSummary>>;
  /** Null when no series had intervals. */
  readonly intervals: IntervalSummary | null;
  readonly trainSeconds: number;
  readonly totalSeconds: number;
}

function rowOf(series: AccuracySeries, metrics: ForecastJobMetrics): AccuracyRow {
  const models = Object.fromEntries(Object.entries(metrics.models).map(([name, m]) => [name, { mase: m.mase, smape: m.smape }]));
  let bestStatistical: AccuracyRow['bestStatistical'] = null;
  for (const name of STATISTICAL_MODELS) {
    const m = models[name];
    if (m && Number.isFinite(m.mase) && (bestStatistical === null || m.mase < bestStatistical.mase)) bestStatistical = { model: name, mase: m.mase };
  }
  return {
    name: series.name,
    frequency: series.frequency,
    season: series.season,
    horizon: series.horizon,
    origin: series.origin,
    rows: metrics.rows,
    models,
    bestStatistical,
    ratio: bestStatistical ? models.lstm.mase / bestStatistical.mase : Number.NaN,
    trainSeconds: metrics.train.seconds,
    totalSeconds: metrics.seconds_total,
    warnings: metrics.warnings,
    lstm: { targetTransform: metrics.target_transform, lookback: metrics.lookback },
    intervals:
      metrics.intervals === null
        ? null
        : Object.fromEntries(Object.entries(metrics.intervals.models).map(([name, m]) => [name, { coverage: m.coverage, winkler: m.winkler, pairs: m.pairs }])),
  };
}

/**
 * Suite-level numbers: the geometric mean of the ratios, and how often the LSTM beat seasonal
 * naive (series with m > 1 only), naive and the best statistical model on test MASE.
 *
 * @param rows - Per-series results.
 * @returns The summary.
 * @example
 * summarise(result.rows).geometricMeanRatio; // e.g. 0.97
 */
export function summarise(rows: readonly AccuracyRow[]): AccuracySummary {
  const models: Record<string, ModelSummary> = {};
  for (const model of JUDGED_MODELS) {
    const scored = rows.filter((r) => r.models[model] !== undefined);
    const mase = (r: AccuracyRow): number => r.models[model].mase;
    const count = (keep: (r: AccuracyRow) => boolean, win: (r: AccuracyRow) => boolean) => {
      const kept = scored.filter(keep);
      return { wins: kept.filter(win).length, of: kept.length };
    };
    const ratios = scored.filter((r) => r.bestStatistical !== null).map((r) => mase(r) / r.bestStatistical!.mase).filter((v) => Number.isFinite(v) && v > 0);
    models[model] = {
      geometricMeanRatio: ratios.length > 0 ? Math.exp(ratios.reduce((sum, v) => sum + Math.log(v), 0) / ratios.length) : Number.NaN,
      beatsSeasonalNaive: count((r) => r.season > 1, (r) => mase(r) < r.models.seasonal_naive.mase),
      beatsNaive: count(() => true, (r) => mase(r) < r.models.naive.mase),
      beatsBestStatistical: count((r) => r.bestStatistical !== null, (r) => mase(r) < r.bestStatistical!.mase),
    };
  }
  return {
    series: rows.length,
    models,
    intervals: summariseIntervals(rows),
    trainSeconds: rows.reduce((sum, r) => sum + r.trainSeconds, 0),
    totalSeconds: rows.reduce((sum, r) => sum + r.totalSeconds, 0),
  };
}

/** Pooled coverage per model and level, and the judged models' interval-score wins over seasonal naive. */
function summariseIntervals(rows: readonly AccuracyRow[]): IntervalSummary | null {
  const banded = rows.filter((r) => r.intervals !== null);
  if (banded.length === 0) return null;
  const levels = Object.keys(banded[0].intervals!.lstm?.coverage ?? {}).map(Number);
  const models = [...new Set(banded.flatMap((r) => Object.keys(r.intervals!)))];
  const coverage: Record<string, Record<string, number>> = {};
  for (const model of models) {
    coverage[model] = {};
    for (const level of levels.map(String)) {
      let inside = 0;
      let pairs = 0;
      for (const r of banded) {
        const m = r.intervals![model];
        const c = m?.coverage[level];
        if (m === undefined || c === null || c === undefined) continue;
        inside += c * m.pairs[level];
        pairs += m.pairs[level];
      }
      coverage[model][level] = pairs > 0 ? inside / pairs : Number.NaN;
    }
  }
  const beatsSeasonalNaive: Record<string, Record<string, { wins: number; of: number }>> = {};
  for (const model of JUDGED_MODELS) {
    beatsSeasonalNaive[model] = {};
    for (const level of levels.map(String)) {
      const scored = banded.filter((r) => r.season > 1 && typeof r.intervals![model]?.winkler[level] === 'number' && typeof r.intervals!.seasonal_naive?.winkler[level] === 'number');
      const wins = scored.filter((r) => (r.intervals![model].winkler[level] as number) < (r.intervals!.seasonal_naive.winkler[level] as number)).length;
      beatsSeasonalNaive[model][level] = { wins, of: scored.length };
    }
  }
  return { levels, coverage, beatsSeasonalNaive };
}

const fmt = (v: number | undefined, digits = 3): string => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));

/**
 * The result as a markdown document: the summary, then one table row per series with the MASE
 * of every model (the best in bold), the LSTM / best-statistical ratio and the training seconds.
 *
 * @param result - What {@link runAccuracyBench} measured.
 * @returns Markdown text.
 * @example
 * accuracyMarkdown(result).startsWith('# Accuracy'); // true
 */
export function accuracyMarkdown(result: AccuracyResult): string {
  const s = result.summary;
  const models = [...new Set(result.rows.flatMap((r) => Object.keys(r.models)))];
  const lines = [
    '# Accuracy benchmark',
    '',
    `Settings: ${Object.keys(result.settings).length === 0 ? 'the forecast CLI defaults (only --season and --horizon per series)' : JSON.stringify(result.settings)}.`,
    '',
    `- series: ${s.series}${result.failures.length > 0 ? ` (${result.failures.length} failed: ${result.failures.map((f) => f.name).join(', ')})` : ''}`,
    ...Object.entries(s.models).map(
      ([model, m]) =>
        `- ${model}: geometric mean of its MASE / the best of (${STATISTICAL_MODELS.join(', ')}) **${fmt(m.geometricMeanRatio)}**; ` +
        `beats seasonal naive on ${m.beatsSeasonalNaive.wins} of ${m.beatsSeasonalNaive.of} seasonal series, naive on ${m.beatsNaive.wins} of ${m.beatsNaive.of}, ` +
        `the best statistical model on ${m.beatsBestStatistical.wins} of ${m.beatsBestStatistical.of}`,
    ),
    `- training ${fmt(s.trainSeconds, 1)} s, total ${fmt(s.totalSeconds, 1)} s`,
    '',
    `MASE on the test range (rolling origin); sMAPE is in accuracy.json.`,
    '',
    `| series | m | h | rows | ${models.join(' | ')} | lstm / best stat | chosen transform | train s |`,
    `|---|---|---|---|${models.map(() => '---|').join('')}---|---|---|`,
  ];
  for (const r of result.rows) {
    const best = Math.min(...models.map((m) => r.models[m]?.mase ?? Number.POSITIVE_INFINITY));
    const cells = models.map((m) => (r.models[m]?.mase === best ? `**${fmt(best)}**` : fmt(r.models[m]?.mase)));
    lines.push(`| ${r.name} | ${r.season} | ${r.horizon} | ${r.rows} | ${cells.join(' | ')} | ${fmt(r.ratio)} | ${r.lstm.targetTransform} | ${fmt(r.trainSeconds, 1)} |`);
  }
  lines.push(...intervalMarkdown(result));
  for (const f of result.failures) lines.push('', `- ${f.name} failed: ${f.error}`);
  return lines.join('\n') + '\n';
}

/** The intervals part of the markdown: pooled coverage, interval-score wins, per-series coverage. */
function intervalMarkdown(result: AccuracyResult): string[] {
  const iv = result.summary.intervals;
  if (iv === null) return [];
  const pct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '-' : `${(100 * v).toFixed(1)}%`);
  const levels = iv.levels.map(String);
  const lines = [
    '',
    '## Prediction intervals (split conformal, calibrated on each series\' validation range)',
    '',
    `| model | ${levels.map((l) => `coverage ${l}%`).join(' | ')} |`,
    `|---|${levels.map(() => '---|').join('')}`,
    ...Object.entries(iv.coverage).map(([model, c]) => `| ${model} | ${levels.map((l) => pct(c[l])).join(' | ')} |`),
    '',
    ...Object.entries(iv.beatsSeasonalNaive).map(
      ([model, byLevel]) =>
        `- ${model}: interval score below seasonal naive's on ${levels.map((l) => `${byLevel[l].wins} of ${byLevel[l].of} seasonal series at ${l}%`).join(', ')}`,
    ),
    '',
    `| series | ${levels.map((l) => `lstm ${l}%`).join(' | ')} | ${levels.map((l) => `seasonal_naive ${l}%`).join(' | ')} |`,
    `|---|${levels.map(() => '---|').join('')}${levels.map(() => '---|').join('')}`,
  ];
  for (const r of result.rows) {
    const cov = (model: string): string[] => levels.map((l) => pct(r.intervals?.[model]?.coverage[l]));
    lines.push(`| ${r.name} | ${cov('lstm').join(' | ')} | ${cov('seasonal_naive').join(' | ')} |`);
  }
  return lines;
}

/**
 * Runs the forecast job on every series of the suite and writes `accuracy.json` and
 * `accuracy.md` into `out` (each written atomically), the series as CSV into `out/data/` and each
 * job's outputs (report, metrics, forecasts, model) into `out/runs/<name>/`. A series whose job
 * fails is recorded with its error and the others still run.
 *
 * @param options - See {@link AccuracyBenchOptions}.
 * @returns What was measured.
 * @throws {@link InputError} when `out` exists or `only` names an unknown series.
 * @example
 * await runAccuracyBench({ dataDir: 'node_modules/vega-datasets/data', out: 'bench-out' });
 */
export async function runAccuracyBench(options: AccuracyBenchOptions): Promise<AccuracyResult> {
  const out = resolve(options.out);
  const log = options.log ?? (() => undefined);
  const suite = await accuracySuite(options.dataDir);
  const only = options.only;
  if (only) {
    const unknown = only.filter((name) => !suite.some((s) => s.name === name));
    if (unknown.length > 0) {
      throw new InputError(`--only names unknown series ${describeValue(unknown.join(','))}; known: ${suite.map((s) => s.name).join(', ')}`, {
        argument: 'only',
        value: unknown,
      });
    }
  }
  try {
    await fs.mkdir(out);
  } catch (error) {
    throw new InputError(`cannot create --out ${describeValue(options.out)}: ${(error as NodeJS.ErrnoException).code}`, { argument: 'out', value: options.out });
  }
  await fs.mkdir(join(out, 'data'));
  await fs.mkdir(join(out, 'runs'));
  const settings = options.job ?? {};
  const rows: AccuracyRow[] = [];
  const failures: AccuracyFailure[] = [];
  for (const series of suite.filter((s) => !only || only.includes(s.name))) {
    const csv = join(out, 'data', `${series.name}.csv`);
    await fs.writeFile(csv, series.csv);
    try {
      const result = await runForecastJob({ ...settings, csv, time: 'time', target: 'value', gaps: series.gaps, season: series.season, horizon: series.horizon, out: join(out, 'runs', series.name) });
      // Warnings name the CSV by its path: keep it relative to `out`, so the tables name no machine path.
      const row = { ...rowOf(series, result.metrics), warnings: result.metrics.warnings.map((w) => w.split(`${out}${sep}`).join('')) };
      rows.push(row);
      log(`${series.name.padEnd(36)} lstm ${fmt(row.models.lstm.mase)}  best stat ${fmt(row.bestStatistical?.mase)} (${row.bestStatistical?.model ?? '-'})  ratio ${fmt(row.ratio)}  ${fmt(row.totalSeconds, 1)} s`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ name: series.name, error: message });
      log(`${series.name.padEnd(36)} failed: ${message}`);
    }
  }
  const result: AccuracyResult = { settings, rows, failures, summary: summarise(rows) };
  await writeFileAtomic(join(out, 'accuracy.json'), JSON.stringify(result, null, 2) + '\n');
  await writeFileAtomic(join(out, 'accuracy.md'), accuracyMarkdown(result));
  return result;
}
