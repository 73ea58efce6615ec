import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { Queue, Worker } from 'bullmq';
import type { Browser } from 'playwright-core';
import { InputError } from '../../src/errors';
import { startDashboard, type DashboardOptions } from '../../src/queue/dashboard';
import { dashboardMain } from '../../src/queue/dashboardCli';
import { DEFAULT_QUEUE_NAME, connectionOptions, parseQueueUrl } from '../../src/queue/url';
import { freePort, hasRedisServer, startTestRedis, type TestRedis } from '../helpers/redis';
import { HAS_CHROMIUM, chromiumMissingInCi, launchChromium } from '../report/chromium';

const HAS_REDIS = hasRedisServer();
const redisMissingInCi = !HAS_REDIS && process.env.CI
  ? 'redis-server is missing: CI must install it (apt-get install -y redis-server) for the queue tests'
  : undefined;
const chromiumMissing = chromiumMissingInCi();
const REPO = path.resolve(__dirname, '../..');

/** Runs the command line with buffered output; `stop` aborts it once it serves. */
function runCli(argv: readonly string[]) {
  const controller = new AbortController();
  const out = { stdout: '', stderr: '' };
  let onServing: (url: string) => void = () => undefined;
  const serving = new Promise<string>((resolve) => { onServing = resolve; });
  const io = {
    stdout: (text: string) => {
      out.stdout += text;
      const url = /^dashboard: (http\S+)/.exec(text)?.[1];
      if (url !== undefined) onServing(url);
    },
    stderr: (text: string) => { out.stderr += text; },
  };
  const code = dashboardMain(argv, { io, signal: controller.signal });
  return { out, code, serving, stop: () => controller.abort() };
}

/** Holds a loopback port open until `close`. */
async function occupyPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('test prerequisites', () => {
  it.runIf(redisMissingInCi !== undefined)('redis-server is installed in CI', () => {
    expect.fail(redisMissingInCi);
  });
  it.runIf(chromiumMissing !== undefined)('chromium is installed in CI', () => {
    expect.fail(chromiumMissing);
  });
});

describe('dashboard command line: bad input, before anything listens', () => {
  it('rejects a --queue that is not a redis URL with exit 2, naming --queue', async () => {
    const { out, code } = runCli(['--queue', 'http://127.0.0.1:6379']);
    expect(await code).toBe(2);
    expect(out.stderr).toBe('dashboard: error: --queue must be a URL like redis://HOST:PORT[/DB] (the scheme is http, not redis or rediss), got "http://127.0.0.1:6379"\n');
    expect(out.stdout).toBe('');
  });

  it('requires --queue', async () => {
    const { out, code } = runCli(['--port', '0']);
    expect(await code).toBe(2);
    expect(out.stderr).toBe("dashboard: error: required option '--queue <url>' not specified\n");
  });

  it('reports unreachable Redis with its URL, exit 2', async () => {
    const port = await freePort();
    const { out, code } = runCli(['--queue', `redis://127.0.0.1:${port}`, '--port', '0']);
    expect(await code).toBe(2);
    expect(out.stderr).toMatch(new RegExp(`^dashboard: error: Redis is unreachable at redis://127\\.0\\.0\\.1:${port} \\(--queue\\): \\S.*\n$`));
    expect(out.stdout).toBe('');
  });

  it.each([
    ['--port', 'abc'],
    ['--port', '65536'],
    ['--port', '1.5'],
    ['--port=-1', undefined],
    ['--port=', undefined],
  ])('rejects %s %s with exit 2, naming --port and the value', async (flag, value) => {
    const argv = ['--queue', 'redis://127.0.0.1:1', ...(value === undefined ? [flag] : [flag, value])];
    const { out, code } = runCli(argv);
    expect(await code).toBe(2);
    const given = value ?? flag.slice('--port='.length);
    expect(out.stderr).toBe(`dashboard: error: --port must be an integer in 0..65535, got ${JSON.stringify(given)}\n`);
  });

  it('rejects a bad --name with exit 2', async () => {
    const { out, code } = runCli(['--queue', 'redis://127.0.0.1:1', '--name', 'a:b']);
    expect(await code).toBe(2);
    expect(out.stderr).toBe('dashboard: error: --name must be 1 to 100 characters from A-Z a-z 0-9 . _ -, got "a:b"\n');
  });

  it('prints help and exits 0', async () => {
    const { out, code } = runCli(['--help']);
    expect(await code).toBe(0);
    expect(out.stdout).toMatch(/^Usage: dashboard \[options\]/);
    expect(out.stdout).toContain('--queue <url>');
    expect(out.stdout).toContain('can retry and delete jobs');
  });
});

describe('startDashboard: option checks', () => {
  const url = parseQueueUrl('redis://127.0.0.1:1');
  it.each<[Partial<DashboardOptions>, string]>([
    [{ port: 70000 }, '--port must be an integer in 0..65535, got 70000'],
    [{ port: 1.5 }, '--port must be an integer in 0..65535, got 1.5'],
    [{ port: -1 }, '--port must be an integer in 0..65535, got -1'],
    [{ host: ' ' }, '--host must be a host name or IP address, got " "'],
    [{ basePath: 'board' }, 'basePath must be "/" or "/SEGMENT[/SEGMENT...]" with segments from A-Z a-z 0-9 . _ ~ -, got "board"'],
    [{ basePath: '/a/../b' }, 'basePath must be "/" or "/SEGMENT[/SEGMENT...]" with segments from A-Z a-z 0-9 . _ ~ -, got "/a/../b"'],
    [{ queueNames: [] }, '--name must name at least one queue, got []'],
    [{ queueNames: ['a', 'a'] }, '--name "a" is given twice'],
  ])('rejects %o', async (bad, message) => {
    const error = await startDashboard({ url, ...bad }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(message);
  });
});

describe.skipIf(!HAS_REDIS)('dashboard on a test Redis', () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await startTestRedis();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  it('rejects a --port already in use with exit 2, naming --port and the value', async () => {
    const held = await occupyPort();
    try {
      const { out, code } = runCli(['--queue', redis.url, '--port', String(held.port)]);
      expect(await code).toBe(2);
      expect(out.stderr).toBe(`dashboard: error: --port ${held.port} is already in use on 127.0.0.1; pick another port (0 picks a free one)\n`);
      expect(out.stdout).toBe('');
    } finally {
      await held.close();
    }
  });

  it('serves on loopback until stopped, then exits 0', async () => {
    const cli = runCli(['--queue', redis.url, '--port', '0', '--name', 'grid', '--name', 'forecast']);
    try {
      const url = await cli.serving;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(cli.out.stdout).toBe(`dashboard: ${url} (queues: grid, forecast)\n`);
      expect(cli.out.stderr).toBe('');
      const response = await fetch(`${url}api/queues`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { queues: { name: string }[] };
      expect(body.queues.map((q) => q.name)).toEqual(['grid', 'forecast']);
    } finally {
      cli.stop();
    }
    expect(await cli.code).toBe(0);
    expect(cli.out.stderr).toBe('dashboard: stopped: closing\n');
  });

  it('warns when --host is not loopback', async () => {
    const cli = runCli(['--queue', redis.url, '--port', '0', '--host', '0.0.0.0']);
    let url: string;
    try {
      url = await cli.serving;
    } finally {
      cli.stop();
    }
    expect(await cli.code).toBe(0);
    const port = new URL(url).port;
    expect(cli.out.stdout).toBe(`dashboard: http://0.0.0.0:${port}/ (queues: ${DEFAULT_QUEUE_NAME})\n`);
    expect(cli.out.stderr).toBe(
      `dashboard: warning: --host 0.0.0.0 is not a loopback address: anyone who can reach port ${port} can retry or delete jobs\n` +
      'dashboard: stopped: closing\n',
    );
  });

  it('mounts under a base path', async () => {
    const dashboard = await startDashboard({ url: parseQueueUrl(redis.url), port: 0, basePath: '/board/' });
    try {
      expect(dashboard.url).toBe(`http://127.0.0.1:${dashboard.port}/board/`);
      const page = await fetch(dashboard.url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<base href="/board/" />');
      expect(html).toContain('<title>lstm-workbench queues</title>');
      const api = await fetch(`${dashboard.url}api/queues`);
      expect(((await api.json()) as { queues: { name: string }[] }).queues.map((q) => q.name)).toEqual([DEFAULT_QUEUE_NAME]);
      expect((await fetch(`http://127.0.0.1:${dashboard.port}/api/queues`)).status).toBe(404);
    } finally {
      await dashboard.close();
    }
    await expect(fetch(dashboard.url)).rejects.toThrow();
    await dashboard.close(); // idempotent
  });

  it('scripts/dashboard.ts serves until SIGTERM and exits 0', async () => {
    const child = spawn(path.join(REPO, 'node_modules/.bin/ts-node'), ['--transpile-only', 'scripts/dashboard.ts', '--queue', redis.url, '--port', '0'], {
      cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const found = /^dashboard: (http\S+)/.exec(stdout)?.[1];
          if (found !== undefined) resolve(found);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code} before serving: ${stderr}`)));
      });
      expect(stdout).toBe(`dashboard: ${url} (queues: ${DEFAULT_QUEUE_NAME})\n`);
      expect((await fetch(url)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('dashboard: SIGTERM: closing\n');
  });

  describe.skipIf(!HAS_CHROMIUM)('in headless Chromium', () => {
    let browser: Browser;
    let queue: Queue;
    let worker: Worker;

    beforeAll(async () => {
      // A test batch of three notebook runs: nb-0 failed, nb-1 running at 40%, nb-2 waiting.
      const connection = { ...connectionOptions(parseQueueUrl(redis.url)) };
      queue = new Queue(DEFAULT_QUEUE_NAME, { connection });
      worker = new Worker(DEFAULT_QUEUE_NAME, null, { connection, autorun: false });
      await queue.add('nb-0', { notebook: 'grid.ipynb', lr: 0.1 }, { jobId: 'batchX-0' });
      const first = await worker.getNextJob('token-0');
      await first!.moveToFailed(new Error('kernel died: exit 138'), 'token-0');
      await queue.add('nb-1', { notebook: 'grid.ipynb', lr: 0.01 }, { jobId: 'batchX-1' });
      await queue.add('nb-2', { notebook: 'grid.ipynb', lr: 0.001 }, { jobId: 'batchX-2' });
      const second = await worker.getNextJob('token-1');
      await second!.updateProgress(40);
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      await worker?.close(true);
      await queue?.obliterate({ force: true });
      await queue?.close();
    });

    it('lists the jobs of a test batch with their progress and failure', async () => {
      const dashboard = await startDashboard({ url: parseQueueUrl(redis.url), port: 0 });
      const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
      const pageErrors: string[] = [];
      const blocked: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(String(error)));
      // Never the network: bull-board's page links Google Fonts, which is blocked (system fonts are used).
      await page.route('**', (route) => {
        const requested = route.request().url();
        if (requested.startsWith(dashboard.url)) return route.continue();
        blocked.push(new URL(requested).host);
        return route.abort();
      });
      try {
        await page.goto(`${dashboard.url}queue/${DEFAULT_QUEUE_NAME}`);
        await page.getByText('batchX-2').waitFor({ timeout: 20_000 });
        // The failed job's card opens on its Error tab once its stack trace has loaded.
        await page.getByText('kernel died: exit 138').first().waitFor({ timeout: 20_000 });
        const text = await page.evaluate(() => document.body.innerText);
        const listed = [...text.matchAll(/(batchX-\d)\s+(nb-\d)/g)].map((m) => `${m[1]} ${m[2]}`).sort();
        expect(listed).toEqual(['batchX-0 nb-0', 'batchX-1 nb-1', 'batchX-2 nb-2']);
        expect(text).toContain('40%');
        expect(text).toContain('Error: kernel died: exit 138');

        await page.goto(`${dashboard.url}queue/${DEFAULT_QUEUE_NAME}?status=failed`);
        await page.getByText('batchX-0').waitFor({ timeout: 20_000 });
        const failedText = await page.evaluate(() => document.body.innerText);
        expect([...failedText.matchAll(/(batchX-\d)\s+(nb-\d)/g)].map((m) => `${m[1]} ${m[2]}`)).toEqual(['batchX-0 nb-0']);

        expect(pageErrors).toEqual([]);
        expect([...new Set(blocked)]).toEqual(['fonts.googleapis.com']);
      } finally {
        await page.close();
        await dashboard.close();
      }
    });

    it("serves the counts and jobs through bull-board's JSON API", async () => {
      const dashboard = await startDashboard({ url: parseQueueUrl(redis.url), port: 0 });
      try {
        const response = await fetch(`${dashboard.url}api/queues?activeQueue=${DEFAULT_QUEUE_NAME}&status=latest&page=1&jobsPerPage=10`);
        expect(response.status).toBe(200);
        const body = (await response.json()) as {
          queues: { name: string; counts: Record<string, number>; readOnlyMode: boolean; jobs: { id: string; name: string; progress: unknown; failedReason?: string }[] }[];
        };
        expect(body.queues).toHaveLength(1);
        const [board] = body.queues;
        expect(board.name).toBe(DEFAULT_QUEUE_NAME);
        expect(board.readOnlyMode).toBe(false);
        expect(board.counts).toEqual({ active: 1, completed: 0, delayed: 0, failed: 1, prioritized: 0, waiting: 1, 'waiting-children': 0 });
        const jobs = board.jobs.map((job) => ({ id: job.id, name: job.name, progress: job.progress, failedReason: job.failedReason })).sort((a, b) => a.id.localeCompare(b.id));
        expect(jobs).toEqual([
          { id: 'batchX-0', name: 'nb-0', progress: 0, failedReason: 'kernel died: exit 138' },
          { id: 'batchX-1', name: 'nb-1', progress: 40, failedReason: undefined },
          { id: 'batchX-2', name: 'nb-2', progress: 0, failedReason: undefined },
        ]);
      } finally {
        await dashboard.close();
      }
    });
  });
});
