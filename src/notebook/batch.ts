/**
 * Batch runs: several notebooks and/or a parameter grid, each run into its own output notebook by
 * a pool of N concurrent kernels, plus a summary (JSON and CSV) of status, durations, parameters
 * and glued values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describeValue, InputError } from '../errors';
import { executeNotebook, EXIT_INTERRUPTED, type ExecuteNotebookOptions, type ExecuteNotebookResult, type RunStatus } from './execute';
import { assertParameterName, parseParameterValue, type ParameterValue, type Parameters } from './parameters';
import { writeFileAtomicSync } from '../io/atomic';
import { readRegularFileSync } from '../io/regularFileSync';

/** One run of a batch. */
export interface BatchJob {
  readonly inputPath: string;
  readonly parameters: Readonly<Parameters>;
  /** Output notebook; @defaultValue `<outputDir>/<input stem>[-name=value...].ipynb` */
  readonly outputPath?: string;
}

/** One summary row; also the CSV's columns (parameters as `param.NAME`, glue as `glue.NAME`). */
export interface BatchRow {
  readonly input: string;
  readonly output: string;
  readonly parameters: Parameters;
  readonly status: RunStatus | 'error';
  readonly exit_code: number;
  readonly duration_s: number;
  readonly kernel_start_s: number;
  readonly cells_s: number;
  readonly error: string | null;
  readonly glue: Record<string, unknown>;
  /** The queue worker that ran it (queue runs only; `--queue`). */
  readonly worker?: string;
  /** The run's artifacts folder (queue runs only): a shared path, or `host:path` on the worker. */
  readonly artifacts?: string;
}

/** Options for {@link runBatch}. */
export interface BatchOptions {
  readonly jobs: readonly BatchJob[];
  readonly outputDir: string;
  /** Concurrent kernels, at least 1. */
  readonly workers: number;
  /** Options shared by every run (parameters and paths come from the job). */
  readonly execute?: Omit<Partial<ExecuteNotebookOptions>, 'inputPath' | 'outputPath' | 'parameters' | 'signal'>;
  /** Stops starting new runs and interrupts the running ones. */
  readonly signal?: AbortSignal;
  /** Called as each run ends. */
  readonly onJobEnd?: (row: BatchRow) => void;
}

/** What {@link runBatch} returns: rows in job order and an exit code (0, 1, 130, or 2 if a job had bad input). */
export interface BatchResult {
  readonly rows: BatchRow[];
  readonly exitCode: number;
}

/**
 * Parses a `--grid NAME=V1,V2` axis; values are typed like `-p` values (split on commas, so use a
 * grid file for values that contain commas).
 *
 * @throws InputError for a missing `=`, a bad name, or no values
 * @example parseGridOption('epochs=1,5'); // { name: 'epochs', values: [1, 5] }
 */
export function parseGridOption(text: string): { name: string; values: ParameterValue[] } {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) {
    throw new InputError(`--grid must look like NAME=V1,V2,..., got ${JSON.stringify(text)}`, { argument: 'grid', value: text });
  }
  const name = text.slice(0, at);
  assertParameterName(name);
  return { name, values: text.slice(at + 1).split(',').map((value) => parseParameterValue(name, value)) };
}

/**
 * The cartesian product of grid axes, first axis varying slowest; `[{}]` for no axes.
 *
 * @example expandGrid([{ name: 'a', values: [1, 2] }, { name: 'b', values: ['x'] }]); // [{a:1,b:'x'},{a:2,b:'x'}]
 */
export function expandGrid(axes: ReadonlyArray<{ name: string; values: readonly ParameterValue[] }>): Parameters[] {
  let points: Parameters[] = [{}];
  for (const axis of axes) points = points.flatMap((point) => axis.values.map((value) => ({ ...point, [axis.name]: value })));
  return points;
}

/**
 * Reads a grid file: a YAML/JSON list of parameter mappings (one run each), or a mapping of
 * name -> list of values (their product).
 *
 * @throws InputError when the file is unreadable or has another shape
 */
export function readGridFile(file: string): Parameters[] {
  const text = readRegularFileSync(file, { what: 'grid file' });
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new InputError(`Cannot read grid file ${file}: ${(error as Error).message.split('\n')[0]}`, { file });
  }
  const isMapping = (v: unknown): v is Record<string, ParameterValue> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (Array.isArray(value) && value.length > 0 && value.every(isMapping)) {
    value.forEach((point) => Object.keys(point).forEach(assertParameterName));
    return value as Parameters[];
  }
  if (isMapping(value) && Object.values(value).every((v) => Array.isArray(v) && v.length > 0)) {
    return expandGrid(Object.entries(value).map(([name, values]) => {
      assertParameterName(name);
      return { name, values: values as ParameterValue[] };
    }));
  }
  throw new InputError(
    `grid file ${file} must be a non-empty list of parameter mappings or a mapping of names to non-empty lists, got ${describeValue(value)}`,
    { file },
  );
}

/**
 * The default output name of a run: the input's stem plus `-name=value` per parameter, with
 * characters outside `[A-Za-z0-9._=+-]` replaced by `_`.
 *
 * @example outputNameFor('nb/train.ipynb', { epochs: 5 }); // 'train-epochs=5.ipynb'
 */
export function outputNameFor(inputPath: string, parameters: Readonly<Parameters>): string {
  const stem = path.basename(inputPath, path.extname(inputPath));
  const suffix = Object.entries(parameters).map(([name, value]) => `-${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join('');
  return `${stem}${suffix}`.replace(/[^A-Za-z0-9._=+-]/g, '_').slice(0, 200) + '.ipynb';
}

/**
 * The output notebook of each job, in job order: its `outputPath`, or `outputDir` plus
 * {@link outputNameFor}; a name used twice gets `-2`, `-3`, ... before `.ipynb`.
 *
 * @example batchOutputPaths([{ inputPath: 'a.ipynb', parameters: {} }, { inputPath: 'a.ipynb', parameters: {} }], 'out');
 * // ['out/a.ipynb', 'out/a-2.ipynb']
 */
export function batchOutputPaths(jobs: readonly BatchJob[], outputDir: string): string[] {
  const used = new Set<string>();
  return jobs.map((job) => {
    let output = job.outputPath ?? path.join(outputDir, outputNameFor(job.inputPath, job.parameters));
    for (let n = 2; used.has(path.resolve(output)); n++) output = output.replace(/(-\d+)?\.ipynb$/, `-${n}.ipynb`);
    used.add(path.resolve(output));
    return output;
  });
}

/** The summary fields of a finished run: everything in a {@link BatchRow} but its input, output and parameters. */
export type RunFields = Omit<BatchRow, 'input' | 'output' | 'parameters' | 'worker' | 'artifacts'>;

/** The summary fields of one {@link executeNotebook} result (the failure as `ename: first line of evalue`). */
export function runFields(result: Pick<ExecuteNotebookResult, 'status' | 'exitCode' | 'durationS' | 'kernelStartS' | 'cellsS' | 'failure' | 'glue'>): RunFields {
  return {
    status: result.status, exit_code: result.exitCode, duration_s: result.durationS, kernel_start_s: result.kernelStartS,
    cells_s: result.cellsS, error: result.failure ? `${result.failure.ename}: ${result.failure.evalue.split('\n')[0]}` : null, glue: result.glue,
  };
}

/**
 * The exit code of a batch from its rows' codes: 130 when any run was interrupted, 0 when all
 * passed, 1 when any notebook failed or its kernel died, otherwise 2 (bad input).
 */
export function batchExitCode(rows: readonly Pick<BatchRow, 'exit_code'>[]): number {
  const codes = rows.map((row) => row.exit_code);
  return codes.includes(EXIT_INTERRUPTED) ? EXIT_INTERRUPTED : codes.every((code) => code === 0) ? 0 : codes.includes(1) || codes.includes(138) ? 1 : 2;
}

/**
 * Runs the jobs with at most `workers` kernels at a time. Never throws for a failing run: each
 * ends as a row (`status: "error"` with the message for bad input such as an unknown kernel).
 *
 * @throws RangeError when `workers` is not a positive integer
 */
export async function runBatch(options: BatchOptions): Promise<BatchResult> {
  if (!Number.isInteger(options.workers) || options.workers < 1) {
    throw new RangeError(`workers must be a positive integer, got ${options.workers}`);
  }
  const outputs = batchOutputPaths(options.jobs, options.outputDir);
  const rows: BatchRow[] = new Array(options.jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < options.jobs.length) {
      const index = next++;
      const job = options.jobs[index];
      const base = { input: job.inputPath, output: outputs[index], parameters: { ...job.parameters } };
      let row: BatchRow;
      if (options.signal?.aborted) {
        row = { ...base, status: 'interrupted', exit_code: EXIT_INTERRUPTED, duration_s: 0, kernel_start_s: 0, cells_s: 0, error: 'not started', glue: {} };
      } else {
        try {
          const result = await executeNotebook({
            ...options.execute, inputPath: job.inputPath, outputPath: outputs[index], parameters: job.parameters, signal: options.signal,
          });
          row = { ...base, ...runFields(result) };
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          row = { ...base, status: 'error', exit_code: 2, duration_s: 0, kernel_start_s: 0, cells_s: 0, error: error.message, glue: {} };
        }
      }
      rows[index] = row;
      options.onJobEnd?.(row);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.workers, options.jobs.length) }, worker));
  return { rows, exitCode: batchExitCode(rows) };
}

/**
 * One CSV cell (RFC 4180 quoting; objects JSON-encoded; empty for null). Spreadsheets run a cell
 * that starts with = + - @ (or tab/CR) as a formula (`=HYPERLINK(...)`): such text cells get a
 * leading ' as OWASP's CSV-injection advice says. Numbers stay numbers.
 *
 * @example csvCell('a,b'); // '"a,b"'
 */
export function csvCell(value: unknown): string {
  const raw = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const text = typeof value !== 'number' && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Formats rows as CSV (RFC 4180 quoting): fixed columns (with `worker` and `artifacts` after
 * `error` when any row ran on a queue worker), then `param.NAME` and `glue.NAME` for every name seen; non-scalar
 * values JSON-encoded.
 *
 * @example batchSummaryCsv([]).split('\n')[0]; // 'input,output,status,exit_code,duration_s,kernel_start_s,cells_s,error'
 */
export function batchSummaryCsv(rows: readonly BatchRow[]): string {
  const params = [...new Set(rows.flatMap((row) => Object.keys(row.parameters)))];
  const glued = [...new Set(rows.flatMap((row) => Object.keys(row.glue)))];
  const workers = rows.some((row) => row.worker !== undefined) ? ['worker', 'artifacts'] : [];
  const header = ['input', 'output', 'status', 'exit_code', 'duration_s', 'kernel_start_s', 'cells_s', 'error', ...workers,
    ...params.map((p) => `param.${p}`), ...glued.map((g) => `glue.${g}`)];
  const lines = rows.map((row) => [row.input, row.output, row.status, row.exit_code, row.duration_s, row.kernel_start_s, row.cells_s, row.error,
    ...workers.map((w) => row[w as 'worker' | 'artifacts']), ...params.map((p) => row.parameters[p]), ...glued.map((g) => row.glue[g])].map(csvCell).join(','));
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

/**
 * Writes `summary.json` and `summary.csv` into a folder (created if missing), each atomically
 * (`writeFileAtomicSync`): a reader sees the previous summary or the new one, never half of it.
 * @returns the two paths
 */
export function writeBatchSummary(outputDir: string, rows: readonly BatchRow[]): { json: string; csv: string } {
  fs.mkdirSync(outputDir, { recursive: true });
  const json = path.join(outputDir, 'summary.json');
  const csv = path.join(outputDir, 'summary.csv');
  writeFileAtomicSync(json, `${JSON.stringify(rows, null, 2)}\n`);
  writeFileAtomicSync(csv, batchSummaryCsv(rows));
  return { json, csv };
}
