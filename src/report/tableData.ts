import { InputError, describeValue } from '../errors';

/** A table as column names and rows of cells, row-major; each row has one cell per column. */
export interface TableData {
  readonly columns: ReadonlyArray<string>;
  readonly rows: ReadonlyArray<ReadonlyArray<unknown>>;
}

/**
 * What a table can be made from: a danfojs `DataFrame` (anything with a `columns` array and a
 * 2-D `values` array), an array of row objects, or a {@link TableData}.
 */
export type TableSource =
  // `values` is typed loosely because danfo declares it as `ArrayType1D | ArrayType2D`; rows are
  // checked to be arrays of one cell per column at run time.
  | { readonly columns: ReadonlyArray<unknown>; readonly values: ReadonlyArray<unknown> }
  | ReadonlyArray<Readonly<Record<string, unknown>>>
  | TableData;

/**
 * Normalises a table source to {@link TableData}.
 *
 * - A DataFrame-like object: `columns` and `values` are read, nothing else of danfo's API.
 * - An array of row objects: the columns are the union of the rows' own keys in order of first
 *   appearance; a key missing from a row gives `null`.
 * - `{ columns, rows }`: checked and copied.
 *
 * @param source - See {@link TableSource}; not mutated.
 * @returns New column and row arrays (cells are not copied deeply).
 * @throws InputError when `source` is none of these, a column name is not a string (DataFrame
 *   column names are converted with `String` instead), or a row's length differs from the
 *   number of columns.
 * @example
 * toTableData([{ model: 'lstm', mae: 1.2 }, { model: 'naive', rmse: 2 }]);
 * // { columns: ['model', 'mae', 'rmse'], rows: [['lstm', 1.2, null], ['naive', null, 2]] }
 */
export function toTableData(source: TableSource): TableData {
  if (Array.isArray(source)) {
    const columns: string[] = [];
    const seen = new Set<string>();
    source.forEach((row: unknown, i: number) => {
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        throw new InputError(`rows[${i}] must be an object of column -> value, got ${describeValue(row)}`, {
          argument: `rows[${i}]`,
          value: row,
        });
      }
      for (const key of Object.keys(row)) {
        if (!seen.has(key)) {
          seen.add(key);
          columns.push(key);
        }
      }
    });
    const rows = source.map((row: Readonly<Record<string, unknown>>) =>
      columns.map((c) => (Object.prototype.hasOwnProperty.call(row, c) ? row[c] : null)),
    );
    return { columns, rows };
  }
  if (source !== null && typeof source === 'object') {
    const s = source as { columns?: unknown; values?: unknown; rows?: unknown };
    if (Array.isArray(s.columns) && Array.isArray(s.values)) {
      const table = checkRows(s.columns.map(String), s.values, 'values');
      // A DataFrame's row labels (e.g. describe()'s count, mean, std, ...) become a first,
      // unnamed column; the default 0..n-1 index is left out.
      const index = (source as { index?: unknown }).index;
      if (Array.isArray(index) && index.length === table.rows.length && index.some((label, i) => label !== i)) {
        return { columns: ['', ...table.columns], rows: table.rows.map((row, i) => [index[i], ...row]) };
      }
      return table;
    }
    if (Array.isArray(s.columns) && Array.isArray(s.rows)) {
      s.columns.forEach((c: unknown, i: number) => {
        if (typeof c !== 'string') {
          throw new InputError(`columns[${i}] must be a string, got ${describeValue(c)}`, { argument: `columns[${i}]`, value: c });
        }
      });
      return checkRows([...(s.columns as string[])], s.rows, 'rows');
    }
  }
  throw new InputError(
    `table must be a DataFrame (columns + values), an array of row objects or { columns, rows }, got ${describeValue(source)}`,
    { argument: 'table', value: source },
  );
}

function checkRows(columns: string[], rows: ReadonlyArray<unknown>, argument: string): TableData {
  const out = rows.map((row, i) => {
    if (!Array.isArray(row) || row.length !== columns.length) {
      throw new InputError(`${argument}[${i}] must be an array of ${columns.length} cells (one per column), got ${describeValue(row)}`, {
        argument: `${argument}[${i}]`,
        value: row,
      });
    }
    return [...(row as unknown[])];
  });
  return { columns, rows: out };
}
