import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inputError, inputRejection } from './helpers';
import { parseCsvText } from '../../src/data/csv';
import {
  DEFAULT_SHORT_SERIES_POLICY,
  DEFAULT_WIDE_TARGET,
  MAX_LISTED_IDS,
  MIN_PANEL_SERIES_LENGTH,
  type LoadPanelCsvOptions,
  loadPanelCsv,
  parsePanelCsvText,
} from '../../src/data/panelCsv';
import type { Panel } from '../../src/data/panel';

const STOCKS = path.join(__dirname, '..', '..', 'node_modules', 'vega-datasets', 'data', 'stocks.csv');
const long: LoadPanelCsvOptions = { id: 'id', time: 't', targets: ['y'] };

const arrays = (panel: Panel): Record<string, number[]> =>
  Object.fromEntries(Object.entries(panel.values).map(([name, v]) => [name, Array.from(v)]));

describe('parsePanelCsvText: long format', () => {
  it('groups rows by id in order of first appearance, interleaved or not', () => {
    const text = 'id,t,y,x,region\nb,1,10,1,north\na,1,5,7,south\nb,2,11,2,north\na,2,6,8,south\na,3,7,9,south\n';
    const { panel, warnings, delimiter, skipped } = parsePanelCsvText(
      text,
      { ...long, features: ['x'], statics: ['region'] },
      'p.csv',
    );
    expect(panel.ids).toEqual(['b', 'a']);
    expect(panel.idColumn).toBe('id');
    expect(Array.from(panel.offsets)).toEqual([0, 2, 5]);
    expect(Array.from(panel.time)).toEqual([1, 2, 1, 2, 3]);
    expect(arrays(panel)).toEqual({ y: [10, 11, 5, 6, 7], x: [1, 2, 7, 8, 9] });
    expect(panel.targets).toEqual(['y']);
    expect(panel.features).toEqual(['x']);
    expect(panel.statics).toEqual({ region: ['north', 'south'] });
    expect(panel.frequencies).toEqual([{ kind: 'fixed', step: 1 }, { kind: 'fixed', step: 1 }]);
    expect(panel.timeKind).toBe('number');
    expect(panel.source).toBe('p.csv');
    expect([warnings, delimiter, skipped]).toEqual([[], ',', []]);
  });

  it('sorts within each series with sort: true', () => {
    const text = 'id;t;y\na;2020-01-03;3\nb;2020-01-02;20\na;2020-01-01;1\nb;2020-01-01;10\na;2020-01-02;2\n';
    const { panel, delimiter } = parsePanelCsvText(text, { ...long, sort: true });
    expect(delimiter).toBe(';');
    expect(panel.ids).toEqual(['a', 'b']);
    const day = (d: number): number => Date.UTC(2020, 0, d);
    expect(Array.from(panel.time)).toEqual([day(1), day(2), day(3), day(1), day(2)]);
    expect(arrays(panel)).toEqual({ y: [1, 2, 3, 10, 20] });
  });

  it('applies the missing-value policy per series', () => {
    const text = 'id,t,y\na,1,1\na,2,\na,3,3\nb,1,10\nb,2,20\nb,3,NA\nb,4,40\n';
    const { panel } = parsePanelCsvText(text, { ...long, missing: 'interpolate' });
    expect(arrays(panel)).toEqual({ y: [1, 2, 3, 10, 20, 30, 40] });
  });

  it('loads vega-datasets stocks.csv (MMM d yyyy dates) into 5 monthly series', async () => {
    const { panel, warnings } = await loadPanelCsv(STOCKS, { id: 'symbol', time: 'date', targets: ['price'], timeFormat: 'MMM d yyyy' });
    expect(panel.ids).toEqual(['MSFT', 'AMZN', 'IBM', 'GOOG', 'AAPL']);
    expect(Array.from(panel.offsets)).toEqual([0, 123, 246, 369, 437, 560]);
    expect(panel.time[0]).toBe(Date.UTC(2000, 0, 1));
    expect(panel.time[122]).toBe(Date.UTC(2010, 2, 1));
    expect(panel.time[369]).toBe(Date.UTC(2004, 7, 1)); // GOOG starts in Aug 2004
    expect([panel.values.price[0], panel.values.price[559]]).toEqual([39.81, 223.02]);
    expect(panel.frequencies.every((f) => f.kind === 'months' && f.months === 1)).toBe(true);
    expect(warnings).toEqual([]);
  });
});

describe('parsePanelCsvText: errors name the series, line and value', () => {
  const wind = 'id,year,y\nSun,1999,1\nWind,1999,2\nSun,2000,3\nWind,2000,4\nSun,2001,5\nWind,2001,6\nSun,2002,7\n';
  it.each<[string, string, LoadPanelCsvOptions, string]>([
    [
      'duplicate time stamp',
      `${wind}Wind,2001,8\n`,
      { id: 'id', time: 'year', targets: ['y'] },
      'data.csv: series "Wind": duplicate time stamp in column "year": line 7 ("2001") and line 9 ("2001") are the same time',
    ],
    [
      'unsorted without sort',
      `${wind}Wind,1998,8\n`,
      { id: 'id', time: 'year', targets: ['y'] },
      'data.csv: series "Wind": time column "year" is not sorted: line 9 ("1998") is earlier than line 7 ("2001"); ' +
        'pass sort: true (--sort on the command line) to sort rows by time',
    ],
    [
      'duplicate with sort',
      `${wind}Wind,1999,8\n`,
      { id: 'id', time: 'year', targets: ['y'], sort: true },
      'data.csv: series "Wind": duplicate time stamp in column "year": line 3 ("1999") and line 9 ("1999") are the same time',
    ],
    [
      'bad number',
      `${wind}Wind,2002,1;5\n`,
      { id: 'id', time: 'year', targets: ['y'] },
      'data.csv: series "Wind": column "y", line 9: expected a number, got "1;5"',
    ],
    [
      'missing value',
      `${wind}Wind,2002,NA\n`,
      { id: 'id', time: 'year', targets: ['y'] },
      'data.csv: series "Wind": column "y", line 9: missing value ("NA"); set options.missing to \'drop\', \'ffill\' or \'interpolate\' to handle missing values',
    ],
    [
      'leading gap that ffill cannot fill',
      'id,t,y\na,1,1\na,2,2\nb,1,\nb,2,3\n',
      { ...long, missing: 'ffill' },
      'data.csv: series "b": column "y", line 4 is missing and cannot be forward-filled: no earlier observation',
    ],
    ['empty id', `${wind},2002,9\n`, { id: 'id', time: 'year', targets: ['y'] }, 'data.csv: id column "id", line 9: series id is empty; every row needs one'],
    [
      'unparseable time',
      'id,t,y\na,1,1\na,2,2\nb,1,1\nb,x,2\n',
      long,
      'data.csv: series "b": time column "t", line 5: cannot parse "x" as a number or an ISO date (YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:mm[:ss[.sss]][Z|±HH:mm])',
    ],
    [
      'dates and numbers within a series',
      'id,t,y\na,2020-01,1\na,3,2\n',
      long,
      'data.csv: series "a": time column "t" mixes dates and numbers: line 2 has "2020-01" (a date), line 3 has "3" (a number)',
    ],
    [
      'dates in one series, numbers in another',
      'id,t,y\na,1,1\na,2,2\nb,2020-01,1\nb,2020-02,2\n',
      long,
      'data.csv: time column "t": series "b" has dates (line 4: "2020-01"), but series "a" has numbers (line 2: "1"); ' +
        'every series needs the same kind of time stamp',
    ],
    [
      'varying static',
      'id,t,y,region\na,1,1,north\na,2,2,north\nb,1,1,south\nb,2,2,east\n',
      { ...long, statics: ['region'] },
      'data.csv: series "b": static column "region" is not constant: line 4 has "south", line 5 has "east"; ' +
        'a static column must hold one value per series',
    ],
    [
      'non-matching time format',
      'id,d,y\na,01.01.2000,1\na,02.01.2000,2\nb,01.01.2000,1\nb,2000-01-02,2\n',
      { id: 'id', time: 'd', targets: ['y'], timeFormat: 'dd.MM.yyyy' },
      'data.csv: series "b": time column "d", line 5: "2000-01-02" does not match the time format "dd.MM.yyyy" (options.timeFormat)',
    ],
    [
      'unknown id column',
      'id,t,y\na,1,1\n',
      { ...long, id: 'symbol' },
      'data.csv: unknown column "symbol" (options.id); available columns: "id", "t", "y"',
    ],
    [
      'unknown static column',
      'id,t,y\na,1,1\n',
      { ...long, statics: ['region'] },
      'data.csv: unknown column "region" (options.statics); available columns: "id", "t", "y"',
    ],
  ])('%s', (_name, text, options, message) => {
    const err = inputError(() => parsePanelCsvText(text, options, 'data.csv'));
    expect(err.message).toBe(message);
    expect(err.details).toMatchObject({ file: 'data.csv' });
  });

  it('puts the series id in the error details', () => {
    const err = inputError(() => parsePanelCsvText(`${wind}Wind,2001,8\n`, { id: 'id', time: 'year', targets: ['y'] }, 'data.csv'));
    expect(err.details).toMatchObject({ file: 'data.csv', series: 'Wind', column: 'year', lines: [7, 9] });
  });
});

describe('parsePanelCsvText: option validation', () => {
  it.each<[string, unknown, string]>([
    ['wide with id', { ...long, wide: true }, 'options.wide and options.id ("id") cannot be combined: a long-format file has an id column, a wide one a column per series'],
    ['wide not a boolean', { time: 't', targets: ['y'], wide: 'yes' }, 'options.wide must be a boolean, got "yes"'],
    ['statics without id', { time: 't', targets: ['y'], statics: ['region'] }, 'options.statics needs options.id: static columns hold one value per series of a long-format file'],
    ['statics not an array', { ...long, statics: 'region' }, 'options.statics must be an array of column names, got "region"'],
    ['static also a target', { ...long, statics: ['y'] }, 'column "y" is selected twice (options.targets and options.statics)'],
    ['static is the id', { ...long, statics: ['id'] }, 'column "id" is selected twice (options.id and options.statics)'],
    ['empty static name', { ...long, statics: [''] }, 'options.statics[0] must be a non-empty column name, got ""'],
    ['wideTarget without wide', { time: 't', targets: ['y'], wideTarget: 'v' }, 'options.wideTarget only applies with wide: true, got "v"'],
    ['wideTarget empty', { time: 't', targets: ['y'], wide: true, wideTarget: '' }, 'options.wideTarget must be a non-empty name, got ""'],
    ['wideTarget is a feature', { time: 't', targets: ['a'], features: ['x'], wide: true, wideTarget: 'x' }, 'options.wideTarget "x" is also the time or a feature column; choose another name'],
    [
      'default wideTarget is a feature',
      { time: 't', targets: ['a'], features: ['value'], wide: true },
      'the wide-format target name "value" (the default of options.wideTarget) is also the time or a feature column; pass another wideTarget',
    ],
    ['minLength 1', { ...long, minLength: 1 }, 'options.minLength must be an integer >= 2 (a series needs two time stamps), got 1'],
    ['minLength 2.5', { ...long, minLength: 2.5 }, 'options.minLength must be an integer >= 2 (a series needs two time stamps), got 2.5'],
    ['bad short', { ...long, short: 'drop' }, "options.short must be one of 'error', 'skip', got \"drop\""],
    ['base options still checked', { ...long, gaps: 'ignore' }, "options.gaps must be one of 'error', 'warn', 'fill', got \"ignore\""],
  ])('%s', (_name, options, message) => {
    expect(inputError(() => parsePanelCsvText('id,t,y,a,x,value\nk,1,1,1,1,1\nk,2,2,2,2,2\n', options as LoadPanelCsvOptions)).message).toBe(
      message,
    );
  });

  it('uses the documented defaults', () => {
    expect(DEFAULT_SHORT_SERIES_POLICY).toBe('error');
    expect(DEFAULT_WIDE_TARGET).toBe('value');
    expect(MIN_PANEL_SERIES_LENGTH).toBe(2);
    expect(MAX_LISTED_IDS).toBe(20);
  });

  it('does not mutate the options', () => {
    const options = { id: 'id', time: 't', targets: ['y'], features: ['x'], statics: ['s'], missing: 'interpolate' as const, short: 'skip' as const };
    const snapshot = JSON.stringify(options);
    const { panel } = parsePanelCsvText('id,t,y,x,s\na,1,1,1,q\na,2,2,,q\na,3,3,3,q\nb,1,1,1,r\n', options);
    expect(JSON.stringify(options)).toBe(snapshot);
    expect(panel.targets).not.toBe(options.targets);
    expect(Array.from(panel.values.x)).toEqual([1, 2, 3]);
    expect(panel.statics).toEqual({ s: ['q'] });
  });
});

describe('parsePanelCsvText: wide format and one series', () => {
  const text = 't,a,b,x\n1,1,10,5\n2,,20,6\n3,3,,7\n4,4,40,8\n';

  it('makes one series per target column, features copied into each, missing values per column', () => {
    const { panel, warnings } = parsePanelCsvText(text, { time: 't', targets: ['a', 'b'], features: ['x'], wide: true, missing: 'interpolate' });
    expect(panel.ids).toEqual(['a', 'b']);
    expect(panel.idColumn).toBeNull();
    expect(panel.targets).toEqual(['value']);
    expect(panel.columns).toEqual(['value', 'x']);
    expect(Array.from(panel.offsets)).toEqual([0, 4, 8]);
    expect(Array.from(panel.time)).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    expect(arrays(panel)).toEqual({ value: [1, 2, 3, 4, 10, 20, 30, 40], x: [5, 6, 7, 8, 5, 6, 7, 8] });
    expect(panel.statics).toEqual({});
    expect(warnings).toEqual([]);
  });

  it("drop removes a row only from the series whose cell is missing; wideTarget names the target", () => {
    const { panel, warnings } = parsePanelCsvText(
      text,
      { time: 't', targets: ['a', 'b'], features: ['x'], wide: true, wideTarget: 'load', missing: 'drop', gaps: 'warn' },
      'w.csv',
    );
    expect(Array.from(panel.offsets)).toEqual([0, 3, 6]);
    expect(Array.from(panel.time)).toEqual([1, 3, 4, 1, 2, 4]);
    expect(arrays(panel)).toEqual({ load: [1, 3, 4, 10, 20, 40], x: [5, 7, 8, 5, 6, 8] });
    expect(warnings).toEqual([
      'w.csv: series "a": time column "t" has 1 gap (inferred step 1); the first is between line 2 ("1") and line 4 ("3"); ' +
        "seasonal periods, lags and windows count rows, so fill the missing time stamps (rows with empty values and a missing policy such as 'interpolate') if the series should be regular",
      'w.csv: series "b": time column "t" has 1 gap (inferred step 1); the first is between line 3 ("2") and line 5 ("4"); ' +
        "seasonal periods, lags and windows count rows, so fill the missing time stamps (rows with empty values and a missing policy such as 'interpolate') if the series should be regular",
    ]);
  });

  it('names the column (the series id) in cell errors', () => {
    expect(inputError(() => parsePanelCsvText(text, { time: 't', targets: ['a', 'b'], wide: true }, 'w.csv')).message).toBe(
      'w.csv: column "a", line 3: missing value (""); set options.missing to \'drop\', \'ffill\' or \'interpolate\' to handle missing values',
    );
  });

  it('without id or wide: the one series parseCsvText reads, with id the first target', () => {
    const csv = 'd,y,z\n2020-01-01,1,2\n2020-01-02,3,4\n2020-01-03,5,6\n';
    const options = { time: 'd', targets: ['y', 'z'] };
    const { panel } = parsePanelCsvText(csv, options, 'one.csv');
    const series = parseCsvText(csv, options, 'one.csv');
    expect(panel.ids).toEqual(['y']);
    expect(panel.idColumn).toBeNull();
    expect(Array.from(panel.offsets)).toEqual([0, 3]);
    expect(Array.from(panel.time)).toEqual(Array.from(series.time));
    expect(arrays(panel)).toEqual({ y: Array.from(series.values.y), z: Array.from(series.values.z) });
    expect(inputError(() => parsePanelCsvText('t,y\n1,1\n', { time: 't', targets: ['y'] }, 'one.csv')).message).toBe(
      'one.csv: needs at least 2 data rows, got 1',
    );
  });
});

describe('parsePanelCsvText: gaps', () => {
  it('are an error by default, naming the series', () => {
    const text = 'id,m,y\na,2020-01,1\na,2020-02,2\na,2020-03,3\nb,2020-01,1\nb,2020-02,2\nb,2020-05,5\nb,2020-06,6\n';
    const err = inputError(() => parsePanelCsvText(text, { id: 'id', time: 'm', targets: ['y'] }, 'g.csv'));
    expect(err.message).toBe(
      'g.csv: series "b": time column "m" has 1 gap (inferred step 1 month); the first is between line 6 ("2020-02") and line 7 ("2020-05"); ' +
        "seasonal periods, lags and windows count rows, so pass gaps: 'fill' (--gaps fill) with a missing policy such as 'interpolate' " +
        "(--missing interpolate) to insert the missing time stamps, or gaps: 'warn' (--gaps warn) to use the rows as they are",
    );
    expect(err.details).toMatchObject({ series: 'b', gaps: 1, lines: [6, 7] });
  });

  it('fill: monthly and fixed-step series, interpolated in time', () => {
    // Series a: y counts days from 2020-01-01 (-> 2020-04-01 is 31 + 29 + 31 = 91 days). Series b: steps of 2.
    const monthly = 'id,m,y\na,2019-12,-31\na,2020-01,0\na,2020-04,91\nz,2020-01,5\nz,2020-02,6\nz,2020-03,7\n';
    const m = parsePanelCsvText(monthly, { id: 'id', time: 'm', targets: ['y'], gaps: 'fill', missing: 'interpolate' }).panel;
    expect(Array.from(m.offsets)).toEqual([0, 5, 8]);
    expect(Array.from(m.time.subarray(0, 5))).toEqual([Date.UTC(2019, 11, 1), ...[0, 1, 2, 3].map((k) => Date.UTC(2020, k, 1))]);
    expect(arrays(m)).toEqual({ y: [-31, 0, 31, 60, 91, 5, 6, 7] });
    const fixed = 'id,t,y\na,1,10\na,2,20\na,5,50\nb,10,1\nb,12,3\nb,14,5\nb,20,11\n';
    const f = parsePanelCsvText(fixed, { ...long, gaps: 'fill', missing: 'interpolate' }).panel;
    expect(Array.from(f.offsets)).toEqual([0, 5, 11]);
    expect(Array.from(f.time)).toEqual([1, 2, 3, 4, 5, 10, 12, 14, 16, 18, 20]);
    expect(arrays(f)).toEqual({ y: [10, 20, 30, 40, 50, 1, 3, 5, 7, 9, 11] });
  });

  it('fill with missing: error names the series and asks for a missing policy', () => {
    const text = 'id,t,y\na,1,1\na,2,2\na,4,4\n';
    expect(inputError(() => parsePanelCsvText(text, { ...long, gaps: 'fill' }, 'g.csv')).message).toBe(
      'g.csv: series "a": time column "t" has 1 gap (inferred step 1); the first is between line 3 ("2") and line 4 ("4"); ' +
        "gaps: 'fill' inserts the missing time stamps with missing values, which missing: 'error' does not fill: " +
        "choose a missing policy such as 'interpolate' (--missing interpolate) or 'ffill'",
    );
  });
});

describe('parsePanelCsvText: short series', () => {
  const text = 'id,t,y\na,1,1\na,2,2\na,3,3\nb,1,1\nc,1,1\nc,2,\n';

  it('are an error by default (minLength defaults to minRows), naming the id and length', () => {
    expect(inputError(() => parsePanelCsvText(text, { ...long, missing: 'drop' }, 's.csv')).message).toBe(
      's.csv: series "b": needs at least 2 data rows, got 1',
    );
    expect(inputError(() => parsePanelCsvText(text, { ...long, missing: 'drop', minRows: 4 }, 's.csv')).message).toBe(
      's.csv: series "a": needs at least 4 data rows, got 3',
    );
    const err = inputError(() => parsePanelCsvText('id,t,y\na,1,1\na,2,2\nc,1,1\nc,2,\n', { ...long, missing: 'drop' }, 's.csv'));
    expect(err.message).toBe('s.csv: series "c": needs at least 2 data rows, got 1 (2 read, 1 dropped for missing values)');
    expect(err.details).toMatchObject({ series: 'c', rows: 1, minRows: 2 });
  });

  it('skip: leaves them out with a warning and in skipped', () => {
    const { panel, warnings, skipped } = parsePanelCsvText(text, { ...long, missing: 'drop', short: 'skip' }, 's.csv');
    expect(panel.ids).toEqual(['a']);
    expect(arrays(panel)).toEqual({ y: [1, 2, 3] });
    expect(skipped).toEqual([
      { id: 'b', rows: 1 },
      { id: 'c', rows: 1 },
    ]);
    expect(warnings).toEqual(['s.csv: skipped 2 series shorter than 2 rows (minLength, short: \'skip\'): "b" (1 row), "c" (1 row)']);
  });

  it('skip: lists 20 ids, then counts the rest; skipping every series is an error', () => {
    const rows = Array.from({ length: 23 }, (_, i) => `s${i},1,1`);
    const csv = `id,t,y\nkeep,1,1\nkeep,2,2\nkeep,3,3\n${rows.join('\n')}\n`;
    const listed = Array.from({ length: 20 }, (_, i) => `"s${i}" (1 row)`).join(', ');
    const { warnings, skipped } = parsePanelCsvText(csv, { ...long, short: 'skip' }, 'm.csv');
    expect(skipped).toHaveLength(23);
    expect(warnings).toEqual([`m.csv: skipped 23 series shorter than 2 rows (minLength, short: 'skip'): ${listed}, ... and 3 more`]);
    expect(inputError(() => parsePanelCsvText(csv, { ...long, short: 'skip', minLength: 4 }, 'm.csv')).message).toBe(
      `m.csv: every series is shorter than 4 rows (minLength): "keep" (3 rows), ${listed.split(', ').slice(0, 19).join(', ')}, ... and 4 more`,
    );
  });
});

describe('loadPanelCsv', () => {
  it('reads a file and validates options before reading', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'panel-csv-'));
    try {
      const file = path.join(dir, 'p.csv');
      fs.writeFileSync(file, 'id,t,y\na,1,1\na,2,2\nb,1,3\nb,2,4\n');
      const loaded = await loadPanelCsv(file, long);
      expect(loaded.panel.ids).toEqual(['a', 'b']);
      expect(loaded.panel.source).toBe(file);
      expect(Object.isFrozen(loaded)).toBe(true);
      const err = await inputRejection(loadPanelCsv(path.join(dir, 'none.csv'), { ...long, short: 'x' as never }));
      expect(err.message).toBe("options.short must be one of 'error', 'skip', got \"x\"");
      expect((await inputRejection(loadPanelCsv(path.join(dir, 'none.csv'), long))).message).toBe(`file not found: ${path.join(dir, 'none.csv')}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
