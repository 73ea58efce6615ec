/**
 * Notebook batches on a queue: the same runs as a local `--output-dir` batch (one per input and
 * grid point, same output names), enqueued as jobs; their output notebooks and summary are
 * written by the submitter as the jobs end, each exactly once.
 */
import * as path from 'node:path';
import { InputError } from '../errors';
import { batchExitCode, batchOutputPaths, writeBatchSummary, type BatchJob, type BatchRow } from '../notebook/batch';
import { EXIT_INTERRUPTED } from '../notebook/execute';
import { readNotebook, writeNotebook, type Notebook } from '../notebook/nbformat';
import type { Parameters } from '../notebook/parameters';
import type { NotebookJobResult, NotebookRunOptions } from './payload';
import { collectBatch, enqueueBatch, type JobEnd, type QueueTarget } from './submit';
import { writeFileAtomicSync } from '../io/atomic';

/** What a notebook batch's manifest keeps for its collector. */
interface NotebookBatchMeta {
  readonly outputDir: string;
  readonly runs: ReadonlyArray<{ readonly input: string; readonly output: string; readonly parameters: Parameters }>;
}

/** Options for {@link submitNotebookBatch}. */
export interface NotebookBatchOptions extends QueueTarget {
  readonly jobs: readonly BatchJob[];
  readonly outputDir: string;
  readonly execute?: NotebookRunOptions;
  /** Kernel folder for every run (`--cwd`); @defaultValue each input notebook's folder */
  readonly cwd?: string;
  /** @defaultValue 0 */
  readonly retries?: number;
  /** A folder every worker can write (`--artifacts`); @defaultValue each worker's own `runs/queue` */
  readonly artifacts?: string;
}

/**
 * Reads every input notebook (so a missing or invalid one fails here, before anything is
 * enqueued) and enqueues one job per run.
 *
 * @returns the batch id
 * @throws InputError for an unreadable notebook, a bad queue or unreachable Redis
 */
export async function submitNotebookBatch(options: NotebookBatchOptions): Promise<string> {
  const outputs = batchOutputPaths(options.jobs, options.outputDir);
  const notebooks = new Map<string, Notebook>();
  for (const job of options.jobs) if (!notebooks.has(job.inputPath)) notebooks.set(job.inputPath, readNotebook(job.inputPath));
  const meta: NotebookBatchMeta = {
    outputDir: options.outputDir,
    runs: options.jobs.map((job, index) => ({ input: job.inputPath, output: outputs[index], parameters: { ...job.parameters } })),
  };
  const manifest = await enqueueBatch({
    url: options.url, queueName: options.queueName, retries: options.retries, meta,
    names: outputs.map((output) => path.basename(output)),
    jobs: options.jobs.map((job, index) => ({
      kind: 'notebook' as const, input: job.inputPath, notebook: notebooks.get(job.inputPath)!, parameters: { ...job.parameters },
      cwd: relativeToHere(options.cwd ?? path.dirname(job.inputPath)), options: options.execute ?? {},
      artifacts: options.artifacts === undefined ? null : path.resolve(options.artifacts),
      stem: path.basename(outputs[index], '.ipynb'),
    })),
  });
  return manifest.batch;
}

/** A path as workers should read it: relative to this folder when inside it, else absolute. */
function relativeToHere(folder: string): string {
  const relative = path.relative(process.cwd(), path.resolve(folder));
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(folder) : relative;
}

/** Options for {@link collectNotebookBatch}. */
export interface CollectNotebookOptions extends QueueTarget {
  readonly batch: string;
  /** @defaultValue the submitter's `--output-dir` */
  readonly outputDir?: string;
  readonly signal?: AbortSignal;
  readonly onRow?: (row: BatchRow) => void;
  readonly onProgress?: (output: string, progress: unknown) => void;
}

/**
 * Waits for a notebook batch, writing each output notebook as its job ends (completed, failed
 * with its partial notebook, or cancelled) and then `summary.json` / `summary.csv`.
 *
 * @returns the rows in run order, the exit code (as a local batch's) and the summary files
 */
export async function collectNotebookBatch(options: CollectNotebookOptions): Promise<{ rows: BatchRow[]; exitCode: number; files: { json: string; csv: string } }> {
  let meta: NotebookBatchMeta | undefined;
  let outputDir = options.outputDir;
  const rows: BatchRow[] = [];
  await collectBatch({
    url: options.url, queueName: options.queueName, batch: options.batch, signal: options.signal,
    onProgress: (index, progress) => meta && options.onProgress?.(meta.runs[index].output, progress),
    onEnd: (end) => {
      const run = meta!.runs[end.index];
      const output = options.outputDir === undefined ? run.output : path.join(options.outputDir, path.basename(run.output));
      const row = rowOf(end, run.input, output, run.parameters);
      rows[end.index] = row;
      options.onRow?.(row);
    },
    onManifest: (manifest) => {
      if (manifest.kind !== 'notebook') {
        throw new InputError(`batch ${manifest.batch} holds ${manifest.kind} jobs; collect it with the forecast command`, { argument: '--collect', value: manifest.batch });
      }
      meta = manifest.meta as NotebookBatchMeta;
      outputDir ??= meta.outputDir;
    },
  });
  const files = writeBatchSummary(outputDir!, rows);
  return { rows, exitCode: batchExitCode(rows), files };
}

/** The summary row of a job's end; writes its output notebook when there is one. */
function rowOf(end: JobEnd, input: string, output: string, parameters: Parameters): BatchRow {
  const base = { input, output, parameters };
  if (end.state === 'missing') {
    return { ...base, status: 'interrupted', exit_code: EXIT_INTERRUPTED, duration_s: 0, kernel_start_s: 0, cells_s: 0, error: end.reason, glue: {}, worker: '', artifacts: '' };
  }
  const outcome: NotebookJobResult | undefined = end.state === 'completed' ? (end.result as NotebookJobResult) : end.outcome;
  if (outcome === undefined) {
    return {
      ...base, status: 'error', exit_code: 2, duration_s: 0, kernel_start_s: 0, cells_s: 0, error: end.state === 'failed' ? end.reason : null, glue: {},
      worker: '', artifacts: '',
    };
  }
  writeNotebook(output, withPaths(outcome.notebook, input, output, outcome.worker));
  if (outcome.html !== undefined) writeFileAtomicSync(output.replace(/\.ipynb$/, '') + '.html', outcome.html);
  const { kind: _kind, notebook: _notebook, warnings: _warnings, worker, artifacts, html: _html, ...fields } = outcome;
  return { ...base, ...fields, worker, artifacts };
}

/** The output notebook as if run here: papermill's paths are the submitter's, plus the worker. */
function withPaths(nb: Notebook, input: string, output: string, worker: string): Notebook {
  const papermill = { ...(nb.metadata.papermill as Record<string, unknown> | undefined), input_path: input, output_path: output, worker };
  return { ...nb, metadata: { ...nb.metadata, papermill } };
}
