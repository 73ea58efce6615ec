/**
 * Scale benchmark: the `forecast` CLI end to end, as a user runs it, on synthetic data of growing
 * size: one hourly series of 1e4, 1e5 and 1e6 rows (`--season 24 --horizon 24`), and panels of
 * 1e2, 1e3 and 1e4 daily series of 200 rows (`--id series --season 7 --horizon 7`), all with
 * `--epochs 1`. Each run is a fresh process; the table gives its seconds per stage (from
 * `metrics.json`: `backtest` is the LSTM's share, `baselines` the reference models'), its peak RSS, the report's size, and the targets of issue 14. A benchmark,
 * not a timed test.
 *
 *   npm run bench:scale -- --out DIR [--only rows-1e4,panel-1e2,...] [--timeout S]
 *
 * Writes DIR/data/*.csv (the inputs, seeded), DIR/runs/<case>/ (each run's outputs and log) and
 * DIR/bench-scale.md, DIR/bench-scale.json.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import seedrandom from 'seedrandom';
import { InputError } from '../src/errors';
import { writeFileAtomicSync } from '../src/io/atomic';

/** One run of the bench. */
interface Case {
  readonly name: string;
  readonly kind: 'rows' | 'panel';
  /** Rows of the one series, or series of the panel. */
  readonly size: number;
  readonly rows: number;
  readonly flags: readonly string[];
}

const ROW_SIZES = [1e4, 1e5, 1e6];
const PANEL_SIZES = [1e2, 1e3, 1e4];
/** Rows per series of the panel cases. */
const PANEL_LENGTH = 200;

const CASES: readonly Case[] = [
  ...ROW_SIZES.map((n): Case => ({
    name: `rows-${label(n)}`, kind: 'rows', size: n, rows: n,
    flags: ['--time', 'time', '--target', 'y', '--season', '24', '--horizon', '24'],
  })),
  ...PANEL_SIZES.map((n): Case => ({
    name: `panel-${label(n)}`, kind: 'panel', size: n, rows: n * PANEL_LENGTH,
    flags: ['--id', 'series', '--time', 'date', '--target', 'y', '--season', '7', '--horizon', '7'],
  })),
];

function label(n: number): string {
  return `1e${Math.round(Math.log10(n))}`;
}

/** What one run measured. */
interface CaseResult {
  readonly name: string;
  readonly rows: number;
  readonly series: number;
  readonly exit: number | null;
  readonly wall_s: number;
  readonly seconds_by_stage: Readonly<Record<string, number>>;
  /** Wall seconds outside the `train` stage (process start, load, backtest, report, write). */
  readonly other_s: number;
  readonly peak_rss_mb: number | null;
  readonly report_mb: number | null;
  /** Series with test metrics in `metrics.json`'s `per_series`. */
  readonly scored_series: number | null;
}

/** Writes `lines()` to `file` in chunks, waiting when the stream's buffer is full. */
async function writeLines(file: string, header: string, lines: Iterable<string>): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  const out = fs.createWriteStream(tmp);
  let chunk = `${header}\n`;
  for (const line of lines) {
    chunk += `${line}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
      chunk = '';
    }
  }
  await new Promise<void>((resolve, reject) => out.end(chunk, () => resolve()).once('error', reject));
  fs.renameSync(tmp, file);
}

/** An hourly series: level 100, daily and weekly cycles, AR(1) noise (phi 0.8). */
function* hourlyRows(n: number, random: () => number): Generator<string> {
  const t0 = Date.UTC(2000, 0, 1);
  let noise = 0;
  for (let i = 0; i < n; i++) {
    noise = 0.8 * noise + (random() - 0.5) * 3;
    const y = 100 + 10 * Math.sin((2 * Math.PI * i) / 24) + 3 * Math.sin((2 * Math.PI * i) / 168) + noise;
    yield `${new Date(t0 + i * 3_600_000).toISOString().replace('.000Z', 'Z')},${y.toFixed(4)}`;
  }
}

/** `count` daily series of {@link PANEL_LENGTH} rows, each with its own level, weekly cycle and trend. */
function* panelRows(count: number, random: () => number): Generator<string> {
  const t0 = Date.UTC(2020, 0, 1);
  for (let s = 0; s < count; s++) {
    const id = `s${String(s).padStart(5, '0')}`;
    const level = 20 + 80 * random();
    const amplitude = 2 + 8 * random();
    const trend = (random() - 0.5) * 0.05;
    let noise = 0;
    for (let i = 0; i < PANEL_LENGTH; i++) {
      noise = 0.5 * noise + (random() - 0.5) * 2;
      const y = level + amplitude * Math.sin((2 * Math.PI * i) / 7) + trend * i + noise;
      yield `${id},${new Date(t0 + i * 86_400_000).toISOString().slice(0, 10)},${y.toFixed(4)}`;
    }
  }
}

async function makeData(c: Case, dir: string): Promise<string> {
  const file = path.join(dir, `${c.name}.csv`);
  const random = seedrandom(c.name);
  if (c.kind === 'rows') await writeLines(file, 'time,y', hourlyRows(c.size, random));
  else await writeLines(file, 'series,date,y', panelRows(c.size, random));
  return file;
}

/** Runs the CLI as `npm run forecast` does (ts-node, transpile only), with the RSS hook preloaded. */
function runCli(args: readonly string[], log: string, rssFile: string, timeoutS: number): Promise<{ exit: number | null; wall: number }> {
  const tsNode = require.resolve('ts-node/dist/bin.js');
  const hook = path.join(__dirname, 'bench-scale-rss.cjs');
  const fd = fs.openSync(log, 'w');
  const t0 = Date.now();
  const child = spawn(process.execPath, ['-r', hook, tsNode, '--transpile-only', path.join(__dirname, 'forecast.ts'), ...args], {
    stdio: ['ignore', fd, fd],
    env: { ...process.env, BENCH_RSS_FILE: rssFile },
  });
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutS * 1000);
  // The run never outlives the bench: a signal to the bench ends the run first.
  const stop = (signal: NodeJS.Signals): void => {
    child.kill('SIGTERM');
    child.once('exit', () => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      process.removeListener('SIGINT', stop).removeListener('SIGTERM', stop);
      fs.closeSync(fd);
      resolve({ exit: code, wall: (Date.now() - t0) / 1000 });
    });
  });
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

async function runCase(c: Case, out: string, timeoutS: number): Promise<CaseResult> {
  const data = await makeData(c, path.join(out, 'data'));
  const dir = path.join(out, 'runs', c.name);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const rssFile = path.join(out, 'runs', `${c.name}.rss`);
  const log = path.join(out, 'runs', `${c.name}.log`);
  const { exit, wall } = await runCli(['--csv', data, ...c.flags, '--epochs', '1', '--verbose', '--out', dir], log, rssFile, timeoutS);
  const metrics = readJson(path.join(dir, 'metrics.json'));
  const stages = (metrics?.seconds_by_stage ?? {}) as Record<string, number>;
  const rssKb = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) : Number.NaN;
  const report = path.join(dir, 'report.html');
  return {
    name: c.name,
    rows: c.rows,
    series: c.kind === 'rows' ? 1 : c.size,
    exit,
    wall_s: wall,
    seconds_by_stage: stages,
    other_s: wall - (stages.train ?? 0),
    peak_rss_mb: Number.isFinite(rssKb) ? rssKb / 1024 : null,
    report_mb: fs.existsSync(report) ? fs.statSync(report).size / 2 ** 20 : null,
    scored_series: metrics ? Object.keys((metrics.per_series ?? {}) as object).length : null,
  };
}

/** The targets of issue 14 that these results can check, as `[target, met]` pairs. */
function targets(results: readonly CaseResult[]): Array<[string, boolean | null]> {
  const at = (name: string) => results.find((r) => r.name === name);
  const big = at('rows-1e6');
  const small = at('rows-1e4');
  const panel = at('panel-1e4');
  const ok = (r: CaseResult | undefined, test: (r: CaseResult) => boolean): boolean | null => (r ? r.exit === 0 && test(r) : null);
  const perRow = (r: CaseResult) => r.other_s / r.rows;
  return [
    ['1e6 rows: exit 0, peak RSS <= 1.5 GB, report <= 5 MB', ok(big, (r) => (r.peak_rss_mb ?? Infinity) <= 1536 && (r.report_mb ?? Infinity) <= 5)],
    ['non-training seconds per row at 1e6 within 1.5x of 1e4', big && small ? ok(big, (r) => perRow(r) <= 1.5 * perRow(small)) : null],
    ['1e4 series x 200 rows: exit 0, peak RSS <= 2 GB, metrics for every series', ok(panel, (r) => (r.peak_rss_mb ?? Infinity) <= 2048 && r.scored_series === r.series)],
  ];
}

function table(results: readonly CaseResult[]): string {
  const f = (v: number | null | undefined, d = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));
  const stage = (r: CaseResult, s: string) => f(r.seconds_by_stage[s]);
  const rows = results.map((r) =>
    `| ${r.name} | ${r.rows} | ${r.series} | ${r.exit ?? 'killed'} | ${f(r.wall_s)} | ${stage(r, 'load')} | ${stage(r, 'train')} | ` +
      `${stage(r, 'backtest')} | ${stage(r, 'baselines')} | ${stage(r, 'report')} | ${stage(r, 'write')} | ${f(r.other_s)} | ${f((1e6 * r.other_s) / r.rows, 0)} | ${f(r.peak_rss_mb, 0)} | ${f(r.report_mb, 2)} | ${r.scored_series ?? '-'} |`,
  );
  const checks = targets(results).map(([t, met]) => `- ${t}: ${met === null ? 'not measured' : met ? 'met' : '**not met**'}`);
  return [
    '| case | rows | series | exit | total s | load s | train s | backtest s | baselines s | report s | write s | outside training s | outside training µs/row | peak RSS MB | report MB | series scored |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...checks,
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  const program = new Command('bench-scale')
    .requiredOption('--out <dir>', 'output folder (must not exist)')
    .option('--only <cases>', `comma-separated cases (${CASES.map((c) => c.name).join(', ')})`)
    .option('--timeout <s>', 'seconds allowed per run', (v) => Number(v), 3600);
  program.parse();
  const opts = program.opts<{ out: string; only?: string; timeout: number }>();
  if (fs.existsSync(opts.out)) throw new InputError(`--out ${opts.out} already exists`, { argument: 'out', value: opts.out });
  if (!Number.isFinite(opts.timeout) || opts.timeout <= 0) throw new InputError(`--timeout must be a positive number of seconds, got ${opts.timeout}`, { argument: 'timeout' });
  const names = opts.only?.split(',').map((s) => s.trim()) ?? CASES.map((c) => c.name);
  const unknown = names.filter((n) => !CASES.some((c) => c.name === n));
  if (unknown.length > 0) throw new InputError(`--only: unknown case ${JSON.stringify(unknown[0])} (cases: ${CASES.map((c) => c.name).join(', ')})`, { argument: 'only' });
  fs.mkdirSync(path.join(opts.out, 'data'), { recursive: true });
  const results: CaseResult[] = [];
  for (const c of CASES.filter((k) => names.includes(k.name))) {
    process.stderr.write(`${c.name}: ${c.rows} rows ...\n`);
    const r = await runCase(c, opts.out, opts.timeout);
    process.stderr.write(`${c.name}: exit ${r.exit}, ${r.wall_s.toFixed(1)} s, peak RSS ${r.peak_rss_mb?.toFixed(0) ?? '-'} MB\n`);
    results.push(r);
  }
  const md = [`\`npm run bench:scale -- --out DIR\` (\`--epochs 1\`; ${new Date().toISOString().slice(0, 10)}).`, '', table(results)].join('\n');
  writeFileAtomicSync(path.join(opts.out, 'bench-scale.md'), md);
  writeFileAtomicSync(path.join(opts.out, 'bench-scale.json'), `${JSON.stringify({ results, targets: targets(results) }, null, 2)}\n`);
  process.stdout.write(md);
  return results.every((r) => r.exit === 0) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench-scale: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof InputError ? 2 : 1);
  },
);
