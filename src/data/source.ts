/**
 * Reading the text of a data source: a local file or an http(s) URL.
 */
import { promises as fs } from 'fs';
import { InputError, describeValue } from '../errors';

const URL_PATTERN = /^https?:\/\//i;

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
 * Reads a whole text source as UTF-8.
 *
 * URLs are fetched with the global `fetch` (Node 18+); anything else is a file path, relative to
 * the working directory.
 *
 * @param source - A file path or an http(s) URL; non-empty.
 * @returns The text, as stored (a byte-order mark, if any, is kept; the CSV parser drops it).
 * @throws InputError when `source` is not a non-empty string, the file does not exist, is a
 *   directory or cannot be read for lack of permission (message names the path), or the URL
 *   cannot be fetched or answers with a non-2xx status (message names the URL and the status,
 *   e.g. `could not fetch http://host/x.csv: HTTP 404 Not Found`).
 * @example
 * const text = await readTextSource('tests/fixtures/data/daily.csv');
 */
export async function readTextSource(source: string): Promise<string> {
  if (typeof source !== 'string' || source.length === 0) {
    throw new InputError(`source must be a non-empty file path or URL, got ${describeValue(source)}`, {
      argument: 'source',
      value: source,
    });
  }
  return isUrl(source) ? fetchText(source) : readFileText(source);
}

async function fetchText(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new InputError(`could not fetch ${url}: ${cause}`, { url });
  }
  if (!response.ok) {
    // Release the connection; the body of an error page is of no use here.
    await response.body?.cancel().catch(() => undefined);
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    throw new InputError(`could not fetch ${url}: ${status}`, { url, status: response.status });
  }
  return response.text();
}

async function readFileText(path: string): Promise<string> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`file not found: ${path}`, { file: path });
    if (code === 'EISDIR') throw new InputError(`${path} is a directory, not a file`, { file: path });
    if (code === 'EACCES' || code === 'EPERM') {
      throw new InputError(`cannot read ${path}: permission denied`, { file: path });
    }
    throw err;
  }
}
