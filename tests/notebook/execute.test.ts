import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import {
  executeNotebook, EXIT_KERNEL_DIED, type ExecuteEvent, type ExecuteNotebookOptions, type ExecuteNotebookResult,
} from '../../src/notebook/execute';
import { liveKernelCount } from '../../src/notebook/kernel';
import type { CodeCell } from '../../src/notebook/nbformat';
import { fixture, leftoverKernels, PROJECT_ROOT, readJson, streamText, tempDir } from './helpers';

const out = tempDir('execute-test-');
const kernelPids: number[] = [];

async function run(options: Omit<ExecuteNotebookOptions, 'outputPath'> & { outputPath?: string }, events: ExecuteEvent[] = []) {
  const outputPath = options.outputPath ?? path.join(out, `${path.basename(options.inputPath, '.ipynb')}-${Date.now()}.ipynb`);
  const result = await executeNotebook({
    ...options,
    outputPath,
    onEvent: (event) => {
      events.push(event);
      if (event.type === 'kernel-started') kernelPids.push(event.pid);
      options.onEvent?.(event);
    },
  });
  expect(liveKernelCount()).toBe(0);
  return { result, outputPath, written: readJson(outputPath), events };
}

const cellMeta = (cell: unknown) => (cell as CodeCell).metadata.papermill as Record<string, unknown>;

describe('executeNotebook: a successful run', () => {
  const tricky = 'quote " backslash \\ newline\n tab\t unicode héllo 日本 🎉 </script> ${x}';
  let ok: Awaited<ReturnType<typeof run>>;
  const savedStatuses: string[][] = [];
  beforeAll(async () => {
    ok = await run({
      inputPath: fixture('ok.ipynb'),
      parameters: { epochs: 3, name: tricky, flags: ['a', 'b"'], extra: { k: [1, null] } },
      reportMode: true,
      requestSaveOnCellExecute: true,
      onEvent: (event) => {
        // With --request-save-on-cell-execute the file on disk is at most one cell behind.
        if (event.type === 'cell-start' && event.codeIndex === 3) {
          savedStatuses.push(readJson(ok?.outputPath ?? currentOutput).cells.flatMap((c) => (c.cell_type === 'code' ? [String(cellMeta(c).status)] : [])));
        }
      },
      outputPath: currentOutput,
    });
  });

  it('exits 0 with a one-line summary and the timings', () => {
    expect(ok.result.status).toBe('completed');
    expect(ok.result.exitCode).toBe(0);
    expect(ok.result.summary).toMatch(/^Executed .*ok\.ipynb -> .*\.ipynb \(6 code cells, \d+\.\d s, kernel start \d+\.\d s\)$/);
    expect(ok.result.kernelStartS).toBeGreaterThan(0);
    expect(ok.result.cellsS).toBeGreaterThan(0);
    expect(ok.result.durationS).toBeGreaterThan(ok.result.kernelStartS + ok.result.cellsS - 0.01);
  });

  it('injects typed, escaped parameters right after the parameters cell; the kernel sees the exact values', () => {
    const cells = ok.written.cells;
    expect(cells[1].metadata.tags).toEqual(['parameters']);
    expect(cells[2].metadata.tags).toEqual(['injected-parameters']);
    const printed = JSON.parse(streamText(ok.written, 3).split('\n')[0]);
    expect(printed).toEqual({ epochs: 3, name: tricky, lr: 0.01, flags: ['a', 'b"'] });
  });

  it('records notebook metadata.papermill', () => {
    const meta = ok.written.metadata.papermill as Record<string, unknown>;
    expect(meta).toMatchObject({
      parameters: { epochs: 3, name: tricky, flags: ['a', 'b"'], extra: { k: [1, null] } },
      default_parameters: { epochs: 1, name: 'default', lr: 0.01, flags: [] },
      input_path: fixture('ok.ipynb'),
      output_path: ok.outputPath,
      exception: false,
      kernel_name: 'tslab',
      tfjs_backend: null,
      kernel_start_duration: ok.result.kernelStartS,
      versions: { tslab: '1.0.22', node: process.version },
    });
    expect(Date.parse(meta.end_time as string) - Date.parse(meta.start_time as string)).toBeCloseTo((meta.duration as number) * 1000, -1);
  });

  it('records per-cell metadata, execution counts and hides inputs in report mode', () => {
    const code = ok.written.cells.filter((c): c is CodeCell => c.cell_type === 'code');
    for (const cell of code) {
      expect(cellMeta(cell)).toMatchObject({ status: 'completed', exception: false });
      expect(cellMeta(cell).duration).toBeGreaterThan(0);
      expect(cell.metadata.jupyter).toEqual({ source_hidden: true });
    }
    expect(code.map((c) => c.execution_count)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('keeps stdout and stderr streams in order, multi-MIME display_data, and applies update_display_data', () => {
    const cells = ok.written.cells as CodeCell[];
    expect(cells[3].outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: [expect.stringContaining('{"epochs":3')] },
      { output_type: 'stream', name: 'stderr', text: ['a warning\n'] },
      { output_type: 'stream', name: 'stdout', text: ['second line\n'] },
    ]);
    const plot = cells[4].outputs[0];
    expect(plot.output_type).toBe('display_data');
    expect(Object.keys((plot as { data: object }).data)).toEqual(['application/vnd.plotly.v1+json', 'text/html', 'text/plain']);
    expect(cells[5].outputs).toEqual([{ output_type: 'display_data', data: { 'text/plain': 'updated' }, metadata: {} }]);
  });

  it('rewrites the output after each cell with --request-save-on-cell-execute', () => {
    expect(savedStatuses).toEqual([['completed', 'completed', 'completed', 'pending', 'pending', 'pending']]);
  });

  it('leaves no kernel process behind', () => {
    expect(kernelPids.length).toBeGreaterThan(0);
    expect(leftoverKernels(kernelPids)).toEqual([]);
  });
});
const currentOutput = path.join(out, 'ok-run.ipynb');

describe('executeNotebook: failures', () => {
  it('a failing cell: exit 1, error output, papermill banner, later cells pending', async () => {
    const { result, written } = await run({ inputPath: fixture('failing.ipynb') });
    expect(result).toMatchObject({ status: 'failed', exitCode: 1, failure: { cellIndex: 4, ename: 'TypeError', evalue: 'boom: bad value' } });
    expect(result.summary).toMatch(/^Failed at cell 4 \("function explode\(\): never \{ throw new TypeError\(\\"boom: ba\.\.\."\) of .*failing\.ipynb: TypeError: boom: bad value \(output: /);
    expect(written.cells.map((c) => c.cell_type)).toEqual(['markdown', 'code', 'code', 'markdown', 'code', 'code']);
    expect(written.cells[0].metadata.tags).toEqual(['papermill-error-cell-tag']);
    expect(String(written.cells[0].source)).toContain('An Exception was encountered at \'<a href="#papermill-error-cell">In [3]</a>\'.');
    expect(String(written.cells[3].source)).toContain('id="papermill-error-cell"');
    const failed = written.cells[4] as CodeCell;
    expect(failed.outputs).toHaveLength(1);
    expect(failed.outputs[0]).toMatchObject({ output_type: 'error', ename: 'TypeError', evalue: 'boom: bad value' });
    expect((failed.outputs[0] as { traceback: string[] }).traceback).toContain('    at explode (evalmachine.<anonymous>:3:28)');
    expect(cellMeta(failed)).toMatchObject({ status: 'failed', exception: true });
    expect(streamText(written, 2, 'stderr')).toBe('stderr before\n'); // user stderr kept, error text not duplicated
    expect(cellMeta(written.cells[5])).toEqual({ status: 'pending', exception: null, start_time: null, end_time: null, duration: null });
    expect((written.cells[1] as CodeCell).metadata.jupyter).toBeUndefined();
    expect(written.metadata.papermill).toMatchObject({ exception: true });
  });

  it('a compile error: exit 1 with a TSError output (notebook outside the project: kernelspec still found)', async () => {
    const elsewhere = path.join(tempDir('elsewhere-'), 'compile_error.ipynb');
    fs.copyFileSync(fixture('compile_error.ipynb'), elsewhere);
    const { result, written } = await run({ inputPath: elsewhere });
    expect(result).toMatchObject({ exitCode: 1, failure: { ename: 'TSError', evalue: "1:7 - Type 'string' is not assignable to type 'number'." } });
    expect((written.cells[3] as CodeCell).outputs).toEqual([{
      output_type: 'error', ename: 'TSError', evalue: "1:7 - Type 'string' is not assignable to type 'number'.",
      traceback: ["1:7 - Type 'string' is not assignable to type 'number'."],
    }]);
  });

  it('a parameter of the wrong type fails to compile in the injected cell (declared annotations are kept)', async () => {
    const { result, written } = await run({ inputPath: fixture('ok.ipynb'), parameters: { epochs: 'abc' } });
    expect(result).toMatchObject({ exitCode: 1, failure: { cellIndex: 4, ename: 'TSError', evalue: "2:7 - Type 'string' is not assignable to type 'number'." } });
    expect(result.summary).toMatch(/^Failed at cell 4 \("\/\/ Parameters"\) of /);
    expect(written.cells[4].metadata.tags).toEqual(['injected-parameters']);
  });

  it('the kernel dying (process.exit(3)): exit 138, DeadKernelError, notebook written', async () => {
    const { result, written } = await run({ inputPath: fixture('exit.ipynb') });
    expect(result).toMatchObject({ status: 'kernel-died', exitCode: EXIT_KERNEL_DIED, failure: { ename: 'DeadKernelError', evalue: 'Kernel died with exit code 3' } });
    expect(EXIT_KERNEL_DIED).toBe(138);
    expect(result.summary).toMatch(/^Kernel died at cell 3 \("process\.exit\(3\);"\) of .*: DeadKernelError: Kernel died with exit code 3/);
    expect(streamText(written, 1)).toBe('about to exit\n'); // index 0 is the error banner
    expect(cellMeta(written.cells[3])).toMatchObject({ status: 'failed', exception: true });
    expect(cellMeta(written.cells[4])).toMatchObject({ status: 'pending' });
  });

  it('the kernel running out of memory: exit 138 with the V8 reason', async () => {
    const { result, written } = await run({ inputPath: fixture('oom.ipynb'), kernelEnv: { NODE_OPTIONS: '--max-old-space-size=384' } });
    expect(result).toMatchObject({ status: 'kernel-died', exitCode: 138, failure: { ename: 'DeadKernelError' } });
    expect(result.failure?.evalue).toMatch(/^Kernel died from signal SIGABRT \(JavaScript heap out of memory\)\n.*FATAL ERROR: .*heap/);
    expect(cellMeta(written.cells[3])).toMatchObject({ status: 'failed' });
  });

  it('a cell over the execution timeout: interrupted, exit 1 with CellTimeoutError', async () => {
    const { result, written } = await run({ inputPath: fixture('loop.ipynb'), executionTimeoutS: 1.5 });
    expect(result).toMatchObject({ status: 'timeout', exitCode: 1, failure: { ename: 'CellTimeoutError', evalue: 'Cell execution timed out after 1.5 s (interrupted)' } });
    const cell = written.cells[3] as CodeCell;
    expect(cell.outputs).toEqual([{ output_type: 'error', ename: 'CellTimeoutError', evalue: 'Cell execution timed out after 1.5 s (interrupted)', traceback: ['CellTimeoutError: Cell execution timed out after 1.5 s (interrupted)'] }]);
    expect(cellMeta(cell).duration).toBeGreaterThanOrEqual(1.5);
    expect(cellMeta(cell).duration).toBeLessThan(4);
  });

  it('a cell that ignores SIGINT: killed after the grace period, its child processes too', async () => {
    const events: ExecuteEvent[] = [];
    const { result, written } = await run({ inputPath: fixture('blocking.ipynb'), executionTimeoutS: 1, interruptGraceS: 1 }, events);
    expect(result).toMatchObject({ status: 'timeout', exitCode: 1, failure: { ename: 'CellTimeoutError', evalue: 'Cell execution timed out after 1 s (kernel killed)' } });
    expect(cellMeta(written.cells[3]).duration).toBeLessThan(4);
    const pid = (events.find((e) => e.type === 'kernel-started') as { pid: number }).pid;
    expect(leftoverKernels([pid])).toEqual([]); // `sleep 30` shared the kernel's process group
  });

  it('an abort (Ctrl-C) mid-cell: exit 130, KeyboardInterrupt, partial notebook', async () => {
    const controller = new AbortController();
    const { result, written } = await run({
      inputPath: fixture('loop.ipynb'),
      signal: controller.signal,
      onEvent: (event) => { if (event.type === 'cell-start' && event.codeIndex === 1) setTimeout(() => controller.abort(), 300); },
    });
    expect(result).toMatchObject({ status: 'interrupted', exitCode: 130, failure: { ename: 'KeyboardInterrupt' } });
    expect(streamText(written, 1)).toBe('spinning\n');
    expect(cellMeta(written.cells[4])).toMatchObject({ status: 'pending' });
  });

  it('an output flood that tslab partly drops: the run goes on, the cell is flagged, a warning is emitted', async () => {
    const events: ExecuteEvent[] = [];
    const { result, written } = await run({ inputPath: fixture('flood.ipynb') }, events);
    expect(result.exitCode).toBe(0);
    expect(cellMeta(written.cells[0])).toMatchObject({ status: 'completed', outputs_incomplete: true });
    expect(streamText(written, 0).split('\n').length).toBeLessThan(20000);
    expect(streamText(written, 1)).toBe('still alive\n');
    expect(cellMeta(written.cells[1]).outputs_incomplete).toBeUndefined();
    expect(events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message)).toEqual([
      'cell 0: the kernel lost some outputs (tslab drops messages when a cell writes more than about a thousand outputs in one burst; join lines into fewer writes)',
    ]);
  });

  it('bad input throws InputError before any kernel starts and writes nothing', async () => {
    const events: ExecuteEvent[] = [];
    const cases: Array<[Omit<ExecuteNotebookOptions, 'outputPath'>, RegExp]> = [
      [{ inputPath: fixture('invalid.ipynb') }, /invalid\.ipynb is not valid JSON/],
      [{ inputPath: fixture('unknown_kernel.ipynb') }, /^No such kernel: "no-such-kernel"\. Available kernels: tslab/],
      [{ inputPath: fixture('ok.ipynb'), kernelName: 'python9' }, /^No such kernel: "python9"/],
      [{ inputPath: fixture('ok.ipynb'), parameters: { 'not-a-name': 1 } }, /^parameter name must be a TypeScript identifier, got "not-a-name"$/],
      [{ inputPath: fixture('ok.ipynb'), cwd: '/nonexistent/dir' }, /^--cwd must be an existing folder/],
      [{ inputPath: fixture('ok.ipynb'), executionTimeoutS: 0 }, /^executionTimeoutS must be a positive number of seconds, got 0$/],
    ];
    for (const [options, message] of cases) {
      const outputPath = path.join(out, 'never-written.ipynb');
      const attempt = executeNotebook({ ...options, outputPath, onEvent: (e) => events.push(e) });
      await expect(attempt).rejects.toThrow(InputError);
      await expect(executeNotebook({ ...options, outputPath })).rejects.toThrow(message);
      expect(fs.existsSync(outputPath)).toBe(false);
    }
    expect(events.filter((e) => e.type === 'kernel-started')).toEqual([]);
  });

  it('leaves no kernel process behind after any failure', () => {
    expect(kernelPids.length).toBeGreaterThanOrEqual(5);
    expect(leftoverKernels(kernelPids)).toEqual([]);
  });
});

describe('executeNotebook: prepare-only, glue', () => {
  it('--prepare-only writes the parameterized notebook without starting a kernel', async () => {
    const events: ExecuteEvent[] = [];
    const { result, written } = await run({ inputPath: fixture('no_params.ipynb'), prepareOnly: true, parameters: { n: 1 } }, events);
    expect(result).toMatchObject({ status: 'prepared', exitCode: 0, kernelStartS: 0 });
    expect(events).toEqual([{ type: 'warning', message: 'Input notebook has no cell tagged "parameters"; injecting parameters at the top' }]);
    expect(written.cells[0]).toMatchObject({ metadata: { tags: ['injected-parameters'] }, source: ['// Parameters\n', 'const n = 1;\n'] });
    expect(cellMeta(written.cells[1])).toMatchObject({ status: 'pending' });
  });

  it('glue() from a tslab cell lands in the outputs, metadata.papermill.glue and the result; the tfjs backend is recorded', async () => {
    const { result, written } = await run({ inputPath: fixture('glue.ipynb'), cwd: PROJECT_ROOT, parameters: { epochs: 4 } });
    expect(result.exitCode).toBe(0);
    expect(result.glue).toEqual({ epochs_seen: 4, rmse: 0.125, label: 'run-4' });
    expect(written.metadata.papermill).toMatchObject({ glue: { epochs_seen: 4, rmse: 0.125, label: 'run-4' }, tfjs_backend: 'cpu' });
    expect((written.cells[3] as CodeCell).outputs[0]).toEqual({
      output_type: 'display_data', data: { 'application/vnd.lstm-workbench.glue+json': { name: 'epochs_seen', value: 4 } }, metadata: {},
    });
  });
});

export type { ExecuteNotebookResult };
