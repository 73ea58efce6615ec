/**
 * HTML rendering: self-contained report pages, tables, escaping, inlined plotly.js, atomic writes.
 * Runtime code here imports nothing from `src/plot` (only its types), so `src/plot/display.ts`
 * can reuse these pieces without an import cycle.
 */
export { renderReportHtml } from './html';
export type { Report, ReportSection, FigureSection, TableSection, HtmlSection, TextSection } from './html';
export { writeFileAtomic } from './atomic';
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
