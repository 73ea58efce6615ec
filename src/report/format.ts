/**
 * Formats a number for a table cell: integers as they are, other numbers to about 4 significant
 * digits, very large or very small magnitudes in exponent notation; never locale-dependent.
 *
 * | value | text |
 * |---|---|
 * | `42` | `42` |
 * | `0.123456` | `0.1235` |
 * | `1234.5678` | `1234.6` |
 * | `1234567.8` | `1.235e+6` |
 * | `0.0000123` | `1.230e-5` |
 * | `NaN` | `NaN` |
 * | `Infinity` | `∞` |
 *
 * @param value - Any number.
 * @returns The text.
 * @example
 * formatNumber(0.123456); // '0.1235'
 */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '−∞';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value === 0 ? 0 : value);
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-4) return value.toExponential(3);
  if (abs >= 1000) return value.toFixed(1);
  return String(Number(value.toPrecision(4)));
}

/**
 * Formats any cell value as text: `null` / `undefined` as an empty string, numbers with
 * {@link formatNumber}, dates as ISO 8601, strings as they are, anything else as JSON.
 *
 * @param value - Cell value.
 * @returns Plain text (not HTML-escaped).
 * @example
 * formatCell(null); // ''
 * formatCell(new Date(0)); // '1970-01-01T00:00:00.000Z'
 */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
