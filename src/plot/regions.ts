import type { AxisTimes } from './time';
import { positionToAxis } from './time';

/** X-axis extent of a shaded index range. */
export interface Span {
  readonly x0: number | string;
  readonly x1: number | string;
  /** Centre of the span, for a label. */
  readonly center: number | string;
}

/**
 * X-axis extent covering the samples `[start, end)`, with boundaries halfway between neighbouring
 * samples so that adjacent ranges meet without a gap or an overlap. At the ends of the series
 * the span stops at the first or last sample.
 *
 * @param times - Converted time axis (see `toAxisTimes`).
 * @param start - First index, included; `0 <= start < end`.
 * @param end - Index after the last one, excluded; `end <= times.position.length`.
 * @returns The span in x-axis units (ISO strings for dates).
 * @example
 * indexSpan(toAxisTimes([0, 1, 2, 3], 'number'), 1, 3); // { x0: 0.5, x1: 2.5, center: 1.5 }
 */
export function indexSpan(times: AxisTimes, start: number, end: number): Span {
  const p = times.position;
  const n = p.length;
  const lo = start === 0 ? (p[0] as number) : ((p[start - 1] as number) + (p[start] as number)) / 2;
  const hi = end === n ? (p[n - 1] as number) : ((p[end - 1] as number) + (p[end] as number)) / 2;
  return {
    x0: positionToAxis(lo, times.timeKind),
    x1: positionToAxis(hi, times.timeKind),
    center: positionToAxis((lo + hi) / 2, times.timeKind),
  };
}

/**
 * A plotly rectangle shape spanning the full plot height behind the traces.
 *
 * @param span - X extent.
 * @param fillcolor - CSS colour, usually translucent.
 * @returns A new `layout.shapes` entry.
 * @example
 * shadedRect({ x0: 0, x1: 1, center: 0.5 }, 'rgba(0,0,0,0.1)').type; // 'rect'
 */
export function shadedRect(span: Span, fillcolor: string): Record<string, unknown> {
  return {
    type: 'rect',
    xref: 'x',
    yref: 'paper',
    x0: span.x0,
    x1: span.x1,
    y0: 0,
    y1: 1,
    fillcolor,
    line: { width: 0 },
    layer: 'below',
  };
}

/**
 * A label written at the top of a shaded span.
 *
 * @param span - X extent.
 * @param text - Label text.
 * @returns A new `layout.annotations` entry.
 * @example
 * spanLabel({ x0: 0, x1: 1, center: 0.5 }, 'train').text; // 'train'
 */
export function spanLabel(span: Span, text: string): Record<string, unknown> {
  return {
    x: span.center,
    xref: 'x',
    y: 1,
    yref: 'paper',
    yanchor: 'top',
    text,
    showarrow: false,
    font: { size: 12, color: '#444444' },
  };
}
