/**
 * The sandboxed processor: BullMQ forks a child process per concurrent job slot and calls the
 * default export of this module there, so that a notebook's kernel or a forecast's training
 * never blocks the worker's lock renewals. When the worker process dies (SIGKILL, machine lost),
 * the child notices its IPC channel close, kills its kernels and exits: nothing outlives it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SandboxedJob } from 'bullmq';
import { InputError } from '../errors';
import { runFields } from '../notebook/batch';
import { executeNotebook, type ExecuteEvent } from '../notebook/execute';
import { renderNotebookHtml } from '../notebook/html';
import { killAllKernels } from '../notebook/kernel';
import { writeNotebook } from '../notebook/nbformat';
import {
  MAX_RETURNED_REPORT_BYTES, NOTEBOOK_OUTCOME_KEY, PayloadError, validateJobData,
  type ForecastJobData, type ForecastJobResult, type NotebookJobData, type NotebookJobResult, type QueueJobResult,
} from './payload';

/** Environment variables through which the worker configures its children. */
export const WORKER_ENV = {
  /** `host:pid` of the worker process. */
  name: 'LSTM_WORKBENCH_WORKER_NAME',
  /** Where jobs without `--artifacts` keep their output folders. */
  artifacts: 'LSTM_WORKBENCH_WORKER_ARTIFACTS',
} as const;

/** The environment variable that names a queue run's artifacts folder to its kernel. */
export const ARTIFACTS_ENV_VAR = 'LSTM_WORKBENCH_ARTIFACTS_DIR';

/**
 * Progress a job reports (BullMQ job progress); the submitter and the dashboard show it. A
 * forecast job reports its stage when it begins, and then its stage progress (see
 * `StageProgress`): `label`, `done` of `total` `unit`s and the stage's `eta_s`; in the train
 * stage also the epoch of the training run.
 */
export type QueueJobProgress =
  | { readonly kind: 'notebook'; readonly cells_done: number; readonly cells_total: number }
  | {
      readonly kind: 'forecast';
      readonly stage: string;
      readonly label?: string;
      readonly done?: number;
      readonly total?: number;
      readonly unit?: string;
      readonly epoch?: number;
      readonly epochs?: number;
      readonly eta_s?: number;
    };

/** Milliseconds between two progress updates of a forecast job (a stage's last one is always sent). */
const PROGRESS_EVERY_MS = 1000;

if (typeof process.send === 'function') {
  // Only in the forked child: the worker that owns us is gone, so nobody will take our result.
  process.once('disconnect', () => {
    killAllKernels();
    process.exit(1);
  });
}

function workerName(): string {
  return process.env[WORKER_ENV.name] ?? `${os.hostname()}:${process.ppid}`;
}

/** An error BullMQ fails without retrying (it checks the name, which survives the IPC hop). */
function unrecoverable(message: string): Error {
  const error = new Error(message);
  error.name = 'UnrecoverableError';
  return error;
}

const cancelMessage = (signal: AbortSignal | undefined): string =>
  `cancelled: ${typeof signal?.reason === 'string' ? signal.reason : 'the job was cancelled'}`;

/**
 * Runs one queue job in the sandbox.
 *
 * - A notebook job returns {@link NotebookJobResult}. A notebook that fails (exit 1), whose kernel
 *   dies (138) or times out is a failed job (retried as its `attempts` say); its outcome, output
 *   notebook included, is stored in the job's data under {@link NOTEBOOK_OUTCOME_KEY} first.
 * - A forecast job returns {@link ForecastJobResult}.
 * - Bad payloads, bad input (exit 2 locally) and cancellations fail without retries.
 */
export default async function processQueueJob(job: SandboxedJob, _token?: string, signal?: AbortSignal): Promise<QueueJobResult> {
  let data;
  try {
    data = validateJobData(job.data);
  } catch (error) {
    throw unrecoverable((error as Error).message);
  }
  return data.kind === 'notebook' ? runNotebookJob(job, data, signal) : runForecastQueueJob(job, data, signal);
}

async function runNotebookJob(job: SandboxedJob, data: NotebookJobData, signal?: AbortSignal): Promise<NotebookJobResult> {
  const cwd = path.resolve(data.cwd);
  if (!fs.statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) {
    throw unrecoverable(
      `the kernel folder ${JSON.stringify(data.cwd)} does not exist on worker ${workerName()} (started in ${process.cwd()}); ` +
      'start workers in a clone with the same layout, or pass --cwd with a folder every worker has',
    );
  }
  const artifacts = path.resolve(artifactsRoot(data.artifacts), data.batch, data.stem);
  fs.mkdirSync(artifacts, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'queue-notebook-'));
  try {
    const stem = path.basename(data.input, path.extname(data.input)).replace(/[^A-Za-z0-9._=+-]/g, '_') || 'input';
    const inputPath = path.join(dir, `${stem}.ipynb`);
    writeNotebook(inputPath, data.notebook);
    let done = 0;
    let total = 0;
    const warnings: string[] = [];
    const onEvent = (event: ExecuteEvent) => {
      if (event.type === 'warning') warnings.push(event.message);
      if (event.type === 'cell-start') total = event.codeCells;
      if (event.type === 'cell-start' && event.codeIndex === 0) void job.updateProgress({ kind: 'notebook', cells_done: 0, cells_total: total });
      if (event.type === 'cell-end') void job.updateProgress({ kind: 'notebook', cells_done: ++done, cells_total: total });
    };
    const { html, ...runOptions } = data.options;
    let result;
    try {
      result = await executeNotebook({
        ...runOptions, inputPath, outputPath: path.join(dir, `${stem}.out.ipynb`), parameters: data.parameters, cwd, signal, onEvent,
        kernelEnv: { [ARTIFACTS_ENV_VAR]: artifacts },
      });
    } catch (error) {
      if (error instanceof InputError) throw unrecoverable(error.message);
      throw error;
    }
    const outcome: NotebookJobResult = {
      kind: 'notebook', ...runFields(result), notebook: result.notebook, worker: workerName(), warnings,
      artifacts: data.artifacts === null ? `${os.hostname()}:${artifacts}` : artifacts,
      ...(html === true ? { html: renderNotebookHtml(result.notebook, { reportMode: data.options.reportMode === true }) } : {}),
    };
    if (result.exitCode === 0) return outcome;
    await job.updateData({ ...data, [NOTEBOOK_OUTCOME_KEY]: outcome });
    if (signal?.aborted) throw unrecoverable(cancelMessage(signal));
    throw new Error(`${result.status} (exit ${result.exitCode}): ${outcome.error ?? result.summary}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The shared `--artifacts` folder, or this worker's own (`worker --artifacts`). */
function artifactsRoot(shared: string | null): string {
  return shared ?? process.env[WORKER_ENV.artifacts] ?? path.join(process.cwd(), 'runs', 'queue');
}

/** The output folder of a forecast job on this worker, or under the shared `--artifacts`. */
function forecastOutFolder(data: ForecastJobData): string {
  return path.resolve(artifactsRoot(data.artifacts), data.batch, data.name);
}

async function runForecastQueueJob(job: SandboxedJob, data: ForecastJobData, signal?: AbortSignal): Promise<ForecastJobResult> {
  const started = Date.now();
  // Loaded on the first forecast job only: a notebook worker's children never load TensorFlow.js.
  const { JobAbortedError, runForecastJob } = await import('../job/forecastJob');
  const { parseForecastArgs } = await import('../job/cli');
  const out = forecastOutFolder(data);
  let options;
  try {
    options = parseForecastArgs([...data.argv, '--out', out]);
  } catch (error) {
    if (error instanceof InputError) throw unrecoverable(`bad forecast options: ${error.message}`);
    throw error;
  }
  // Batch ids are unique, so a folder here can only be an earlier attempt of this very job (its
  // worker died after the rename): replace it.
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  let stage = 'setup';
  let lastProgress = 0;
  let epoch: { epoch?: number; epochs?: number } = {};
  try {
    const result = await runForecastJob({
      ...options,
      ...(data.series === null ? {} : { series: data.series }),
      signal,
      log: () => undefined,
      onStage: (next) => {
        stage = next;
        void job.updateProgress({ kind: 'forecast', stage });
      },
      onProgress: (event) => {
        if (stage === 'train') epoch = { epoch: event.epoch, epochs: event.epochs };
      },
      onStageProgress: (event) => {
        const last = event.total > 0 && event.done >= event.total;
        if (!last && Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = Date.now();
        void job.updateProgress({
          kind: 'forecast', stage: event.stage, label: event.label, done: event.done, total: event.total, unit: event.unit,
          ...(event.stage === 'train' ? epoch : {}), ...(Number.isFinite(event.etaSeconds) ? { eta_s: event.etaSeconds } : {}),
        });
      },
    });
    const reportPath = path.join(result.out, 'report.html');
    const reportSize = fs.statSync(reportPath, { throwIfNoEntry: false })?.size ?? Infinity;
    return {
      kind: 'forecast', status: 'completed', worker: workerName(),
      location: data.artifacts === null ? `${os.hostname()}:${result.out}` : result.out,
      metrics: JSON.parse(fs.readFileSync(path.join(result.out, 'metrics.json'), 'utf8')) as unknown,
      report_html: reportSize <= MAX_RETURNED_REPORT_BYTES ? fs.readFileSync(reportPath, 'utf8') : null,
      files: [...result.files], duration_s: (Date.now() - started) / 1000,
    };
  } catch (error) {
    if (error instanceof JobAbortedError || signal?.aborted) throw unrecoverable(cancelMessage(signal));
    if (error instanceof InputError || error instanceof PayloadError) throw unrecoverable(`bad input: ${error.message}`);
    throw error;
  }
}
