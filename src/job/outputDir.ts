/**
 * The job's output directory: `--out` checked before any work, the files written into a hidden
 * temporary sibling, renamed to `--out` only when complete, and the sibling removed on any error.
 */
import { promises as fs } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError, describeValue } from '../errors';
import { openAtomicDir, tempDirPrefix, TargetExistsError, type AtomicDir } from '../io/atomic';
import { isProcessAlive } from '../io/process';

/**
 * The temporary directories this process's running jobs write into. A sibling named after this
 * pid but not in here was left by an earlier process that had the same pid (pids repeat across
 * container restarts), so it is stale too.
 */
const ownTempDirs = new Set<string>();

/**
 * Removes the temporary siblings of `out` (`.NAME.tmp-PID-TS`) that a killed run left behind:
 * those whose process is gone (or whose pid is this process's but which no job of this process
 * is using: an earlier process with the same pid). Runs of other live processes are left alone.
 *
 * @returns The names removed.
 */
export async function removeStaleTempSiblings(out: string): Promise<string[]> {
  const prefix = tempDirPrefix(out);
  let names: string[];
  try {
    names = await fs.readdir(dirname(out));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)-\d+$/.exec(name.slice(prefix.length));
    const path = join(dirname(out), name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid ? ownTempDirs.has(path) : isProcessAlive(pid)) continue;
    await fs.rm(path, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

const WRITE_ERRORS: Readonly<Record<string, string>> = {
  ENOTDIR: 'a part of the path is a file, not a directory',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'no space left on the device',
  ENAMETOOLONG: 'the name is too long',
  EINVAL: 'the name is not valid here',
};

/**
 * Checks `--out` before any work and creates the temporary sibling directory the job writes
 * into: creating it is the only reliable test that `out` will be writable (a read-only mount, a
 * directory without write permission, or a path under a file all fail here, not after training).
 */
async function prepareOutput(outOption: string, log: (line: string) => void): Promise<{ out: string; output: AtomicDir }> {
  if (typeof outOption !== 'string' || outOption.length === 0 || outOption.includes('\0')) {
    throw new InputError(`--out must be a directory path, got ${describeValue(outOption)}`, { argument: 'out', value: outOption });
  }
  const out = resolve(outOption);
  let existing = true;
  try {
    await fs.lstat(out);
  } catch (error) {
    existing = false;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      throw new InputError(`cannot write --out ${describeValue(outOption)}: ${WRITE_ERRORS[code ?? ''] ?? code}`, {
        argument: 'out',
        value: outOption,
      });
    }
  }
  if (existing) {
    throw new InputError(`output directory ${describeValue(outOption)} already exists; choose a new --out`, {
      argument: 'out',
      value: outOption,
    });
  }
  try {
    if (!(await fs.stat(dirname(out))).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `is not usable (${WRITE_ERRORS[code ?? ''] ?? code})`;
    throw new InputError(`the parent of --out ${describeValue(outOption)} ${why}`, { argument: 'out', value: outOption });
  }
  for (const name of await removeStaleTempSiblings(out)) log(`removed ${name}, left behind by a killed run`);
  let output: AtomicDir;
  try {
    output = await openAtomicDir(out);
    ownTempDirs.add(output.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new InputError(`cannot write --out ${describeValue(outOption)}: ${WRITE_ERRORS[code] ?? code}`, {
      argument: 'out',
      value: outOption,
    });
  }
  return { out, output };
}

/**
 * Runs `work` in the job's temporary output directory (see {@link prepareOutput}: `out` is
 * checked and the directory created first), and removes that directory afterwards, whether `work`
 * committed it (then there is nothing left to remove), failed or was aborted.
 *
 * @param outOption - `--out` as given.
 * @param log - Told about stale siblings removed.
 * @param work - Fills `output.path` and calls {@link commitOutput}; gets `out` resolved.
 */
export async function withOutputDir<T>(
  outOption: string,
  log: (line: string) => void,
  work: (out: string, output: AtomicDir) => Promise<T>,
): Promise<T> {
  const { out, output } = await prepareOutput(outOption, log);
  try {
    return await work(out, output);
  } finally {
    await output.discard();
    ownTempDirs.delete(output.path);
  }
}

/**
 * Renames the filled temporary directory to `out`.
 *
 * @throws InputError naming `--out` when `out` appeared while the job ran.
 */
export async function commitOutput(output: AtomicDir, outOption: string): Promise<void> {
  try {
    await output.commit();
  } catch (error) {
    if (!(error instanceof TargetExistsError)) throw error;
    throw new InputError(`output directory ${describeValue(outOption)} appeared during the run; nothing was written`, {
      argument: 'out',
      value: outOption,
    });
  }
}
