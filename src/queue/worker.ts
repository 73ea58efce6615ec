/**
 * A queue worker: takes notebook and forecast jobs from a BullMQ queue on Redis and runs each in
 * a sandboxed child process (BullMQ's advice for CPU-heavy work), so the worker's lock renewals
 * and stall checks keep running while a kernel trains.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { InputError } from '../errors';
import { WORKER_ENV } from './processor';
import { cancelChannel, cancelledKey, QUEUE_PREFIX } from './keys';
import { assertRedisReachable } from './reachable';
import { assertQueueName, connectionOptions, DEFAULT_QUEUE_NAME, type QueueUrl } from './url';
import type { QueueJobData } from './payload';

/** Milliseconds a job's lock lasts without renewal; a worker silent this long is presumed lost. @defaultValue 30000 */
export const DEFAULT_LOCK_DURATION_MS = 30_000;
/** How many times a job may be recovered from a lost worker before it fails. @defaultValue 2 */
export const DEFAULT_MAX_STALLED = 2;

/** Options for {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  readonly url: QueueUrl;
  /** @defaultValue {@link DEFAULT_QUEUE_NAME} */
  readonly queueName?: string;
  /** Jobs run at once, each in its own child process. @defaultValue 1 */
  readonly concurrency?: number;
  /** Recorded on every job it runs. @defaultValue `<hostname>:<pid>` */
  readonly name?: string;
  /**
   * Lock duration in milliseconds: a killed worker's job is re-queued after about this long
   * (and a stall check). @defaultValue {@link DEFAULT_LOCK_DURATION_MS}
   */
  readonly lockDurationMs?: number;
  /** Where forecast jobs without `--artifacts` keep their output folders. @defaultValue `runs/queue` */
  readonly artifactsDir?: string;
  /** Receives one line per job start and end. @defaultValue nothing */
  readonly log?: (line: string) => void;
}

/** A running worker. */
export interface QueueWorker {
  readonly name: string;
  /** Ids of the jobs running now. */
  readonly running: () => readonly string[];
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
  /**
   * Puts the running jobs back in the queue at once (another worker starts them from the
   * beginning) and stops taking jobs. The caller then exits: the sandboxed children see their
   * worker go, kill their kernels and exit, and a result they might still send is refused
   * (their lock is gone).
   *
   * @returns the ids handed back
   */
  handBack(): Promise<string[]>;
}

/** The processor file BullMQ forks: the built JavaScript, or a ts-node shim when running from source. */
export function processorFile(): string {
  return __filename.endsWith('.ts') ? path.join(__dirname, 'processorShim.cjs') : path.join(__dirname, 'processor.js');
}

/**
 * Starts a worker once Redis answers.
 *
 * @throws InputError for a bad queue name or concurrency, or when Redis is unreachable
 * @example
 * const worker = await startQueueWorker({ url: parseQueueUrl('redis://127.0.0.1:6379'), concurrency: 2 });
 * process.once('SIGTERM', () => void worker.close());
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const queueName = assertQueueName(options.queueName ?? DEFAULT_QUEUE_NAME);
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new InputError(`--concurrency must be an integer in 1..64, got ${String(concurrency)}`, { argument: '--concurrency', value: concurrency });
  }
  const lockDuration = options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS;
  if (!Number.isInteger(lockDuration) || lockDuration < 1000) {
    throw new InputError(`--lock-duration must be at least 1 second, got ${lockDuration / 1000} s`, { argument: '--lock-duration', value: lockDuration });
  }
  await assertRedisReachable(options.url);
  const name = options.name ?? `${os.hostname()}:${process.pid}`;
  const artifacts = path.resolve(options.artifactsDir ?? path.join('runs', 'queue'));
  fs.mkdirSync(artifacts, { recursive: true });
  const log = options.log ?? (() => undefined);
  const connection = connectionOptions(options.url);
  const running = new Map<string, { readonly batch: string; readonly job: Job<QueueJobData> }>();
  const worker = new Worker<QueueJobData>(queueName, processorFile(), {
    connection, prefix: QUEUE_PREFIX, concurrency, name, lockDuration, stalledInterval: lockDuration, maxStalledCount: DEFAULT_MAX_STALLED,
    removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 },
    workerForkOptions: { env: { ...process.env, [WORKER_ENV.name]: name, [WORKER_ENV.artifacts]: artifacts } },
  });
  const subscriber = new Redis(connection);
  const client = new Redis(connection);
  for (const c of [subscriber, client]) c.on('error', () => undefined);
  worker.on('error', (error) => log(`worker ${name}: ${error.message}`));
  const cancel = (id: string, batch: string) => {
    if (worker.cancelJob(id, `batch ${batch} was cancelled by its submitter`)) log(`worker ${name}: cancelling ${id} (batch ${batch} cancelled)`);
  };
  worker.on('active', (job: Job<QueueJobData>) => {
    const batch = typeof job.data?.batch === 'string' ? job.data.batch : '';
    running.set(job.id ?? '', { batch, job });
    log(`worker ${name}: started ${job.id} (${describeJob(job.data)})`);
    // A cancel published before this job became active was not seen: check the batch's mark.
    void client.exists(cancelledKey(queueName, batch)).then((n) => { if (n > 0) cancel(job.id ?? '', batch); }, () => undefined);
  });
  const ended = (job: Job<QueueJobData> | undefined, what: string) => {
    if (job?.id !== undefined) running.delete(job.id);
    log(`worker ${name}: ${what}`);
  };
  worker.on('completed', (job) => ended(job, `completed ${job.id}`));
  worker.on('failed', (job, error) => ended(job, `failed ${job?.id}: ${error.message.split('\n')[0]}`));
  await subscriber.subscribe(cancelChannel(queueName));
  subscriber.on('message', (_channel: string, batch: string) => {
    for (const [id, entry] of running) if (entry.batch === batch) cancel(id, batch);
  });
  await worker.waitUntilReady();
  let closing: Promise<void> | null = null;
  return {
    name,
    running: () => [...running.keys()],
    close: () => {
      closing ??= worker.close().finally(() => { subscriber.disconnect(); client.disconnect(); });
      return closing;
    },
    handBack: async () => {
      void worker.close();
      const ids: string[] = [];
      for (const [id, { job }] of running) {
        try {
          await job.moveToWait(job.token);
          ids.push(id);
        } catch (error) {
          log(`worker ${name}: could not hand back ${id} (${(error as Error).message}); it runs again after its lock lapses`);
        }
      }
      return ids;
    },
  };
}

function describeJob(data: QueueJobData | undefined): string {
  if (data?.kind === 'notebook' && typeof data.input === 'string') return `notebook ${data.input}${Object.keys(data.parameters ?? {}).length > 0 ? ` ${JSON.stringify(data.parameters)}` : ''}`;
  if (data?.kind === 'forecast' && typeof data.name === 'string') return `forecast ${data.name}${data.series ? ` (${data.series.length} series)` : ''}`;
  return 'malformed payload';
}
