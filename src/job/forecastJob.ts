import { promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { selectBackend, type BackendInfo, type BackendName } from '../backend/select';
import { InputError, describeValue } from '../errors';
import { loadCsv, type CsvDelimiter, type MissingPolicy } from '../data/csv';
import { splitByFraction, type SplitIndices } from '../data/split';
import type { TargetTransform } from '../data/transform';
import type { TimeSeries } from '../data/types';
import { baselineForecaster } from '../eval/baselines';
import { compareWithBaselines } from '../eval/guard';
import { statisticalForecasters } from '../eval/statistical';
import { holtWintersForecaster } from '../eval/holtWinters';
import { rollingOriginBacktest, type BacktestResult } from '../eval/backtest';
import type { OriginForecaster } from '../eval/forecaster';
import type { MetricSet } from '../eval/metrics';
import { saveBundle } from '../model/bundle';
import { DEFAULT_KERNEL, resolveLstmConfig, type LstmConfig } from '../model/config';
import { LstmForecaster, type PreprocessingSelection } from '../model/forecaster';
import { resolveLstmKernel, type ResolvedLstmKernel } from '../model/kernel';
import type { TrainProgress } from '../model/train';
import { buildForecastReport } from './report';
import { LIBRARY } from '../version';
import { isProcessAlive } from '../io/process';

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
  /** Target column (one). */
  readonly target: string;
  /** Extra input columns. @defaultValue [] */
  readonly features?: readonly string[];
  /** Seasonal period in rows (MASE scale, seasonal naive, default lookback). @defaultValue 1 */
  readonly season?: number;
  /** Forecast steps per origin. @defaultValue 1 */
  readonly horizon?: number;
  /** Input rows per window, or `'auto'` (see `ForecasterOptions.lookback`). @defaultValue `defaultLookback(season, horizon)` */
  readonly lookback?: number | 'auto';
  /** @defaultValue {@link DEFAULT_TEST_FRACTION} */
  readonly testFraction?: number;
  /** @defaultValue {@link DEFAULT_VAL_FRACTION} */
  readonly valFraction?: number;
  /** Maximum epochs. @defaultValue `DEFAULT_FORECASTER_EPOCHS` */
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
  /** Training progress events. */
  readonly onProgress?: (event: TrainProgress) => void;
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

/** `metrics.json`. */
export interface ForecastJobMetrics {
  readonly dataset: string;
  readonly rows: number;
  readonly target: string;
  readonly features: readonly string[];
  readonly season: number;
  readonly horizon: number;
  readonly lookback: number;
  readonly target_transform: TargetTransform;
  /** With `--target-transform auto`: every candidate's validation MASE and the choice; else null. */
  readonly selection: PreprocessingSelection | null;
  readonly backend: BackendInfo;
  /** The LSTM implementation that trained and ran the model (see `resolveLstmKernel`). */
  readonly kernel: ResolvedLstmKernel;
  readonly library: { readonly name: string; readonly version: string };
  readonly split: {
    readonly train: SplitPart;
    readonly val: SplitPart;
    readonly test: SplitPart;
  };
  readonly protocol: string;
  readonly models: Readonly<Record<string, MetricSet>>;
  readonly by_step: Readonly<Record<string, readonly MetricSet[]>>;
  /** What each statistical model fitted on the pre-test rows, e.g. `{ ets: 'ETS(M,A,M)' }`. */
  readonly fitted_models: Readonly<Record<string, string>>;
  /**
   * Every model scored on the validation range the same way (rolling origin, statistical models
   * fitted on the training rows only), or null when the validation range is shorter than the
   * horizon. The guard compares the LSTM with the others here, never on the test range.
   */
  readonly validation: { readonly rows: number; readonly models: Readonly<Record<string, MetricSet>> } | null;
  /** Plain-language warnings: data gaps, and when the LSTM lost to another model on validation. */
  readonly warnings: readonly string[];
  readonly train: {
    readonly epochs: number;
    readonly best_epoch: number;
    readonly stopped_early: boolean;
    readonly seconds: number;
    readonly samples_per_second: number;
    readonly final_learning_rate: number;
  };
  /** Seconds spent in each stage before the report was built (`setup`, `load`, `train`, `backtest`). */
  readonly seconds_by_stage: Readonly<Partial<Record<JobStage, number>>>;
  readonly seconds_total: number;
}

interface SplitPart {
  readonly rows: number;
  readonly start: string | number | null;
  readonly end: string | number | null;
}

/** Thrown when the job's signal aborts training: nothing is written (the CLI exits 130). */
export class JobAbortedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobAbortedError';
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}

/** What {@link runForecastJob} wrote. */
export interface ForecastJobResult {
  readonly out: string;
  readonly metrics: ForecastJobMetrics;
  readonly files: readonly string[];
  /** Seconds per stage, including `report` and `write`. */
  readonly secondsByStage: Readonly<Partial<Record<JobStage, number>>>;
}

/** `[0, 1)`, or `(0, 1)` with `allowZero` false (the test range must not be empty). */
function fraction(value: number, name: string, allowZero = true): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1 || (!allowZero && value === 0)) {
    throw new InputError(`${name} must be a number in ${allowZero ? '[0, 1)' : '(0, 1)'}, got ${describeValue(value)}`, {
      argument: name,
      value,
    });
  }
  return value;
}

const DAY_MS = 86_400_000;

/**
 * How row times are written: numbers as they are; dates as `YYYY-MM-DD` when every time stamp
 * is a midnight (UTC), else as full ISO date-times, so that hourly rows stay distinct.
 */
function timeFormatter(series: TimeSeries): (index: number) => string | number | null {
  const dateOnly = series.timeKind === 'date' && series.time.every((t) => t % DAY_MS === 0);
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
 * `forecast.csv`: one row per test time point; `actual`, then for each model and each step k the
 * forecast of this row made k rows earlier (from origin row - k), empty where none.
 */
export function forecastCsv(series: TimeSeries, target: string, backtest: BacktestResult, testStart: number, horizon: number): string {
  const models = Object.keys(backtest.models);
  const header = ['time', 'actual'];
  for (const name of models) for (let k = 1; k <= horizon; k++) header.push(`${name}_step${k}`);
  const originIndex = new Map(backtest.origins.map((t, i) => [t, i]));
  const formatTime = timeFormatter(series);
  const lines = [header.join(',')];
  for (let row = testStart; row < series.length; row++) {
    const cells: (string | number)[] = [String(formatTime(row)), series.values[target][row]];
    for (const name of models) {
      for (let k = 1; k <= horizon; k++) {
        const i = originIndex.get(row - k);
        const v = i === undefined ? Number.NaN : backtest.models[name].forecasts[i][k - 1];
        cells.push(Number.isFinite(v) ? Number(v.toPrecision(8)) : '');
      }
    }
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

/** The stages of {@link runForecastJob}, in order. */
export const JOB_STAGES = ['setup', 'load', 'train', 'backtest', 'report', 'write'] as const;
/** A stage of {@link runForecastJob}. */
export type JobStage = (typeof JOB_STAGES)[number];

/** Where the job writes until the end: a hidden sibling of `out`, renamed to `out` when complete. */
function tempSiblingName(out: string): string {
  return `.${basename(out)}.tmp-${process.pid}-${Date.now()}`;
}

/**
 * The temporary directories this process's running jobs write into. A sibling named after this
 * pid but not in here was left by an earlier process that had the same pid (pids repeat across
 * container restarts), so it is stale too.
 */
const ownTempDirs = new Set<string>();

/**
 * Resolves like `work`, or rejects with {@link JobAbortedError} as soon as `signal` aborts, without
 * waiting for `work` (whose later rejection is then ignored): for steps that take no signal of
 * their own, such as a download from a slow server.
 */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined, message: () => string): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(new JobAbortedError(message()));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new JobAbortedError(message()));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Removes the temporary siblings of `out` (`.NAME.tmp-PID-TS`) that a killed run left behind:
 * those whose process is gone (or whose pid is this process's but which no job of this process
 * is using: an earlier process with the same pid). Runs of other live processes are left alone.
 *
 * @returns The names removed.
 */
export async function removeStaleTempSiblings(out: string): Promise<string[]> {
  const prefix = `.${basename(out)}.tmp-`;
  let names: string[];
  try {
    names = await fs.readdir(dirname(out));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)-\d+$/.exec(name.slice(prefix.length));
    const path = join(dirname(out), name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid ? ownTempDirs.has(path) : isProcessAlive(pid)) continue;
    await fs.rm(path, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

const WRITE_ERRORS: Readonly<Record<string, string>> = {
  ENOTDIR: 'a part of the path is a file, not a directory',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'no space left on the device',
  ENAMETOOLONG: 'the name is too long',
  EINVAL: 'the name is not valid here',
};

/**
 * Checks `--out` before any work and creates the temporary sibling directory the job writes
 * into: creating it is the only reliable test that `out` will be writable (a read-only mount, a
 * directory without write permission, or a path under a file all fail here, not after training).
 */
async function prepareOutput(outOption: string, log: (line: string) => void): Promise<{ out: string; tmp: string }> {
  if (typeof outOption !== 'string' || outOption.length === 0 || outOption.includes('\0')) {
    throw new InputError(`--out must be a directory path, got ${describeValue(outOption)}`, { argument: 'out', value: outOption });
  }
  const out = resolve(outOption);
  let existing = true;
  try {
    await fs.lstat(out);
  } catch (error) {
    existing = false;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      throw new InputError(`cannot write --out ${describeValue(outOption)}: ${WRITE_ERRORS[code ?? ''] ?? code}`, {
        argument: 'out',
        value: outOption,
      });
    }
  }
  if (existing) {
    throw new InputError(`output directory ${describeValue(outOption)} already exists; choose a new --out`, {
      argument: 'out',
      value: outOption,
    });
  }
  try {
    if (!(await fs.stat(dirname(out))).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `is not usable (${WRITE_ERRORS[code ?? ''] ?? code})`;
    throw new InputError(`the parent of --out ${describeValue(outOption)} ${why}`, { argument: 'out', value: outOption });
  }
  for (const name of await removeStaleTempSiblings(out)) log(`removed ${name}, left behind by a killed run`);
  const tmp = join(dirname(out), tempSiblingName(out));
  try {
    await fs.mkdir(tmp);
    ownTempDirs.add(tmp);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new InputError(`cannot write --out ${describeValue(outOption)}: ${WRITE_ERRORS[code] ?? code}`, {
      argument: 'out',
      value: outOption,
    });
  }
  return { out, tmp };
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
 * `resolveLstmKernel`; both are logged and recorded in `metrics.json`), load and validate the CSV, split
 * chronologically (train / val / test = the last `testFraction` rows), fit the LSTM (early
 * stopping on val), evaluate it and the baselines with the rolling-origin protocol on the test
 * range, and write into `out`: `model/` (bundle), `metrics.json`, `forecast.csv`, `report.html`.
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
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const signal = options.signal;
  const testFraction = fraction(options.testFraction ?? DEFAULT_TEST_FRACTION, 'test-fraction', false);
  const valFraction = fraction(options.valFraction ?? DEFAULT_VAL_FRACTION, 'val-fraction');
  const season = options.season ?? 1;
  const horizon = options.horizon ?? 1;
  const seconds: Partial<Record<JobStage, number>> = {};
  let stage: JobStage = 'setup';
  let stageStart = Date.now();
  const enter = async (next: JobStage): Promise<void> => {
    seconds[stage] = (Date.now() - stageStart) / 1000;
    stage = next;
    stageStart = Date.now();
    await options.onStage?.(next);
    checkAborted();
  };
  const checkAborted = (): void => {
    if (signal?.aborted) throw new JobAbortedError(`interrupted during ${stage}; nothing was written to ${options.out}`);
  };

  const { out, tmp } = await prepareOutput(options.out, log);
  let renamed = false;
  try {
    await options.onStage?.('setup');
    checkAborted();
    const backend = await selectBackend({ backend: options.backend });
    log(backend.summary);
    // The same resolution LstmForecaster.fit makes below; here it also rejects a bad kernel early.
    const network = options.model ?? {};
    const kernel = resolveLstmKernel(network.kernel ?? DEFAULT_KERNEL, {
      dropout: (network.dropout ?? 0) > 0 || (network.recurrentDropout ?? 0) > 0,
    });
    log(kernel.summary);
    // Validates the network settings (units, layers, ...) now, not after loading the data.
    resolveLstmConfig({ ...network, ...(options.epochs !== undefined ? { epochs: options.epochs } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) });

    await enter('load');
    // loadCsv takes no signal: a slow download must not delay Ctrl-C (the CLI exits at once).
    const loaded = await abortable(loadCsv(options.csv, {
      time: options.time,
      targets: [options.target],
      features: options.features ?? [],
      missing: options.missing,
      sort: options.sort,
      delimiter: options.delimiter,
      maxBytes: options.maxBytes,
      timeoutMs: options.timeoutMs,
    }), signal, () => `interrupted during load; nothing was written to ${options.out}`);
    // Only the series: reading `loaded.frame` would load danfojs-node.
    const series = loaded.series;
    for (const warning of loaded.warnings) log(`warning: ${warning}`);
    checkAborted();
    const split: SplitIndices = splitByFraction(series.length, { valFraction, testFraction });
    log(
      `data: ${series.length} rows from ${series.source}; train ${split.train.end - split.train.start}, ` +
        `val ${split.val.end - split.val.start}, test ${split.test.end - split.test.start}`,
    );
    // The backtest needs it too; checking now saves a training run that could only fail after.
    const testRows = split.test.end - split.test.start;
    if (horizon > testRows) {
      throw new InputError(
        `horizon must be at most the number of test rows (${testRows} of ${series.length} with test-fraction ${testFraction}), got ${horizon}`,
        { argument: 'horizon', value: horizon },
      );
    }
    checkMaseScale(series, options.target, split.test.start, season, options.csv);

    await enter('train');
    const forecaster = await LstmForecaster.fit(series, split, {
      horizon,
      season,
      lookback: options.lookback,
      targetTransform: options.targetTransform,
      onCandidate: (index, count, c) => log(`candidate ${index}/${count}: target transform ${c.targetTransform}, lookback ${c.lookback}`),
      model: { ...options.model, ...(options.epochs !== undefined ? { epochs: options.epochs } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) },
      onProgress: options.onProgress,
      signal,
      backend,
    });
    try {
      const history = forecaster.history!;
      if (history.aborted) {
        throw new JobAbortedError(`interrupted after ${history.epochsRun} epochs; nothing was written to ${options.out}`);
      }
      log(
        `trained ${history.epochsRun} epochs in ${history.seconds.toFixed(1)} s (best epoch ${history.bestEpoch}, ` +
          `${Math.round(history.samplesPerSecond)} samples/s)`,
      );
      const selection = forecaster.spec.selection;
      if (selection && selection.candidates.length > 1) {
        const scores = selection.candidates.map((c) => `${c.targetTransform}/${c.lookback} ${c.validationMase.toFixed(3)}`).join(', ');
        log(`chose target transform ${selection.chosen.targetTransform}, lookback ${selection.chosen.lookback}, by validation MASE (${scores})`);
      }

      await enter('backtest');
      // Training already required lookback rows before the first training target, so the origin
      // just before the test range always has a full window.
      const testStart = split.test.start;
      const lstm: OriginForecaster = (_values, origins) => forecaster.forecastAt(series, origins);
      const values = series.values[options.target];
      const validation = await validationBacktest(values, split, lstm, season, horizon, log);
      const fitted: Record<string, string> = {};
      const references = await referenceForecasters(values, testStart, season, horizon, log, fitted);
      const backtest = await rollingOriginBacktest(values, withCombination(lstm, references), { horizon, testStart, season });
      const warnings = [...loaded.warnings];
      if (validation) {
        const guard = compareWithBaselines(validation.models, 'lstm', 'mase', [COMBINED_MODEL]);
        if (guard.warning) {
          warnings.push(guard.warning);
          log(`warning: ${guard.warning}`);
        }
      }

      await enter('report');
      const metrics = buildMetrics(options, series, split, forecaster, backend, backtest, season, horizon, started, seconds, {
        validation,
        warnings,
        fitted,
      });
      const files: [string, string][] = [
        ['metrics.json', JSON.stringify(metrics, null, 2) + '\n'],
        ['forecast.csv', forecastCsv(series, options.target, backtest, testStart, horizon)],
        ['report.html', buildForecastReport({ series, target: options.target, split, backtest, metrics, history })],
      ];

      await enter('write');
      await saveBundle(forecaster, join(tmp, 'model'));
      for (const [name, text] of files) {
        checkAborted();
        await fs.writeFile(join(tmp, name), text);
      }
      checkAborted();
      // rename() would silently replace an empty directory created at `out` meanwhile.
      if (await exists(out)) {
        throw new InputError(`output directory ${describeValue(options.out)} appeared during the run; nothing was written`, {
          argument: 'out',
          value: options.out,
        });
      }
      await fs.rename(tmp, out);
      renamed = true;
      seconds.write = (Date.now() - stageStart) / 1000;
      return { out, metrics, files: ['model/', 'metrics.json', 'forecast.csv', 'report.html'], secondsByStage: { ...seconds } };
    } finally {
      forecaster.dispose();
    }
  } finally {
    if (!renamed) await fs.rm(tmp, { recursive: true, force: true });
    ownTempDirs.delete(tmp);
  }
}

/**
 * The combination reported next to the LSTM: the mean of the LSTM's and ets' forecasts, step by
 * step (an equal-weight forecast combination; on the accuracy suite it beat both of its parts,
 * see the README).
 */
export const COMBINED_MODEL = 'lstm_ets';

/**
 * The LSTM, then {@link COMBINED_MODEL} (when ets could be fitted), then the references. The
 * combination reuses both parts' forecasts for the same origins.
 */
function withCombination(forecastLstm: OriginForecaster, references: Record<string, OriginForecaster>): Record<string, OriginForecaster> {
  const ets = references.ets;
  if (!ets) return { lstm: forecastLstm, ...references };
  // The backtest asks both `lstm` and the combination for the same origins: predict them once.
  let cached: { key: string; rows: Promise<Float64Array[]> } | null = null;
  const lstm: OriginForecaster = (values, origins, horizon) => {
    const key = `${horizon}:${origins.join(',')}`;
    if (cached?.key !== key) cached = { key, rows: Promise.resolve(forecastLstm(values, origins, horizon)) };
    return cached.rows;
  };
  const combined: OriginForecaster = async (values, origins, horizon) => {
    const a = await lstm(values, origins, horizon);
    const b = await ets(values, origins, horizon);
    return a.map((row, i) => row.map((v, k) => (v + b[i][k]) / 2));
  };
  return { lstm, [COMBINED_MODEL]: combined, ...references };
}

/** Pooled metrics per model of one backtest. */
interface ModelScores {
  readonly models: Record<string, MetricSet>;
}

/**
 * The naive baselines, the statistical models (ets, theta) and Holt-Winters where it applies, as
 * forecasters for the backtest starting at `testStart`. Each statistical model is run here once:
 * one that cannot fit this series (too short, say) is left out with a logged warning instead of
 * failing the run; the backtest then replays its forecasts.
 */
async function referenceForecasters(
  values: Float64Array,
  testStart: number,
  season: number,
  horizon: number,
  log: (line: string) => void,
  fitted?: Record<string, string>,
): Promise<Record<string, OriginForecaster>> {
  const forecasters: Record<string, OriginForecaster> = {};
  for (const name of JOB_BASELINES) forecasters[name] = baselineForecaster(name, season);
  const origins: number[] = [];
  for (let t = testStart - 1; t <= values.length - 2; t++) origins.push(t);
  const statistical = statisticalForecasters(season, (name, description) => {
    if (fitted) fitted[name] = description;
  });
  for (const [name, model] of Object.entries(statistical)) {
    try {
      const rows = await model(Float64Array.from(values), origins, horizon);
      forecasters[name] = () => rows;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      log(`warning: ${name} left out: ${error.message}`);
    }
  }
  // A classical reference where it applies (needs a season and two seasons of history).
  if (season >= 2 && testStart >= 2 * season) forecasters.holt_winters = holtWintersForecaster({ season });
  return forecasters;
}

/**
 * Every model scored on the validation range with the same protocol as the test range: origins
 * val.start - 1 .. val.end - 2 over `values[0..val.end)`, statistical models fitted on the
 * training rows, MASE scaled on the training rows. Null (with a log line) when the validation
 * range is shorter than the horizon or the training rows cannot scale MASE.
 */
async function validationBacktest(
  values: Float64Array,
  split: SplitIndices,
  lstm: OriginForecaster,
  season: number,
  horizon: number,
  log: (line: string) => void,
): Promise<ModelScores | null> {
  const { start, end } = split.val;
  if (end - start < horizon || start <= season) {
    log(`note: the validation range (${end - start} rows) is too short to compare models at horizon ${horizon}`);
    return null;
  }
  const head = values.subarray(0, end);
  try {
    const references = await referenceForecasters(head, start, season, horizon, () => undefined);
    const result = await rollingOriginBacktest(head, withCombination(lstm, references), { horizon, testStart: start, season });
    return { models: Object.fromEntries(Object.entries(result.models).map(([name, m]) => [name, m.metrics])) };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    log(`note: models not compared on the validation range: ${error.message}`);
    return null;
  }
}

function buildMetrics(
  options: ForecastJobOptions,
  series: TimeSeries,
  split: SplitIndices,
  forecaster: LstmForecaster,
  backend: BackendInfo,
  backtest: BacktestResult,
  season: number,
  horizon: number,
  started: number,
  seconds: Partial<Record<JobStage, number>>,
  extra: { validation: ModelScores | null; warnings: readonly string[]; fitted: Readonly<Record<string, string>> },
): ForecastJobMetrics {
  const history = forecaster.history!;
  const models: Record<string, MetricSet> = {};
  const byStep: Record<string, readonly MetricSet[]> = {};
  for (const [name, result] of Object.entries(backtest.models)) {
    models[name] = result.metrics;
    byStep[name] = result.byStep;
  }
  const formatTime = timeFormatter(series);
  return {
    dataset: basename(options.csv),
    rows: series.length,
    target: options.target,
    features: [...(options.features ?? [])],
    season,
    horizon,
    lookback: forecaster.lookback,
    target_transform: forecaster.spec.preprocessor.targetTransform,
    selection: forecaster.spec.selection ?? null,
    backend,
    kernel: forecaster.kernel,
    library: LIBRARY,
    split: {
      train: splitPart(formatTime, split.train),
      val: splitPart(formatTime, split.val),
      test: splitPart(formatTime, split.test),
    },
    protocol:
      'rolling origin over the test range: every origin t from test start - 1 to the second-to-last row forecasts ' +
      't+1..t+horizon from rows <= t (no refit); errors pooled over every (origin, step) landing in the test range; ' +
      'MASE scaled by the seasonal-naive MAE on the rows before the test range',
    models,
    by_step: byStep,
    fitted_models: { ...extra.fitted },
    validation: extra.validation
      ? { rows: split.val.end - split.val.start, models: { ...extra.validation.models } }
      : null,
    warnings: [...extra.warnings],
    train: {
      epochs: history.epochsRun,
      best_epoch: history.bestEpoch,
      stopped_early: history.stoppedEarly,
      seconds: history.seconds,
      samples_per_second: history.samplesPerSecond,
      final_learning_rate: history.learningRate[history.learningRate.length - 1],
    },
    seconds_by_stage: { ...seconds },
    seconds_total: (Date.now() - started) / 1000,
  };
}
