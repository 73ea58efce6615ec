/**
 * HTML rendering: self-contained report pages, tables, escaping, inlined plotly.js (written to
 * disk with `writeFileAtomic` from `src/io/atomic`).
 * Above `src/plot`, of which it needs only the figure type (`src/plot/figure.ts`); below
 * `src/display`, which reuses these pieces to show figures and tables in notebooks.
 */
export { renderReportHtml } from './html';
export type { Report, ReportSection, FigureSection, TableSection, HtmlSection, TextSection } from './html';
export { escapeHtml, jsonForScript, scriptSafe } from './escape';
export { formatNumber, formatCell } from './format';
export { renderTableHtml, renderTableText } from './table';
export type { TableHtmlOptions } from './table';
export { toTableData } from './tableData';
export type { TableData, TableSource } from './tableData';
export {
  figureEmbedHtml,
  plotlyLibraryHtml,
  plotlyLibrarySource,
  plotlyVersion,
  DEFAULT_PLOTLY_CONFIG,
  DEFAULT_EMBED_HEIGHT,
  DEFAULT_MISSING_PLOTLY_MESSAGE,
  PLOTLY_PACKAGE,
  PLOTLY_LIBRARY_MARKER,
  PLOTLY_WAIT_MS,
} from './plotlyEmbed';
export type { FigureEmbedOptions } from './plotlyEmbed';
export { REPORT_CSS } from './styles';
