import { describe, expect, it } from 'vitest';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { inputError } from './helpers';
import { MAX_ABS_VALUE, MISSING_MARKERS, parseCsvText, readCsvHeader, readCsvTable, resolveCsvOptions } from '../../src/data/csv';
import { type CsvTable, type ReadCsvColumnsOptions, csvColumn, readCsvColumns } from '../../src/data/csvTable';
import { TIME_CELL } from '../../src/data/csvColumns';
import { groupById, parsePanelCsvText } from '../../src/data/panelCsv';

const HOUR = 3_600_000;
const T0 = Date.UTC(2020, 0, 1);
const SERIES = 10;

/** The generated long file's cells: row `i` is hour `floor(i / 10)` of series `i % 10`. */
const cellsOf = (i: number) => {
  const h = Math.floor(i / SERIES);
  const s = i % SERIES;
  return { time: T0 + h * HOUR, id: `s${s}`, a: ((i * 7919) % 1000) / 8, b: s * 1.5 + (h % 24), c: -h / 4 };
};

/** A long-format file of `rows` rows (hourly ISO stamps, 10 series, 3 numbers, an unselected column). */
function longCsv(rows: number, quoted = false): string {
  const lines = ['time,id,a,junk,b,c'];
  for (let i = 0; i < rows; i++) {
    const { time, id, a, b, c } = cellsOf(i);
    const stamp = new Date(time).toISOString().replace('.000Z', 'Z');
    const junk = quoted && i % 1000 === 0 ? '"unselected, ""quoted""\nnote"' : `junk${i}`;
    lines.push(`${stamp},${quoted && i % 7 === 0 ? `"${id}"` : id},${a},${junk},${b},${c}`);
  }
  return `${lines.join('\n')}\n`;
}

const PANEL = { id: 'id', time: 'time', targets: ['a', 'b'], features: ['c'] } as const;

/** Every JS value reachable from `root` (own properties, Map and Set entries), each once. */
function reachable(root: unknown): unknown[] {
  const seen = new Set<unknown>();
  const stack = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) {
      if (typeof value === 'string') seen.add(value);
      continue;
    }
    seen.add(value);
    if (ArrayBuffer.isView(value)) continue;
    if (value instanceof Map) for (const [k, v] of value) stack.push(k, v);
    else if (value instanceof Set) for (const v of value) stack.push(v);
    else for (const key of Reflect.ownKeys(value)) stack.push((value as Record<PropertyKey, unknown>)[key]);
  }
  return [...seen];
}

describe('readCsvTable: a large file', () => {
  const rows = 300_000;
  const text = longCsv(rows);

  it('parses 300,000 rows into the same series as the generated values', () => {
    const { panel } = parsePanelCsvText(text, PANEL, 'big.csv');
    expect(panel.ids).toEqual(Array.from({ length: SERIES }, (_, s) => `s${s}`));
    const perSeries = rows / SERIES;
    expect(Array.from(panel.offsets)).toEqual(Array.from({ length: SERIES + 1 }, (_, s) => s * perSeries));
    let mismatches = 0;
    for (let s = 0; s < SERIES; s++) {
      for (let h = 0; h < perSeries; h++) {
        const k = s * perSeries + h;
        const want = cellsOf(h * SERIES + s);
        if (panel.time[k] !== want.time || panel.values.a[k] !== want.a || panel.values.b[k] !== want.b || panel.values.c[k] !== want.c) {
          mismatches++;
        }
      }
    }
    expect(mismatches).toBe(0);
  });

  it('gives the same panel with quoted cells (papaparse quote mode) as without', () => {
    const plain = parsePanelCsvText(longCsv(20_000), PANEL, 'f.csv').panel;
    const quoted = parsePanelCsvText(longCsv(20_000, true), PANEL, 'f.csv').panel;
    expect(quoted.ids).toEqual(plain.ids);
    expect(Array.from(quoted.time)).toEqual(Array.from(plain.time));
    expect(Array.from(quoted.values.a)).toEqual(Array.from(plain.values.a));
    expect(Array.from(quoted.values.c)).toEqual(Array.from(plain.values.c));
  });

  it('agrees with a small independent parse of one series', () => {
    const { panel } = parsePanelCsvText(text, PANEL, 'big.csv');
    const lines = text.split('\n').filter((line, i) => i > 0 && line.split(',')[1] === 's3');
    const small = parseCsvText(`time,a,b,c\n${lines.map((l) => l.split(',').filter((_, k) => k !== 1 && k !== 3).join(',')).join('\n')}\n`, {
      time: 'time',
      targets: ['a', 'b'],
      features: ['c'],
    });
    const [from, to] = [panel.offsets[3], panel.offsets[4]];
    expect(Array.from(panel.time.subarray(from, to))).toEqual(Array.from(small.time));
    expect(Array.from(panel.values.b.subarray(from, to))).toEqual(Array.from(small.values.b));
  });

  it('dictionary-codes the id column and groups rows by it', () => {
    const table = readCsvTable(text, resolveCsvOptions(PANEL), 'big.csv');
    const ids = csvColumn(table, 'id', 'text');
    expect(ids.distinct).toEqual(Array.from({ length: SERIES }, (_, s) => `s${s}`));
    expect(ids.codes).toBeInstanceOf(Int32Array);
    expect(ids.codes.length).toBe(rows);
    expect(ids.codes.every((code, r) => code === r % SERIES)).toBe(true);
    const groups = groupById(table, 'id');
    expect([...groups.keys()]).toEqual(ids.distinct);
    const s7 = groups.get('s7')!;
    expect(s7).toBeInstanceOf(Int32Array);
    expect([s7.length, s7[0], s7[1], s7[s7.length - 1]]).toEqual([rows / SERIES, 7, 17, rows - 3]);
  });

  it('keeps only the selected columns, in typed arrays: no per-row JS array or string, no unselected cell', () => {
    const table = readCsvTable(text, resolveCsvOptions(PANEL), 'big.csv');
    expect(Object.keys(table).sort()).toEqual(['columnIndex', 'columns', 'delimiter', 'header', 'length', 'lines', 'source']);
    expect(table.length).toBe(rows);
    expect(table.lines).toBeInstanceOf(Int32Array);
    expect([...table.columns.keys()]).toEqual(['time', 'id', 'a', 'b', 'c']);
    expect(table.columns.has('junk')).toBe(false);
    expect(table.columnIndex.get('junk')).toBe(3);
    const values = reachable(table);
    const strings = values.filter((v): v is string => typeof v === 'string');
    expect(strings.filter((s) => s.startsWith('junk') && s !== 'junk')).toEqual([]);
    expect(strings.length).toBeLessThan(100);
    expect(values.filter((v) => Array.isArray(v) && v.length > 100)).toEqual([]);
    const a = csvColumn(table, 'a', 'number');
    expect([a.values.length, a.irregularCount]).toEqual([rows, 0]);
  });
});

describe('readCsvTable: memory', () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const heap = (): number => {
    gc();
    return process.memoryUsage().heapUsed;
  };

  it("does not keep the file's text alive: the table's JS heap is a small fraction of the text", () => {
    const opts = resolveCsvOptions(PANEL);
    const read = (): { table: CsvTable; chars: number } => {
      const text = longCsv(200_000);
      return { table: readCsvTable(text, opts, 'big.csv'), chars: text.length };
    };
    const before = heap();
    const { table, chars } = read();
    const grown = heap() - before;
    expect(chars).toBeGreaterThan(9_000_000);
    // The typed arrays live outside the JS heap; what stays on it is a few objects and strings.
    expect(grown).toBeLessThan(chars / 20);
    expect(table.length).toBe(200_000);
  });
});

describe('readCsvTable: quoted cells', () => {
  const text =
    't,id,y,region,note\n' +
    '"2020-01-01",a,1,"north, ""upper""",x\n' +
    '"2020-01-02",a,"2","north, ""upper""","multi\nline, ""note"""\n' +
    '2020-01-01,"b,2","3","south\nside",y\n' +
    '"2020-01-02","b,2",4,"south\nside",z\n';
  const opts = resolveCsvOptions({ id: 'id', time: 't', targets: ['y'] });

  it('reads delimiters, escaped quotes and line breaks inside quotes exactly', () => {
    const table = readCsvTable(text, opts, 'q.csv', [['region', 'statics']]);
    expect(csvColumn(table, 'id', 'text').distinct).toEqual(['a', 'b,2']);
    const region = csvColumn(table, 'region', 'text');
    expect([0, 1, 2, 3].map((r) => region.get(r))).toEqual(['north, "upper"', 'north, "upper"', 'south\nside', 'south\nside']);
    const time = csvColumn(table, 't', 'time');
    expect([0, 1, 2, 3].map((r) => time.get(r))).toEqual(['2020-01-01', '2020-01-02', '2020-01-01', '2020-01-02']);
    expect(Array.from(csvColumn(table, 'y', 'number').values)).toEqual([1, 2, 3, 4]);
    expect(Array.from(table.lines)).toEqual([2, 3, 5, 7]);
  });

  it('loads the statics and quotes quoted cells exactly in messages', () => {
    const { panel } = parsePanelCsvText(text, { id: 'id', time: 't', targets: ['y'], statics: ['region'] }, 'q.csv');
    expect(panel.statics).toEqual({ region: ['north, "upper"', 'south\nside'] });
    const bad = text.replace('"2020-01-02","b,2"', '"2020-01-01","b,2"');
    expect(inputError(() => parsePanelCsvText(bad, { id: 'id', time: 't', targets: ['y'] }, 'q.csv')).message).toBe(
      'q.csv: series "b,2": duplicate time stamp in column "t": line 5 ("2020-01-01") and line 7 ("2020-01-01") are the same time',
    );
  });

  it('quotes time cells with characters above U+00FF exactly', () => {
    expect(inputError(() => parseCsvText('t,y\n1,1\n"日本, 2020",2\n', { time: 't', targets: ['y'] }, 'u.csv')).message).toBe(
      'u.csv: time column "t", line 3: cannot parse "日本, 2020" as a number or an ISO date (YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:mm[:ss[.sss]][Z|±HH:mm])',
    );
  });
});

describe('readCsvTable: bad input, in the documented order', () => {
  const opts = resolveCsvOptions({ time: 't', targets: ['y', 'z'] });
  it.each([
    ['empty text', '', 'f.csv: file is empty'],
    ['only blank lines', '\r\n\r\n', 'f.csv: file is empty'],
    ['header and blank lines', 't,y,z\n\n\n', 'f.csv: no data rows (the file has only a header line)'],
    ['malformed quoting wins over an earlier field count', 't,y,z\n1,2\n2,"3\n', 'f.csv: malformed CSV at line 3: Quoted field unterminated'],
    ['no data rows wins over a duplicate name', 't,y,y\n', 'f.csv: no data rows (the file has only a header line)'],
    ['a duplicate name wins over field counts', 't,y,y\n1,2\n', 'f.csv: duplicate column name "y" in the header (fields 2 and 3)'],
    ['the first bad row: a blank line', 't,y,z\n1,2,3\n\n2,3\n', 'f.csv: line 3 is blank; blank lines are only allowed at the end of the file'],
    ['the first bad row: a field count', 't,y,z\n1,2,3\n2,3\n\n', 'f.csv: line 3 has 2 fields, but the header (line 1) has 3'],
    ['field counts win over unknown columns', 't,y\n1,2,3\n', 'f.csv: line 2 has 3 fields, but the header (line 1) has 2'],
    ['an unknown column', 't,y\n1,2\n', 'f.csv: unknown column "z" (options.targets); available columns: "t", "y"'],
    [
      'an unknown column in a one-column header with another delimiter',
      't;y;z\n1;2;3\n',
      'f.csv: unknown column "t" (options.time); available columns: "t;y;z"; the header looks ";"-separated: pass delimiter: ";" (--delimiter ";" on the command line)',
    ],
  ])('%s', (_name, text, message) => {
    const o = _name.includes('one-column') ? resolveCsvOptions({ time: 't', targets: ['y'], delimiter: ',' }) : opts;
    expect(inputError(() => readCsvTable(text, o, 'f.csv')).message).toBe(message);
  });

  it('drops trailing blank lines, but keeps blank rows of a one-column file that are not at the end', () => {
    expect(readCsvTable('t,y,z\r\n1,2,3\r\n\r\n\r\n', opts, 'f.csv').length).toBe(1);
    expect(readCsvHeader('t\n1\n\n2\n\n', 'f.csv')).toEqual(['t']);
    expect(inputError(() => readCsvHeader('t\n\n\n', 'f.csv')).message).toBe('f.csv: no data rows (the file has only a header line)');
  });

  it('reports the first bad value cell in row order, then column order', () => {
    // z is bad on line 2 and y on line 3: a column-by-column scan would name y first.
    const text = 't,y,z\n1,1,x\n2,oops,1\n3,NA,"1,5"\n';
    expect(inputError(() => parseCsvText(text, { time: 't', targets: ['y', 'z'] }, 'f.csv')).message).toBe(
      'f.csv: column "z", line 2: expected a number, got "x"',
    );
    expect(inputError(() => parseCsvText('t,y,z\n1,NA,NA\n', { time: 't', targets: ['y', 'z'] }, 'f.csv')).message).toBe(
      'f.csv: column "y", line 2: missing value ("NA"); set options.missing to \'drop\', \'ffill\' or \'interpolate\' to handle missing values',
    );
    const e = inputError(() => parseCsvText('t,y\n1,1\n2,1e151\n', { time: 't', targets: ['y'], missing: 'drop' }, 'f.csv'));
    expect(e.message).toMatch(/^f\.csv: column "y", line 3: value 1e151 is too large in magnitude/);
    expect(e.details).toMatchObject({ column: 'y', line: 3, value: '1e151', limit: MAX_ABS_VALUE });
  });
});

describe('readCsvColumns', () => {
  const base: ReadCsvColumnsOptions = {
    source: 'f.csv',
    delimiter: 'auto',
    timeFormat: null,
    missingMarkers: MISSING_MARKERS,
    maxAbsValue: MAX_ABS_VALUE,
    columns: [
      { name: 't', role: 'time', option: 'time' },
      { name: 'y', role: 'number', option: 'targets' },
      { name: 'y', role: 'text', option: 'statics' },
    ],
  };

  it('stores each requested column once, with its first role, and nothing else', () => {
    const table: CsvTable = readCsvColumns('t;y;note\n1;2;a\n2;NA;b\n', base);
    expect(table.delimiter).toBe(';');
    expect([...table.columns.keys()]).toEqual(['t', 'y']);
    const y = csvColumn(table, 'y', 'number');
    expect([y.values[0], y.irregular(1)]).toEqual([2, 'NA']);
    expect(Array.from(csvColumn(table, 't', 'time').cells)).toEqual([TIME_CELL.NUMBER, TIME_CELL.NUMBER]);
  });

  it('csvColumn refuses a column that was not stored, or not in that role', () => {
    const table = readCsvColumns('t,y,note\n1,2,a\n', base);
    expect(() => csvColumn(table, 'note', 'text')).toThrow(
      'f.csv: column "note" is not stored; request it as a text column when reading the table',
    );
    expect(() => csvColumn(table, 'y', 'text')).toThrow(
      'f.csv: column "y" is stored as a number column; request it as a text column when reading the table',
    );
  });

  it('rejects a text that is not a string, or holds NUL characters', () => {
    expect(inputError(() => readCsvColumns(42 as unknown as string, base)).message).toBe('text must be a string, got 42');
    expect(inputError(() => readCsvColumns('t\u0000y', base)).message).toBe(
      'f.csv: contains a NUL character at offset 1; it looks like a binary file, not CSV text',
    );
  });

  it('does not modify the text', () => {
    const text = '\uFEFFt,y\n1,2\n';
    const copy = `${text}`;
    readCsvColumns(text, base);
    expect(text).toBe(copy);
  });
});

describe('readCsvColumns: options', () => {
  const base: ReadCsvColumnsOptions = { source: 'f.csv', delimiter: ',', timeFormat: null, missingMarkers: MISSING_MARKERS, maxAbsValue: MAX_ABS_VALUE, columns: [] };
  it.each<[string, Partial<ReadCsvColumnsOptions>, string]>([
    [
      'two time columns',
      { columns: [{ name: 't', role: 'time', option: 'time' }, { name: 'y', role: 'time', option: 'time' }] },
      "options.columns may hold one 'time' column, got 2",
    ],
    ['too many missing markers', { missingMarkers: Array.from({ length: 255 }, (_, i) => `m${i}`) }, 'options.missingMarkers may hold at most 254 texts, got 255'],
  ])('rejects %s', (_name, change, message) => {
    expect(inputError(() => readCsvColumns('t,y\n1,2\n', { ...base, ...change })).message).toBe(message);
  });
});
