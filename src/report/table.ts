import type { TableData } from './tableData';
import { escapeHtml } from './escape';
import { formatCell } from './format';
import { InputError, describeValue } from '../errors';

/** Options of {@link renderTableHtml}. */
export interface TableHtmlOptions {
  /** Caption above the table. */
  readonly caption?: string;
  /**
   * Show at most this many rows (a positive integer), then a note "… N more rows".
   * @defaultValue all rows
   */
  readonly maxRows?: number;
}

/**
 * Renders a table as an HTML `<table class="wb-table">`, every header and cell escaped.
 *
 * Cells are formatted with `formatCell` (numbers to about 4 significant digits); number cells get
 * `class="num"` (right-aligned, tabular digits), empty cells `class="null"`. When rows are left
 * out, a `<tfoot>` says how many.
 *
 * @param table - Columns and rows; every row has `columns.length` cells. Not mutated.
 * @param options - See {@link TableHtmlOptions}.
 * @returns An HTML fragment.
 * @throws InputError when a row's length differs from the number of columns or `maxRows` is not
 *   a positive integer.
 * @example
 * renderTableHtml({ columns: ['model', 'mae'], rows: [['lstm', 0.123456]] });
 * // '<table class="wb-table">...<td class="num">0.1235</td>...</table>'
 */
export function renderTableHtml(table: TableData, options: TableHtmlOptions = {}): string {
  const { columns, rows } = table;
  const { caption, maxRows } = options;
  if (maxRows !== undefined && (!Number.isInteger(maxRows) || maxRows < 1)) {
    throw new InputError(`maxRows must be a positive integer, got ${describeValue(maxRows)}`, { argument: 'maxRows', value: maxRows });
  }
  const shown = maxRows === undefined ? rows : rows.slice(0, maxRows);
  const parts: string[] = ['<table class="wb-table">'];
  if (caption !== undefined) parts.push(`<caption>${escapeHtml(caption)}</caption>`);
  parts.push('<thead><tr>', ...columns.map((c) => `<th>${escapeHtml(String(c))}</th>`), '</tr></thead><tbody>');
  shown.forEach((row, i) => {
    if (row.length !== columns.length) {
      throw new InputError(`rows[${i}] must have ${columns.length} cells (one per column), got ${row.length}`, {
        argument: `rows[${i}]`,
        value: row.length,
      });
    }
    parts.push('<tr>');
    for (const cell of row) {
      const cls = typeof cell === 'number' ? ' class="num"' : cell === null || cell === undefined ? ' class="null"' : '';
      parts.push(`<td${cls}>${escapeHtml(formatCell(cell))}</td>`);
    }
    parts.push('</tr>');
  });
  parts.push('</tbody>');
  const hidden = rows.length - shown.length;
  if (hidden > 0) {
    parts.push(
      `<tfoot><tr><td colspan="${Math.max(1, columns.length)}">… ${hidden} more row${hidden === 1 ? '' : 's'} (${rows.length} in all)</td></tr></tfoot>`,
    );
  }
  parts.push('</table>');
  return parts.join('');
}

/**
 * Renders a table as aligned plain text (for `text/plain` outputs and logs).
 *
 * @param table - Columns and rows. Not mutated.
 * @param options - `maxRows` as in {@link renderTableHtml}; `caption` becomes the first line.
 * @returns Lines joined by `\n`: header, a rule, rows, and a "… N more rows" line if rows were left out.
 * @throws InputError as {@link renderTableHtml}.
 * @example
 * renderTableText({ columns: ['a', 'b'], rows: [[1, 'x']] }); // 'a  b\n-  -\n1  x'
 */
export function renderTableText(table: TableData, options: TableHtmlOptions = {}): string {
  const { columns, rows } = table;
  const { caption, maxRows } = options;
  if (maxRows !== undefined && (!Number.isInteger(maxRows) || maxRows < 1)) {
    throw new InputError(`maxRows must be a positive integer, got ${describeValue(maxRows)}`, { argument: 'maxRows', value: maxRows });
  }
  const shown = maxRows === undefined ? rows : rows.slice(0, maxRows);
  const cells = shown.map((row, i) => {
    if (row.length !== columns.length) {
      throw new InputError(`rows[${i}] must have ${columns.length} cells (one per column), got ${row.length}`, {
        argument: `rows[${i}]`,
        value: row.length,
      });
    }
    return row.map((c) => formatCell(c).replace(/\s+/g, ' '));
  });
  const header = columns.map(String);
  const widths = header.map((h, j) => Math.max(h.length, ...cells.map((r) => (r[j] as string).length)));
  const line = (r: ReadonlyArray<string>): string => r.map((c, j) => c.padEnd(widths[j] as number)).join('  ').trimEnd();
  const lines = [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  const hidden = rows.length - shown.length;
  if (hidden > 0) lines.push(`… ${hidden} more row${hidden === 1 ? '' : 's'} (${rows.length} in all)`);
  if (caption !== undefined) lines.unshift(caption);
  return lines.join('\n');
}
