import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import {
  NumberColumnBuilder,
  TIME_CELL,
  TextColumnBuilder,
  TimeColumnBuilder,
  detachString,
  parsePlainNumber,
  selectTexts,
} from '../../src/data/csvColumns';
import { MAX_ABS_VALUE, MISSING_MARKERS } from '../../src/data/csv';
import { parseIsoDate, parseNumber } from '../../src/data/time';

/** Pushes `cells` into `builder`, growing it as the table reader does, and finishes it. */
function fill<B extends { reserve(n: number): void; push(cell: string): void; finish(n: number): unknown }>(
  builder: B,
  cells: readonly string[],
): B {
  builder.reserve(2);
  cells.forEach((cell, i) => {
    if (i >= 2 && (i & (i - 1)) === 0) builder.reserve(2 * i);
    builder.push(cell);
  });
  builder.finish(cells.length);
  return builder;
}

describe('parsePlainNumber', () => {
  it.each([
    '0', '-0', '+5', '5.', '.5', '-.5', '007', '1.50', '123456789012345', '1234567890123456', '0.1', '0.3',
    '9007199254740993', '1e3', '1E-3', '-2e1', '', '-', '+', '.', '..5', '1.2.3', ' 1', '1 ', '1,5', 'abc',
    'Infinity', 'NaN', '0x10', '1e400', '١', '0.000000000000000000001', '12345678901234.5',
  ])('agrees with parseNumber on %j, to the bit', (text) => {
    expect(Object.is(parsePlainNumber(text), parseNumber(text))).toBe(true);
  });

  it('agrees with parseNumber on 200,000 random decimal-ish strings, to the bit', () => {
    const rng = seedrandom('plain-number');
    const alphabet = '0123456789.+-eE ,x';
    let mismatches = 0;
    for (let k = 0; k < 200_000; k++) {
      let text: string;
      if (k % 2 === 0) {
        text = (rng() * 10 ** Math.floor(rng() * 24 - 10)).toFixed(Math.floor(rng() * 14));
        if (rng() < 0.3) text = `-${text}`;
      } else {
        text = '';
        for (let i = 1 + Math.floor(rng() * 18); i > 0; i--) {
          text += rng() < 0.8 ? String(Math.floor(rng() * 10)) : alphabet[Math.floor(rng() * alphabet.length)];
        }
      }
      if (!Object.is(parsePlainNumber(text), parseNumber(text))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

describe('TimeColumnBuilder', () => {
  const cells = ['2020-01-01', '2020-01-01', '7', '', 'NA', 'abc', 'café', '日本 2020', '"q", ok', 'x'.repeat(20_000), '2020-02-30'];

  it('classifies and parses each cell as the time-column rules say', () => {
    const column = fill(new TimeColumnBuilder('t', null, MISSING_MARKERS), cells);
    expect(Array.from(column.cells)).toEqual([
      TIME_CELL.DATE, TIME_CELL.DATE, TIME_CELL.NUMBER, TIME_CELL.MISSING, TIME_CELL.MISSING,
      TIME_CELL.INVALID, TIME_CELL.INVALID, TIME_CELL.INVALID, TIME_CELL.INVALID, TIME_CELL.INVALID, TIME_CELL.INVALID,
    ]);
    expect(column.values[0]).toBe(parseIsoDate('2020-01-01'));
    expect(column.values[1]).toBe(parseIsoDate('2020-01-01'));
    expect(column.values[2]).toBe(7);
    expect(Number.isNaN(column.values[3])).toBe(true);
    expect(column.values).toBeInstanceOf(Float64Array);
    expect(column.cells).toBeInstanceOf(Uint8Array);
    expect(column.values.length).toBe(cells.length);
  });

  it('gives back every cell text exactly: ASCII, Latin-1, characters above U+00FF, empty, very long', () => {
    const column = fill(new TimeColumnBuilder('t', null, MISSING_MARKERS), cells);
    expect(Array.from({ length: column.length }, (_, i) => column.get(i))).toEqual(cells);
  });

  it('parses with a date-fns format when one is given', () => {
    const column = fill(new TimeColumnBuilder('t', 'dd.MM.yyyy', MISSING_MARKERS), ['31.01.2020', '2020-01-31', 'null']);
    expect(Array.from(column.cells)).toEqual([TIME_CELL.DATE, TIME_CELL.INVALID, TIME_CELL.MISSING]);
    expect(column.values[0]).toBe(Date.UTC(2020, 0, 31));
    expect(column.format).toBe('dd.MM.yyyy');
  });

  it('finish keeps only the first rows', () => {
    const column = new TimeColumnBuilder('t', null, MISSING_MARKERS);
    column.reserve(8);
    for (const cell of ['1', '2', '日本', '']) column.push(cell);
    column.finish(2);
    expect([column.length, column.values.length, column.get(0), column.get(1)]).toEqual([2, 2, '1', '2']);
  });
});

describe('NumberColumnBuilder', () => {
  it('stores plain numbers as values and only the irregular cells as text', () => {
    const cells = ['1.50', '-2', 'NA', '', 'NaN', 'null', 'abc', '1e151', '1e150', '1,5'];
    const column = fill(new NumberColumnBuilder('y', MISSING_MARKERS, MAX_ABS_VALUE), cells);
    expect(Array.from(column.values.subarray(0, 2))).toEqual([1.5, -2]);
    expect(column.values[8]).toBe(1e150);
    expect(Array.from(column.values, (v) => Number.isNaN(v))).toEqual([false, false, true, true, true, true, true, true, false, true]);
    expect(cells.map((_, r) => column.irregular(r))).toEqual([null, null, 'NA', '', 'NaN', 'null', 'abc', '1e151', null, '1,5']);
    expect(column.irregularCount).toBe(7);
  });

  it('keeps no text at all for a column of plain numbers', () => {
    const column = fill(new NumberColumnBuilder('y', MISSING_MARKERS, MAX_ABS_VALUE), ['1', '2', '3']);
    expect(column.irregularCount).toBe(0);
    expect([column.irregular(0), column.irregular(2)]).toEqual([null, null]);
  });

  it('finish forgets irregular cells past the end', () => {
    const column = new NumberColumnBuilder('y', MISSING_MARKERS, MAX_ABS_VALUE);
    column.reserve(4);
    for (const cell of ['1', 'x', 'NA']) column.push(cell);
    column.finish(2);
    expect([column.length, column.irregularCount, column.irregular(1)]).toEqual([2, 1, 'x']);
  });
});

describe('TextColumnBuilder', () => {
  it('dictionary-codes cells in order of first appearance', () => {
    const column = fill(new TextColumnBuilder('id'), ['b', 'a', 'b', '', 'a long id, with "quotes"', 'a']);
    expect(column.distinct).toEqual(['b', 'a', '', 'a long id, with "quotes"']);
    expect(Array.from(column.codes)).toEqual([0, 1, 0, 2, 3, 1]);
    expect(column.codes).toBeInstanceOf(Int32Array);
    expect(column.get(4)).toBe('a long id, with "quotes"');
  });
});

describe('selectTexts', () => {
  const base = { length: 5, get: (i: number) => `row ${i}` };

  it('reads the selected rows, composing selections and formatting inserted rows', () => {
    const first = selectTexts(base, Int32Array.of(4, 2, 0));
    const second = selectTexts(first, Int32Array.of(2, -1, 0), (i) => `inserted ${i}`);
    expect([first.length, first.get(0), first.get(2)]).toEqual([3, 'row 4', 'row 0']);
    expect([second.length, second.get(0), second.get(1), second.get(2)]).toEqual([3, 'row 0', 'inserted 1', 'row 4']);
    const third = selectTexts(second, Int32Array.of(1, 2));
    expect([third.get(0), third.get(1)]).toEqual(['inserted 1', 'row 4']);
  });
});

describe('detachString', () => {
  it('returns an equal string', () => {
    const line = `${'x'.repeat(30)},tail`;
    expect(detachString(line.slice(0, 20))).toBe('x'.repeat(20));
    expect(detachString('short')).toBe('short');
    expect(detachString('\ud800 lone surrogate kept')).toBe('\ud800 lone surrogate kept');
  });
});
