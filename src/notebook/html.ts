/**
 * Renders an executed notebook as one standalone HTML page: code inputs (unless report mode),
 * outputs in their richest MIME type, and plotly figures drawn by an inlined plotly.js, so the page
 * needs no network. Markdown cells get a small CommonMark subset; raw HTML in them passes through,
 * as in Jupyter.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GLUE_MIME } from './glue';
import { sourceText, type Cell, type MimeBundle, type Notebook, type Output } from './nbformat';
import { PLOTLY_PACKAGE } from '../report/plotlyEmbed';
import { writeFileAtomicSync } from '../io/atomic';

/** The plotly MIME type (a `{data, layout, config?}` figure). */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** Options for {@link renderNotebookHtml}. */
export interface NotebookHtmlOptions {
  /** Hide code inputs (papermill's report mode). Inputs with `source_hidden` are always hidden. @defaultValue false */
  readonly reportMode?: boolean;
  /** Page title. @defaultValue the notebook's `metadata.papermill.input_path` stem, else "Notebook" */
  readonly title?: string;
  /** The plotly.js bundle to inline. @defaultValue the bundle of `PLOTLY_PACKAGE` (plotly.js' cartesian bundle) */
  readonly plotlySource?: string;
}

/**
 * Escapes text for HTML element content and attribute values.
 * @example escapeHtml('<a & "b">'); // '&lt;a &amp; &quot;b&quot;&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Serialises JSON for a `<script>` element: `<`, `>`, `&`, U+2028 and U+2029 escaped, so a
 * string containing `</script>` cannot end the element.
 * @example jsonForScript({ s: '</script>' }); // '{"s":"\\u003c/script\\u003e"}'
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Makes a JavaScript source safe to inline in `<script>`: `</script` and `<!--` cannot appear raw. */
function scriptSafe(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/**
 * Renders a notebook to a standalone HTML document.
 *
 * @returns the page; plotly.js is inlined once, only when a plotly output exists
 * @example
 * fs.writeFileSync('report.html', renderNotebookHtml(executed, { reportMode: true }));
 */
export function renderNotebookHtml(nb: Notebook, options: NotebookHtmlOptions = {}): string {
  const plots: unknown[] = [];
  const body = nb.cells.map((cell) => renderCell(cell, options, plots)).join('\n');
  const inputPath = (nb.metadata.papermill as { input_path?: string } | undefined)?.input_path;
  const title = options.title ?? (inputPath !== undefined ? path.basename(inputPath, '.ipynb') : 'Notebook');
  const plotly = plots.length === 0 ? '' :
    `<script>${scriptSafe(options.plotlySource ?? fs.readFileSync(require.resolve(PLOTLY_PACKAGE), 'utf8'))}</script>\n` +
    `<script type="application/json" id="plotly-figures">${jsonForScript(plots)}</script>\n` +
    '<script>(function () {\n' +
    '  var figures = JSON.parse(document.getElementById("plotly-figures").textContent);\n' +
    '  figures.forEach(function (fig, i) {\n' +
    '    var el = document.getElementById("plotly-output-" + i);\n' +
    '    window.Plotly.newPlot(el, fig.data || [], fig.layout || {}, Object.assign({ responsive: true }, fig.config || {}))\n' +
    '      .then(function () { el.setAttribute("data-rendered", "true"); });\n' +
    '  });\n' +
    '})();</script>\n';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; }
.cell { margin: 1em 0; }
pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; border-radius: 3px; }
pre.input { border-left: 3px solid #4a90d9; }
pre.stderr { background: #fdd; }
pre.error { background: #fdd; color: #900; }
.output img { max-width: 100%; }
</style>
</head>
<body>
${body}
${plotly}</body>
</html>
`;
}

/**
 * Renders a notebook and writes the page (through a temporary sibling and a rename).
 * @example writeNotebookHtml('out.html', executed);
 */
export function writeNotebookHtml(file: string, nb: Notebook, options: NotebookHtmlOptions = {}): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomicSync(file, renderNotebookHtml(nb, options));
}

function renderCell(cell: Cell, options: NotebookHtmlOptions, plots: unknown[]): string {
  const source = sourceText(cell.source);
  if (cell.cell_type === 'markdown') return `<div class="cell markdown">${renderMarkdown(source)}</div>`;
  if (cell.cell_type !== 'code') return `<div class="cell raw"><pre>${escapeHtml(source)}</pre></div>`;
  const hidden = options.reportMode === true || cell.metadata.jupyter?.source_hidden === true;
  const input = hidden || source.trim() === '' ? '' : `<pre class="input"><code>${escapeHtml(source)}</code></pre>\n`;
  const outputs = cell.outputs.map((output) => renderOutput(output, plots)).join('\n');
  return `<div class="cell code">${input}<div class="output">${outputs}</div></div>`;
}

function renderOutput(output: Output, plots: unknown[]): string {
  switch (output.output_type) {
    case 'stream':
      return `<pre class="stream ${output.name}">${escapeHtml(sourceText(output.text).replace(ANSI, ''))}</pre>`;
    case 'error':
      return `<pre class="error">${escapeHtml([`${output.ename}: ${output.evalue}`, ...output.traceback.slice(1)].join('\n').replace(ANSI, ''))}</pre>`;
    default:
      return renderBundle(output.data, plots);
  }
}

function renderBundle(data: MimeBundle, plots: unknown[]): string {
  const text = (value: unknown) => (Array.isArray(value) ? value.join('') : String(value));
  if (data[PLOTLY_MIME] !== undefined) {
    plots.push(data[PLOTLY_MIME]);
    return `<div class="plotly-output" id="plotly-output-${plots.length - 1}"></div>`;
  }
  if (data['text/html'] !== undefined) return `<div>${text(data['text/html'])}</div>`;
  if (data['image/svg+xml'] !== undefined) return `<div>${text(data['image/svg+xml'])}</div>`;
  for (const mime of ['image/png', 'image/jpeg', 'image/gif']) {
    if (data[mime] !== undefined) return `<img src="data:${mime};base64,${escapeHtml(text(data[mime]).replace(/\s/g, ''))}">`;
  }
  if (data['text/markdown'] !== undefined) return renderMarkdown(text(data['text/markdown']));
  if (data['application/json'] !== undefined) return `<pre>${escapeHtml(JSON.stringify(data['application/json'], null, 2))}</pre>`;
  if (data['text/plain'] !== undefined) return `<pre>${escapeHtml(text(data['text/plain']))}</pre>`;
  if (data[GLUE_MIME] !== undefined) return ''; // recorded values are data, not display
  return '';
}

/**
 * A small Markdown subset: ATX headings, fenced code, bullet and numbered lists, paragraphs,
 * inline code, bold, italic and links. Lines starting with an HTML tag pass through unchanged.
 *
 * @example renderMarkdown('# Title\n\nSome *text*.'); // '<h1>Title</h1>\n<p>Some <em>text</em>.</p>'
 */
export function renderMarkdown(markdown: string): string {
  const blocks: string[] = [];
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  const inline = (s: string) => escapeHtml(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>')
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, href: string) =>
      /^(https?:|#|\.{0,2}\/|[\w-]+\.)/.test(href) ? `<a href="${href}">${label}</a>` : label);
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '') { i++; continue; }
    const fence = /^(```|~~~)/.exec(line);
    if (fence) {
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i].startsWith(fence[1]); i++) code.push(lines[i]);
      i++;
      blocks.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      blocks.push(`<h${heading[1].length}>${inline(heading[2])}</h${heading[1].length}>`);
      i++;
      continue;
    }
    if (/^\s*</.test(line)) {
      const html: string[] = [];
      for (; i < lines.length && lines[i].trim() !== ''; i++) html.push(lines[i]);
      blocks.push(html.join('\n'));
      continue;
    }
    const list = /^\s*([-*+]|\d+\.)\s+/.exec(line);
    if (list) {
      const ordered = /\d/.test(list[1]);
      const items: string[] = [];
      for (; i < lines.length && /^\s*([-*+]|\d+\.)\s+/.test(lines[i]); i++) items.push(`<li>${inline(lines[i].replace(/^\s*([-*+]|\d+\.)\s+/, ''))}</li>`);
      blocks.push(`<${ordered ? 'ol' : 'ul'}>${items.join('')}</${ordered ? 'ol' : 'ul'}>`);
      continue;
    }
    const paragraph: string[] = [];
    for (; i < lines.length && lines[i].trim() !== '' && !/^(#{1,6}\s|```|~~~|\s*([-*+]|\d+\.)\s)/.test(lines[i]); i++) paragraph.push(lines[i]);
    blocks.push(`<p>${inline(paragraph.join('\n'))}</p>`);
  }
  return blocks.join('\n');
}
