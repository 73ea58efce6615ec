/**
 * Shared look of the figures: colours and the base layout. Kept in one place so that every
 * figure of a notebook or report looks the same.
 */

/** Line colours, in trace order (plotly's default colourway, so legends match plotly's defaults). */
export const PALETTE: readonly string[] = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** Colour of observed ("actual") values in forecast plots. */
export const ACTUAL_COLOR = '#222222';

/** Fill colours of the train / validation / test regions (translucent, drawn below the lines). */
export const REGION_COLORS: Readonly<Record<'train' | 'val' | 'test', string>> = {
  train: 'rgba(31, 119, 180, 0.10)',
  val: 'rgba(255, 127, 14, 0.15)',
  test: 'rgba(44, 160, 44, 0.15)',
};

/**
 * Plot height in pixels used by the builders.
 * @defaultValue `420`
 */
export const DEFAULT_FIGURE_HEIGHT = 420;

/**
 * Returns the colour of the `index`-th trace, cycling through {@link PALETTE}.
 *
 * @param index - Non-negative integer.
 * @returns A CSS colour.
 * @example
 * colorAt(0); // '#1f77b4'
 */
export function colorAt(index: number): string {
  return PALETTE[index % PALETTE.length] as string;
}

/**
 * Returns a fresh base layout (title, margins, legend above the plot, white template).
 *
 * @param title - Optional figure title.
 * @returns A new layout object; callers add axes and shapes.
 * @example
 * baseLayout('Loss').title; // { text: 'Loss' }
 */
export function baseLayout(title?: string): Record<string, unknown> {
  const layout: Record<string, unknown> = {
    height: DEFAULT_FIGURE_HEIGHT,
    margin: { l: 60, r: 30, t: title === undefined ? 40 : 70, b: 50 },
    legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom' },
    hovermode: 'x unified',
    plot_bgcolor: '#ffffff',
    paper_bgcolor: '#ffffff',
    font: { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', size: 13 },
  };
  if (title !== undefined) layout.title = { text: title, x: 0, xanchor: 'left', y: 0.98, yanchor: 'top' };
  return layout;
}

/**
 * Returns axis settings with a title and light grid lines.
 *
 * @param title - Axis title.
 * @param extra - Additional plotly axis attributes (e.g. `{ type: 'date' }`).
 * @returns A new axis object.
 * @example
 * axis('epoch', { type: 'linear' }); // { title: { text: 'epoch' }, ..., type: 'linear' }
 */
export function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: { text: title }, gridcolor: '#e5e5e5', zerolinecolor: '#bbbbbb', ...extra };
}
