import type { PlotlyFigure, PlotlyTrace } from './figure';
import type { Range, SplitIndices } from '../data/split';
import type { NamedValues, TimeInput, TimeKind } from './types';
import { DEFAULT_TIME_KIND, toAxisTimes } from './time';
import { assertLength, assertName, assertOptionalString } from '../validate';
import { toPlotValues } from './values';
import { axis, baseLayout, colorAt, REGION_COLORS } from './style';
import { indexSpan, shadedRect, spanLabel } from './regions';
import { InputError, describeValue } from '../errors';

/** Options of {@link seriesFigure}. */
export interface SeriesFigureOptions {
  /** Time stamps, one per value (see `toAxisTimes` for units). */
  readonly time: TimeInput;
  /**
   * How to read `time`.
   * @defaultValue {@link DEFAULT_TIME_KIND} (`'number'`)
   */
  readonly timeKind?: TimeKind;
  /** One line per entry, each with `time.length` values; at least one. */
  readonly series: ReadonlyArray<NamedValues>;
  /** Optional split to shade; empty ranges are not drawn. */
  readonly split?: SplitIndices;
  /** Figure title. */
  readonly title?: string;
  /**
   * Y-axis title.
   * @defaultValue {@link DEFAULT_SERIES_Y_TITLE}
   */
  readonly yTitle?: string;
}

/**
 * Y-axis title of {@link seriesFigure}.
 * @defaultValue `'value'`
 */
export const DEFAULT_SERIES_Y_TITLE = 'value';

const REGION_LABELS = { train: 'train', val: 'validation', test: 'test' } as const;

/**
 * Line plot of one or more series, with the train / validation / test split shaded.
 *
 * Each split range `[start, end)` is drawn as a translucent rectangle (`layout.shapes`, below the
 * lines) from halfway between samples `start - 1` and `start` to halfway between `end - 1` and
 * `end` (or to the first / last sample at the ends), so adjacent ranges meet exactly; its label
 * (`train`, `validation`, `test`) is an annotation at the top of the range.
 *
 * @param options - See {@link SeriesFigureOptions}; not mutated.
 * @returns A new figure: one `scatter` line trace per series, in order.
 * @throws InputError when `time` is empty or invalid, `series` is empty, a name is empty, a
 *   values array has the wrong length or holds an infinite value, or the split ranges are not
 *   integers with `0 <= start <= end <= time.length` in the order train, val, test without overlap.
 * @example
 * const fig = seriesFigure({
 *   time: [0, 1, 2, 3], series: [{ name: 'load', values: [1, 2, 3, 4] }],
 *   split: { train: { start: 0, end: 2 }, val: { start: 2, end: 3 }, test: { start: 3, end: 4 } },
 * });
 * fig.data[0].name; // 'load'
 */
export function seriesFigure(options: SeriesFigureOptions): PlotlyFigure {
  const { series, split, title } = options;
  const timeKind = options.timeKind ?? DEFAULT_TIME_KIND;
  const yTitle = options.yTitle ?? DEFAULT_SERIES_Y_TITLE;
  assertOptionalString('title', title);
  const times = toAxisTimes(options.time, timeKind);
  const n = times.x.length;
  if (n === 0) throw new InputError('time must not be empty, got 0 time stamps', { argument: 'time', value: 0 });
  if (!Array.isArray(series) || series.length === 0) {
    throw new InputError(`series must be a non-empty array, got ${describeValue(series)}`, { argument: 'series', value: series });
  }
  const data: PlotlyTrace[] = series.map((s, i) => {
    assertName(`series[${i}].name`, s?.name);
    const y = toPlotValues(`series[${i}].values`, s.values);
    assertLength(`series[${i}].values`, y.length, n, 'time');
    return { type: 'scatter', mode: 'lines', name: s.name, x: [...times.x], y, line: { color: colorAt(i), width: 1.5 } };
  });
  const layout = baseLayout(title);
  layout.xaxis = axis('time', { type: timeKind === 'date' ? 'date' : 'linear' });
  layout.yaxis = axis(yTitle);
  if (split !== undefined) {
    validateSplit(split, n);
    const shapes: Record<string, unknown>[] = [];
    const annotations: Record<string, unknown>[] = [];
    for (const key of ['train', 'val', 'test'] as const) {
      const { start, end } = split[key];
      if (start === end) continue;
      const span = indexSpan(times, start, end);
      shapes.push({ ...shadedRect(span, REGION_COLORS[key]), name: REGION_LABELS[key] });
      annotations.push(spanLabel(span, REGION_LABELS[key]));
    }
    layout.shapes = shapes;
    layout.annotations = annotations;
  }
  return { data, layout };
}

function validateSplit(split: SplitIndices, n: number): void {
  let previousEnd = 0;
  let previousName = '';
  for (const key of ['train', 'val', 'test'] as const) {
    const range: unknown = (split as unknown as Record<string, unknown>)[key];
    const r = range as Partial<Range> | undefined;
    const ok =
      r !== undefined &&
      r !== null &&
      Number.isInteger(r.start) &&
      Number.isInteger(r.end) &&
      (r.start as number) >= 0 &&
      (r.start as number) <= (r.end as number) &&
      (r.end as number) <= n;
    if (!ok) {
      throw new InputError(
        `split.${key} must be { start, end } with integers 0 <= start <= end <= ${n} (time.length), got ${describeValue(range)}`,
        { argument: `split.${key}`, value: range },
      );
    }
    const { start, end } = r as Range;
    if (start < previousEnd) {
      throw new InputError(
        `split.${key}.start must be >= split.${previousName}.end (${previousEnd}): ranges must be chronological and disjoint, got ${start}`,
        { argument: `split.${key}.start`, value: start },
      );
    }
    if (end > start) {
      previousEnd = end;
      previousName = key;
    }
  }
}
