import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractPairOptions, runNotebookCli } from '../../src/notebook/cli';
import { removeStaleConnectionDirs } from '../../src/notebook/kernel';
import { findKernelSpec } from '../../src/notebook/kernelspec';
import type { CodeCell } from '../../src/notebook/nbformat';
import { fixture, kernelsMentioning, leftoverKernels, processTable, PROJECT_ROOT, readJson, streamText, tempDir, waitFor } from './helpers';

const out = tempDir('cli-test-');
const markers: string[] = [];

// A failing assertion must not leave a spinning kernel behind for the next test file.
afterAll(() => {
  for (const marker of markers) {
    for (const row of kernelsMentioning(marker)) process.kill(Number(row.split(' ')[0]), 'SIGKILL');
  }
});

/** Runs the real entry point (`scripts/run-notebook.ts`) in a child process with its own TMPDIR. */
function spawnCli(args: string[], options: { onStderr?: (all: string, child: ReturnType<typeof spawn>) => void; env?: Record<string, string> } = {}) {
  const tmp = tempDir('cli-kernel-tmp-');
  markers.push(tmp);
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/run-notebook.ts', ...args], {
    cwd: PROJECT_ROOT, env: { ...process.env, TMPDIR: tmp, TS_NODE_TRANSPILE_ONLY: 'true', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  child.stderr.on('data', (chunk) => { stderr += chunk; options.onStderr?.(stderr, child); });
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string; tmp: string }>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, tmp });
    });
  });
  return { child, done, tmp };
}

describe('extractPairOptions', () => {
  it('takes -p/-r NAME VALUE pairs out of argv in order, leaving the rest for commander', () => {
    expect(extractPairOptions(['in.ipynb', '-p', 'a', '1', 'out.ipynb', '-r', 'b', '-p', '--parameters', 'c', 'x y', '--', '-p'])).toEqual({
      pairs: [{ raw: false, name: 'a', value: '1' }, { raw: true, name: 'b', value: '-p' }, { raw: false, name: 'c', value: 'x y' }],
      rest: ['in.ipynb', 'out.ipynb', '--', '-p'],
    });
    expect(() => extractPairOptions(['-p', 'epochs'])).toThrow('option -p needs NAME VALUE, got "epochs"');
  });
});

describe('runNotebookCli: bad input exits 2 before any kernel starts, writing nothing', () => {
  const output = path.join(out, 'never.ipynb');
  it.each([
    [[fixture('invalid.ipynb'), output], /invalid\.ipynb is not valid JSON: /],
    [[fixture('unknown_kernel.ipynb'), output], /No such kernel: "no-such-kernel"\. Available kernels: tslab/],
    [[fixture('ok.ipynb'), output, '-k', 'nope'], /No such kernel: "nope"/],
    [[fixture('ok.ipynb'), output, '-p', 'epochs'], /option -p needs NAME VALUE, got "epochs"/],
    [[fixture('ok.ipynb'), output, '-p', 'bad name', '1'], /parameter name must be a TypeScript identifier, got "bad name"/],
    [[fixture('ok.ipynb'), output, '-y', 'a: [1'], /-y is not valid YAML/],
    [[fixture('ok.ipynb'), output, '-y', '[1, 2]'], /-y must be a mapping of parameter names to values, got \[1,2\]/],
    [[fixture('ok.ipynb'), output, '-f', '/nonexistent.yaml'], /Cannot read parameters file \/nonexistent\.yaml: ENOENT/],
    [[fixture('ok.ipynb'), output, '-p', 'seed', '99999999999999999999'], /beyond Number\.MAX_SAFE_INTEGER/],
    [[fixture('ok.ipynb'), output, '--execution-timeout', 'soon'], /--execution-timeout must be a positive number of seconds, got NaN/],
    [[fixture('ok.ipynb')], /expected INPUT\.ipynb OUTPUT\.ipynb, got 1 argument\(s\)/],
    [[fixture('ok.ipynb'), output, '--bogus'], /unknown option '--bogus'/],
    [['--grid', 'epochs', fixture('ok.ipynb'), '--output-dir', out], /--grid must look like NAME=V1,V2,\.\.\., got "epochs"/],
  ])('%j', async (argv, message) => {
    let stderr = '';
    const code = await runNotebookCli(argv, { io: { stdout: () => undefined, stderr: (t) => { stderr += t; } } });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^run-notebook: error: /);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(fs.existsSync(output)).toBe(false);
  });
});

describe('scripts/run-notebook.ts end to end', () => {
  it('parameters from -f, -y, -p and -r with papermill precedence; --log-output streams to stderr; --html', async () => {
    const paramsFile = path.join(out, 'params.yaml');
    fs.writeFileSync(paramsFile, 'epochs: 2\nname: from-file\nflags: [x]\n');
    const output = path.join(out, 'ok-cli.ipynb');
    const html = path.join(out, 'ok-cli.html');
    const { done } = spawnCli([
      fixture('ok.ipynb'), output, '-f', paramsFile, '-y', 'name: from-yaml', '-p', 'epochs', '5', '-r', 'lr', '0.5', '--log-output',
      '--no-progress-bar', '--html', html,
    ]);
    const { code, stdout, stderr, tmp } = await done;
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Executed .*ok\.ipynb -> .*ok-cli\.ipynb \(6 code cells, \d+\.\d s, kernel start \d+\.\d s\)\n$/);
    expect(stderr).not.toContain('run-notebook: warning');
    expect(stderr).toContain('Executing cell 3 (code cell 3/6)\n{"epochs":5,"name":"from-yaml","lr":"0.5","flags":["x"]}\na warning\nsecond line\n');
    const written = readJson(output);
    expect(written.metadata.papermill).toMatchObject({ parameters: { epochs: 5, name: 'from-yaml', flags: ['x'], lr: '0.5' } });
    expect(JSON.parse(streamText(written, 3).split('\n')[0])).toEqual({ epochs: 5, name: 'from-yaml', lr: '0.5', flags: ['x'] });
    expect(fs.readFileSync(html, 'utf8')).toContain('<div class="plotly-output" id="plotly-output-0"></div>');
    expect(kernelsMentioning(tmp)).toEqual([]);
  });

  it('Ctrl-C (SIGINT) mid-cell: the partial notebook is written, exit 130, the kernel is gone', async () => {
    const output = path.join(out, 'loop-sigint.ipynb');
    let sent = false;
    let kernelsWhileRunning: string[] = [];
    const { done, tmp } = spawnCli([fixture('loop.ipynb'), output, '--log-output'], {
      onStderr: (all, child) => {
        if (!sent && all.includes('Executing cell 1 (code cell 2/3)')) {
          sent = true;
          setTimeout(() => {
            kernelsWhileRunning = kernelsMentioning(tmp);
            child.kill('SIGINT');
          }, 500);
        }
      },
    });
    const { code, stderr } = await done;
    expect(kernelsWhileRunning).toHaveLength(1); // the process-table probe does see a running kernel
    expect(code).toBe(130);
    expect(stderr).toContain('run-notebook: SIGINT: interrupting the running cell and writing the partial notebook');
    expect(stderr).toMatch(/Interrupted at cell 3 \("let i = 0;"\) of .*loop\.ipynb: KeyboardInterrupt: Execution interrupted \(interrupted\)/);
    const written = readJson(output);
    expect((written.cells[3] as CodeCell).outputs[0]).toMatchObject({ output_type: 'error', ename: 'KeyboardInterrupt' });
    expect(streamText(written, 1)).toBe('spinning\n');
    await waitFor(() => kernelsMentioning(tmp).length === 0, 3000);
  });

  it('a kernel that dies exits 138 with a summary on stderr and no kernel left', async () => {
    const output = path.join(out, 'exit-cli.ipynb');
    const { code, stderr, tmp } = await spawnCli([fixture('exit.ipynb'), output]).done;
    expect(code).toBe(138);
    expect(stderr).toMatch(/^Kernel died at cell 3 \("process\.exit\(3\);"\) of .*exit\.ipynb: DeadKernelError: Kernel died with exit code 3 \(output: .*\)\n$/);
    expect(readJson(output).metadata.papermill).toMatchObject({ exception: true });
    expect(kernelsMentioning(tmp)).toEqual([]);
  });

  it('a timed-out cell exits 1 and leaves no kernel', async () => {
    const output = path.join(out, 'loop-timeout.ipynb');
    const { code, stderr, tmp } = await spawnCli([fixture('loop.ipynb'), output, '--execution-timeout', '1']).done;
    expect(code).toBe(1);
    expect(stderr).toMatch(/Timed out at cell 3 .*CellTimeoutError: Cell execution timed out after 1 s/);
    expect(kernelsMentioning(tmp)).toEqual([]);
  });
});

describe('runNotebookCli: inputs that used to fail late, hang or exhaust memory exit 2 before any kernel starts', () => {
  const dir = tempDir('cli-early-');
  fs.writeFileSync(path.join(dir, 'file'), 'x');
  const numericName = path.join(dir, 'numeric-kernel-name.ipynb');
  const nb = JSON.parse(fs.readFileSync(fixture('ok.ipynb'), 'utf8'));
  nb.metadata.kernelspec.name = 7;
  fs.writeFileSync(numericName, JSON.stringify(nb));
  it.each([
    [[fixture('ok.ipynb'), path.join(dir, 'o1.ipynb'), '-f', '/dev/zero'], /Cannot read parameters file \/dev\/zero: it is a character device; give a regular file/],
    [[fixture('ok.ipynb'), path.join(dir, 'o2.ipynb'), '-p', '__proto__', '1'], /parameter name "__proto__" is not allowed/],
    [[fixture('ok.ipynb'), dir], /Cannot write OUTPUT .*cli-early-\w+: it is a directory/],
    [[fixture('ok.ipynb'), path.join(dir, 'file', 'o.ipynb')], /Cannot write OUTPUT .*: .*file is a file, not a directory/],
    [[fixture('ok.ipynb'), path.join(dir, 'o3.ipynb'), '--html', dir], /Cannot write --html .*: it is a directory/],
    [[numericName, path.join(dir, 'o4.ipynb')], /metadata\.kernelspec\.name must be a string, got 7; fix the notebook or pass --kernel NAME/],
  ])('%j', async (argv, message) => {
    const before = fs.readdirSync(dir).sort();
    let stderr = '';
    const started = Date.now();
    const code = await runNotebookCli(argv, { io: { stdout: () => undefined, stderr: (t) => { stderr += t; } } });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(Date.now() - started).toBeLessThan(2000); // no kernel was started
    expect(fs.readdirSync(dir).sort()).toEqual(before); // no temp file, no output
  });
});

describe('run-notebook --version', () => {
  it('prints the package version on stdout and exits 0', async () => {
    let stdout = '';
    const code = await runNotebookCli(['--version'], { io: { stdout: (t) => { stdout += t; }, stderr: () => undefined } });
    expect(code).toBe(0);
    expect(stdout).toBe(`${JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).version}\n`);
  });
});

describe('stale connection folders', () => {
  it('removes run-notebook-<pid>-* folders of runners that are gone, and keeps live ones and others', () => {
    const tmp = tempDir('stale-conn-');
    const dead = spawnSync('true').pid!;
    for (const name of [`run-notebook-${dead}-aaaaaa`, `run-notebook-${process.pid}-bbbbbb`, 'run-notebook-cccccc', 'other']) {
      fs.mkdirSync(path.join(tmp, name));
    }
    fs.writeFileSync(path.join(tmp, `run-notebook-${dead}-aaaaaa`, 'kernel-x.json'), '{"key":"secret"}');
    expect(removeStaleConnectionDirs(tmp)).toEqual([`run-notebook-${dead}-aaaaaa`]);
    expect(fs.readdirSync(tmp).sort()).toEqual(['other', `run-notebook-${process.pid}-bbbbbb`, 'run-notebook-cccccc']);
  });
});

describe('a runner killed with SIGKILL takes its kernels with it', () => {
  it.each([
    ['a single run', (o: string) => [fixture('blocking.ipynb'), path.join(o, 'b.ipynb')], 1],
    ['a grid with --workers 2', (o: string) => ['--grid', 'x=1,2', '--workers', '2', '--output-dir', o, fixture('blocking.ipynb')], 2],
  ])('%s: no kernel 5 s after kill -9, connection folders gone', async (_name, argv, kernels) => {
    const o = tempDir('cli-kill9-');
    const { child, done, tmp } = spawnCli(argv(o));
    await waitFor(() => kernelsMentioning(tmp).length >= kernels, 45_000);
    // Let the kernels reach `execSync("sleep 30")`, which blocks their event loops: only the
    // watchdog's thread runs then.
    const pids = kernelsMentioning(tmp).map((row) => Number(row.split(' ')[0]));
    expect(pids).toHaveLength(kernels);
    const sleeping = () => processTable().filter((row) => pids.includes(row.pgid) && row.args.includes('sleep 30')).length;
    await waitFor(() => sleeping() >= kernels, 30_000);
    expect(fs.readdirSync(tmp).filter((n) => n.startsWith('run-notebook-'))).toHaveLength(kernels);
    child.kill('SIGKILL');
    await done;
    // The kernels and their process groups (`sleep 30` included) are gone within 5 s.
    await waitFor(() => leftoverKernels(pids).length === 0, 5000);
    await waitFor(() => fs.readdirSync(tmp).filter((n) => n.startsWith('run-notebook-')).length === 0, 2000);
  }, 60_000);
});

describe('kernelspecs and parameter values that used to break runs', () => {
  it('an unrelated broken kernel.json is skipped with a warning; U+2028/U+2029 in -p values round-trip exactly', async () => {
    const jupyter = tempDir('cli-broken-spec-');
    fs.mkdirSync(path.join(jupyter, 'kernels', 'broken'), { recursive: true });
    fs.writeFileSync(path.join(jupyter, 'kernels', 'broken', 'kernel.json'), '{ not json');
    const output = path.join(out, 'u2028.ipynb');
    const { code, stderr, tmp } = await spawnCli([fixture('ok.ipynb'), output, '-p', 'name', 'a\u2028b\u2029c'], {
      env: { JUPYTER_PATH: jupyter },
    }).done;
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/run-notebook: warning: skipped kernelspec "broken": Kernelspec .*broken\/kernel\.json is not valid JSON/);
    expect(JSON.parse(streamText(readJson(output), 3).split('\n')[0]).name).toBe('a\u2028b\u2029c');
    expect(kernelsMentioning(tmp)).toEqual([]);
  }, 60_000);

  it('the project kernel fixes tslab\'s shorthand quirk: { epochs } for a variable of an earlier cell', async () => {
    const output = path.join(out, 'shorthand.ipynb');
    const { code, stderr, tmp } = await spawnCli([fixture('shorthand.ipynb'), output]).done;
    expect(code, stderr).toBe(0);
    expect(stderr).not.toContain('starting tslab unpatched');
    const written = readJson(output);
    expect(streamText(written, 1)).toBe('{"epochs":5,"name":"co2","fixed":1}\n');
    expect(streamText(written, 2)).toBe('{"epochs":5} {"epochs":6}\n');
    expect(kernelsMentioning(tmp)).toEqual([]);
  }, 60_000);

  it('the kernel asked for being the broken one is the error (naming its file); others are only reported', () => {
    const jupyter = tempDir('cli-broken-spec-');
    for (const [name, text] of [['tslab', '{ not json'], ['other', '{"argv": []}'], ['good', '{"argv": ["node", "x"]}']]) {
      fs.mkdirSync(path.join(jupyter, 'kernels', name), { recursive: true });
      fs.writeFileSync(path.join(jupyter, 'kernels', name, 'kernel.json'), text);
    }
    const search = { env: { JUPYTER_PATH: jupyter, HOME: jupyter }, projectKernelDirs: [], systemDirs: [] };
    const skipped: string[] = [];
    expect(() => findKernelSpec('tslab', { ...search, onSkipped: (m) => skipped.push(m) })).toThrow(
      new RegExp(`Kernelspec ${path.join(jupyter, 'kernels', 'tslab', 'kernel.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid JSON`),
    );
    expect(skipped).toEqual([expect.stringMatching(/^skipped kernelspec "other": Kernelspec .* must have a non-empty "argv" array of strings$/)]);
    skipped.length = 0;
    expect(findKernelSpec('good', { ...search, onSkipped: (m) => skipped.push(m) }).spec.argv).toEqual(['node', 'x']);
    expect(skipped).toHaveLength(2);
  });
});
