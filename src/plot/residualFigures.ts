import type { PlotlyFigure, PlotlyTrace } from './figure';
import type { NumericInput } from './types';
import { assertIntegerInRange, assertName, assertOptionalString } from '../validate';
import { toPlotValues } from './values';
import { axis, baseLayout, colorAt } from './style';
import { autocorrelation, whiteNoiseBand } from './autocorrelation';
import { InputError } from '../errors';

export { autocorrelation, whiteNoiseBand } from './autocorrelation';

/** Options of {@link residualHistogram}. */
export interface ResidualHistogramOptions {
  /** Residuals (actual - forecast); `NaN` (no forecast) is left out and counted in the caption. */
  readonly residuals: NumericInput;
  /**
   * Legend label and title.
   * @defaultValue {@link DEFAULT_RESIDUAL_NAME}
   */
  readonly name?: string;
  /** Maximum number of bins; plotly chooses when omitted. A positive integer. */
  readonly nbins?: number;
}

/**
 * Legend label of {@link residualHistogram}.
 * @defaultValue `'residuals'`
 */
export const DEFAULT_RESIDUAL_NAME = 'residuals';

/**
 * Histogram of residuals, with a line at zero, a dashed line at the mean, and a caption giving
 * `n`, mean, standard deviation and how many `NaN` were left out.
 *
 * @param options - See {@link ResidualHistogramOptions}; not mutated.
 * @returns A new figure with one `histogram` trace whose `x` holds the finite residuals in order;
 *   `layout.shapes[0]` is the zero line, `layout.shapes[1]` the mean line.
 * @throws InputError when a residual is infinite, no residual is finite, `name` is empty or
 *   `nbins` is not a positive integer.
 * @example
 * residualHistogram({ residuals: [0.1, -0.2, NaN, 0.05] }).data[0].x; // [0.1, -0.2, 0.05]
 */
export function residualHistogram(options: ResidualHistogramOptions): PlotlyFigure {
  const name = options.name ?? DEFAULT_RESIDUAL_NAME;
  assertName('name', name);
  const all = toPlotValues('residuals', options.residuals);
  const x = all.filter((v): v is number => v !== null);
  const omitted = all.length - x.length;
  if (x.length === 0) {
    throw new InputError(`residuals must hold at least one finite value, got ${all.length} values, all NaN`, {
      argument: 'residuals',
      value: all.length,
    });
  }
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const std = Math.sqrt(x.reduce((a, b) => a + (b - mean) * (b - mean), 0) / x.length);
  const trace: PlotlyTrace = { type: 'histogram', name, x, marker: { color: colorAt(0), line: { color: '#ffffff', width: 1 } }, opacity: 0.85 };
  if (options.nbins !== undefined) {
    assertIntegerInRange('nbins', options.nbins, 1, Number.MAX_SAFE_INTEGER);
    trace.nbinsx = options.nbins;
  }
  const layout = baseLayout(name);
  layout.hovermode = 'closest';
  layout.xaxis = axis('residual');
  layout.yaxis = axis('count');
  layout.bargap = 0.02;
  layout.shapes = [
    { type: 'line', xref: 'x', yref: 'paper', x0: 0, x1: 0, y0: 0, y1: 1, line: { color: '#444444', width: 1 } },
    { type: 'line', xref: 'x', yref: 'paper', x0: mean, x1: mean, y0: 0, y1: 1, line: { color: '#d62728', width: 1.5, dash: 'dash' } },
  ];
  const caption = `n = ${x.length}, mean = ${mean.toPrecision(3)}, std = ${std.toPrecision(3)}` + (omitted > 0 ? ` (${omitted} NaN left out)` : '');
  layout.annotations = [{ x: 1, xref: 'paper', y: 1, yref: 'paper', xanchor: 'right', yanchor: 'top', text: caption, showarrow: false }];
  return { data: [trace], layout };
}

/** Options of {@link autocorrelationFigure}. */
export interface AutocorrelationFigureOptions {
  /** Series (usually residuals), at least 2 finite values; drop leading `NaN` first. */
  readonly values: NumericInput;
  /** Largest lag, an integer in `[1, values.length - 1]`. */
  readonly maxLag: number;
  /**
   * Figure title.
   * @defaultValue {@link DEFAULT_ACF_TITLE}
   */
  readonly title?: string;
}

/**
 * Title of {@link autocorrelationFigure}.
 * @defaultValue `'Autocorrelation'`
 */
export const DEFAULT_ACF_TITLE = 'Autocorrelation';

/**
 * Bar chart of the sample autocorrelation for lags `0..maxLag` (see {@link autocorrelation}), with
 * the approximate 95% white-noise band `±1.96 / sqrt(n)` as two dashed lines.
 *
 * Trace order: `'autocorrelation'` (bars, `x = [0..maxLag]`), then the upper and lower band lines,
 * both named `'95% band (±1.96/√n)'`, one legend entry.
 *
 * @param options - See {@link AutocorrelationFigureOptions}; not mutated.
 * @returns A new figure.
 * @throws InputError as {@link autocorrelation} does, or when `maxLag < 1`.
 * @example
 * autocorrelationFigure({ values: [1, 3, 2, 5, 4], maxLag: 2 }).data[0].x; // [0, 1, 2]
 */
export function autocorrelationFigure(options: AutocorrelationFigureOptions): PlotlyFigure {
  const title = options.title ?? DEFAULT_ACF_TITLE;
  assertOptionalString('title', title);
  const n = options.values?.length ?? 0;
  assertIntegerInRange('maxLag', options.maxLag, 1, Math.max(1, n - 1));
  const r = autocorrelation(options.values, options.maxLag);
  const band = whiteNoiseBand(n);
  const lags = Array.from(r, (_, k) => k);
  const bandName = '95% band (±1.96/√n)';
  const bandX = [-0.5, options.maxLag + 0.5];
  const data: PlotlyTrace[] = [
    { type: 'bar', name: 'autocorrelation', x: lags, y: Array.from(r), marker: { color: colorAt(0) }, width: 0.3 },
    { type: 'scatter', mode: 'lines', name: bandName, legendgroup: 'band', x: [...bandX], y: [band, band], line: { color: '#d62728', dash: 'dash', width: 1 } },
    { type: 'scatter', mode: 'lines', name: bandName, legendgroup: 'band', showlegend: false, x: [...bandX], y: [-band, -band], line: { color: '#d62728', dash: 'dash', width: 1 } },
  ];
  const layout = baseLayout(title);
  layout.hovermode = 'closest';
  layout.xaxis = axis('lag', { range: [-0.5, options.maxLag + 0.5] });
  layout.yaxis = axis('autocorrelation', { range: [-1.05, 1.05] });
  return { data, layout };
}
