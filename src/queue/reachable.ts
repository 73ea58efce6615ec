/**
 * The check every queue command makes before it enqueues, works or serves anything: Redis
 * answers at the URL, and its version is one BullMQ supports.
 */
import { Redis } from 'ioredis';
import { InputError } from '../errors';
import { connectionOptions, type QueueUrl } from './url';

/** BullMQ 6 needs Redis 6.2 or later. */
export const MIN_REDIS_VERSION = '6.2.0';
/** Milliseconds the check waits for Redis to answer. @defaultValue 3000 */
export const DEFAULT_REACHABLE_TIMEOUT_MS = 3000;

/** Options for {@link assertRedisReachable}. */
export interface ReachableOptions {
  /** @defaultValue {@link DEFAULT_REACHABLE_TIMEOUT_MS} */
  readonly timeoutMs?: number;
  /** The option named in messages. @defaultValue `'--queue'` */
  readonly flag?: string;
}

/**
 * Connects once (no retries), sends PING and reads the server version.
 *
 * @returns the Redis server version, e.g. `"7.0.15"`
 * @throws InputError naming the URL (password hidden) when Redis does not answer within the
 *   timeout, refuses the password, or is older than {@link MIN_REDIS_VERSION}
 */
export async function assertRedisReachable(url: QueueUrl, options: ReachableOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REACHABLE_TIMEOUT_MS;
  const flag = options.flag ?? '--queue';
  const client = new Redis({
    ...connectionOptions(url), lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false,
    connectTimeout: timeoutMs, retryStrategy: () => null, reconnectOnError: () => false,
  });
  // ioredis reports some refusals (WRONGPASS, NOAUTH) only as 'error' events; keep the last one.
  let lastError: string | undefined;
  client.on('error', (error: Error) => { lastError = error.message; });
  const fail = (why: string): never => {
    throw new InputError(`Redis is unreachable at ${url.display} (${flag}): ${why}`, { argument: flag, value: url.display });
  };
  try {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref());
    let info: string;
    try {
      info = await Promise.race([client.connect().then(() => client.ping()).then(() => client.info('server')), timeout]);
    } catch (error) {
      const message = (error as Error).message || String(error);
      return fail((/Connection is closed/.test(message) && lastError !== undefined ? lastError : message).split('\n')[0]);
    }
    const version = /redis_version:([0-9.]+)/.exec(info)?.[1] ?? '0.0.0';
    if (compareVersions(version, MIN_REDIS_VERSION) < 0) fail(`Redis ${version} is older than ${MIN_REDIS_VERSION}, which BullMQ needs`);
    return version;
  } finally {
    client.disconnect();
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
