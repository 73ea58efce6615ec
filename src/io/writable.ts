/**
 * Checking, before long work starts, that an output file can be written where it is asked for.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
};

/**
 * Throws unless `file` could be created or replaced now: it must not be a directory, the
 * nearest existing ancestor must be a directory (not a file), and that directory must be
 * writable (`access(W_OK)`, which also reports read-only mounts). Missing folders in between are
 * fine: writers create them.
 *
 * @param file - The output path.
 * @param what - How the user named it, for messages (`'OUTPUT'`, `'--html'`).
 * @throws InputError naming `what`, the path and the reason.
 * @example
 * assertWritableFile('runs/out.ipynb', 'OUTPUT');
 */
export function assertWritableFile(file: string, what: string): void {
  const fail = (reason: string): never => {
    throw new InputError(`Cannot write ${what} ${file}: ${reason}`, { argument: what, value: file });
  };
  const resolved = path.resolve(file);
  const own = statOrUndefined(resolved);
  if (own?.isDirectory()) fail('it is a directory');
  let dir = path.dirname(resolved);
  for (;;) {
    const stat = statOrUndefined(dir);
    if (stat !== undefined) {
      if (!stat.isDirectory()) fail(`${dir} is a file, not a directory`);
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    if (own !== undefined) fs.accessSync(resolved, fs.constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    fail(REASONS[code] ?? code);
  }
}

/** `fs.statSync`, or undefined where nothing is (ENOENT) or a parent is a file (ENOTDIR). */
function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
