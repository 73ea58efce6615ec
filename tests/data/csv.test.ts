import { describe, expect, it } from 'vitest';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inputError, inputRejection } from './helpers';
import {
  DEFAULT_MIN_ROWS,
  DEFAULT_MISSING_POLICY,
  CSV_DELIMITERS,
  DEFAULT_DELIMITER,
  DEFAULT_GAP_POLICY,
  GAP_POLICIES,
  MAX_ABS_VALUE,
  loadCsv,
  parseCsvText,
  parseCsvTextWithWarnings,
  type LoadCsvOptions,
} from '../../src/data/csv';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'data', 'daily.csv');
const opts: LoadCsvOptions = { time: 't', targets: ['y'] };

async function expectInputError(promise: Promise<unknown>, message: string): Promise<void> {
  expect((await inputRejection(promise)).message).toBe(message);
}

const DAY = 86_400_000;
const JAN1 = Date.UTC(2020, 0, 1);

// First in the file: each test file runs in its own process, and later tests do load danfo.
describe('loadCsv: lazy DataFrame', () => {
  const danfoLoaded = (): boolean => Object.keys(require.cache).some((p) => p.includes('node_modules/danfojs-node/'));

  it('does not require danfojs-node until .frame is read, then builds the frame once', async () => {
    const loaded = await loadCsv(FIXTURE, { time: 'date', targets: ['load'], missing: 'interpolate' });
    expect(loaded.series.length).toBe(4);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.delimiter).toBe(',');
    expect(danfoLoaded()).toBe(false);
    const frame = loaded.frame;
    expect(danfoLoaded()).toBe(true);
    expect(frame.shape).toEqual([4, 2]);
    expect(loaded.frame).toBe(frame);
    expect(Object.isFrozen(loaded)).toBe(true);
  });
});

describe('parseCsvText: happy paths', () => {
  it('reads dates as UTC milliseconds and selected columns as Float64Array', () => {
    const s = parseCsvText('date,load,temp,note\n2020-01-01,10,1.5,x\n2020-01-02,-2e1,+.5,y\n', {
      time: 'date',
      targets: ['load'],
      features: ['temp'],
    });
    expect(s.timeKind).toBe('date');
    expect(s.timeColumn).toBe('date');
    expect(Array.from(s.time)).toEqual([JAN1, JAN1 + DAY]);
    expect(s.time).toBeInstanceOf(Float64Array);
    expect(Array.from(s.values.load)).toEqual([10, -20]);
    expect(Array.from(s.values.temp)).toEqual([1.5, 0.5]);
    expect(s.targets).toEqual(['load']);
    expect(s.features).toEqual(['temp']);
    expect(s.columns).toEqual(['load', 'temp']);
    expect(Object.keys(s.values)).toEqual(['load', 'temp']);
    expect(s.length).toBe(2);
    expect(s.source).toBe('<text>');
  });

  it('reads plain numeric time stamps as numbers (a bare year is a number)', () => {
    const s = parseCsvText('t,y\n2019,1\n2020,2\n2021.5,3\n', { ...opts, gaps: 'warn' }, 'years.csv');
    expect(s.timeKind).toBe('number');
    expect(Array.from(s.time)).toEqual([2019, 2020, 2021.5]);
    expect(s.source).toBe('years.csv');
  });

  it.each([
    ['2020-01', Date.UTC(2020, 0, 1)],
    ['2020-02-29', Date.UTC(2020, 1, 29)],
    ['2020-01-31T12:30', Date.UTC(2020, 0, 31, 12, 30)],
    ['2020-01-31 12:30:15', Date.UTC(2020, 0, 31, 12, 30, 15)],
    ['2020-01-31T12:30:15.250Z', Date.UTC(2020, 0, 31, 12, 30, 15, 250)],
    ['2020-01-31T12:30:00+02:00', Date.UTC(2020, 0, 31, 10, 30)],
  ])('parses the ISO form %s as UTC', (text, expected) => {
    const s = parseCsvText(`t,y\n${text},1\n2100-01-01,2\n`, opts);
    expect(s.time[0]).toBe(expected);
  });

  it('accepts CRLF line ends, a byte-order mark, quoted fields and trailing blank lines', () => {
    const s = parseCsvText('\uFEFFt,y,note\r\n1,"2",hello\r\n2,3,"multi\r\nline, quoted"\r\n3,4,z\r\n\r\n\r\n', opts);
    expect(Array.from(s.time)).toEqual([1, 2, 3]);
    expect(Array.from(s.values.y)).toEqual([2, 3, 4]);
  });

  it('ignores unselected columns entirely, even when they hold garbage or gaps', () => {
    const s = parseCsvText('t,junk,y\n1,abc,5\n2,,6\n', opts);
    expect(Array.from(s.values.y)).toEqual([5, 6]);
  });

  it('uses the documented defaults', () => {
    expect(DEFAULT_MISSING_POLICY).toBe('error');
    expect(DEFAULT_MIN_ROWS).toBe(2);
  });

  it('does not mutate the options', () => {
    const targets = ['y'];
    const features = ['x'];
    const o = { time: 't', targets, features, missing: 'drop' as const };
    const snapshot = JSON.stringify(o);
    const s = parseCsvText('t,y,x\n1,2,3\n2,3,4\n', o);
    expect(JSON.stringify(o)).toBe(snapshot);
    expect(s.targets).not.toBe(targets);
    expect(s.features).not.toBe(features);
  });
});

describe('parseCsvText: structural errors', () => {
  it.each([
    ['empty text', '', 'f.csv: file is empty'],
    ['only blank lines', '\n\n', 'f.csv: file is empty'],
    ['header only', 't,y\n', 'f.csv: no data rows (the file has only a header line)'],
    ['duplicate header', 't,y,y\n1,2,3\n', 'f.csv: duplicate column name "y" in the header (fields 2 and 3)'],
    ['too few fields', 't,y\n1,2\n2\n', 'f.csv: line 3 has 1 field, but the header (line 1) has 2'],
    ['too many fields', 't,y\n1,2\n2,3,4\n', 'f.csv: line 3 has 3 fields, but the header (line 1) has 2'],
    ['blank line inside', 't,y\n1,2\n\n2,3\n', 'f.csv: line 3 is blank; blank lines are only allowed at the end of the file'],
    ['unterminated quote', 't,y\n1,"2\n', 'f.csv: malformed CSV at line 2: Quoted field unterminated'],
  ])('%s', (_name, text, message) => {
    expect(inputError(() => parseCsvText(text, opts, 'f.csv')).message).toBe(message);
  });

  it('counts the lines of quoted multi-line fields in line numbers', () => {
    const text = 't,y,note\n1,2,"a\nb\nc"\n2,oops,d\n';
    expect(inputError(() => parseCsvText(text, opts, 'f.csv')).message).toBe(
      'f.csv: column "y", line 5: expected a number, got "oops"',
    );
  });

  it('names unknown columns, which option asked for them, and the available columns', () => {
    const e = inputError(() => parseCsvText('t,y,z\n1,2,3\n', { time: 't', targets: ['y'], features: ['w'] }, 'f.csv'));
    expect(e.message).toBe('f.csv: unknown column "w" (options.features); available columns: "t", "y", "z"');
    expect(e.details).toMatchObject({ column: 'w', argument: 'features' });
    expect(inputError(() => parseCsvText('t,y\n1,2\n', { time: 'date', targets: ['y'] }, 'f.csv')).message).toBe(
      'f.csv: unknown column "date" (options.time); available columns: "t", "y"',
    );
  });
});

describe('parseCsvText: option validation', () => {
  it.each<[string, unknown, string]>([
    ['null options', null, 'options must be an object, got null'],
    ['empty time', { time: '', targets: ['y'] }, 'options.time must be a non-empty column name, got ""'],
    ['targets not an array', { time: 't', targets: 'y' }, 'options.targets must be an array of column names, got "y"'],
    ['no targets', { time: 't', targets: [] }, 'options.targets must name at least one column, got []'],
    ['empty target name', { time: 't', targets: [''] }, 'options.targets[0] must be a non-empty column name, got ""'],
    ['time as target', { time: 't', targets: ['t'] }, 'column "t" is selected twice (options.time and options.targets)'],
    ['target as feature', { time: 't', targets: ['y'], features: ['y'] }, 'column "y" is selected twice (options.targets and options.features)'],
    ['repeated target', { time: 't', targets: ['y', 'y'] }, 'column "y" is selected twice (options.targets and options.targets)'],
    ['bad policy', { time: 't', targets: ['y'], missing: 'zero' }, "options.missing must be one of 'error', 'drop', 'ffill', 'interpolate', got \"zero\""],
    ['bad sort', { time: 't', targets: ['y'], sort: 'yes' }, 'options.sort must be a boolean, got "yes"'],
    ['minRows 0', { time: 't', targets: ['y'], minRows: 0 }, 'options.minRows must be a positive integer, got 0'],
    ['minRows 1.5', { time: 't', targets: ['y'], minRows: 1.5 }, 'options.minRows must be a positive integer, got 1.5'],
    ['bad gaps', { time: 't', targets: ['y'], gaps: 'skip' }, "options.gaps must be one of 'error', 'warn', 'fill', got \"skip\""],
    ['empty id', { time: 't', id: '', targets: ['y'] }, 'options.id must be a non-empty column name, got ""'],
    ['id as time', { time: 't', id: 't', targets: ['y'] }, 'column "t" is selected twice (options.time and options.id)'],
    ['id as target', { time: 't', id: 'y', targets: ['y'] }, 'column "y" is selected twice (options.id and options.targets)'],
    ['id in the single-series loader', { time: 't', id: 'k', targets: ['y'] }, 'options.id ("k") reads many series: use parsePanelCsvText or loadPanelCsv, which return a panel'],
    ['bad timeFormat', { time: 't', targets: ['y'], timeFormat: 'dd.mm.YYYY' }, 'options.timeFormat "dd.mm.YYYY" uses Y (week-numbering year): write y for the calendar year (yyyy); date-fns tokens are case-sensitive'],
  ])('%s', (_name, options, message) => {
    expect(inputError(() => parseCsvText('t,y\n1,2\n2,3\n', options as LoadCsvOptions)).message).toBe(message);
  });
});

describe('parseCsvText: time column', () => {
  it.each([
    ['unparseable', 't,y\n2020-01-01,1\n01/02/2020,2\n', 'f.csv: time column "t", line 3: cannot parse "01/02/2020" as a number or an ISO date (YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:mm[:ss[.sss]][Z|±HH:mm])'],
    ['impossible date', 't,y\n2020-02-30,1\n2020-03-01,2\n', 'f.csv: time column "t", line 2: cannot parse "2020-02-30" as a number or an ISO date (YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:mm[:ss[.sss]][Z|±HH:mm])'],
    ['missing', 't,y\n1,1\nNA,2\n', 'f.csv: time column "t", line 3: time stamp is missing ("NA"); every row needs one'],
    ['empty', 't,y\n1,1\n,2\n', 'f.csv: time column "t", line 3: time stamp is missing (""); every row needs one'],
    ['mixed', 't,y\n2020-01-01,1\n2020-01-02,2\n5,3\n', 'f.csv: time column "t" mixes dates and numbers: line 2 has "2020-01-01" (a date), line 4 has "5" (a number)'],
    ['unsorted', 't,y\n1,1\n3,2\n2,3\n', 'f.csv: time column "t" is not sorted: line 4 ("2") is earlier than line 3 ("3"); pass sort: true (--sort on the command line) to sort rows by time'],
    ['duplicate', 't,y\n1,1\n2,2\n2,3\n', 'f.csv: duplicate time stamp in column "t": line 3 ("2") and line 4 ("2") are the same time'],
    ['duplicate in another spelling', 't,y\n2020-01-01,1\n2020-01-01T00:00Z,2\n', 'f.csv: duplicate time stamp in column "t": line 2 ("2020-01-01") and line 3 ("2020-01-01T00:00Z") are the same time'],
  ])('%s', (_name, text, message) => {
    expect(inputError(() => parseCsvText(text, opts, 'f.csv')).message).toBe(message);
  });

  it('sorts stably by time with sort: true, carrying every column along', () => {
    const s = parseCsvText('t,y,x\n3,30,300\n1,10,100\n2,20,200\n', { time: 't', targets: ['y'], features: ['x'], sort: true });
    expect(Array.from(s.time)).toEqual([1, 2, 3]);
    expect(Array.from(s.values.y)).toEqual([10, 20, 30]);
    expect(Array.from(s.values.x)).toEqual([100, 200, 300]);
  });

  it('still rejects duplicates with sort: true, naming both lines in file order', () => {
    const text = 't,y\n5,1\n2,2\n9,3\n2,4\n';
    expect(inputError(() => parseCsvText(text, { ...opts, sort: true }, 'f.csv')).message).toBe(
      'f.csv: duplicate time stamp in column "t": line 3 ("2") and line 5 ("2") are the same time',
    );
  });
});

describe('parseCsvText: numeric cells', () => {
  it.each([
    ['abc', 'abc'],
    ['comma decimal', '1,2'],
    ['leading space', ' 1'],
    ['Infinity', 'Infinity'],
    ['hex', '0x10'],
    ['overflow', '1e400'],
    ['lone sign', '-'],
  ])('rejects %s, naming file, column, line and value', (_name, cell) => {
    const text = `t,y\n1,1\n2,"${cell}"\n`;
    const e = inputError(() => parseCsvText(text, opts, 'f.csv'));
    expect(e.message).toBe(`f.csv: column "y", line 3: expected a number, got ${JSON.stringify(cell)}`);
    expect(e.details).toMatchObject({ file: 'f.csv', column: 'y', line: 3, value: cell });
  });

  it.each([
    ['-1.5', -1.5],
    ['+2', 2],
    ['.5', 0.5],
    ['5.', 5],
    ['1e-3', 0.001],
    ['-2.5E+2', -250],
  ])('accepts %s', (cell, value) => {
    expect(parseCsvText(`t,y\n1,0\n2,${cell}\n`, opts).values.y[1]).toBe(value);
  });
});

describe('parseCsvText: missing values', () => {
  const text = 't,y,x\n0,0,10\n1,NA,11\n2,,12\n4,8,NaN\n5,10,null\n6,12,16\n';

  it.each(['NA', '', 'NaN', 'null'])('"%s" is missing and an error by default', (marker) => {
    const e = inputError(() => parseCsvText(`t,y\n1,1\n2,${marker}\n`, opts, 'f.csv'));
    expect(e.message).toBe(
      `f.csv: column "y", line 3: missing value (${JSON.stringify(marker)}); set options.missing to 'drop', 'ffill' or 'interpolate' to handle missing values`,
    );
  });

  it('drop: removes rows with any missing selected value', () => {
    const s = parseCsvText(text, { time: 't', targets: ['y'], features: ['x'], missing: 'drop' });
    expect(Array.from(s.time)).toEqual([0, 6]);
    expect(Array.from(s.values.y)).toEqual([0, 12]);
    expect(Array.from(s.values.x)).toEqual([10, 16]);
    expect(s.length).toBe(2);
  });

  it('drop: a gap only in an unselected column keeps the row', () => {
    const s = parseCsvText(text, { time: 't', targets: ['x'], missing: 'drop', gaps: 'warn' });
    expect(Array.from(s.time)).toEqual([0, 1, 2, 6]);
  });

  it('ffill: carries the last observation forward', () => {
    const s = parseCsvText(text, { time: 't', targets: ['y'], features: ['x'], missing: 'ffill', gaps: 'warn' });
    expect(Array.from(s.values.y)).toEqual([0, 0, 0, 8, 10, 12]);
    expect(Array.from(s.values.x)).toEqual([10, 11, 12, 12, 12, 16]);
  });

  it('interpolate: linear in time, not by position', () => {
    // y: (0,0) ... (4,8): slope 2 -> t=1: 2, t=2: 4.  x: (2,12) ... (6,16): slope 1 -> t=4: 14, t=5: 15.
    const s = parseCsvText(text, { time: 't', targets: ['y'], features: ['x'], missing: 'interpolate', gaps: 'warn' });
    expect(Array.from(s.values.y)).toEqual([0, 2, 4, 8, 10, 12]);
    expect(Array.from(s.values.x)).toEqual([10, 11, 12, 14, 15, 16]);
  });

  it('interpolate: works on dates (milliseconds) after sorting', () => {
    const s = parseCsvText('d,y\n2020-01-04,40\n2020-01-01,10\n2020-01-02,NA\n', {
      time: 'd',
      targets: ['y'],
      missing: 'interpolate',
      sort: true,
      gaps: 'warn',
    });
    expect(Array.from(s.values.y)).toEqual([10, 20, 40]);
  });

  it.each<[LoadCsvOptions['missing'], string, string]>([
    ['ffill', 't,y\n1,NA\n2,3\n', 'f.csv: column "y", line 2 is missing and cannot be forward-filled: no earlier observation'],
    ['interpolate', 't,y\n1,NA\n2,3\n', 'f.csv: column "y", line 2 is missing and cannot be interpolated: no earlier observation'],
    ['interpolate', 't,y\n1,1\n2,3\n3,\n', 'f.csv: column "y", line 4 is missing and cannot be interpolated: no later observation'],
  ])('%s: leading/trailing gaps are errors naming the line', (missing, csv, message) => {
    expect(inputError(() => parseCsvText(csv, { ...opts, missing }, 'f.csv')).message).toBe(message);
  });

  it('ffill after sort names the line of the leading gap in the file', () => {
    const csv = 't,y\n2,5\n1,NA\n';
    expect(inputError(() => parseCsvText(csv, { ...opts, missing: 'ffill', sort: true }, 'f.csv')).message).toBe(
      'f.csv: column "y", line 3 is missing and cannot be forward-filled: no earlier observation',
    );
  });

  it('too few rows is an error with the counts', () => {
    expect(inputError(() => parseCsvText('t,y\n1,1\n', opts, 'f.csv')).message).toBe(
      'f.csv: needs at least 2 data rows, got 1',
    );
    expect(inputError(() => parseCsvText(text, { ...opts, missing: 'drop', minRows: 5 }, 'f.csv')).message).toBe(
      'f.csv: needs at least 5 data rows, got 4 (6 read, 2 dropped for missing values)',
    );
    expect(parseCsvText('t,y\n1,1\n', { ...opts, minRows: 1 }).length).toBe(1);
  });
});

describe('loadCsv', () => {
  it('loads a file into a series and a DataFrame in final order', async () => {
    const { series, frame } = await loadCsv(FIXTURE, {
      time: 'date',
      targets: ['load'],
      features: ['temp'],
      missing: 'interpolate',
    });
    expect(series.source).toBe(FIXTURE);
    expect(Array.from(series.values.load)).toEqual([10, 12, 11, 13]);
    expect(Array.from(series.values.temp)).toEqual([1.5, 2.5, 3.5, 4.5]);
    expect(frame.columns).toEqual(['date', 'load', 'temp']);
    expect(frame.shape).toEqual([4, 3]);
    expect(frame.values[2]).toEqual(['2020-01-03T00:00:00.000Z', 11, 3.5]);
  });

  it('names a missing file', async () => {
    await expectInputError(loadCsv('no/such/file.csv', { time: 'date', targets: ['load'] }), 'file not found: no/such/file.csv');
  });

  it('validates options before reading', async () => {
    await expectInputError(
      loadCsv('no/such/file.csv', { time: 'date', targets: [] }),
      'options.targets must name at least one column, got []',
    );
  });

  it('loads from an http URL and names the URL and status on failure', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/data.csv') {
        res.writeHead(200, { 'content-type': 'text/csv' });
        res.end('t,y\n1,2\n2,4\n');
      } else {
        res.writeHead(404, 'Not Found');
        res.end('nope');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { series } = await loadCsv(`${base}/data.csv`, opts);
      expect(series.source).toBe(`${base}/data.csv`);
      expect(Array.from(series.values.y)).toEqual([2, 4]);
      await expectInputError(loadCsv(`${base}/missing.csv`, opts), `could not fetch ${base}/missing.csv: HTTP 404 Not Found`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'data');

describe('parseCsvText: delimiters', () => {
  it('guesses comma, semicolon, tab and pipe from the header by default', () => {
    expect(DEFAULT_DELIMITER).toBe('auto');
    expect(CSV_DELIMITERS).toEqual(['auto', ',', ';', '\t', '|']);
    for (const d of [',', ';', '\t', '|']) {
      const parsed = parseCsvTextWithWarnings(`t${d}y${d}"a,b"\n1${d}2${d}x\n2${d}3${d}y\n`, opts);
      expect(parsed.delimiter).toBe(d);
      expect(Array.from(parsed.series.values.y)).toEqual([2, 3]);
    }
  });

  it('loads a ;-separated file', async () => {
    const loaded = await loadCsv(path.join(FIXTURES, 'semicolon.csv'), { time: 'date', targets: ['value'] });
    expect(loaded.delimiter).toBe(';');
    expect(Array.from(loaded.series.values.value)).toEqual([1.5, 2, 2.5]);
  });

  it('with an explicit delimiter, says when the header looks separated by another one', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'semicolon.csv'), 'utf8');
    expect(inputError(() => parseCsvText(text, { time: 'date', targets: ['value'], delimiter: ',' }, 'semi.csv')).message).toBe(
      'semi.csv: unknown column "date" (options.time); available columns: "date;value;note"; the header looks ";"-separated: ' +
        'pass delimiter: ";" (--delimiter ";" on the command line)',
    );
  });

  it('rejects an unknown delimiter option and explains decimal commas', () => {
    expect(inputError(() => parseCsvText('t,y\n1,2\n', { ...opts, delimiter: ':' as never })).message).toBe(
      'options.delimiter must be one of "auto", ",", ";", "\\t", "|", got ":"',
    );
    expect(inputError(() => parseCsvText('t;y\n1;2,5\n2;3\n', opts, 'eu.csv')).message).toBe(
      'eu.csv: column "y", line 2: expected a number, got "2,5"; decimal commas are not supported, use a dot (1.5)',
    );
  });
});

describe('loadCsv: encodings', () => {
  const text = 'date,value\n2020-01-01,1\n2020-01-02,2\n';
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const be = Buffer.from(le);
  be.swap16();

  it.each([
    ['UTF-16LE', le],
    ['UTF-16BE', be],
  ])('decodes %s files with a byte-order mark', async (_name, bytes) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csv-utf16-'));
    try {
      const file = path.join(dir, 'u16.csv');
      fs.writeFileSync(file, bytes);
      const { series } = await loadCsv(file, { time: 'date', targets: ['value'] });
      expect(Array.from(series.values.value)).toEqual([1, 2]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names UTF-16 text without a byte-order mark and binary data', () => {
    const noBom = Buffer.from(text, 'utf16le').toString('utf8');
    expect(inputError(() => parseCsvText(noBom, opts, 'u16.csv')).message).toBe(
      'u16.csv: contains a NUL character at offset 1; it looks like UTF-16 text; save it as UTF-8 (or as UTF-16 with a byte-order mark)',
    );
    expect(inputError(() => parseCsvText('PK\u0003\u0004\u0000\u0000xyz', opts, 'x.zip')).message).toBe(
      'x.zip: contains a NUL character at offset 4; it looks like a binary file, not CSV text',
    );
  });

  it('passes maxBytes through to the read', async () => {
    const err = await inputRejection(loadCsv(FIXTURE, { time: 'date', targets: ['load'], maxBytes: 10 }));
    expect(err.message).toMatch(/^CSV .*daily\.csv is \d+ bytes.* more than the limit of 10 bytes \(maxBytes\); raise it with the maxBytes option \(--max-bytes on the command line\)$/);
    expect(err.details).toMatchObject({ argument: 'maxBytes' });
  });
});

describe('parseCsvTextWithWarnings: gaps', () => {
  it('warns about missing time stamps in a monthly series, naming the first gap and the count', async () => {
    const file = path.join(FIXTURES, 'monthly-gaps.csv');
    const { warnings, series } = await loadCsv(file, { time: 'month', targets: ['sales'], gaps: 'warn' });
    expect(series.length).toBe(7);
    expect(warnings).toEqual([
      `${file}: time column "month" has 2 gaps (inferred step 1 month); the first is between line 3 ("2020-02") and line 4 ("2020-05"); ` +
        'seasonal periods, lags and windows count rows, so fill the missing time stamps (rows with empty values and a ' +
        "missing policy such as 'interpolate') if the series should be regular",
    ]);
  });

  it('reports gaps in sorted order and gaps made by dropping rows; none for regular series', () => {
    const sorted = parseCsvTextWithWarnings('t,y\n3,1\n1,1\n2,1\n6,1\n', { ...opts, sort: true, gaps: 'warn' }, 'f.csv');
    expect(sorted.warnings[0]).toMatch(/^f\.csv: time column "t" has 1 gap \(inferred step 1\); the first is between line 2 \("3"\) and line 5 \("6"\);/);
    const dropped = parseCsvTextWithWarnings('t,y\n1,1\n2,\n3,1\n4,1\n', { ...opts, missing: 'drop', gaps: 'warn' }, 'f.csv');
    expect(dropped.warnings[0]).toMatch(/has 1 gap \(inferred step 1\); the first is between line 2 \("1"\) and line 4 \("3"\)/);
    const daily = 'd,y\n2020-01-01,1\n2020-01-02,1\n2020-01-03,1\n2020-01-04,1\n';
    expect(parseCsvTextWithWarnings(daily, { time: 'd', targets: ['y'] }).warnings).toEqual([]);
    expect(parseCsvTextWithWarnings('t,y\n0.1,1\n0.2,1\n0.3,1\n0.4,1\n', opts).warnings).toEqual([]);
  });
});

describe('parseCsvText: magnitude bound', () => {
  it(`rejects values above ${MAX_ABS_VALUE} in magnitude, naming file, column, line and value`, () => {
    expect(MAX_ABS_VALUE).toBe(1e150);
    const err = inputError(() => parseCsvText('t,y\n1,1\n2,-1e306\n', opts, 'big.csv'));
    expect(err.message).toBe(
      'big.csv: column "y", line 3: value -1e306 is too large in magnitude (more than 1e+150); scaling squares values, ' +
        'which would overflow to Infinity; rescale the column (e.g. to other units)',
    );
    expect(err.details).toMatchObject({ file: 'big.csv', column: 'y', line: 3, value: '-1e306' });
    expect(Array.from(parseCsvText('t,y\n1,1e150\n2,-1e150\n', opts).values.y)).toEqual([1e150, -1e150]);
  });
});

describe('parseCsvText: timeFormat', () => {
  it.each([
    ['MMM d yyyy', 'Jan 1 2000', 'Feb 29 2000', [Date.UTC(2000, 0, 1), Date.UTC(2000, 1, 29)]],
    ['dd.MM.yyyy', '31.12.1999', '01.01.2000', [Date.UTC(1999, 11, 31), Date.UTC(2000, 0, 1)]],
    ['yyyy-MM-dd HH:mm', '2020-03-29 01:00', '2020-03-29 02:30', [Date.UTC(2020, 2, 29, 1), Date.UTC(2020, 2, 29, 2, 30)]],
  ])('reads %j dates as UTC', (timeFormat, a, b, expected) => {
    const s = parseCsvText(`d,y\n"${a}",1\n"${b}",2\n`, { time: 'd', targets: ['y'], timeFormat });
    expect(s.timeKind).toBe('date');
    expect(Array.from(s.time)).toEqual(expected);
  });

  it.each([
    [
      'a cell the format does not read',
      'd,y\nJan 1 2000,1\nfoo,2\n',
      'f.csv: time column "d", line 3: "foo" does not match the time format "MMM d yyyy" (options.timeFormat)',
    ],
    [
      'a cell that does not format back',
      'd,y\nJan 1 2000,1\nFeb 01 2000,2\n',
      'f.csv: time column "d", line 3: "Feb 01 2000" does not match the time format "MMM d yyyy" (options.timeFormat); ' +
        'date-fns reads it as 2000-02-01T00:00:00.000Z, which this format writes as "Feb 1 2000"',
    ],
    ['an ISO date', 'd,y\n2000-01-01,1\n', 'f.csv: time column "d", line 2: "2000-01-01" does not match the time format "MMM d yyyy" (options.timeFormat)'],
    ['a missing stamp', 'd,y\nJan 1 2000,1\nNA,2\n', 'f.csv: time column "d", line 3: time stamp is missing ("NA"); every row needs one'],
  ])('%s is an error naming the column, line, value and format', (_name, text, message) => {
    const err = inputError(() => parseCsvText(text, { time: 'd', targets: ['y'], timeFormat: 'MMM d yyyy' }, 'f.csv'));
    expect(err.message).toBe(message);
    expect(err.details).toMatchObject({ file: 'f.csv', column: 'd' });
  });

  it('sorts and checks duplicates on the parsed values', () => {
    const s = parseCsvText('d,y\n02.01.2000,2\n01.01.2000,1\n', { time: 'd', targets: ['y'], timeFormat: 'dd.MM.yyyy', sort: true });
    expect(Array.from(s.values.y)).toEqual([1, 2]);
  });
});

describe('parseCsvText: gaps', () => {
  const monthlyGaps = path.join(FIXTURES, 'monthly-gaps.csv');

  it('are an error by default, naming the count, step, first gap and the options', async () => {
    expect(DEFAULT_GAP_POLICY).toBe('error');
    expect(GAP_POLICIES).toEqual(['error', 'warn', 'fill']);
    const err = await inputRejection(loadCsv(monthlyGaps, { time: 'month', targets: ['sales'] }));
    expect(err.message).toBe(
      `${monthlyGaps}: time column "month" has 2 gaps (inferred step 1 month); the first is between line 3 ("2020-02") and line 4 ("2020-05"); ` +
        "seasonal periods, lags and windows count rows, so pass gaps: 'fill' (--gaps fill) with a missing policy such as 'interpolate' " +
        "(--missing interpolate) to insert the missing time stamps, or gaps: 'warn' (--gaps warn) to use the rows as they are",
    );
    expect(err.details).toMatchObject({ file: monthlyGaps, column: 'month', argument: 'gaps', gaps: 2, lines: [3, 4] });
  });

  it('weekday-only daily data has a gap every weekend', () => {
    // Mon 2024-01-01 .. Fri 01-05, then Mon 01-08: the median step is 1 day, the weekend a 3-day step.
    const days = ['01', '02', '03', '04', '05', '08', '09'].map((d) => `2024-01-${d}`);
    const text = `d,y\n${days.map((d, i) => `${d},${i}`).join('\n')}\n`;
    expect(inputError(() => parseCsvText(text, { time: 'd', targets: ['y'] }, 'b.csv')).message).toMatch(
      /^b\.csv: time column "d" has 1 gap \(inferred step 1 day\); the first is between line 6 \("2024-01-05"\) and line 7 \("2024-01-08"\);/,
    );
  });

  it('fill: inserts the missing months, then interpolates them in time', () => {
    // 2020-01-01 .. 2020-04-01 is 31 + 29 + 31 = 91 days; y rises by 1 per day.
    const s = parseCsvText('m,y\n2019-12,-31\n2020-01,0\n2020-04,91\n', { time: 'm', targets: ['y'], gaps: 'fill', missing: 'interpolate' });
    expect(Array.from(s.time)).toEqual([Date.UTC(2019, 11, 1), Date.UTC(2020, 0, 1), Date.UTC(2020, 1, 1), Date.UTC(2020, 2, 1), Date.UTC(2020, 3, 1)]);
    expect(Array.from(s.values.y)).toEqual([-31, 0, 31, 60, 91]);
  });

  it('fill: inserts fixed steps (numbers and dates), with ffill, features too', () => {
    const s = parseCsvText('t,y,x\n1,10,1\n2,20,2\n5,50,5\n6,60,6\n', { time: 't', targets: ['y'], features: ['x'], gaps: 'fill', missing: 'ffill' });
    expect(Array.from(s.time)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(s.values.y)).toEqual([10, 20, 20, 20, 50, 60]);
    expect(Array.from(s.values.x)).toEqual([1, 2, 2, 2, 5, 6]);
    const hourly = parseCsvText('h,y\n2020-01-01T00:00,0\n2020-01-01T01:00,1\n2020-01-01T04:00,4\n', {
      time: 'h', targets: ['y'], gaps: 'fill', missing: 'interpolate',
    });
    expect(Array.from(hourly.time)).toEqual([0, 1, 2, 3, 4].map((h) => Date.UTC(2020, 0, 1, h)));
    expect(Array.from(hourly.values.y)).toEqual([0, 1, 2, 3, 4]);
  });

  it('fill: counts the inserted rows for minRows and is a no-op without gaps', () => {
    expect(parseCsvText('t,y\n1,1\n2,2\n4,4\n', { ...opts, gaps: 'fill', missing: 'interpolate', minRows: 4 }).length).toBe(4);
    expect(Array.from(parseCsvText('t,y\n1,1\n2,2\n3,3\n', { ...opts, gaps: 'fill' }).time)).toEqual([1, 2, 3]);
  });

  it.each<[string, LoadCsvOptions['missing'], string]>([
    ['error', 'error', "'error'"],
    ['drop', 'drop', "'drop'"],
  ])('fill with missing: %s is an error that asks for a filling policy', (_name, missing, shown) => {
    const text = 't,y\n1,1\n2,2\n4,4\n5,5\n';
    expect(inputError(() => parseCsvText(text, { ...opts, gaps: 'fill', missing }, 'f.csv')).message).toBe(
      'f.csv: time column "t" has 1 gap (inferred step 1); the first is between line 3 ("2") and line 4 ("4"); ' +
        `gaps: 'fill' inserts the missing time stamps with missing values, which missing: ${shown} does not fill: ` +
        "choose a missing policy such as 'interpolate' (--missing interpolate) or 'ffill'",
    );
  });

  it('fill: a gap that is not a whole number of steps is an error naming both lines', () => {
    const text = 't,y\n1,1\n2,2\n3,3\n5.5,5\n';
    expect(inputError(() => parseCsvText(text, { ...opts, gaps: 'fill', missing: 'interpolate' }, 'f.csv')).message).toBe(
      'f.csv: time column "t": cannot fill the gap between line 4 ("3") and line 5 ("5.5"): it is not a whole number of steps of 1 (the inferred step)',
    );
  });
});
