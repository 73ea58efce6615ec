/**
 * `executeNotebook`: papermill's `execute_notebook` for tslab notebooks. Parameterizes, starts the
 * kernel, runs code cells in order, records outputs and `metadata.papermill`, and writes the
 * output notebook on every exit path (success, failing cell, dead kernel, timeout, abort).
 *
 * The run's bookkeeping (timings, statuses, saves) is `NotebookExecutionManager`'s
 * (`executionManager.ts`), the banner that points at a failing cell is `errorBanner.ts`'s; this
 * file is the engine: the kernel, the cell loop, and one cell's outputs and outcome.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HEADLESS_ENV_VAR } from './headless';
import { InputError } from '../errors';
import { ERROR_BANNER_CELLS, withErrorBanner } from './errorBanner';
import { NotebookExecutionManager, type ExecuteEvent, type RunTimes } from './executionManager';
import type { GlueValue } from './glue';
import { KernelClient, KernelDiedError, type ExecuteReply } from './kernel';
import { findKernelSpec, type KernelSearchOptions, type KernelSpec } from './kernelspec';
import type { JupyterMessage } from './messages';
import {
  readNotebook, sourceText, type CodeCell, type DisplayDataOutput, type ErrorOutput, type Notebook, type Output, type StreamOutput,
} from './nbformat';
import { parameterizeNotebook, type Parameters } from './parameters';
import { errorWriteCount, parseTslabError, type ErrorFields } from './tslabErrors';
import { assertWritableFile } from '../io/writable';

export { ERROR_CELL_TAG } from './errorBanner';
export type { ExecuteEvent } from './executionManager';

/** Exit code for a notebook whose kernel died (papermill's convention: 128 + 10). */
export const EXIT_KERNEL_DIED = 138;
/** Exit code for a failing cell or a cell timeout. */
export const EXIT_FAILED = 1;
/** Exit code for an interrupted run (Ctrl-C, 128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;
/** Seconds a timed-out or interrupted cell gets to stop after SIGINT before the kernel is killed. */
export const DEFAULT_INTERRUPT_GRACE_S = 3;

/** How a run ended. */
export type RunStatus = 'completed' | 'failed' | 'timeout' | 'kernel-died' | 'interrupted' | 'prepared';

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
  const startedMs = Date.now();
  const prepared = prepareRun(options);
  const emit = options.onEvent ?? (() => undefined);
  for (const message of prepared.warnings) emit({ type: 'warning', message });
  const manager = new NotebookExecutionManager(prepared.notebook, {
    outputPath: options.outputPath, startedMs, saveOnCellExecute: options.requestSaveOnCellExecute, onEvent: emit,
  });
  manager.notebookStart({ inputPath: options.inputPath, parameters: options.parameters ?? {}, kernelName: prepared.spec.name });
  applyNotebookOptions(prepared, options);
  if (options.prepareOnly) return finishRun(manager, options, { status: 'prepared', exitCode: 0 });
  manager.save();

  const started = await startKernel(prepared.spec, manager, options);
  if (started.failure !== undefined) {
    const result = finishRun(manager, options, { status: 'failed', exitCode: EXIT_FAILED, failure: started.failure });
    return { ...result, summary: `Kernel ${prepared.spec.name} failed to start: ${firstLine(started.failure.evalue)}` };
  }
  const outcome = await runCells(started.kernel, manager, options, emit);
  return finishRun(manager, options, outcome);
}

/** How a run ended, before the error banner moves the failing cell. */
interface RunOutcome {
  readonly status: RunStatus;
  readonly exitCode: number;
  readonly failure?: RunFailure;
}

/** Stamps the kernel actually used into `metadata.kernelspec` and, in report mode, hides code inputs. */
function applyNotebookOptions(prepared: PreparedRun, options: ExecuteNotebookOptions): void {
  const nb = prepared.notebook;
  if (nb.metadata.kernelspec === undefined || options.kernelName !== undefined) {
    nb.metadata.kernelspec = {
      name: prepared.spec.name, display_name: prepared.spec.spec.display_name, language: prepared.spec.spec.language ?? 'typescript',
    };
  }
  if (!options.reportMode) return;
  for (const cell of nb.cells) {
    if (cell.cell_type === 'code') cell.metadata.jupyter = { ...cell.metadata.jupyter, source_hidden: true };
  }
}

/** Starts the kernel in the run's working directory; a failure to start is a result, not a throw. */
async function startKernel(
  spec: KernelSpec, manager: NotebookExecutionManager, options: ExecuteNotebookOptions,
): Promise<{ readonly kernel: KernelClient; readonly failure?: undefined } | { readonly failure: RunFailure }> {
  manager.kernelStart();
  const cwd = path.resolve(options.cwd ?? path.dirname(path.resolve(options.inputPath)));
  let kernel: KernelClient;
  try {
    // The headless flag lets live displays (training monitors) update rarely: nobody watches.
    const env = { [HEADLESS_ENV_VAR]: '1', ...options.kernelEnv };
    kernel = await KernelClient.start({ spec, cwd, startTimeoutS: options.startTimeoutS, env });
  } catch (error) {
    manager.kernelFailed();
    return { failure: { cellIndex: -1, ename: (error as Error).name, evalue: (error as Error).message } };
  }
  manager.kernelReady(kernel.pid);
  return { kernel };
}

/**
 * The engine loop: runs the code cells in order, reporting each start and end to the manager, and
 * stops at the first failure or abort. The kernel is shut down however the loop ends.
 */
async function runCells(
  kernel: KernelClient, manager: NotebookExecutionManager, options: ExecuteNotebookOptions, emit: (event: ExecuteEvent) => void,
): Promise<RunOutcome> {
  try {
    for (const [codeIndex, cellIndex] of manager.codeCells.entries()) {
      if (options.signal?.aborted) {
        return {
          status: 'interrupted', exitCode: EXIT_INTERRUPTED, failure: { cellIndex, ename: 'KeyboardInterrupt', evalue: 'Run aborted before this cell' },
        };
      }
      manager.cellStart(cellIndex, codeIndex);
      const ran = await runCell(kernel, manager.nb, cellIndex, options, emit);
      manager.cellEnd(cellIndex, { failed: ran.error !== undefined, outputsLost: ran.outputsLost === true });
      if (ran.error !== undefined) {
        const { ename, evalue } = ran.error;
        return { status: ran.status, exitCode: exitCodeFor(ran.status), failure: { cellIndex, ename, evalue } };
      }
    }
    if (kernel.alive) manager.recordTfjsBackend(await probeTfjsBackend(kernel));
    return { status: 'completed', exitCode: 0 };
  } finally {
    await kernel.shutdown();
  }
}

/** The finish: the error banner for a failing cell, then notebook end (metadata and write), then the result. */
function finishRun(manager: NotebookExecutionManager, options: ExecuteNotebookOptions, outcome: RunOutcome): ExecuteNotebookResult {
  const nb = manager.nb;
  let failure = outcome.failure;
  if (failure !== undefined && failure.cellIndex >= 0) {
    nb.cells = withErrorBanner(nb.cells, failure.cellIndex);
    failure = { ...failure, cellIndex: failure.cellIndex + ERROR_BANNER_CELLS };
  }
  const times = manager.notebookEnd(failure !== undefined);
  const { status, exitCode } = outcome;
  const summary = runSummary(nb, options, status, manager.codeCells.length, times, failure);
  return { status, exitCode, notebook: nb, failure, summary, ...times };
}

/** The one line for the terminal. */
function runSummary(
  nb: Notebook, options: ExecuteNotebookOptions, status: RunStatus, codeCells: number, times: RunTimes, failure?: RunFailure,
): string {
  if (failure === undefined) {
    return `${status === 'prepared' ? 'Prepared' : 'Executed'} ${options.inputPath} -> ${options.outputPath} ` +
      `(${codeCells} code cells, ${times.durationS.toFixed(1)} s${status === 'prepared' ? '' : `, kernel start ${times.kernelStartS.toFixed(1)} s`})`;
  }
  return `${status === 'kernel-died' ? 'Kernel died' : status === 'timeout' ? 'Timed out' : status === 'interrupted' ? 'Interrupted' : 'Failed'} ` +
    `at ${describeCell(nb, failure.cellIndex)} of ${options.inputPath}: ${failure.ename}: ${firstLine(failure.evalue)} ` +
    `(output: ${options.outputPath})`;
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
  const collected = collectOutputs(nb, cellIndex, emit);
  const execution = kernel.execute(sourceText(cell.source), { onIopub: collected.onIopub });
  const stopReason = guardExecution(kernel, execution, options);
  const ended = await awaitReply(execution);
  let result = classifyCell(stopReason(), ended, collected, options);
  const { reply } = ended;
  if (reply?.iopubIncomplete) result = { ...result, outputsLost: true };
  if (reply !== null && typeof reply.content.execution_count === 'number') cell.execution_count = reply.content.execution_count;
  if (result.error !== undefined) {
    const error: ErrorOutput = { output_type: 'error', ...result.error };
    collected.outputs.push(error);
  }
  cell.outputs = mergeStreams(collected.outputs);
  return result;
}

/** A running cell's outputs. Raw stream writes, kept unmerged so the writes that report an error can be told apart. */
interface CollectedOutputs {
  readonly outputs: Output[];
  readonly stderrWrites: StreamOutput[];
  readonly onIopub: (message: JupyterMessage) => void;
}

/** An iopub handler that collects a cell's outputs (and applies display updates to earlier cells). */
function collectOutputs(nb: Notebook, cellIndex: number, emit: (event: ExecuteEvent) => void): CollectedOutputs {
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
      case 'execute_result':
        outputs.push(displayOutput(content));
        break;
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
  return { outputs, stderrWrites, onIopub };
}

/** A `display_data` output from a `display_data` or `execute_result` message, keeping its display id. */
function displayOutput(content: Record<string, unknown>): DisplayDataOutput {
  const transient = (content.transient ?? {}) as { display_id?: string };
  const output: DisplayDataOutput = {
    output_type: 'display_data',
    data: (content.data ?? {}) as Record<string, unknown>,
    metadata: (content.metadata ?? {}) as Record<string, unknown>,
  };
  if (transient.display_id !== undefined) output.transient = { display_id: transient.display_id };
  return output;
}

type StopReason = 'timeout' | 'abort';

/**
 * Arms the timeout and the abort signal for one execution. Both share one policy: SIGINT now,
 * SIGKILL of the process group after the grace. Returns what stopped the cell (null: nothing).
 */
function guardExecution(kernel: KernelClient, execution: Promise<unknown>, options: ExecuteNotebookOptions): () => StopReason | null {
  let stopReason: StopReason | null = null;
  const settled = execution.catch(() => undefined);
  const stop = (reason: StopReason) => {
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
  return () => stopReason;
}

/** An execution's end: the reply, or the kernel's death (any other error is thrown). */
interface ExecutionEnd {
  readonly reply: ExecuteReply | null;
  readonly died: KernelDiedError | null;
}

async function awaitReply(execution: Promise<ExecuteReply>): Promise<ExecutionEnd> {
  try {
    return { reply: await execution, died: null };
  } catch (error) {
    if (!(error instanceof KernelDiedError)) throw error;
    return { reply: null, died: error };
  }
}

/** How a cell ended, from what stopped it, the kernel's reply and its stderr; drops the error's own stderr writes. */
function classifyCell(
  stopReason: StopReason | null, { reply, died }: ExecutionEnd, { outputs, stderrWrites }: CollectedOutputs, options: ExecuteNotebookOptions,
): CellRun {
  if (stopReason !== null) {
    dropErrorWrites(outputs, stderrWrites);
    const how = died === null ? 'interrupted' : 'kernel killed';
    return stopReason === 'timeout'
      ? { status: 'timeout', error: errorFields('CellTimeoutError', `Cell execution timed out after ${options.executionTimeoutS} s (${how})`) }
      : { status: 'interrupted', error: errorFields('KeyboardInterrupt', `Execution interrupted (${how})`) };
  }
  if (died !== null) {
    // V8's fatal-error banner says why (e.g. "Reached heap limit"); its native stack does not.
    const lines = died.processOutput.trim().split('\n');
    const fatal = lines.filter((line) => /FATAL ERROR|out of memory/i.test(line));
    const tail = (fatal.length > 0 ? fatal : lines.slice(-5)).join('\n');
    return { status: 'kernel-died', error: errorFields('DeadKernelError', `${died.message}${tail ? `\n${tail}` : ''}`) };
  }
  if (reply !== null && reply.status !== 'ok') {
    const count = errorWriteCount(stderrWrites.map((write) => write.text as string));
    const reported = stderrWrites.slice(stderrWrites.length - count).map((write) => write.text as string).join('');
    dropErrorWrites(outputs, stderrWrites, count);
    return {
      status: 'failed',
      error: reply.status === 'abort'
        ? errorFields('ExecutionAborted', 'The kernel aborted this request (tslab drops requests sent within 200 ms of an error)')
        : parseTslabError(reported || 'Error: the cell failed without an error message'),
    };
  }
  return { status: 'completed' };
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
