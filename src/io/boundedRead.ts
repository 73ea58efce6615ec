/**
 * Reading whole files with a byte limit, so that a huge file, a device (`/dev/zero`) or a FIFO
 * without a writer fails with a clear {@link InputError} instead of exhausting memory or hanging.
 */
import { constants as bufferConstants } from 'buffer';
import { constants as fsConstants, promises as fs } from 'fs';
import type { FileHandle } from 'fs/promises';
import { setTimeout as sleep } from 'timers/promises';
import { InputError, describeValue } from '../errors';
import { fail } from '../validate';
import { formatBytes } from './bytes';
import { decodeText } from './text';

/**
 * Default limit on the bytes one read may return: 1 GiB.
 * @defaultValue `1073741824`
 */
export const DEFAULT_MAX_BYTES = 1024 ** 3;

/**
 * Default time a FIFO or character device may stay silent (no writer, or no new data) before
 * the read fails.
 * @defaultValue `30000` (30 s)
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/**
 * Largest `maxBytes` accepted: one byte less than the largest `Buffer` Node can allocate.
 * @defaultValue `buffer.constants.MAX_LENGTH - 1`
 */
export const MAX_MAX_BYTES = bufferConstants.MAX_LENGTH - 1;

/**
 * Longest text (in bytes) that {@link readTextFileBounded} can decode: V8's maximum string
 * length, about 512 MiB on 64-bit Node. Larger texts cannot be held in one JavaScript string.
 * @defaultValue `buffer.constants.MAX_STRING_LENGTH` (536870888 on 64-bit Node 20)
 */
export const MAX_TEXT_BYTES = bufferConstants.MAX_STRING_LENGTH;

/** Options of {@link readFileBounded} and {@link readTextFileBounded}. */
export interface BoundedReadOptions {
  /**
   * Most bytes the read may return; a positive integer, at most {@link MAX_MAX_BYTES}.
   * Usually {@link DEFAULT_MAX_BYTES}.
   */
  readonly maxBytes: number;
  /** What the file is, for messages, e.g. `'CSV'`, `'parameters file'`. @defaultValue `'file'` */
  readonly what?: string;
  /**
   * How the user raises the limit, appended to the too-large message, e.g.
   * `'raise it with --max-bytes'`. @defaultValue `'raise it with the maxBytes option'`
   */
  readonly limitHint?: string;
  /**
   * FIFOs and character devices only: milliseconds without a writer or without new data after
   * which the read fails; a positive number. Regular files never wait.
   * @defaultValue {@link DEFAULT_IDLE_TIMEOUT_MS}
   */
  readonly idleTimeoutMs?: number;
}

interface Resolved {
  readonly path: string;
  readonly maxBytes: number;
  readonly what: string;
  readonly limitHint: string;
  readonly idleTimeoutMs: number;
}

/** Bytes asked for per read from a FIFO or device (a pipe hands out at most 64 KiB at a time). */
const STREAM_CHUNK = 1024 * 1024;
/** Longest pause between polls of a silent FIFO, in ms. */
const MAX_POLL_MS = 50;

/**
 * Reads a whole file into a `Buffer`, failing once more than `options.maxBytes` bytes would be
 * read.
 *
 * - Regular files: the size from `fstat` is checked first (nothing is read when it is too
 *   large); the bytes are also counted while reading, in case the file grows.
 * - FIFOs and character devices (`/dev/zero`, `/dev/stdin`, `<(command)`): read as a stream and
 *   counted; at most `maxBytes + 1` bytes (plus one chunk) are held before the read fails.
 * - FIFOs are opened non-blocking, so no libuv thread is ever stuck in `open(2)` or `read(2)`
 *   and the process can always exit. A FIFO that has no writer, or whose writer sends nothing,
 *   for `idleTimeoutMs` fails with an InputError; once a writer has connected, its closing the
 *   FIFO is the end of the file. (A writer that connects and disconnects without writing
 *   anything between two polls is indistinguishable from none: that read times out too.)
 *
 * @param path - File path, relative to the working directory.
 * @param options - The limit and the wording of messages, see {@link BoundedReadOptions}.
 * @returns The file's bytes (a new buffer, owned by the caller).
 * @throws InputError when the options are invalid (naming the option and value); when the file
 *   does not exist (`file not found: <path>`), is a directory (`<path> is a directory, not a
 *   file`), a socket, or cannot be read for lack of permission; when it holds more than
 *   `maxBytes` bytes (message names the path and the limit, `details.argument` is `'maxBytes'`);
 *   when a FIFO or device stays silent for `idleTimeoutMs` (`details.argument` is
 *   `'idleTimeoutMs'`).
 * @example
 * const bytes = await readFileBounded('model/weights.bin', { maxBytes: 64 * 1024 ** 2, what: 'weights file' });
 */
export async function readFileBounded(path: string, options: BoundedReadOptions): Promise<Buffer> {
  const opts = resolveOptions(path, options);
  return readBounded(opts, opts.maxBytes, (actual) => tooLargeError(opts, opts.maxBytes, actual, false));
}

/**
 * Reads a whole text file, failing once more than `options.maxBytes` bytes would be read or the
 * text would not fit in a JavaScript string.
 *
 * Reading works as in {@link readFileBounded} (same FIFO and device behaviour). The effective
 * limit is the smaller of `maxBytes` and {@link MAX_TEXT_BYTES} (V8's maximum string length,
 * about 512 MiB): a larger text cannot be decoded at all, and fails with an InputError that says
 * so instead of `RangeError: Invalid string length`. The bytes are decoded by
 * {@link decodeText}: UTF-8, or UTF-16 when the file starts with a UTF-16 byte-order mark; the
 * byte-order mark is dropped.
 *
 * @param path - File path, relative to the working directory.
 * @param options - The limit and the wording of messages, see {@link BoundedReadOptions}.
 * @returns The decoded text.
 * @throws InputError as {@link readFileBounded}; when the text is longer than
 *   {@link MAX_TEXT_BYTES} the message names that limit (`details.limit` is
 *   `'MAX_STRING_LENGTH'`).
 * @example
 * const text = await readTextFileBounded('data/air.csv', { maxBytes: DEFAULT_MAX_BYTES, what: 'CSV' });
 */
export async function readTextFileBounded(path: string, options: BoundedReadOptions): Promise<string> {
  const opts = resolveOptions(path, options);
  const stringBound = MAX_TEXT_BYTES < opts.maxBytes;
  const limit = stringBound ? MAX_TEXT_BYTES : opts.maxBytes;
  const bytes = await readBounded(opts, limit, (actual) => tooLargeError(opts, limit, actual, stringBound));
  return decodeText(bytes);
}

/**
 * Checks a byte limit option.
 * @throws InputError unless `maxBytes` is an integer from 1 to {@link MAX_MAX_BYTES} (`details.argument` 'maxBytes').
 */
export function assertMaxBytes(maxBytes: unknown): asserts maxBytes is number {
  if (typeof maxBytes !== 'number' || !Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_MAX_BYTES) {
    fail('maxBytes', `an integer from 1 to ${MAX_MAX_BYTES}`, maxBytes);
  }
}

/**
 * Checks a timeout option, in milliseconds.
 * @throws InputError naming `name` unless `value` is a positive finite number.
 */
export function assertTimeoutMs(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(name, 'a positive number of milliseconds', value);
  }
}

function resolveOptions(path: string, options: BoundedReadOptions): Resolved {
  if (typeof path !== 'string' || path.length === 0) {
    throw new InputError(`path must be a non-empty string, got ${describeValue(path)}`, { argument: 'path', value: path });
  }
  if (path.includes('\0')) {
    throw new InputError(`path must not contain a NUL byte, got ${describeValue(path)}`, { argument: 'path', value: path });
  }
  if (options === null || typeof options !== 'object') {
    throw new InputError(`options must be an object with maxBytes, got ${describeValue(options)}`, {
      argument: 'options',
      value: options,
    });
  }
  const { maxBytes, idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS } = options;
  assertMaxBytes(maxBytes);
  assertTimeoutMs('idleTimeoutMs', idleTimeoutMs);
  return {
    path,
    maxBytes,
    what: options.what ?? 'file',
    limitHint: options.limitHint ?? 'raise it with the maxBytes option',
    idleTimeoutMs,
  };
}

function tooLargeError(opts: Resolved, limit: number, actual: number | null, stringBound: boolean): InputError {
  const subject = `${opts.what} ${opts.path}`;
  const size = actual === null ? 'holds more than' : `is ${formatBytes(actual)}, more than`;
  const message = stringBound
    ? `${subject} ${size} the ${formatBytes(limit)} of text a JavaScript string can hold ` +
      `(V8's maximum string length); split the file or convert it to a smaller one`
    : `${subject} ${size} the limit of ${formatBytes(limit)} (maxBytes); ${opts.limitHint}`;
  return new InputError(message, {
    file: opts.path,
    ...(stringBound ? {} : { argument: 'maxBytes' }),
    limit: stringBound ? 'MAX_STRING_LENGTH' : 'maxBytes',
    maxBytes: limit,
    ...(actual === null ? {} : { size: actual }),
  });
}

async function readBounded(opts: Resolved, limit: number, tooLarge: (actual: number | null) => InputError): Promise<Buffer> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO without a writer returns at once instead of blocking a libuv
    // thread forever; it changes nothing for regular files.
    handle = await fs.open(opts.path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    throw fileError(err, opts.path);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new InputError(`${opts.path} is a directory, not a file`, { file: opts.path });
    if (stat.isFile()) {
      if (stat.size > limit) throw tooLarge(stat.size);
      return await readRegular(handle, opts, limit, stat.size, tooLarge);
    }
    return await readStream(handle, opts, limit, stat.isFIFO() ? 'FIFO' : 'device', [], 0, tooLarge);
  } catch (err) {
    throw fileError(err, opts.path);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function readRegular(
  handle: FileHandle,
  opts: Resolved,
  limit: number,
  size: number,
  tooLarge: (actual: number | null) => InputError,
): Promise<Buffer> {
  // One byte more than expected, to notice a file that grew since fstat.
  const capacity = Math.min(size, limit) + 1;
  const buffer = Buffer.allocUnsafe(capacity);
  let total = 0;
  while (total < capacity) {
    const { bytesRead } = await handle.read(buffer, total, capacity - total, null);
    if (bytesRead === 0) return buffer.subarray(0, total);
    total += bytesRead;
  }
  if (total > limit) throw tooLarge(null);
  // It grew (or fstat reports 0, as for /proc files) but is still within the limit.
  return readStream(handle, opts, limit, 'file', [buffer], total, tooLarge);
}

async function readStream(
  handle: FileHandle,
  opts: Resolved,
  limit: number,
  kind: 'FIFO' | 'device' | 'file',
  chunks: Buffer[],
  total: number,
  tooLarge: (actual: number | null) => InputError,
): Promise<Buffer> {
  const scratch = Buffer.allocUnsafe(Math.min(STREAM_CHUNK, limit + 1));
  let writerSeen = kind !== 'FIFO';
  let lastData = Date.now();
  let pause = 1;
  const waitOrFail = async (): Promise<void> => {
    if (Date.now() - lastData >= opts.idleTimeoutMs) throw idleError(opts, kind, writerSeen);
    await sleep(pause);
    pause = Math.min(pause * 2, MAX_POLL_MS);
  };
  for (;;) {
    const want = Math.min(scratch.length, limit + 1 - total);
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(scratch, 0, want, null));
    } catch (err) {
      // EAGAIN: a writer is connected (or a terminal is open) but has nothing for us yet.
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      writerSeen = true;
      await waitOrFail();
      continue;
    }
    if (bytesRead === 0) {
      // A non-blocking FIFO reads 0 bytes both at end of data and before any writer connects.
      if (writerSeen) break;
      await waitOrFail();
      continue;
    }
    writerSeen = true;
    lastData = Date.now();
    pause = 1;
    // Copy out: a short read must not pin a whole scratch-sized buffer.
    chunks.push(Buffer.from(scratch.subarray(0, bytesRead)));
    total += bytesRead;
    if (total > limit) throw tooLarge(null);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

function idleError(opts: Resolved, kind: 'FIFO' | 'device' | 'file', writerSeen: boolean): InputError {
  const what = `${opts.what} ${opts.path}`;
  const message = writerSeen
    ? `${what}: no data for ${opts.idleTimeoutMs} ms (idleTimeoutMs); the ${kind === 'FIFO' ? 'writer' : kind} stalled`
    : `${what}: no writer opened the FIFO within ${opts.idleTimeoutMs} ms (idleTimeoutMs); ` +
      `start the program that writes to it first, or raise the timeout`;
  return new InputError(message, { file: opts.path, argument: 'idleTimeoutMs', value: opts.idleTimeoutMs });
}

/** Maps file-system errors to InputError; InputErrors and unknown errors pass through. */
function fileError(err: unknown, path: string): unknown {
  if (err instanceof InputError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new InputError(`file not found: ${path}`, { file: path });
  if (code === 'EISDIR') return new InputError(`${path} is a directory, not a file`, { file: path });
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`cannot read ${path}: permission denied`, { file: path });
  if (code === 'ENXIO') return new InputError(`${path} is a socket or has no device behind it, not a file`, { file: path });
  if (code === 'ENOTDIR') return new InputError(`file not found: ${path} (a parent is not a directory)`, { file: path });
  if (code === 'ELOOP') return new InputError(`cannot read ${path}: too many levels of symbolic links`, { file: path });
  return err;
}
