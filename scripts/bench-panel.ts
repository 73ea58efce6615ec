/**
 * The panel config of scripts/bench.ts: a seeded synthetic panel (`--panel-series` series x
 * `--panel-rows` rows, scales spread over five orders of magnitude), one global LSTM over all
 * of them (`GlobalLstmForecaster.fit`), against the same network on ONE series with as many
 * training windows (`LstmForecaster.fit`) and PyTorch's `nn.LSTM` on the very same windows.
 *
 * Each variant runs in its own child process (this file, run with `--worker`), as the other
 * configs do, so that each reports its own peak RSS. Training throughput is read from
 * `trainModel`'s progress events: samples over training-step seconds (batch fill + tensor upload
 * + `trainOnBatch`; validation excluded) after the bench's warm-up (one epoch or
 * `--warmup-seconds`, whichever ends first), for `--seconds`; training is then aborted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import seedrandom from 'seedrandom';
import { makePanel, panelSeries, type Panel } from '../src/data/panel';
import { splitPanel, type PanelSplit } from '../src/data/panelSplit';
import { concatSets, type ConcatenatedSet } from '../src/data/panelWindows';
import type { SplitIndices } from '../src/data/split';
import type { SupervisedSet, TimeSeries } from '../src/data/types';
import { makeWindowSet } from '../src/data/window';
import type { TrainProgress } from '../src/model/train';
import { fitPreprocessor } from '../src/model/preprocess';

/** The LSTM shapes the panel config borrows from a single-series config (the bench passes S). */
export interface LstmShape {
  readonly steps: number;
  readonly features: number;
  readonly units: number;
  readonly layers: number;
  readonly batch: number;
}

/** Settings of the panel config. */
export interface PanelBenchOptions {
  /** Number of series, a positive integer. */
  readonly series: number;
  /** Rows per series, enough for `lookback + horizon` training rows after the split. */
  readonly rows: number;
  /** Epoch cap of each fit (the run is cut after the warm-up + `seconds` anyway). */
  readonly epochs: number;
  /** Network and batch: `steps` is the lookback; `features` must be 1 (the panel is univariate). */
  readonly lstm: LstmShape;
  /** Measuring time per variant, after the warm-up (`--seconds`). */
  readonly seconds: number;
  /** Longest warm-up per variant, else one epoch (`--warmup-seconds`). */
  readonly warmupSeconds: number;
  /** Interleaved rounds; medians are reported (`--rounds`). */
  readonly rounds: number;
  /** Whether to run PyTorch (when it imports). */
  readonly pytorch: boolean;
  /** Why PyTorch cannot run, or undefined when it can. */
  readonly torchMissing: string | undefined;
  /** scripts/bench_torch.py. */
  readonly torchScript: string;
}

/** Defaults of the panel config: the issue's 1,000 series x 500 rows. */
export const PANEL_DEFAULTS = { series: 1000, rows: 500, epochs: 2 } as const;
/** Seasonal period of the synthetic series, in rows. */
const SEASON = 24;
/** Per-series split (fractions of each series). */
const SPLIT = { valFraction: 0.1, testFraction: 0.2 } as const;
/** One fixed transform (no `'auto'` candidate search): standardised levels. */
const TRANSFORM = 'none' as const;
const HORIZON = 1;
const SEED = 1;
/** The issue's targets: global within 20% of single-series; RSS < 4x raw + 500 MiB. */
const MIN_GLOBAL_VS_SINGLE = 0.8;
const RSS_RAW_FACTOR = 4;
const RSS_ALLOWANCE_MB = 500;

type PanelVariant = 'global' | 'single' | 'pytorch';

/**
 * A seeded synthetic panel: series `i` is `level + scale * sin(2 pi (t + phase) / 24) + noise`,
 * with `scale` log-uniform in [0.1, 10^4], `level` in [2, 10] x scale and the noise' standard
 * deviation in [0.05, 0.3] x scale, so that the series' scales differ by orders of magnitude.
 */
export function syntheticPanel(series: number, rows: number, seed: number): Panel {
  const rng = seedrandom(`bench-panel:${seed}`);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const time = Float64Array.from({ length: rows }, (_, t) => t);
  const members = Array.from({ length: series }, (_, i) => {
    const scale = 10 ** (-1 + 5 * rng());
    const level = scale * (2 + 8 * rng());
    const noise = scale * (0.05 + 0.25 * rng());
    const phase = SEASON * rng();
    const y = Float64Array.from({ length: rows }, (_, t) => level + scale * Math.sin((2 * Math.PI * (t + phase)) / SEASON) + noise * gauss());
    const s: TimeSeries = { timeColumn: 't', timeKind: 'number', time, targets: ['y'], features: [], columns: ['y'], values: { y }, length: rows, source: 'synthetic' };
    return { id: `s${i}`, series: s };
  });
  return makePanel(members);
}

/**
 * The training windows the global fit trains on, built as `fitOne` in src/model/global.ts
 * does (per series: preprocessor fitted on its training rows, windows whose targets end before
 * its validation range), for the window count and PyTorch's copy.
 */
function panelTrainSet(panel: Panel, split: PanelSplit, lookback: number): ConcatenatedSet {
  const parts: SupervisedSet[] = panel.ids.map((id, i) => {
    const s = panelSeries(panel, i);
    const columns = fitPreprocessor(s, split[i].train, { targetTransform: TRANSFORM }).columns(s);
    const firstOrigin = columns.firstValidRow + lookback - 1;
    if (firstOrigin + HORIZON >= split[i].train.end) {
      throw new RangeError(`--panel-rows ${panel.offsets[i + 1] - panel.offsets[i]} leaves series ${id} ${split[i].train.end} training rows, too few for lookback ${lookback} and horizon ${HORIZON}`);
    }
    return makeWindowSet(columns.inputs, columns.targets, { lookback, horizon: HORIZON, firstOrigin, targetEnd: split[i].train.end, anchor: columns.anchor });
  });
  return concatSets(parts);
}

/** The one-series baseline: train / val / test rows such that it has `windows` training windows and the panel's val and test rows. */
function singleSplit(split: PanelSplit, windows: number, lookback: number): SplitIndices {
  const rows = (pick: (s: SplitIndices) => { start: number; end: number }) => split.reduce((n, s) => n + pick(s).end - pick(s).start, 0);
  const trainEnd = windows + lookback + HORIZON - 1;
  const valEnd = trainEnd + rows((s) => s.val);
  return { train: { start: 0, end: trainEnd }, val: { start: trainEnd, end: valEnd }, test: { start: valEnd, end: valEnd + rows((s) => s.test) } };
}

/** What one child is asked to do: the bench's settings for one variant. */
interface PanelJob extends Pick<PanelBenchOptions, 'series' | 'rows' | 'epochs' | 'lstm' | 'seconds' | 'warmupSeconds'> {
  readonly variant: 'global' | 'single';
  /** Training windows the global fit must see (checked against its batch count). */
  readonly windows: number;
  /** The single variant's split (its series has `test.end` rows). */
  readonly single: SplitIndices;
}

/**
 * Steady-state throughput from `trainModel`'s batch events: `trainSeconds = samplesDone /
 * samplesPerSecond` at each event; the rate between the first event past the warm-up and the
 * last one. Calls `stop` once `seconds` have been measured.
 */
class RateMeter {
  private mark: { samples: number; seconds: number } | null = null;
  private last: { samples: number; seconds: number } | null = null;
  batches = 0;

  constructor(private readonly size: number, private readonly batch: number, private readonly warmupSeconds: number,
    private readonly seconds: number, private readonly stop: () => void) {}

  onProgress = (e: TrainProgress): void => {
    if (e.kind !== 'batch' || !(e.samplesPerSecond > 0)) return;
    this.batches = e.batches!;
    const inEpoch = Math.min(e.batch! * this.batch, this.size);
    const point = { samples: (e.epoch - 1) * this.size + inEpoch, seconds: 0 };
    point.seconds = point.samples / e.samplesPerSecond;
    if (this.mark === null) {
      if (point.seconds >= this.warmupSeconds || inEpoch === this.size) this.mark = point;
      return;
    }
    this.last = point;
    if (point.seconds - this.mark.seconds >= this.seconds) this.stop();
  };

  /** Samples/s after the warm-up, or `null` when no event followed it. */
  rate(): { sps: number; samples: number; seconds: number } | null {
    if (this.mark === null || this.last === null) return null;
    const samples = this.last.samples - this.mark.samples;
    const seconds = this.last.seconds - this.mark.seconds;
    return { sps: samples / seconds, samples, seconds };
  }
}

async function panelWorker(job: PanelJob): Promise<Record<string, unknown>> {
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('setBackend(wasm) failed');
  await tf.ready();
  const { GlobalLstmForecaster } = await import('../src/model/global');
  const { LstmForecaster } = await import('../src/model/forecaster');
  const { steps, units, layers, batch } = job.lstm;
  const controller = new AbortController();
  const meter = new RateMeter(job.windows, batch, job.warmupSeconds, job.seconds, () => controller.abort());
  const options = {
    horizon: HORIZON, season: SEASON, lookback: steps, targetTransform: TRANSFORM, earlyStoppingPatience: 0, reduceLrPatience: 0,
    model: { units, layers, batchSize: batch, seed: SEED, kernel: 'auto' as const, epochs: job.epochs },
    onProgress: meter.onProgress, signal: controller.signal,
  };
  const start = performance.now();
  let fitted: { kernel: unknown; history: import('../src/model/train').TrainHistory | null; dispose(): void };
  if (job.variant === 'global') {
    const panel = syntheticPanel(job.series, job.rows, SEED);
    fitted = await GlobalLstmForecaster.fit(panel, splitPanel(panel, SPLIT), options);
  } else {
    const one = syntheticPanel(1, job.single.test.end, SEED);
    fitted = await LstmForecaster.fit(panelSeries(one, 0), job.single, options);
  }
  const wall = (performance.now() - start) / 1000;
  if (meter.batches !== Math.ceil(job.windows / batch)) {
    throw new Error(`${job.variant}: ${meter.batches} batches per epoch, expected ${Math.ceil(job.windows / batch)} (${job.windows} windows)`);
  }
  const measured = meter.rate();
  const history = fitted.history!;
  const result = {
    train_sps: measured?.sps ?? history.samplesPerSecond,
    measured: measured === null ? 'whole run (no batch event after the warm-up)' : { samples: measured.samples, seconds: measured.seconds },
    wall_seconds: wall,
    fit_seconds: history.seconds,
    kernel: fitted.kernel,
    max_rss_mb: process.resourceUsage().maxRSS / 1024,
    load_avg_1m: loadavg()[0],
  };
  fitted.dispose();
  return result;
}

type Outcome = Record<string, unknown> | { error: string };

function runJob(job: PanelJob): Outcome {
  const child = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', __filename, '--worker', JSON.stringify(job)],
    { encoding: 'utf8', env: process.env });
  return parseChild(`panel ${job.variant}`, child);
}

function runTorch(options: PanelBenchOptions, file: string, windows: number): Outcome {
  const { steps, features, units, layers, batch } = options.lstm;
  const args = [options.torchScript, '--n', windows, '--steps', steps, '--features', features, '--units', units, '--layers', layers,
    '--batch', batch, '--seconds', options.seconds, '--warmup-seconds', options.warmupSeconds, '--metrics', 'train', '--threads', 2,
    '--data', file].map(String);
  const child = spawnSync('/usr/bin/python3', args, { env: { ...process.env, OPENBLAS_NUM_THREADS: '1' }, encoding: 'utf8' });
  return parseChild('panel pytorch', child);
}

function parseChild(what: string, child: ReturnType<typeof spawnSync>): Outcome {
  const stdout = String(child.stdout ?? '');
  const line = stdout.split('\n').filter((l) => l.startsWith('{')).pop();
  if (child.status !== 0 || line === undefined) {
    return { error: `${what} failed (exit ${child.status}): ${String(child.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}` };
  }
  return JSON.parse(line) as Record<string, unknown>;
}

/** Writes every training window, `x` (`[n, lookback, 1]`) then `y` (`[n, horizon, 1]`), float32 little-endian. */
function writeWindows(set: SupervisedSet, file: string): void {
  const xSize = set.lookback * set.numFeatures;
  const ySize = set.horizon * set.numTargets;
  const x = new Float32Array(set.size * xSize);
  const y = new Float32Array(set.size * ySize);
  set.fill(Uint32Array.from({ length: set.size }, (_, i) => i), x, y);
  writeFileSync(file, Buffer.concat([Buffer.from(x.buffer), Buffer.from(y.buffer)]));
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The panel section of bench.json (`config`, `derived`) and of bench.md (`lines`). */
export interface PanelBenchResult {
  readonly config: Record<string, unknown>;
  readonly derived: Record<string, unknown>;
  readonly lines: string[];
}

/** Runs the panel config: `rounds` interleaved rounds of global, single and (optionally) PyTorch. */
export function runPanelBench(options: PanelBenchOptions): PanelBenchResult {
  if (options.lstm.features !== 1) throw new RangeError(`the panel is univariate: its LSTM shape needs features 1, got ${options.lstm.features}`);
  const panel = syntheticPanel(options.series, options.rows, SEED);
  const split = splitPanel(panel, SPLIT);
  const trainSet = panelTrainSet(panel, split, options.lstm.steps);
  const windows = trainSet.size;
  const job = { series: options.series, rows: options.rows, epochs: options.epochs, lstm: options.lstm, seconds: options.seconds,
    warmupSeconds: options.warmupSeconds, windows, single: singleSplit(split, windows, options.lstm.steps) };
  const variants: PanelVariant[] = ['global', 'single', ...(options.pytorch && options.torchMissing === undefined ? ['pytorch' as const] : [])];
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-panel-'));
  const runs: Record<string, Outcome[]> = {};
  try {
    const file = path.join(dir, 'windows.f32');
    if (variants.includes('pytorch')) writeWindows(trainSet, file);
    for (let round = 0; round < options.rounds; round++) {
      // global and single swap places every round: the ratio of the two is the point, and on a
      // shared machine load drifts between one run and the next
      for (const variant of round % 2 === 0 ? variants : [variants[1], variants[0], ...variants.slice(2)]) {
        const m = variant === 'pytorch' ? runTorch(options, file, windows) : runJob({ ...job, variant });
        (runs[variant] ??= []).push(m);
        console.error(`round ${round + 1} panel ${variant}: ${JSON.stringify(m)}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return summarise(options, windows, variants, runs);
}

function summarise(options: PanelBenchOptions, windows: number, variants: PanelVariant[], runs: Record<string, Outcome[]>): PanelBenchResult {
  const entry: Record<string, Record<string, number | undefined>> = { train_sps: {}, max_rss_mb: {}, load_avg_1m: {} };
  for (const v of variants) {
    const ok = runs[v].filter((m): m is Record<string, unknown> => !('error' in m));
    for (const key of Object.keys(entry)) entry[key][v] = median(ok.map((m) => m[key]).filter((x): x is number => typeof x === 'number'));
  }
  const rawMb = (options.series * options.rows * Float64Array.BYTES_PER_ELEMENT) / 2 ** 20;
  const budget = RSS_RAW_FACTOR * rawMb + RSS_ALLOWANCE_MB;
  const sps = entry.train_sps;
  const ratio = (a?: number, b?: number) => (a !== undefined && b ? a / b : null);
  const globalVsSingle = ratio(sps.global, sps.single);
  // per round, global over the single run next to it: less exposed to load drift than the ratio of medians
  const spsOf = (m: Outcome | undefined) => (m === undefined || 'error' in m || typeof m.train_sps !== 'number' ? undefined : m.train_sps);
  const paired = runs.global.map((g, i) => ratio(spsOf(g), spsOf(runs.single[i]))).filter((r): r is number => r !== null);
  const rss = entry.max_rss_mb.global;
  const targets = [
    { metric: 'train_sps', what: `global >= ${MIN_GLOBAL_VS_SINGLE}x single`, value: globalVsSingle, target: MIN_GLOBAL_VS_SINGLE,
      met: globalVsSingle === null ? null : globalVsSingle >= MIN_GLOBAL_VS_SINGLE },
    { metric: 'max_rss_mb', what: `global < ${RSS_RAW_FACTOR}x raw + ${RSS_ALLOWANCE_MB} MiB`, value: rss ?? null, target: budget,
      met: rss === undefined ? null : rss < budget },
  ];
  const { steps, features, units, layers, batch } = options.lstm;
  const shape = { series: options.series, rows: options.rows, raw_mb: rawMb, lookback: steps, horizon: HORIZON, features, units, layers, batch,
    train_windows: windows, epochs_max: options.epochs, season: SEASON, split: SPLIT, target_transform: TRANSFORM, seed: SEED };
  const derived = {
    global_vs_single: globalVsSingle,
    global_vs_single_per_round: paired,
    global_vs_single_paired_median: median(paired) ?? null,
    global_vs_pytorch: ratio(sps.global, sps.pytorch),
    single_vs_pytorch: ratio(sps.single, sps.pytorch),
    rss_budget_mb: budget,
    rss_vs_raw: rss === undefined ? null : rss / rawMb,
    targets,
  };
  const lines = panelLines(options, shape, entry, derived, variants);
  return { config: { shape, ...entry, runs }, derived, lines };
}

function panelLines(options: PanelBenchOptions, shape: { raw_mb: number; train_windows: number }, entry: Record<string, Record<string, number | undefined>>,
  derived: { global_vs_single: number | null; global_vs_single_per_round: number[]; global_vs_single_paired_median: number | null;
    global_vs_pytorch: number | null; targets: Array<{ what: string; metric: string; value: number | null; met: boolean | null }> },
  variants: PanelVariant[]): string[] {
  const fmt = (v: number | undefined | null) => (v == null ? 'n/a' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const x = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(2)}x`);
  const loads = Object.values(entry.load_avg_1m).filter((v): v is number => v !== undefined);
  const { steps, units, layers, batch } = options.lstm;
  const lines = [
    `Panel: ${options.series} series x ${options.rows} rows (raw ${shape.raw_mb.toFixed(2)} MiB as float64), ${shape.train_windows} training windows; ` +
      `lookback ${steps}, horizon ${HORIZON}, ${units} units, ${layers} layer(s), batch ${batch} (config S). global: one LSTM over every series ` +
      `(GlobalLstmForecaster.fit); single: the same on one series with as many windows (LstmForecaster.fit); pytorch: nn.LSTM on the same windows, 2 threads.`,
    '',
    `| config | metric | ${variants.join(' | ')} | global / single | global / pytorch | load avg (1 min) |`,
    `|---|---|${variants.map(() => '---|').join('')}---|---|---|`,
    `| panel | train_sps | ${variants.map((v) => fmt(entry.train_sps[v])).join(' | ')} | ${x(derived.global_vs_single)} | ${x(derived.global_vs_pytorch)} | ${loads.length ? Math.max(...loads).toFixed(2) : 'n/a'} |`,
    `| panel | max_rss_mb | ${variants.map((v) => fmt(entry.max_rss_mb[v])).join(' | ')} | | | |`,
    '',
    `global / single per round (each global run over the single run beside it): ${derived.global_vs_single_per_round.map(x).join(', ') || 'n/a'} ` +
      `(median ${x(derived.global_vs_single_paired_median)}).`,
    '',
    '| target | value | met |',
    '|---|---|---|',
    ...derived.targets.map((t) => `| panel ${t.metric} ${t.what} | ${t.metric === 'train_sps' ? x(t.value) : `${fmt(t.value)} MiB`} | ${t.met === null ? 'n/a' : t.met ? 'yes' : 'no'} |`),
  ];
  if (!variants.includes('pytorch')) lines.push('', `panel pytorch: ${options.torchMissing !== undefined ? `unavailable (${options.torchMissing})` : 'not requested (--variants)'}`);
  return lines;
}

if (require.main === module) {
  const at = process.argv.indexOf('--worker');
  panelWorker(JSON.parse(process.argv[at + 1]) as PanelJob).then(
    (r) => console.log(JSON.stringify(r)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
