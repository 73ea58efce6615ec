import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import { selectBackend, type BackendInfo, type BackendName } from '../backend/select';
import { InputError } from '../errors';
import { fraction } from '../validate';
import { checkCalendarFeatures, type CalendarFeature } from '../data/calendar';
import type { CsvDelimiter, GapPolicy, MissingPolicy } from '../data/csv';
import { checkSeriesSelection, panelSeries, selectSeries, type Panel } from '../data/panel';
import { loadPanelCsv, type ParsedPanelCsv, type ShortSeriesPolicy } from '../data/panelCsv';
import { futureCsvColumns, parseFutureCsvText } from '../data/futureCsv';
import { readTextSource } from '../data/source';
import { parseFormattedDate } from '../data/time';
import { splitPanel, type PanelSplit } from '../data/panelSplit';
import type { SplitIndices } from '../data/split';
import type { TargetTransform } from '../data/transform';
import type { TimeSeries } from '../data/types';
import { alignSteps, forecastCsvLines, futureCsvLines, futureRows } from '../eval/alignment';
import { writeFileAtomic, type AtomicDir } from '../io/atomic';
import { saveBundle } from '../model/bundle';
import { DEFAULT_KERNEL, resolveLstmConfig, type LstmConfig } from '../model/config';
import { evaluateModels, LSTM_MODEL, type Evaluation } from './evaluate';
import { DEFAULT_LEVELS } from '../eval/conformal';
import { INTERVALS_FILE } from './calibrationFile';
import { checkLevels } from '../eval/intervalMetrics';
import type { IntervalSummary } from '../eval/intervalScoring';
import { LstmModel, type LstmMode, type LstmModelOptions } from './lstmModel';
import type { PanelBacktestResult, RefitPolicy } from '../eval/panelBacktest';
import { resolveLstmKernel, type ResolvedLstmKernel } from '../model/kernel';
import type { TrainProgress } from '../model/train';
import { buildForecastReport } from './report';
import type { ForecastJobMetrics, IntervalMetrics, IntervalModelMetrics, JobStage, SecondsByStage, SeriesMetrics, SplitPart } from './metrics';
import { StageMeter, type StageProgress } from './stageProgress';
import { TrainStageProgress } from './trainStageProgress';
import { LIBRARY } from '../version';
import { JobAbortedError, JobRun } from './jobRun';
import { commitOutput, withOutputDir } from './outputDir';

export { JobAbortedError } from './jobRun';
export { removeStaleTempSiblings } from './outputDir';

/** Default fraction of rows held out as the test range (the last rows). */
export const DEFAULT_TEST_FRACTION = 0.2;
/** Default fraction of rows used for validation (early stopping), just before the test range. */
export const DEFAULT_VAL_FRACTION = 0.1;
/** Baselines always evaluated next to the LSTM. */
export const JOB_BASELINES = ['naive', 'seasonal_naive', 'mean', 'drift'] as const;

/** Options of {@link runForecastJob}: the `forecast` CLI's flags. */
export interface ForecastJobOptions {
  /** CSV path or http(s) URL. */
  readonly csv: string;
  /** Time column. */
  readonly time: string;
  /** Target column (one); with `wide`, the series columns, comma-separated. */
  readonly target: string;
  /** Long format: the series id column; every series is forecast (see `loadPanelCsv`). @defaultValue none: one series */
  readonly id?: string;
  /** Wide format: each column of `target` (comma-separated) is a series. @defaultValue false */
  readonly wide?: boolean;
  /**
   * Only these series ids (long or wide format); the others are dropped right after loading (see
   * `selectSeries`), and their rows in the `futureCovariates` file are ignored. One series (no
   * `id`, no `wide`) has its target's name as id. @defaultValue every series
   */
  readonly series?: readonly string[];
  /** Long format: static columns, constant within each series. @defaultValue [] */
  readonly statics?: readonly string[];
  /** Global mode: `statics` columns given to the LSTM as one-hot inputs (see `encodeStatics`). @defaultValue [] */
  readonly staticInputs?: readonly string[];
  /** Global mode: give the LSTM a one-hot input of the series id (a learned embedding per series). @defaultValue false */
  readonly idInput?: boolean;
  /** A date-fns format for the time column (e.g. `MMM d yyyy`). @defaultValue ISO 8601 or numbers */
  readonly timeFormat?: string;
  /** Missing time stamps: `error`, `warn` or `fill`. @defaultValue `DEFAULT_GAP_POLICY` ('error') */
  readonly gaps?: GapPolicy;
  /** Shortest series accepted, in rows. @defaultValue `MIN_PANEL_SERIES_LENGTH` (2) */
  readonly minLength?: number;
  /** Series shorter than `minLength`: `error` or `skip` (with a warning). @defaultValue 'error' */
  readonly short?: ShortSeriesPolicy;
  /** `global`: one LSTM over every series; `local`: one per series. @defaultValue `DEFAULT_LSTM_MODE` ('global') */
  readonly mode?: LstmMode;
  /**
   * The test backtest's refit policy: `'never'`, or `{ every: k }`: every model, the LSTM
   * included (a fresh network each time), is refitted on the rows up to the origin before every
   * k-th origin of each series. `future.csv` and the bundle still come from the models fitted on
   * the rows before the test range. @defaultValue `'never'`
   */
  readonly refit?: RefitPolicy;
  /**
   * Calendar encoders given to the LSTM as future-known covariates: over the lookback and over the
   * horizon (the values at the forecast steps are computable), see `ForecasterOptions.calendar`.
   * @defaultValue [] (none)
   */
  readonly calendar?: readonly CalendarFeature[];
  /** Extra input columns. @defaultValue [] */
  readonly features?: readonly string[];
  /**
   * A CSV file (or URL) of future-known covariates: the time column, the id column (long
   * format), and some of `features`, with their values for at least `horizon` rows after the end
   * of every series (see `parseFutureCsvText`). Those features become future-known covariates of
   * the LSTM (lead columns, read over the horizon: in the backtest from the data, for
   * `future.csv` from this file); the other features stay past covariates. @defaultValue none
   */
  readonly futureCovariates?: string;
  /** Seasonal period in rows (MASE scale, seasonal naive, default lookback). @defaultValue 1 */
  readonly season?: number;
  /** Forecast steps per origin. @defaultValue 1 */
  readonly horizon?: number;
  /**
   * Prediction-interval levels, percent: every model gets split conformal intervals, calibrated
   * on its validation-range residuals (see `calibrateConformal`). @defaultValue `DEFAULT_LEVELS` (80, 95)
   */
  readonly levels?: readonly number[];
  /** Input rows per window, or `'auto'` (see `ForecasterOptions.lookback`). @defaultValue `defaultLookback(season, horizon)` */
  readonly lookback?: number | 'auto';
  /** @defaultValue {@link DEFAULT_TEST_FRACTION} */
  readonly testFraction?: number;
  /**
   * A common cutoff instead of fractions: the first time stamp of every series' test range (in
   * `timeFormat` when the data has one, or ISO 8601, or a number for numeric time).
   * @defaultValue none: `testFraction` of each series
   */
  readonly testStart?: string;
  /** With `testStart`: the first time stamp of the validation ranges. @defaultValue none: no validation rows */
  readonly valStart?: string;
  /** @defaultValue {@link DEFAULT_VAL_FRACTION} */
  readonly valFraction?: number;
  /** Maximum epochs. @defaultValue `DEFAULT_EPOCHS` (200) */
  readonly epochs?: number;
  /** @defaultValue 42 */
  readonly seed?: number;
  /** @defaultValue 'error' */
  readonly missing?: MissingPolicy;
  /** A transform, or `'auto'`: chosen on the validation range (see `LstmForecaster.fit`). @defaultValue 'auto' */
  readonly targetTransform?: TargetTransform | 'auto';
  /** Further network settings (units, layers, dropout, kernel, ...). */
  readonly model?: Partial<LstmConfig>;
  /** @defaultValue `TFJS_BACKEND` or auto */
  readonly backend?: BackendName | 'auto';
  /** Output directory; must not exist yet (it appears complete, atomically, at the end). */
  readonly out: string;
  /** Training progress events (of every training run, the backtest's refits included). */
  readonly onProgress?: (event: TrainProgress) => void;
  /**
   * Progress of each long stage as one event type (see {@link StageProgress}): `load` in series
   * checked, `train` in epochs over the series and preprocessing candidates, `backtest` in
   * origins over every model's validation and test backtests and future forecast, `report` in
   * charts, `write` in files; each with its ETA. Called synchronously; keep it fast (displays
   * throttle). @defaultValue none
   */
  readonly onStageProgress?: (event: StageProgress) => void;
  /** One-line status messages (backend, data, stages). @defaultValue no-op */
  readonly log?: (line: string) => void;
  /** Sort rows by time before validating (otherwise unsorted rows are an error). @defaultValue false */
  readonly sort?: boolean;
  /** CSV delimiter, or `'auto'` (guessed from the header line). @defaultValue 'auto' */
  readonly delimiter?: CsvDelimiter;
  /** Most bytes read from the CSV file or URL. @defaultValue `DEFAULT_MAX_BYTES` (1 GiB) */
  readonly maxBytes?: number;
  /** URL (and FIFO) timeout: ms to wait for an answer, or for more data. @defaultValue 30000 */
  readonly timeoutMs?: number;
  /**
   * Called when a stage begins (`setup` first, then `load`, `train`, `backtest`, `report`,
   * `write`); the job waits for a returned promise. For progress display and tests.
   */
  readonly onStage?: (stage: JobStage) => void | Promise<void>;
  /**
   * Aborts the job at any stage (training stops within a batch); nothing is written. A download
   * in progress is abandoned at once rather than cancelled (`loadCsv` takes no signal): its
   * connection lives on until the server closes it, `timeoutMs` or `maxBytes` (the CLI exits
   * instead of waiting).
   */
  readonly signal?: AbortSignal;
}

/** What {@link runForecastJob} wrote. */
export interface ForecastJobResult {
  readonly out: string;
  readonly metrics: ForecastJobMetrics;
  readonly files: readonly string[];
  /**
   * Seconds per stage, including `report` and `write`, with the backtest's `baselines` part (see
   * `ForecastJobMetrics.seconds_by_stage`).
   */
  readonly secondsByStage: SecondsByStage;
}

const DAY_MS = 86_400_000;

/**
 * How row times are written: numbers as they are; dates as `YYYY-MM-DD` when every time stamp
 * is a midnight (UTC), else as full ISO date-times, so that hourly rows stay distinct.
 */
function timeFormatter(series: TimeSeries, dateOnly = series.time.every((t) => t % DAY_MS === 0)): (index: number) => string | number | null {
  return (index) => {
    if (index < 0 || index >= series.length) return null;
    const t = series.time[index];
    if (series.timeKind !== 'date') return t;
    const iso = new Date(t).toISOString();
    return dateOnly ? iso.slice(0, 10) : iso;
  };
}

function splitPart(formatTime: (index: number) => string | number | null, range: { start: number; end: number }): SplitPart {
  return {
    rows: range.end - range.start,
    start: range.end > range.start ? formatTime(range.start) : null,
    end: range.end > range.start ? formatTime(range.end - 1) : null,
  };
}



/**
 * The MASE scale (in-sample seasonal-naive MAE) must exist before a training run is spent on a
 * series it cannot score: the rows before the test range must cover more than one season, and
 * the series must not repeat itself exactly (constant, or exactly periodic with the season).
 * Such a series is refused (the choice documented on {@link runForecastJob}), naming the file,
 * the column and the flag.
 */
function checkMaseScale(series: TimeSeries, target: string, testStart: number, season: number, source: string): void {
  if (testStart <= season) {
    throw new InputError(
      `--season ${season} needs more than ${season} rows before the test range, but ${source} has ${testStart} ` +
        `(${series.length} rows, the last ${series.length - testStart} held out for testing); ` +
        `use a smaller --season or a smaller --test-fraction`,
      { argument: 'season', value: season },
    );
  }
  const values = series.values[target];
  let sum = 0;
  for (let t = season; t < testStart; t++) sum += Math.abs(values[t] - values[t - season]);
  if (sum === 0) {
    const shape = season === 1 ? 'constant' : `exactly periodic with period ${season}`;
    throw new InputError(
      `column ${JSON.stringify(target)} of ${source} is ${shape} on the ${testStart} rows before the test range: ` +
        `the seasonal-naive forecast is already perfect there, so MASE (scaled by its error) is undefined; ` +
        `nothing was trained`,
      { argument: 'target', value: target, file: source },
    );
  }
}

/**
 * Runs the whole forecasting job: select the backend (and the LSTM kernel, see
 * `resolveLstmKernel`; both are logged and recorded in `metrics.json`), load and validate the CSV
 * (one series, or many with `id` / `wide`: a panel), split every series chronologically
 * (train / val / test = the last `testFraction` rows of each, or at `testStart`), fit the LSTM
 * (global or local, early stopping on val), evaluate it and the reference models through the
 * `Forecaster` interface with the rolling-origin protocol on each test range, forecast `horizon`
 * steps past each series' end, and write into `out`: `model/` (bundle), `metrics.json`,
 * `forecast.csv`, `future.csv`, `report.html`.
 *
 * Every check that can fail on the options or the data runs before training: `out` must not
 * exist and must be writable (a temporary sibling directory is created at once, and the job
 * writes into it), `season` must leave more than one season of rows before the test range, and
 * the target must not be constant or exactly periodic with `season` there (MASE would be
 * undefined: such a series is refused rather than reported with a missing score).
 *
 * Nothing is half-written: files go to the temporary sibling, renamed to `out` only when all of
 * them are complete; on any error, and when `signal` aborts (checked between stages, inside
 * training and between files), the sibling is removed. Siblings left behind by a killed run of
 * the same `out` (`.NAME.tmp-PID-TS` whose process is gone) are removed at the start.
 *
 * @throws InputError for bad options or data (the CLI's exit code 2).
 * @throws JobAbortedError when `signal` aborts, at any stage; nothing is written.
 */
export async function runForecastJob(options: ForecastJobOptions): Promise<ForecastJobResult> {
  const run = new JobRun(options);
  const job = jobContext(options);
  return withOutputDir(options.out, job.log, async (out, output) => {
    await run.begin();
    const { backend, kernel } = await setupStage(job);
    await run.enter('load');
    const data = await loadStage(job, run);
    await run.enter('train');
    const train = new TrainStageProgress({ emit: job.emit });
    const lstmOptions = lstmModelOptions(job, backend, kernel, train);
    const lstm = await trainStage(lstmOptions, data, train);
    try {
      checkTrained(lstm, options.out);
      logTraining(lstm, job.log);
      await run.enter('backtest');
      const evaluation = await backtestStage(job, data, lstm, lstmOptions);
      await run.enter('report');
      run.splitOff('backtest', 'baselines', baselineSeconds(evaluation));
      const report = reportStage({ job, data, lstm, backend, evaluation, run });
      await run.enter('write');
      // Built now, so that it holds the report stage's seconds too.
      const metrics = { ...report.metrics, ...stageSeconds(run) };
      const files: OutputFile[] = [['metrics.json', JSON.stringify(metrics, null, 2) + '\n'], ...report.files];
      await writeStage({ job, lstm, evaluation, files, output, run, outOption: options.out });
      return { out, metrics, files: [...OUTPUT_FILES], secondsByStage: run.finish() };
    } finally {
      lstm.dispose();
    }
  });
}

/** What {@link runForecastJob} writes into `out`, in order (`model/` is a directory). */
const OUTPUT_FILES: readonly string[] = ['model/', 'metrics.json', 'forecast.csv', 'future.csv', 'report.html'];

/** The options with their defaults applied and checked, and the log: what every stage reads. */
interface JobContext {
  readonly options: ForecastJobOptions;
  readonly log: (line: string) => void;
  /** `options.onStageProgress`, or a no-op. */
  readonly emit: (event: StageProgress) => void;
  readonly testFraction: number;
  readonly valFraction: number;
  readonly season: number;
  readonly horizon: number;
  readonly levels: readonly number[];
}

/** @throws InputError for a bad fraction or bad levels, before `out` is touched. */
function jobContext(options: ForecastJobOptions): JobContext {
  return {
    options,
    log: options.log ?? (() => undefined),
    emit: options.onStageProgress ?? (() => undefined),
    testFraction: fraction('test-fraction', options.testFraction ?? DEFAULT_TEST_FRACTION, false),
    valFraction: fraction('val-fraction', options.valFraction ?? DEFAULT_VAL_FRACTION),
    season: options.season ?? 1,
    horizon: options.horizon ?? 1,
    levels: checkLevels(options.levels ?? DEFAULT_LEVELS),
  };
}

/** The network settings: `model`, with `epochs` and `seed` when given. */
function networkSettings(options: ForecastJobOptions): Partial<LstmConfig> {
  return { ...options.model, ...(options.epochs !== undefined ? { epochs: options.epochs } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) };
}

/** Whether the test backtest refits the models (`refit: { every: k }`). */
function refits(refit: RefitPolicy | undefined): refit is { every: number } {
  return refit !== undefined && refit !== 'never';
}

/**
 * The `setup` stage: selects the backend, and checks every option that can be checked without
 * the data (kernel, calendar, series selection, network settings), so that they fail now, not
 * after loading.
 */
async function setupStage(job: JobContext): Promise<{ backend: BackendInfo; kernel: ResolvedLstmKernel }> {
  const { options, log } = job;
  const backend = await selectBackend({ backend: options.backend });
  log(backend.summary);
  // Decided once, here: logged, a bad kernel refused before the data is read, and passed to the LSTM's fits.
  const network = options.model ?? {};
  const kernel = resolveLstmKernel(network.kernel ?? DEFAULT_KERNEL, {
    dropout: (network.dropout ?? 0) > 0 || (network.recurrentDropout ?? 0) > 0,
  });
  log(kernel.summary);
  checkCalendarFeatures(options.calendar ?? [], 'calendar');
  // An empty or repeated --series is refused before the data is read; unknown ids after.
  if (options.series !== undefined) checkSeriesSelection(options.series);
  resolveLstmConfig(networkSettings(options));
  return { backend, kernel };
}

/** The loaded data, split: what the stages after `load` work on. */
interface JobData {
  readonly panel: Panel;
  readonly split: PanelSplit;
  /** The loader's warnings (already logged). */
  readonly warnings: readonly string[];
}

/**
 * The `load` stage: loads the data (see {@link loadData}), splits every series, and checks what
 * would otherwise fail after training (see {@link checkPanel}).
 */
async function loadStage(job: JobContext, run: JobRun): Promise<JobData> {
  const { options, log } = job;
  const meter = new StageMeter({ stage: 'load', unit: 'series', emit: job.emit });
  meter.update(0, `reading ${options.csv}`);
  const started = Date.now();
  // The loaders take no signal: a slow download must not delay Ctrl-C (the CLI exits at once).
  const loaded = await run.abortable(loadData(options, job.horizon));
  const panel = loaded.panel;
  const count = panel.ids.length;
  const label = `loaded ${panel.length} rows of ${count} series in ${((Date.now() - started) / 1000).toFixed(1)} s, series checks`;
  meter.setTotal(count);
  meter.update(0, label);
  for (const warning of loaded.warnings) log(`warning: ${warning}`);
  run.checkAborted();
  const split = splitData(panel, job);
  logData(panel, split, log);
  const checks = { horizon: job.horizon, season: job.season, testFraction: job.testFraction, source: options.csv };
  checkPanel(panel, split, { ...checks, onSeries: (done) => meter.update(done) });
  meter.finish();
  return { panel, split, warnings: loaded.warnings };
}

/** Every series split at `testStart` (and `valStart`) when given, else by the fractions. */
function splitData(panel: Panel, job: JobContext): PanelSplit {
  const { options } = job;
  if (options.testStart === undefined) return splitPanel(panel, { valFraction: job.valFraction, testFraction: job.testFraction });
  return splitPanel(panel, {
    testStart: cutoff(options.testStart, options.timeFormat),
    ...(options.valStart !== undefined ? { valStart: cutoff(options.valStart, options.timeFormat) } : {}),
  });
}

/**
 * The LSTM's options: the job's, with the candidates and series of the fit logged and reported
 * as `train` progress (with `train`, which the caller finishes when the fit returns).
 */
function lstmModelOptions(job: JobContext, backend: BackendInfo, kernel: ResolvedLstmKernel, train: TrainStageProgress): LstmModelOptions {
  const { options, log } = job;
  return {
    mode: options.mode,
    staticInputs: options.staticInputs ?? [],
    idInput: options.idInput ?? false,
    calendar: options.calendar ?? [],
    horizon: job.horizon,
    season: job.season,
    lookback: options.lookback,
    targetTransform: options.targetTransform,
    onCandidate: (index, count, c) => {
      train.onCandidate(index, count);
      log(`candidate ${index}/${count}: target transform ${c.targetTransform}, lookback ${c.lookback}`);
    },
    onSeries: (index, count, id) => {
      train.onSeries(index, count, id);
      if (count > 1) log(`series ${index}/${count}: ${id}`);
    },
    model: networkSettings(options),
    onProgress: (event) => {
      train.onProgress(event);
      options.onProgress?.(event);
    },
    signal: options.signal,
    backend,
    kernel,
  };
}

/** The `train` stage: the LSTM fitted on the training rows (the caller disposes it). */
async function trainStage(lstmOptions: LstmModelOptions, data: JobData, train: TrainStageProgress): Promise<LstmModel> {
  const lstm = new LstmModel(lstmOptions);
  await lstm.fit(data.panel, data.split);
  if (!lstm.aborted) train.finish();
  return lstm;
}

/** @throws JobAbortedError, with the epochs run, when the signal stopped training. */
function checkTrained(lstm: LstmModel, out: string): void {
  if (!lstm.aborted) return;
  const epochs = lstm.networks[lstm.networks.length - 1].history!.epochsRun;
  throw new JobAbortedError(`interrupted after ${epochs} epochs; nothing was written to ${out}`);
}

/**
 * The `backtest` stage: the LSTM and the reference models evaluated with the rolling-origin
 * protocol (see `evaluateModels`); with a refit policy, a fresh LSTM for every refit.
 */
async function backtestStage(job: JobContext, data: JobData, lstm: LstmModel, lstmOptions: LstmModelOptions): Promise<Evaluation> {
  const refit = job.options.refit;
  const meter = new StageMeter({ stage: 'backtest', unit: 'origins', emit: job.emit });
  const evaluation = await evaluateModels(data.panel, data.split, lstm, {
    season: job.season,
    horizon: job.horizon,
    log: job.log,
    levels: job.levels,
    refit,
    // The refits' training is not the train stage's: their events go to onProgress only.
    retrainLstm: refits(refit)
      ? () => new LstmModel({ ...lstmOptions, onCandidate: undefined, onSeries: undefined, onProgress: job.options.onProgress })
      : undefined,
    onProgress: (e) => {
      meter.setTotal(e.total);
      meter.update(e.done, `${e.phase}: ${e.model}`);
    },
  });
  meter.finish();
  return evaluation;
}

/** Seconds the evaluation spent in the reference models: every model of `secondsByModel` but the LSTM. */
function baselineSeconds(evaluation: Evaluation): number {
  return Object.entries(evaluation.secondsByModel ?? {}).reduce((sum, [name, seconds]) => (name === LSTM_MODEL ? sum : sum + seconds), 0);
}

/** `seconds_by_model`: in the models' report order, then any model left out of the tables (its time was spent too). */
function modelSeconds(evaluation: Evaluation): Record<string, number> {
  const seconds = evaluation.secondsByModel ?? {};
  const names = [...Object.keys(evaluation.test.models), ...Object.keys(seconds)].filter((name, i, all) => name in seconds && all.indexOf(name) === i);
  return Object.fromEntries(names.map((name) => [name, seconds[name]]));
}

/** `metrics.json`'s timings: the seconds of the stages ended so far, per model, and in all. */
function stageSeconds(run: JobRun): Pick<ForecastJobMetrics, 'seconds_by_stage' | 'seconds_total'> {
  return { seconds_by_stage: run.snapshot(), seconds_total: (Date.now() - run.started) / 1000 };
}

/** One output file: its name in `out`, and its text (or its lines, streamed when written). */
type OutputFile = readonly [name: string, text: string | Iterable<string>];

/**
 * The `report` stage: the metrics (see {@link buildMetrics}; the caller writes them, with the
 * seconds of this stage, as `metrics.json`) and the files besides the model and the metrics,
 * built in memory (the CSV tables lazily).
 */
function reportStage(input: MetricsInput): { metrics: ForecastJobMetrics; files: OutputFile[] } {
  const { data: { panel, split }, lstm, evaluation } = input;
  const meter = new StageMeter({ stage: 'report', unit: 'charts', emit: input.job.emit });
  meter.update(0, 'metrics');
  const metrics = buildMetrics(input);
  const forecasts = Object.values(evaluation.test.models).map((m) => m.forecast);
  meter.update(0, 'charts');
  const onProgress = (done: number, total: number): void => {
    meter.setTotal(total);
    meter.update(done, done === 0 ? `${total} charts` : `chart ${done}/${total}`);
  };
  const histories = lstm.networks.map((n) => n.history!);
  // The CSV tables are streamed line by line when written: a long series' table outgrows one string.
  const files: OutputFile[] = [
    ['forecast.csv', forecastCsvLines(alignSteps(panel, forecasts, { split }))],
    ['future.csv', futureCsvLines(futureRows(evaluation.future))],
    ['report.html', buildForecastReport({ panel, split, evaluation, metrics, histories, onProgress })],
  ];
  meter.finish('report.html');
  return { metrics, files };
}

/** Inputs of {@link writeStage}. */
interface WriteInput {
  readonly job: JobContext;
  readonly lstm: LstmModel;
  readonly evaluation: Evaluation;
  readonly files: readonly OutputFile[];
  readonly output: AtomicDir;
  readonly run: JobRun;
  /** `out` as given (named by the error when it appeared meanwhile). */
  readonly outOption: string;
}

/**
 * The `write` stage: the model bundle(s) (with the LSTM's interval calibration) and the files go
 * into the temporary directory, which is then renamed to `out`; an abort is checked before every
 * file and before the rename.
 */
async function writeStage({ job, lstm, evaluation, files, output, run, outOption }: WriteInput): Promise<void> {
  const meter = new StageMeter({ stage: 'write', unit: 'files', total: files.length + 1, emit: job.emit });
  meter.update(0, 'model/');
  await saveModels(lstm, join(output.path, 'model'));
  const calibration = evaluation.intervals?.calibrations[LSTM_MODEL];
  if (calibration !== undefined) await fs.writeFile(join(output.path, 'model', INTERVALS_FILE), JSON.stringify(calibration, null, 2) + '\n');
  for (const [f, [name, text]] of files.entries()) {
    run.checkAborted();
    meter.update(f + 1, name);
    await writeFileAtomic(join(output.path, name), text);
  }
  run.checkAborted();
  await commitOutput(output, outOption);
  meter.finish(`wrote ${files.length + 1} files`);
}

/**
 * Loads the CSV into a panel (only the `series` selected, when given), and with
 * `futureCovariates` the future-known covariates' values after its end: the file's columns
 * (besides time and id) must be among `features`, and every selected series needs at least
 * `horizon` of its rows (checked here, before training).
 */
async function loadData(options: ForecastJobOptions, horizon: number): Promise<{ panel: Panel; warnings: readonly string[] }> {
  const wide = options.wide === true;
  const features = options.features ?? [];
  const file = options.futureCovariates;
  const text = file === undefined ? null : await readFutureFile(file, options);
  const known = text === null ? [] : futureCsvColumns(text, { timeColumn: options.time, idColumn: options.id ?? null }, file!, options.delimiter);
  const outside = known.find((name) => !features.includes(name));
  if (outside !== undefined) {
    throw new InputError(
      `${file}: column ${JSON.stringify(outside)} is not one of --features [${features.join(', ')}]; a future-known covariate is read ` +
        'from the data too (its history), so list it in --features',
      { argument: 'futureCovariates', value: outside },
    );
  }
  const loaded = await loadPanelCsv(options.csv, {
    time: options.time,
    targets: wide ? options.target.split(',').map((t) => t.trim()).filter((t) => t.length > 0) : [options.target],
    features,
    futureCovariates: known,
    id: options.id,
    wide,
    // A static input is loaded as a static column without being listed twice.
    statics: [...new Set([...(options.statics ?? []), ...(options.staticInputs ?? [])])],
    timeFormat: options.timeFormat,
    gaps: options.gaps,
    minLength: options.minLength,
    short: options.short,
    missing: options.missing,
    sort: options.sort,
    delimiter: options.delimiter,
    maxBytes: options.maxBytes,
    timeoutMs: options.timeoutMs,
  });
  const selected = options.series === undefined ? loaded.panel : selectLoaded(loaded, options.series);
  if (text === null) return { panel: selected, warnings: loaded.warnings };
  // Selection comes first, so that only the selected series need (and are checked for) future
  // rows; the rows of the others, like those of skipped series, are ignored.
  const unselected = loaded.panel.ids.filter((id) => !selected.ids.includes(id));
  const panel = parseFutureCsvText(
    text,
    selected,
    { timeFormat: options.timeFormat, sort: options.sort, delimiter: options.delimiter, ignoreIds: [...loaded.skipped.map((s) => s.id), ...unselected] },
    file,
  );
  panel.ids.forEach((id, i) => {
    const rows = panel.future[i]?.time.length ?? 0;
    if (rows < horizon) {
      const where = panel.ids.length > 1 ? `series ${JSON.stringify(id)} has` : 'it has';
      throw new InputError(
        `${file}: future.csv needs the future-known covariates for ${horizon} rows (--horizon) after the end of every series; ${where} ${rows}`,
        { argument: 'futureCovariates', id, value: rows, needed: horizon },
      );
    }
  });
  return { panel, warnings: loaded.warnings };
}

/**
 * The `series` of the loaded panel (see `selectSeries`); a selected id that `short: 'skip'` left
 * out is refused as such rather than as unknown.
 */
function selectLoaded(loaded: ParsedPanelCsv, ids: readonly string[]): Panel {
  const skipped = loaded.skipped.find((s) => ids.includes(s.id));
  if (skipped !== undefined) {
    throw new InputError(
      `series id ${JSON.stringify(skipped.id)} (options.series) was skipped: it has ${skipped.rows} rows, fewer than options.minLength`,
      { argument: 'series', value: skipped.id },
    );
  }
  return selectSeries(loaded.panel, ids);
}

/**
 * A `testStart` / `valStart` as the split takes it: read with the data's `timeFormat` when it
 * has one and the text fits it (`--time-format "MMM d yyyy"` takes `--test-start "Jan 1 2008"`),
 * else as given (ISO 8601 or a number, parsed and checked by the split).
 */
function cutoff(text: string, timeFormat: string | undefined): string | number {
  if (timeFormat === undefined) return text;
  return parseFormattedDate(text, timeFormat) ?? text;
}

/** Reads the `futureCovariates` file; a read error names the option. */
async function readFutureFile(file: string, options: ForecastJobOptions): Promise<string> {
  try {
    return await readTextSource(file, { maxBytes: options.maxBytes, timeoutMs: options.timeoutMs, what: 'CSV' });
  } catch (error) {
    if (error instanceof InputError) throw new InputError(error.message, { ...error.details, argument: 'futureCovariates' });
    throw error;
  }
}

/** The data line: rows and split of one series, or the number of series and their rows. */
function logData(panel: Panel, split: PanelSplit, log: (line: string) => void): void {
  const rows = (pick: (s: SplitIndices) => { start: number; end: number }): number => split.reduce((n, s) => n + pick(s).end - pick(s).start, 0);
  const what = panel.ids.length === 1 ? `${panel.length} rows` : `${panel.ids.length} series, ${panel.length} rows`;
  log(`data: ${what} from ${panel.source}; train ${rows((s) => s.train)}, val ${rows((s) => s.val)}, test ${rows((s) => s.test)}`);
}

/** The training line(s): epochs, best epoch, speed, and the preprocessing chosen. */
function logTraining(lstm: LstmModel, log: (line: string) => void): void {
  for (const network of lstm.networks) {
    const history = network.history!;
    const which = lstm.networks.length > 1 ? `${network.ids[0]}: ` : '';
    log(
      `${which}trained ${history.epochsRun} epochs in ${history.seconds.toFixed(1)} s (best epoch ${history.bestEpoch}, ` +
        `${Math.round(history.samplesPerSecond)} samples/s)`,
    );
    const selection = network.spec.shared.selection;
    if (selection && selection.candidates.length > 1) {
      const scores = selection.candidates.map((c) => `${c.targetTransform}/${c.lookback} ${c.validationMase.toFixed(3)}`).join(', ');
      log(`${which}chose target transform ${selection.chosen.targetTransform}, lookback ${selection.chosen.lookback}, by validation MASE (${scores})`);
    }
  }
}

/**
 * The checks that would otherwise fail after training: every series needs at least `horizon`
 * test rows and a MASE scale (see {@link checkMaseScale}).
 */
function checkPanel(
  panel: Panel,
  split: PanelSplit,
  o: { horizon: number; season: number; testFraction: number; source: string; onSeries?: (done: number) => void },
): void {
  panel.ids.forEach((id, i) => {
    const series = panelSeries(panel, i);
    const testRows = split[i].test.end - split[i].test.start;
    const where = panel.ids.length > 1 ? `series ${JSON.stringify(id)}: ` : '';
    if (o.horizon > testRows) {
      throw new InputError(
        `${where}horizon must be at most the number of test rows (${testRows} of ${series.length} with test-fraction ${o.testFraction}), got ${o.horizon}`,
        { argument: 'horizon', value: o.horizon, id },
      );
    }
    checkMaseScale(series, panel.targets[0], split[i].test.start, o.season, panel.ids.length > 1 ? `${o.source} (series ${JSON.stringify(id)})` : o.source);
    o.onSeries?.(i + 1);
  });
}

/** `metrics.json`'s `intervals` (see {@link IntervalMetrics}). */
function intervalMetrics(evaluation: Evaluation): IntervalMetrics | null {
  const intervals = evaluation.intervals;
  if (intervals === null) return null;
  const first = Object.values(intervals.calibrations)[0];
  return {
    method:
      'split conformal, per horizon step: the absolute residuals of the rolling-origin forecasts over the validation ranges, ' +
      "each divided by its series' MASE scale on the training rows and pooled over series; the level-L half-width at step k is " +
      'their ceil((n+1)L)-th smallest, times the series\' scale',
    levels: [...intervals.levels],
    calibration_counts: [...first.counts],
    models: Object.fromEntries(
      Object.entries(intervals.scores).map(([name, scores]) => [
        name,
        {
          ...intervalModelMetrics(scores.pooled),
          coverage_by_step: Object.fromEntries(intervals.levels.map((level, l) => [String(level), scores.coverageByStep[l].map(finiteOrNull)])),
        },
      ]),
    ),
  };
}

function intervalModelMetrics(summary: IntervalSummary): IntervalModelMetrics {
  const byLevel = (pick: (s: IntervalSummary['levels'][number]) => number): Record<string, number | null> =>
    Object.fromEntries(summary.levels.map((s) => [String(s.level), finiteOrNull(pick(s))]));
  return {
    coverage: byLevel((s) => s.coverage),
    width: byLevel((s) => s.width),
    winkler: byLevel((s) => s.winkler),
    pinball: finiteOrNull(summary.pinball),
    pairs: Object.fromEntries(summary.levels.map((s, l) => [String(s.level), summary.pairs[l]])),
  };
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/**
 * The trained network(s) as bundles: `model/` for one network (global, or one series), or one
 * bundle per series, `model/<n>/` (1-based, in series order) with `model/series.json` mapping
 * each id to its directory (local mode with several series).
 */
async function saveModels(lstm: LstmModel, dir: string): Promise<void> {
  const networks = lstm.networks;
  if (networks.length === 1) {
    const network = networks[0];
    await saveBundle(network.ids.length === 1 ? network.member(network.ids[0]) : network, dir);
    return;
  }
  await fs.mkdir(dir);
  const index: Record<string, string> = {};
  for (let i = 0; i < networks.length; i++) {
    const id = networks[i].ids[0];
    await saveBundle(networks[i].member(id), join(dir, String(i + 1)));
    index[id] = String(i + 1);
  }
  await fs.writeFile(join(dir, 'series.json'), JSON.stringify(index, null, 2) + '\n');
}

function splitParts(series: TimeSeries, split: SplitIndices, dateOnly: boolean): SeriesMetrics['split'] {
  const formatTime = timeFormatter(series, dateOnly);
  return { train: splitPart(formatTime, split.train), val: splitPart(formatTime, split.val), test: splitPart(formatTime, split.test) };
}

/** The split over every series: rows summed, the earliest start and the latest end. */
function panelSplitParts(parts: readonly SeriesMetrics['split'][]): SeriesMetrics['split'] {
  const merge = (pick: (p: SeriesMetrics['split']) => SplitPart): SplitPart => {
    const all = parts.map(pick);
    const starts = all.map((p) => p.start).filter((v): v is string | number => v !== null);
    const ends = all.map((p) => p.end).filter((v): v is string | number => v !== null);
    const order = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);
    return {
      rows: all.reduce((n, p) => n + p.rows, 0),
      start: starts.length > 0 ? [...starts].sort(order)[0] : null,
      end: ends.length > 0 ? [...ends].sort(order)[ends.length - 1] : null,
    };
  };
  return { train: merge((p) => p.train), val: merge((p) => p.val), test: merge((p) => p.test) };
}

/** Inputs of {@link reportStage} and {@link buildMetrics}. */
interface MetricsInput {
  readonly job: JobContext;
  readonly data: JobData;
  readonly lstm: LstmModel;
  readonly backend: BackendInfo;
  readonly evaluation: Evaluation;
  /** The run so far: its start and the seconds of the stages before `report`. */
  readonly run: JobRun;
}

/** `metrics.json`: one section after the other, in the file's order. */
function buildMetrics(input: MetricsInput): ForecastJobMetrics {
  const { job, data, evaluation, run } = input;
  const { panel } = data;
  const perSeries = perSeriesMetrics(data, evaluation);
  const single = panel.ids.length === 1;
  return {
    ...runMetrics(input),
    split: single ? perSeries[panel.ids[0]].split : panelSplitParts(panel.ids.map((id) => perSeries[id].split)),
    protocol: protocolText(job.options.refit),
    ...testMetrics(evaluation.test),
    fitted_models: single ? perSeries[panel.ids[0]].fitted_models : {},
    validation: evaluation.validation ? { rows: evaluation.validation.rows, models: { ...evaluation.validation.models } } : null,
    warnings: [...data.warnings, ...evaluation.warnings],
    aggregate: aggregateMetrics(evaluation.test),
    per_series: perSeries,
    intervals: intervalMetrics(evaluation),
    future: futureMetrics(job.horizon),
    train: trainMetrics(input.lstm),
    seconds_by_model: modelSeconds(evaluation),
    ...stageSeconds(run),
  };
}

/** The part of `metrics.json` that describes the run: the data, the options, the network and the software. */
type RunMetrics = Pick<
  ForecastJobMetrics,
  | 'dataset' | 'rows' | 'series' | 'series_filter' | 'id_column' | 'mode' | 'calendar' | 'static_inputs' | 'future_covariates'
  | 'target' | 'features' | 'season' | 'horizon' | 'lookback' | 'target_transform' | 'selection' | 'backend' | 'kernel' | 'library'
>;

function runMetrics({ job, data, lstm, backend }: MetricsInput): RunMetrics {
  const { options } = job;
  const { panel } = data;
  const network = lstm.networks[0];
  return {
    dataset: basename(options.csv),
    rows: panel.length,
    series: panel.ids.length,
    series_filter: options.series === undefined ? null : [...options.series],
    id_column: panel.idColumn ?? (options.wide ? '(wide)' : null),
    mode: lstm.mode,
    calendar: [...(options.calendar ?? [])],
    static_inputs: { columns: [...(options.staticInputs ?? [])], id: options.idInput === true },
    future_covariates: options.futureCovariates === undefined ? null : { file: basename(options.futureCovariates), columns: [...panel.futureCovariates] },
    target: options.target,
    features: [...(options.features ?? [])],
    season: job.season,
    horizon: job.horizon,
    lookback: network.lookback,
    target_transform: network.spec.shared.preprocessor.targetTransform,
    selection: network.spec.shared.selection ?? null,
    backend,
    kernel: network.kernel,
    library: LIBRARY,
  };
}

/** `protocol`: how the test range was backtested. */
function protocolText(refit: RefitPolicy | undefined): string {
  return (
    'rolling origin over the test range of each series: every origin t from test start - 1 to the second-to-last row forecasts ' +
    `t+1..t+horizon from rows <= t (${refits(refit) ? `models refitted before every ${refit.every}th origin` : 'no refit'}); errors pooled over every (origin, step) landing in the test range; ` +
    'MASE scaled by the seasonal-naive MAE on the rows before the test range of the same series'
  );
}

/** `models` and `by_step`: each model's errors pooled over every series, overall and per horizon step. */
function testMetrics(test: PanelBacktestResult): Pick<ForecastJobMetrics, 'models' | 'by_step'> {
  const models = Object.entries(test.models);
  return {
    models: Object.fromEntries(models.map(([name, result]) => [name, result.pooled])),
    by_step: Object.fromEntries(models.map(([name, result]) => [name, result.pooledByStep])),
  };
}

/** `aggregate`: each model's MASE averaged over series, and the share of series the LSTM wins. */
function aggregateMetrics(test: PanelBacktestResult): ForecastJobMetrics['aggregate'] {
  const models = Object.entries(test.models);
  return {
    mean_mase: Object.fromEntries(models.map(([name, result]) => [name, result.meanMase])),
    geometric_mean_mase: Object.fromEntries(models.map(([name, result]) => [name, result.geometricMeanMase])),
    lstm_wins: { ...(test.wins ?? {}) },
  };
}

/** `per_series`: every series' rows, split, test metrics, fitted models and intervals, by id. */
function perSeriesMetrics({ panel, split }: JobData, evaluation: Evaluation): Record<string, SeriesMetrics> {
  const { test, intervals } = evaluation;
  const dateOnly = panel.time.every((t) => t % DAY_MS === 0);
  const perSeries: Record<string, SeriesMetrics> = {};
  panel.ids.forEach((id, i) => {
    const series = panelSeries(panel, i);
    perSeries[id] = {
      rows: series.length,
      split: splitParts(series, split[i], dateOnly),
      models: Object.fromEntries(Object.entries(test.models).map(([name, m]) => [name, m.series[i].metrics])),
      fitted_models: Object.fromEntries(Object.entries(evaluation.fitted).map(([name, byId]) => [name, byId[id]])),
      ...(intervals === null
        ? {}
        : { intervals: Object.fromEntries(Object.entries(intervals.scores).map(([name, sc]) => [name, intervalModelMetrics(sc.series[id])])) }),
    };
  });
  return perSeries;
}

/** `future`: what `future.csv` holds. */
function futureMetrics(horizon: number): ForecastJobMetrics['future'] {
  return {
    steps: horizon,
    models:
      'the models evaluated on the test range, not refitted: the LSTM as trained (train rows, early-stopped on the validation rows); ' +
      'the statistical models and baselines with the parameters fitted on the rows before the test range, run through the last row',
  };
}

/** `train`: the first network's training history; `seconds` is summed over every network. */
function trainMetrics(lstm: LstmModel): ForecastJobMetrics['train'] {
  const history = lstm.networks[0].history!;
  return {
    epochs: history.epochsRun,
    best_epoch: history.bestEpoch,
    stopped_early: history.stoppedEarly,
    seconds: lstm.networks.reduce((sum, n) => sum + n.history!.seconds, 0),
    samples_per_second: history.samplesPerSecond,
    final_learning_rate: history.learningRate[history.learningRate.length - 1],
  };
}
