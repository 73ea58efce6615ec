/**
 * The future-known covariates' values after the end of the data, read from a CSV file (the
 * `forecast` CLI's `--future-covariates FILE`): planned prices, promotions, holidays, known for
 * the rows to be forecast.
 */
import { InputError, describeValue } from '../errors';
import {
  type CsvDelimiter,
  type CsvTable,
  MISSING_MARKERS,
  type ParsedCsvRows,
  type ResolvedCsvOptions,
  type SeriesOrigin,
  allCsvRows,
  parseCsvRows,
  readCsvHeader,
  readCsvTable,
  resolveCsvOptions,
  validateCsvRows,
} from './csv';
import { type KnownFuture, type Panel, checkKnownFuture, panelSeries, withKnownFuture } from './panel';
import { groupById, MAX_LISTED_IDS } from './panelCsv';
import { readTextSource } from './source';

/** Options of {@link parseFutureCsvText} and {@link loadFutureCsv}. */
export interface LoadFutureCsvOptions {
  /** A date-fns format for the time column, as `LoadCsvOptions.timeFormat`. @defaultValue ISO 8601 or numbers */
  readonly timeFormat?: string;
  /** Sort each series' rows by time first (otherwise unsorted rows are an error). @defaultValue `false` */
  readonly sort?: boolean;
  /** CSV delimiter, or `'auto'`. @defaultValue `'auto'` */
  readonly delimiter?: CsvDelimiter;
  /**
   * Ids that may appear in the file although the panel has no such series (series the data
   * loader skipped as too short); their rows are ignored. Any other unknown id is an error.
   * @defaultValue `[]`
   */
  readonly ignoreIds?: readonly string[];
  /** Most bytes read ({@link loadFutureCsv}). @defaultValue `DEFAULT_MAX_BYTES` */
  readonly maxBytes?: number;
  /** URL timeout in ms ({@link loadFutureCsv}). @defaultValue 30000 */
  readonly timeoutMs?: number;
}

/**
 * The columns of a future-covariates file that hold covariates: every header name except the
 * time column and the id column.
 *
 * @param panel - Names the time and id columns (`timeColumn`, `idColumn`).
 * @throws InputError for structural problems (see `readCsvHeader`), or when the time column, or
 *   the id column of a long-format panel, is missing from the header.
 * @example
 * futureCsvColumns('month,promo\n2024-01,1\n', { timeColumn: 'month', idColumn: null }, 'plan.csv'); // ['promo']
 */
export function futureCsvColumns(
  text: string,
  panel: Pick<Panel, 'timeColumn' | 'idColumn'>,
  source: string,
  delimiter: CsvDelimiter = 'auto',
): string[] {
  const header = readCsvHeader(text, source, delimiter);
  for (const [column, what] of [[panel.timeColumn, 'time'], [panel.idColumn, 'id']] as const) {
    if (column !== null && !header.includes(column)) {
      throw new InputError(`${source}: has no ${what} column ${JSON.stringify(column)} (the data's); its columns are [${header.join(', ')}]`, {
        file: source,
        column,
      });
    }
  }
  return header.filter((name) => name !== panel.timeColumn && name !== panel.idColumn);
}

/**
 * Reads the values of a panel's future-known covariates after the end of each series.
 *
 * The file has the panel's time column, its id column (long-format panels; without one, the
 * rows apply to every series, as the columns of a wide file do), and one column per future-known
 * covariate (`panel.futureCovariates`, all of them and nothing else). Each series' rows must be
 * its next stamps at its own frequency, from the first one after its last row, without gaps and
 * without missing cells. A series with no rows in the file gets `null` (nothing known).
 *
 * @param panel - The data; `panel.futureCovariates` must be non-empty. Not modified.
 * @returns A copy of `panel` whose `future` holds the file's values.
 * @throws InputError naming the file (and the series, line, column and value where there is one)
 *   for structural problems, a missing or extra column, an unknown id, a bad cell, a missing
 *   value, or a stamp that is not the next one of its series.
 * @example
 * const s = parseCsvText('t,y,p\n1,1,0\n2,2,1\n', { time: 't', targets: ['y'], features: ['p'] });
 * const panel = makePanel([{ id: 'y', series: s }], { futureCovariates: ['p'] });
 * parseFutureCsvText('t,p\n3,1\n4,0\n', panel, {}, 'plan.csv').future[0]?.values.p; // [1, 0]
 */
export function parseFutureCsvText(text: string, panel: Panel, options: LoadFutureCsvOptions = {}, source = '<text>'): Panel {
  const base = resolveFutureOptions(panel, options);
  const extra = futureCsvColumns(text, panel, source, base.delimiter).filter((name) => !panel.futureCovariates.includes(name));
  if (extra.length > 0) {
    throw new InputError(
      `${source}: column ${JSON.stringify(extra[0])} is not a future-known covariate of the data ([${panel.futureCovariates.join(', ')}]); ` +
        'remove it, or read it as one',
      { file: source, column: extra[0] },
    );
  }
  const table = readCsvTable(text, base, source);
  const groups = base.id === null ? new Map([['', allCsvRows(table)]]) : groupById(table, base.id);
  const future: (KnownFuture | null)[] = panel.ids.map(() => null);
  const ignore = new Set(options.ignoreIds ?? []);
  for (const [id, indices] of groups) {
    if (base.id !== null && !panel.ids.includes(id)) {
      if (ignore.has(id)) continue;
      const shown = panel.ids.slice(0, MAX_LISTED_IDS).map((x) => JSON.stringify(x)).join(', ');
      const more = panel.ids.length > MAX_LISTED_IDS ? `, ... (${panel.ids.length} in all)` : '';
      throw new InputError(`${source}: series ${JSON.stringify(id)} is not a series of the data; the series are ${shown}${more}`, {
        file: source,
        id,
      });
    }
    const targets = base.id === null ? panel.ids.map((_, i) => i) : [panel.ids.indexOf(id)];
    const origin = base.id === null ? { source } : { source, id };
    const rows = validateCsvRows(parseRows(table, indices, base, origin), panel.futureCovariates, base, origin);
    const values = Object.fromEntries(panel.futureCovariates.map((name, c) => [name, rows.values[c]]));
    for (const i of targets) {
      try {
        future[i] = checkKnownFuture({ time: rows.time, values }, panelSeries(panel, i), panel.futureCovariates, panel.frequencies[i]);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        const k = typeof error.details.index === 'number' ? error.details.index : null;
        const where = `${source}: ${panel.ids.length > 1 ? `series ${JSON.stringify(panel.ids[i])}, ` : ''}${k === null ? '' : `line ${rows.lines[k]}: `}`;
        throw new InputError(`${where}${error.message}`, { ...error.details, file: source, id: panel.ids[i], ...(k === null ? {} : { line: rows.lines[k] }) });
      }
    }
  }
  return withKnownFuture(panel, future);
}

/**
 * Reads a future-covariates CSV file or URL, as {@link parseFutureCsvText}.
 * @throws InputError for a missing file or failed fetch (naming it), and everything
 *   {@link parseFutureCsvText} throws.
 */
export async function loadFutureCsv(source: string, panel: Panel, options: LoadFutureCsvOptions = {}): Promise<Panel> {
  resolveFutureOptions(panel, options);
  const text = await readTextSource(source, { maxBytes: options.maxBytes, timeoutMs: options.timeoutMs, what: 'CSV' });
  return parseFutureCsvText(text, panel, options, source);
}

function resolveFutureOptions(panel: Panel, options: LoadFutureCsvOptions): ResolvedCsvOptions {
  if (panel.futureCovariates.length === 0) {
    throw new InputError('the data has no future-known covariates, so there are no future values to read (futureCovariates is empty)', {
      argument: 'futureCovariates',
    });
  }
  const ignore = options.ignoreIds ?? [];
  if (!Array.isArray(ignore) || !ignore.every((x) => typeof x === 'string')) {
    throw new InputError(`options.ignoreIds must be an array of series ids, got ${describeValue(ignore)}`, { argument: 'ignoreIds', value: ignore });
  }
  return resolveCsvOptions({
    time: panel.timeColumn,
    targets: panel.futureCovariates,
    ...(panel.idColumn !== null ? { id: panel.idColumn } : {}),
    timeFormat: options.timeFormat,
    sort: options.sort,
    delimiter: options.delimiter,
    minRows: 1,
  });
}

/** `parseCsvRows`, with a missing cell refused as such: the future file has no missing-value policy. */
function parseRows(table: CsvTable, indices: ArrayLike<number>, base: ResolvedCsvOptions, origin: SeriesOrigin): ParsedCsvRows {
  try {
    return parseCsvRows(table, indices, base, origin);
  } catch (error) {
    const d = error instanceof InputError ? error.details : {};
    if (!(error instanceof InputError) || typeof d.value !== 'string' || !MISSING_MARKERS.includes(d.value)) throw error;
    const who = origin.id === undefined ? '' : `series ${JSON.stringify(origin.id)}: `;
    throw new InputError(
      `${origin.source}: ${who}column ${JSON.stringify(d.column)}, line ${d.line}: missing value (${JSON.stringify(d.value)}); every future value must be given`,
      d,
    );
  }
}
