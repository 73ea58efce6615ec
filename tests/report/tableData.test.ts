import { describe, expect, it } from 'vitest';
import { toTableData } from '../../src/report/tableData';
import { toDataFrame } from '../../src/data/frame';
import { parseCsvText } from '../../src/data/csv';
import { expectInputError } from '../plot/expectInputError';

describe('toTableData', () => {
  it('takes the union of row keys in order of first appearance', () => {
    const rows = [{ model: 'lstm', mae: 1.2 }, { model: 'naive', rmse: 2 }];
    const copy = JSON.parse(JSON.stringify(rows)) as unknown;
    expect(toTableData(rows)).toEqual({ columns: ['model', 'mae', 'rmse'], rows: [['lstm', 1.2, null], ['naive', null, 2]] });
    expect(rows).toEqual(copy);
  });

  it('reads a DataFrame-like object through columns and values', () => {
    expect(toTableData({ columns: ['a', 1], values: [[1, 2]] })).toEqual({ columns: ['a', '1'], rows: [[1, 2]] });
  });

  it('accepts a real danfo DataFrame, whose values are declared as ArrayType1D | ArrayType2D (type check)', () => {
    const frame = toDataFrame(parseCsvText('t,y\n1,2\n2,3\n', { time: 't', targets: ['y'] }));
    expect(toTableData(frame)).toEqual({ columns: ['t', 'y'], rows: [[1, 2], [2, 3]] });
  });

  it("keeps a DataFrame's row labels (describe()) as a first column, but not the default 0..n-1 index", () => {
    const frame = toDataFrame(parseCsvText('t,y\n1,2\n2,4\n', { time: 't', targets: ['y'] }));
    const stats = toTableData(frame.describe());
    expect(stats.columns).toEqual(['', 't', 'y']);
    expect(stats.rows.map((r) => r[0]).slice(0, 3)).toEqual(['count', 'mean', 'std']);
    expect(stats.rows[1]).toEqual(['mean', 1.5, 3]);
    expect(toTableData({ columns: ['a'], values: [[1], [2]], index: [0, 1] } as never)).toEqual({ columns: ['a'], rows: [[1], [2]] });
  });

  it('checks and copies { columns, rows }', () => {
    const rows = [[1, 'x']];
    const table = toTableData({ columns: ['n', 's'], rows });
    expect(table).toEqual({ columns: ['n', 's'], rows: [[1, 'x']] });
    expect(table.rows[0]).not.toBe(rows[0]);
  });

  it('accepts an empty array', () => {
    expect(toTableData([])).toEqual({ columns: [], rows: [] });
  });

  it.each([
    [[1], 'rows[0] must be an object of column -> value, got 1'],
    [{ columns: ['a', 'b'], values: [[1]] }, 'values[0] must be an array of 2 cells (one per column), got [1]'],
    [{ columns: [1], rows: [] }, 'columns[0] must be a string, got 1'],
    ['x', 'table must be a DataFrame (columns + values), an array of row objects or { columns, rows }, got "x"'],
  ])('rejects %j', (source, message) => {
    expectInputError(() => toTableData(source as never), message);
  });
});
