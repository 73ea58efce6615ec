import { randomUUID } from 'crypto';
import type { PlotlyFigure } from '../plot/figure';
import { figureSummary } from '../plot/summary';
import { findTslabWriter } from './tslabSink';
import type { DisplayContent, DisplayWriter } from './tslabSink';
import { escapeHtml } from '../report/escape';
import { figureEmbedHtml, plotlyLibraryHtml, plotlyVersion, DEFAULT_PLOTLY_CONFIG } from '../report/plotlyEmbed';
import { renderTableHtml, renderTableText } from '../report/table';
import { toTableData } from '../report/tableData';
import type { TableSource } from '../report/tableData';
import { InputError, describeValue } from '../errors';

export type { DisplayContent, DisplayWriter } from './tslabSink';

/** MIME type of the plotly JSON representation (rendered natively by JupyterLab's plotly extension). */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/**
 * Message shown in a notebook figure's place when `window.Plotly` is missing, e.g. because the
 * output that carried plotly.js was cleared.
 * @defaultValue see source
 */
export const NOTEBOOK_MISSING_PLOTLY_MESSAGE =
  'plotly.js is not loaded in this page (the output that carried it was cleared or not trusted). ' +
  'Re-run this cell after calling resetPlotlyLoaded(), or re-run the notebook from the top.';

/**
 * Rows shown by {@link displayTable} when `maxRows` is not given.
 * @defaultValue `20`
 */
export const DEFAULT_DISPLAY_MAX_ROWS = 20;

/** Where display messages go: inside tslab, the kernel; in tests, a fake set by {@link setDisplaySink}. */
let sinkOverride: DisplayWriter | undefined;
/** Whether plotly.js has been sent to this notebook page (once per kernel). */
let plotlyLoaded = false;
/** Display ids shown so far, so that an update of an unknown id fails loudly (Jupyter ignores it). */
const knownDisplayIds = new Set<string>();

/** Options shared by every display function. */
export interface DisplayOptions {
  /**
   * Jupyter display id of the output, so that it can be replaced in place later with
   * `update: true`. Ids are per kernel; use a fresh one per output (see {@link createLiveDisplay}).
   */
  readonly displayId?: string;
  /**
   * `true`: replace the output shown earlier with the same `displayId` (`update_display_data`)
   * instead of adding a new one. Requires `displayId`, already displayed in this kernel.
   * @defaultValue `false`
   */
  readonly update?: boolean;
}

/** Options of {@link displayFigure}. */
export interface DisplayFigureOptions extends DisplayOptions {
  /**
   * The `text/plain` representation.
   * @defaultValue `figureSummary(figure)`: title, trace names and point counts
   */
  readonly summary?: string;
}

/** Options of {@link displayTable}. */
export interface DisplayTableOptions extends DisplayOptions {
  /**
   * Show at most this many rows, then "… N more rows".
   * @defaultValue {@link DEFAULT_DISPLAY_MAX_ROWS}
   */
  readonly maxRows?: number;
  /** Caption above the table. */
  readonly caption?: string;
}

/** Options of {@link displayHtml}. */
export interface DisplayHtmlOptions extends DisplayOptions {
  /**
   * The `text/plain` representation.
   * @defaultValue the HTML with tags removed and white space collapsed
   */
  readonly text?: string;
}

/**
 * Sends display messages to `sink` instead of the tslab kernel, and forgets what was displayed
 * (whether plotly.js was sent, which display ids exist). For tests; pass `undefined` to go back
 * to the kernel.
 *
 * @param sink - Receives each message and whether it is an update.
 * @example
 * const sent: DisplayContent[] = [];
 * setDisplaySink((content) => sent.push(content));
 */
export function setDisplaySink(sink: DisplayWriter | undefined): void {
  sinkOverride = sink;
  plotlyLoaded = false;
  knownDisplayIds.clear();
}

/**
 * Forgets that plotly.js was sent, so the next figure carries it again. Call it in a notebook
 * whose first figure's output was cleared (or re-run: the page still has plotly.js, but the saved
 * notebook would not), and in tests. Display ids stay known, so live displays keep updating.
 *
 * @example
 * resetPlotlyLoaded();
 */
export function resetPlotlyLoaded(): void {
  plotlyLoaded = false;
}

/**
 * Whether display messages reach a notebook: inside a tslab kernel, or a sink set for tests.
 *
 * @returns `true` when rich output is delivered; `false` means output falls back to stdout text.
 * @example
 * canDisplay(); // false in a plain `node` process
 */
export function canDisplay(): boolean {
  return currentWriter() !== undefined;
}

/**
 * Shows a plotly figure in a tslab notebook as ONE `display_data` with three representations:
 * - `application/vnd.plotly.v1+json`: `{ data, layout, config }` (JupyterLab's plotly renderer);
 * - `text/html`: draws with no network in the classic Notebook, in JupyterLab without the plotly
 *   extension, and in `jupyter nbconvert --to html` pages (which keep only this representation).
 *   The first figure of a kernel inlines plotly.js (about 1.4 MB, the cartesian bundle, loaded with an AMD guard, see
 *   `plotlyLibraryHtml`); later ones call `window.Plotly.newPlot` and show
 *   {@link NOTEBOOK_MISSING_PLOTLY_MESSAGE} if plotly.js is missing;
 * - `text/plain`: `options.summary` or {@link figureSummary}.
 *
 * A figure with a `displayId` never carries plotly.js itself: if plotly.js was not sent yet, it is
 * first sent in an output of its own, so that in-place updates do not resend (and re-evaluate)
 * the library, and clearing the updated output cannot remove it.
 *
 * Outside a tslab kernel (and with no sink set) the `text/plain` summary is written to stdout.
 *
 * @param figure - The figure; not mutated.
 * @param options - See {@link DisplayFigureOptions}.
 * @throws InputError when `figure` has no `data` array or `layout` object, `displayId` is empty,
 *   or `update` is set without a known `displayId`.
 * @example
 * displayFigure(lossFigure({ loss: [1, 0.5, 0.3] }));
 */
export function displayFigure(figure: PlotlyFigure, options: DisplayFigureOptions = {}): void {
  if (figure === null || typeof figure !== 'object' || !Array.isArray(figure.data) || figure.layout === null || typeof figure.layout !== 'object') {
    throw new InputError(`figure must be { data: [...], layout: {...} }, got ${describeValue(figure)}`, { argument: 'figure', value: figure });
  }
  checkDisplayOptions(options);
  const summary = options.summary ?? figureSummary(figure);
  const writer = currentWriter();
  if (writer === undefined) {
    writeToStdout(summary);
    return;
  }
  let libraryHtml = '';
  if (!plotlyLoaded) {
    if (options.displayId === undefined) {
      libraryHtml = plotlyLibraryHtml();
    } else {
      sendPlotlyLibrary(writer);
    }
  }
  const html = libraryHtml + figureEmbedHtml(figure, { id: `wb-fig-${randomUUID()}`, missingPlotlyMessage: NOTEBOOK_MISSING_PLOTLY_MESSAGE });
  const plotlyJson = { data: figure.data, layout: figure.layout, config: { ...DEFAULT_PLOTLY_CONFIG, ...(figure.config ?? {}) } };
  send(writer, { [PLOTLY_MIME]: plotlyJson, 'text/html': html, 'text/plain': summary }, options);
  if (libraryHtml !== '') plotlyLoaded = true;
}

/**
 * Shows a table (`text/html` and `text/plain`) in a tslab notebook: a danfojs `DataFrame` (only
 * its `columns` and `values` are read), an array of row objects, or `{ columns, rows }`. Every
 * header and cell is HTML-escaped; numbers are formatted to about 4 significant digits.
 * Outside a tslab kernel the text table is written to stdout.
 *
 * @param frameOrRows - The table; not mutated. See `toTableData`.
 * @param options - See {@link DisplayTableOptions}.
 * @throws InputError when the table cannot be read, `maxRows` is not a positive integer, or the
 *   display options are invalid (see {@link displayFigure}).
 * @example
 * displayTable([{ model: 'lstm', mae: 0.42 }, { model: 'naive', mae: 0.61 }], { caption: 'Test metrics' });
 */
export function displayTable(frameOrRows: TableSource, options: DisplayTableOptions = {}): void {
  checkDisplayOptions(options);
  const table = toTableData(frameOrRows);
  const tableOptions = { maxRows: options.maxRows ?? DEFAULT_DISPLAY_MAX_ROWS, ...(options.caption === undefined ? {} : { caption: options.caption }) };
  const html = renderTableHtml(table, tableOptions);
  const text = renderTableText(table, tableOptions);
  const writer = currentWriter();
  if (writer === undefined) {
    writeToStdout(text);
    return;
  }
  send(writer, { 'text/html': html, 'text/plain': text }, options);
}

/**
 * Shows an HTML fragment (e.g. a training progress line) with a `text/plain` fallback. The HTML
 * is trusted: it is not escaped. Outside a tslab kernel the text is written to stdout.
 *
 * @param html - HTML fragment.
 * @param options - See {@link DisplayHtmlOptions}.
 * @throws InputError when `html` is not a string or the display options are invalid.
 * @example
 * displayHtml('<b>epoch 3/20</b> loss 0.12', { displayId: 'progress' });
 */
export function displayHtml(html: string, options: DisplayHtmlOptions = {}): void {
  if (typeof html !== 'string') throw new InputError(`html must be a string, got ${describeValue(html)}`, { argument: 'html', value: html });
  checkDisplayOptions(options);
  const text = options.text ?? html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  const writer = currentWriter();
  if (writer === undefined) {
    writeToStdout(text);
    return;
  }
  send(writer, { 'text/html': html, 'text/plain': text }, options);
}

/** One notebook output that is replaced in place on every call after the first. */
export interface LiveDisplay {
  /** The Jupyter display id. */
  readonly id: string;
  /** Shows a figure (see {@link displayFigure}). */
  figure(figure: PlotlyFigure, options?: { readonly summary?: string }): void;
  /** Shows a table (see {@link displayTable}). */
  table(frameOrRows: TableSource, options?: { readonly maxRows?: number; readonly caption?: string }): void;
  /** Shows trusted HTML (see {@link displayHtml}). */
  html(html: string, options?: { readonly text?: string }): void;
  /** Shows plain text (escaped into a `<pre>` for the HTML representation). */
  text(text: string): void;
}

/**
 * Creates an output area that updates in place: the first call of any of its methods adds an
 * output with a fresh display id, and every later call replaces it (`update_display_data`), e.g.
 * a loss figure redrawn after each epoch. Works from code that keeps running after the cell has
 * finished, since frontends match updates by display id. `jupyter nbconvert --execute` (nbclient)
 * applies the updates too, so the saved notebook holds the last state.
 *
 * @param id - Display id to use, unique in the kernel; defaults to a random `wb-live-<uuid>`.
 * @returns A {@link LiveDisplay}.
 * @throws InputError when `id` is given and empty.
 * @example
 * const live = createLiveDisplay();
 * for (let epoch = 1; epoch <= 3; epoch++) live.text(`epoch ${epoch}/3`);
 */
export function createLiveDisplay(id: string = `wb-live-${randomUUID()}`): LiveDisplay {
  if (typeof id !== 'string' || id === '') throw new InputError(`id must be a non-empty string, got ${describeValue(id)}`, { argument: 'id', value: id });
  let shown = false;
  // `shown` flips only after a successful send, so a call that throws leaves the next call a
  // first display rather than an update of an output that does not exist.
  const run = (show: (target: DisplayOptions) => void): void => {
    show({ displayId: id, update: shown });
    shown = true;
  };
  return {
    id,
    figure: (figure, options = {}) => run((target) => displayFigure(figure, { ...options, ...target })),
    table: (frameOrRows, options = {}) => run((target) => displayTable(frameOrRows, { ...options, ...target })),
    html: (html, options = {}) => run((target) => displayHtml(html, { ...options, ...target })),
    text: (text) => run((target) => displayHtml(`<pre>${escapeHtml(String(text))}</pre>`, { text: String(text), ...target })),
  };
}

function currentWriter(): DisplayWriter | undefined {
  return sinkOverride ?? findTslabWriter();
}

function writeToStdout(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function checkDisplayOptions(options: DisplayOptions): void {
  const { displayId, update } = options;
  if (displayId !== undefined && (typeof displayId !== 'string' || displayId === '')) {
    throw new InputError(`displayId must be a non-empty string, got ${describeValue(displayId)}`, { argument: 'displayId', value: displayId });
  }
  if (update !== undefined && typeof update !== 'boolean') {
    throw new InputError(`update must be a boolean, got ${describeValue(update)}`, { argument: 'update', value: update });
  }
  if (update === true) {
    if (displayId === undefined) {
      throw new InputError('update: true needs a displayId (the id of the output to replace), got none', { argument: 'displayId', value: displayId });
    }
    if (currentWriter() !== undefined && !knownDisplayIds.has(displayId)) {
      throw new InputError(`displayId ${describeValue(displayId)} was never displayed in this kernel, so it cannot be updated; display it first without update`, {
        argument: 'displayId',
        value: displayId,
      });
    }
  }
}

function send(writer: DisplayWriter, data: Record<string, unknown>, options: DisplayOptions): void {
  const content: DisplayContent = {
    data,
    metadata: {},
    transient: options.displayId === undefined ? {} : { display_id: options.displayId },
  };
  writer(content, options.update === true);
  if (options.displayId !== undefined) knownDisplayIds.add(options.displayId);
}

function sendPlotlyLibrary(writer: DisplayWriter): void {
  const version = plotlyVersion();
  const note = `<div style="color:#888;font:12px sans-serif">plotly.js ${escapeHtml(version)} loaded (inline, no network)</div>`;
  send(writer, { 'text/html': plotlyLibraryHtml() + note, 'text/plain': `plotly.js ${version} loaded` }, {});
  plotlyLoaded = true;
}
