/**
 * Kernelspec discovery without Python: the same folders `jupyter kernelspec list` searches, with
 * this project's own `jupyter/kernels` first so a checkout runs its notebooks with its own tslab.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../errors';
import { readRegularFileSync } from '../io/regularFileSync';

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
  /**
   * Told about each `kernel.json` that cannot be used (broken JSON, no `argv`) while another
   * kernel is looked up: such a file is skipped, unless it is the kernel asked for.
   * @defaultValue a line on stderr
   */
  readonly onSkipped?: (message: string) => void;
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
  const { specs, broken } = scanKernelSpecs(options);
  const first = broken.values().next();
  if (!first.done) throw first.value;
  return specs;
}

/** Every kernelspec on the search path, and the errors of those that cannot be read, by name. */
function scanKernelSpecs(options: KernelSearchOptions): { specs: KernelSpec[]; broken: Map<string, InputError> } {
  const found = new Map<string, KernelSpec>();
  const broken = new Map<string, InputError>();
  for (const dir of kernelSearchPath(options)) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const file = path.join(dir, name, 'kernel.json');
      if (found.has(name) || broken.has(name) || !fs.existsSync(file)) continue;
      try {
        found.set(name, { name, resourceDir: path.join(dir, name), spec: readSpecFile(file) });
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        broken.set(name, error);
      }
    }
  }
  return { specs: [...found.values()], broken };
}

/**
 * Finds a kernelspec by name (case-insensitive, as Jupyter does). A broken `kernel.json` of
 * another kernel is skipped with a warning (`options.onSkipped`), so that one bad install on
 * `JUPYTER_PATH` does not stop every run.
 *
 * @throws InputError naming the kernel and listing the available ones when it is not found, or
 *   the broken file's error when the kernel asked for is the broken one
 * @example
 * findKernelSpec('tslab').resourceDir; // '<project>/jupyter/kernels/tslab'
 */
export function findKernelSpec(name: string, options: KernelSearchOptions = {}): KernelSpec {
  const { specs, broken } = scanKernelSpecs(options);
  const spec = specs.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  for (const [brokenName, error] of broken) {
    // The kernel asked for is broken: that is the error. Others are only mentioned.
    if (spec === undefined && brokenName.toLowerCase() === name.toLowerCase()) throw error;
    (options.onSkipped ?? ((m: string) => process.stderr.write(`run-notebook: warning: ${m}\n`)))(
      `skipped kernelspec ${JSON.stringify(brokenName)}: ${error.message}`,
    );
  }
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
  const text = readRegularFileSync(file, { what: 'kernelspec', maxBytes: 1024 ** 2 });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
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
