/**
 * `forecast --queue URL ... --out DIR`: the forecast command line's queue mode. The options are
 * checked here, then one job (or `--jobs N`, each with a share of the series) is enqueued; as the
 * jobs end their `metrics.json` and `report.html` are written under `DIR/<job>/`, and a summary.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Papa from 'papaparse';
import { InputError } from '../errors';
import { parseForecastArgs } from '../job/cli';
import { writeFileAtomicSync } from '../io/atomic';
import { writeBatchSummaryFiles } from './summaryFiles';
import type { JobStage } from '../job/metrics';
import { formatStageLine } from '../job/stageProgress';
import type { ForecastJobResult } from './payload';
import type { QueueJobProgress } from './processor';
import { collectBatch, enqueueBatch, type JobEnd } from './submit';
import { parseQueueUrl } from './url';

/** Flags that belong to the queue, not to the forecast job: name -> takes a value. */
const QUEUE_FLAGS: Readonly<Record<string, boolean>> = {
  '--queue': true, '--name': true, '--retries': true, '--artifacts': true, '--jobs': true, '--collect': true, '--detach': false,
};

/** One row of a forecast batch's `summary.json` / `summary.csv`. */
export interface ForecastBatchRow {
  readonly name: string;
  readonly status: 'completed' | 'failed' | 'interrupted';
  readonly series: number | null;
  readonly worker: string;
  /** Where the job's whole output folder is (`host:path`, or a path under `--artifacts`). */
  readonly location: string;
  readonly duration_s: number;
  readonly attempts: number;
  readonly lstm_mase: number | null;
  readonly error: string | null;
}

/** Takes the queue's flags out of a forecast command line. */
export function splitQueueFlags(argv: readonly string[]): { queue: Record<string, string | true>; rest: string[] } {
  const queue: Record<string, string | true> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (!(flag in QUEUE_FLAGS)) {
      rest.push(arg);
      continue;
    }
    if (flag in queue) throw new InputError(`${flag} was given twice; give it once`, { argument: flag });
    if (!QUEUE_FLAGS[flag]) {
      queue[flag] = true;
    } else if (eq > 0) {
      queue[flag] = arg.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new InputError(`${flag} needs a value`, { argument: flag });
      queue[flag] = argv[++i];
    }
  }
  return { queue, rest };
}

/** `rest` without `--out DIR` (the worker chooses its own folder), and that DIR. */
function withoutOut(rest: readonly string[]): { argv: string[]; out: string | undefined } {
  const argv: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--out') out = rest[++i];
    else if (rest[i].startsWith('--out=')) out = rest[i].slice('--out='.length);
    else argv.push(rest[i]);
  }
  return { argv, out };
}

/** The series ids of the CSV in file order (long format: first appearances of the id column). */
function seriesIdsOf(options: ReturnType<typeof parseForecastArgs>): string[] {
  if (options.series !== undefined) return [...options.series];
  if (options.wide) return options.target.split(',').map((t) => t.trim());
  if (options.id === undefined) return [options.target];
  if (/^https?:/i.test(options.csv) || !fs.statSync(options.csv, { throwIfNoEntry: false })?.isFile()) {
    throw new InputError(`--jobs needs the CSV here to read its series ids, or --series; ${JSON.stringify(options.csv)} is not a local file`, { argument: '--jobs' });
  }
  const seen = new Set<string>();
  const id = options.id;
  Papa.parse<Record<string, string>>(fs.readFileSync(options.csv, 'utf8'), {
    header: true, skipEmptyLines: true, step: (row) => { const v = row.data[id]; if (v !== undefined && v !== '') seen.add(v); },
  });
  if (seen.size === 0) throw new InputError(`--id ${JSON.stringify(id)}: no series ids found in ${options.csv}`, { argument: '--id', value: id });
  return [...seen];
}

/** Splits ids into `parts` contiguous shares of nearly equal size. */
export function shareSeries(ids: readonly string[], parts: number): string[][] {
  const n = Math.min(parts, ids.length);
  return Array.from({ length: n }, (_, k) => ids.slice(Math.floor((k * ids.length) / n), Math.floor(((k + 1) * ids.length) / n)));
}

function integerFlag(value: string | true | undefined, flag: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value === true || !Number.isInteger(n) || n < min || n > max) {
    throw new InputError(`${flag} must be an integer in ${min}..${max}, got ${JSON.stringify(value)}`, { argument: flag, value });
  }
  return n;
}

/**
 * Runs `forecast --queue ...`. Exit codes: 0 every job completed, 1 some failed, 2 bad input
 * (nothing enqueued), 130 cancelled (Ctrl-C: waiting jobs removed, running ones stopped).
 */
export async function runForecastQueue(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(130);
    process.stderr.write(`forecast: ${signal}: cancelling the batch (waiting jobs removed, running ones asked to stop)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await forecastQueueMain(argv, controller.signal);
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`forecast: ${error.message}\n`);
      return 2;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

async function forecastQueueMain(argv: readonly string[], signal: AbortSignal): Promise<number> {
  const { queue, rest } = splitQueueFlags(argv);
  const url = parseQueueUrl(String(queue['--queue']));
  const queueName = queue['--name'] === undefined ? undefined : String(queue['--name']);
  const { argv: jobArgv, out } = withoutOut(rest);
  if (out === undefined) throw new InputError('forecast --queue needs --out DIR for the results (metrics, reports, summary)', { argument: '--out' });
  let batch: string;
  if (queue['--collect'] !== undefined) {
    if (queue['--collect'] === true) throw new InputError('--collect needs a batch id', { argument: '--collect' });
    batch = queue['--collect'];
  } else {
    const options = parseForecastArgs([...jobArgv, '--out', out]);
    if (fs.existsSync(out)) throw new InputError(`--out ${JSON.stringify(out)} already exists; choose a new folder`, { argument: '--out', value: out });
    const parts = integerFlag(queue['--jobs'], '--jobs', 1, 10_000, 1);
    const shares = parts === 1 ? [null] : shareSeries(seriesIdsOf(options), parts);
    const artifacts = queue['--artifacts'] === undefined ? null : path.resolve(String(queue['--artifacts']));
    const manifest = await enqueueBatch({
      url, queueName, retries: integerFlag(queue['--retries'], '--retries', 0, 100, 0),
      names: shares.map((_, k) => (shares.length === 1 ? 'forecast' : `part-${k}`)),
      jobs: shares.map((series, k) => ({
        kind: 'forecast' as const, argv: jobArgv, series, name: shares.length === 1 ? 'forecast' : `part-${k}`, artifacts,
      })),
      meta: { out },
    });
    batch = manifest.batch;
    process.stderr.write(`forecast: enqueued ${shares.length} job(s) as batch ${batch} on ${url.display}\n`);
    if (queue['--detach'] === true) {
      process.stdout.write(`${batch}\n`);
      return 0;
    }
  }
  const rows: ForecastBatchRow[] = [];
  const names: string[] = [];
  const lines: (ProgressLine | null)[] = [];
  const { cancelled } = await collectBatch({
    url, queueName, batch, signal,
    onManifest: (manifest) => {
      if (manifest.kind !== 'forecast') throw new InputError(`batch ${batch} holds ${manifest.kind} jobs; collect it with npm run notebook`, { argument: '--collect', value: batch });
      for (let k = 0; k < manifest.count; k++) names.push(manifest.count === 1 ? 'forecast' : `part-${k}`);
    },
    onProgress: (index, progress) => {
      const line = progressLine(names[index], progress, lines[index] ?? null, Date.now());
      if (line === null) return;
      lines[index] = line;
      process.stderr.write(`${line.text}\n`);
    },
    onEnd: (end) => {
      const row = forecastRow(end, names[end.index], out);
      rows[end.index] = row;
      process.stderr.write(`[${row.status}] ${row.name} (${row.duration_s.toFixed(1)} s on ${row.worker || '-'})${row.error ? `: ${row.error}` : ''}\n`);
    },
  });
  const files = writeBatchSummaryFiles(out, rows);
  process.stdout.write(`${rows.filter((r) => r.status === 'completed').length}/${rows.length} forecast jobs completed (batch ${batch}); summary: ${files.json}, ${files.csv}\n`);
  if (cancelled) return 130;
  return rows.every((r) => r.status === 'completed') ? 0 : 1;
}

/** The submitter's longest silence about a running forecast job within one stage, in milliseconds. */
export const PROGRESS_LINE_EVERY_MS = 10_000;

/** A `[running]` line the submitter wrote (see {@link progressLine}). */
export interface ProgressLine {
  readonly text: string;
  readonly stage: string;
  /** When it was written, in milliseconds. */
  readonly at: number;
  /** Whether it reported the stage's end. */
  readonly ended: boolean;
}

/**
 * The `[running]` line of a forecast job's progress (see `QueueJobProgress`), or null when it is
 * not due: a job's line is written when its stage changes, once at a stage's end, and otherwise
 * at most every {@link PROGRESS_LINE_EVERY_MS}, so that many jobs do not flood the terminal.
 * @param last - The job's last line, or null before the first.
 * @param now - The time, in milliseconds.
 * @example
 * progressLine('part-0', { kind: 'forecast', stage: 'backtest', label: 'test: ets', done: 10, total: 40, unit: 'origins', eta_s: 30 }, null, 0)?.text;
 * // => '[running] part-0: backtest: test: ets  25% (10/40 origins)  ETA 30s'
 */
export function progressLine(name: string, progress: unknown, last: ProgressLine | null, now: number): ProgressLine | null {
  const p = progress as Partial<QueueJobProgress & { kind: 'forecast' }> | null;
  if (p?.kind !== 'forecast' || typeof p.stage !== 'string') return null;
  const counted = typeof p.done === 'number' && typeof p.total === 'number';
  const ended = counted && p.total! > 0 && p.done! >= p.total!;
  if (last !== null && last.stage === p.stage && (last.ended || (!ended && now - last.at < PROGRESS_LINE_EVERY_MS))) return null;
  const text = !counted
    ? p.stage
    : ended
      ? `${p.stage}: done`
      : formatStageLine({
          stage: p.stage as JobStage, label: p.label ?? '', done: p.done!, total: p.total!, unit: p.unit ?? '', elapsedSeconds: Number.NaN, etaSeconds: p.eta_s ?? Number.NaN,
        });
  return { text: `[running] ${name}: ${text}`, stage: p.stage, at: now, ended };
}

/** The summary row of a job's end; writes its metrics and report under `out/<name>/`. */
function forecastRow(end: JobEnd, name: string, out: string): ForecastBatchRow {
  if (end.state === 'missing') {
    return { name, status: 'interrupted', series: null, worker: '', location: '', duration_s: 0, attempts: 0, lstm_mase: null, error: end.reason };
  }
  if (end.state === 'failed') {
    const status = /^cancelled/.test(end.reason) ? 'interrupted' : 'failed';
    return { name, status, series: null, worker: '', location: '', duration_s: 0, attempts: end.attempts, lstm_mase: null, error: end.reason };
  }
  const result = end.result as ForecastJobResult;
  const dir = path.join(out, name);
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomicSync(path.join(dir, 'metrics.json'), `${JSON.stringify(result.metrics, null, 2)}\n`);
  if (result.report_html !== null) writeFileAtomicSync(path.join(dir, 'report.html'), result.report_html);
  const metrics = result.metrics as { series?: number; models?: Record<string, { mase?: number }> };
  return {
    name, status: 'completed', series: metrics.series ?? null, worker: result.worker, location: result.location, duration_s: result.duration_s,
    attempts: end.attempts, lstm_mase: metrics.models?.lstm?.mase ?? null, error: null,
  };
}
