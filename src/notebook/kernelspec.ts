/**
 * Kernelspec discovery without Python: the same folders `jupyter kernelspec list` searches, with
 * this project's own `jupyter/kernels` first so a checkout runs its notebooks with its own tslab.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../errors';

/** The project's committed kernelspec folder (`<project>/jupyter/kernels`), found from this file. */
export const PROJECT_KERNELS_DIR = path.resolve(__dirname, '..', '..', 'jupyter', 'kernels');

/** A kernelspec (`kernel.json`) as the Jupyter docs define it. */
export interface KernelSpecFile {
  readonly argv: readonly string[];
  readonly display_name: string;
  readonly language?: string;
  /** `signal` (SIGINT to the kernel process) or `message` (`interrupt_request` on control). */
  readonly interrupt_mode?: 'signal' | 'message';
  readonly env?: Readonly<Record<string, string>>;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** A kernelspec found on disk. */
export interface KernelSpec {
  /** The kernel name: the name of the folder holding `kernel.json`. */
  readonly name: string;
  /** The folder holding `kernel.json`; substituted for `{resource_dir}` in argv. */
  readonly resourceDir: string;
  readonly spec: KernelSpecFile;
}

/** Options for {@link kernelSearchPath} and {@link findKernelSpec}. */
export interface KernelSearchOptions {
  /** Environment to read `JUPYTER_PATH`, `JUPYTER_DATA_DIR`, `XDG_DATA_HOME` from. @defaultValue `process.env` */
  readonly env?: NodeJS.ProcessEnv;
  /** Folders searched before everything else. @defaultValue `[PROJECT_KERNELS_DIR]` */
  readonly projectKernelDirs?: readonly string[];
  /** System-wide `kernels` folders searched last (tests pass `[]` to be machine-independent). @defaultValue {@link SYSTEM_KERNEL_DIRS} */
  readonly systemDirs?: readonly string[];
}

/** System-wide kernelspec folders, as Jupyter searches them on Linux. */
export const SYSTEM_KERNEL_DIRS: readonly string[] = ['/usr/local/share/jupyter/kernels', '/usr/share/jupyter/kernels'];

/**
 * The ordered list of `kernels` folders searched for a kernelspec: the project's own, then each
 * `JUPYTER_PATH` entry, the user data dir, and the system folders (`/usr/local/share/jupyter`,
 * `/usr/share/jupyter`). Folders that do not exist are kept; lookups skip them.
 *
 * @example
 * kernelSearchPath({ env: { JUPYTER_PATH: '/a:/b' } }).slice(1, 3); // ['/a/kernels', '/b/kernels']
 */
export function kernelSearchPath(options: KernelSearchOptions = {}): string[] {
  const env = options.env ?? process.env;
  const dirs = [...(options.projectKernelDirs ?? [PROJECT_KERNELS_DIR])];
  for (const entry of (env.JUPYTER_PATH ?? '').split(path.delimiter)) {
    if (entry !== '') dirs.push(path.join(entry, 'kernels'));
  }
  const dataHome = env.XDG_DATA_HOME ?? path.join(env.HOME ?? os.homedir(), '.local', 'share');
  dirs.push(path.join(env.JUPYTER_DATA_DIR ?? path.join(dataHome, 'jupyter'), 'kernels'));
  dirs.push(...(options.systemDirs ?? SYSTEM_KERNEL_DIRS));
  return [...new Set(dirs.map((dir) => path.resolve(dir)))];
}

/**
 * Lists every kernelspec on the search path; the first folder that holds a name wins.
 *
 * @throws InputError when a `kernel.json` exists but is not valid JSON with an `argv` array
 */
export function listKernelSpecs(options: KernelSearchOptions = {}): KernelSpec[] {
  const found = new Map<string, KernelSpec>();
  for (const dir of kernelSearchPath(options)) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const file = path.join(dir, name, 'kernel.json');
      if (found.has(name) || !fs.existsSync(file)) continue;
      found.set(name, { name, resourceDir: path.join(dir, name), spec: readSpecFile(file) });
    }
  }
  return [...found.values()];
}

/**
 * Finds a kernelspec by name (case-insensitive, as Jupyter does).
 *
 * @throws InputError naming the kernel and listing the available ones when it is not found
 * @example
 * findKernelSpec('tslab').resourceDir; // '<project>/jupyter/kernels/tslab'
 */
export function findKernelSpec(name: string, options: KernelSearchOptions = {}): KernelSpec {
  const specs = listKernelSpecs(options);
  const spec = specs.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (spec === undefined) {
    const available = specs.map((s) => s.name).join(', ') || 'none';
    throw new InputError(
      `No such kernel: ${JSON.stringify(name)}. Available kernels: ${available} (searched ${kernelSearchPath(options).join(', ')})`,
      { argument: 'kernel', value: name },
    );
  }
  return spec;
}

function readSpecFile(file: string): KernelSpecFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`Kernelspec ${file} is not valid JSON: ${(error as Error).message}`, { file });
  }
  const spec = parsed as KernelSpecFile;
  if (
    typeof spec !== 'object' || spec === null || !Array.isArray(spec.argv) || spec.argv.length === 0 ||
    !spec.argv.every((arg) => typeof arg === 'string')
  ) {
    throw new InputError(`Kernelspec ${file} must have a non-empty "argv" array of strings`, { file });
  }
  return spec;
}

/**
 * Substitutes `{connection_file}` and `{resource_dir}` in a kernelspec's argv. A bare `python`/
 * `node` first element is left to `PATH`, as Jupyter does.
 *
 * @example
 * kernelArgv(findKernelSpec('tslab'), 'kernel-1.json').at(-1); // 'kernel-1.json'
 */
export function kernelArgv(spec: KernelSpec, connectionFile: string): string[] {
  return spec.spec.argv.map((arg) =>
    arg.replaceAll('{connection_file}', connectionFile).replaceAll('{resource_dir}', spec.resourceDir),
  );
}
