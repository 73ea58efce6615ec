/**
 * Run bookkeeping for `executeNotebook`, apart from the engine that executes (papermill's
 * `NotebookExecutionManager`): notebook start, kernel start, cell start, cell end and notebook end,
 * each stamping `metadata.papermill` on the notebook or its cells, emitting the progress event and
 * saving the output notebook where the run asks for it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readGlue, type GlueValue } from './glue';
import { sourceText, writeNotebook, type CodeCell, type Notebook } from './nbformat';
import { defaultParameterValues, findParametersCell, type Parameters } from './parameters';

/** Progress events, for progress bars and `--log-output`. */
export type ExecuteEvent =
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'kernel-started'; readonly pid: number; readonly seconds: number }
  | { readonly type: 'cell-start'; readonly cellIndex: number; readonly codeIndex: number; readonly codeCells: number }
  | { readonly type: 'cell-end'; readonly cellIndex: number; readonly status: 'completed' | 'failed'; readonly seconds: number }
  | { readonly type: 'stream'; readonly cellIndex: number; readonly name: 'stdout' | 'stderr'; readonly text: string };

/** Options for {@link NotebookExecutionManager}. */
export interface ExecutionManagerOptions {
  /** Where {@link NotebookExecutionManager.save} writes the notebook (atomically). */
  readonly outputPath: string;
  /** When the run started, ms since the epoch (`metadata.papermill.start_time`). @defaultValue `Date.now()` at construction */
  readonly startedMs?: number;
  /** Save after each cell starts and after each cell that completes. @defaultValue false */
  readonly saveOnCellExecute?: boolean;
  /** Receives the `kernel-started`, `cell-start`, `cell-end` and `warning` events. */
  readonly onEvent?: (event: ExecuteEvent) => void;
}

/** What {@link NotebookExecutionManager.notebookStart} records about the run. */
export interface NotebookStartInfo {
  /** The input notebook (`metadata.papermill.input_path`). */
  readonly inputPath: string;
  /** The parameters injected (`metadata.papermill.parameters`, copied). */
  readonly parameters: Readonly<Parameters>;
  /** The kernelspec the run uses (`metadata.papermill.kernel_name`). */
  readonly kernelName: string;
}

/** How the engine says one cell ended, for {@link NotebookExecutionManager.cellEnd}. */
export interface CellEndInfo {
  /** The cell failed, timed out, was interrupted or killed the kernel. */
  readonly failed: boolean;
  /** The kernel lost some of the cell's outputs (`metadata.papermill.outputs_incomplete`). */
  readonly outputsLost: boolean;
}

/** Timings and glued values of a finished run, from {@link NotebookExecutionManager.notebookEnd}. */
export interface RunTimes {
  /** Wall time of the whole run, seconds. */
  readonly durationS: number;
  /** Kernel start time, seconds (0 when no kernel was started). */
  readonly kernelStartS: number;
  /** Sum of the executed cells' durations, seconds. */
  readonly cellsS: number;
  /** Values recorded with `glue()`. */
  readonly glue: Record<string, GlueValue>;
}

/**
 * Keeps a run's `metadata.papermill` (notebook and cells) and saves the output notebook. It owns
 * no kernel and runs nothing: the engine calls it at each step, in this order:
 * `notebookStart`, `save`, `kernelStart`, `kernelReady` or `kernelFailed`, then `cellStart` /
 * `cellEnd` for each cell run, `recordTfjsBackend`, and `notebookEnd`, which writes the notebook.
 *
 * The notebook is the runner's own parameterized copy and is updated in place.
 *
 * @example
 * const manager = new NotebookExecutionManager(readNotebook('in.ipynb'), { outputPath: 'out.ipynb' });
 * manager.notebookStart({ inputPath: 'in.ipynb', parameters: {}, kernelName: 'tslab' });
 * const times = manager.notebookEnd(false); // writes out.ipynb with every code cell "pending"
 */
export class NotebookExecutionManager {
  /** The notebook being run (the output notebook). */
  readonly nb: Notebook;
  /** Indexes of the code cells in `nb.cells`, in run order (before any error banner is added). */
  readonly codeCells: readonly number[];
  private readonly outputPath: string;
  private readonly startedMs: number;
  private readonly saveOnCellExecute: boolean;
  private readonly emit: (event: ExecuteEvent) => void;
  private papermill: Record<string, unknown> = {};
  private kernelStartedMs = 0;
  private kernelStartS = 0;
  private cellStartedMs = 0;
  private cellsS = 0;

  /**
   * @param nb - the parameterized notebook to run; updated in place and written to `outputPath`
   * @param options - see {@link ExecutionManagerOptions}
   */
  constructor(nb: Notebook, options: ExecutionManagerOptions) {
    this.nb = nb;
    this.codeCells = nb.cells.flatMap((cell, index) => (cell.cell_type === 'code' ? [index] : []));
    this.outputPath = options.outputPath;
    this.startedMs = options.startedMs ?? Date.now();
    this.saveOnCellExecute = options.saveOnCellExecute ?? false;
    this.emit = options.onEvent ?? (() => undefined);
  }

  /**
   * Notebook start: sets `metadata.papermill` (default and given parameters, paths, kernel,
   * start time, runtime versions; end time, duration, exception and backend still `null`) and
   * resets every code cell: no outputs, no `execution_count`, `metadata.papermill.status: "pending"`.
   */
  notebookStart(info: NotebookStartInfo): void {
    const parametersIndex = findParametersCell(this.nb.cells);
    this.papermill = {
      default_parameters: parametersIndex < 0 ? {} : defaultParameterValues(sourceText(this.nb.cells[parametersIndex].source)),
      parameters: { ...info.parameters },
      input_path: info.inputPath,
      output_path: this.outputPath,
      kernel_name: info.kernelName,
      start_time: new Date(this.startedMs).toISOString(),
      end_time: null,
      duration: null,
      exception: null,
      kernel_start_duration: null,
      versions: runtimeVersions(),
      tfjs_backend: null,
    };
    this.nb.metadata.papermill = this.papermill;
    for (const index of this.codeCells) {
      const cell = this.nb.cells[index] as CodeCell;
      cell.outputs = [];
      cell.execution_count = null;
      cell.metadata.papermill = { exception: null, start_time: null, end_time: null, duration: null, status: 'pending' };
    }
  }

  /** Writes the notebook as it stands to the output path (atomically). */
  save(): void {
    writeNotebook(this.outputPath, this.nb);
  }

  /** Marks the start of kernel start-up. */
  kernelStart(): void {
    this.kernelStartedMs = Date.now();
  }

  /** The kernel is up: records its start time and emits `kernel-started`. */
  kernelReady(pid: number): void {
    this.kernelStartS = (Date.now() - this.kernelStartedMs) / 1000;
    this.emit({ type: 'kernel-started', pid, seconds: this.kernelStartS });
  }

  /** The kernel failed to start: records how long the attempt took. */
  kernelFailed(): void {
    this.kernelStartS = (Date.now() - this.kernelStartedMs) / 1000;
  }

  /**
   * Cell start: emits `cell-start`, stamps the cell's start time and `status: "running"`, and saves
   * when `saveOnCellExecute` is set.
   *
   * @param cellIndex - the cell's index in `nb.cells`
   * @param codeIndex - its position among the code cells (0-based)
   */
  cellStart(cellIndex: number, codeIndex: number): void {
    const cell = this.nb.cells[cellIndex] as CodeCell;
    this.emit({ type: 'cell-start', cellIndex, codeIndex, codeCells: this.codeCells.length });
    this.cellStartedMs = Date.now();
    cell.metadata.papermill = { ...cell.metadata.papermill, start_time: new Date(this.cellStartedMs).toISOString(), status: 'running' };
    if (this.saveOnCellExecute) this.save();
  }

  /**
   * Cell end: stamps the cell's end time, duration, `exception` and `status` (`completed` or
   * `failed`; `outputs_incomplete: true` and a warning when outputs were lost), emits `cell-end`,
   * and saves a completed cell when `saveOnCellExecute` is set (a failed one is saved by
   * {@link NotebookExecutionManager.notebookEnd}).
   */
  cellEnd(cellIndex: number, info: CellEndInfo): void {
    const cell = this.nb.cells[cellIndex] as CodeCell;
    const endedMs = Date.now();
    const seconds = (endedMs - this.cellStartedMs) / 1000;
    this.cellsS += seconds;
    cell.metadata.papermill = {
      exception: info.failed,
      start_time: new Date(this.cellStartedMs).toISOString(),
      end_time: new Date(endedMs).toISOString(),
      duration: seconds,
      status: info.failed ? 'failed' : 'completed',
      ...(info.outputsLost ? { outputs_incomplete: true } : {}),
    };
    if (info.outputsLost) {
      this.emit({
        type: 'warning',
        message: `cell ${cellIndex}: the kernel lost some outputs (tslab drops messages when a cell writes ` +
          'more than about a thousand outputs in one burst; join lines into fewer writes)',
      });
    }
    this.emit({ type: 'cell-end', cellIndex, status: info.failed ? 'failed' : 'completed', seconds });
    if (!info.failed && this.saveOnCellExecute) this.save();
  }

  /** Records the tfjs backend the kernel ended with (`metadata.papermill.tfjs_backend`; `null`: tfjs never loaded). */
  recordTfjsBackend(backend: string | null): void {
    this.papermill.tfjs_backend = backend;
  }

  /**
   * Notebook end: stamps end time, duration, `exception`, kernel start time and the glued values
   * (`metadata.papermill.glue`, only when there are any), then saves.
   *
   * @param failed - the run stopped on a failure (`metadata.papermill.exception`)
   * @returns the run's timings, in seconds, and its glued values
   */
  notebookEnd(failed: boolean): RunTimes {
    const endedMs = Date.now();
    this.papermill.end_time = new Date(endedMs).toISOString();
    this.papermill.duration = (endedMs - this.startedMs) / 1000;
    this.papermill.exception = failed;
    this.papermill.kernel_start_duration = this.kernelStartS;
    const glue = readGlue(this.nb);
    if (Object.keys(glue).length > 0) this.papermill.glue = glue;
    this.save();
    return { durationS: (endedMs - this.startedMs) / 1000, kernelStartS: this.kernelStartS, cellsS: this.cellsS, glue };
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
