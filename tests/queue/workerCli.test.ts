import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNotebookCli } from '../../src/notebook/cli';
import { runNotebookQueue } from '../../src/queue/notebookQueue';
import { freePort, hasRedisServer, startTestRedis, type TestRedis } from '../helpers/redis';
import { kernelsMentioning, PROJECT_ROOT, tempDir, waitFor } from '../notebook/helpers';
import { groupMembers, sleepNotebook, startWorkerProcess } from './helpers';

describe('worker command line: bad input exits 2 before anything starts', () => {
  it.each<[string, (port: number) => string[], (port: number) => string]>([
    ['a URL of another scheme', () => ['--queue', 'http://127.0.0.1:6379'],
      () => 'worker: error: --queue must be a URL like redis://HOST:PORT[/DB] (the scheme is http, not redis or rediss), got "http://127.0.0.1:6379"'],
    ['an unreachable Redis', (port) => ['--queue', `redis://127.0.0.1:${port}`], (port) => `worker: error: Redis is unreachable at redis://127.0.0.1:${port} (--queue): `],
    ['concurrency 0', (port) => ['--queue', `redis://127.0.0.1:${port}`, '--concurrency', '0'], () => 'worker: error: --concurrency must be an integer in 1..64, got 0'],
    ['a queue name with a colon', (port) => ['--queue', `redis://127.0.0.1:${port}`, '--name', 'a:b'],
      () => 'worker: error: --name must be 1 to 100 characters from A-Z a-z 0-9 . _ -, got "a:b"'],
  ])('%s', async (_label, args, message) => {
    const port = await freePort();
    const worker = startWorkerProcess(args(port), tempDir('worker-cli-'));
    expect(await worker.exited).toBe(2);
    expect(worker.log()).toContain(message(port));
  }, 60_000);
});

describe.skipIf(!hasRedisServer())('worker: a second SIGTERM hands the running job back', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('exits at once; the job runs again on another worker and its output is written once', async () => {
    const tmp = tempDir('worker-handback-');
    const notebook = sleepNotebook(tmp);
    const queue = `handback-${process.pid}`;
    const args = ['--queue', redis.url, '--name', queue, '--lock-duration', '2', '--artifacts', path.join(tmp, 'artifacts')];
    const first = startWorkerProcess(args, path.join(tmp, 'w1'));
    await first.waitForLog(/waiting for jobs/);
    const out = path.join(tmp, 'out');
    const err: string[] = [];
    const run = runNotebookCli(['--queue', redis.url, '--name', queue, '--output-dir', out, '--cwd', PROJECT_ROOT, '-p', 'seconds', '8', '-p', 'label', 'x', notebook], {
      io: { stdout: () => undefined, stderr: (t) => { err.push(t); }, isTTY: false }, queueRunner: runNotebookQueue,
    });
    const started = await first.waitForLog(/started (\S+) \(notebook/);
    await new Promise((r) => setTimeout(r, 4000));
    const signalled = Date.now();
    first.child.kill('SIGTERM');
    await first.waitForLog(/SIGTERM: taking no more jobs; finishing 1 running job\(s\)/);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(8000);
    expect(first.log()).toContain(`SIGTERM again: handed back ${started[1]}`);
    await new Promise((r) => setTimeout(r, 1000));
    expect(groupMembers(first.pid)).toEqual([]);
    await waitFor(() => kernelsMentioning(path.join(tmp, 'w1')).length === 0, 10_000);
    const second = startWorkerProcess(args, path.join(tmp, 'w2'));
    expect(await run).toBe(0);
    const rows = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as Array<{ status: string; worker: string; glue: Record<string, unknown> }>;
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('completed');
    expect(rows[0].glue.label).toBe('x');
    expect(rows[0].worker, `${first.log()}\n---\n${second.log()}\n---\n${err.join("")}`).toBe(second.log().match(/worker (\S+): waiting/)?.[1]);
    expect(err.filter((line) => line.startsWith('[completed]'))).toHaveLength(1);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);
});
