/**
 * Minimal, dependency-free types for plotly figures.
 *
 * Figures are plain JSON-serialisable objects: no `NaN` (gaps are `null`), no typed arrays, no
 * functions, so `JSON.parse(JSON.stringify(figure))` deep-equals `figure`. Building one needs no
 * plotly import; rendering happens in a browser (see `displayFigure` and `renderReportHtml`).
 */

import type { TimeKind } from '../data/types';

export type { TimeKind };

/** One plotly trace (`scatter`, `bar`, `histogram`, ...): plotly's own attribute names. */
export interface PlotlyTrace {
  /** Plotly trace type, e.g. `'scatter'`. */
  type: string;
  /** Legend label. */
  name?: string;
  /** X coordinates: numbers, ISO date strings or category labels; `null` is a gap. */
  x?: Array<number | string | null>;
  /** Y coordinates; `null` is a gap. */
  y?: Array<number | string | null>;
  /** Any other plotly attribute (`mode`, `line`, `marker`, `legendgroup`, ...). */
  [attribute: string]: unknown;
}

/** A plotly figure: what `Plotly.newPlot(div, data, layout, config)` takes. */
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/**
 * Time stamps for an x axis: milliseconds since the Unix epoch (UTC) or date strings when the
 * time kind is `'date'`, plain numbers (e.g. step indices) when it is `'number'`.
 */
export type TimeInput = ReadonlyArray<number | string> | Float64Array;

/** Numeric values; `NaN` marks a missing value where a function allows it. */
export type NumericInput = ReadonlyArray<number> | Float64Array | Float32Array;

/** A half-open index range `[start, end)` into a series: `start` included, `end` excluded. */
export interface IndexRange {
  readonly start: number;
  readonly end: number;
}

/** A named series of values, aligned index by index with a time axis. */
export interface NamedValues {
  /** Legend label, non-empty. */
  readonly name: string;
  /** Values; `NaN` is drawn as a gap. */
  readonly values: NumericInput;
}

/**
 * A prediction-interval band of one model at one level, aligned index by index with a time axis:
 * drawn as a translucent area between `lower` and `upper` in the model's colour (wider levels
 * lighter). `NaN` in either bound is a gap.
 */
export interface IntervalBand {
  /** The model's name (the band takes the colour of the forecast line of that name). */
  readonly name: string;
  /** Nominal level, percent. */
  readonly level: number;
  readonly lower: NumericInput;
  readonly upper: NumericInput;
}
