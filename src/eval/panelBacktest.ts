/**
 * The rolling-origin backtest over a panel, through the {@link Forecaster} interface: every
 * model forecasts from every origin of every series' test range, optionally refitted as the
 * origin advances, is probed for lookahead, and is scored per series, per step and over the panel.
 */
import { InputError, describeValue } from '../errors';
import { type Panel, seriesError, seriesIndex } from '../data/panel';
import type { PanelSplit } from '../data/panelSplit';
import type { Range, SplitIndices } from '../data/split';
import { DEFAULT_MASE_SEASON, type MetricSet, maseScale, metricsWithScale } from './metrics';
import { type Forecaster, type PanelForecast, type PanelOrigins, type SeriesForecasts, panelForecast, truncatePanel } from './model';
import { assertInteger } from '../validate';

/**
 * When the backtest refits a model: `'never'` (one `fit` on the panel and split, then every
 * origin), or `{ every: k }`: refit before origins number 0, k, 2k, ... of each series, each
 * time on the rows up to that origin only, and forecast those k origins from that fit (Darts'
 * `historical_forecasts(retrain=k)`).
 */
export type RefitPolicy = 'never' | { readonly every: number };

/** @defaultValue 'never' */
export const DEFAULT_REFIT: RefitPolicy = 'never';

/**
 * Relative tolerance of the lookahead probe: forecasts from the full and the cut panel must
 * agree to `|a - b| <= tolerance * max(|a|, |b|)` (float32 networks batch differently).
 * @defaultValue 1e-6
 */
export const DEFAULT_PROBE_TOLERANCE = 1e-6;

/** An origin the lookahead probe checks: series `id`, series-local row `origin`. */
export interface ProbePoint {
  readonly id: string;
  readonly origin: number;
}

/** Options of {@link panelBacktest}. */
export interface PanelBacktestOptions {
  /** Steps forecast from each origin, a positive integer, at most every series' test rows. */
  readonly horizon: number;
  /** Per series train / validation / test rows; each test range must end at the series' last row. */
  readonly split: PanelSplit;
  /** Seasonal period of the MASE scale in rows; it does not configure the models. @defaultValue {@link DEFAULT_MASE_SEASON} */
  readonly season?: number;
  /** See {@link RefitPolicy}. @defaultValue {@link DEFAULT_REFIT} */
  readonly refit?: RefitPolicy;
  /** A model whose per-series MASE is compared with every other's (see `wins`); omitted: none. */
  readonly reference?: string;
  /**
   * Origins to probe for lookahead; `[]` turns the probe off.
   * @defaultValue the first origin of the first series and of the longest series
   */
  readonly probes?: readonly ProbePoint[];
  /** @defaultValue {@link DEFAULT_PROBE_TOLERANCE} */
  readonly probeTolerance?: number;
  /**
   * Called when a model begins a block (before its `fit`), and after each group of series of
   * that block it forecast (see `minGroupOrigins`): the model's origins done so far of `total`,
   * over all series and blocks.
   */
  readonly onProgress?: (model: string, done: number, total: number) => void;
  /**
   * The fewest origins in one `forecastAt` call: each block's series are cut into consecutive
   * groups holding at least this many origins (the last group may hold fewer), so that
   * `onProgress` is called between groups of a large panel. A series' origins are never split
   * (a statistical model runs its filter from the start of the series on every call), and the
   * forecasts are the same as from one call per block (every model forecasts each series on its
   * own). @defaultValue {@link defaultGroupOrigins} of the block's origins
   */
  readonly minGroupOrigins?: number;
}

/** The fewest origins of a group of series in the default grouping (see {@link defaultGroupOrigins}). */
export const DEFAULT_MIN_GROUP_ORIGINS = 1000;

/** The most groups a block is cut into by default (see {@link defaultGroupOrigins}). */
export const DEFAULT_MAX_GROUPS = 100;

/**
 * The default `minGroupOrigins` of a block of `origins` origins: at most
 * {@link DEFAULT_MAX_GROUPS} groups, none smaller than {@link DEFAULT_MIN_GROUP_ORIGINS}, so that
 * a small panel is forecast in one call and a large one reports progress about every 1%.
 * @param origins - The block's origins over every series, an integer >= 0.
 * @returns An integer >= {@link DEFAULT_MIN_GROUP_ORIGINS}.
 * @example
 * defaultGroupOrigins(500); // => 1000 (one group)
 * defaultGroupOrigins(1_000_000); // => 10000 (100 groups)
 */
export function defaultGroupOrigins(origins: number): number {
  return Math.max(DEFAULT_MIN_GROUP_ORIGINS, Math.ceil(origins / DEFAULT_MAX_GROUPS));
}

/**
 * Cuts the series of a block into consecutive groups holding at least `minOrigins` origins each,
 * a series never split; the last group may hold fewer (series after the last full group, and
 * trailing series without origins, which join the group before them).
 * @param origins - Per series, its origins; not modified.
 * @param minOrigins - A positive integer.
 * @returns The groups as series index ranges `[start, end)`, in order, covering every series.
 * @throws InputError for a `minOrigins` that is not a positive integer.
 * @example
 * seriesGroups([[1, 2], [3], [4, 5], []], 2); // => [{ start: 0, end: 1 }, { start: 1, end: 4 }]
 */
export function seriesGroups(origins: readonly (readonly number[])[], minOrigins: number): Range[] {
  assertInteger('minOrigins', minOrigins, 1);
  const ends: number[] = [];
  let count = 0;
  origins.forEach((list, i) => {
    count += list.length;
    if (count >= minOrigins) {
      ends.push(i + 1);
      count = 0;
    }
  });
  if (ends.length === 0 || count > 0) ends.push(origins.length);
  else ends[ends.length - 1] = origins.length;
  return ends.map((end, g) => ({ start: g === 0 ? 0 : ends[g - 1], end }));
}

/** One model's scores on one series, pooled over its scored (origin, step) pairs. */
export interface SeriesScores {
  readonly id: string;
  /** Number of scored pairs. */
  readonly pairs: number;
  readonly metrics: MetricSet;
  /** `byStep[k - 1]`: the pairs of step k only. */
  readonly byStep: readonly MetricSet[];
}

/** One model's backtest over the panel. */
export interface PanelModelBacktest {
  /** Its forecasts from every origin, NaN at steps past a series' last row; times from `stepTimes`. */
  readonly forecast: PanelForecast;
  /** Per series, in panel order. */
  readonly series: readonly SeriesScores[];
  /** Arithmetic mean over series of their MASE. */
  readonly meanMase: number;
  /** Geometric mean over series of their MASE, `exp(mean(log mase))` (0 when one is 0). */
  readonly geometricMeanMase: number;
  /**
   * Every scored pair of every series pooled with equal weight: MAE, RMSE and R^2 in the units of
   * the data (so a large series weighs more), sMAPE and MAPE in percent; MASE is the mean over
   * pairs of `|error| / scale of its series`, i.e. the pair-weighted mean of the series' MASE.
   */
  readonly pooled: MetricSet;
  /** `pooledByStep[k - 1]`: as `pooled`, over the pairs of step k. */
  readonly pooledByStep: readonly MetricSet[];
}

/** Output of {@link panelBacktest}. */
export interface PanelBacktestResult {
  readonly ids: readonly string[];
  readonly horizon: number;
  readonly season: number;
  readonly refit: RefitPolicy;
  /** Per series, its origins `test.start - 1 .. length - 2`. */
  readonly origins: PanelOrigins;
  /** Per series, its MASE scale: the seasonal-naive MAE of its rows before the test range. */
  readonly scales: readonly number[];
  /** The origins that were probed for lookahead. */
  readonly probes: readonly ProbePoint[];
  /** Per model name, in the order given. */
  readonly models: Readonly<Record<string, PanelModelBacktest>>;
  readonly reference: string | null;
  /** Other model -> share of series (0..1) where `reference` has a strictly lower MASE; null without a reference. */
  readonly wins: Readonly<Record<string, number>> | null;
}

interface Plan {
  readonly horizon: number;
  readonly season: number;
  readonly refit: RefitPolicy;
  readonly split: PanelSplit;
  readonly origins: number[][];
  readonly scales: number[];
  readonly probes: readonly (ProbePoint & { readonly index: number })[];
  readonly tolerance: number;
  readonly reference: string | null;
  readonly onProgress?: (model: string, done: number, total: number) => void;
  /** Undefined: {@link defaultGroupOrigins} of each block. */
  readonly minGroupOrigins?: number;
}

/** A fit and the origins forecast from it. */
interface Block {
  readonly fitPanel: Panel;
  readonly fitSplit: PanelSplit;
  readonly origins: number[][];
}

/** Per series, one forecast row per origin. */
type Rows = Float64Array[][];

/**
 * Rolling-origin backtest of several forecasters over a panel.
 *
 * Protocol, per series i with n rows and test range `split[i].test = [s, n)`: the origins are
 * t = s - 1, ..., n - 2; from each a model forecasts rows t + 1 .. t + h of the series' first
 * target; a pair (t, k) is scored when t + k <= n - 1, so every scored target lies in the test
 * range. For a one-series panel this is exactly `rollingOriginBacktest` with `testStart = s`, and
 * the pooled metrics are equal. MASE divides by the seasonal-naive (period `season`) MAE of the
 * series' rows `[0, s)`.
 *
 * Fitting. With `refit: 'never'` each model is fitted once with `fit(panel, split)`. With
 * `{ every: k }` it is fitted before origins number 0, k, 2k, ... (counted per series) on the
 * panel cut after that origin (each series keeps rows `<= s - 1 + jk`; series without such an
 * origin are left out), with a split whose validation range keeps its length and ends at the cut,
 * and an empty test range; the block's origins are then forecast on the full panel (in groups of
 * whole series on a large panel, see `minGroupOrigins`). Blocks run in order, and within a block
 * the models in the order given, so a combination reuses its parts' fits and forecasts (see
 * `combineForecasters`).
 *
 * No lookahead. After a model forecast the block holding a probe origin t of series i, it is
 * asked again for that origin alone on a copy of the panel cut right after it (series i keeps
 * rows `<= t`, every other series the rows up to the same time, dropped below 2 rows), and the
 * scored steps must agree within `probeTolerance`. The probe costs one more `forecastAt` call
 * and one copy of the panel per probe origin and model (two by default).
 *
 * Models receive one private copy of the panel, shared by all of them; the caller's panel is
 * never seen by a model and not modified.
 *
 * @param panel - The panel; not modified.
 * @param forecasters - At least one, with distinct names; run in this order.
 * @param options - See {@link PanelBacktestOptions}.
 * @returns Per model its forecasts, per series and pooled metrics; see {@link PanelBacktestResult}.
 * @throws InputError for no or duplicate models, an unknown `reference` or probe series, a bad
 *   option (named with its value), a split that does not fit the panel, a horizon above a series'
 *   test rows or a zero MASE scale (both naming the series).
 * @throws Error when a model breaks its contract: a missing series, wrong shape, a non-finite
 *   scored value (naming model, series, origin and step), or different forecasts from the panel
 *   cut after the origin ("... looked past its origin ...").
 * @example
 * const rows = Array.from({ length: 24 }, (_, t) => `${t},${t + (t % 4)}`).join('\n');
 * const panel = panelFromSeries(parseCsvText(`t,y\n${rows}\n`, { time: 't', targets: ['y'] }));
 * const split = splitPanel(panel, { valFraction: 0, testFraction: 0.25 });
 * const result = await panelBacktest(panel, [localForecaster('seasonal_naive', { season: 4 })], { horizon: 2, split, season: 4 });
 * result.origins; // => [[17, 18, 19, 20, 21, 22]]
 * result.models.seasonal_naive.pooled.mase; // => 1 (off by 4 at every step, as in sample)
 */
export async function panelBacktest(
  panel: Panel,
  forecasters: readonly Forecaster[],
  options: PanelBacktestOptions,
): Promise<PanelBacktestResult> {
  const names = checkForecasters(forecasters);
  const own = truncatePanel(panel, panel.ids.map((_, i) => panel.offsets[i + 1] - panel.offsets[i]));
  const plan = makePlan(own, names, options);
  const rows = await runModels(own, forecasters, plan);
  const models: Record<string, PanelModelBacktest> = {};
  for (const name of names) models[name] = scoreModel(own, name, rows.get(name)!, plan);
  return {
    ids: own.ids,
    horizon: plan.horizon,
    season: plan.season,
    refit: plan.refit,
    origins: plan.origins,
    scales: plan.scales,
    probes: plan.probes.map(({ id, origin }) => ({ id, origin })),
    models,
    reference: plan.reference,
    wins: plan.reference === null ? null : winShares(models, plan.reference),
  };
}

function checkForecasters(forecasters: unknown): string[] {
  if (!Array.isArray(forecasters) || forecasters.length === 0) {
    throw new InputError(`forecasters must hold at least one Forecaster, got ${describeValue(forecasters)}`, { argument: 'forecasters' });
  }
  const names: string[] = [];
  forecasters.forEach((f: Partial<Forecaster> | null, i) => {
    const named = f !== null && typeof f === 'object' && typeof f.name === 'string' && f.name.length > 0;
    if (!named || typeof f.fit !== 'function' || typeof f.forecastAt !== 'function') {
      throw new InputError(`forecasters[${i}] must be a Forecaster with a name, fit and forecastAt, got ${describeValue(f)}`, {
        argument: 'forecasters',
      });
    }
    if (names.includes(f.name)) {
      throw new InputError(`forecasters must have distinct names, got ${JSON.stringify(f.name)} twice`, { argument: 'forecasters', value: f.name });
    }
    names.push(f.name);
  });
  return names;
}

function makePlan(panel: Panel, names: readonly string[], options: PanelBacktestOptions): Plan {
  if (options === null || typeof options !== 'object') {
    throw new InputError(`options must be an object, got ${describeValue(options)}`, { argument: 'options' });
  }
  const { horizon, split } = options;
  const season = options.season ?? DEFAULT_MASE_SEASON;
  assertInteger('horizon', horizon, 1);
  assertInteger('season', season, 1);
  const refit = checkRefit(options.refit ?? DEFAULT_REFIT);
  const tolerance = options.probeTolerance ?? DEFAULT_PROBE_TOLERANCE;
  if (typeof tolerance !== 'number' || !(tolerance >= 0) || !Number.isFinite(tolerance)) {
    throw new InputError(`probeTolerance must be a finite number >= 0, got ${describeValue(tolerance)}`, {
      argument: 'probeTolerance',
      value: tolerance,
    });
  }
  const reference = options.reference ?? null;
  if (reference !== null && !names.includes(reference)) {
    const known = names.map((n) => JSON.stringify(n)).join(', ');
    throw new InputError(`reference must be one of the model names (${known}), got ${describeValue(reference)}`, {
      argument: 'reference',
      value: reference,
    });
  }
  checkSplit(panel, split, horizon);
  const origins = split.map((s) => range(s.test.start - 1, s.test.end - 1));
  const scales = panel.ids.map((id, i) => seriesScale(panel, i, split[i], season));
  const probes = resolveProbes(panel, origins, options.probes);
  const minGroupOrigins = options.minGroupOrigins;
  if (minGroupOrigins !== undefined) assertInteger('minGroupOrigins', minGroupOrigins, 1);
  return { horizon, season, refit, split, origins, scales, probes, tolerance, reference, onProgress: options.onProgress, minGroupOrigins };
}

function checkRefit(refit: unknown): RefitPolicy {
  const every = (refit as { every?: unknown } | null)?.every;
  if (refit === 'never' || (typeof refit === 'object' && Number.isInteger(every) && (every as number) >= 1)) return refit as RefitPolicy;
  throw new InputError(`refit must be 'never' or { every: k } with k a positive integer, got ${describeValue(refit)}`, {
    argument: 'refit',
    value: refit,
  });
}

function checkSplit(panel: Panel, split: PanelSplit, horizon: number): void {
  if (!Array.isArray(split) || split.length !== panel.ids.length) {
    const got = Array.isArray(split) ? `${split.length} entries` : describeValue(split);
    throw new InputError(`split must hold one entry per series (${panel.ids.length}), got ${got}`, { argument: 'split' });
  }
  split.forEach((s, i) => {
    const id = JSON.stringify(panel.ids[i]);
    const n = panel.offsets[i + 1] - panel.offsets[i];
    const test = s?.test;
    if (!test || !Number.isInteger(test.start) || test.start < 1 || test.start >= n || test.end !== n) {
      throw new InputError(`split of series ${id}: the test range must be [start, ${n}) with start in [1, ${n - 1}], got ${describeValue(test)}`, {
        argument: 'split',
        id: panel.ids[i],
      });
    }
    if (horizon > n - test.start) {
      throw new InputError(`horizon must not exceed the test rows of series ${id} (${n - test.start}), got ${horizon}`, {
        argument: 'horizon',
        value: horizon,
        id: panel.ids[i],
      });
    }
  });
}

function seriesScale(panel: Panel, index: number, split: SplitIndices, season: number): number {
  const start = panel.offsets[index];
  try {
    return maseScale(panel.values[panel.targets[0]].subarray(start, start + split.test.start), season);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw seriesError(panel.ids[index], error);
  }
}

function resolveProbes(panel: Panel, origins: readonly number[][], probes: readonly ProbePoint[] | undefined): Plan['probes'] {
  if (probes === undefined) {
    const lengths = origins.map((_, i) => panel.offsets[i + 1] - panel.offsets[i]);
    const longest = lengths.reduce((best, n, i) => (n > lengths[best] ? i : best), 0);
    return [...new Set([0, longest])].map((index) => ({ id: panel.ids[index], origin: origins[index][0], index }));
  }
  if (!Array.isArray(probes)) throw new InputError(`probes must be an array of { id, origin }, got ${describeValue(probes)}`, { argument: 'probes' });
  return probes.map(({ id, origin }) => {
    const index = seriesIndex(panel, id);
    const list = origins[index];
    if (!list.includes(origin)) {
      throw new InputError(
        `probes: origin ${describeValue(origin)} of series ${JSON.stringify(id)} is not a backtest origin (${list[0]}..${list[list.length - 1]})`,
        { argument: 'probes', id, value: origin },
      );
    }
    return { id, origin, index };
  });
}

async function runModels(panel: Panel, forecasters: readonly Forecaster[], plan: Plan): Promise<Map<string, Rows>> {
  const rows = new Map(forecasters.map((f) => [f.name, panel.ids.map((): Float64Array[] => [])]));
  const done = new Map(forecasters.map((f) => [f.name, 0]));
  const total = plan.origins.reduce((sum, list) => sum + list.length, 0);
  const probePanels = new Map<number, Panel>();
  const count = blockCount(plan);
  for (let b = 0; b < count; b++) {
    const block = makeBlock(panel, plan, b);
    const groups = groupOrigins(block.origins, plan.minGroupOrigins);
    for (const model of forecasters) {
      plan.onProgress?.(model.name, done.get(model.name)!, total);
      await model.fit(block.fitPanel, block.fitSplit);
      const got: Rows = panel.ids.map(() => []);
      for (const group of groups) {
        const raw = await model.forecastAt(panel, group.origins, plan.horizon);
        const part = checkForecast(model.name, raw, panel, group.origins, plan.horizon);
        for (let i = group.start; i < group.end; i++) got[i] = part[i];
        done.set(model.name, done.get(model.name)! + group.count);
        plan.onProgress?.(model.name, done.get(model.name)!, total);
      }
      got.forEach((list, i) => {
        const target = rows.get(model.name)![i];
        for (const row of list) target.push(row); // no spread: a block can hold every origin of a long series
      });
      await probeModel(model, panel, plan, block, got, probePanels);
    }
  }
  return rows;
}

/** One `forecastAt` call of a block: the origins of series `[start, end)`, empty elsewhere. */
interface Group extends Range {
  readonly origins: number[][];
  /** Origins in the group. */
  readonly count: number;
}

/** The block's origins as {@link seriesGroups}; one group is the block's own origins array. */
function groupOrigins(origins: number[][], minGroupOrigins: number | undefined): Group[] {
  const count = (lists: readonly number[][]): number => lists.reduce((sum, list) => sum + list.length, 0);
  const ranges = seriesGroups(origins, minGroupOrigins ?? defaultGroupOrigins(count(origins)));
  if (ranges.length === 1) return [{ start: 0, end: origins.length, origins, count: count(origins) }];
  return ranges.map(({ start, end }) => {
    const lists = origins.map((list, i) => (i >= start && i < end ? list : []));
    return { start, end, origins: lists, count: count(lists) };
  });
}

function blockCount(plan: Plan): number {
  if (plan.refit === 'never') return 1;
  const every = plan.refit.every;
  return plan.origins.reduce((most, list) => Math.max(most, Math.ceil(list.length / every)), 0);
}

function makeBlock(panel: Panel, plan: Plan, b: number): Block {
  if (plan.refit === 'never') return { fitPanel: panel, fitSplit: plan.split, origins: plan.origins };
  const k = plan.refit.every;
  const origins = plan.origins.map((list) => list.slice(b * k, (b + 1) * k));
  const ends = origins.map((list) => (list.length === 0 ? 0 : list[0] + 1));
  const fitSplit = ends.flatMap((end, i) => (end > 0 ? [splitEndingAt(plan.split[i], end)] : []));
  return { fitPanel: truncatePanel(panel, ends), fitSplit, origins };
}

/** The split of a series cut to `end` rows: validation keeps its length and ends at the cut; no test rows. */
function splitEndingAt(split: SplitIndices, end: number): SplitIndices {
  const valStart = end - (split.val.end - split.val.start);
  return { train: { start: 0, end: valStart }, val: { start: valStart, end }, test: { start: end, end } };
}

/**
 * Checks a model's answer against what was asked and copies its rows, per series index. Values
 * at steps `t + k < limits[i]` must be finite.
 */
function checkForecast(name: string, raw: unknown, panel: Panel, origins: readonly number[][], horizon: number, limits?: readonly number[]): Rows {
  const model = JSON.stringify(name);
  const series = (raw as PanelForecast | null)?.series;
  if (!Array.isArray(series)) throw new Error(`model ${model} must return a PanelForecast with a series array, got ${describeValue(raw)}`);
  const byId = new Map(series.map((s: SeriesForecasts | null) => [s?.id, s]));
  return origins.map((list, i) => {
    if (list.length === 0) return [];
    const id = panel.ids[i];
    const entry = byId.get(id);
    if (!entry) throw new Error(`model ${model} returned no forecasts for series ${JSON.stringify(id)}`);
    const values: unknown = entry.values;
    if (!Array.isArray(values) || values.length !== list.length || String(entry.origins) !== String(list)) {
      const got = Array.isArray(values) ? values.length : describeValue(values);
      throw new Error(
        `model ${model}, series ${JSON.stringify(id)}: must return one forecast per origin ${list[0]}..${list[list.length - 1]} ` +
          `(${list.length}), got ${got} for origins ${describeValue(entry.origins)}`,
      );
    }
    const limit = limits ? limits[i] : panel.offsets[i + 1] - panel.offsets[i];
    return list.map((t, j) => checkRow(`model ${model}, series ${JSON.stringify(id)}, origin ${t}`, values[j], t, horizon, limit));
  });
}

function checkRow(where: string, row: unknown, origin: number, horizon: number, limit: number): Float64Array {
  const length = (row as { length?: unknown } | null)?.length;
  if (row === null || typeof row !== 'object' || length !== horizon) {
    const got = typeof length === 'number' ? `length ${length}` : describeValue(row);
    throw new Error(`${where}: forecast must have length horizon = ${horizon}, got ${got}`);
  }
  const values = row as ArrayLike<unknown>;
  for (let k = 1; k <= horizon && origin + k < limit; k++) {
    const v = values[k - 1];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Error(`${where}, step ${k} (row ${origin + k}): forecast must be a finite number, got ${describeValue(v)}`);
    }
  }
  return Float64Array.from(values as ArrayLike<number>);
}

async function probeModel(model: Forecaster, panel: Panel, plan: Plan, block: Block, got: Rows, panels: Map<number, Panel>): Promise<void> {
  for (const [p, probe] of plan.probes.entries()) {
    const j = block.origins[probe.index].indexOf(probe.origin);
    if (j < 0) continue;
    const cut = panels.get(p) ?? cutAfter(panel, probe.index, probe.origin);
    panels.set(p, cut);
    const origins = cut.ids.map((id) => (id === probe.id ? [probe.origin] : []));
    const raw = await model.forecastAt(cut, origins, plan.horizon);
    const again = checkForecast(model.name, raw, cut, origins, plan.horizon, origins.map(() => 0))[cut.ids.indexOf(probe.id)][0];
    const n = panel.offsets[probe.index + 1] - panel.offsets[probe.index];
    compareProbe(model.name, probe, got[probe.index][j], again, n, plan.tolerance);
  }
}

/** Series `index` keeps rows `<= origin`; the others the rows up to the same time (none below 2 rows). */
function cutAfter(panel: Panel, index: number, origin: number): Panel {
  const at = panel.time[panel.offsets[index] + origin];
  const ends = panel.ids.map((_, i) => {
    if (i === index) return origin + 1;
    let end = 0;
    while (panel.offsets[i] + end < panel.offsets[i + 1] && panel.time[panel.offsets[i] + end] <= at) end++;
    return end < 2 ? 0 : end;
  });
  return truncatePanel(panel, ends);
}

function compareProbe(name: string, probe: ProbePoint, full: Float64Array, cut: Float64Array, n: number, tolerance: number): void {
  for (let k = 1; k <= full.length && probe.origin + k < n; k++) {
    const a = full[k - 1];
    const b = cut[k - 1];
    if (!(a === b || Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b)))) {
      throw new Error(
        `model ${JSON.stringify(name)} looked past its origin: series ${JSON.stringify(probe.id)}, origin ${probe.origin}, step ${k}: ` +
          `it forecast ${a} from the whole panel but ${b} from the panel cut after the origin`,
      );
    }
  }
}

/** Scored pairs of one series, by step. */
interface Pairs {
  readonly actual: number[][];
  readonly predicted: number[][];
}

function scoreModel(panel: Panel, name: string, rows: Rows, plan: Plan): PanelModelBacktest {
  const target = panel.values[panel.targets[0]];
  const pairs = rows.map((list, i) => seriesPairs(target.subarray(panel.offsets[i], panel.offsets[i + 1]), plan.origins[i], list, plan.horizon));
  const series = pairs.map((p, i): SeriesScores => {
    const all = flatten(p);
    return {
      id: panel.ids[i],
      pairs: all.actual.length,
      metrics: metricsWithScale(all.actual, all.predicted, plan.scales[i]),
      byStep: p.actual.map((a, k) => metricsWithScale(a, p.predicted[k], plan.scales[i])),
    };
  });
  const mases = series.map((s) => s.metrics.mase);
  const masked = rows.map((list, i) => list.map((row, j) => maskPastEnd(row, plan.origins[i][j], panel.offsets[i + 1] - panel.offsets[i])));
  return {
    forecast: panelForecast(panel, name, plan.origins, plan.horizon, masked),
    series,
    meanMase: mean(mases),
    geometricMeanMase: Math.exp(mean(mases.map(Math.log))),
    pooled: pooledMetrics(pairs.map(flatten), series.map((s) => s.metrics.mase)),
    pooledByStep: range(0, plan.horizon).map((k) =>
      pooledMetrics(
        pairs.map((p) => ({ actual: p.actual[k], predicted: p.predicted[k] })),
        series.map((s) => s.byStep[k].mase),
      ),
    ),
  };
}

/** In `rollingOriginBacktest`'s order: step by step, origins in order within a step. */
function seriesPairs(y: Float64Array, origins: readonly number[], rows: readonly Float64Array[], horizon: number): Pairs {
  const actual: number[][] = [];
  const predicted: number[][] = [];
  for (let k = 1; k <= horizon; k++) {
    const a: number[] = [];
    const p: number[] = [];
    origins.forEach((t, j) => {
      if (t + k < y.length) {
        a.push(y[t + k]);
        p.push(rows[j][k - 1]);
      }
    });
    actual.push(a);
    predicted.push(p);
  }
  return { actual, predicted };
}

function flatten(p: Pairs): { actual: number[]; predicted: number[] } {
  return { actual: p.actual.flat(), predicted: p.predicted.flat() };
}

/** Pairs of all series with equal weight; MASE as the pair-weighted mean of the series' MASE. */
function pooledMetrics(parts: readonly { actual: number[]; predicted: number[] }[], mases: readonly number[]): MetricSet {
  const actual = parts.flatMap((p) => p.actual);
  const predicted = parts.flatMap((p) => p.predicted);
  const metrics = metricsWithScale(actual, predicted, 1);
  let mase = 0;
  parts.forEach((p, i) => (mase += (p.actual.length / actual.length) * mases[i]));
  return { ...metrics, mase };
}

function maskPastEnd(row: Float64Array, origin: number, n: number): Float64Array {
  return row.map((v, k) => (origin + k + 1 < n ? v : Number.NaN));
}

function winShares(models: Readonly<Record<string, PanelModelBacktest>>, reference: string): Record<string, number> {
  const own = models[reference].series;
  const wins: Record<string, number> = {};
  for (const [name, model] of Object.entries(models)) {
    if (name === reference) continue;
    wins[name] = own.filter((s, i) => s.metrics.mase < model.series[i].metrics.mase).length / own.length;
  }
  return wins;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}
