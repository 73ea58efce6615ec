import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/io/bytes';

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [1023, '1023 bytes'],
    [1024, '1024 bytes (1 KiB)'],
    [1572864, '1572864 bytes (1.5 MiB)'],
    [1024 ** 3, '1073741824 bytes (1 GiB)'],
    [2 * 1024 ** 4, '2199023255552 bytes (2 TiB)'],
  ])('%d -> %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
