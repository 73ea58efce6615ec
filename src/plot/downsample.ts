/**
 * Charts of long series, thinned for display: a figure whose traces share one long axis keeps a
 * subset of its points, chosen by Largest-Triangle-Three-Buckets (the `downsample` package's
 * LTTB, as Sveinn Steinarsson described it) on its first trace, plus the first, last, minimum
 * and maximum point of every trace. All traces keep the same points, so interval bands (two
 * traces filled between) stay aligned. Metrics are never computed from a thinned figure.
 */
import { LTTB } from 'downsample';
import { fail } from '../validate';
import type { PlotlyFigure, PlotlyTrace } from './figure';

/**
 * Most points a trace keeps on the shared axis.
 * @defaultValue `1000`
 */
export const DEFAULT_MAX_POINTS = 1000;

/** What {@link downsampleFigure} returns. */
export interface DownsampledFigure {
  readonly figure: PlotlyFigure;
  /** Points kept on the shared axis (`total` when nothing was thinned). */
  readonly shown: number;
  /** Points of the shared axis. */
  readonly total: number;
}

/**
 * Indices to keep of a series of `values` (NaN/null are gaps): LTTB's choice over the finite
 * points (about `maxPoints` of them), with the first, last, minimum and maximum finite point.
 *
 * @returns Increasing indices into `values`; every index when there are at most `maxPoints` values.
 * @throws InputError when `maxPoints` is not an integer >= 4.
 * @example
 * Array.from(keptIndices([0, 9, 1, 1, 1, -3, 1, 1, 2], 4)); // includes 0, 1 (max), 5 (min), 8 (last)
 */
export function keptIndices(values: ArrayLike<number | null>, maxPoints: number = DEFAULT_MAX_POINTS): Int32Array {
  checkMaxPoints(maxPoints);
  const n = values.length;
  if (n <= maxPoints) return Int32Array.from({ length: n }, (_, i) => i);
  const finite: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) finite.push([i, v]);
  }
  const keep = new Set<number>();
  if (finite.length > 0) {
    for (const point of LTTB(finite, Math.min(maxPoints, finite.length)) as [number, number][]) keep.add(point[0]);
    addExtremes(finite, keep);
  }
  return Int32Array.from([...keep].sort((a, b) => a - b));
}

/**
 * Thins a figure whose traces share a long axis (see the module summary). Traces of another
 * length (a fan of short paths) are kept whole. A figure of at most `maxPoints` points is
 * returned as it is; otherwise its title gains "(N points shown of M)".
 *
 * @param figure - Not modified.
 * @param maxPoints - An integer >= 4. @defaultValue {@link DEFAULT_MAX_POINTS}
 * @returns A new figure when thinned, with the counts.
 * @throws InputError for a bad `maxPoints`.
 * @example
 * const big = { data: [{ type: 'scatter', x: Array.from({ length: 5000 }, (_, i) => i), y: Array.from({ length: 5000 }, (_, i) => Math.sin(i)) }], layout: {} };
 * downsampleFigure(big, 100).shown <= 104; // true: about 100, plus the extremes
 */
export function downsampleFigure(figure: PlotlyFigure, maxPoints: number = DEFAULT_MAX_POINTS): DownsampledFigure {
  checkMaxPoints(maxPoints);
  const first = figure.data.find((t) => Array.isArray(t.y));
  const total = first?.y?.length ?? 0;
  if (first === undefined || total <= maxPoints) return { figure, shown: total, total };
  const shared = figure.data.filter((t) => t.y?.length === total);
  const keep = new Set(keptIndices(first.y as (number | null)[], maxPoints));
  for (const trace of shared.slice(1)) {
    const finite: [number, number][] = [];
    (trace.y as (number | null)[]).forEach((v, i) => {
      if (typeof v === 'number' && Number.isFinite(v)) finite.push([i, v]);
    });
    addExtremes(finite, keep);
  }
  const indices = [...keep].sort((a, b) => a - b);
  const pick = <T>(values: readonly T[] | undefined): T[] | undefined => values && indices.map((i) => values[i]);
  const data: PlotlyTrace[] = figure.data.map((t) => (t.y?.length === total ? { ...t, x: pick(t.x), y: pick(t.y) } : t));
  const note = `(${indices.length} points shown of ${total})`;
  return { figure: { ...figure, data, layout: { ...figure.layout, title: withNote(figure.layout.title, note) } }, shown: indices.length, total };
}

function addExtremes(finite: readonly [number, number][], keep: Set<number>): void {
  if (finite.length === 0) return;
  let min = finite[0];
  let max = finite[0];
  for (const p of finite) {
    if (p[1] < min[1]) min = p;
    if (p[1] > max[1]) max = p;
  }
  keep.add(finite[0][0]).add(finite[finite.length - 1][0]).add(min[0]).add(max[0]);
}

function withNote(title: unknown, note: string): unknown {
  if (title !== null && typeof title === 'object' && typeof (title as { text?: unknown }).text === 'string') {
    return { ...(title as object), text: `${(title as { text: string }).text} ${note}` };
  }
  return typeof title === 'string' ? `${title} ${note}` : { text: note };
}

function checkMaxPoints(maxPoints: number): void {
  if (!Number.isInteger(maxPoints) || maxPoints < 4) fail('maxPoints', 'an integer >= 4 (first, last, minimum, maximum)', maxPoints);
}
