import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { InputError, describeValue } from '../errors';

/**
 * Writes a file atomically: the contents go to a temporary file in the same directory (so the
 * rename stays on one file system), which is flushed to disk and then renamed over `filePath`.
 * Readers see the old file or the new one, never a partial write. On failure the temporary file
 * is removed and the error is rethrown.
 *
 * @param filePath - Destination; its directory must exist.
 * @param contents - Text (written as UTF-8), bytes, or an iterable of text pieces (a CSV's lines),
 *   streamed in chunks of about {@link ATOMIC_CHUNK_CHARS} characters, so that a file too large
 *   for one string (a million-row forecast table) is never held whole.
 * @returns A promise that resolves once the file is in place.
 * @throws InputError when `filePath` is not a non-empty string or `contents` is neither a string
 *   nor a Uint8Array; the file-system error (e.g. `ENOENT` for a missing directory) otherwise.
 * @example
 * await writeFileAtomic('out/report.html', renderReportHtml(report));
 */
/**
 * Characters gathered before each write of an iterable's pieces.
 * @defaultValue `1 << 20`
 */
export const ATOMIC_CHUNK_CHARS = 1 << 20;

async function writeChunks(handle: fs.FileHandle, pieces: Iterable<string>): Promise<void> {
  let buffer: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    if (typeof piece !== 'string') throw new InputError(`contents must yield strings, got ${describeValue(piece)}`, { argument: 'contents' });
    buffer.push(piece);
    size += piece.length;
    if (size >= ATOMIC_CHUNK_CHARS) {
      await handle.write(buffer.join(''));
      buffer = [];
      size = 0;
    }
  }
  if (size > 0) await handle.write(buffer.join(''));
}

export async function writeFileAtomic(filePath: string, contents: string | Uint8Array | Iterable<string>): Promise<void> {
  if (typeof filePath !== 'string' || filePath === '') {
    throw new InputError(`path must be a non-empty string, got ${describeValue(filePath)}`, { argument: 'path', value: filePath });
  }
  const iterable = contents !== null && typeof contents === 'object' && typeof (contents as Iterable<string>)[Symbol.iterator] === 'function';
  if (typeof contents !== 'string' && !(contents instanceof Uint8Array) && !iterable) {
    throw new InputError(`contents must be a string, a Uint8Array or an iterable of strings, got ${describeValue(contents)}`, {
      argument: 'contents',
      value: contents,
    });
  }
  const dir = path.dirname(filePath);
  const tmp = path.join(dir, `.${path.basename(filePath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, 'wx');
    if (typeof contents === 'string' || contents instanceof Uint8Array) await handle.writeFile(contents);
    else await writeChunks(handle, contents);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, filePath);
  } catch (error) {
    if (handle !== undefined) await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
}
