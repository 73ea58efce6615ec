/**
 * LSTM throughput benchmark: the project's LSTM on each kernel path, tfjs' stock
 * `tf.layers.lstm`, and PyTorch's `nn.LSTM` (when Debian's python3-torch is installed), on the
 * configs of the "Fast LSTM on CPU" issue. A benchmark, not a timed test.
 *
 *   npm run bench -- --configs S,M,L --out DIR [--seconds 8] [--rounds 2]
 *
 * Each measurement (variant x config x metric) runs in its own child process (clean peak RSS,
 * no JIT/allocator/GC state shared between variants or between training and inference); rounds
 * interleave the variants, and the median over rounds is reported. Training: `trainOnBatch` (PyTorch: zero_grad/backward/step) over contiguous batches
 * of random data for `--seconds`, after a warm-up of one epoch or `--warmup-seconds`, whichever
 * ends first (at least 2 batches: a stock-tfjs epoch of config M takes minutes).
 * Inference: `predict` of one whole batch (`batchSize` = the config's batch, as PyTorch), read
 * back. Writes DIR/bench.json and DIR/bench.md (throughput, ratios to PyTorch, GFLOP/s and the
 * fraction of the arithmetic floor).
 *
 * `--configs panel` (scripts/bench-panel.ts): a global LSTM over a synthetic panel of
 * `--panel-series` x `--panel-rows` (default 1,000 x 500) with config S's shapes, against the
 * same network on one series with as many windows and PyTorch on the same windows, with each
 * one's peak RSS against the raw data size.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { writeFileAtomicSync } from '../src/io/atomic';
import { PANEL_DEFAULTS, runPanelBench } from './bench-panel';

/** Shapes of one benchmark config (see the issue). */
interface BenchConfig {
  readonly n: number;
  readonly steps: number;
  readonly features: number;
  readonly units: number;
  readonly layers: number;
  readonly batch: number;
}

const CONFIGS: Readonly<Record<string, BenchConfig>> = {
  S: { n: 1000, steps: 10, features: 1, units: 10, layers: 1, batch: 50 },
  M: { n: 10000, steps: 50, features: 8, units: 64, layers: 2, batch: 64 },
  L: { n: 10000, steps: 100, features: 8, units: 128, layers: 1, batch: 256 },
};

/**
 * Variants: `project` = the library's default model (`buildLstmModel` with the default config:
 * kernel 'auto', i.e. the native kernel where it loads, else WebAssembly) on the wasm backend;
 * `project_wasm` = the same with the portable WebAssembly kernel (`LSTM_KERNEL=wasm`);
 * `project_native_1t` = native kernel on one thread (`LSTM_KERNEL_THREADS=1`);
 * `project_cpu` = the default path on the cpu backend; `project_stock` = the library's model with
 * kernel 'stock' (tfjs' own LSTM code); `tfjs_layers` = a plain `tf.layers.lstm` (sigmoid) + dense
 * model, wasm backend; `pytorch` = scripts/bench_torch.py with 2 threads (the issue's setting),
 * `pytorch_1t` with 1 (on a shared, loaded machine 2 OpenMP threads can be slower than 1).
 */
const TFJS_VARIANTS = ['project', 'project_wasm', 'project_native_1t', 'project_cpu', 'project_stock', 'tfjs_layers'] as const;
const TORCH_VARIANTS = ['pytorch', 'pytorch_1t'] as const;
type Variant = (typeof TFJS_VARIANTS)[number] | (typeof TORCH_VARIANTS)[number];
/** Variants run unless `--variants` says otherwise. */
const DEFAULT_VARIANTS: readonly Variant[] = ['project', 'project_wasm', 'tfjs_layers', 'pytorch', 'pytorch_1t'];

/** Kernel choice (`$LSTM_KERNEL`) of each variant that pins one. */
const KERNEL_OF: Partial<Record<Variant, string>> = {
  project_native_1t: 'native',
  project_wasm: 'wasm',
};

/** The panel config (scripts/bench-panel.ts): many series, one global LSTM of config S's shapes. */
const PANEL_CONFIG = 'panel';
/** Every name `--configs` accepts. */
const CONFIG_NAMES: readonly string[] = [...Object.keys(CONFIGS), PANEL_CONFIG];

/** Metrics per config. */
const METRICS: Readonly<Record<string, string[]>> = { S: ['train', 'infer'], M: ['train', 'infer'], L: ['train', 'infer'] };

/**
 * The arithmetic floor of each config on two cores, in samples/s, as the issue states it for M
 * training (5,000) and L inference (8,000): the GEMM work at OpenBLAS' sgemm rate on these shapes
 * (70-110 GFLOP/s on 2 threads). Other cells: the GEMM work at {@link FLOOR_GFLOPS}.
 */
const ISSUE_FLOOR: Readonly<Record<string, number>> = { M_train_sps: 5000, L_infer_sps: 8000 };
/** GEMM rate behind the floors the issue does not state (native sgemm, 2 threads, ENVIRONMENT.md). */
const FLOOR_GFLOPS = 110;

/**
 * Floating-point operations per sample: the LSTM's GEMMs, 2 * T * 4H * (D + H) per layer forward;
 * training counts forward + backward (input, recurrent and weight gradients) as 3x forward.
 */
function flopsPerSample(config: BenchConfig, metric: 'train_sps' | 'infer_sps'): number {
  let forward = 0;
  for (let l = 0; l < config.layers; l++) {
    const inputs = l === 0 ? config.features : config.units;
    forward += 2 * config.steps * 4 * config.units * (inputs + config.units);
  }
  return metric === 'train_sps' ? 3 * forward : forward;
}

function floorSps(name: string, config: BenchConfig, metric: 'train_sps' | 'infer_sps'): number {
  return ISSUE_FLOOR[`${name}_${metric}`] ?? (FLOOR_GFLOPS * 1e9) / flopsPerSample(config, metric);
}

interface Measurement {
  train_sps?: number;
  infer_sps?: number;
  max_rss_mb?: number;
  load_avg_1m: number;
  [key: string]: unknown;
}

async function worker(variant: Variant, config: BenchConfig, seconds: number, warmupSeconds: number, metrics: string[]): Promise<Measurement> {
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  const backend = variant.endsWith('_cpu') ? 'cpu' : 'wasm';
  if (!(await tf.setBackend(backend))) throw new Error(`setBackend(${backend}) failed`);
  await tf.ready();
  const { resolveLstmConfig } = await import('../src/model/config');
  const { buildLstmModel } = await import('../src/model/lstm');
  const { loadLstmKernel } = await import('../src/kernels/lstm/select');
  const { n, steps, features, units, layers, batch } = config;
  const shape = { lookback: steps, numFeatures: features, horizon: 1, numTargets: 1 };
  const kernel = variant === 'project_stock' ? 'stock' : 'auto';
  const lstmConfig = resolveLstmConfig({ units, layers, batchSize: batch, seed: 1, kernel });
  let model: import('@tensorflow/tfjs').LayersModel;
  let kernelInfo: unknown = null;
  if (variant === 'tfjs_layers') {
    const seq = tf.sequential();
    for (let l = 0; l < layers; l++) {
      seq.add(tf.layers.lstm({ units, recurrentActivation: 'sigmoid', returnSequences: l < layers - 1, ...(l === 0 ? { inputShape: [steps, features] } : {}) }));
    }
    seq.add(tf.layers.dense({ units: 1 }));
    seq.add(tf.layers.reshape({ targetShape: [1, 1] }));
    seq.compile({ loss: 'meanSquaredError', optimizer: tf.train.adam(1e-3) });
    model = seq;
  } else {
    const loaded = loadLstmKernel();
    if (KERNEL_OF[variant] !== undefined && loaded?.info.path !== KERNEL_OF[variant]) {
      throw new Error(`${KERNEL_OF[variant]} kernel unavailable (got ${JSON.stringify(loaded?.info ?? null)})`);
    }
    model = buildLstmModel(lstmConfig, shape);
    const fused = model.layers.some((l) => l.getClassName() === 'FusedLstm');
    kernelInfo = fused && loaded !== null ? { fused: true, ...loaded.info } : { fused: false };
  }
  const x = tf.randomNormal([n, steps, features], 0, 1, 'float32', 1);
  const y = tf.randomNormal([n, 1, 1], 0, 1, 'float32', 2);
  const batches: Array<[import('@tensorflow/tfjs').Tensor, import('@tensorflow/tfjs').Tensor]> = [];
  for (let i = 0; i < n; i += batch) {
    const size = Math.min(batch, n - i);
    batches.push([x.slice([i, 0, 0], [size, steps, features]), y.slice([i, 0, 0], [size, 1, 1])]);
  }
  const timed = async (step: (i: number) => Promise<number>): Promise<number> => {
    // warm-up: one epoch, or warmupSeconds, whichever ends first (at least 2 batches)
    const warmStart = performance.now();
    for (let i = 0; i < batches.length && (i < 2 || performance.now() - warmStart < warmupSeconds * 1000); i++) await step(i);
    let done = 0;
    let samples = 0;
    const start = performance.now();
    while (done < 2 || performance.now() - start < seconds * 1000) samples += await step(done++);
    return samples / ((performance.now() - start) / 1000);
  };
  const result: Measurement = { load_avg_1m: 0, backend, kernel: kernelInfo };
  if (metrics.includes('train')) {
    result.train_sps = await timed(async (i) => {
      const [xb, yb] = batches[i % batches.length];
      await model.trainOnBatch(xb, yb);
      return xb.shape[0];
    });
  }
  if (metrics.includes('infer')) {
    result.infer_sps = await timed(async (i) => {
      const [xb] = batches[i % batches.length];
      const out = model.predict(xb, { batchSize: xb.shape[0] }) as import('@tensorflow/tfjs').Tensor;
      await out.data();
      out.dispose();
      return xb.shape[0];
    });
  }
  result.max_rss_mb = process.resourceUsage().maxRSS / 1024;
  result.load_avg_1m = loadavg()[0];
  return result;
}

function runChild(variant: Variant, name: string, config: BenchConfig, seconds: number, warmupSeconds: number, metrics: string[]): Measurement | { error: string } {
  const load = loadavg()[0];
  let child;
  if (variant === 'pytorch' || variant === 'pytorch_1t') {
    const args = [path.join(__dirname, 'bench_torch.py'), '--n', config.n, '--steps', config.steps, '--features', config.features,
      '--units', config.units, '--layers', config.layers, '--batch', config.batch, '--seconds', seconds,
      '--warmup-seconds', warmupSeconds, '--metrics', metrics.join(','),
      '--threads', variant === 'pytorch' ? 2 : 1].map(String);
    child = spawnSync('/usr/bin/python3', args, { env: { ...process.env, OPENBLAS_NUM_THREADS: '1' }, encoding: 'utf8' });
  } else {
    child = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', __filename,
      '--worker', JSON.stringify({ variant, config, seconds, warmupSeconds, metrics })],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        ...(KERNEL_OF[variant] ? { LSTM_KERNEL: KERNEL_OF[variant] } : {}),
        ...(variant.endsWith('_1t') ? { LSTM_KERNEL_THREADS: '1' } : {}),
      },
    });
  }
  const line = child.stdout?.split('\n').filter((l) => l.startsWith('{')).pop();
  if (child.status !== 0 || line === undefined) {
    return { error: `${variant} ${name} failed (exit ${child.status}): ${(child.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}` };
  }
  const m = JSON.parse(line) as Measurement;
  m.load_avg_1m_before = load;
  return m;
}

function pytorchAvailable(): string | undefined {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    const text = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim().split('\n').pop();
    return `/usr/bin/python3 cannot import torch (${text}); install Debian's python3-torch`;
  }
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const program = new Command()
    .option('--configs <list>', `comma-separated configs (${CONFIG_NAMES.join(', ')})`, 'S,M,L')
    .option('--out <dir>', 'output directory', 'runs/bench')
    .option('--seconds <s>', 'measuring time per metric and variant', '8')
    .option('--warmup-seconds <s>', 'longest warm-up per metric and variant (else one epoch)', '8')
    .option('--rounds <n>', 'interleaved rounds (median reported)', '2')
    .option('--variants <list>', `comma-separated variants, of ${[...TFJS_VARIANTS, ...TORCH_VARIANTS].join(', ')} (panel: pytorch or not)`, DEFAULT_VARIANTS.join(','))
    .option('--panel-series <n>', 'panel config: number of series', String(PANEL_DEFAULTS.series))
    .option('--panel-rows <n>', 'panel config: rows per series', String(PANEL_DEFAULTS.rows))
    .option('--panel-epochs <n>', 'panel config: epoch cap of each fit', String(PANEL_DEFAULTS.epochs))
    .option('--worker <json>', 'internal: run one measurement in this process')
    .parse(process.argv);
  const opts = program.opts<{ configs: string; out: string; seconds: string; warmupSeconds: string; rounds: string; variants: string;
    panelSeries: string; panelRows: string; panelEpochs: string; worker?: string }>();
  if (opts.worker !== undefined) {
    const { variant, config, seconds, warmupSeconds, metrics } = JSON.parse(opts.worker);
    console.log(JSON.stringify(await worker(variant, config, seconds, warmupSeconds, metrics)));
    return;
  }
  const requested = opts.configs.split(',').map((s) => s.trim());
  for (const name of requested) {
    if (!CONFIG_NAMES.includes(name)) throw new Error(`--configs: unknown config ${JSON.stringify(name)}; expected ${CONFIG_NAMES.slice(0, -1).join(', ')} or ${CONFIG_NAMES.at(-1)}`);
  }
  const names = requested.filter((name) => name in CONFIGS);
  const seconds = positiveNumber('--seconds', opts.seconds);
  const warmupSeconds = positiveNumber('--warmup-seconds', opts.warmupSeconds);
  const rounds = positiveNumber('--rounds', opts.rounds);
  const panelSizes = { series: positiveInteger('--panel-series', opts.panelSeries), rows: positiveInteger('--panel-rows', opts.panelRows),
    epochs: positiveInteger('--panel-epochs', opts.panelEpochs) };
  const known = [...TFJS_VARIANTS, ...TORCH_VARIANTS] as readonly string[];
  const listed = opts.variants.split(',').map((s) => s.trim());
  for (const v of listed) {
    if (!known.includes(v)) throw new Error(`--variants: unknown variant ${JSON.stringify(v)}; expected some of ${known.join(', ')}`);
  }
  const torchMissing = pytorchAvailable();
  const variants = listed.map((s) => s as Variant).filter((v) => !v.startsWith('pytorch') || torchMissing === undefined);
  // The panel first: its data checks (enough rows per series) fail before minutes of S, M, L.
  const panel = requested.includes(PANEL_CONFIG)
    ? runPanelBench({ ...panelSizes, lstm: CONFIGS.S, seconds, warmupSeconds, rounds, pytorch: listed.includes('pytorch'), torchMissing,
      torchScript: path.join(__dirname, 'bench_torch.py') })
    : null;
  const single = names.length > 0 ? await singleSeriesBench({ names, variants, seconds, warmupSeconds, rounds, torchMissing }) : null;
  const torchInfo = single?.torchInfo ?? (panel?.config.runs as Record<string, Array<Record<string, unknown>>> | undefined)?.pytorch?.find((m) => !('error' in m));
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    seconds_per_metric: seconds,
    warmup_seconds_max: warmupSeconds,
    rounds,
    pytorch: torchMissing ?? { version: torchInfo?.torch, threads: torchInfo?.threads, interop_threads: torchInfo?.interop_threads, OPENBLAS_NUM_THREADS: '1' },
    kernels: single?.kernels ?? {},
    targets: single?.targets ?? [],
    derived: { ...single?.derived, ...(panel ? { [PANEL_CONFIG]: panel.derived } : {}) },
    configs: { ...single?.configs, ...(panel ? { [PANEL_CONFIG]: panel.config } : {}) },
  };
  const lines = [...(single?.lines ?? []), ...(single && panel ? [''] : []), ...(panel?.lines ?? [])];
  mkdirSync(opts.out, { recursive: true });
  writeFileAtomicSync(path.join(opts.out, 'bench.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileAtomicSync(path.join(opts.out, 'bench.md'), lines.join('\n') + '\n');
  console.log(lines.join('\n'));
}

/** What {@link singleSeriesBench} measures. */
interface SingleSeriesBenchOptions {
  /** Configs among S, M, L. */
  readonly names: readonly string[];
  readonly variants: readonly Variant[];
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly rounds: number;
  /** Why PyTorch cannot run, or undefined when it can. */
  readonly torchMissing: string | undefined;
}

/** The S, M and L configs: every variant x metric; tables of throughput, GFLOP/s and ratios to PyTorch. */
async function singleSeriesBench(options: SingleSeriesBenchOptions) {
  const { names, variants, seconds, warmupSeconds, rounds, torchMissing } = options;
  const raw: Record<string, Record<string, Array<Measurement | { error: string }>>> = {};
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      for (const variant of variants) {
        // one process per metric: inference is not measured on a heap that training left behind
        const parts = METRICS[name].map((metric) => runChild(variant, name, CONFIGS[name], seconds, warmupSeconds, [metric]));
        const failed = parts.find((r): r is { error: string } => 'error' in r);
        const m: Measurement | { error: string } = failed ?? mergeMeasurements(parts as Measurement[]);
        ((raw[name] ??= {})[variant] ??= []).push(m);
        console.error(`round ${round + 1} ${name} ${variant}: ${JSON.stringify(m)}`);
      }
    }
  }
  const configs: Record<string, unknown> = {};
  for (const name of names) {
    const entry: Record<string, Record<string, number | undefined>> = { train_sps: {}, infer_sps: {}, max_rss_mb: {}, load_avg_1m: {} };
    for (const variant of variants) {
      const ok = raw[name][variant].filter((m): m is Measurement => !('error' in m));
      for (const key of ['train_sps', 'infer_sps', 'max_rss_mb', 'load_avg_1m'] as const) {
        entry[key][variant] = median(ok.map((m) => m[key]).filter((v): v is number => typeof v === 'number'));
      }
    }
    configs[name] = { shape: CONFIGS[name], ...entry, runs: raw[name] };
  }
  const torchInfo = raw[names[0]]?.pytorch?.find((m): m is Measurement => !('error' in m));
  const metricsOf = (name: string) => METRICS[name].map((m) => `${m}_sps` as 'train_sps' | 'infer_sps');
  const sps = (name: string, metric: string, variant: string) =>
    ((configs[name] as Record<string, Record<string, number | undefined>>)[metric] ?? {})[variant];
  // Ratios to PyTorch as the issue sets it up (2 threads), and to the faster of its two thread
  // settings (the conservative reading); GFLOP/s and fraction of the floor per variant.
  const derived: Record<string, unknown> = {};
  for (const name of names) {
    const perMetric: Record<string, unknown> = {};
    for (const metric of metricsOf(name)) {
      const torch = sps(name, metric, 'pytorch');
      const torchBest = Math.max(torch ?? 0, sps(name, metric, 'pytorch_1t') ?? 0) || undefined;
      const flops = flopsPerSample(CONFIGS[name], metric);
      const floor = floorSps(name, CONFIGS[name], metric);
      const rows: Record<string, unknown> = {};
      for (const v of variants) {
        const value = sps(name, metric, v);
        if (value === undefined) continue;
        rows[v] = {
          vs_pytorch: torch ? value / torch : null,
          vs_best_pytorch: torchBest ? value / torchBest : null,
          gflops: (value * flops) / 1e9,
          floor_fraction: value / floor,
        };
      }
      perMetric[metric] = { flops_per_sample: flops, floor_sps: floor, variants: rows };
    }
    derived[name] = perMetric;
  }
  // The issue's targets (default path and portable path vs PyTorch with 2 threads).
  const TARGETS: ReadonlyArray<readonly [string, 'train_sps' | 'infer_sps', string, number]> = [
    ['M', 'train_sps', 'project', 2], ['L', 'infer_sps', 'project', 3], ['S', 'train_sps', 'project', 1],
    ['M', 'train_sps', 'project_wasm', 1.5], ['L', 'infer_sps', 'project_wasm', 1.5],
  ];
  const targets = TARGETS.filter(([name, , v]) => names.includes(name) && variants.includes(v as Variant)).map(([name, metric, v, want]) => {
    const value = sps(name, metric, v);
    const torch = sps(name, metric, 'pytorch');
    const ratio = value !== undefined && torch ? value / torch : null;
    return { config: name, metric, variant: v, target: want, ratio, met: ratio === null ? null : ratio >= want };
  });
  const kernels: Record<string, unknown> = {};
  for (const v of variants) {
    const m = names.flatMap((n) => raw[n][v]).find((r): r is Measurement => !('error' in r) && r.kernel !== undefined);
    if (m) kernels[v] = { backend: m.backend, kernel: m.kernel };
  }
  const fmt = (v: number | undefined) => (v === undefined ? 'n/a' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const lines = [
    `Samples/s (median of ${rounds} interleaved rounds, ${seconds} s each).`,
    '',
    `| config | metric | ${variants.join(' | ')} | load avg (1 min) |`,
    `|---|---|${variants.map(() => '---|').join('')}---|`,
  ];
  for (const name of names) {
    const c = configs[name] as Record<string, Record<string, number | undefined>>;
    for (const metric of metricsOf(name)) {
      const loads = Object.values(c.load_avg_1m).filter((v): v is number => v !== undefined);
      lines.push(`| ${name} | ${metric} | ${variants.map((v) => fmt(c[metric][v])).join(' | ')} | ${loads.length ? Math.max(...loads).toFixed(2) : 'n/a'} |`);
    }
  }
  const projects = variants.filter((v) => !v.startsWith('pytorch'));
  lines.push('', 'GFLOP/s (LSTM GEMM work per sample x samples/s) and fraction of the floor:', '',
    `| config | metric | floor (samples/s) | ${projects.join(' | ')} |`, `|---|---|---|${projects.map(() => '---|').join('')}`);
  for (const name of names) {
    for (const metric of metricsOf(name)) {
      const d = (derived[name] as Record<string, { floor_sps: number; variants: Record<string, { gflops: number; floor_fraction: number }> }>)[metric];
      lines.push(`| ${name} | ${metric} | ${d.floor_sps.toFixed(0)} | ${projects.map((v) => (d.variants[v] ? `${d.variants[v].gflops.toFixed(1)} (${(100 * d.variants[v].floor_fraction).toFixed(0)}%)` : 'n/a')).join(' | ')} |`);
    }
  }
  if (torchMissing) {
    lines.push('', `pytorch: unavailable (${torchMissing})`);
  } else {
    lines.push('', 'Ratios to PyTorch with 2 threads (the issue\'s setting) / to the faster of PyTorch\'s 1- and 2-thread runs:', '',
      `| config | metric | ${projects.join(' | ')} |`, `|---|---|${projects.map(() => '---|').join('')}`);
    for (const name of names) {
      for (const metric of metricsOf(name)) {
        const d = (derived[name] as Record<string, { variants: Record<string, { vs_pytorch: number | null; vs_best_pytorch: number | null }> }>)[metric];
        const cell = (v: string) => {
          const r = d.variants[v];
          return r && r.vs_pytorch !== null && r.vs_best_pytorch !== null ? `${r.vs_pytorch.toFixed(2)}x / ${r.vs_best_pytorch.toFixed(2)}x` : 'n/a';
        };
        lines.push(`| ${name} | ${metric} | ${projects.map(cell).join(' | ')} |`);
      }
    }
    lines.push('', '| target | ratio | met |', '|---|---|---|');
    for (const t of targets) {
      lines.push(`| ${t.config} ${t.metric} ${t.variant} >= ${t.target}x | ${t.ratio === null ? 'n/a' : `${t.ratio.toFixed(2)}x`} | ${t.met === null ? 'n/a' : t.met ? 'yes' : 'no'} |`);
    }
  }
  lines.push('', `Kernels: ${Object.entries(kernels).map(([v, k]) => `${v} ${JSON.stringify(k)}`).join('; ')}`);
  return { configs, derived, targets, kernels, torchInfo, lines };
}

/** One record from per-metric runs: their throughputs, the larger peak RSS and load. */
function mergeMeasurements(parts: readonly Measurement[]): Measurement {
  const merged: Measurement = { ...parts[0] };
  for (const p of parts.slice(1)) {
    for (const [key, value] of Object.entries(p)) {
      if (key === 'max_rss_mb' || key.startsWith('load_avg')) merged[key] = Math.max(Number(merged[key] ?? 0), Number(value));
      else if (merged[key] === undefined) merged[key] = value;
    }
  }
  return merged;
}

function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number, got ${JSON.stringify(value)}`);
  return n;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
