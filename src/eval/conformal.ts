/**
 * Split conformal prediction intervals for any {@link Forecaster}: calibrated on the residuals of
 * its rolling-origin forecasts over the validation ranges (origins that precede the test range),
 * per horizon step, then put around its point forecasts.
 *
 * Calibration, per step k: every validation pair (origin t, step k) of every series i gives the
 * score `|y[t + k] - forecast| / scale_i`, where `scale_i` is the series' MASE scale on its
 * training rows (so series of different sizes share one calibration, and a one-series panel is
 * calibrated on its own residuals alone). The level-L half-width at step k is the
 * `ceil((n_k + 1) L/100)`-th smallest of the n_k scores (the finite-sample conformal quantile).
 * Under exchangeable residuals the intervals then cover at least L%.
 *
 * With fewer than `L / (100 - L)` scores (19 at 95%, 4 at 80%) there is no such score. Rather than
 * leave the step without intervals, the half-width is then the Student-t prediction bound of a
 * zero-mean normal residual, `t_{n_k}((1 + L/100) / 2) x sqrt(mean score^2)`: honest about the
 * small sample (wide for a few residuals), but it assumes normal errors; `methods` records which
 * rule each level and step used. Without any score the step has NaN bounds.
 */
import { jStat } from 'jstat';
import { InputError, describeValue } from '../errors';
import type { Panel } from '../data/panel';
import { checkLevels } from './intervalMetrics';
import type { PanelForecast, SeriesIntervals } from './model';

/** Default interval levels, percent (the CLI's `--levels 80,95`). */
export const DEFAULT_LEVELS: readonly number[] = Object.freeze([80, 95]);

/** `conformal`: the conformal quantile; `student-t`: the small-sample bound; `none`: no residuals. */
export type CalibrationMethod = 'conformal' | 'student-t' | 'none';

/** A model's conformal calibration: what a bundle stores to give the same intervals again. */
export interface ConformalCalibration {
  /** Always `'split-conformal'`. */
  readonly method: 'split-conformal';
  /** Levels, percent, increasing. */
  readonly levels: readonly number[];
  /** Steps calibrated. */
  readonly horizon: number;
  /** `quantiles[l][k - 1]`: the scaled half-width of level `levels[l]` at step k; NaN (null in JSON) when not calibrated. */
  readonly quantiles: readonly (readonly number[])[];
  /** `methods[l][k - 1]`: how that half-width was found (see the module summary). */
  readonly methods: readonly (readonly CalibrationMethod[])[];
  /** `counts[k - 1]`: the calibration scores at step k. */
  readonly counts: readonly number[];
  /** Per series id, the scale its residuals were divided by (and its half-widths are multiplied by). */
  readonly scales: Readonly<Record<string, number>>;
}

/**
 * Calibrates split conformal intervals from a model's forecasts over the validation ranges.
 *
 * @param panel - The panel the forecasts were made on (its rows give the actual values).
 * @param forecast - The model's forecasts from the validation origins (a `panelBacktest` on the
 *   panel cut at the end of each validation range); steps past a series' last row are ignored.
 * @param scales - Per series of `panel` (its order), a positive finite scale.
 * @param levels - Percentages in (0, 100), distinct. @defaultValue {@link DEFAULT_LEVELS}
 * @returns The calibration (see {@link ConformalCalibration}).
 * @throws InputError for bad levels or scales, or a forecast of a series not in `panel`.
 * @example
 * const panel = panelFromSeries(parseCsvText('t,y\n0,0\n1,1\n2,2\n3,3\n4,5\n', { time: 't', targets: ['y'] }));
 * const flat = panelForecast(panel, 'flat', [[0, 1, 2, 3]], 1, [[Float64Array.of(0), Float64Array.of(1), Float64Array.of(2), Float64Array.of(3)]]);
 * // residuals 1, 1, 1, 2: the 80% half-width is the ceil(5 * 0.8) = 4th smallest
 * calibrateConformal(panel, flat, [1], [80]).quantiles; // => [[2]]
 */
export function calibrateConformal(
  panel: Panel,
  forecast: PanelForecast,
  scales: readonly number[],
  levels: readonly number[] = DEFAULT_LEVELS,
): ConformalCalibration {
  const sorted = checkLevels([...levels]);
  checkScales(scales, panel.ids.length);
  const byStep: number[][] = Array.from({ length: forecast.horizon }, () => []);
  const used: Record<string, number> = {};
  for (const s of forecast.series) {
    const i = panel.ids.indexOf(s.id);
    if (i < 0) throw new InputError(`forecast has series ${JSON.stringify(s.id)}, which is not in the panel`, { argument: 'forecast', id: s.id });
    const start = panel.offsets[i];
    const length = panel.offsets[i + 1] - start;
    const y = panel.values[panel.targets[0]];
    used[s.id] = scales[i];
    s.origins.forEach((t, j) => {
      for (let k = 1; k <= forecast.horizon && t + k < length; k++) {
        const f = s.values[j][k - 1];
        if (Number.isFinite(f)) byStep[k - 1].push(Math.abs(y[start + t + k] - f) / scales[i]);
      }
    });
  }
  for (const scores of byStep) scores.sort((a, b) => a - b);
  const halves = sorted.map((level) => byStep.map((scores) => halfWidth(scores, level)));
  return {
    method: 'split-conformal',
    levels: sorted,
    horizon: forecast.horizon,
    quantiles: halves.map((row) => row.map((h) => h.value)),
    methods: halves.map((row) => row.map((h) => h.method)),
    counts: byStep.map((s) => s.length),
    scales: used,
  };
}

/** The conformal quantile, else the Student-t bound, else NaN (see the module summary). */
function halfWidth(sorted: readonly number[], level: number): { value: number; method: CalibrationMethod } {
  const q = conformalQuantile(sorted, level);
  if (!Number.isNaN(q)) return { value: q, method: 'conformal' };
  const n = sorted.length;
  if (n === 0) return { value: Number.NaN, method: 'none' };
  const rms = Math.sqrt(sorted.reduce((s, v) => s + v * v, 0) / n);
  return { value: jStat.studentt.inv((1 + level / 100) / 2, n) * rms, method: 'student-t' };
}

/**
 * Fewest scores for which {@link conformalQuantile} exists at `level`: `ceil(L / (100 - L))`
 * (4 at 80%, 19 at 95%).
 * @example
 * conformalMinimum(95); // => 19
 */
export function conformalMinimum(level: number): number {
  return Math.ceil(round9(level / (100 - level)));
}

/**
 * The finite-sample conformal quantile of sorted scores: the `ceil((n + 1) level/100)`-th
 * smallest, NaN when that exceeds n.
 * @param sorted - Scores in increasing order; not modified.
 * @example
 * conformalQuantile([1, 2, 3, 4], 80); // ceil(5 * 0.8) = 4th: 4
 * conformalQuantile([1, 2, 3], 80);    // ceil(4 * 0.8) = 4 > 3: NaN
 */
export function conformalQuantile(sorted: ArrayLike<number>, level: number): number {
  const rank = Math.ceil(round9(((sorted.length + 1) * level) / 100));
  return rank >= 1 && rank <= sorted.length ? sorted[rank - 1] : Number.NaN;
}

/**
 * A copy of `forecast` with conformal intervals around its point forecasts: at step k the
 * level-L bounds are `forecast -/+ quantile x scale of the series`, held as one half-width per
 * step and series (see `SeriesIntervals`, `lowerBound`, `upperBound`).
 *
 * @param forecast - Point forecasts (any origins; steps beyond `calibration.horizon` get NaN bounds).
 * @param calibration - From {@link calibrateConformal} (or a bundle).
 * @returns A new forecast whose series carry `intervals`, one per calibrated level.
 * @throws InputError for a series the calibration has no scale for.
 * @example
 * const panel = panelFromSeries(parseCsvText('t,y\n0,0\n1,1\n2,2\n3,3\n4,5\n', { time: 't', targets: ['y'] }));
 * const flat = panelForecast(panel, 'flat', [[0, 1, 2, 3]], 1, [[Float64Array.of(0), Float64Array.of(1), Float64Array.of(2), Float64Array.of(3)]]);
 * const calibration = calibrateConformal(panel, flat, [2], [80]); // half-width 1 x scale 2
 * withConformalIntervals(panelForecast(panel, 'flat', [[4]], 1, [[Float64Array.of(5)]]), calibration).series[0].intervals[0].halfWidths; // => [2]
 */
export function withConformalIntervals(forecast: PanelForecast, calibration: ConformalCalibration): PanelForecast {
  const series = forecast.series.map((s) => {
    const scale = calibration.scales[s.id];
    if (typeof scale !== 'number') {
      throw new InputError(`the conformal calibration has no scale for series ${JSON.stringify(s.id)}`, { argument: 'calibration', id: s.id });
    }
    const intervals: SeriesIntervals[] = calibration.levels.map((level, l) => ({
      level,
      halfWidths: Float64Array.from({ length: forecast.horizon }, (_, k) =>
        k < calibration.horizon ? calibration.quantiles[l][k] * scale : Number.NaN,
      ),
    }));
    return { ...s, intervals };
  });
  return { ...forecast, series };
}

/**
 * Checks a calibration read back from JSON (a bundle), where NaN was written as null.
 * @returns The calibration with NaN restored.
 * @throws InputError naming the bad field.
 * @example
 * calibrationFromJSON({ method: 'split-conformal', levels: [80], horizon: 1, quantiles: [[null]], methods: [['none']], counts: [0], scales: { y: 1 } }).quantiles[0][0]; // NaN
 */
export function calibrationFromJSON(raw: unknown): ConformalCalibration {
  const c = raw as Partial<Record<keyof ConformalCalibration, unknown>> | null;
  const fail = (field: string): never => {
    throw new InputError(`intervals.${field} is missing or malformed in the bundle, got ${describeValue(c?.[field as keyof ConformalCalibration])}`, {
      argument: 'intervals',
    });
  };
  if (c === null || typeof c !== 'object' || c.method !== 'split-conformal') fail('method');
  const levels = checkLevels(c!.levels, 'intervals.levels');
  const horizon = c!.horizon;
  if (typeof horizon !== 'number' || !Number.isInteger(horizon) || horizon < 1) fail('horizon');
  const quantiles = c!.quantiles;
  if (!Array.isArray(quantiles) || quantiles.length !== levels.length || !quantiles.every((q) => Array.isArray(q) && q.length === horizon)) fail('quantiles');
  const counts = c!.counts;
  if (!Array.isArray(counts) || counts.length !== horizon) fail('counts');
  const methods = c!.methods;
  const known: readonly unknown[] = ['conformal', 'student-t', 'none'];
  if (!Array.isArray(methods) || methods.length !== levels.length || !methods.every((m) => Array.isArray(m) && m.length === horizon && m.every((x) => known.includes(x)))) {
    fail('methods');
  }
  const scales = c!.scales as Record<string, unknown> | undefined;
  if (scales === null || typeof scales !== 'object' || !Object.values(scales).every((v) => typeof v === 'number' && v > 0)) fail('scales');
  return {
    method: 'split-conformal',
    levels,
    horizon: horizon as number,
    quantiles: (quantiles as unknown[][]).map((row) => row.map((v) => (typeof v === 'number' ? v : Number.NaN))),
    methods: methods as CalibrationMethod[][],
    counts: counts as number[],
    scales: scales as Record<string, number>,
  };
}

function checkScales(scales: readonly number[], count: number): void {
  if (!Array.isArray(scales) || scales.length !== count) {
    throw new InputError(`scales must hold one scale per series (${count}), got ${describeValue(scales)}`, { argument: 'scales' });
  }
  const bad = scales.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v) || v <= 0);
  if (bad >= 0) throw new InputError(`scales[${bad}] must be a positive finite number, got ${describeValue(scales[bad])}`, { argument: 'scales', index: bad });
}

/** `(n + 1) * level / 100` computed in binary can land a hair above an integer (e.g. 20 * 0.95). */
function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
