/**
 * The submitter's side of a queue batch: enqueue its jobs under one batch id, wait for them (now,
 * or later with `--collect ID`), hand each job's end to the caller once, and cancel a batch.
 */
import * as crypto from 'node:crypto';
import * as os from 'node:os';
import { Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { InputError } from '../errors';
import { BATCH_TTL_S, batchKey, cancelChannel, cancelledKey, jobId, QUEUE_PREFIX } from './keys';
import { NOTEBOOK_OUTCOME_KEY, PAYLOAD_VERSION, type NotebookJobResult, type QueueJobData, type QueueJobResult } from './payload';
import { assertRedisReachable } from './reachable';
import { assertQueueName, connectionOptions, DEFAULT_QUEUE_NAME, type QueueUrl } from './url';

/** A job's payload before the batch id and index are known. */
export type PendingJob = QueueJobData extends infer T ? (T extends QueueJobData ? Omit<T, 'batch' | 'index' | 'version'> : never) : never;

/** What Redis keeps about a batch for whoever collects it. */
export interface BatchManifest {
  readonly batch: string;
  readonly kind: QueueJobData['kind'];
  readonly count: number;
  /** ISO time of submission. */
  readonly created: string;
  /** `host:pid` of the submitter. */
  readonly submitter: string;
  /** What the submitting command needs to write results (output names, inputs, parameters). */
  readonly meta: unknown;
}

/** Where one job of a batch ended. */
export type JobEnd =
  | (JobTimes & { readonly index: number; readonly state: 'completed'; readonly result: QueueJobResult })
  | (JobTimes & {
    readonly index: number;
    readonly state: 'failed';
    readonly reason: string;
    /** A failed notebook job's outcome, output notebook included; absent for bad payloads. */
    readonly outcome?: NotebookJobResult;
  })
  /** Removed before it started (cancelled), or expired from Redis. */
  | { readonly index: number; readonly state: 'missing'; readonly reason: string };

/** Milliseconds since the epoch, from BullMQ's job record. */
export interface JobTimes {
  readonly enqueuedAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  /** Attempts started, retries and stall recoveries included. */
  readonly attempts: number;
}

/** Common options. */
export interface QueueTarget {
  readonly url: QueueUrl;
  /** @defaultValue {@link DEFAULT_QUEUE_NAME} */
  readonly queueName?: string;
}

/** Options for {@link enqueueBatch}. */
export interface EnqueueOptions extends QueueTarget {
  readonly jobs: readonly PendingJob[];
  /** Job names shown by the dashboard, one per job. @defaultValue `kind-index` */
  readonly names?: readonly string[];
  /** Further attempts after a failed one (a notebook that fails or whose kernel dies). @defaultValue 0 */
  readonly retries?: number;
  readonly meta?: unknown;
}

/** A new batch id: UTC time to the second and 6 random hex digits (sortable, no `:`). */
export function newBatchId(now: Date = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${crypto.randomBytes(3).toString('hex')}`;
}

/** Runs `work` with a plain Redis client for this project's own keys, then disconnects it. */
async function withRedis<T>(url: QueueUrl, work: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(connectionOptions(url));
  client.on('error', () => undefined);
  try {
    return await work(client);
  } finally {
    client.disconnect();
  }
}

function openQueue(target: QueueTarget): Queue {
  return new Queue(assertQueueName(target.queueName ?? DEFAULT_QUEUE_NAME), { connection: connectionOptions(target.url), prefix: QUEUE_PREFIX });
}

/**
 * Checks Redis, then adds every job in one call, with the manifest, under a new batch id.
 *
 * @returns the manifest (its `batch` is what `--collect` takes)
 * @throws InputError for an empty batch, bad retries, a bad queue name or unreachable Redis (nothing is enqueued)
 */
export async function enqueueBatch(options: EnqueueOptions): Promise<BatchManifest> {
  if (options.jobs.length === 0) throw new InputError('a queue batch needs at least one job', { argument: 'jobs' });
  const retries = options.retries ?? 0;
  if (!Number.isInteger(retries) || retries < 0 || retries > 100) {
    throw new InputError(`--retries must be an integer in 0..100, got ${String(retries)}`, { argument: '--retries', value: retries });
  }
  const queueName = assertQueueName(options.queueName ?? DEFAULT_QUEUE_NAME);
  await assertRedisReachable(options.url);
  const batch = newBatchId();
  const manifest: BatchManifest = {
    batch, kind: options.jobs[0].kind, count: options.jobs.length, created: new Date().toISOString(),
    submitter: `${os.hostname()}:${process.pid}`, meta: options.meta ?? null,
  };
  const queue = openQueue(options);
  try {
    await withRedis(options.url, (client) => client.set(batchKey(queueName, batch), JSON.stringify(manifest), 'EX', BATCH_TTL_S));
    await queue.addBulk(options.jobs.map((job, index) => ({
      name: options.names?.[index] ?? `${job.kind}-${index}`,
      data: { ...job, version: PAYLOAD_VERSION, batch, index } as QueueJobData,
      opts: { jobId: jobId(batch, index), attempts: retries + 1 },
    })));
  } finally {
    await queue.close();
  }
  return manifest;
}

/**
 * Reads a batch's manifest.
 *
 * @throws InputError naming the batch, queue and URL when Redis has no such batch
 */
export async function readManifest(target: QueueTarget & { readonly batch: string }): Promise<BatchManifest> {
  const queueName = assertQueueName(target.queueName ?? DEFAULT_QUEUE_NAME);
  await assertRedisReachable(target.url);
  const text = await withRedis(target.url, (client) => client.get(batchKey(queueName, target.batch)));
  if (text === null) {
    throw new InputError(`no batch ${JSON.stringify(target.batch)} on queue ${queueName} at ${target.url.display} (--collect); it may have expired after ${BATCH_TTL_S / 86400} days`, {
      argument: '--collect', value: target.batch,
    });
  }
  return JSON.parse(text) as BatchManifest;
}

/** Options for {@link collectBatch}. */
export interface CollectOptions extends QueueTarget {
  readonly batch: string;
  /** Called with the manifest before anything is awaited; may throw (InputError) to refuse the batch. */
  readonly onManifest?: (manifest: BatchManifest) => void;
  /** Called once per job, as it ends. */
  readonly onEnd: (end: JobEnd) => void | Promise<void>;
  /** Progress a running job reported. */
  readonly onProgress?: (index: number, progress: unknown) => void;
  /** On abort: the batch is cancelled ({@link cancelBatch}) and the running jobs get `cancelGraceMs` to stop. */
  readonly signal?: AbortSignal;
  /** @defaultValue 30000 */
  readonly cancelGraceMs?: number;
  /** Milliseconds between two sweeps over the unfinished jobs (events wake it sooner). @defaultValue 2000 */
  readonly pollMs?: number;
}

/**
 * Waits until every job of a batch has ended, calling `onEnd` exactly once per job.
 *
 * @returns the manifest, every end in job order, and whether the batch was cancelled
 * @throws InputError when the batch does not exist or Redis is unreachable
 */
export async function collectBatch(options: CollectOptions): Promise<{ manifest: BatchManifest; ends: JobEnd[]; cancelled: boolean }> {
  const manifest = await readManifest(options);
  options.onManifest?.(manifest);
  const queueName = assertQueueName(options.queueName ?? DEFAULT_QUEUE_NAME);
  const queue = openQueue(options);
  const events = new QueueEvents(queueName, { connection: connectionOptions(options.url), prefix: QUEUE_PREFIX });
  const ends: (JobEnd | undefined)[] = new Array(manifest.count).fill(undefined);
  const pending = new Set(Array.from({ length: manifest.count }, (_, i) => i));
  const indexOf = (id: string): number | undefined => {
    const match = new RegExp(`^${manifest.batch}-(\\d+)$`).exec(id);
    return match ? Number(match[1]) : undefined;
  };
  let wake: (() => void) | null = null;
  const dirty = new Set<number>();
  const poke = (id: string) => {
    const index = indexOf(id);
    if (index === undefined || !pending.has(index)) return;
    dirty.add(index);
    wake?.();
  };
  events.on('completed', ({ jobId: id }) => poke(id));
  events.on('failed', ({ jobId: id }) => poke(id));
  events.on('removed', ({ jobId: id }) => poke(id));
  events.on('progress', ({ jobId: id, data }) => {
    const index = indexOf(id);
    if (index !== undefined && pending.has(index)) options.onProgress?.(index, data);
  });
  let cancelled = false;
  let deadline = Infinity;
  const onAbort = () => {
    cancelled = true;
    deadline = Date.now() + (options.cancelGraceMs ?? 30_000);
    void cancelBatch({ ...options, batch: manifest.batch }).finally(() => wake?.());
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await events.waitUntilReady();
    let sweepAll = true;
    while (pending.size > 0) {
      const check = sweepAll ? [...pending] : [...dirty];
      dirty.clear();
      for (const index of check) {
        const end = await jobEnd(queue, manifest.batch, index);
        if (end === null) continue;
        pending.delete(index);
        ends[index] = end;
        await options.onEnd(end);
      }
      if (pending.size === 0) break;
      if (Date.now() > deadline) {
        for (const index of [...pending]) {
          const end: JobEnd = { index, state: 'missing', reason: 'still running when the submitter stopped waiting after cancelling' };
          pending.delete(index);
          ends[index] = end;
          await options.onEnd(end);
        }
        break;
      }
      sweepAll = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => { wake = null; resolve(true); }, options.pollMs ?? 2000);
        wake = () => { clearTimeout(timer); wake = null; resolve(cancelled); };
      });
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await events.close();
    await queue.close();
  }
  return { manifest, ends: ends as JobEnd[], cancelled };
}

async function jobEnd(queue: Queue, batch: string, index: number): Promise<JobEnd | null> {
  const job = await Job.fromId(queue, jobId(batch, index));
  if (job === undefined) return { index, state: 'missing', reason: 'not started: removed from the queue (cancelled) or expired' };
  const state = await job.getState();
  const times: JobTimes = {
    enqueuedAt: job.timestamp, startedAt: job.processedOn ?? null, finishedAt: job.finishedOn ?? null, attempts: job.attemptsStarted ?? job.attemptsMade,
  };
  if (state === 'completed') return { index, state, result: job.returnvalue as QueueJobResult, ...times };
  if (state === 'failed') {
    const outcome = (job.data as unknown as Record<string, unknown>)[NOTEBOOK_OUTCOME_KEY] as NotebookJobResult | undefined;
    return { index, state, reason: job.failedReason ?? 'failed', ...(outcome === undefined ? {} : { outcome }), ...times };
  }
  return null;
}

/**
 * Cancels a batch: marks it cancelled (so a job that starts now stops at once), removes its
 * waiting and delayed jobs, and asks the workers to stop its running ones (their jobs fail with
 * "cancelled" and keep the partial output).
 *
 * @returns how many waiting jobs were removed
 */
export async function cancelBatch(target: QueueTarget & { readonly batch: string }): Promise<number> {
  const queueName = assertQueueName(target.queueName ?? DEFAULT_QUEUE_NAME);
  const queue = openQueue(target);
  try {
    return await withRedis(target.url, async (client) => {
      await client.set(cancelledKey(queueName, target.batch), '1', 'EX', BATCH_TTL_S);
      const manifestText = await client.get(batchKey(queueName, target.batch));
      const count = manifestText === null ? 0 : (JSON.parse(manifestText) as BatchManifest).count;
      let removed = 0;
      for (let index = 0; index < count; index++) {
        const job = await Job.fromId(queue, jobId(target.batch, index));
        const state = job === undefined ? 'missing' : await job.getState();
        if (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized' && state !== 'waiting-children') continue;
        try {
          await job!.remove();
          removed += 1;
        } catch {
          // It became active meanwhile: the published cancel (or the mark) stops it.
        }
      }
      await client.publish(cancelChannel(queueName), target.batch);
      return removed;
    });
  } finally {
    await queue.close();
  }
}
