/**
 * Atomic output: every file and directory this library writes goes through here, so a reader (or
 * a crash) sees the old contents or the new ones, never half of them (papermill keeps all its
 * I/O in `iorw.py` for the same reason).
 *
 * One scheme for all: write into a temporary sibling (same directory, so the rename stays on one
 * file system), then `rename` it into place; on any failure the temporary sibling is removed and
 * the error rethrown.
 */
import { randomBytes } from 'node:crypto';
import * as fsSync from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InputError, describeValue } from '../errors';

/**
 * Characters gathered before each write of an iterable's pieces (see {@link writeFileAtomic}).
 * @defaultValue `1 << 20`
 */
export const ATOMIC_CHUNK_CHARS = 1 << 20;

function checkPath(filePath: unknown, argument = 'path'): void {
  if (typeof filePath !== 'string' || filePath === '') {
    throw new InputError(`${argument} must be a non-empty string, got ${describeValue(filePath)}`, { argument, value: filePath });
  }
}

/** A hidden, unique temporary sibling of `filePath`: `.NAME.PID.HEX.tmp`. */
function tempFileSibling(filePath: string): string {
  return path.join(path.dirname(filePath), `.${path.basename(filePath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

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

/**
 * Writes a file atomically: the contents go to a temporary sibling (`.NAME.PID.HEX.tmp`), which is
 * flushed to disk and then renamed over `filePath`. Readers see the old file or the new one,
 * never a partial write. On failure the temporary file is removed and the error is rethrown.
 *
 * @param filePath - Destination; its directory must exist.
 * @param contents - Text (written as UTF-8), bytes, or an iterable of text pieces (a CSV's lines),
 *   streamed in chunks of about {@link ATOMIC_CHUNK_CHARS} characters, so that a file too large
 *   for one string (a million-row forecast table) is never held whole. An iterable that throws
 *   part way leaves no file and no temporary file.
 * @returns A promise that resolves once the file is in place.
 * @throws InputError when `filePath` is not a non-empty string, or `contents` is neither a string,
 *   a Uint8Array nor an iterable of strings; the file-system error (e.g. `ENOENT` for a missing
 *   directory, `EISDIR` when `filePath` is a directory) or the iterable's error otherwise.
 * @example
 * await writeFileAtomic('out/report.html', renderReportHtml(report));
 * await writeFileAtomic('out/forecast.csv', forecastCsvLines(rows)); // streamed line by line
 */
export async function writeFileAtomic(filePath: string, contents: string | Uint8Array | Iterable<string>): Promise<void> {
  checkPath(filePath);
  const iterable = contents !== null && typeof contents === 'object' && typeof (contents as Iterable<string>)[Symbol.iterator] === 'function';
  if (typeof contents !== 'string' && !(contents instanceof Uint8Array) && !iterable) {
    throw new InputError(`contents must be a string, a Uint8Array or an iterable of strings, got ${describeValue(contents)}`, {
      argument: 'contents',
      value: contents,
    });
  }
  const tmp = tempFileSibling(filePath);
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

/**
 * Synchronous {@link writeFileAtomic}, for code that cannot await (notebook runs, batch
 * summaries): the same temporary sibling, flush and rename, the same cleanup on failure.
 *
 * @param filePath - Destination; its directory must exist.
 * @param contents - Text (written as UTF-8) or bytes.
 * @throws InputError when `filePath` is not a non-empty string or `contents` is neither a string
 *   nor a Uint8Array; the file-system error (e.g. `ENOENT`, `EISDIR`) otherwise.
 * @example
 * writeFileAtomicSync('out/summary.json', `${JSON.stringify(rows, null, 2)}\n`);
 */
export function writeFileAtomicSync(filePath: string, contents: string | Uint8Array): void {
  checkPath(filePath);
  if (typeof contents !== 'string' && !(contents instanceof Uint8Array)) {
    throw new InputError(`contents must be a string or a Uint8Array, got ${describeValue(contents)}`, { argument: 'contents', value: contents });
  }
  const tmp = tempFileSibling(filePath);
  let fd: number | undefined;
  try {
    fd = fsSync.openSync(tmp, 'wx');
    fsSync.writeFileSync(fd, contents);
    fsSync.fsyncSync(fd);
    fsSync.closeSync(fd);
    fd = undefined;
    fsSync.renameSync(tmp, filePath);
  } catch (error) {
    if (fd !== undefined) {
      try {
        fsSync.closeSync(fd);
      } catch {
        // The write's error is the one to report.
      }
    }
    fsSync.rmSync(tmp, { force: true });
    throw error;
  }
}

/** Thrown when an atomic directory's target exists and {@link AtomicDirOptions.replace} is off. */
export class TargetExistsError extends Error {
  /** As Node's own error for an existing path. */
  readonly code = 'EEXIST';

  constructor(readonly target: string) {
    super(`${describeValue(target)} already exists; nothing was written there`);
    this.name = 'TargetExistsError';
  }
}

/** Options of {@link openAtomicDir} and {@link writeDirAtomic}. */
export interface AtomicDirOptions {
  /**
   * Replace an existing target: it is moved aside, the new directory renamed in, and the old one
   * removed (or put back if that rename fails). Off: an existing target is refused.
   * @defaultValue `false`
   */
  readonly replace?: boolean;
}

/** A directory being written by {@link openAtomicDir}: fill `path`, then `commit` or `discard`. */
export interface AtomicDir {
  /** The hidden temporary sibling to write into (`.NAME.tmp-PID-TS`). */
  readonly path: string;
  /** Where `commit` moves it. */
  readonly target: string;
  /**
   * Renames `path` to `target`.
   * @throws TargetExistsError when `target` exists (without `replace`); the file-system error.
   */
  commit(): Promise<void>;
  /** Removes `path` with everything in it, unless committed; safe to call more than once. */
  discard(): Promise<void>;
}

/**
 * Name prefix of the temporary siblings of `target` (`.NAME.tmp-`), followed by `PID-TS`: for
 * finding those a killed process left behind.
 *
 * @example
 * tempDirPrefix('runs/a'); // '.a.tmp-'
 */
export function tempDirPrefix(target: string): string {
  return `.${path.basename(target)}.tmp-`;
}

async function pathExists(target: string): Promise<boolean> {
  try {
    // lstat: a symbolic link at `target` (even a dangling one) is there, and rename would replace it.
    await fs.lstat(target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function moveInRefusing(temp: string, target: string): Promise<void> {
  // rename() would silently replace an empty directory created at `target` meanwhile.
  if (await pathExists(target)) throw new TargetExistsError(target);
  try {
    await fs.rename(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new TargetExistsError(target);
    throw error;
  }
}

async function moveInReplacing(temp: string, target: string): Promise<void> {
  const old = path.join(path.dirname(target), `.${path.basename(target)}.old-${process.pid}-${Date.now()}`);
  let hadOld = false;
  try {
    await fs.rename(target, old);
    hadOld = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await fs.rename(temp, target);
  } catch (error) {
    // Put the previous directory back rather than leave `target` missing and it hidden at `old`.
    if (hadOld) await fs.rename(old, target);
    throw error;
  }
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
}

/**
 * Creates the hidden temporary sibling directory of `target` (`.NAME.tmp-PID-TS`), for a caller
 * that writes into it over a long run and then commits or discards it (see
 * {@link writeDirAtomic} for the one-call form). Creating it is also the test that the parent is
 * writable.
 *
 * @param target - The directory to create; its parent must exist.
 * @param options - `replace` (default off: an existing `target` is refused).
 * @returns The open directory; the caller must `commit` or `discard` it (`discard` in a `finally`).
 * @throws InputError when `target` is not a non-empty string.
 * @throws TargetExistsError when `target` exists and `replace` is off.
 * @throws the file-system error of creating the sibling (e.g. `ENOENT`, `EACCES`, `EROFS`).
 * @example
 * const dir = await openAtomicDir('runs/a');
 * try {
 *   await writeFileAtomic(path.join(dir.path, 'metrics.json'), text);
 *   await dir.commit();
 * } finally {
 *   await dir.discard();
 * }
 */
export async function openAtomicDir(target: string, options: AtomicDirOptions = {}): Promise<AtomicDir> {
  checkPath(target, 'target');
  const replace = options.replace ?? false;
  if (!replace && (await pathExists(target))) throw new TargetExistsError(target);
  const temp = path.join(path.dirname(target), `${tempDirPrefix(target)}${process.pid}-${Date.now()}`);
  await fs.mkdir(temp);
  let done = false;
  return {
    path: temp,
    target,
    async commit(): Promise<void> {
      if (done) throw new Error(`${describeValue(temp)} was already committed or discarded`);
      await (replace ? moveInReplacing(temp, target) : moveInRefusing(temp, target));
      done = true;
    },
    async discard(): Promise<void> {
      if (done) return;
      await fs.rm(temp, { recursive: true, force: true });
      done = true;
    },
  };
}

/**
 * Writes a directory atomically: creates its hidden temporary sibling (`.NAME.tmp-PID-TS`), lets
 * `fill` write into it, then renames it to `target`. Readers see no directory (or the old one,
 * with `replace`) until it is complete. When `fill` throws (an abort included: throw from
 * `fill`) or the rename fails, the sibling is removed, `target` is left as it was, and the error
 * is rethrown.
 *
 * @param target - The directory to write; its parent must exist.
 * @param fill - Writes the contents into the temporary directory it is given.
 * @param options - `replace` (default off: an existing `target` is refused, before `fill` runs
 *   and again before the rename).
 * @throws InputError when `target` is not a non-empty string.
 * @throws TargetExistsError when `target` exists and `replace` is off.
 * @throws the error of `fill`, or the file-system error (e.g. `ENOENT` for a missing parent).
 * @example
 * await writeDirAtomic('runs/a', async (dir) => {
 *   await writeFileAtomic(path.join(dir, 'metrics.json'), text);
 * });
 */
export async function writeDirAtomic(target: string, fill: (tempDir: string) => Promise<void>, options: AtomicDirOptions = {}): Promise<void> {
  const dir = await openAtomicDir(target, options);
  try {
    await fill(dir.path);
    await dir.commit();
  } catch (error) {
    await dir.discard().catch(() => undefined);
    throw error;
  }
}
