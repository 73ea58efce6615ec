import { describe, expect, it } from 'vitest';
import { renderTableHtml, renderTableText } from '../../src/report/table';
import { expectInputError } from '../plot/expectInputError';

const table = { columns: ['model', 'mae'], rows: [['<lstm>', 0.123456], ['naive', null], ['x', 3]] };

describe('renderTableHtml', () => {
  it('escapes, formats numbers and marks numeric and empty cells', () => {
    expect(renderTableHtml(table, { caption: 'A & B' })).toBe(
      '<table class="wb-table"><caption>A &amp; B</caption><thead><tr><th>model</th><th>mae</th></tr></thead><tbody>' +
        '<tr><td>&lt;lstm&gt;</td><td class="num">0.1235</td></tr>' +
        '<tr><td>naive</td><td class="null"></td></tr>' +
        '<tr><td>x</td><td class="num">3</td></tr>' +
        '</tbody></table>',
    );
  });

  it('leaves out rows beyond maxRows and says so', () => {
    const html = renderTableHtml(table, { maxRows: 1 });
    expect(html.match(/<tr>/g)).toHaveLength(3); // header, one row, footer
    expect(html).toContain('<tfoot><tr><td colspan="2">… 2 more rows (3 in all)</td></tr></tfoot>');
  });

  it('rejects ragged rows and bad maxRows', () => {
    expectInputError(() => renderTableHtml({ columns: ['a', 'b'], rows: [[1]] }), 'rows[0] must have 2 cells (one per column), got 1');
    expectInputError(() => renderTableHtml(table, { maxRows: 0 }), 'maxRows must be a positive integer, got 0');
  });
});

describe('renderTableText', () => {
  it('aligns columns', () => {
    expect(renderTableText(table, { maxRows: 2 })).toBe(['model   mae', '------  ------', '<lstm>  0.1235', 'naive', '… 1 more row (3 in all)'].join('\n'));
  });
});
