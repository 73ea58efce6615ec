/**
 * The plotly figure as plain JSON: what every figure builder in this folder returns, what
 * `src/report` embeds in HTML pages and what `src/display` shows in notebooks.
 *
 * Figures are JSON-serialisable objects: no `NaN` (gaps are `null`), no typed arrays, no
 * functions, so `JSON.parse(JSON.stringify(figure))` deep-equals `figure`. Building one needs no
 * plotly import; rendering happens in a browser (see `displayFigure` and `renderReportHtml`).
 * This file imports nothing, so that the layers above plot can share the type without cycles.
 */

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
