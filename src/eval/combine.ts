/**
 * Forecast combinations over the panel interface: the equal-weight mean of several
 * {@link Forecaster}s (the job's `lstm_ets`), and the cache that lets a combination reuse the
 * forecasts its parts already made for the same origins.
 */
import { InputError, describeValue } from '../errors';
import type { Panel } from '../data/panel';
import type { PanelSplit } from '../data/panelSplit';
import type { Forecaster, PanelForecast, PanelOrigins, SeriesForecasts } from './model';

/** A {@link Forecaster} that remembers its forecasts until it is refitted (see {@link cachedForecaster}). */
export interface CachedForecaster extends Forecaster {
  /** The wrapped forecaster. */
  readonly model: Forecaster;
}

/** An equal-weight combination (see {@link combineForecasters}). */
export interface CombinedForecaster extends Forecaster {
  /** The parts, each behind a cache: run these (not the raw parts) next to the combination. */
  readonly parts: readonly CachedForecaster[];
}

const cachedWrappers = new WeakSet<Forecaster>();

/**
 * Wraps a forecaster so that repeated calls are answered from memory: `forecastAt` with the same
 * panel object, horizon and origins, and `forecast` with the same panel object and steps, return
 * the first call's (shared, read-only) result; `fit` with the very same panel and split objects
 * as the previous fit is skipped, any other `fit` refits and clears the memory. So a backtest
 * that runs a model and a combination holding it predicts each origin once, as `withCombination`
 * in the job does. Fit the wrapper, not the wrapped model, or the memory goes stale.
 *
 * @param model - The forecaster; a {@link CachedForecaster} is returned as it is.
 * @returns The wrapper, with the model's name; `dispose` disposes the model.
 * @example
 * let calls = 0;
 * const flat = {
 *   name: 'flat',
 *   fit: async () => undefined,
 *   forecastAt: async (p, o, h) => { calls++; return panelForecast(p, 'flat', o, h, o.map((l) => l.map(() => new Float64Array(h)))); },
 *   forecast: async () => { throw new Error('not used here'); },
 * };
 * const panel = panelFromSeries(parseCsvText('t,y\n1,1\n2,2\n3,3\n', { time: 't', targets: ['y'] }));
 * const cached = cachedForecaster(flat);
 * await cached.forecastAt(panel, [[1]], 1);
 * await cached.forecastAt(panel, [[1]], 1);
 * calls; // => 1
 */
export function cachedForecaster(model: Forecaster): CachedForecaster {
  if (cachedWrappers.has(model)) return model as CachedForecaster;
  let fitted: { readonly panel: Panel; readonly split: PanelSplit } | null = null;
  let memory = new WeakMap<Panel, Map<string, Promise<PanelForecast>>>();
  const remember = (panel: Panel, key: string, run: () => Promise<PanelForecast>): Promise<PanelForecast> => {
    const byKey = memory.get(panel) ?? new Map<string, Promise<PanelForecast>>();
    memory.set(panel, byKey);
    let result = byKey.get(key);
    if (result === undefined) {
      result = run();
      byKey.set(key, result);
      result.catch(() => byKey.delete(key)); // a failed call is not remembered
    }
    return result;
  };
  const wrapper: CachedForecaster = {
    name: model.name,
    model,
    async fit(panel, split) {
      if (fitted !== null && fitted.panel === panel && fitted.split === split) return;
      fitted = null;
      memory = new WeakMap();
      await model.fit(panel, split);
      fitted = { panel, split };
    },
    forecastAt: (panel, origins, horizon) =>
      remember(panel, `at ${horizon} ${originsKey(origins)}`, () => model.forecastAt(panel, origins, horizon)),
    forecast: (panel, steps) => remember(panel, `end ${steps}`, () => model.forecast(panel, steps)),
    dispose: () => model.dispose?.(),
  };
  cachedWrappers.add(wrapper);
  return wrapper;
}

/**
 * The equal-weight mean of several forecasters: at every series, origin and step, the mean of the
 * parts' forecasts (for two parts `(a + b) / 2`, as the job's `lstm_ets`). The parts are wrapped
 * in {@link cachedForecaster}; run `combined.parts` next to the combination so that neither a
 * part's fit nor its forecasts for the same origins are computed twice.
 *
 * @param name - The combination's model name, non-empty.
 * @param parts - At least two forecasters with distinct names. Not modified.
 * @returns A forecaster whose `fit` fits every part (skipped where a part was just fitted on the
 *   same panel and split objects) and whose `dispose` leaves the parts alone (their owner
 *   disposes them).
 * @throws InputError for an empty name, fewer than two parts or duplicate part names. Its
 *   forecasts throw Error when the parts disagree on series, origins or horizon.
 * @example
 * const s = parseCsvText('t,y\n1,1\n2,3\n3,2\n4,6\n', { time: 't', targets: ['y'] });
 * const panel = panelFromSeries(s);
 * const both = combineForecasters('naive_mean', [localForecaster('naive'), localForecaster('mean')]);
 * await both.fit(panel, [{ train: { start: 0, end: 3 }, val: { start: 3, end: 3 }, test: { start: 3, end: 4 } }]);
 * Array.from((await both.forecastAt(panel, [[2]], 1)).series[0].values[0]); // => [2]
 */
export function combineForecasters(name: string, parts: readonly Forecaster[]): CombinedForecaster {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InputError(`name must be a non-empty string, got ${describeValue(name)}`, { argument: 'name', value: name });
  }
  if (!Array.isArray(parts) || parts.length < 2) {
    throw new InputError(`parts must hold at least 2 forecasters, got ${Array.isArray(parts) ? parts.length : describeValue(parts)}`, {
      argument: 'parts',
    });
  }
  const names = parts.map((p) => p?.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) {
    throw new InputError(`parts must have distinct names, got ${describeValue(duplicate)} twice`, { argument: 'parts', value: duplicate });
  }
  const cached = parts.map(cachedForecaster);
  return {
    name,
    parts: cached,
    async fit(panel, split) {
      for (const part of cached) await part.fit(panel, split);
    },
    forecastAt: async (panel, origins, horizon) => averaged(name, names, await each(cached, (p) => p.forecastAt(panel, origins, horizon))),
    forecast: async (panel, steps) => averaged(name, names, await each(cached, (p) => p.forecast(panel, steps))),
  };
}

/** One after another, as a backtest runs models (a neural part may hold the accelerator). */
async function each(parts: readonly CachedForecaster[], run: (part: CachedForecaster) => Promise<PanelForecast>): Promise<PanelForecast[]> {
  const out: PanelForecast[] = [];
  for (const part of parts) out.push(await run(part));
  return out;
}

function averaged(name: string, parts: readonly string[], forecasts: readonly PanelForecast[]): PanelForecast {
  const [first] = forecasts;
  forecasts.forEach((other, p) => {
    const same =
      other.horizon === first.horizon &&
      other.series.length === first.series.length &&
      other.series.every((s, i) => s.id === first.series[i].id && originsKey([s.origins]) === originsKey([first.series[i].origins]));
    if (!same) {
      throw new Error(`${name}: parts ${JSON.stringify(parts[0])} and ${JSON.stringify(parts[p])} forecast different series, origins or horizons`);
    }
  });
  // One buffer per series, each origin's row a view of it (as `panelForecast` makes them); the
  // origins and times are the first part's, read-only like every forecast's.
  const series: SeriesForecasts[] = first.series.map((s, i) => {
    const h = first.horizon;
    const flat = new Float64Array(s.values.length * h);
    s.values.forEach((_, j) => {
      const out = flat.subarray(j * h, (j + 1) * h);
      for (const f of forecasts) f.series[i].values[j].forEach((v, k) => (out[k] += v));
      for (let k = 0; k < h; k++) out[k] /= forecasts.length;
    });
    const { intervals: _parts, ...rest } = s;
    return { ...rest, values: s.values.map((_, j) => flat.subarray(j * h, (j + 1) * h)) };
  });
  return { model: name, horizon: first.horizon, timeKind: first.timeKind, series };
}

function originsKey(origins: PanelOrigins): string {
  return origins.map((list) => list.join(',')).join(';');
}
