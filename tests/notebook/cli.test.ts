import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractPairOptions, runNotebookCli } from '../../src/notebook/cli';
import type { CodeCell } from '../../src/notebook/nbformat';
import { fixture, kernelsMentioning, PROJECT_ROOT, readJson, streamText, tempDir, waitFor } from './helpers';

const out = tempDir('cli-test-');
const markers: string[] = [];

// A failing assertion must not leave a spinning kernel behind for the next test file.
afterAll(() => {
  for (const marker of markers) {
    for (const row of kernelsMentioning(marker)) process.kill(Number(row.split(' ')[0]), 'SIGKILL');
  }
});

/** Runs the real entry point (`scripts/run-notebook.ts`) in a child process with its own TMPDIR. */
function spawnCli(args: string[], options: { onStderr?: (all: string, child: ReturnType<typeof spawn>) => void } = {}) {
  const tmp = tempDir('cli-kernel-tmp-');
  markers.push(tmp);
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/run-notebook.ts', ...args], {
    cwd: PROJECT_ROOT, env: { ...process.env, TMPDIR: tmp, TS_NODE_TRANSPILE_ONLY: 'true' }, stdio: ['ignore', 'pipe', 'pipe'],
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
