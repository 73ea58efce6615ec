import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROGRESS_LINE_EVERY_MS, progressLine, runForecastQueue, shareSeries, splitQueueFlags, type ForecastBatchRow, type ProgressLine } from '../../src/queue/forecastQueue';
import { QUEUE_PREFIX } from '../../src/queue/keys';
import { startQueueWorker, type QueueWorker } from '../../src/queue/worker';
import { connectionOptions, parseQueueUrl } from '../../src/queue/url';
import { expectInputError } from '../helpers/expectInputError';
import { freePort, hasRedisServer, redisMissingInCi, startTestRedis, type TestRedis } from '../helpers/redis';

const HAS_REDIS = hasRedisServer();
const redisMissing = redisMissingInCi();

const STORES = ['north', 'south', 'east'];
const BATCH_ID = /^\d{8}T\d{6}-[0-9a-f]{6}$/;

/** Seeded uniform numbers in [0, 1) (mulberry32), so the CSV is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Long format, rows interleaved by month: each store a level, a trend, a yearly season and noise. */
function storesCsv(months: number): string {
  const random = rng(7);
  const lines = ['month,store,sales'];
  for (let t = 0; t < months; t++) {
    const month = new Date(Date.UTC(2015, t, 1)).toISOString().slice(0, 10);
    STORES.forEach((store, k) => {
      const level = 100 * (k + 1);
      const sales = level + (0.5 + k) * t + 0.2 * level * Math.sin((2 * Math.PI * t) / 12) + 4 * (random() - 0.5);
      lines.push(`${month},${store},${sales.toFixed(3)}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

/** Runs `runForecastQueue` with stdout and stderr captured (restored afterwards). */
async function runCaptured(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  process.stdout.write = ((chunk: string | Uint8Array) => { stdout += String(chunk); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
  try {
    const code = await runForecastQueue(argv);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
  }
}

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));

describe('test prerequisites', () => {
  it.runIf(redisMissing !== undefined)('redis-server is installed in CI', () => {
    expect.fail(redisMissing);
  });
});

describe('splitQueueFlags', () => {
  it.each<[string[], Record<string, string | true>, string[]]>([
    [
      ['--queue', 'redis://h', '--name', 'grid', '--jobs', '2', '--detach', '--csv', 'a.csv'],
      { '--queue': 'redis://h', '--name': 'grid', '--jobs': '2', '--detach': true }, ['--csv', 'a.csv'],
    ],
    [['--queue=redis://h:1/2', '--csv=a.csv', '--out', 'o'], { '--queue': 'redis://h:1/2' }, ['--csv=a.csv', '--out', 'o']],
    [
      ['--csv', 'a.csv', '--retries', '1', '--artifacts=/shared', '--collect', 'B-1', '--horizon', '6'],
      { '--retries': '1', '--artifacts': '/shared', '--collect': 'B-1' }, ['--csv', 'a.csv', '--horizon', '6'],
    ],
    [['--name=', '--season', '12'], { '--name': '' }, ['--season', '12']],
    [['--csv', 'a.csv'], {}, ['--csv', 'a.csv']],
  ])('%j', (argv, queue, rest) => {
    const before = [...argv];
    expect(splitQueueFlags(argv)).toEqual({ queue, rest });
    expect(argv).toEqual(before);
  });

  it.each<[string[], string]>([
    [['--queue', 'redis://a', '--queue=redis://b'], '--queue was given twice; give it once'],
    [['--detach', '--csv', 'a.csv', '--detach'], '--detach was given twice; give it once'],
    [['--jobs=2', '--jobs', '3'], '--jobs was given twice; give it once'],
    [['--csv', 'a.csv', '--name'], '--name needs a value'],
    [['--queue'], '--queue needs a value'],
    [['--queue', '--name', 'Q'], '--queue needs a value'],
  ])('%j throws %j', (argv, message) => {
    expectInputError(() => splitQueueFlags(argv), message);
  });
});

describe('shareSeries', () => {
  const ids = Array.from({ length: 14 }, (_, i) => `s${i}`);

  it('splits 14 ids into 3 contiguous shares of nearly equal size, in order, each id once', () => {
    const before = [...ids];
    const shares = shareSeries(ids, 3);
    expect(shares.map((s) => s.length)).toEqual([4, 5, 5]);
    expect(shares).toEqual([ids.slice(0, 4), ids.slice(4, 9), ids.slice(9)]);
    expect(shares.flat()).toEqual(ids);
    expect(new Set(shares.flat()).size).toBe(14);
    expect(ids).toEqual(before);
  });

  it.each<[number, number[]]>([
    [1, [14]],
    [2, [7, 7]],
    [4, [3, 4, 3, 4]],
    [14, Array(14).fill(1)],
  ])('%i shares have sizes %j and keep the order', (parts, sizes) => {
    const shares = shareSeries(ids, parts);
    expect(shares.map((s) => s.length)).toEqual(sizes);
    expect(shares.flat()).toEqual(ids);
  });

  it('gives one id per share when there are more shares than ids', () => {
    expect(shareSeries(['a', 'b', 'c'], 5)).toEqual([['a'], ['b'], ['c']]);
  });
});

describe('progressLine', () => {
  const backtest = (done: number) => ({ kind: 'forecast', stage: 'backtest', label: 'test: ets', done, total: 40, unit: 'origins', eta_s: 30 });
  it('writes a job\'s line when its stage changes, once at the stage\'s end, else at most every 10 s', () => {
    let last: ProgressLine | null = null;
    const texts: string[] = [];
    const feed = (progress: unknown, at: number) => {
      const line = progressLine('part-0', progress, last, at);
      if (line !== null) {
        last = line;
        texts.push(`${at} ${line.text}`);
      }
    };
    feed({ kind: 'forecast', stage: 'setup' }, 0);
    feed({ kind: 'forecast', stage: 'backtest' }, 1000);
    feed(backtest(10), 2000); // too soon after the stage's first line
    feed(backtest(20), 1000 + PROGRESS_LINE_EVERY_MS);
    feed(backtest(30), 2000 + PROGRESS_LINE_EVERY_MS);
    feed(backtest(40), 3000 + PROGRESS_LINE_EVERY_MS);
    feed(backtest(40), 4000 + 2 * PROGRESS_LINE_EVERY_MS); // the end again
    feed({ kind: 'notebook', cells_done: 1, cells_total: 2 }, 5e5);
    feed(null, 5e5);
    expect(texts).toEqual([
      '0 [running] part-0: setup',
      '1000 [running] part-0: backtest',
      '11000 [running] part-0: backtest: test: ets  50% (20/40 origins)  ETA 30s',
      '13000 [running] part-0: backtest: done',
    ]);
  });
});

describe('runForecastQueue: bad input without Redis', () => {
  it('refuses a --queue that is not a redis URL with exit 2', async () => {
    const out = path.join(os.tmpdir(), `forecast-queue-never-${process.pid}`);
    const { code, stdout, stderr } = await runCaptured(['--queue', 'http://x', '--csv', 'a.csv', '--time', 't', '--target', 'y', '--out', out]);
    expect(code).toBe(2);
    expect(stderr).toBe('forecast: --queue must be a URL like redis://HOST:PORT[/DB] (the scheme is http, not redis or rediss), got "http://x"\n');
    expect(stdout).toBe('');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('refuses a repeated queue flag with exit 2', async () => {
    const { code, stderr } = await runCaptured(['--queue', 'redis://127.0.0.1:1', '--jobs', '2', '--jobs', '3', '--out', 'x']);
    expect(code).toBe(2);
    expect(stderr).toBe('forecast: --jobs was given twice; give it once\n');
  });
});

describe.skipIf(!HAS_REDIS)('forecast batches on a BullMQ queue', () => {
  let redis: TestRedis;
  let root: string;
  let csv: string;
  let queueCount = 0;
  const newQueueName = () => `fctest-${process.pid}-${++queueCount}`;

  /** The forecast options of every run here, `changes` replacing a flag's value. */
  const forecastArgs = (changes: Record<string, string> = {}): string[] => {
    const flags: Record<string, string> = {
      '--csv': csv, '--id': 'store', '--time': 'month', '--target': 'sales', '--season': '12', '--horizon': '6', '--epochs': '1', ...changes,
    };
    return Object.entries(flags).flatMap(([flag, value]) => [flag, value]);
  };

  const jobCounts = async (queueName: string): Promise<Record<string, number>> => {
    const queue = new Queue(queueName, { connection: connectionOptions(parseQueueUrl(redis.url)), prefix: QUEUE_PREFIX });
    try {
      return await queue.getJobCounts();
    } finally {
      await queue.close();
    }
  };

  const startWorker = (queueName: string, artifactsDir: string): Promise<QueueWorker> =>
    startQueueWorker({ url: parseQueueUrl(redis.url), queueName, concurrency: 2, lockDurationMs: 10_000, artifactsDir });

  /** Checks `out`'s summary and per-job metrics; returns the summary rows. */
  const expectCompletedBatch = (out: string, worker: QueueWorker, artifactsDir: string, batch: string): ForecastBatchRow[] => {
    const rows = readJson(path.join(out, 'summary.json')) as ForecastBatchRow[];
    expect(rows.map((r) => [r.name, r.status, r.series, r.attempts, r.error])).toEqual([
      ['part-0', 'completed', 1, 1, null],
      ['part-1', 'completed', 2, 1, null],
    ]);
    expect(rows.reduce((sum, r) => sum + (r.series ?? 0), 0)).toBe(3);
    for (const row of rows) {
      expect(row.worker).toBe(worker.name);
      expect(row.worker).not.toBe('');
      // No --artifacts: the folder stays on the worker, named `host:path`.
      expect(row.location).toBe(`${os.hostname()}:${path.join(artifactsDir, batch, row.name)}`);
      const folder = row.location.slice(os.hostname().length + 1);
      expect(fs.statSync(folder).isDirectory()).toBe(true);
      expect(fs.existsSync(path.join(folder, 'metrics.json'))).toBe(true);
      expect(typeof row.lstm_mase).toBe('number');
      expect(row.duration_s).toBeGreaterThan(0);
    }
    expect(fs.readFileSync(path.join(out, 'summary.csv'), 'utf8').split('\n')[0]).toBe('name,status,series,worker,location,duration_s,attempts,lstm_mase,error');
    const perSeries = rows.map((r) => Object.keys((readJson(path.join(out, r.name, 'metrics.json')) as { per_series: object }).per_series));
    expect(perSeries).toEqual([['north'], ['south', 'east']]);
    expect(new Set(perSeries.flat())).toEqual(new Set(STORES));
    for (const row of rows) expect(fs.existsSync(path.join(out, row.name, 'report.html'))).toBe(true);
    return rows;
  };

  beforeAll(async () => {
    redis = await startTestRedis();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'forecast-queue-'));
    csv = path.join(root, 'stores.csv');
    fs.writeFileSync(csv, storesCsv(80));
  });

  afterAll(async () => {
    await redis?.stop();
    if (root !== undefined) fs.rmSync(root, { recursive: true, force: true });
  });

  it('runs --jobs 2 on an in-process worker and writes each share\'s metrics and the summary', async () => {
    const queueName = newQueueName();
    const artifactsDir = path.join(root, 'artifacts-run');
    const out = path.join(root, 'run');
    const worker = await startWorker(queueName, artifactsDir);
    try {
      const { code, stdout, stderr } = await runCaptured(['--queue', redis.url, '--name', queueName, '--jobs', '2', ...forecastArgs(), '--out', out]);
      expect({ code, stderr }).toMatchObject({ code: 0 });
      const batch = /^forecast: enqueued 2 job\(s\) as batch (\S+) on redis:\/\/127\.0\.0\.1:\d+\n/.exec(stderr)?.[1];
      expect(batch).toMatch(BATCH_ID);
      expect(stdout).toBe(`2/2 forecast jobs completed (batch ${batch}); summary: ${path.join(out, 'summary.json')}, ${path.join(out, 'summary.csv')}\n`);
      expect(stderr).toMatch(/\[completed\] part-0 \(\d+\.\d s on /);
      expect(stderr).toMatch(/\[completed\] part-1 \(\d+\.\d s on /);
      // The workers' stage progress reaches the submitter: each stage's beginning and end, in order.
      for (const part of ['part-0', 'part-1']) {
        const lines = stderr.split('\n').filter((l) => l.startsWith(`[running] ${part}: `)).map((l) => l.slice(`[running] ${part}: `.length));
        expect(lines.filter((l) => !/%/.test(l))).toEqual(['setup', ...['load', 'train', 'backtest', 'report', 'write'].flatMap((st) => [st, `${st}: done`])]);
      }
      expectCompletedBatch(out, worker, artifactsDir, batch!);
    } finally {
      await worker.close();
    }
  });

  it('--detach prints the batch id and returns at once; --collect ID later writes the results', async () => {
    const queueName = newQueueName();
    const artifactsDir = path.join(root, 'artifacts-detach');
    const first = path.join(root, 'detached');
    const out = path.join(root, 'collected');
    const detached = await runCaptured(['--queue', redis.url, '--name', queueName, '--jobs', '2', '--detach', ...forecastArgs(), '--out', first]);
    expect(detached.code).toBe(0);
    expect(detached.stdout).toMatch(/^\d{8}T\d{6}-[0-9a-f]{6}\n$/);
    const batch = detached.stdout.trim();
    expect(detached.stderr).toBe(`forecast: enqueued 2 job(s) as batch ${batch} on ${redis.url}\n`);
    expect(fs.existsSync(first)).toBe(false);
    // Nobody works on the queue yet: both jobs wait.
    expect(await jobCounts(queueName)).toMatchObject({ waiting: 2, active: 0, completed: 0, failed: 0 });

    const worker = await startWorker(queueName, artifactsDir);
    try {
      const collected = await runCaptured(['--queue', redis.url, '--name', queueName, '--collect', batch, '--out', out]);
      expect(collected.code).toBe(0);
      expect(collected.stdout).toBe(`2/2 forecast jobs completed (batch ${batch}); summary: ${path.join(out, 'summary.json')}, ${path.join(out, 'summary.csv')}\n`);
      expectCompletedBatch(out, worker, artifactsDir, batch);
    } finally {
      await worker.close();
    }
  });

  it('--collect of an unknown batch exits 2 naming it, the queue and the URL', async () => {
    const queueName = newQueueName();
    const out = path.join(root, 'unknown');
    const { code, stdout, stderr } = await runCaptured(['--queue', redis.url, '--name', queueName, '--collect', '20250101T000000-000000', '--out', out]);
    expect(code).toBe(2);
    expect(stderr).toBe(`forecast: no batch "20250101T000000-000000" on queue ${queueName} at ${redis.url} (--collect); it may have expired after 7 days\n`);
    expect(stdout).toBe('');
    expect(fs.existsSync(out)).toBe(false);
  });

  describe('bad input: exit 2, the flag or URL named, nothing enqueued or written', () => {
    it('Redis unreachable (nothing listens on the port)', async () => {
      const port = await freePort();
      const out = path.join(root, 'unreachable');
      const { code, stdout, stderr } = await runCaptured(['--queue', `redis://127.0.0.1:${port}`, '--jobs', '2', ...forecastArgs(), '--out', out]);
      expect(code).toBe(2);
      expect(stderr).toMatch(new RegExp(`^forecast: Redis is unreachable at redis://127\\.0\\.0\\.1:${port} \\(--queue\\): \\S.*\n$`));
      expect(stdout).toBe('');
      expect(fs.existsSync(out)).toBe(false);
    });

    it.each<[string, (out: string) => string[], (out: string) => string]>([
      ['--jobs 0', () => ['--jobs', '0', ...forecastArgs()], () => 'forecast: --jobs must be an integer in 1..10000, got "0"\n'],
      ['--jobs two', () => ['--jobs', 'two', ...forecastArgs()], () => 'forecast: --jobs must be an integer in 1..10000, got "two"\n'],
      ['--retries 101', () => ['--retries', '101', ...forecastArgs()], () => 'forecast: --retries must be an integer in 0..100, got "101"\n'],
      ['--horizon 0', () => ['--jobs', '2', ...forecastArgs({ '--horizon': '0' })], () => 'forecast: --horizon must be an integer >= 1, got "0"\n'],
      ['--epochs 0', () => forecastArgs({ '--epochs': '0' }), () => 'forecast: --epochs must be an integer >= 1, got "0"\n'],
      ['--name a:b', () => ['--name', 'a:b', ...forecastArgs()], () => 'forecast: --name must be 1 to 100 characters from A-Z a-z 0-9 . _ -, got "a:b"\n'],
      ['an existing --out', (out) => { fs.mkdirSync(out, { recursive: true }); return ['--jobs', '2', ...forecastArgs()]; },
        (out) => `forecast: --out ${JSON.stringify(out)} already exists; choose a new folder\n`],
      ['no --out', () => ['--jobs', '2', ...forecastArgs()], () => 'forecast: forecast --queue needs --out DIR for the results (metrics, reports, summary)\n'],
    ])('%s', async (label, argsFor, message) => {
      const queueName = newQueueName();
      const out = path.join(root, `bad-${queueName}`);
      const args = argsFor(out);
      const withOut = label === 'no --out' ? args : [...args, '--out', out];
      const existed = fs.existsSync(out);
      const argv = args.includes('--name') ? ['--queue', redis.url, ...withOut] : ['--queue', redis.url, '--name', queueName, ...withOut];
      const { code, stdout, stderr } = await runCaptured(argv);
      expect(code).toBe(2);
      expect(stderr).toBe(message(out));
      expect(stdout).toBe('');
      expect(fs.existsSync(out)).toBe(existed);
      if (existed) expect(fs.readdirSync(out)).toEqual([]);
      const counts = await jobCounts(queueName);
      expect(Object.values(counts).every((n) => n === 0)).toBe(true);
    });
  });
});
