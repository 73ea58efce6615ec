/**
 * Reading the text of a data source: a local file or an http(s) URL, with a byte limit and a
 * timeout so that an endless body, a huge file or a silent server fails with a clear error.
 */
import { InputError, describeValue } from '../errors';
import { DEFAULT_MAX_BYTES, MAX_TEXT_BYTES, assertMaxBytes, assertTimeoutMs, decodeText, formatBytes, readTextFileBounded } from '../io';

const URL_PATTERN = /^https?:\/\//i;

/**
 * Default timeout of a source read, in milliseconds: for URLs, the wait for the response
 * headers and then the longest pause between two chunks of the body; for FIFOs and devices, the
 * longest silence (see {@link readTextFileBounded}). Regular files never wait.
 * @defaultValue `30000` (30 s)
 */
export const DEFAULT_SOURCE_TIMEOUT_MS = 30_000;

/** Options of {@link readTextSource}. */
export interface ReadTextSourceOptions {
  /**
   * Most bytes read from the file or the response body; a positive integer. The effective limit
   * for text is also capped at V8's maximum string length (about 512 MiB).
   * @defaultValue {@link DEFAULT_MAX_BYTES} (1 GiB)
   */
  readonly maxBytes?: number;
  /**
   * Connect and idle timeout in milliseconds, a positive number: how long to wait for the
   * response headers, then for each next chunk of the body (not a limit on the whole transfer),
   * and how long a FIFO may stay silent.
   * @defaultValue {@link DEFAULT_SOURCE_TIMEOUT_MS}
   */
  readonly timeoutMs?: number;
  /** What the source holds, for messages (`'CSV'`). @defaultValue `'file'` */
  readonly what?: string;
}

/** How a user raises the limits; both option names and their command-line flags. */
const MAX_BYTES_HINT = 'raise it with the maxBytes option (--max-bytes on the command line)';
const TIMEOUT_HINT = 'raise it with the timeoutMs option (--timeout on the command line)';

/**
 * Whether `source` is read over the network (an `http://` or `https://` URL) rather than from disk.
 *
 * @param source - A file path or URL.
 * @returns `true` for http(s) URLs (case-insensitive scheme).
 * @example
 * isUrl('https://example.com/data.csv'); // true
 * isUrl('data/air.csv');                 // false
 */
export function isUrl(source: string): boolean {
  return URL_PATTERN.test(source);
}

/**
 * Reads a whole text source.
 *
 * URLs are fetched with the global `fetch` (Node 18+) and the body is streamed and counted: the
 * read stops as soon as it passes `maxBytes` (a `Content-Length` above the limit fails before
 * the body is read), and fails when the server sends no headers, or no further body data, for
 * `timeoutMs`. Anything else is a file path, relative to the working directory, read with
 * {@link readTextFileBounded} (same limit; `timeoutMs` is the FIFO idle timeout).
 *
 * The bytes are UTF-8, or UTF-16 when they start with a UTF-16 byte-order mark (see
 * {@link decodeText}); the byte-order mark is dropped.
 *
 * @param source - A file path or an http(s) URL; non-empty.
 * @param options - Limits, see {@link ReadTextSourceOptions}.
 * @returns The decoded text.
 * @throws InputError when `source` is not a non-empty string or an option is invalid (naming
 *   it); when the file does not exist, is a directory or cannot be read for lack of permission
 *   (message names the path); when the URL cannot be fetched or answers with a non-2xx status
 *   (message names the URL and the status, e.g. `could not fetch http://host/x.csv: HTTP 404 Not
 *   Found`); when more than `maxBytes` would be read (names the file or URL and the limit,
 *   `details.argument` is `'maxBytes'`); when the server or a FIFO stays silent for `timeoutMs`
 *   (`details.argument` is `'timeoutMs'`).
 * @example
 * const text = await readTextSource('tests/fixtures/data/daily.csv');
 * const remote = await readTextSource('https://example.com/air.csv', { maxBytes: 50e6, timeoutMs: 10_000 });
 */
export async function readTextSource(source: string, options: ReadTextSourceOptions = {}): Promise<string> {
  if (typeof source !== 'string' || source.length === 0) {
    throw new InputError(`source must be a non-empty file path or URL, got ${describeValue(source)}`, {
      argument: 'source',
      value: source,
    });
  }
  const { maxBytes, timeoutMs, what } = resolveSourceOptions(options);
  if (isUrl(source)) return fetchText(source, maxBytes, timeoutMs);
  try {
    return await readTextFileBounded(source, { maxBytes, idleTimeoutMs: timeoutMs, what, limitHint: MAX_BYTES_HINT });
  } catch (err) {
    // The FIFO idle timeout is this function's timeoutMs.
    if (err instanceof InputError && err.details.argument === 'idleTimeoutMs') {
      const message = err.message.replace('(idleTimeoutMs)', '(timeoutMs)').replace(/, or raise the timeout$/, '');
      throw new InputError(`${message}; or ${TIMEOUT_HINT}`, {
        ...err.details,
        argument: 'timeoutMs',
      });
    }
    throw err;
  }
}

interface ResolvedSourceOptions {
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly what: string;
}

function resolveSourceOptions(options: ReadTextSourceOptions): ResolvedSourceOptions {
  if (options === null || typeof options !== 'object') {
    throw new InputError(`options must be an object, got ${describeValue(options)}`, { argument: 'options' });
  }
  const { maxBytes = DEFAULT_MAX_BYTES, timeoutMs = DEFAULT_SOURCE_TIMEOUT_MS, what = 'file' } = options;
  assertMaxBytes(maxBytes);
  assertTimeoutMs('timeoutMs', timeoutMs);
  return { maxBytes, timeoutMs, what };
}

async function fetchText(url: string, maxBytes: number, timeoutMs: number): Promise<string> {
  const stringBound = MAX_TEXT_BYTES < maxBytes;
  const limit = stringBound ? MAX_TEXT_BYTES : maxBytes;
  const tooLarge = (size: string): InputError =>
    new InputError(
      stringBound
        ? `could not fetch ${url}: the body ${size} the ${formatBytes(limit)} of text a JavaScript string can hold`
        : `could not fetch ${url}: the body ${size} the limit of ${formatBytes(limit)} (maxBytes); ${MAX_BYTES_HINT}`,
      { url, ...(stringBound ? { limit: 'MAX_STRING_LENGTH' } : { argument: 'maxBytes', value: maxBytes }) },
    );
  const silent = (phase: string): InputError =>
    new InputError(`could not fetch ${url}: ${phase} within ${timeoutMs} ms (timeoutMs); ${TIMEOUT_HINT}`, {
      url,
      argument: 'timeoutMs',
      value: timeoutMs,
    });

  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let phase = 'no response';
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), timeoutMs);
  };
  arm();
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal });
    } catch (err) {
      if (controller.signal.aborted) throw silent(phase);
      const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      throw new InputError(`could not fetch ${url}: ${cause}`, { url });
    }
    if (!response.ok) {
      // Release the connection; the body of an error page is of no use here.
      await response.body?.cancel().catch(() => undefined);
      const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      throw new InputError(`could not fetch ${url}: ${status}`, { url, status: response.status });
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge(`is ${formatBytes(declared)} (Content-Length), more than`);
    }
    phase = 'no body data';
    arm();
    const bytes = await readBody(url, response, limit, arm, () => tooLarge('holds more than'), () => {
      if (controller.signal.aborted) return silent(phase);
      return undefined;
    });
    return decodeText(bytes);
  } finally {
    clearTimeout(timer);
  }
}

/** Streams a response body, counting; `onChunk` re-arms the idle timer. */
async function readBody(
  url: string,
  response: Response,
  limit: number,
  onChunk: () => void,
  tooLarge: () => InputError,
  aborted: () => InputError | undefined,
): Promise<Buffer> {
  if (response.body === null) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (err) {
        const timeout = aborted();
        if (timeout !== undefined) throw timeout;
        const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
        throw new InputError(`could not fetch ${url}: the body broke off: ${cause}`, { url });
      }
      if (result.done) break;
      total += result.value.byteLength;
      if (total > limit) throw tooLarge();
      chunks.push(result.value);
      onChunk();
    }
  } catch (err) {
    // Stop the transfer and free the socket; the error is what matters.
    await reader.cancel().catch(() => undefined);
    throw err;
  }
  return Buffer.concat(chunks, total);
}
