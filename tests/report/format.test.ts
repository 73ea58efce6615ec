import { describe, expect, it } from 'vitest';
import { formatNumber, formatCell } from '../../src/report/format';

describe('formatNumber', () => {
  it.each([
    [42, '42'],
    [-7, '-7'],
    [-0, '0'],
    [0.123456, '0.1235'],
    [1.5, '1.5'],
    [999.99, '1000'],
    [1234.5678, '1234.6'],
    [1234567.8, '1.235e+6'],
    [0.0000123, '1.230e-5'],
    [0.00012346, '0.0001235'],
    [1e20, '1.000e+20'],
    [NaN, 'NaN'],
    [Infinity, '∞'],
    [-Infinity, '−∞'],
  ])('%d -> %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});

describe('formatCell', () => {
  it.each([
    [null, ''],
    [undefined, ''],
    ['text', 'text'],
    [true, 'true'],
    [new Date(Date.UTC(2020, 0, 2)), '2020-01-02T00:00:00.000Z'],
    [{ a: 1 }, '{"a":1}'],
    [0.5, '0.5'],
  ])('%j -> %s', (value, text) => {
    expect(formatCell(value)).toBe(text);
  });
});
