/**
 * Decoding the bytes of a text file: UTF-8, or UTF-16 when a byte-order mark says so.
 */

/** The text encodings {@link decodeText} recognises. */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

/** Result of {@link detectEncoding}. */
export interface DetectedEncoding {
  /** The encoding the byte-order mark announces; `'utf-8'` when there is none. */
  readonly encoding: TextEncodingName;
  /** Length of the byte-order mark in bytes: 0 (none), 2 (UTF-16) or 3 (UTF-8). */
  readonly bomLength: number;
}

/**
 * Detects a byte-order mark at the start of `bytes`.
 *
 * @param bytes - The file's first bytes (at least 3 for a UTF-8 mark); not modified.
 * @returns The announced encoding and the mark's length; UTF-8 without a mark when none.
 * @example
 * detectEncoding(Buffer.from([0xff, 0xfe, 0x61, 0x00])); // { encoding: 'utf-16le', bomLength: 2 }
 */
export function detectEncoding(bytes: Uint8Array): DetectedEncoding {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { encoding: 'utf-8', bomLength: 3 };
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  return { encoding: 'utf-8', bomLength: 0 };
}

/**
 * Decodes a text file's bytes to a string.
 *
 * UTF-8 is the default. A UTF-16 byte-order mark (`FF FE` little-endian, `FE FF` big-endian, as
 * Excel's "Unicode text" and Windows PowerShell write) selects UTF-16, so such files read the
 * same as their UTF-8 equivalent instead of failing later as garbled fields. The byte-order mark
 * is dropped in every case. Invalid UTF-8 sequences become U+FFFD, as `Buffer#toString` does.
 *
 * @param bytes - The whole file; not modified. Its decoded length must not exceed V8's
 *   maximum string length (`buffer.constants.MAX_STRING_LENGTH`, about 512 MiB of UTF-16 code
 *   units); the bounded readers in this module check that before decoding.
 * @returns The text without a byte-order mark.
 * @example
 * decodeText(Buffer.from('\uFEFFa,b\n', 'utf8')); // 'a,b\n'
 * decodeText(Buffer.from([0xff, 0xfe, 0x61, 0x00])); // 'a'
 */
export function decodeText(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { encoding, bomLength } = detectEncoding(buffer);
  if (encoding === 'utf-8') return buffer.toString('utf8', bomLength);
  // An odd trailing byte cannot form a code unit; drop it rather than read past the end.
  const end = bomLength + ((buffer.length - bomLength) & ~1);
  if (encoding === 'utf-16le') return buffer.toString('utf16le', bomLength, end);
  // Swap a copy: the input must not change.
  const swapped = Buffer.from(buffer.subarray(bomLength, end));
  swapped.swap16();
  return swapped.toString('utf16le');
}
