/**
 * `executeNotebook`: papermill's `execute_notebook` for tslab notebooks. Parameterizes, starts the
 * kernel, runs code cells in order, records outputs and `metadata.papermill`, and writes the
 * output notebook on every exit path (success, failing cell, dead kernel, timeout, abort).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors';
import { readGlue, type GlueValue } from './glue';
import { HEADLESS_ENV_VAR } from './headless';
import { KernelClient, KernelDiedError, type ExecuteReply } from './kernel';
import { findKernelSpec, type KernelSearchOptions, type KernelSpec } from './kernelspec';
import type { JupyterMessage } from './messages';
import {
  readNotebook, sourceText, writeNotebook, type Cell, type CodeCell, type DisplayDataOutput, type ErrorOutput, type Notebook,
  type Output, type StreamOutput,
} from './nbformat';
import { defaultParameterValues, findParametersCell, parameterizeNotebook, type Parameters } from './parameters';
import { errorWriteCount, parseTslabError, type ErrorFields } from './tslabErrors';
import { assertWritableFile } from '../io/writable';

/** Exit code for a notebook whose kernel died (papermill's convention: 128 + 10). */
export const EXIT_KERNEL_DIED = 138;
/** Exit code for a failing cell or a cell timeout. */
export const EXIT_FAILED = 1;
/** Exit code for an interrupted run (Ctrl-C, 128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;
/** Seconds a timed-out or interrupted cell gets to stop after SIGINT before the kernel is killed. */
export const DEFAULT_INTERRUPT_GRACE_S = 3;
/** Tag of the markdown cells the runner adds to point at a failure (papermill's tag). */
export const ERROR_CELL_TAG = 'papermill-error-cell-tag';

/** How a run ended. */
export type RunStatus = 'completed' | 'failed' | 'timeout' | 'kernel-died' | 'interrupted' | 'prepared';

/** Progress events, for progress bars and `--log-output`. */
export type ExecuteEvent =
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'kernel-started'; readonly pid: number; readonly seconds: number }
  | { readonly type: 'cell-start'; readonly cellIndex: number; readonly codeIndex: number; readonly codeCells: number }
  | { readonly type: 'cell-end'; readonly cellIndex: number; readonly status: 'completed' | 'failed'; readonly seconds: number }
  | { readonly type: 'stream'; readonly cellIndex: number; readonly name: 'stdout' | 'stderr'; readonly text: string };

/** Options for {@link executeNotebook}; mirrors papermill's CLI. */
export interface ExecuteNotebookOptions {
  /** The notebook to run. */
  readonly inputPath: string;
  /** Where to write the executed notebook. */
  readonly outputPath: string;
  /** Parameters to inject (already parsed). @defaultValue `{}` */
  readonly parameters?: Readonly<Parameters>;
  /** Kernel name; overrides the notebook's `metadata.kernelspec.name`. */
  readonly kernelName?: string;
  /**
   * Kernel working directory. @defaultValue the input notebook's folder. Porting note: papermill
   * inherits the caller's directory; we use the notebook's, as Jupyter does, so relative paths and
   * tslab's `rootDir` behave as they do when the notebook is opened interactively.
   */
  readonly cwd?: string;
  /** Parameterize and write the output without executing. @defaultValue false */
  readonly prepareOnly?: boolean;
  /** Per-cell limit in seconds; the cell is interrupted, then the kernel killed. @defaultValue none */
  readonly executionTimeoutS?: number;
  /** Seconds to wait for the kernel to start. @defaultValue 60 */
  readonly startTimeoutS?: number;
  /** Seconds between SIGINT and SIGKILL for a timed-out or aborted cell. @defaultValue {@link DEFAULT_INTERRUPT_GRACE_S} */
  readonly interruptGraceS?: number;
  /** Rewrite the output notebook (atomically) after each cell. @defaultValue false */
  readonly requestSaveOnCellExecute?: boolean;
  /** Hide code cell inputs in the output (`metadata.jupyter.source_hidden`). @defaultValue false */
  readonly reportMode?: boolean;
  /** Aborts the run (Ctrl-C): the running cell is interrupted and the partial notebook written. */
  readonly signal?: AbortSignal;
  /** Receives progress events. */
  readonly onEvent?: (event: ExecuteEvent) => void;
  /**
   * Extra environment variables for the kernel process (e.g. `NODE_OPTIONS`). The runner also sets
   * `LSTM_WORKBENCH_HEADLESS=1` (see `isHeadlessRun`); a value given here wins.
   */
  readonly kernelEnv?: Readonly<Record<string, string>>;
  /** Where kernelspecs are searched. */
  readonly kernelSearch?: KernelSearchOptions;
}

/** The failure that stopped a run. */
export interface RunFailure {
  readonly cellIndex: number;
  readonly ename: string;
  readonly evalue: string;
}

/** What {@link executeNotebook} returns. */
export interface ExecuteNotebookResult {
  readonly status: RunStatus;
  /** Process exit code for this outcome: 0, 1, 130 or 138. */
  readonly exitCode: number;
  /** The output notebook as written. */
  readonly notebook: Notebook;
  readonly failure?: RunFailure;
  /** One line for the terminal. */
  readonly summary: string;
  /** Wall time of the whole run, seconds. */
  readonly durationS: number;
  /** Kernel start time, seconds (0 for `prepareOnly`). */
  readonly kernelStartS: number;
  /** Sum of the executed cells' durations, seconds. */
  readonly cellsS: number;
  /** Values recorded with `glue()`. */
  readonly glue: Record<string, GlueValue>;
}

/** A notebook checked and parameterized, ready to run: everything that can fail with exit 2. */
export interface PreparedRun {
  readonly notebook: Notebook;
  readonly spec: KernelSpec;
  readonly warnings: readonly string[];
}

/**
 * Validates the inputs and parameterizes the notebook without starting anything.
 *
 * @throws InputError for an unreadable or invalid notebook, an unknown kernel, bad parameters
 */
export function prepareRun(options: ExecuteNotebookOptions): PreparedRun {
  const input = readNotebook(options.inputPath);
  const kernelName: unknown = options.kernelName ?? input.metadata.kernelspec?.name;
  if (kernelName === undefined || kernelName === '') {
    throw new InputError(`${options.inputPath} has no metadata.kernelspec.name; pass --kernel NAME`, { file: options.inputPath });
  }
  if (typeof kernelName !== 'string') {
    throw new InputError(
      `${options.inputPath}: metadata.kernelspec.name must be a string, got ${JSON.stringify(kernelName)}; fix the notebook or pass --kernel NAME`,
      { file: options.inputPath, value: kernelName },
    );
  }
  const spec = findKernelSpec(kernelName, options.kernelSearch);
  // Found now, not after the whole run: OUTPUT a directory, under a file, or not writable.
  assertWritableFile(options.outputPath, 'OUTPUT');
  if (options.cwd !== undefined && !fs.statSync(options.cwd, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InputError(`--cwd must be an existing folder, got ${JSON.stringify(options.cwd)}`, { argument: 'cwd', value: options.cwd });
  }
  for (const [name, value] of [['executionTimeoutS', options.executionTimeoutS], ['startTimeoutS', options.startTimeoutS]] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new InputError(`${name} must be a positive number of seconds, got ${value}`, { argument: name, value });
    }
  }
  const { notebook, warnings } = parameterizeNotebook(input, options.parameters ?? {});
  return { notebook, spec, warnings };
}

/**
 * Runs a notebook and writes the executed copy.
 *
 * Never throws for notebook failures: a failing cell, a dead kernel, a timeout or an abort give a
 * result with `status` and `exitCode`, and the output notebook is written with the failing cell's
 * `error` output, papermill's error banner cells, and `metadata.papermill`. Later cells keep
 * `status: "pending"`.
 *
 * @throws InputError (exit 2) before anything starts and without writing the output: see {@link prepareRun}
 * @example
 * const result = await executeNotebook({ inputPath: 'in.ipynb', outputPath: 'out.ipynb', parameters: { epochs: 1 } });
 * process.exitCode = result.exitCode;
 */
export async function executeNotebook(options: ExecuteNotebookOptions): Promise<ExecuteNotebookResult> {
  const started = Date.now();
  const prepared = prepareRun(options);
  const emit = options.onEvent ?? (() => undefined);
  for (const message of prepared.warnings) emit({ type: 'warning', message });
  const nb = prepared.notebook;
  const parametersIndex = findParametersCell(nb.cells);
  const papermill: Record<string, unknown> = {
    default_parameters: parametersIndex < 0 ? {} : defaultParameterValues(sourceText(nb.cells[parametersIndex].source)),
    parameters: { ...(options.parameters ?? {}) },
    input_path: options.inputPath,
    output_path: options.outputPath,
    kernel_name: prepared.spec.name,
    start_time: new Date(started).toISOString(),
    end_time: null,
    duration: null,
    exception: null,
    kernel_start_duration: null,
    versions: runtimeVersions(),
    tfjs_backend: null,
  };
  nb.metadata.papermill = papermill;
  if (nb.metadata.kernelspec === undefined || options.kernelName !== undefined) {
    nb.metadata.kernelspec = {
      name: prepared.spec.name, display_name: prepared.spec.spec.display_name, language: prepared.spec.spec.language ?? 'typescript',
    };
  }
  const codeCells = nb.cells.flatMap((cell, index) => (cell.cell_type === 'code' ? [index] : []));
  for (const index of codeCells) {
    const cell = nb.cells[index] as CodeCell;
    cell.outputs = [];
    cell.execution_count = null;
    cell.metadata.papermill = { exception: null, start_time: null, end_time: null, duration: null, status: 'pending' };
    if (options.reportMode) cell.metadata.jupyter = { ...cell.metadata.jupyter, source_hidden: true };
  }
  const save = () => writeNotebook(options.outputPath, nb);
  const finish = (
    status: RunStatus, exitCode: number, kernelStartS: number, cellsS: number, failure?: RunFailure,
  ): ExecuteNotebookResult => {
    const ended = Date.now();
    papermill.end_time = new Date(ended).toISOString();
    papermill.duration = (ended - started) / 1000;
    papermill.exception = failure !== undefined;
    papermill.kernel_start_duration = kernelStartS;
    const glued = readGlue(nb);
    if (Object.keys(glued).length > 0) papermill.glue = glued;
    save();
    const durationS = (ended - started) / 1000;
    const summary = failure === undefined
      ? `${status === 'prepared' ? 'Prepared' : 'Executed'} ${options.inputPath} -> ${options.outputPath} ` +
        `(${codeCells.length} code cells, ${durationS.toFixed(1)} s${status === 'prepared' ? '' : `, kernel start ${kernelStartS.toFixed(1)} s`})`
      : `${status === 'kernel-died' ? 'Kernel died' : status === 'timeout' ? 'Timed out' : status === 'interrupted' ? 'Interrupted' : 'Failed'} ` +
        `at ${describeCell(nb, failure.cellIndex)} of ${options.inputPath}: ${failure.ename}: ${firstLine(failure.evalue)} ` +
        `(output: ${options.outputPath})`;
    return { status, exitCode, notebook: nb, failure, summary, durationS, kernelStartS, cellsS, glue: glued };
  };

  if (options.prepareOnly) return finish('prepared', 0, 0, 0);
  save();

  const kernelStarted = Date.now();
  const cwd = path.resolve(options.cwd ?? path.dirname(path.resolve(options.inputPath)));
  let kernel: KernelClient;
  try {
    // The headless flag lets live displays (training monitors) update rarely: nobody watches.
    const env = { [HEADLESS_ENV_VAR]: '1', ...options.kernelEnv };
    kernel = await KernelClient.start({ spec: prepared.spec, cwd, startTimeoutS: options.startTimeoutS, env });
  } catch (error) {
    const failure = { cellIndex: -1, ename: (error as Error).name, evalue: (error as Error).message };
    papermill.exception = true;
    const result = finish('failed', EXIT_FAILED, (Date.now() - kernelStarted) / 1000, 0, failure);
    return { ...result, summary: `Kernel ${prepared.spec.name} failed to start: ${firstLine(failure.evalue)}` };
  }
  const kernelStartS = (Date.now() - kernelStarted) / 1000;
  emit({ type: 'kernel-started', pid: kernel.pid, seconds: kernelStartS });

  let cellsS = 0;
  let outcome: { status: RunStatus; exitCode: number; failure?: RunFailure } = { status: 'completed', exitCode: 0 };
  try {
    for (const [codeIndex, cellIndex] of codeCells.entries()) {
      if (options.signal?.aborted) {
        outcome = { status: 'interrupted', exitCode: EXIT_INTERRUPTED, failure: { cellIndex, ename: 'KeyboardInterrupt', evalue: 'Run aborted before this cell' } };
        break;
      }
      const cell = nb.cells[cellIndex] as CodeCell;
      emit({ type: 'cell-start', cellIndex, codeIndex, codeCells: codeCells.length });
      const cellStarted = Date.now();
      cell.metadata.papermill = { ...cell.metadata.papermill, start_time: new Date(cellStarted).toISOString(), status: 'running' };
      if (options.requestSaveOnCellExecute) save();
      const ran = await runCell(kernel, nb, cellIndex, options, emit);
      const cellEnded = Date.now();
      cellsS += (cellEnded - cellStarted) / 1000;
      const failed = ran.error !== undefined;
      cell.metadata.papermill = {
        exception: failed,
        start_time: new Date(cellStarted).toISOString(),
        end_time: new Date(cellEnded).toISOString(),
        duration: (cellEnded - cellStarted) / 1000,
        status: failed ? 'failed' : 'completed',
        ...(ran.outputsLost ? { outputs_incomplete: true } : {}),
      };
      if (ran.outputsLost) {
        emit({
          type: 'warning',
          message: `cell ${cellIndex}: the kernel lost some outputs (tslab drops messages when a cell writes ` +
            'more than about a thousand outputs in one burst; join lines into fewer writes)',
        });
      }
      emit({ type: 'cell-end', cellIndex, status: failed ? 'failed' : 'completed', seconds: (cellEnded - cellStarted) / 1000 });
      if (ran.error !== undefined) {
        const { ename, evalue } = ran.error;
        outcome = { status: ran.status, exitCode: exitCodeFor(ran.status), failure: { cellIndex, ename, evalue } };
        break;
      }
      if (options.requestSaveOnCellExecute) save();
    }
    if (outcome.failure === undefined && kernel.alive) papermill.tfjs_backend = await probeTfjsBackend(kernel);
  } finally {
    await kernel.shutdown();
  }
  if (outcome.failure !== undefined && outcome.failure.cellIndex >= 0) {
    addErrorBanner(nb, outcome.failure.cellIndex);
    const shift = 2; // banner at the top and anchor before the cell
    outcome = { ...outcome, failure: { ...outcome.failure, cellIndex: outcome.failure.cellIndex + shift } };
  }
  return finish(outcome.status, outcome.exitCode, kernelStartS, cellsS, outcome.failure);
}

function exitCodeFor(status: RunStatus): number {
  if (status === 'kernel-died') return EXIT_KERNEL_DIED;
  if (status === 'interrupted') return EXIT_INTERRUPTED;
  return status === 'completed' || status === 'prepared' ? 0 : EXIT_FAILED;
}

interface CellRun {
  readonly status: RunStatus;
  readonly error?: ErrorFields;
  /** The kernel lost some of this cell's outputs (see `ExecuteReply.iopubIncomplete`). */
  readonly outputsLost?: boolean;
}

/** Runs one cell, collecting its outputs into the notebook; applies the timeout and abort policy. */
async function runCell(
  kernel: KernelClient, nb: Notebook, cellIndex: number, options: ExecuteNotebookOptions, emit: (event: ExecuteEvent) => void,
): Promise<CellRun> {
  const cell = nb.cells[cellIndex] as CodeCell;
  // Raw stream writes, kept unmerged so the writes that report an error can be told apart.
  const outputs: Output[] = [];
  const stderrWrites: StreamOutput[] = [];
  const onIopub = (message: JupyterMessage) => {
    const content = message.content as Record<string, unknown>;
    switch (message.header.msg_type) {
      case 'stream': {
        const output: StreamOutput = { output_type: 'stream', name: content.name as 'stdout' | 'stderr', text: String(content.text) };
        outputs.push(output);
        if (output.name === 'stderr') stderrWrites.push(output);
        emit({ type: 'stream', cellIndex, name: output.name, text: output.text as string });
        break;
      }
      case 'display_data':
      case 'execute_result': {
        const transient = (content.transient ?? {}) as { display_id?: string };
        const output: DisplayDataOutput = {
          output_type: 'display_data',
          data: (content.data ?? {}) as Record<string, unknown>,
          metadata: (content.metadata ?? {}) as Record<string, unknown>,
        };
        if (transient.display_id !== undefined) output.transient = { display_id: transient.display_id };
        outputs.push(output);
        break;
      }
      case 'update_display_data': {
        const id = ((content.transient ?? {}) as { display_id?: string }).display_id;
        if (id !== undefined) updateDisplay(nb, outputs, id, content);
        break;
      }
      case 'clear_output':
        outputs.length = 0;
        stderrWrites.length = 0;
        break;
      case 'error':
        outputs.push({
          output_type: 'error', ename: String(content.ename), evalue: String(content.evalue),
          traceback: (content.traceback as string[]) ?? [],
        });
        break;
      default:
        break;
    }
  };

  const execution = kernel.execute(sourceText(cell.source), { onIopub });
  // Timeout and abort share one policy: SIGINT now, SIGKILL of the process group after the grace.
  let stopReason: 'timeout' | 'abort' | null = null;
  const settled = execution.catch(() => undefined);
  const stop = (reason: 'timeout' | 'abort') => {
    if (stopReason !== null) return;
    stopReason = reason;
    kernel.interrupt();
    const killTimer = setTimeout(() => kernel.kill(), (options.interruptGraceS ?? DEFAULT_INTERRUPT_GRACE_S) * 1000);
    void settled.finally(() => clearTimeout(killTimer));
  };
  if (options.executionTimeoutS !== undefined) {
    const timer = setTimeout(() => stop('timeout'), options.executionTimeoutS * 1000);
    void settled.finally(() => clearTimeout(timer));
  }
  const signal = options.signal;
  if (signal !== undefined) {
    const onAbort = () => stop('abort');
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    void settled.finally(() => signal.removeEventListener('abort', onAbort));
  }

  let reply: ExecuteReply | null = null;
  let died: KernelDiedError | null = null;
  try {
    reply = await execution;
  } catch (error) {
    if (!(error instanceof KernelDiedError)) throw error;
    died = error;
  }

  let result: CellRun;
  if (stopReason !== null) {
    dropErrorWrites(outputs, stderrWrites);
    const how = died === null ? 'interrupted' : 'kernel killed';
    result = stopReason === 'timeout'
      ? {
        status: 'timeout',
        error: errorFields('CellTimeoutError', `Cell execution timed out after ${options.executionTimeoutS} s (${how})`),
      }
      : { status: 'interrupted', error: errorFields('KeyboardInterrupt', `Execution interrupted (${how})`) };
  } else if (died !== null) {
    // V8's fatal-error banner says why (e.g. "Reached heap limit"); its native stack does not.
    const lines = died.processOutput.trim().split('\n');
    const fatal = lines.filter((line) => /FATAL ERROR|out of memory/i.test(line));
    const tail = (fatal.length > 0 ? fatal : lines.slice(-5)).join('\n');
    result = { status: 'kernel-died', error: errorFields('DeadKernelError', `${died.message}${tail ? `\n${tail}` : ''}`) };
  } else if (reply !== null && reply.status !== 'ok') {
    const count = errorWriteCount(stderrWrites.map((write) => write.text as string));
    const reported = stderrWrites.slice(stderrWrites.length - count).map((write) => write.text as string).join('');
    dropErrorWrites(outputs, stderrWrites, count);
    result = {
      status: 'failed',
      error: reply.status === 'abort'
        ? errorFields('ExecutionAborted', 'The kernel aborted this request (tslab drops requests sent within 200 ms of an error)')
        : parseTslabError(reported || 'Error: the cell failed without an error message'),
    };
  } else {
    result = { status: 'completed' };
  }
  if (reply?.iopubIncomplete) result = { ...result, outputsLost: true };
  if (reply !== null && typeof reply.content.execution_count === 'number') cell.execution_count = reply.content.execution_count;
  if (result.error !== undefined) {
    const error: ErrorOutput = { output_type: 'error', ...result.error };
    outputs.push(error);
  }
  cell.outputs = mergeStreams(outputs);
  return result;
}

function errorFields(ename: string, evalue: string): ErrorFields {
  return { ename, evalue, traceback: [`${ename}: ${evalue}`] };
}

/** Removes the last `count` stderr writes (the error report) from the outputs. */
function dropErrorWrites(outputs: Output[], stderrWrites: readonly StreamOutput[], count = 1): void {
  for (const write of stderrWrites.slice(Math.max(0, stderrWrites.length - count))) {
    const at = outputs.lastIndexOf(write);
    if (at >= 0) outputs.splice(at, 1);
  }
}

/** Applies `update_display_data` to every output with that display id, in this cell and earlier ones. */
function updateDisplay(nb: Notebook, current: Output[], id: string, content: Record<string, unknown>): void {
  const all = [current, ...nb.cells.filter((cell): cell is CodeCell => cell.cell_type === 'code').map((cell) => cell.outputs)];
  for (const outputs of all) {
    for (const output of outputs) {
      if (output.output_type === 'display_data' && output.transient?.display_id === id) {
        output.data = (content.data ?? {}) as Record<string, unknown>;
        output.metadata = (content.metadata ?? {}) as Record<string, unknown>;
      }
    }
  }
}

/** Joins consecutive stream writes of the same name, as Jupyter front ends do. */
function mergeStreams(outputs: readonly Output[]): Output[] {
  const merged: Output[] = [];
  for (const output of outputs) {
    const last = merged[merged.length - 1];
    if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
      merged[merged.length - 1] = { ...last, text: sourceText(last.text) + sourceText(output.text) };
    } else {
      merged.push(output);
    }
  }
  return merged;
}

function addErrorBanner(nb: Notebook, cellIndex: number): void {
  const style = 'color:red; font-family:Helvetica Neue, Helvetica, Arial, sans-serif; font-size:2em;';
  const anchor: Cell = {
    cell_type: 'markdown',
    metadata: { tags: [ERROR_CELL_TAG] },
    source: `<span id="papermill-error-cell" style="${style}">Execution using run-notebook encountered an exception here and stopped:</span>`,
  };
  const count = (nb.cells[cellIndex] as CodeCell).execution_count;
  const banner: Cell = {
    cell_type: 'markdown',
    metadata: { tags: [ERROR_CELL_TAG] },
    source: `<span style="${style}">An Exception was encountered at '<a href="#papermill-error-cell">In [${count ?? cellIndex}]</a>'.</span>`,
  };
  if (nb.cells.some((cell) => cell.id !== undefined)) {
    anchor.id = 'papermill-error-cell-anchor';
    banner.id = 'papermill-error-cell-banner';
  }
  nb.cells.splice(cellIndex, 0, anchor);
  nb.cells.unshift(banner);
}

/** Asks the kernel which tfjs backend is active (null when tfjs was never loaded). */
async function probeTfjsBackend(kernel: KernelClient): Promise<string | null> {
  let text = '';
  const marker = '__run_notebook_tfjs_backend__';
  try {
    await kernel.execute(
      `console.log("${marker}" + JSON.stringify((globalThis as any)._tfengine?.backendName ?? null))`,
      { onIopub: (message) => { if (message.header.msg_type === 'stream') text += String(message.content.text); } },
    );
    const line = text.split('\n').find((l) => l.startsWith(marker));
    return line === undefined ? null : (JSON.parse(line.slice(marker.length)) as string | null);
  } catch {
    return null;
  }
}

function runtimeVersions(): Record<string, string> {
  // tslab is an optional peer: a kernel from another kernelspec may run without a local copy.
  const version = (file: () => string): string => {
    try {
      return (JSON.parse(fs.readFileSync(file(), 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    runner: version(() => path.resolve(__dirname, '..', '..', 'package.json')),
    tslab: version(() => require.resolve('tslab/package.json')),
    node: process.version,
  };
}

/** `cell 4 ("throw new Error('x')")`: the output notebook's index and the first source line. */
function describeCell(nb: Notebook, cellIndex: number): string {
  const cell = nb.cells[cellIndex];
  if (cell === undefined) return 'start-up';
  const line = firstLine(sourceText(cell.source).trim());
  return `cell ${cellIndex} (${JSON.stringify(line.length > 60 ? `${line.slice(0, 57)}...` : line)})`;
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
