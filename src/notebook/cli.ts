/**
 * The `run-notebook` command line: papermill's grammar (`-p NAME VALUE`, `-r`, `-y`, `-f`, ...)
 * parsed into options for {@link executeNotebook} or {@link runBatch}. `scripts/run-notebook.ts`
 * and the package bin (`src/bin/runNotebook.ts`) only call {@link main}.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { Command, CommanderError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { InputError } from '../errors';
import { assertWritableFile } from '../io/writable';
import { LIBRARY } from '../version';
import { expandGrid, parseGridOption, readGridFile, runBatch, writeBatchSummary, type BatchJob } from './batch';
import { executeNotebook, EXIT_INTERRUPTED, type ExecuteEvent, type ExecuteNotebookResult } from './execute';
import { killAllKernels } from './kernel';
import { writeNotebookHtml } from './html';
import { assertParameterName, parseParametersYaml, parseParameterValue, readParametersFile, type Parameters } from './parameters';

/** Exit code for bad input (usage, notebook, kernel name, parameters). */
export const EXIT_INPUT = 2;

/** Where the CLI writes; tests pass buffers. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress bars are drawn only there). */
  readonly isTTY?: boolean;
}

/** A `--queue` command line, parsed and checked, for a {@link QueueRunner}. */
export interface QueueRequest {
  /** The `--queue` URL as given. */
  readonly queue: string;
  /** `--name`. */
  readonly name?: string;
  readonly retries?: number;
  readonly detach: boolean;
  /** `--collect ID`: no jobs; wait for that batch. */
  readonly collect?: string;
  /** The runs (absent with `collect`). */
  readonly jobs?: readonly BatchJob[];
  /** `--output-dir`; with `collect` optional (the submitter's is kept). */
  readonly outputDir?: string;
  /** `--cwd`. */
  readonly cwd?: string;
  /** `--artifacts`. */
  readonly artifacts?: string;
  readonly execute: QueueRunOptions;
}

/** Runner options that travel with each queued run (the CLI's `--kernel`, `--execution-timeout`, ...). */
export interface QueueRunOptions {
  readonly kernelName?: string;
  readonly executionTimeoutS?: number;
  readonly startTimeoutS?: number;
  readonly reportMode?: boolean;
  readonly prepareOnly?: boolean;
  /** Also render the executed notebook as a standalone HTML page and return it (`--html-pages`). */
  readonly html?: boolean;
}

/**
 * Runs a {@link QueueRequest} and returns the exit code. The queue layer sits above this one, so
 * entry points pass it in (`src/queue/notebookQueue.ts`).
 */
export type QueueRunner = (request: QueueRequest, io: CliIo, signal?: AbortSignal) => Promise<number>;

/** Options for {@link runNotebookCli}. */
export interface CliOptions {
  readonly io?: CliIo;
  /** Aborted on Ctrl-C by the entry point. */
  readonly signal?: AbortSignal;
  /** Handles `--queue`; without it `--queue` is an input error. */
  readonly queueRunner?: QueueRunner;
}

/** A `-p`/`-r` pair taken out of argv. */
interface PairOption {
  readonly raw: boolean;
  readonly name: string;
  readonly value: string;
}

const PAIR_FLAGS: Readonly<Record<string, boolean>> = {
  '-p': false, '--parameters': false, '-r': true, '--parameters_raw': true, '--parameters-raw': true,
};

/**
 * Takes papermill's two-value options (`-p NAME VALUE`, `-r NAME VALUE`) out of argv, which
 * commander cannot express, keeping their order. Tokens after `--` are left alone.
 *
 * @throws InputError when a pair is incomplete or the name is not an identifier
 * @example
 * extractPairOptions(['-p', 'a', '1', 'in.ipynb']).rest; // ['in.ipynb']
 */
export function extractPairOptions(argv: readonly string[]): { pairs: PairOption[]; rest: string[] } {
  const pairs: PairOption[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (token in PAIR_FLAGS) {
      if (i + 2 >= argv.length) {
        throw new InputError(`option ${token} needs NAME VALUE, got ${JSON.stringify(argv.slice(i + 1).join(' '))}`, { argument: token });
      }
      const name = argv[i + 1];
      assertParameterName(name);
      pairs.push({ raw: PAIR_FLAGS[token], name, value: argv[i + 2] });
      i += 2;
    } else {
      rest.push(token);
    }
  }
  return { pairs, rest };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function buildProgram(): Command {
  return new Command('run-notebook')
    .description(
      'Execute a tslab notebook headlessly, papermill-style.\n' +
      '  -p NAME VALUE / --parameters NAME VALUE   parameter; VALUE typed like papermill (number, true/True, null/None, JSON)\n' +
      '  -r NAME VALUE / --parameters_raw NAME VALUE   parameter kept as a raw string',
    )
    .argument('[inputs...]', 'INPUT.ipynb OUTPUT.ipynb, or with --output-dir one or more inputs (none with --collect)')
    .option('-y, --parameters_yaml <yaml>', 'parameters as a YAML mapping (repeatable)', collect)
    .option('-f, --parameters_file <file>', 'parameters from a YAML or JSON file (repeatable)', collect)
    .option('--prepare-only', 'inject parameters and write OUTPUT without executing')
    .option('--cwd <dir>', "kernel working directory (default: the input notebook's folder)")
    .option('-k, --kernel <name>', "kernel name (default: the notebook's kernelspec)")
    .option('--execution-timeout <seconds>', 'per-cell time limit', parseFloat)
    .option('--start-timeout <seconds>', 'kernel start time limit', parseFloat, 60)
    .option('--log-output', 'stream cell output to stderr as it comes')
    .addOption(new Option('--progress-bar', 'show a progress bar (default on a terminal)'))
    .addOption(new Option('--no-progress-bar', 'hide the progress bar'))
    .option('--request-save-on-cell-execute', 'rewrite OUTPUT after each cell')
    .option('--report-mode', 'hide code cell inputs in the output')
    .option('--html <file>', 'also render the executed notebook as a standalone HTML page')
    .option('--output-dir <dir>', 'batch mode: run every input (and grid point) into DIR, with summary.json and summary.csv')
    .option('--grid <name=v1,v2>', 'batch mode: parameter grid axis (repeatable; values typed like -p)', collect)
    .option('--grid-file <file>', 'batch mode: YAML list of parameter mappings, or a mapping of name -> list of values')
    .option('--workers <n>', 'batch mode: parallel kernels (default: CPU cores)', (v) => Number.parseInt(v, 10))
    .option('--queue <url>', 'batch mode on a BullMQ queue: redis://HOST:PORT[/DB]; runs go to `npm run worker` processes on any machine')
    .option('--name <queue>', 'with --queue: the queue name (default: lstm-workbench)')
    .option('--retries <n>', 'with --queue: further attempts for a run that fails or whose kernel dies (default: 0)', (v) => Number(v))
    .option('--artifacts <dir>', 'with --queue: a folder every worker can write; each run gets DIR/<batch>/<output name>/ as $LSTM_WORKBENCH_ARTIFACTS_DIR (default: a folder on its worker)')
    .option('--html-pages', "with --queue: each run's standalone HTML page comes back from its worker and is written beside its output notebook")
    .option('--detach', 'with --queue: enqueue, print the batch id and exit; collect later with --collect ID')
    .option('--collect <id>', 'with --queue: wait for a detached batch and write its outputs and summary')
    .version(LIBRARY.version, '--version', 'print the version and exit')
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
}

/** Parsed, validated command line. */
interface ParsedCli {
  readonly inputs: string[];
  readonly parameters: Parameters;
  readonly opts: Record<string, unknown>;
}

function parseCli(argv: readonly string[]): ParsedCli | { help: string } {
  const { pairs, rest } = extractPairOptions(argv);
  const program = buildProgram();
  try {
    program.parse(rest, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') return { help: program.helpInformation() };
      if (error.code === 'commander.version') return { help: `${LIBRARY.version}\n` };
      throw new InputError(error.message.replace(/^error: /, ''), { argument: 'argv' });
    }
    throw error;
  }
  const opts = program.opts();
  // papermill's precedence: files, then YAML, then -p, then -r (later wins).
  const parameters: Parameters = {};
  for (const file of (opts.parameters_file as string[] | undefined) ?? []) Object.assign(parameters, readParametersFile(file));
  for (const yaml of (opts.parameters_yaml as string[] | undefined) ?? []) Object.assign(parameters, parseParametersYaml(yaml, '-y'));
  for (const pair of pairs.filter((p) => !p.raw)) parameters[pair.name] = parseParameterValue(pair.name, pair.value);
  for (const pair of pairs.filter((p) => p.raw)) parameters[pair.name] = pair.value;
  for (const [name, value] of [['--execution-timeout', opts.executionTimeout], ['--start-timeout', opts.startTimeout]] as const) {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new InputError(`${name} must be a positive number of seconds, got ${String(value)}`, { argument: name });
    }
  }
  return { inputs: program.args, parameters, opts };
}

/**
 * Runs the command line and returns the exit code: 0 success, 1 a failing cell or timeout,
 * 2 bad input (nothing started, nothing written), 130 interrupted, 138 the kernel died.
 *
 * @example
 * process.exitCode = await runNotebookCli(['in.ipynb', 'out.ipynb', '-p', 'epochs', '1']);
 */
export async function runNotebookCli(argv: readonly string[], options: CliOptions = {}): Promise<number> {
  const io = options.io ?? {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: process.stderr.isTTY,
  };
  let parsed: ParsedCli | { help: string };
  try {
    parsed = parseCli(argv);
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr(`run-notebook: error: ${error.message}\n`);
      return EXIT_INPUT;
    }
    throw error;
  }
  if ('help' in parsed) {
    io.stdout(parsed.help);
    return 0;
  }
  const cli = parsed;
  try {
    const queueOnly = (['name', 'retries', 'detach', 'collect', 'artifacts', 'htmlPages'] as const).find((key) => cli.opts[key] !== undefined);
    if (parsed.opts.queue === undefined && queueOnly !== undefined) {
      throw new InputError(`--${queueOnly.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --queue redis://HOST:PORT`, { argument: queueOnly });
    }
    if (parsed.opts.queue !== undefined) return await runQueueCli(parsed, io, options);
    return parsed.opts.outputDir !== undefined || parsed.opts.grid !== undefined || parsed.opts.gridFile !== undefined
      ? await runBatchCli(parsed, io, options.signal)
      : await runSingleCli(parsed, io, options.signal);
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr(`run-notebook: error: ${error.message}\n`);
      return EXIT_INPUT;
    }
    throw error;
  }
}

function commonOptions(parsed: ParsedCli) {
  const o = parsed.opts;
  return {
    kernelName: o.kernel as string | undefined,
    cwd: o.cwd as string | undefined,
    prepareOnly: Boolean(o.prepareOnly),
    executionTimeoutS: o.executionTimeout as number | undefined,
    startTimeoutS: o.startTimeout as number | undefined,
    requestSaveOnCellExecute: Boolean(o.requestSaveOnCellExecute),
    reportMode: Boolean(o.reportMode),
  };
}

async function runSingleCli(parsed: ParsedCli, io: CliIo, signal?: AbortSignal): Promise<number> {
  if (parsed.inputs.length !== 2) {
    throw new InputError(`expected INPUT.ipynb OUTPUT.ipynb, got ${parsed.inputs.length} argument(s): ${parsed.inputs.join(' ')}`, { argument: 'argv' });
  }
  const [inputPath, outputPath] = parsed.inputs;
  // Checked before the kernel starts: a bad --html used to fail only after the whole run.
  if (parsed.opts.html !== undefined) assertWritableFile(parsed.opts.html as string, '--html');
  const showBar = parsed.opts.progressBar === true || (parsed.opts.progressBar !== false && io.isTTY === true);
  const bar = showBar ? new SingleBar({ format: 'Executing |{bar}| {value}/{total} cells | {duration}s', stream: process.stderr }) : null;
  const onEvent = (event: ExecuteEvent) => {
    if (event.type === 'warning') io.stderr(`run-notebook: warning: ${event.message}\n`);
    if (event.type === 'cell-start') {
      if (bar !== null && event.codeIndex === 0) bar.start(event.codeCells, 0);
      if (parsed.opts.logOutput) io.stderr(`Executing cell ${event.cellIndex} (code cell ${event.codeIndex + 1}/${event.codeCells})\n`);
    }
    if (event.type === 'cell-end') bar?.increment();
    if (event.type === 'stream' && parsed.opts.logOutput) io.stderr(event.text);
  };
  let result: ExecuteNotebookResult;
  try {
    result = await executeNotebook({ inputPath, outputPath, parameters: parsed.parameters, ...commonOptions(parsed), signal, onEvent });
  } finally {
    bar?.stop();
  }
  if (parsed.opts.html !== undefined) writeNotebookHtml(parsed.opts.html as string, result.notebook, { reportMode: Boolean(parsed.opts.reportMode) });
  (result.exitCode === 0 ? io.stdout : io.stderr)(`${result.summary}\n`);
  return result.exitCode;
}

/** The runs of a batch command line (inputs times grid points), checked. */
function batchJobs(parsed: ParsedCli): { jobs: BatchJob[]; outputDir: string } {
  const outputDir = parsed.opts.outputDir as string | undefined;
  if (outputDir === undefined) throw new InputError('--grid and --grid-file need --output-dir DIR', { argument: 'output-dir' });
  if (parsed.inputs.length === 0) throw new InputError('batch mode needs at least one input notebook', { argument: 'argv' });
  if (parsed.opts.html !== undefined) throw new InputError('--html applies to a single run; batch runs write no HTML', { argument: 'html' });
  const axes = ((parsed.opts.grid as string[] | undefined) ?? []).map(parseGridOption);
  const points = parsed.opts.gridFile !== undefined ? readGridFile(parsed.opts.gridFile as string) : expandGrid(axes);
  if (parsed.opts.gridFile !== undefined && axes.length > 0) throw new InputError('use either --grid or --grid-file, not both', { argument: 'grid' });
  const jobs: BatchJob[] = parsed.inputs.flatMap((inputPath) =>
    points.map((point) => ({ inputPath, parameters: { ...parsed.parameters, ...point } })));
  return { jobs, outputDir };
}

async function runQueueCli(parsed: ParsedCli, io: CliIo, options: CliOptions): Promise<number> {
  const o = parsed.opts;
  if (options.queueRunner === undefined) throw new InputError('--queue is not available from this entry point; use npm run notebook', { argument: 'queue' });
  for (const flag of ['workers', 'html', 'requestSaveOnCellExecute', 'logOutput'] as const) {
    if (o[flag] !== undefined && o[flag] !== false) {
      throw new InputError(`--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} does not apply to --queue runs`, { argument: flag });
    }
  }
  if (o.detach === true && o.collect !== undefined) throw new InputError('use either --detach or --collect ID, not both', { argument: 'detach' });
  const retries = o.retries as number | undefined;
  if (retries !== undefined && !(Number.isInteger(retries) && retries >= 0 && retries <= 100)) {
    throw new InputError(`--retries must be an integer in 0..100, got ${String(retries)}`, { argument: 'retries', value: retries });
  }
  const common = commonOptions(parsed);
  const execute = {
    kernelName: common.kernelName, executionTimeoutS: common.executionTimeoutS, startTimeoutS: common.startTimeoutS,
    reportMode: common.reportMode, prepareOnly: common.prepareOnly, html: o.htmlPages === true,
  };
  if (o.collect !== undefined) {
    if (parsed.inputs.length > 0) throw new InputError('--collect ID takes no input notebooks', { argument: 'collect' });
    return options.queueRunner({
      queue: o.queue as string, name: o.name as string | undefined, detach: false, collect: o.collect as string,
      outputDir: o.outputDir as string | undefined, execute,
    }, io, options.signal);
  }
  const { jobs, outputDir } = batchJobs(parsed);
  return options.queueRunner({
    queue: o.queue as string, name: o.name as string | undefined, retries, detach: o.detach === true, jobs, outputDir,
    cwd: common.cwd, execute, artifacts: o.artifacts as string | undefined,
  }, io, options.signal);
}

async function runBatchCli(parsed: ParsedCli, io: CliIo, signal?: AbortSignal): Promise<number> {
  const { jobs, outputDir } = batchJobs(parsed);
  const workers = (parsed.opts.workers as number | undefined) ?? os.availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new InputError(`--workers must be a positive integer, got ${String(parsed.opts.workers)}`, { argument: 'workers' });
  fs.mkdirSync(outputDir, { recursive: true });
  const summary = await runBatch({
    jobs, outputDir, workers, signal, execute: commonOptions(parsed),
    onJobEnd: (row) => io.stderr(`[${row.status}] ${row.output} (${row.duration_s.toFixed(1)} s)${row.error ? `: ${row.error}` : ''}\n`),
  });
  const files = writeBatchSummary(outputDir, summary.rows);
  io.stdout(`${summary.rows.filter((r) => r.status === 'completed').length}/${summary.rows.length} runs completed; summary: ${files.json}, ${files.csv}\n`);
  return summary.exitCode === 0 || summary.exitCode === EXIT_INTERRUPTED ? summary.exitCode : 1;
}

/**
 * The process entry point shared by `scripts/run-notebook.ts` and the package bin: wires Ctrl-C
 * and SIGTERM to an abort (the running cell is interrupted, the partial notebook written and the
 * kernel shut down; a second signal kills every kernel at once) and exits with the run's code.
 *
 * @param argv - arguments after the program name @defaultValue `process.argv.slice(2)`
 */
export function main(argv: readonly string[] = process.argv.slice(2), queueRunner?: QueueRunner): void {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      killAllKernels();
      process.exit(EXIT_INTERRUPTED);
    }
    process.stderr.write(`run-notebook: ${signal}: interrupting the running cell and writing the partial notebook\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  runNotebookCli(argv, { signal: controller.signal, queueRunner }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`run-notebook: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      killAllKernels();
      process.exit(1);
    },
  );
}
