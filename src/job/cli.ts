/**
 * The `forecast` command line: flags parsed into {@link ForecastJobOptions} for
 * {@link runForecastJob}. `scripts/forecast.ts` and the package bin (`src/bin/forecast.ts`) only call
 * {@link runCli}.
 */
import { Command, CommanderError, Option } from 'commander';
import { InputError } from '../errors';
import { fail } from '../validate';
import { parseBackendName } from '../backend/select';
import { CALENDAR_FEATURES, type CalendarFeature } from '../data/calendar';
import { DEFAULT_LEVELS } from '../eval/conformal';
import { CSV_DELIMITERS, DEFAULT_GAP_POLICY, DEFAULT_MISSING_POLICY, GAP_POLICIES, MISSING_POLICIES, type CsvDelimiter, type GapPolicy } from '../data/csv';
import { DEFAULT_SHORT_SERIES_POLICY, SHORT_SERIES_POLICIES, type ShortSeriesPolicy } from '../data/panelCsv';
import { LSTM_MODES, DEFAULT_LSTM_MODE, type LstmMode } from './lstmModel';
import { DEFAULT_MAX_BYTES } from '../io/boundedRead';
import { DEFAULT_SOURCE_TIMEOUT_MS } from '../data/source';
import { DEFAULT_KERNEL, DEFAULT_SEED, LSTM_KERNEL_CHOICES, type LstmConfig } from '../model/config';
import { DEFAULT_FORECASTER_TRANSFORM } from '../model/forecaster';
import { TARGET_TRANSFORMS } from '../model/preprocess';

/** `--target-transform` values: `auto` and every transform. */
const CLI_TARGET_TRANSFORMS: readonly string[] = ['auto', ...TARGET_TRANSFORMS];
import { LIBRARY } from '../version';
import { DEFAULT_TEST_FRACTION, DEFAULT_VAL_FRACTION, JobAbortedError, runForecastJob, type ForecastJobOptions, type ForecastJobResult } from './forecastJob';
import type { ForecastJobMetrics, SecondsByStage } from './metrics';
import { createProgressReporter, type ProgressReporter } from './progress';

/** Exit code for bad arguments or bad data. */
export const EXIT_INPUT = 2;
/** Exit code after SIGINT (Ctrl-C): 128 + 2. */
export const EXIT_SIGINT = 130;
/** Exit code after SIGTERM: 128 + 15. */
export const EXIT_SIGTERM = 143;

const DECIMAL_INTEGER = /^[0-9]+$/;
const DECIMAL_NUMBER = /^(?:[0-9]+\.?[0-9]*|\.[0-9]+)$/;

/** A flag's text as typed, in double quotes (not JSON-escaped), for error messages. */
function quoted(value: string): string {
  return `"${value}"`;
}

/** Parses a flag as a plain decimal integer `>= min`. */
function integer(flag: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    // Number() also reads "0x10", "1e3" and " 7 ": only plain decimal digits are accepted.
    if (!DECIMAL_INTEGER.test(value) || !Number.isSafeInteger(n) || n < min) fail(flag, `an integer >= ${min}`, value, quoted(value));
    return n;
  };
}

/** `[0, 1)`, or `(0, 1)` with `allowZero` false, written as a plain decimal (`0.2`, `.2`). */
function fraction(flag: string, allowZero = true) {
  return (value: string): number => {
    const n = Number(value);
    if (!DECIMAL_NUMBER.test(value) || n >= 1 || (!allowZero && n === 0)) {
      fail(flag, `a number in ${allowZero ? '[0, 1)' : '(0, 1)'}`, value, quoted(value));
    }
    return n;
  };
}

/** `--levels 80,95`: distinct plain-decimal percentages strictly between 0 and 100. */
function levels(value: string): number[] {
  const parts = value.split(',').map((p) => p.trim());
  const numbers = parts.map((part) => {
    const n = Number(part);
    if (!DECIMAL_NUMBER.test(part) || !(n > 0 && n < 100)) {
      throw new InputError(`--levels: each level must be a percentage strictly between 0 and 100, got "${part}"`, { argument: '--levels', value: part });
    }
    return n;
  });
  const twice = numbers.find((n, i) => numbers.indexOf(n) !== i);
  if (twice !== undefined) throw new InputError(`--levels: level ${twice} is given twice`, { argument: '--levels', value });
  return numbers.sort((a, b) => a - b);
}

/** Longest `--timeout`: Node's timers fire at once (after a warning) beyond 2^31 - 1 ms. */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Seconds in `(0, MAX_TIMEOUT_SECONDS]`, written as a plain decimal (`10`, `2.5`). */
function seconds(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!DECIMAL_NUMBER.test(value) || !(n > 0) || n > MAX_TIMEOUT_SECONDS) {
      throw new InputError(`${flag} must be a number of seconds in (0, ${MAX_TIMEOUT_SECONDS}], got "${value}"`, { argument: flag, value });
    }
    return n;
  };
}

function oneOf<T extends string>(flag: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InputError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`, { argument: flag, value });
    }
    return value as T;
  };
}

function delimiter(value: string): CsvDelimiter {
  const named: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };
  return oneOf('--delimiter', CSV_DELIMITERS)(named[value] ?? value);
}

function refitPolicy(value: string): 'never' | { every: number } {
  if (value === 'never') return 'never';
  const match = /^every:([0-9]+)$/.exec(value);
  if (match === null || Number(match[1]) < 1) {
    throw new InputError(`--refit must be never or every:K with K a positive integer, got "${value}"`, { argument: '--refit', value });
  }
  return { every: Number(match[1]) };
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const EXAMPLES = `
Examples:
  forecast --csv datasets/co2-concentration.csv --time Date --target CO2 --season 12 --horizon 12 --gaps fill --missing interpolate --out runs/co2
  forecast --csv stocks.csv --id symbol --time date --time-format "MMM d yyyy" --target price --horizon 6 --out runs/stocks
  forecast --csv sales.csv --time day --target units --features price,promo --season 7 --horizon 14 --out runs/sales --sort
  forecast --csv sales.csv --time day --target units --features price,promo --future-covariates plan.csv --horizon 14 --out runs/plan
  forecast --csv https://example.org/data.csv --time date --target y --max-bytes 100000000 --timeout 10 --out runs/web
  forecast --queue redis://10.0.0.5:6379 --jobs 4 --csv sales.csv --id store --time day --target units --horizon 14 --out runs/stores

On a queue (BullMQ on Redis; workers: npm run worker -- --queue URL):
  --queue URL         enqueue instead of running here; --out DIR receives each job's metrics.json,
                      report.html and summary.json / summary.csv
  --jobs N            N jobs, each with a share of the series (default 1); --name Q the queue name
  --retries N         further attempts of a failed job (default 0); --artifacts DIR a folder every
                      machine shares for the jobs' whole output folders (default: on each worker)
  --detach            print the batch id and exit; --collect ID waits for it later

Exit codes:
  0    success: --out holds model/, metrics.json, forecast.csv, future.csv, report.html
  2    bad arguments or bad data (stderr names the flag, file, line, column and value); found before training
  130  interrupted by SIGINT (Ctrl-C), 143 by SIGTERM: nothing written, no temporary directory left
  1    anything else (a bug: please report it with the message)
`;

/** Builds the command; exported for tests. */
export function buildProgram(): Command {
  return new Command('forecast')
    .description('Train an LSTM forecaster on a CSV and evaluate it against baselines (rolling origin).')
    .version(LIBRARY.version, '--version', 'print the version and exit')
    .requiredOption('--csv <file>', 'CSV file path or http(s) URL')
    .requiredOption('--time <col>', 'time column (ISO dates or numbers)')
    .requiredOption('--target <col>', 'column to forecast (with --wide: the series columns, comma-separated)')
    .requiredOption('--out <dir>', 'output directory (must not exist; written atomically)')
    .option('--features <a,b>', 'extra input columns, comma-separated (default: none)', list)
    .option('--future-covariates <file>', 'CSV of future values (time, id with --id, and some --features columns) for at least --horizon rows past each series: those features become future-known LSTM inputs')
    .option('--calendar <a,b>', `calendar encoders as future-known LSTM inputs: ${CALENDAR_FEATURES.join(', ')} (default: none)`, list)
    .option('--id <col>', 'long format: the series id column (one row per series and time); trains on every series')
    .option('--wide', 'wide format: every --target column (comma-separated) is a series of its own')
    .option('--statics <a,b>', 'long format: static columns, constant within each series', list)
    .option('--static-inputs <a,b>', 'global mode: --statics columns given to the LSTM as one-hot inputs (default: none)', list)
    .option('--id-input', 'global mode: give the LSTM a one-hot input of the series id (a learned embedding per series)')
    .option('--series <a,b>', 'only these series ids, comma-separated (long or wide format; default: every series)', list)
    .option('--time-format <fmt>', 'parse the time column with a date-fns format such as "MMM d yyyy" or "dd.MM.yyyy" (default: ISO 8601 or numbers)')
    .addOption(new Option('--gaps <policy>', 'missing time stamps in a regular series: error, warn, or fill (insert rows, then apply --missing)').choices([...GAP_POLICIES]).argParser(oneOf('--gaps', GAP_POLICIES)).default(DEFAULT_GAP_POLICY))
    .option('--min-length <n>', 'series shorter than this many rows are refused (or skipped with --short skip)', integer('--min-length', 2))
    .addOption(new Option('--short <policy>', 'series shorter than --min-length: error or skip (with a warning)').choices([...SHORT_SERIES_POLICIES]).argParser(oneOf('--short', SHORT_SERIES_POLICIES)).default(DEFAULT_SHORT_SERIES_POLICY))
    .addOption(new Option('--mode <mode>', 'global: one LSTM over every series; local: one LSTM per series').choices([...LSTM_MODES]).argParser(oneOf('--mode', LSTM_MODES)).default(DEFAULT_LSTM_MODE))
    .option('--season <m>', 'seasonal period in rows (MASE, seasonal naive, default lookback)', integer('--season', 1), 1)
    .option('--horizon <h>', 'forecast steps per origin', integer('--horizon', 1), 1)
    .option('--levels <a,b>', 'prediction-interval levels in percent (split conformal, calibrated on the validation range)', levels, [...DEFAULT_LEVELS])
    .option(
      '--lookback <l>',
      "input rows per window (default: max(2*season, 2*horizon, 8), at most 120 and a quarter of the training rows); 'auto' also tries a shorter one on the validation range",
      (text: string) => {
        if (text === 'auto') return 'auto';
        if (!DECIMAL_INTEGER.test(text) || !(Number(text) >= 1) || !Number.isSafeInteger(Number(text))) {
          throw new InputError(`--lookback must be an integer >= 1 or 'auto', got "${text}"`, { argument: '--lookback', value: text });
        }
        return Number(text);
      },
    )
    .option('--test-fraction <f>', 'fraction of rows (the last ones) used as the test range', fraction('--test-fraction', false), DEFAULT_TEST_FRACTION)
    .option('--val-fraction <f>', 'fraction of rows before the test range used for early stopping', fraction('--val-fraction'), DEFAULT_VAL_FRACTION)
    .option('--refit <policy>', "test backtest: 'never' (fit once), or every:K to refit every model, the LSTM included, before every K-th origin", refitPolicy, 'never')
    .option('--test-start <time>', 'instead of --test-fraction: the first time stamp of every series\' test range (in --time-format, an ISO date, or a number)')
    .option('--val-start <time>', 'with --test-start: the first time stamp of the validation ranges (default: no validation rows)')
    .option('--epochs <e>', 'maximum training epochs (early stopping usually ends sooner)', integer('--epochs', 1))
    .option('--units <u>', 'LSTM units per layer', integer('--units', 1))
    .option('--layers <n>', 'stacked LSTM layers', integer('--layers', 1))
    .option('--seed <s>', 'random seed (same seed + same backend => same result)', integer('--seed', 0), DEFAULT_SEED)
    .addOption(new Option('--missing <policy>', 'missing values').choices([...MISSING_POLICIES]).argParser(oneOf('--missing', MISSING_POLICIES)).default(DEFAULT_MISSING_POLICY))
    .option('--sort', 'sort rows by time first (otherwise unsorted rows are an error)')
    .option('--delimiter <c>', `CSV delimiter: auto (guessed from the header), ",", ";", tab or "|"`, delimiter, 'auto')
    .option('--max-bytes <n>', 'most bytes read from the CSV file or URL', integer('--max-bytes', 1), DEFAULT_MAX_BYTES)
    .option('--timeout <seconds>', 'URL/FIFO timeout: seconds to wait for an answer or for more data', seconds('--timeout'), DEFAULT_SOURCE_TIMEOUT_MS / 1000)
    .addOption(
      new Option('--target-transform <t>', "how the network sees the target; 'auto' trains each candidate and keeps the best on the validation range")
        .choices(CLI_TARGET_TRANSFORMS)
        .argParser(oneOf('--target-transform', CLI_TARGET_TRANSFORMS))
        .default(DEFAULT_FORECASTER_TRANSFORM),
    )
    .option('--backend <name>', 'auto, node-gpu, node, wasm or cpu (default: $TFJS_BACKEND or auto)', (v: string) => parseBackendName(v, '--backend'))
    .addOption(
      new Option('--kernel <name>', 'LSTM implementation: auto (the fused native/WebAssembly kernel unless the backend runs on a GPU or no kernel loads), fused or stock')
        .choices(LSTM_KERNEL_CHOICES)
        .argParser(oneOf('--kernel', LSTM_KERNEL_CHOICES))
        .default(DEFAULT_KERNEL),
    )
    .option('--no-progress', 'no progress bars, stage or epoch lines (status lines stay)')
    .addOption(new Option('-q, --quiet', 'print only errors and the final summary').conflicts('verbose'))
    .option('-v, --verbose', 'print every epoch and each stage as it begins')
    .addHelpText('after', EXAMPLES)
    // Commander 12 ignores extra arguments by default: `--features temp wind` would drop "wind".
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

/**
 * Rejects a value flag given twice (`--target a --target b`): commander keeps the last one
 * silently, which hides typos in long command lines.
 */
function rejectRepeatedFlags(program: Command, argv: readonly string[]): void {
  const valueFlags = new Set(program.options.filter((o) => o.required || o.optional).map((o) => o.long!));
  const seen = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!valueFlags.has(flag)) continue;
    const value = eq > 0 ? arg.slice(eq + 1) : (argv[++i] ?? '');
    const first = seen.get(flag);
    if (first !== undefined) {
      throw new InputError(`${flag} was given twice ("${first}", then "${value}"); give it once`, { argument: flag, value });
    }
    seen.set(flag, value);
  }
}

/** The command-line flag of each library option name that an InputError's `details.argument` may hold. */
const FLAG_OF: Readonly<Record<string, string>> = {
  time: '--time',
  targets: '--target',
  target: '--target',
  features: '--features',
  missing: '--missing',
  season: '--season',
  horizon: '--horizon',
  lookback: '--lookback',
  seed: '--seed',
  epochs: '--epochs',
  units: '--units',
  layers: '--layers',
  kernel: '--kernel',
  targetTransform: '--target-transform',
  'test-fraction': '--test-fraction',
  'val-fraction': '--val-fraction',
  out: '--out',
  sort: '--sort',
  delimiter: '--delimiter',
  maxBytes: '--max-bytes',
  timeoutMs: '--timeout',
  id: '--id',
  wide: '--wide',
  statics: '--statics',
  staticInputs: '--static-inputs',
  idInput: '--id-input',
  series: '--series',
  timeFormat: '--time-format',
  gaps: '--gaps',
  minLength: '--min-length',
  short: '--short',
  mode: '--mode',
  testStart: '--test-start',
  refit: '--refit',
  calendar: '--calendar',
  futureCovariates: '--future-covariates',
  valStart: '--val-start',
  levels: '--levels',
};

/**
 * The options that library messages name besides the one at fault (`details.argument`), renamed
 * to their flags as well: the policy in "set options.missing to 'drop', ..." and the format in
 * "does not match the time format ... (options.timeFormat)" (errors in the data, with no
 * argument), the threshold in "fewer than options.minLength" (an `options.series` error), and the
 * other column of "selected twice (options.time and options.targets)", "options.wide and
 * options.id" and "options.statics needs options.id". Any other `options.*` that is not the
 * error's argument is left as the library wrote it.
 */
const MENTIONED_OPTIONS: readonly string[] = ['missing', 'timeFormat', 'minLength', 'time', 'id', 'targets', 'features'];

/** `message` with the token `options.<name>` replaced by `flag` (whole tokens: `options.id`, not `options.idInput`). */
function renameOption(message: string, name: string, flag: string): string {
  const token = new RegExp(`\\boptions\\.${name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}(?![A-Za-z0-9_])`, 'g');
  return message.replace(token, () => flag);
}

/**
 * The message of an InputError as a command-line user should read it: the option at fault
 * (`details.argument`) named by its flag, `options.targets` -> `--target`, or the flag appended
 * when the message names the option otherwise (`units must be ...` -> `... (--units)`); the other
 * options the library's messages mention ({@link MENTIONED_OPTIONS}) renamed too.
 *
 * @example
 * describeInputError(new InputError('f.csv: unknown column "x" (options.targets)', { argument: 'targets' }));
 * // 'f.csv: unknown column "x" (--target)'
 */
export function describeInputError(error: InputError): string {
  const argument = error.details?.argument;
  const mentioned = MENTIONED_OPTIONS.reduce((message, name) => renameOption(message, name, FLAG_OF[name]), error.message);
  const flag = typeof argument === 'string' ? FLAG_OF[argument] : undefined;
  if (typeof argument !== 'string' || flag === undefined) return mentioned;
  const message = renameOption(mentioned, argument, flag);
  return message.includes(flag) ? message : `${message} (${flag})`;
}

function jobOptions(opts: Record<string, unknown>): Omit<ForecastJobOptions, 'onProgress' | 'log' | 'signal'> {
  const model: Partial<Record<keyof LstmConfig, unknown>> = {};
  if (opts.units !== undefined) model.units = opts.units;
  if (opts.layers !== undefined) model.layers = opts.layers;
  if (opts.kernel !== undefined) model.kernel = opts.kernel;
  return {
    csv: opts.csv as string,
    time: opts.time as string,
    target: opts.target as string,
    id: opts.id as string | undefined,
    wide: opts.wide === true,
    statics: (opts.statics as string[] | undefined) ?? [],
    staticInputs: (opts.staticInputs as string[] | undefined) ?? [],
    idInput: opts.idInput === true,
    series: opts.series as string[] | undefined,
    timeFormat: opts.timeFormat as string | undefined,
    gaps: opts.gaps as GapPolicy,
    minLength: opts.minLength as number | undefined,
    short: opts.short as ShortSeriesPolicy,
    mode: opts.mode as LstmMode,
    features: (opts.features as string[] | undefined) ?? [],
    calendar: (opts.calendar as CalendarFeature[] | undefined) ?? [],
    futureCovariates: opts.futureCovariates as string | undefined,
    season: opts.season as number,
    horizon: opts.horizon as number,
    levels: opts.levels as number[],
    lookback: opts.lookback as number | 'auto' | undefined,
    testFraction: opts.testFraction as number,
    refit: opts.refit as ForecastJobOptions['refit'],
    testStart: opts.testStart as string | undefined,
    valStart: opts.valStart as string | undefined,
    valFraction: opts.valFraction as number,
    epochs: opts.epochs as number | undefined,
    seed: opts.seed as number,
    missing: opts.missing as ForecastJobOptions['missing'],
    sort: opts.sort === true,
    delimiter: opts.delimiter as CsvDelimiter,
    maxBytes: opts.maxBytes as number,
    timeoutMs: Math.round((opts.timeout as number) * 1000),
    targetTransform: opts.targetTransform as ForecastJobOptions['targetTransform'],
    backend: opts.backend as ForecastJobOptions['backend'],
    model: model as Partial<LstmConfig>,
    out: opts.out as string,
  };
}

/**
 * Parses forecast arguments into job options without running anything (queue workers and
 * submitters use it to check a job's options).
 *
 * @throws InputError with the command line's message (flags named) for anything `main` would exit 2 on
 * @example parseForecastArgs(['--csv', 'a.csv', '--time', 't', '--target', 'y', '--out', 'o']).horizon; // 1
 */
export function parseForecastArgs(argv: readonly string[]): Omit<ForecastJobOptions, 'onProgress' | 'log' | 'signal'> {
  const program = buildProgram().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  try {
    rejectRepeatedFlags(program, argv);
    program.parse(argv as string[], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw new InputError(error.message.replace(/^error: /, ''), { argument: 'argv' });
    if (error instanceof InputError) throw new InputError(describeInputError(error), error.details);
    throw error;
  }
  return jobOptions(program.opts());
}

/** Runs a `forecast --queue ...` command line (the queue layer, passed in by the entry points). */
export type ForecastQueueRunner = (argv: readonly string[]) => Promise<number>;

function formatMetric(value: number | null | undefined, digits: number, suffix = ''): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${value.toFixed(digits)}${suffix}` : '-';
}

/**
 * Runs the CLI; resolves to the exit code (see the help text's "Exit codes"). While it runs,
 * SIGINT and SIGTERM abort the job at whatever stage it is in (the job removes what it began
 * to write) and give 130 / 143; further signals while it stops are noted, not obeyed, so the
 * clean-up always finishes.
 *
 * @param argv - The arguments after the program name.
 */
export async function main(argv: readonly string[], queueRunner?: ForecastQueueRunner): Promise<number> {
  if (argv.includes('--queue') || argv.some((arg) => arg.startsWith('--queue='))) return runQueueCommand(argv, queueRunner);
  const parsed = parseCommandLine(argv);
  return 'exitCode' in parsed ? parsed.exitCode : runCommand(parsed.opts);
}

/** `forecast --queue ...`: handed to the queue layer, when the entry point passed one in. */
function runQueueCommand(argv: readonly string[], queueRunner: ForecastQueueRunner | undefined): number | Promise<number> {
  if (queueRunner === undefined) {
    process.stderr.write('forecast: --queue is not available from this entry point; use npm run forecast\n');
    return EXIT_INPUT;
  }
  return queueRunner(argv);
}

/** The parsed flags, or the exit code when parsing ends the run. */
type ParsedCommandLine = { readonly opts: Record<string, unknown> } | { readonly exitCode: number };

/**
 * Parses the command line. Help and version print and exit 0; a usage error (printed by
 * commander) or a bad flag value (printed here) exits {@link EXIT_INPUT}.
 */
function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const program = buildProgram();
  try {
    rejectRepeatedFlags(program, argv);
    program.parse(argv as string[], { from: 'user' });
    return { opts: program.opts() };
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version print and exit 0; everything else is a usage error (already printed).
      return { exitCode: error.exitCode === 0 ? 0 : EXIT_INPUT };
    }
    if (error instanceof InputError) {
      process.stderr.write(`forecast: ${error.message}\n`);
      return { exitCode: EXIT_INPUT };
    }
    throw error;
  }
}

/** Runs the job of the parsed flags with a progress display; resolves to the exit code. */
async function runCommand(opts: Record<string, unknown>): Promise<number> {
  const quiet = opts.quiet === true;
  const verbose = opts.verbose === true;
  const progress = createProgressReporter({ enabled: opts.progress !== false && !quiet, stream: process.stderr, everyEpoch: verbose });
  const log = quiet ? () => undefined : progress.log;
  const signals = watchSignals(progress);
  try {
    const result = await runForecastJob({
      ...jobOptions(opts),
      onProgress: progress.onProgress,
      onStageProgress: progress.onStageProgress,
      log,
      onStage: verbose ? (stage) => log(`stage: ${stage}`) : undefined,
      signal: signals.signal,
    });
    progress.stop();
    printSummary(result);
    return 0;
  } catch (error) {
    progress.stop();
    return reportFailure(error, signals.received);
  } finally {
    signals.release();
  }
}

/** SIGINT and SIGTERM while a job runs (see {@link watchSignals}). */
interface SignalWatch {
  /** Aborted by the first signal. */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  readonly received: NodeJS.Signals | null;
  /** Stops listening. */
  release(): void;
}

/**
 * Listens for SIGINT and SIGTERM: the first stops the progress display and aborts the job; later
 * ones are noted, not obeyed, so that the job's clean-up always finishes.
 */
function watchSignals(progress: Pick<ProgressReporter, 'stop'>): SignalWatch {
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;
  const onSignal = (name: NodeJS.Signals): void => {
    if (received) {
      process.stderr.write(`forecast: ${name} again; still removing partial output, please wait\n`);
      return;
    }
    received = name;
    progress.stop();
    process.stderr.write(`forecast: ${name} received; stopping\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    release() {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}

/** Prints what was written, each model's scores and the seconds of each stage on stdout. */
function printSummary(result: ForecastJobResult): void {
  const lines = [...summaryLines(result.metrics), secondsLine(result.secondsByStage)];
  process.stdout.write(`wrote ${result.out}: ${result.files.join(', ')}\n${lines.join('\n')}\n`);
}

/**
 * The summary's last line: `seconds by stage: setup 0.0 s, load 0.3 s, ..., total 360.7 s`
 * (`baselines`: the backtest's time in the reference models, see `seconds_by_stage`).
 * @example
 * secondsLine({ setup: 0.01, load: 0.3 }); // => 'seconds by stage: setup 0.0 s, load 0.3 s, total 0.3 s'
 */
export function secondsLine(seconds: SecondsByStage): string {
  const entries = Object.entries(seconds) as [string, number][];
  const total = entries.reduce((sum, [, s]) => sum + s, 0);
  return `seconds by stage: ${[...entries, ['total', total] as const].map(([stage, s]) => `${stage} ${s.toFixed(1)} s`).join(', ')}`;
}

/** One line per model (with several series, its geometric-mean MASE and LSTM wins), the LSTM's interval coverage, the warnings. */
function summaryLines(metrics: ForecastJobMetrics): string[] {
  const { aggregate, series } = metrics;
  const lines = Object.entries(metrics.models).map(([name, m]) => {
    const base = `  ${name.padEnd(15)} MASE ${formatMetric(m.mase, 3)}  sMAPE ${formatMetric(m.smape, 2, '%')}  RMSE ${Number.isFinite(m.rmse) ? m.rmse.toPrecision(4) : '-'}`;
    if (series === 1) return base;
    const wins = aggregate.lstm_wins[name];
    return `${base}  geo-mean MASE ${formatMetric(aggregate.geometric_mean_mase[name], 3)}${wins === undefined ? '' : `  lstm better on ${(100 * wins).toFixed(0)}% of ${series} series`}`;
  });
  const intervals = metrics.intervals;
  const lstmIntervals = intervals?.models.lstm;
  if (intervals && lstmIntervals) {
    const shown = intervals.levels.map((l) => `${formatMetric(100 * (lstmIntervals.coverage[String(l)] ?? Number.NaN), 1, '%')} inside the ${l}% intervals`);
    lines.push(`  lstm intervals  ${shown.join(', ')} (test range, split conformal)`);
  }
  for (const warning of metrics.warnings) lines.push(`warning: ${warning}`);
  return lines;
}

/**
 * Maps a failed run to its exit code, with its message on stderr: an abort (or any failure after
 * a signal) 130 / 143, bad options or data {@link EXIT_INPUT} (flags named), anything else 1.
 */
function reportFailure(error: unknown, received: NodeJS.Signals | null): number {
  if (error instanceof JobAbortedError || received) {
    process.stderr.write(`forecast: ${error instanceof JobAbortedError ? error.message : `stopped by ${received}; nothing was written`}\n`);
    return received === 'SIGTERM' ? EXIT_SIGTERM : EXIT_SIGINT;
  }
  if (error instanceof InputError) {
    process.stderr.write(`forecast: ${describeInputError(error)}\n`);
    return EXIT_INPUT;
  }
  process.stderr.write(`forecast: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) resolve();
    else stream.write('', () => resolve());
  });
}

/**
 * Runs {@link main} as the whole process: once it resolves and stdout and stderr are flushed, the
 * process exits with its code. Exiting explicitly matters after Ctrl-C during a download: the
 * job stops waiting for it at once, but its socket would keep Node alive until the server or
 * `--timeout` ends it.
 *
 * @param argv - The arguments after the program name. @defaultValue `process.argv.slice(2)`
 * @example
 * // src/bin/forecast.ts
 * runCli();
 */
export function runCli(argv: readonly string[] = process.argv.slice(2), queueRunner?: ForecastQueueRunner): void {
  void main(argv, queueRunner)
    .catch((error: unknown) => {
      process.stderr.write(`forecast: failed: ${String((error as Error)?.stack ?? error)}\n`);
      return 1;
    })
    .then(async (code) => {
      process.exitCode = code;
      await flushed(process.stdout);
      await flushed(process.stderr);
      process.exit(code);
    });
}
