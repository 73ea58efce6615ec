import { readFileSync } from 'fs';
import type { PlotlyFigure } from '../plot/figure';
import { escapeHtml, jsonForScript, scriptSafe } from './escape';
import { InputError, describeValue } from '../errors';

/**
 * npm package whose bundle is inlined: plotly.js' official cartesian partial bundle (scatter,
 * bar, histogram, box, heatmap and the other 2-D traces: every trace this library draws), 1.4 MB
 * minified where the full bundle is 4.8 MB, so a report of a long series stays small.
 */
export const PLOTLY_PACKAGE = 'plotly.js-cartesian-dist-min';

/**
 * Plotly config used when a figure has none, merged under the figure's own `config`.
 * @defaultValue `{ responsive: true, displaylogo: false }`
 */
export const DEFAULT_PLOTLY_CONFIG: Readonly<Record<string, unknown>> = { responsive: true, displaylogo: false };

/**
 * Height in pixels of a figure's container when `layout.height` is not a number.
 * @defaultValue `450`
 */
export const DEFAULT_EMBED_HEIGHT = 450;

/**
 * Message shown in place of a figure when `window.Plotly` is still missing after
 * {@link PLOTLY_WAIT_MS}.
 * @defaultValue `'plotly.js is not loaded on this page, so this figure cannot be drawn.'`
 */
export const DEFAULT_MISSING_PLOTLY_MESSAGE = 'plotly.js is not loaded on this page, so this figure cannot be drawn.';

/**
 * How long (ms) a figure's script waits for its container and `window.Plotly` before giving up.
 * In the classic Notebook, output HTML is evaluated before it is attached to the page, so the
 * first look-up can fail; in a static page everything is there at once and no wait happens.
 * @defaultValue `2000`
 */
export const PLOTLY_WAIT_MS = 2000;

/** Marker attribute on the `<script>` that holds the library, to find or count it. */
export const PLOTLY_LIBRARY_MARKER = 'data-wb-plotly-library';

let cachedSource: string | undefined;
let cachedVersion: string | undefined;

/**
 * The plotly.js bundle, read once from `node_modules` (via `require.resolve`) and made safe to
 * inline in HTML (see `scriptSafe`).
 *
 * @returns The library source (about 1.4 MB for plotly.js-cartesian-dist-min 3.7).
 * @throws Error when the package is not installed.
 * @example
 * plotlyLibrarySource().length > 1e6; // true
 */
export function plotlyLibrarySource(): string {
  if (cachedSource === undefined) {
    const file = require.resolve(PLOTLY_PACKAGE);
    cachedSource = scriptSafe(readFileSync(file, 'utf8'), file);
  }
  return cachedSource;
}

/**
 * Version of the installed plotly.js bundle.
 *
 * @returns E.g. `'3.7.0'`.
 * @throws Error when the package is not installed.
 * @example
 * plotlyVersion(); // '3.7.0'
 */
export function plotlyVersion(): string {
  if (cachedVersion === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cachedVersion = String((require(`${PLOTLY_PACKAGE}/package.json`) as { version: unknown }).version);
  }
  return cachedVersion;
}

/**
 * HTML that loads plotly.js inline and defines `window.Plotly`, with no network access.
 *
 * Three scripts run in order: the first hides an AMD loader (`window.define` with `define.amd`,
 * as require.js sets up in the classic Notebook and in nbconvert pages) so that the bundle does
 * not register itself as an anonymous AMD module and fail ("Mismatched anonymous define"); the
 * second is the bundle, which sets `window.Plotly`; the third restores `window.define`, even if the
 * bundle threw. The bundle's script carries the attribute {@link PLOTLY_LIBRARY_MARKER}.
 *
 * @returns An HTML fragment of three `<script>` elements.
 * @throws Error when the package is not installed.
 * @example
 * plotlyLibraryHtml().includes('window.Plotly'); // true (in the bundle)
 */
export function plotlyLibraryHtml(): string {
  const hide =
    '(function(){var d=window.define;if(typeof d==="function"&&d.amd){window.__wbSavedDefine=d;window.define=undefined;}})();';
  const restore =
    '(function(){if(window.__wbSavedDefine){window.define=window.__wbSavedDefine;window.__wbSavedDefine=undefined;}})();';
  return (
    `<script>${hide}</script>\n` +
    `<script ${PLOTLY_LIBRARY_MARKER}="${escapeHtml(plotlyVersion())}">${plotlyLibrarySource()}</script>\n` +
    `<script>${restore}</script>\n`
  );
}

/** Options of {@link figureEmbedHtml}. */
export interface FigureEmbedOptions {
  /** Id of the container element, unique in the page: a letter, then letters, digits, `-`, `_`. */
  readonly id: string;
  /**
   * Text shown instead of the figure when plotly.js is not on the page.
   * @defaultValue {@link DEFAULT_MISSING_PLOTLY_MESSAGE}
   */
  readonly missingPlotlyMessage?: string;
}

/**
 * HTML that draws one figure with the page's `window.Plotly`: a container `<div id=ID>`, the
 * figure as JSON in `<script type="application/json" id="ID-data">` (escaped with
 * `jsonForScript`, so any string in the figure is safe), and a small script that calls
 * `Plotly.newPlot`. The script waits up to {@link PLOTLY_WAIT_MS} for the container and
 * `window.Plotly`, then shows `missingPlotlyMessage` instead of failing silently.
 *
 * @param figure - The figure; not mutated. `config` is merged over {@link DEFAULT_PLOTLY_CONFIG}.
 * @param options - See {@link FigureEmbedOptions}.
 * @returns An HTML fragment; plotly.js itself must be loaded separately ({@link plotlyLibraryHtml}).
 * @throws InputError when `id` is not a valid id or the figure is not JSON-serialisable.
 * @example
 * figureEmbedHtml({ data: [], layout: {} }, { id: 'fig-1' }).startsWith('<div'); // true
 */
export function figureEmbedHtml(figure: PlotlyFigure, options: FigureEmbedOptions): string {
  const { id } = options;
  if (typeof id !== 'string' || !/^[A-Za-z][\w-]*$/.test(id)) {
    throw new InputError(`id must start with a letter and hold only letters, digits, "-" and "_", got ${describeValue(id)}`, {
      argument: 'id',
      value: id,
    });
  }
  const message = options.missingPlotlyMessage ?? DEFAULT_MISSING_PLOTLY_MESSAGE;
  const layoutHeight = (figure.layout as { height?: unknown }).height;
  const height = typeof layoutHeight === 'number' && layoutHeight > 0 ? layoutHeight : DEFAULT_EMBED_HEIGHT;
  const payload = jsonForScript({ data: figure.data, layout: figure.layout, config: { ...DEFAULT_PLOTLY_CONFIG, ...(figure.config ?? {}) } });
  const messageHtml =
    '<div class="wb-plotly-missing" style="padding:12px;border:1px dashed #b00;color:#900;font:14px sans-serif">' +
    escapeHtml(message) +
    '</div>';
  const script =
    `(function(){var id=${jsonForScript(id)},t0=Date.now();` +
    'function draw(){var el=document.getElementById(id),src=document.getElementById(id+"-data"),P=window.Plotly;' +
    `if(!el||!src||!P||typeof P.newPlot!=="function"){if(Date.now()-t0<${PLOTLY_WAIT_MS}){setTimeout(draw,25);}` +
    `else if(el){el.style.height="auto";el.innerHTML=${jsonForScript(messageHtml)};}return;}` +
    'var f=JSON.parse(src.textContent);P.newPlot(el,f.data,f.layout,f.config);}' +
    'draw();})();';
  return (
    `<div id="${id}" class="wb-figure" style="width:100%;height:${height}px"></div>\n` +
    `<script type="application/json" id="${id}-data">${payload}</script>\n` +
    `<script>${script}</script>\n`
  );
}
