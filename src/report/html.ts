import type { PlotlyFigure } from '../plot/figure';
import { escapeHtml } from './escape';
import { figureEmbedHtml, plotlyLibraryHtml, plotlyVersion } from './plotlyEmbed';
import { renderTableHtml } from './table';
import { REPORT_CSS } from './styles';
import { InputError, describeValue } from '../errors';
import { assertString } from '../validate';

/** A plotly figure, drawn interactively. */
export interface FigureSection {
  readonly kind: 'figure';
  readonly title?: string;
  readonly figure: PlotlyFigure;
}

/** A table; every row has one cell per column. Numbers are formatted by `formatNumber`. */
export interface TableSection {
  readonly kind: 'table';
  readonly title?: string;
  readonly columns: ReadonlyArray<string>;
  readonly rows: ReadonlyArray<ReadonlyArray<string | number | null>>;
}

/** Trusted HTML, inserted as it is (not escaped). */
export interface HtmlSection {
  readonly kind: 'html';
  readonly title?: string;
  readonly html: string;
}

/** Plain text, escaped; blank lines separate paragraphs, line breaks are kept. */
export interface TextSection {
  readonly kind: 'text';
  readonly title?: string;
  readonly text: string;
}

/** One block of a report, in page order. */
export type ReportSection = FigureSection | TableSection | HtmlSection | TextSection;

/** A report: a title, an optional subtitle and sections. */
export interface Report {
  readonly title: string;
  readonly subtitle?: string;
  readonly sections: ReadonlyArray<ReportSection>;
}

const SECTION_KINDS = ['figure', 'table', 'html', 'text'] as const;

/**
 * Renders a report as ONE self-contained HTML page that needs no network: plotly.js is inlined
 * once in `<head>` (only when the report has a figure), each figure is a `<div>` plus its JSON in
 * a `<script type="application/json">` block (every `<`, `>` and `&` escaped, so strings such as
 * `</script>` in trace names are safe) and a call to `Plotly.newPlot`. Titles, text and table
 * cells are HTML-escaped; `html` sections are inserted as they are. The output is deterministic
 * (no time stamps or random ids): figure containers are `figure-1`, `figure-2`, ...
 *
 * @param report - See {@link Report}; not mutated.
 * @returns The page, starting with `<!DOCTYPE html>`.
 * @throws InputError when `title` is not a non-empty string, `subtitle` or a section title is
 *   not a string, a section's `kind` is unknown, a figure has no `data` array or `layout` object,
 *   a table row's length differs from its columns, or an `html` / `text` field is not a string.
 * @example
 * const page = renderReportHtml({
 *   title: 'Forecast report',
 *   sections: [{ kind: 'table', title: 'Metrics', columns: ['model', 'mae'], rows: [['lstm', 0.42]] }],
 * });
 * await writeFileAtomic('report.html', page);
 */
export function renderReportHtml(report: Report): string {
  const { title, subtitle, sections } = validateReport(report);
  let figureCount = 0;
  const body = sections.map((section: ReportSection, i: number) => {
    const arg = `sections[${i}]`;
    validateSectionHead(section, arg);
    if (section.kind === 'figure') figureCount += 1;
    return renderSection(section, arg, figureCount);
  });
  return pageHtml(title, subtitle, body, figureCount > 0);
}

/** Checks the report's own fields (not its sections) and returns them. */
function validateReport(report: Report): Report {
  if (report === null || typeof report !== 'object') {
    throw new InputError(`report must be { title, subtitle?, sections }, got ${describeValue(report)}`, { argument: 'report', value: report });
  }
  const { title, subtitle, sections } = report;
  if (typeof title !== 'string' || title === '') {
    throw new InputError(`title must be a non-empty string, got ${describeValue(title)}`, { argument: 'title', value: title });
  }
  if (subtitle !== undefined && typeof subtitle !== 'string') {
    throw new InputError(`subtitle must be a string, got ${describeValue(subtitle)}`, { argument: 'subtitle', value: subtitle });
  }
  if (!Array.isArray(sections)) {
    throw new InputError(`sections must be an array, got ${describeValue(sections)}`, { argument: 'sections', value: sections });
  }
  return { title, subtitle, sections };
}

/** Checks a section's `kind` and `title`, naming it `arg` in errors. */
function validateSectionHead(section: ReportSection, arg: string): void {
  if (section === null || typeof section !== 'object' || !(SECTION_KINDS as readonly string[]).includes(section.kind)) {
    throw new InputError(`${arg}.kind must be one of ${SECTION_KINDS.join(', ')}, got ${describeValue((section as { kind?: unknown } | null)?.kind)}`, {
      argument: `${arg}.kind`,
      value: (section as { kind?: unknown } | null)?.kind,
    });
  }
  if (section.title !== undefined && typeof section.title !== 'string') {
    throw new InputError(`${arg}.title must be a string, got ${describeValue(section.title)}`, { argument: `${arg}.title`, value: section.title });
  }
}

/** Renders one section (kind and title already checked) as a `<section>`; a figure goes into `figure-<figureNumber>`. */
function renderSection(section: ReportSection, arg: string, figureNumber: number): string {
  const heading = section.title === undefined ? '' : `<h2>${escapeHtml(section.title)}</h2>\n`;
  let content: string;
  switch (section.kind) {
    case 'figure':
      content = renderFigureSection(section, arg, figureNumber);
      break;
    case 'table':
      content = renderTableSection(section, arg);
      break;
    case 'html':
      assertString(`${arg}.html`, section.html);
      content = `<div class="wb-html">${section.html}</div>\n`;
      break;
    case 'text':
      assertString(`${arg}.text`, section.text);
      content = `<div class="wb-text">${section.text
        .split(/\n\s*\n/)
        .map((p) => `<p>${escapeHtml(p)}</p>`)
        .join('')}</div>\n`;
      break;
  }
  return `<section class="wb-section wb-${section.kind}-section">\n${heading}${content}</section>`;
}

/** Checks a figure section and embeds its figure as `figure-<figureNumber>`. */
function renderFigureSection(section: FigureSection, arg: string, figureNumber: number): string {
  const { figure } = section;
  if (figure === null || typeof figure !== 'object' || !Array.isArray(figure.data) || figure.layout === null || typeof figure.layout !== 'object') {
    throw new InputError(`${arg}.figure must be { data: [...], layout: {...} }, got ${describeValue(figure)}`, { argument: `${arg}.figure`, value: figure });
  }
  return figureEmbedHtml(figure, { id: `figure-${figureNumber}` });
}

/** Checks a table section (one cell per column in every row) and renders it in its scroll wrapper. */
function renderTableSection(section: TableSection, arg: string): string {
  const { columns, rows } = section;
  if (!Array.isArray(columns) || !Array.isArray(rows)) {
    throw new InputError(`${arg} must have columns and rows arrays, got ${describeValue({ columns, rows })}`, { argument: arg, value: section });
  }
  rows.forEach((row: ReadonlyArray<unknown>, r: number) => {
    if (!Array.isArray(row) || row.length !== columns.length) {
      throw new InputError(`${arg}.rows[${r}] must have ${columns.length} cells (one per column), got ${describeValue(row)}`, {
        argument: `${arg}.rows[${r}]`,
        value: row,
      });
    }
  });
  return `<div class="wb-table-wrap">${renderTableHtml({ columns, rows })}</div>\n`;
}

/** The whole page around the rendered sections; plotly.js is inlined only when `hasFigures`. */
function pageHtml(title: string, subtitle: string | undefined, body: ReadonlyArray<string>, hasFigures: boolean): string {
  const library = hasFigures ? plotlyLibraryHtml() : '';
  const footer = `Generated by lstm-workbench${hasFigures ? ` · plotly.js ${escapeHtml(plotlyVersion())} inlined` : ''}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    library,
    '</head>',
    '<body>',
    '<main class="wb-report">',
    `<header><h1>${escapeHtml(title)}</h1>${subtitle === undefined ? '' : `<p class="wb-subtitle">${escapeHtml(subtitle)}</p>`}</header>`,
    ...body,
    `<footer>${footer}</footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
