/**
 * CSV reader benchmark: one generated long-format file (ISO hourly time, an id column, three
 * numeric columns; 1e6 rows x 5 columns by default) read by our loader and by other JS readers,
 * each in a fresh child process so that heaps and peak RSS do not mix. A benchmark, not a test.
 *
 *   npm run bench:csv -- [--rows 1000000] [--series 10] [--runs 1] [--out DIR]
 *                        [--readers ours,ours-table,arquero,polars] [--src DIR]
 *
 * Readers:
 * - `ours`: `loadPanelCsv(file, { id, time, targets })`: validated panel (time parsed, ids grouped);
 * - `ours-table`: `readCsvTable` of the file's text, the text then dropped: what the table retains;
 * - `arquero`: arquero's `loadCSV(file)` (type inference; ISO stamps become `Date` objects);
 * - `polars`: nodejs-polars' `readCSV(file)` (native, multi-threaded; time stays a string column).
 *   Not a dependency of this project (its binary needs Node >= 22 to install): it runs when
 *   `require('nodejs-polars')` resolves, e.g. with `NODE_PATH` pointing at an install elsewhere.
 *
 * `--src DIR` loads our reader from another checkout's `src` (e.g. a `git worktree` of an older
 * commit), to compare versions. Each child reports wall seconds of the load, RSS before it, peak
 * RSS (`process.resourceUsage().maxRSS`) at the end, and JS heap and ArrayBuffer bytes in use after
 * a full GC while the result is still held. Writes DIR/bench-csv.md and DIR/bench-csv.json (and
 * keeps the input file there) with `--out`; otherwise the input goes to a temporary folder that is
 * removed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { InputError } from '../src/errors';
import { writeFileAtomic } from '../src/io/atomic';

const READERS = ['ours', 'ours-table', 'arquero', 'polars'] as const;
type Reader = (typeof READERS)[number];

const DESCRIPTIONS: Record<Reader, string> = {
  ours: 'loadPanelCsv: time, id, 3 targets validated into a Panel',
  'ours-table': 'readCsvTable: the columnar table only (text dropped)',
  arquero: 'arquero loadCSV: all columns, type inference (Date objects)',
  polars: 'nodejs-polars readCSV: all columns, time kept as strings',
};

const COLUMNS = ['time', 'id', 'a', 'b', 'c'];
const HOUR_MS = 3_600_000;
const START_MS = Date.UTC(2020, 0, 1);

/** One child's measurements (MB = 2^20 bytes). */
interface Measurement {
  readonly wall_s: number;
  readonly rss_before_mb: number;
  readonly peak_rss_mb: number;
  readonly rss_after_mb: number;
  readonly heap_used_mb: number;
  readonly array_buffers_mb: number;
  /** Heap plus ArrayBuffer bytes in use after the load minus before it (both after a full GC). */
  readonly retained_mb: number;
  readonly rows: number;
}

interface ReaderResult {
  readonly reader: Reader;
  readonly description: string;
  readonly runs: readonly Measurement[];
  readonly median: Measurement | null;
  readonly error: string | null;
}

// --- the file ----------------------------------------------------------------------------------

/** The lines of the generated file: row `i` is hour `floor(i / series)` of series `i % series`. */
function* csvLines(rows: number, series: number): Generator<string> {
  yield `${COLUMNS.join(',')}\n`;
  let state = 12345;
  for (let i = 0; i < rows; i++) {
    const hour = Math.floor(i / series);
    const s = i % series;
    state = (state * 1103515245 + 12345) % 2147483648;
    const stamp = new Date(START_MS + hour * HOUR_MS).toISOString().replace('.000Z', 'Z');
    yield `${stamp},s${s},${(state / 1e7).toFixed(4)},${(s * 1.5 + (hour % 24)).toFixed(2)},${((state % 100000) / 7).toFixed(5)}\n`;
  }
}

// --- the child: one reader, one load -----------------------------------------------------------

const MB = 2 ** 20;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Loads `file` with `reader`; returns the result (held by the caller while memory is measured) and its row count. */
async function load(reader: Reader, file: string, src: string): Promise<{ result: unknown; rows: number }> {
  if (reader === 'ours' || reader === 'ours-table') {
    const data = require(path.resolve(src, 'data'));
    if (reader === 'ours') {
      const { panel } = await data.loadPanelCsv(file, { id: 'id', time: 'time', targets: ['a', 'b', 'c'] });
      return { result: panel, rows: panel.time.length };
    }
    const opts = data.resolveCsvOptions({ id: 'id', time: 'time', targets: ['a', 'b', 'c'] });
    let text: string | null = await data.readTextSource(file);
    const table = data.readCsvTable(text, opts, file);
    text = null; // the table alone is what stays
    return { result: table, rows: table.length ?? table.rows.length };
  }
  if (reader === 'arquero') {
    const aq = require('arquero');
    const table = await aq.loadCSV(file);
    return { result: table, rows: table.numRows() };
  }
  const pl = require('nodejs-polars');
  const frame = pl.readCSV(file);
  return { result: frame, rows: frame.height };
}

async function child(reader: Reader, file: string, src: string): Promise<void> {
  // Load the reader's code before the clock starts (ours through ts-node, the others' modules).
  if (reader === 'arquero') require('arquero');
  else if (reader === 'polars') require('nodejs-polars');
  else require(path.resolve(src, 'data'));
  gc();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const { result, rows } = await load(reader, file, src);
  const wall = (performance.now() - t0) / 1000;
  gc();
  const memory = process.memoryUsage();
  const measurement: Measurement = {
    wall_s: wall,
    rss_before_mb: before.rss / MB,
    peak_rss_mb: (process.resourceUsage().maxRSS * 1024) / MB,
    rss_after_mb: memory.rss / MB,
    heap_used_mb: memory.heapUsed / MB,
    array_buffers_mb: memory.arrayBuffers / MB,
    retained_mb: (memory.heapUsed + memory.arrayBuffers - before.heapUsed - before.arrayBuffers) / MB,
    rows,
  };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
  if (result === undefined) process.exitCode = 1; // keeps `result` alive until here
}

// --- the parent --------------------------------------------------------------------------------

function runChild(reader: Reader, file: string, src: string): Measurement {
  const tsNode = require.resolve('ts-node/register/transpile-only');
  const r = spawnSync(process.execPath, ['--expose-gc', '-r', tsNode, __filename, '--child', reader, '--file', file, '--src', src], {
    encoding: 'utf8',
    maxBuffer: 16 * MB,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) {
    const why = (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n')[0].replace(/^bench-csv: /, '');
    throw new Error(why.slice(0, 300));
  }
  return JSON.parse(last) as Measurement;
}

function median(runs: readonly Measurement[]): Measurement {
  const mid = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const keys = Object.keys(runs[0]) as (keyof Measurement)[];
  return Object.fromEntries(keys.map((k) => [k, mid(runs.map((r) => r[k]))])) as unknown as Measurement;
}

function measure(reader: Reader, file: string, src: string, runs: number): ReaderResult {
  const done: Measurement[] = [];
  try {
    for (let k = 0; k < runs; k++) done.push(runChild(reader, file, src));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { reader, description: DESCRIPTIONS[reader], runs: done, median: null, error: message };
  }
  return { reader, description: DESCRIPTIONS[reader], runs: done, median: median(done), error: null };
}

function markdown(results: readonly ReaderResult[], facts: Record<string, string | number>): string {
  const f = (v: number, d: number): string => (Object.is(Number(v.toFixed(d)), -0) ? 0 : v).toFixed(d);
  const ok = results.filter((r) => r.median !== null).sort((a, b) => a.median!.wall_s - b.median!.wall_s);
  return [
    `${facts.rows} rows x ${COLUMNS.length} columns (${facts.file_mb} MB), ${facts.series} series; Node ${facts.node}, ` +
      `${facts.cpus} CPUs, load avg ${facts.load}; median of ${facts.runs} run(s), each reader in a fresh process. ` +
      `\`${facts.command}\``,
    '',
    '| reader | what it does | wall s | peak RSS MB | RSS before MB | peak - before MB | heap used after MB | ArrayBuffers after MB | retained MB |',
    '|---|---|---|---|---|---|---|---|---|',
    ...ok.map(({ reader, description, median: m }) =>
      `| ${reader} | ${description} | ${f(m!.wall_s, 2)} | ${f(m!.peak_rss_mb, 0)} | ${f(m!.rss_before_mb, 0)} | ` +
        `${f(m!.peak_rss_mb - m!.rss_before_mb, 0)} | ${f(m!.heap_used_mb, 0)} | ${f(m!.array_buffers_mb, 0)} | ${f(m!.retained_mb, 0)} |`),
    ...results.filter((r) => r.error !== null).map((r) => `| ${r.reader} | not measured: ${r.error!.replace(/\|/g, '/')} | | | | | | | |`),
    '',
    'Peak RSS is `process.resourceUsage().maxRSS` at the end of the child; "RSS before" is after loading the',
    "reader's code (ours through ts-node), before the file is read; retained = heap + ArrayBuffers in use after",
    'a full GC while the result is held, minus before (native memory, e.g. polars, shows only in RSS).',
    '',
  ].join('\n');
}

function positiveInteger(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InputError(`${flag} must be a positive integer, got ${JSON.stringify(value)}`, { argument: flag });
    return n;
  };
}

function readerList(value: string): Reader[] {
  const list = value.split(',').map((s) => s.trim());
  const unknown = list.find((r) => !(READERS as readonly string[]).includes(r));
  if (unknown !== undefined) {
    throw new InputError(`--readers: unknown reader ${JSON.stringify(unknown)}; choose from ${READERS.join(', ')}`, { argument: 'readers' });
  }
  return list as Reader[];
}

interface BenchOptions {
  readonly rows: number;
  readonly series: number;
  readonly runs: number;
  readonly readers: Reader[];
  readonly src: string;
  readonly out?: string;
  readonly child?: Reader;
  readonly file?: string;
}

async function main(): Promise<number> {
  const program = new Command('bench-csv')
    .option('--rows <n>', 'data rows of the generated file', positiveInteger('--rows'), 1_000_000)
    .option('--series <n>', 'distinct ids', positiveInteger('--series'), 10)
    .option('--runs <n>', 'child processes per reader (the median is reported)', positiveInteger('--runs'), 1)
    .option('--readers <list>', `comma-separated, from ${READERS.join(', ')}`, readerList, [...READERS])
    .option('--src <dir>', 'the src folder our reader is loaded from', path.join(__dirname, '..', 'src'))
    .option('--out <dir>', 'folder for the input file, bench-csv.md and bench-csv.json')
    .addOption(new Option('--child <reader>').hideHelp())
    .addOption(new Option('--file <file>').hideHelp());
  program.parse();
  const opts = program.opts<BenchOptions>();
  if (opts.child !== undefined) {
    await child(opts.child, opts.file!, opts.src);
    return 0;
  }
  if (opts.series > opts.rows) throw new InputError(`--series (${opts.series}) must not exceed --rows (${opts.rows})`, { argument: 'series' });
  const dir = opts.out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bench-csv-'));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-csv-${opts.rows}x${COLUMNS.length}.csv`);
  try {
    await writeFileAtomic(file, csvLines(opts.rows, opts.series));
    const results = opts.readers.map((reader) => {
      const result = measure(reader, file, opts.src, opts.runs);
      process.stderr.write(`${reader}: ${result.median === null ? result.error : `${result.median.wall_s.toFixed(2)} s, peak ${result.median.peak_rss_mb.toFixed(0)} MB`}\n`);
      return result;
    });
    const facts = {
      rows: opts.rows,
      series: opts.series,
      runs: opts.runs,
      file_mb: (fs.statSync(file).size / MB).toFixed(1),
      node: process.versions.node,
      cpus: os.cpus().length,
      load: os.loadavg()[0].toFixed(2),
      command: `npm run bench:csv -- ${process.argv.slice(2).join(' ')}`.trim(),
    };
    const md = markdown(results, facts);
    process.stdout.write(md);
    if (opts.out !== undefined) {
      await writeFileAtomic(path.join(dir, 'bench-csv.md'), md);
      await writeFileAtomic(path.join(dir, 'bench-csv.json'), `${JSON.stringify({ ...facts, columns: COLUMNS, results }, null, 2)}\n`);
    }
    return results.some((r) => r.reader.startsWith('ours') && r.error !== null) ? 1 : 0;
  } finally {
    if (opts.out === undefined) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench-csv: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof InputError ? 2 : 1;
  },
);
