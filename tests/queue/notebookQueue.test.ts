import * as fs from 'node:fs';
import * as path from 'node:path';
import { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNotebookCli, type CliIo } from '../../src/notebook/cli';
import { runNotebookQueue } from '../../src/queue/notebookQueue';
import { jobId, QUEUE_PREFIX } from '../../src/queue/keys';
import { parseQueueUrl, connectionOptions } from '../../src/queue/url';
import { freePort, hasRedisServer, redisMissingInCi, startTestRedis, type TestRedis } from '../helpers/redis';
import { fixture, kernelsMentioning, PROJECT_ROOT, readJson, tempDir, waitFor } from '../notebook/helpers';
import { groupMembers, sleepNotebook, startWorkerProcess, type TestWorker } from './helpers';

const HAS_REDIS = hasRedisServer();
const missingInCi = redisMissingInCi();

it.skipIf(missingInCi === undefined)('redis-server is installed when CI runs', () => {
  throw new Error(missingInCi);
});

function buffers(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, isTTY: false, out: () => out, err: () => err };
}

/** Runs `run-notebook` in-process with the queue runner. */
async function cli(args: readonly string[], signal?: AbortSignal) {
  const io = buffers();
  const code = await runNotebookCli(args, { io, signal, queueRunner: runNotebookQueue });
  return { code, out: io.out(), err: io.err() };
}

/** Summary rows without the fields that differ between runs (timing, worker). */
function comparable(file: string): unknown[] {
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as Array<Record<string, unknown>>).map((row) => {
    const { duration_s: _d, kernel_start_s: _k, cells_s: _c, worker: _w, artifacts: _a, ...rest } = row;
    return { ...rest, output: path.basename(String(rest.output)) };
  });
}

describe('queue runs: bad queue URL and unreachable Redis', () => {
  it('exits 2 naming the URL, before anything is enqueued or written', async () => {
    const dir = tempDir('queue-bad-');
    const bad = await cli(['--queue', 'http://127.0.0.1:6379', '--output-dir', path.join(dir, 'a'), fixture('ok.ipynb')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--queue must be a URL like redis://HOST:PORT[/DB] (the scheme is http, not redis or rediss), got "http://127.0.0.1:6379"');
    const port = await freePort();
    const down = await cli(['--queue', `redis://127.0.0.1:${port}`, '--output-dir', path.join(dir, 'b'), fixture('ok.ipynb')]);
    expect(down.code).toBe(2);
    expect(down.err).toContain(`Redis is unreachable at redis://127.0.0.1:${port} (--queue)`);
    expect(fs.existsSync(path.join(dir, 'a'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'b'))).toBe(false);
  });

  it('refuses queue-only flags without --queue and local-only flags with it', async () => {
    expect((await cli(['--detach', '--output-dir', 'x', fixture('ok.ipynb')])).err).toContain('--detach needs --queue redis://HOST:PORT');
    const workers = await cli(['--queue', 'redis://127.0.0.1:1', '--workers', '2', '--output-dir', 'x', fixture('ok.ipynb')]);
    expect(workers.code).toBe(2);
    expect(workers.err).toContain('--workers does not apply to --queue runs');
    const retries = await cli(['--queue', 'redis://127.0.0.1:1', '--retries', '-1', '--output-dir', 'x', fixture('ok.ipynb')]);
    expect(retries.err).toContain('--retries must be an integer in 0..100, got -1');
  });
});

describe.skipIf(!HAS_REDIS)('notebook batches on a BullMQ queue', () => {
  let redis: TestRedis;
  const workers: TestWorker[] = [];
  const tmp = tempDir('queue-nb-');
  let queueCount = 0;
  const newQueue = () => `nbtest-${process.pid}-${++queueCount}`;
  const startWorker = (queue: string, extra: string[] = []) => {
    const worker = startWorkerProcess(['--queue', redis.url, '--name', queue, '--lock-duration', '2', '--artifacts', path.join(tmp, 'artifacts'), ...extra], path.join(tmp, `w${workers.length}`));
    workers.push(worker);
    return worker;
  };
  const stopAll = async () => {
    for (const worker of workers.splice(0)) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
      await worker.exited;
    }
  };

  beforeAll(async () => {
    redis = await startTestRedis({ appendonly: true });
  });
  afterAll(async () => {
    for (const worker of workers) { try { process.kill(-worker.pid, 'SIGKILL'); } catch { /* gone */ } }
    await redis?.stop();
  });

  it('runs a grid of 4 over 2 workers: 4 outputs and the summary of a local batch run', async () => {
    const queue = newQueue();
    const a = startWorker(queue);
    const b = startWorker(queue);
    await Promise.all([a.waitForLog(/waiting for jobs/), b.waitForLog(/waiting for jobs/)]);
    const args = ['--grid', 'epochs=1,2', '--cwd', PROJECT_ROOT, fixture('glue.ipynb'), fixture('failing.ipynb')];
    const viaQueue = await cli(['--queue', redis.url, '--name', queue, '--html-pages', '--output-dir', path.join(tmp, 'grid-q'), ...args]);
    const local = await runNotebookCli(['--workers', '2', '--output-dir', path.join(tmp, 'grid-l'), ...args], { io: buffers() });
    expect(viaQueue.code).toBe(1);
    expect(local).toBe(1);
    expect(viaQueue.out).toMatch(/^2\/4 runs completed \(batch \d{8}T\d{6}-[0-9a-f]{6}\); summary: /);
    expect(comparable(path.join(tmp, 'grid-q', 'summary.json'))).toEqual(comparable(path.join(tmp, 'grid-l', 'summary.json')));
    const rows = JSON.parse(fs.readFileSync(path.join(tmp, 'grid-q', 'summary.json'), 'utf8')) as Array<{ worker: string; status: string; artifacts: string }>;
    expect(rows.map((r) => r.status)).toEqual(['completed', 'completed', 'failed', 'failed']);
    // Without --artifacts each run's folder stays on its worker, recorded as host:path.
    const batch = /batch (\S+)\)/.exec(viaQueue.out)![1];
    expect(rows[0].artifacts).toBe(`${rows[0].worker.split(':')[0]}:${path.join(tmp, 'artifacts', batch, 'glue-epochs=1')}`);
    expect(new Set(rows.map((r) => r.worker)).size).toBe(2);
    expect(fs.readFileSync(path.join(tmp, 'grid-q', 'summary.csv'), 'utf8').split('\n')[0]).toBe(
      'input,output,status,exit_code,duration_s,kernel_start_s,cells_s,error,worker,artifacts,param.epochs,glue.epochs_seen,glue.rmse,glue.label',
    );
    const nb = readJson(path.join(tmp, 'grid-q', 'glue-epochs=2.ipynb'));
    const papermill = nb.metadata.papermill as Record<string, unknown>;
    expect(papermill.parameters).toEqual({ epochs: 2 });
    expect(papermill.input_path).toBe(fixture('glue.ipynb'));
    expect(papermill.output_path).toBe(path.join(tmp, 'grid-q', 'glue-epochs=2.ipynb'));
    expect((papermill.glue as Record<string, unknown>).rmse).toBe(0.25);
    // --html-pages: each run's page came back from its worker.
    const page = fs.readFileSync(path.join(tmp, 'grid-q', 'glue-epochs=2.html'), 'utf8');
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('glue(&quot;label&quot;, &quot;run-&quot; + epochs);');
    expect(fs.readdirSync(path.join(tmp, 'grid-q')).filter((f) => f.endsWith('.html'))).toHaveLength(4);
    const failed = readJson(path.join(tmp, 'grid-q', 'failing-epochs=1.ipynb'));
    expect(failed.cells.some((c) => c.cell_type === 'code' && c.outputs.some((o) => o.output_type === 'error' && o.evalue.includes('boom')))).toBe(true);
    await stopAll();
  }, 180_000);

  it('reruns the job of a worker killed mid-cell on the other worker; each output is written once', async () => {
    const queue = newQueue();
    const nbDir = tempDir('queue-kill-nb-');
    const notebook = sleepNotebook(nbDir);
    const victim = startWorker(queue);
    await victim.waitForLog(/waiting for jobs/);
    const out = path.join(tmp, 'kill');
    const run = cli(['--queue', redis.url, '--name', queue, '--output-dir', out, '--cwd', PROJECT_ROOT, '--grid', 'seconds=6', '--grid', 'label=a,b,c,d', notebook]);
    const started = await victim.waitForLog(/started (\S+) \(notebook/);
    // Mid-cell: the kernel is up and sleeping in the second cell.
    await new Promise((r) => setTimeout(r, 5000));
    process.kill(victim.pid, 'SIGKILL');
    await victim.exited;
    // The victim's sandbox child and its kernel go with it.
    await waitFor(() => groupMembers(victim.pid).length === 0, 15_000);
    await waitFor(() => kernelsMentioning(path.join(tmp, 'w' + workers.indexOf(victim))).length === 0, 15_000);
    const survivor = startWorker(queue);
    const result = await run;
    expect(result.code, result.err + result.out).toBe(0);
    const ends = result.err.split('\n').filter((line) => line.startsWith('[completed]'));
    expect(ends).toHaveLength(4);
    expect(new Set(ends.map((line) => line.split(' ')[1])).size).toBe(4);
    const rows = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as Array<{ glue: Record<string, unknown>; worker: string; status: string }>;
    expect(rows.map((r) => r.glue.label)).toEqual(['a', 'b', 'c', 'd']);
    expect(rows.every((r) => r.status === 'completed')).toBe(true);
    expect(fs.readdirSync(out).sort()).toEqual(['sleep-seconds=6-label=a.ipynb', 'sleep-seconds=6-label=b.ipynb', 'sleep-seconds=6-label=c.ipynb',
      'sleep-seconds=6-label=d.ipynb', 'summary.csv', 'summary.json']);
    // The killed job ran again, on the survivor: two attempts recorded by BullMQ.
    const q = new Queue(queue, { connection: connectionOptions(parseQueueUrl(redis.url)), prefix: QUEUE_PREFIX });
    try {
      const job = await Job.fromId(q, started[1]);
      expect(job?.attemptsStarted).toBe(2);
      expect(rows[Number(started[1].split('-').pop())].worker).toBe(survivor.log().match(/worker (\S+): waiting/)![1]);
    } finally {
      await q.close();
    }
    await stopAll();
  }, 240_000);

  it('keeps waiting jobs across a Redis restart (AOF on)', async () => {
    const queue = newQueue();
    const nbDir = tempDir('queue-aof-nb-');
    const notebook = sleepNotebook(nbDir);
    const out = path.join(tmp, 'aof');
    const shared = path.join(tmp, 'shared');
    const detached = await cli(['--queue', redis.url, '--name', queue, '--detach', '--artifacts', shared, '--output-dir', out, '--cwd', PROJECT_ROOT, '--grid', 'label=a,b,c,d', notebook]);
    expect(detached.code).toBe(0);
    const batch = detached.out.trim();
    expect(batch).toMatch(/^\d{8}T\d{6}-[0-9a-f]{6}$/);
    await redis.restart();
    const worker = startWorker(queue, ['--concurrency', '2']);
    const collected = await cli(['--queue', redis.url, '--name', queue, '--collect', batch]);
    expect(collected.code, collected.err + collected.out).toBe(0);
    expect(collected.out).toContain(`4/4 runs completed (batch ${batch})`);
    const rows = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as Array<{ glue: Record<string, unknown>; artifacts: string }>;
    expect(rows.map((r) => r.glue.label)).toEqual(['a', 'b', 'c', 'd']);
    // Each run's own folder under the shared --artifacts, named to its kernel.
    for (const [k, label] of ['a', 'b', 'c', 'd'].entries()) {
      const folder = path.join(shared, batch, `sleep-label=${label}`);
      expect(rows[k].artifacts).toBe(folder);
      expect(rows[k].glue.artifacts).toBe(folder);
      expect(fs.statSync(folder).isDirectory()).toBe(true);
    }
    expect(worker.log()).toMatch(/completed/);
    await stopAll();
  }, 180_000);

  it('records a failing and a kernel-dying notebook with their statuses and outputs; --retries runs a failure again', async () => {
    const queue = newQueue();
    startWorker(queue);
    const out = path.join(tmp, 'fail');
    const result = await cli(['--queue', redis.url, '--name', queue, '--retries', '1', '--output-dir', out, fixture('failing.ipynb'), fixture('exit.ipynb')]);
    expect(result.code).toBe(1);
    const rows = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as Array<{ status: string; exit_code: number; error: string }>;
    expect(rows.map((r) => [r.status, r.exit_code])).toEqual([['failed', 1], ['kernel-died', 138]]);
    expect(rows[0].error).toBe('TypeError: boom: bad value');
    const died = readJson(path.join(out, 'exit.ipynb'));
    expect((died.metadata.papermill as Record<string, unknown>).exception).toBe(true);
    const q = new Queue(queue, { connection: connectionOptions(parseQueueUrl(redis.url)), prefix: QUEUE_PREFIX });
    try {
      const batch = /batch (\S+)\)/.exec(result.out)![1];
      const job = await Job.fromId(q, jobId(batch, 0));
      expect(job?.attemptsMade).toBe(2);
      expect(job?.failedReason).toBe('failed (exit 1): TypeError: boom: bad value');
    } finally {
      await q.close();
    }
    await stopAll();
  }, 180_000);

  it('Ctrl-C at the submitter removes the waiting jobs and stops the running one', async () => {
    const queue = newQueue();
    const nbDir = tempDir('queue-int-nb-');
    const notebook = sleepNotebook(nbDir);
    const worker = startWorker(queue);
    await worker.waitForLog(/waiting for jobs/);
    const out = path.join(tmp, 'int');
    const controller = new AbortController();
    const run = cli(['--queue', redis.url, '--name', queue, '--output-dir', out, '--cwd', PROJECT_ROOT, '--grid', 'seconds=30', '--grid', 'label=a,b,c,d', notebook], controller.signal);
    await worker.waitForLog(/started \S+ \(notebook/);
    await new Promise((r) => setTimeout(r, 4000));
    const stopped = Date.now();
    controller.abort();
    const result = await run;
    expect(result.code).toBe(130);
    expect(Date.now() - stopped).toBeLessThan(20_000);
    const q = new Queue(queue, { connection: connectionOptions(parseQueueUrl(redis.url)), prefix: QUEUE_PREFIX });
    try {
      const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0, prioritized: 0 });
    } finally {
      await q.close();
    }
    const rows = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as Array<{ status: string; error: string }>;
    expect(rows[0].status).toBe('interrupted');
    expect(rows.slice(1).map((r) => [r.status, r.error])).toEqual(Array(3).fill(['interrupted', 'not started: removed from the queue (cancelled) or expired']));
    expect(fs.existsSync(path.join(out, 'sleep-seconds=30-label=a.ipynb'))).toBe(true);
    expect(worker.log()).toMatch(/cancelling \S+ \(batch \S+ cancelled\)/);
    await stopAll();
  }, 180_000);

  it('a worker stops on SIGTERM after finishing its running job', async () => {
    const queue = newQueue();
    const nbDir = tempDir('queue-term-nb-');
    const notebook = sleepNotebook(nbDir);
    const worker = startWorker(queue);
    await worker.waitForLog(/waiting for jobs/);
    const out = path.join(tmp, 'term');
    const run = cli(['--queue', redis.url, '--name', queue, '--output-dir', out, '--cwd', PROJECT_ROOT, '-p', 'seconds', '3', notebook]);
    await worker.waitForLog(/started \S+ \(notebook/);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.log()).toMatch(/SIGTERM: taking no more jobs; finishing 1 running job\(s\)/);
    const result = await run;
    expect(result.code, result.err + result.out).toBe(0);
    expect(result.out).toContain('1/1 runs completed');
  }, 120_000);
});
