/**
 * `--queue redis://[USER:PASSWORD@]HOST:PORT[/DB]`: the Redis URL that workers, submitters and
 * the dashboard share, parsed and checked before anything connects.
 */
import { InputError } from '../errors';

/** The default queue name (`--name`); every key BullMQ writes starts with `bull:<name>:`. */
export const DEFAULT_QUEUE_NAME = 'lstm-workbench';

/** A parsed `--queue` URL. */
export interface QueueUrl {
  /** The URL as given, with the password replaced by `***` (safe to print and to store). */
  readonly display: string;
  readonly host: string;
  /** @defaultValue 6379 */
  readonly port: number;
  /** Redis logical database. @defaultValue 0 */
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  /** `rediss://`: connect over TLS. */
  readonly tls: boolean;
}

/** The connection settings BullMQ passes to ioredis for one {@link QueueUrl}. */
export interface RedisConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: Record<string, never>;
  /** BullMQ's workers need `null` (they block on Redis and must not give up). */
  readonly maxRetriesPerRequest: null;
}

/**
 * Parses a `--queue` URL.
 *
 * @param text - `redis://HOST[:PORT][/DB]`, optionally with `USER:PASSWORD@` or `rediss://` for TLS
 * @param flag - the option's name in messages @defaultValue `'--queue'`
 * @throws InputError naming the flag and the value for another scheme, a missing host, a port
 *   outside 1..65535, a database that is not an integer in 0..15, or a query or fragment
 * @example parseQueueUrl('redis://127.0.0.1:6380/2').db; // 2
 */
export function parseQueueUrl(text: string, flag = '--queue'): QueueUrl {
  const fail = (why: string): never => {
    throw new InputError(`${flag} must be a URL like redis://HOST:PORT[/DB] (${why}), got ${JSON.stringify(maskPassword(text))}`, {
      argument: flag, value: maskPassword(text),
    });
  };
  if (typeof text !== 'string' || text.trim() === '') fail('it is empty');
  // The URL parser refuses ports above 65535 itself, with no reason given: say which part is wrong.
  const portText = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)(?:[/?#]|$)/i.exec(text)?.[1];
  if (portText !== undefined && Number(portText) > 65535) fail(`the port ${portText} is outside 1..65535`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('it is not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') fail(`the scheme is ${url.protocol.replace(/:$/, '')}, not redis or rediss`);
  if (url.hostname === '') fail('the host is missing');
  if (url.search !== '' || url.hash !== '') fail('a query or fragment is not understood');
  const port = url.port === '' ? 6379 : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`the port ${url.port} is outside 1..65535`);
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!/^\d*$/.test(dbText) || !Number.isInteger(db) || db > 15) fail(`the database ${JSON.stringify(dbText)} is not an integer in 0..15`);
  const username = url.username === '' ? undefined : decodeURIComponent(url.username);
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  return {
    display: maskPassword(text), host: url.hostname.replace(/^\[|\]$/g, ''), port, db,
    ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }), tls: url.protocol === 'rediss:',
  };
}

/** The ioredis/BullMQ connection options of a parsed URL. */
export function connectionOptions(url: QueueUrl): RedisConnectionOptions {
  return {
    host: url.host, port: url.port, db: url.db, maxRetriesPerRequest: null,
    ...(url.username === undefined ? {} : { username: url.username }),
    ...(url.password === undefined ? {} : { password: url.password }),
    ...(url.tls ? { tls: {} } : {}),
  };
}

/**
 * Checks a queue name (`--name`): BullMQ joins names into Redis keys with `:`.
 *
 * @throws InputError for an empty name, one longer than 100 characters, or characters outside `[A-Za-z0-9._-]`
 */
export function assertQueueName(name: string, flag = '--name'): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(name)) {
    throw new InputError(`${flag} must be 1 to 100 characters from A-Z a-z 0-9 . _ -, got ${JSON.stringify(name)}`, { argument: flag, value: name });
  }
  return name;
}

function maskPassword(text: string): string {
  return typeof text === 'string' ? text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/?#]*:)[^/?#]*@/i, '$1***@') : String(text);
}
