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
 * @param contents - Text (written as UTF-8) or bytes.
 * @returns A promise that resolves once the file is in place.
 * @throws InputError when `filePath` is not a non-empty string or `contents` is neither a string
 *   nor a Uint8Array; the file-system error (e.g. `ENOENT` for a missing directory) otherwise.
 * @example
 * await writeFileAtomic('out/report.html', renderReportHtml(report));
 */
export async function writeFileAtomic(filePath: string, contents: string | Uint8Array): Promise<void> {
  if (typeof filePath !== 'string' || filePath === '') {
    throw new InputError(`path must be a non-empty string, got ${describeValue(filePath)}`, { argument: 'path', value: filePath });
  }
  if (typeof contents !== 'string' && !(contents instanceof Uint8Array)) {
    throw new InputError(`contents must be a string or a Uint8Array, got ${describeValue(contents)}`, { argument: 'contents', value: contents });
  }
  const dir = path.dirname(filePath);
  const tmp = path.join(dir, `.${path.basename(filePath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, 'wx');
    await handle.writeFile(contents);
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
