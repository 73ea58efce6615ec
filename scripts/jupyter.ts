#!/usr/bin/env node
/**
 * `npm run jupyter [-- ARGS...]`: builds the library (the notebooks import `../dist`), then starts
 * the classic Jupyter Notebook in `notebooks/` with this project's tslab kernel available, by
 * putting `<project>/jupyter` first on `JUPYTER_PATH` (existing entries are kept). Nothing is
 * installed globally. `ARGS` go to `jupyter notebook` (e.g. `--port 8899 --no-browser`).
 *
 *   --no-build   skip `npm run build` (dist/ is already current)
 *
 * Exit codes: Jupyter's own; 2 when `jupyter notebook` is not installed (the message gives the
 * Debian `apt-get` line); the build's code when the build fails.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The project root (this file is in `<root>/scripts`). */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** The one line that installs what `npm run jupyter` needs on Debian/Ubuntu. */
export const APT_INSTALL_LINE = 'sudo apt-get install -y jupyter-notebook jupyter-nbconvert python3-nbclient python3-nbformat';

/** What {@link jupyterCommand} needs to know about the machine. */
export interface JupyterContext {
  readonly root: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** User id (`process.getuid()`); `jupyter notebook` refuses to run as root without `--allow-root`. */
  readonly uid: number | undefined;
  /** Arguments after `npm run jupyter --`. */
  readonly args: readonly string[];
}

/** The command to spawn, or why it cannot be. */
export type JupyterCommand =
  | { readonly ok: true; readonly file: string; readonly args: string[]; readonly env: Record<string, string | undefined>; readonly build: boolean }
  | { readonly ok: false; readonly message: string };

/**
 * Finds an executable on a `PATH`-style list of folders.
 * @returns its full path, or `undefined`.
 */
export function findOnPath(name: string, pathList: string | undefined): string | undefined {
  for (const dir of (pathList ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Works out how to start Jupyter: `jupyter notebook --notebook-dir <root>/notebooks
 * [--allow-root] ARGS` with `JUPYTER_PATH=<root>/jupyter[:existing]`, or the reason it cannot
 * (`jupyter` or its `notebook` subcommand, the `jupyter-notebook` executable, is not on `PATH`).
 */
export function jupyterCommand(context: JupyterContext): JupyterCommand {
  const jupyter = findOnPath('jupyter', context.env.PATH);
  if (jupyter === undefined || findOnPath('jupyter-notebook', context.env.PATH) === undefined) {
    return {
      ok: false,
      message:
        `${jupyter === undefined ? 'jupyter is' : 'the classic Jupyter Notebook (jupyter-notebook) is'} not installed (not on PATH).\n` +
        `Install it with:\n  ${APT_INSTALL_LINE}\n` +
        'or, for JupyterLab or VS Code, see notebooks/README.md.',
    };
  }
  const ownKernels = path.join(context.root, 'jupyter');
  const existing = (context.env.JUPYTER_PATH ?? '').split(path.delimiter).filter((p) => p !== '' && path.resolve(p) !== ownKernels);
  const build = !context.args.includes('--no-build');
  const passed = context.args.filter((a) => a !== '--no-build');
  const args = ['notebook', '--notebook-dir', path.join(context.root, 'notebooks')];
  if (context.uid === 0 && !passed.includes('--allow-root')) args.push('--allow-root');
  return {
    ok: true,
    file: jupyter,
    args: [...args, ...passed],
    env: { ...context.env, JUPYTER_PATH: [ownKernels, ...existing].join(path.delimiter) },
    build,
  };
}

function main(): void {
  const command = jupyterCommand({ root: PROJECT_ROOT, env: process.env, uid: process.getuid?.(), args: process.argv.slice(2) });
  if (!command.ok) {
    process.stderr.write(`${command.message}\n`);
    process.exit(2);
  }
  if (command.build) {
    const built = spawnSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }
  process.stderr.write(`JUPYTER_PATH=${command.env.JUPYTER_PATH}\n${command.file} ${command.args.join(' ')}\n`);
  const child = spawn(command.file, command.args, { cwd: PROJECT_ROOT, env: command.env, stdio: 'inherit' });
  // Ctrl-C reaches Jupyter through the terminal's process group; SIGTERM (e.g. from a process
  // manager) is passed on, so the server shuts its kernels down.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128 + (signal === 'SIGINT' ? 2 : 15))));
}

if (require.main === module) main();
