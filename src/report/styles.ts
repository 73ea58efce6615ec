/**
 * Style sheet of report pages (`renderReportHtml`): system fonts, a readable column, tables with
 * right-aligned tabular numbers. Kept apart from the markup so the look can change in one place.
 */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1d1d1f; --muted: #6e6e73; --rule: #e3e3e8; --accent: #1f77b4; --zebra: #f7f7fa; }
* { box-sizing: border-box; }
body { margin: 0; background: #ffffff; color: var(--fg);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.wb-report { max-width: 1100px; margin: 0 auto; padding: 32px 24px 48px; }
.wb-report > header { border-bottom: 2px solid var(--accent); margin-bottom: 24px; padding-bottom: 12px; }
h1 { font-size: 28px; line-height: 1.2; margin: 0; }
.wb-subtitle { color: var(--muted); margin: 6px 0 0; }
.wb-section { margin: 28px 0; }
.wb-section > h2 { font-size: 19px; margin: 0 0 10px; }
.wb-figure { background: #ffffff; }
.wb-text p { margin: 0 0 10px; white-space: pre-wrap; }
.wb-table { border-collapse: collapse; font-size: 14px; margin: 4px 0; }
.wb-table caption { caption-side: top; text-align: left; color: var(--muted); padding-bottom: 6px; }
.wb-table th, .wb-table td { padding: 6px 12px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
.wb-table thead th { border-bottom: 2px solid #c9c9d1; font-weight: 600; }
.wb-table tbody tr:nth-child(even) { background: var(--zebra); }
.wb-table td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.wb-table tfoot td { color: var(--muted); font-style: italic; border-bottom: none; }
.wb-table-wrap { overflow-x: auto; }
.wb-report > footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule); padding-top: 10px; }
`;
