/**
 * Synchronous, size-limited reads of small regular files (notebooks, parameter and grid files,
 * kernelspecs): code paths that read them before any async work has started.
 */
import * as fs from 'fs';
import { InputError } from '../errors';
import { formatBytes } from './bytes';

/** Default limit of {@link readRegularFileSync}: 64 MiB, far above any notebook or YAML file. @defaultValue 67108864 */
export const DEFAULT_SMALL_FILE_MAX_BYTES = 64 * 1024 ** 2;

/** Options of {@link readRegularFileSync}. */
export interface RegularFileReadOptions {
  /** Most bytes accepted. @defaultValue {@link DEFAULT_SMALL_FILE_MAX_BYTES} */
  readonly maxBytes?: number;
  /** What the file is, for messages (`'parameters file'`). @defaultValue `'file'` */
  readonly what?: string;
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a whole regular file as UTF-8, synchronously, refusing anything else before reading:
 * devices such as `/dev/zero` (which would fill memory), FIFOs (which would block the process,
 * and its signal handlers, until a writer comes) and files over `maxBytes`.
 *
 * The file is opened non-blocking, so opening a FIFO never waits.
 *
 * @param file - Path of the file.
 * @param options - Limit and wording, see {@link RegularFileReadOptions}.
 * @returns The text (a UTF-8 byte-order mark is kept; JSON and YAML parsers accept it).
 * @throws InputError naming the file when it is missing, unreadable, not a regular file or
 *   larger than the limit (`<what> <file> is 70 MiB, more than the limit of 64 MiB`).
 * @example
 * const text = readRegularFileSync('params.yaml', { what: 'parameters file' });
 */
export function readRegularFileSync(file: string, options: RegularFileReadOptions = {}): string {
  const what = options.what ?? 'file';
  const maxBytes = options.maxBytes ?? DEFAULT_SMALL_FILE_MAX_BYTES;
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    throw new InputError(`Cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file });
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      throw new InputError(`Cannot read ${what} ${file}: it is ${kindOf(stat)}; give a regular file`, { file });
    }
    if (stat.size > maxBytes) {
      throw new InputError(`Cannot read ${what} ${file}: it is ${formatBytes(stat.size)}, more than the limit of ${formatBytes(maxBytes)}`, {
        file,
        size: stat.size,
        maxBytes,
      });
    }
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}
