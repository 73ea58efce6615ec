/**
 * What a queue job carries and what it returns: a notebook run or a forecast job. Workers check
 * every payload before starting it; a malformed one fails at once with its reason and is not
 * retried.
 */
import type { Notebook } from '../notebook/nbformat';
import type { Parameters } from '../notebook/parameters';
import type { RunFields } from '../notebook/batch';
import type { QueueRunOptions } from '../notebook/cli';

/** The payload format; a worker refuses other versions. */
export const PAYLOAD_VERSION = 1;

/** Runner options that travel with a notebook job: the command line's {@link QueueRunOptions}. */
export type NotebookRunOptions = QueueRunOptions;

/** A notebook run: the notebook's JSON and its parameters go over the network, not a path. */
export interface NotebookJobData {
  readonly kind: 'notebook';
  readonly version: typeof PAYLOAD_VERSION;
  /** The batch this run belongs to. */
  readonly batch: string;
  /** Position in the batch (0-based). */
  readonly index: number;
  /** The input path as the submitter named it (for the summary and messages). */
  readonly input: string;
  readonly notebook: Notebook;
  readonly parameters: Parameters;
  /**
   * Kernel working directory on the worker, relative to the folder the worker was started in
   * (a clone of this repository) or absolute (a shared file system).
   */
  readonly cwd: string;
  readonly options: NotebookRunOptions;
  /**
   * Folder shared by all machines (`--artifacts`): the run gets `<artifacts>/<batch>/<output
   * stem>/`, named to the kernel as `$LSTM_WORKBENCH_ARTIFACTS_DIR`; `null` gives it a folder on
   * the worker instead.
   */
  readonly artifacts: string | null;
  /** The output notebook's stem (unique in the batch): the name of the run's artifacts folder. */
  readonly stem: string;
}

/** A `forecast` job: the CLI's options, minus the queue's own, and optionally some series ids. */
export interface ForecastJobData {
  readonly kind: 'forecast';
  readonly version: typeof PAYLOAD_VERSION;
  readonly batch: string;
  readonly index: number;
  /** `forecast` arguments without `--out` and the queue options; paths relative to the worker's folder. */
  readonly argv: readonly string[];
  /** Only these series (`--series`); `null` for every series. */
  readonly series: readonly string[] | null;
  /** Name of this job's output folder (unique in the batch). */
  readonly name: string;
  /**
   * Folder shared by all machines (`--artifacts`), where the worker writes the whole output
   * folder as `<artifacts>/<batch>/<name>`; `null` keeps it on the worker.
   */
  readonly artifacts: string | null;
}

/** Any job this project puts on a queue. */
export type QueueJobData = NotebookJobData | ForecastJobData;

/** What a notebook job returns (also stored on a failed job, see {@link NOTEBOOK_OUTCOME_KEY}). */
export interface NotebookJobResult extends RunFields {
  readonly kind: 'notebook';
  /** The executed notebook, as the worker wrote it. */
  readonly notebook: Notebook;
  /** `host:pid` of the worker. */
  readonly worker: string;
  /** The run's artifacts folder: a path under `--artifacts`, or `host:path` on the worker. */
  readonly artifacts: string;
  /** The standalone HTML page, when the job asked for it. */
  readonly html?: string;
  readonly warnings: readonly string[];
}

/** What a forecast job returns. */
export interface ForecastJobResult {
  readonly kind: 'forecast';
  readonly status: 'completed';
  readonly worker: string;
  /** Where the whole output folder is: `host:path`, or the shared path under `--artifacts`. */
  readonly location: string;
  /** The parsed `metrics.json`. */
  readonly metrics: unknown;
  /** The report, `report.html`, when it is under {@link MAX_RETURNED_REPORT_BYTES}. */
  readonly report_html: string | null;
  /** Files in the output folder. */
  readonly files: readonly string[];
  readonly duration_s: number;
}

/** Either result. */
export type QueueJobResult = NotebookJobResult | ForecastJobResult;

/** A failed notebook job stores its outcome (output notebook included) under this key of its data. */
export const NOTEBOOK_OUTCOME_KEY = 'outcome';

/** Reports larger than this stay in the output folder instead of travelling back. @defaultValue 8 MiB */
export const MAX_RETURNED_REPORT_BYTES = 8 * 1024 * 1024;

/** A payload that cannot be run; workers fail its job without retrying. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

/** A plain file name (no `.` or `..`, no separators): batch ids, job names and stems become folders. */
const FILE_NAME = /^(?!\.\.?$)[A-Za-z0-9._=+-]{1,200}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a job's data before anything runs.
 *
 * @throws PayloadError naming the first field that is missing or has the wrong type
 * @example validateJobData({ kind: 'x' }); // throws: job data: kind must be "notebook" or "forecast", got "x"
 */
export function validateJobData(data: unknown): QueueJobData {
  const fail = (why: string): never => {
    throw new PayloadError(`job data: ${why}`);
  };
  if (!isObject(data)) return fail(`must be an object, got ${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data}`);
  if (data.kind !== 'notebook' && data.kind !== 'forecast') fail(`kind must be "notebook" or "forecast", got ${JSON.stringify(data.kind)}`);
  if (data.version !== PAYLOAD_VERSION) fail(`version must be ${PAYLOAD_VERSION}, got ${JSON.stringify(data.version)} (submitter and worker run different releases)`);
  if (typeof data.batch !== 'string' || !FILE_NAME.test(data.batch)) fail(`batch must be a plain file name, got ${JSON.stringify(data.batch)}`);
  if (!Number.isInteger(data.index) || (data.index as number) < 0) fail(`index must be a non-negative integer, got ${JSON.stringify(data.index)}`);
  if (data.kind === 'notebook') {
    if (typeof data.input !== 'string') fail(`input must be a string, got ${JSON.stringify(data.input)}`);
    if (!isObject(data.notebook) || !Array.isArray(data.notebook.cells)) fail('notebook must be a notebook object with a cells list');
    if (!isObject(data.parameters)) fail(`parameters must be an object, got ${JSON.stringify(data.parameters)}`);
    if (typeof data.cwd !== 'string' || data.cwd === '') fail(`cwd must be a non-empty string, got ${JSON.stringify(data.cwd)}`);
    if (!isObject(data.options)) fail(`options must be an object, got ${JSON.stringify(data.options)}`);
    if (data.artifacts !== null && typeof data.artifacts !== 'string') fail(`artifacts must be null or a path, got ${JSON.stringify(data.artifacts)}`);
    if (typeof data.stem !== 'string' || !FILE_NAME.test(data.stem)) fail(`stem must be a plain file name, got ${JSON.stringify(data.stem)}`);
    return data as unknown as NotebookJobData;
  }
  if (!Array.isArray(data.argv) || !data.argv.every((a) => typeof a === 'string')) fail('argv must be a list of strings');
  if (data.series !== null && !(Array.isArray(data.series) && data.series.length > 0 && data.series.every((s) => typeof s === 'string'))) {
    fail('series must be null or a non-empty list of strings');
  }
  if (typeof data.name !== 'string' || !FILE_NAME.test(data.name)) fail(`name must be a plain file name, got ${JSON.stringify(data.name)}`);
  if (data.artifacts !== null && typeof data.artifacts !== 'string') fail(`artifacts must be null or a path, got ${JSON.stringify(data.artifacts)}`);
  return data as unknown as ForecastJobData;
}
