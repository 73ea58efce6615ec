/**
 * Formatting byte counts for messages.
 */

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/**
 * Formats a byte count for an error message: the exact count, plus a binary-unit figure when it
 * is 1 KiB or more.
 *
 * @param bytes - A non-negative number of bytes.
 * @returns E.g. `'512 bytes'`, `'1073741824 bytes (1 GiB)'`, `'1572864 bytes (1.5 MiB)'`.
 * @example
 * formatBytes(1024 ** 3); // '1073741824 bytes (1 GiB)'
 */
export function formatBytes(bytes: number): string {
  const exact = `${bytes} byte${bytes === 1 ? '' : 's'}`;
  if (!(bytes >= 1024) || !Number.isFinite(bytes)) return exact;
  let value = bytes;
  let unit: string = UNITS[0];
  for (const u of UNITS) {
    value /= 1024;
    unit = u;
    if (value < 1024) break;
  }
  const rounded = Math.round(value * 10) / 10;
  return `${exact} (${rounded} ${unit})`;
}
