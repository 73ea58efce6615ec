import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APT_INSTALL_LINE, jupyterCommand, PROJECT_ROOT, type JupyterContext } from '../../scripts/jupyter';

/** A folder with fake executables; `jupyter` records its arguments, cwd and JUPYTER_PATH, then exits with `code`. */
function fakeBin(names: readonly string[], code = 0): { dir: string; record: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-jupyter-'));
  const record = path.join(dir, 'record.txt');
  for (const name of names) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' "$PWD" "$JUPYTER_PATH" "$@" > '${record}'\nexit ${code}\n`);
    fs.chmodSync(file, 0o755);
  }
  return { dir, record };
}

const context = (over: Partial<JupyterContext> & { PATH: string }): JupyterContext => ({
  root: '/project',
  env: { PATH: over.PATH, ...(over.env ?? {}) },
  uid: over.uid ?? 1000,
  args: over.args ?? [],
});

describe('jupyterCommand', () => {
  const { dir } = fakeBin(['jupyter', 'jupyter-notebook']);

  it('starts `jupyter notebook` in notebooks/ with <root>/jupyter first on JUPYTER_PATH, keeping existing entries', () => {
    const command = jupyterCommand(context({ PATH: dir, env: { JUPYTER_PATH: ['/opt/j', '/project/jupyter'].join(path.delimiter) }, args: ['--port', '9999'] }));
    expect(command).toMatchObject({
      ok: true,
      file: path.join(dir, 'jupyter'),
      args: ['notebook', '--notebook-dir', '/project/notebooks', '--port', '9999'],
      build: true,
    });
    expect(command.ok && command.env.JUPYTER_PATH).toBe(['/project/jupyter', '/opt/j'].join(path.delimiter));
  });

  it.each([
    [0, ['notebook', '--notebook-dir', '/project/notebooks', '--allow-root']],
    [1000, ['notebook', '--notebook-dir', '/project/notebooks']],
  ])('uid %i: %j', (uid, args) => {
    expect(jupyterCommand(context({ PATH: dir, uid }))).toMatchObject({ ok: true, args });
  });

  it('--no-build skips the build and is not passed on', () => {
    expect(jupyterCommand(context({ PATH: dir, args: ['--no-build'] }))).toMatchObject({ ok: true, build: false, args: ['notebook', '--notebook-dir', '/project/notebooks'] });
  });

  it.each([
    [[] as string[], 'jupyter is not installed'],
    [['jupyter'], 'the classic Jupyter Notebook (jupyter-notebook) is not installed'],
  ])('with %j on PATH explains what is missing and gives the apt-get line', (names, reason) => {
    const command = jupyterCommand(context({ PATH: fakeBin(names).dir }));
    expect(command.ok).toBe(false);
    expect(!command.ok && command.message).toContain(reason);
    expect(!command.ok && command.message).toContain(APT_INSTALL_LINE);
  });
});

describe('npm run jupyter (scripts/jupyter.ts)', () => {
  const script = (env: Record<string, string>, args: string[] = []) =>
    spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(PROJECT_ROOT, 'scripts', 'jupyter.ts'), ...args], {
      cwd: PROJECT_ROOT, env: { ...process.env, ...env }, encoding: 'utf8',
    });

  it('exits 2 with the apt-get line when jupyter is missing', () => {
    const result = script({ PATH: fakeBin([]).dir });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`Install it with:\n  ${APT_INSTALL_LINE}`);
  });

  it('runs jupyter from the project root with its arguments and environment, and exits with its code', () => {
    const { dir, record } = fakeBin(['jupyter', 'jupyter-notebook'], 3);
    const result = script({ PATH: [dir, process.env.PATH].join(path.delimiter), JUPYTER_PATH: '/elsewhere' }, ['--no-build', '--no-browser']);
    expect(result.status).toBe(3);
    const [cwd, jupyterPath, ...args] = fs.readFileSync(record, 'utf8').trim().split('\n');
    expect(fs.realpathSync(cwd)).toBe(fs.realpathSync(PROJECT_ROOT));
    expect(jupyterPath).toBe([path.join(PROJECT_ROOT, 'jupyter'), '/elsewhere'].join(path.delimiter));
    expect(args.slice(0, 3)).toEqual(['notebook', '--notebook-dir', path.join(PROJECT_ROOT, 'notebooks')]);
    expect(args.at(-1)).toBe('--no-browser');
    expect(fs.existsSync(path.join(PROJECT_ROOT, 'jupyter', 'kernels', 'tslab', 'kernel.json'))).toBe(true);
  });
});
