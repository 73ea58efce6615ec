/**
 * Scores a model's prediction intervals over a backtest: per series and pooled, per level, and
 * coverage per horizon step (the calibration chart's data).
 */
import { InputError } from '../errors';
import type { Panel } from '../data/panel';
import { type IntervalScores, intervalScores, scaledPinball } from './intervalMetrics';
import { lowerBound, upperBound, type PanelForecast, type SeriesForecasts, type SeriesIntervals } from './model';

/** Interval scores of one series, or pooled over series. */
export interface IntervalSummary {
  /** Per level (increasing): coverage, scaled width and scaled interval score; NaN without scored pairs. */
  readonly levels: readonly IntervalScores[];
  /** Scaled pinball loss over the median and every level's bounds (pairs where all are calibrated); NaN without any. */
  readonly pinball: number;
  /** Pairs scored per level. */
  readonly pairs: readonly number[];
}

/** What {@link scoreIntervals} returns. */
export interface PanelIntervalScores {
  readonly pooled: IntervalSummary;
  /** Per series id with origins. */
  readonly series: Readonly<Record<string, IntervalSummary>>;
  /** `coverageByStep[l][k - 1]`: pooled coverage of level l at step k (NaN without pairs). */
  readonly coverageByStep: readonly (readonly number[])[];
}

/**
 * Scores the intervals of `forecast` against the panel's actual values. A pair (origin t, step
 * k) is scored when row t + k exists; a level is scored on the pairs where its bounds are finite.
 * Pooled figures weigh every pair equally (each scaled by its own series' scale).
 *
 * @param panel - The panel the forecasts were made on.
 * @param forecast - Forecasts with `intervals` on every series (see `withConformalIntervals`).
 * @param scales - Per series of `panel` (its order), its positive scale (the MASE scale).
 * @throws InputError for a series without intervals or not in the panel.
 * @example
 * const panel = panelFromSeries(parseCsvText('t,y\n0,0\n1,1\n2,2\n3,3\n4,5\n', { time: 't', targets: ['y'] }));
 * const flat = panelForecast(panel, 'flat', [[0, 1, 2, 3]], 1, [[Float64Array.of(0), Float64Array.of(1), Float64Array.of(2), Float64Array.of(3)]]);
 * const banded = withConformalIntervals(flat, calibrateConformal(panel, flat, [1], [80])); // +/- 2
 * scoreIntervals(panel, banded, [1]).pooled.levels[0].coverage; // => 1
 */
export function scoreIntervals(panel: Panel, forecast: PanelForecast, scales: readonly number[]): PanelIntervalScores {
  const levels = forecast.series[0]?.intervals?.map((b) => b.level) ?? [];
  const y = panel.values[panel.targets[0]];
  const perSeries: Record<string, IntervalSummary> = {};
  const totals: LevelTotals[] = levels.map(() => ({ pairs: 0, covered: 0, width: 0, winkler: 0 }));
  const pin = { pairs: 0, sum: 0 };
  const steps: StepCounts[][] = levels.map(() => Array.from({ length: forecast.horizon }, () => ({ pairs: 0, covered: 0 })));
  for (const s of forecast.series) {
    const i = panel.ids.indexOf(s.id);
    if (i < 0 || s.intervals === undefined) {
      throw new InputError(`series ${JSON.stringify(s.id)} of ${forecast.model} has no intervals, or is not in the panel`, { argument: 'forecast', id: s.id });
    }
    const start = panel.offsets[i];
    const rows = { y, start, length: panel.offsets[i + 1] - start };
    const { columns, all } = collectPairs(s, s.intervals, rows, { levels, horizon: forecast.horizon, steps });
    const scores = scoreLevels(columns, levels, scales[i]);
    addLevelTotals(totals, scores, columns);
    const pinball =
      all.actual.length === 0
        ? Number.NaN
        : scaledPinball(all.actual, all.point, levels.map((level, l) => ({ level, ...all.bounds[l] })), scales[i]);
    if (all.actual.length > 0) {
      pin.pairs += all.actual.length;
      pin.sum += pinball * all.actual.length;
    }
    perSeries[s.id] = { levels: scores, pinball, pairs: columns.map((c) => c.actual.length) };
  }
  return pooledScores(levels, totals, pin, steps, perSeries);
}

/** One level's scored pairs of one series: actual values and the finite bounds. */
type LevelColumns = { actual: number[]; lower: number[]; upper: number[] };
/** The pairs of one series where every level is finite: actual, point forecast and each level's bounds. */
type CompletePairs = { actual: number[]; point: number[]; bounds: { lower: number[]; upper: number[] }[] };
/** Running sums of one level over series, each weighted by its pair count. */
type LevelTotals = { pairs: number; covered: number; width: number; winkler: number };
/** Pairs and covered pairs of one level at one step. */
type StepCounts = { pairs: number; covered: number };

/** Where one series' rows lie in the panel's target column: `y[start .. start + length)`. */
type SeriesRows = { readonly y: Float64Array; readonly start: number; readonly length: number };
/** What every series' pairs are collected against: the levels, the steps per origin and the per-step counts to add to. */
type PairContext = { readonly levels: readonly number[]; readonly horizon: number; readonly steps: StepCounts[][] };

/** Gathers one series' scorable pairs, per level and complete over all levels; counts coverage per step into `ctx.steps`. */
function collectPairs(
  s: SeriesForecasts,
  intervals: readonly SeriesIntervals[],
  rows: SeriesRows,
  ctx: PairContext,
): { columns: LevelColumns[]; all: CompletePairs } {
  const { levels, horizon, steps } = ctx;
  const { y, start, length } = rows;
  const columns: LevelColumns[] = levels.map(() => ({ actual: [] as number[], lower: [] as number[], upper: [] as number[] }));
  const all: CompletePairs = { actual: [] as number[], point: [] as number[], bounds: levels.map(() => ({ lower: [] as number[], upper: [] as number[] })) };
  s.origins.forEach((t, j) => {
    for (let k = 1; k <= horizon && t + k < length; k++) {
      const actual = y[start + t + k];
      let complete = true;
      const point = s.values[j][k - 1];
      intervals.forEach((b, l) => {
        const lo = lowerBound(point, b, k);
        const hi = upperBound(point, b, k);
        if (!(Number.isFinite(lo) && Number.isFinite(hi))) {
          complete = false;
          return;
        }
        columns[l].actual.push(actual);
        columns[l].lower.push(lo);
        columns[l].upper.push(hi);
        steps[l][k - 1].pairs++;
        if (actual >= lo && actual <= hi) steps[l][k - 1].covered++;
      });
      if (complete && levels.length > 0) {
        all.actual.push(actual);
        all.point.push(point);
        intervals.forEach((b, l) => {
          all.bounds[l].lower.push(lowerBound(point, b, k));
          all.bounds[l].upper.push(upperBound(point, b, k));
        });
      }
    }
  });
  return { columns, all };
}

/** One series' interval scores per level (NaN where the level has no pairs). */
function scoreLevels(columns: readonly LevelColumns[], levels: readonly number[], scale: number): IntervalScores[] {
  return levels.map((level, l) =>
    columns[l].actual.length === 0
      ? { level, coverage: Number.NaN, width: Number.NaN, winkler: Number.NaN }
      : intervalScores(columns[l].actual, columns[l].lower, columns[l].upper, level, scale),
  );
}

/** Adds one series' per-level scores, weighted by its pair counts, to the pooled sums. */
function addLevelTotals(totals: LevelTotals[], scores: readonly IntervalScores[], columns: readonly LevelColumns[]): void {
  scores.forEach((sc, l) => {
    const n = columns[l].actual.length;
    if (n === 0) return;
    totals[l].pairs += n;
    totals[l].covered += sc.coverage * n;
    totals[l].width += sc.width * n;
    totals[l].winkler += sc.winkler * n;
  });
}

/** Turns the pooled sums into means (NaN without pairs) and assembles the result. */
function pooledScores(
  levels: readonly number[],
  totals: readonly LevelTotals[],
  pin: { readonly pairs: number; readonly sum: number },
  steps: readonly StepCounts[][],
  perSeries: Record<string, IntervalSummary>,
): PanelIntervalScores {
  const mean = (sum: number, n: number): number => (n === 0 ? Number.NaN : sum / n);
  return {
    pooled: {
      levels: levels.map((level, l) => ({
        level,
        coverage: mean(totals[l].covered, totals[l].pairs),
        width: mean(totals[l].width, totals[l].pairs),
        winkler: mean(totals[l].winkler, totals[l].pairs),
      })),
      pinball: mean(pin.sum, pin.pairs),
      pairs: totals.map((t) => t.pairs),
    },
    series: perSeries,
    coverageByStep: steps.map((row) => row.map((c) => mean(c.covered, c.pairs))),
  };
}
