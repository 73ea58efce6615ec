import { describe, expect, it } from 'vitest';
import { decodeText, detectEncoding } from '../../src/io/text';

describe('detectEncoding / decodeText', () => {
  const text = 'a;b\n1;é\n';
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const be = Buffer.from(le);
  be.swap16();
  const cases: [string, Buffer, string, number][] = [
    ['UTF-8 without a mark', Buffer.from(text), 'utf-8', 0],
    ['UTF-8 with a mark', Buffer.from(`\uFEFF${text}`), 'utf-8', 3],
    ['UTF-16LE', le, 'utf-16le', 2],
    ['UTF-16BE', be, 'utf-16be', 2],
  ];
  it.each(cases)('%s', (_name, bytes, encoding, bomLength) => {
    const copy = Buffer.from(bytes);
    expect(detectEncoding(bytes)).toEqual({ encoding, bomLength });
    expect(decodeText(bytes)).toBe(text);
    expect(bytes.equals(copy)).toBe(true);
  });

  it('accepts plain Uint8Arrays and ignores an odd trailing UTF-16 byte', () => {
    expect(decodeText(new Uint8Array([0x61, 0x62]))).toBe('ab');
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x61, 0x00, 0x62]))).toBe('a');
  });
});
