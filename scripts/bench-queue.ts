/**
 * Queue benchmark: one grid of notebook runs, locally (`--workers 1`, `--workers 2`) and through
 * a BullMQ queue on a private redis-server with 1 and 2 worker processes on this machine, and
 * the queue's own overhead per job. A benchmark, not a timed test.
 *
 *   npm run bench:queue -- --out DIR [--runs 16] [--notebook tests/fixtures/notebooks/ok.ipynb]
 *
 * Writes DIR/queue.md and DIR/queue.json (and each setting's outputs under DIR/<setting>/).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { InputError } from '../src/errors';
import { writeFileAtomicSync } from '../src/io/atomic';
import { runBatch, type BatchJob } from '../src/notebook/batch';
import { startLocalRedis } from '../src/queue/localRedis';
import { collectBatch } from '../src/queue/submit';
import { submitNotebookBatch, collectNotebookBatch } from '../src/queue/notebookBatch';
import { parseQueueUrl } from '../src/queue/url';

interface Setting {
  readonly name: string;
  readonly wall_s: number;
  readonly completed: number;
  /** Queue only: medians over jobs, seconds. */
  readonly enqueue_to_start_s?: number;
  readonly result_to_summary_s?: number;
  /** Queue only: median idle time of a worker between two of its jobs, seconds. */
  readonly gap_between_jobs_s?: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function startWorker(url: string, queue: string, log: string): { stop: () => Promise<void> } {
  const tsNode = require.resolve('ts-node/dist/bin.js');
  const child = spawn(process.execPath, [tsNode, '--transpile-only', path.join(__dirname, 'worker.ts'), '--queue', url, '--name', queue], {
    stdio: ['ignore', fs.openSync(log, 'a'), fs.openSync(log, 'a')],
  });
  return {
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

async function queueSetting(url: string, workers: number, jobs: BatchJob[], out: string): Promise<Setting> {
  const queue = `bench-${workers}-${process.pid}`;
  const started = workersOf(url, queue, workers, path.join(out, 'workers.log'));
  // Workers start in a few seconds; the clock starts at the enqueue, as a user's would.
  await new Promise((r) => setTimeout(r, 4000));
  const t0 = Date.now();
  const target = { url: parseQueueUrl(url), queueName: queue };
  const batch = await submitNotebookBatch({ ...target, jobs, outputDir: out });
  const { rows } = await collectNotebookBatch({ ...target, batch });
  const wall = (Date.now() - t0) / 1000;
  // A second, read-only pass for BullMQ's own time stamps of each job.
  const times: Array<{ enqueued: number; started: number; finished: number; collected: number; worker: string }> = [];
  await collectBatch({
    ...target, batch, onEnd: (end) => {
      if (end.state === 'missing') return;
      times.push({ enqueued: end.enqueuedAt, started: end.startedAt ?? Number.NaN, finished: end.finishedAt ?? Number.NaN, collected: Number.NaN, worker: rows[end.index].worker ?? '' });
    },
  });
  const outputWritten = rows.map((row) => fs.statSync(row.output).mtimeMs);
  const byWorker = new Map<string, typeof times>();
  times.forEach((t, i) => {
    t.collected = outputWritten[i];
    byWorker.set(t.worker, [...(byWorker.get(t.worker) ?? []), t]);
  });
  const gaps = [...byWorker.values()].flatMap((ts) => {
    const sorted = [...ts].sort((a, b) => a.started - b.started);
    return sorted.slice(1).map((t, i) => (t.started - sorted[i].finished) / 1000);
  });
  await Promise.all(started.map((w) => w.stop()));
  return {
    name: `queue, ${workers} worker${workers > 1 ? 's' : ''}`, wall_s: wall, completed: rows.filter((r) => r.status === 'completed').length,
    enqueue_to_start_s: median(times.map((t) => (t.started - t.enqueued) / 1000).slice(0, workers)),
    result_to_summary_s: median(times.map((t) => (t.collected - t.finished) / 1000)),
    gap_between_jobs_s: median(gaps),
  };
}

function workersOf(url: string, queue: string, n: number, log: string) {
  return Array.from({ length: n }, () => startWorker(url, queue, log));
}

async function localSetting(workers: number, jobs: BatchJob[], out: string): Promise<Setting> {
  const t0 = Date.now();
  const { rows } = await runBatch({ jobs, outputDir: out, workers });
  return { name: `local, --workers ${workers}`, wall_s: (Date.now() - t0) / 1000, completed: rows.filter((r) => r.status === 'completed').length };
}

async function main(): Promise<number> {
  const program = new Command('bench-queue')
    .requiredOption('--out <dir>', 'output folder (must not exist)')
    .option('--runs <n>', 'grid size', (v) => Number(v), 16)
    .option('--notebook <file>', 'the notebook of every run', path.join(__dirname, '..', 'tests', 'fixtures', 'notebooks', 'ok.ipynb'));
  program.parse();
  const opts = program.opts<{ out: string; runs: number; notebook: string }>();
  if (fs.existsSync(opts.out)) throw new InputError(`--out ${opts.out} already exists`);
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new InputError(`--runs must be a positive integer, got ${opts.runs}`);
  const jobs: BatchJob[] = Array.from({ length: opts.runs }, (_, k) => ({ inputPath: opts.notebook, parameters: { epochs: k + 1 } }));
  fs.mkdirSync(opts.out, { recursive: true });
  const redis = await startLocalRedis();
  const settings: Setting[] = [];
  try {
    for (const [name, run] of [
      ['local-1', (dir: string) => localSetting(1, jobs, dir)],
      ['local-2', (dir: string) => localSetting(2, jobs, dir)],
      ['queue-1', (dir: string) => queueSetting(redis.url, 1, jobs, dir)],
      ['queue-2', (dir: string) => queueSetting(redis.url, 2, jobs, dir)],
    ] as const) {
      const dir = path.join(opts.out, name);
      fs.mkdirSync(dir, { recursive: true });
      const setting = await run(dir);
      process.stderr.write(`${setting.name}: ${setting.wall_s.toFixed(1)} s, ${setting.completed}/${opts.runs} completed\n`);
      settings.push(setting);
    }
  } finally {
    await redis.stop();
  }
  const f = (v: number | undefined, d = 2) => (v === undefined || !Number.isFinite(v) ? '' : v.toFixed(d));
  const md = [
    `${opts.runs} runs of ${path.relative(process.cwd(), opts.notebook)} (grid epochs=1..${opts.runs}), \`npm run bench:queue -- --out DIR\`.`,
    '',
    '| setting | wall s | runs per minute | completed | enqueue to start s | result to summary s | worker idle between jobs s |',
    '|---|---|---|---|---|---|---|',
    ...settings.map((s) => `| ${s.name} | ${f(s.wall_s, 1)} | ${f((60 * opts.runs) / s.wall_s, 1)} | ${s.completed} | ${f(s.enqueue_to_start_s, 3)} | ${f(s.result_to_summary_s, 3)} | ${f(s.gap_between_jobs_s, 3)} |`),
    '',
  ].join('\n');
  writeFileAtomicSync(path.join(opts.out, 'queue.md'), md);
  const notebook = path.relative(process.cwd(), opts.notebook);
  writeFileAtomicSync(path.join(opts.out, 'queue.json'), `${JSON.stringify({ runs: opts.runs, notebook, settings }, null, 2)}\n`);
  process.stdout.write(md);
  return settings.every((s) => s.completed === opts.runs) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench-queue: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof InputError ? 2 : 1);
  },
);
