import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import { assertRedisReachable } from '../../src/queue/reachable';
import { assertQueueName, connectionOptions, DEFAULT_QUEUE_NAME, parseQueueUrl, type QueueUrl } from '../../src/queue/url';
import { expectInputError, expectInputErrorAsync } from '../helpers/expectInputError';
import { freePort, hasRedisServer, redisMissingInCi, startTestRedis, type TestRedis } from '../helpers/redis';

const HAS_REDIS = hasRedisServer();
const redisMissing = redisMissingInCi();

/** The message parseQueueUrl gives for `value` (already masked) and the reason `why`. */
const badUrl = (why: string, shown: string, flag = '--queue') =>
  `${flag} must be a URL like redis://HOST:PORT[/DB] (${why}), got ${JSON.stringify(shown)}`;

describe('test prerequisites', () => {
  it.runIf(redisMissing !== undefined)('redis-server is installed in CI', () => {
    expect.fail(redisMissing);
  });
});

describe('parseQueueUrl: good URLs', () => {
  it.each<[string, QueueUrl]>([
    ['redis://127.0.0.1:6380/2', { display: 'redis://127.0.0.1:6380/2', host: '127.0.0.1', port: 6380, db: 2, tls: false }],
    ['redis://localhost', { display: 'redis://localhost', host: 'localhost', port: 6379, db: 0, tls: false }],
    ['redis://localhost:6379/', { display: 'redis://localhost:6379/', host: 'localhost', port: 6379, db: 0, tls: false }],
    ['redis://h/15', { display: 'redis://h/15', host: 'h', port: 6379, db: 15, tls: false }],
    ['redis://h:65535/0', { display: 'redis://h:65535/0', host: 'h', port: 65535, db: 0, tls: false }],
    ['redis://[::1]:7000', { display: 'redis://[::1]:7000', host: '::1', port: 7000, db: 0, tls: false }],
    ['redis://:s3cret@cache:6390', { display: 'redis://:***@cache:6390', host: 'cache', port: 6390, db: 0, password: 's3cret', tls: false }],
    ['redis://alice@cache', { display: 'redis://alice@cache', host: 'cache', port: 6379, db: 0, username: 'alice', tls: false }],
    [
      'rediss://alice:p%40ss@cache.example.com:6390/3',
      { display: 'rediss://alice:***@cache.example.com:6390/3', host: 'cache.example.com', port: 6390, db: 3, username: 'alice', password: 'p@ss', tls: true },
    ],
  ])('%s', (text, expected) => {
    expect(parseQueueUrl(text)).toEqual(expected);
  });
});

describe('parseQueueUrl: bad URLs name --queue and the value', () => {
  it.each<[string, string]>([
    ['http://127.0.0.1:6379', badUrl('the scheme is http, not redis or rediss', 'http://127.0.0.1:6379')],
    ['127.0.0.1:6379', badUrl('it is not a URL', '127.0.0.1:6379')],
    ['localhost:6379', badUrl('the scheme is localhost, not redis or rediss', 'localhost:6379')],
    ['redis://', badUrl('the host is missing', 'redis://')],
    ['redis:///0', badUrl('the host is missing', 'redis:///0')],
    ['redis://h:0', badUrl('the port 0 is outside 1..65535', 'redis://h:0')],
    ['redis://h:abc', badUrl('it is not a URL', 'redis://h:abc')],
    ['redis://h/16', badUrl('the database "16" is not an integer in 0..15', 'redis://h/16')],
    ['redis://h/abc', badUrl('the database "abc" is not an integer in 0..15', 'redis://h/abc')],
    ['redis://h/-1', badUrl('the database "-1" is not an integer in 0..15', 'redis://h/-1')],
    ['redis://h/1.5', badUrl('the database "1.5" is not an integer in 0..15', 'redis://h/1.5')],
    ['redis://h/0/1', badUrl('the database "0/1" is not an integer in 0..15', 'redis://h/0/1')],
    ['redis://h?db=1', badUrl('a query or fragment is not understood', 'redis://h?db=1')],
    ['redis://h#main', badUrl('a query or fragment is not understood', 'redis://h#main')],
    ['', badUrl('it is empty', '')],
    ['   ', badUrl('it is empty', '   ')],
    // The password never appears in a message, only ***.
    ['redis://alice:s3cret@h/16', badUrl('the database "16" is not an integer in 0..15', 'redis://alice:***@h/16')],
    ['rediss://:s3cret@h:0', badUrl('the port 0 is outside 1..65535', 'rediss://:***@h:0')],
  ])('%j', (text, message) => {
    expectInputError(() => parseQueueUrl(text), message);
  });

  it('puts the flag and the masked value in the error details, and uses the flag it is given', () => {
    let thrown: unknown;
    try {
      parseQueueUrl('redis://alice:s3cret@h/99', '--redis');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).message).toBe(badUrl('the database "99" is not an integer in 0..15', 'redis://alice:***@h/99', '--redis'));
    expect((thrown as InputError).details).toEqual({ argument: '--redis', value: 'redis://alice:***@h/99' });
  });

  it.each([['redis://h:70000', '70000'], ['redis://h:65536', '65536']])('%s: says the port is out of range', (text, port) => {
    expectInputError(() => parseQueueUrl(text), badUrl(`the port ${port} is outside 1..65535`, text));
  });


  it.each<[string, () => string]>([
    ['REDIS://alice:s3cret@h (display)', () => parseQueueUrl('REDIS://alice:s3cret@h').display],
    ['redis://alice:p@ss@h (display)', () => parseQueueUrl('redis://alice:p@ss@h').display],
    ['http://alice:s3cret@h (error)', () => {
      try {
        parseQueueUrl('http://alice:s3cret@h');
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    }],
  ])('never shows the password: %s', (_label, shown) => {
    const text = shown();
    expect(text).toContain('alice:***@');
    expect(text).not.toMatch(/s3cret|ss@h/);
  });
});

describe('connectionOptions', () => {
  it.each<[string, ReturnType<typeof connectionOptions>]>([
    ['redis://127.0.0.1:6380/2', { host: '127.0.0.1', port: 6380, db: 2, maxRetriesPerRequest: null }],
    ['redis://:pw@h', { host: 'h', port: 6379, db: 0, password: 'pw', maxRetriesPerRequest: null }],
    ['rediss://alice:p%40ss@cache:6390/3', { host: 'cache', port: 6390, db: 3, username: 'alice', password: 'p@ss', tls: {}, maxRetriesPerRequest: null }],
  ])('%s', (text, expected) => {
    expect(connectionOptions(parseQueueUrl(text))).toStrictEqual(expected);
  });
});

describe('assertQueueName', () => {
  it.each(['lstm-workbench', DEFAULT_QUEUE_NAME, 'a', 'Grid_2.v-1', 'x'.repeat(100)])('accepts %j and returns it', (name) => {
    expect(assertQueueName(name)).toBe(name);
  });

  it.each(['', 'a:b', 'a b', 'a/b', 'grid*', 'é', 'x'.repeat(101)])('rejects %j naming --name and the value', (name) => {
    expectInputError(() => assertQueueName(name), `--name must be 1 to 100 characters from A-Z a-z 0-9 . _ -, got ${JSON.stringify(name)}`);
  });

  it('names the flag it is given', () => {
    expectInputError(() => assertQueueName('a:b', '--queue-name'), '--queue-name must be 1 to 100 characters from A-Z a-z 0-9 . _ -, got "a:b"');
  });
});

describe('assertRedisReachable without a server', () => {
  it('throws an InputError naming the URL within about the timeout when nothing listens', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await expectInputErrorAsync(
      () => assertRedisReachable(parseQueueUrl(`redis://127.0.0.1:${port}`), { timeoutMs: 1000 }),
      new RegExp(`^Redis is unreachable at redis://127\\.0\\.0\\.1:${port} \\(--queue\\): \\S`),
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error.details).toEqual({ argument: '--queue', value: `redis://127.0.0.1:${port}` });
  });

  it('gives up after the timeout when the port accepts but never answers, naming the flag it is given', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const started = Date.now();
      await expectInputErrorAsync(
        () => assertRedisReachable(parseQueueUrl(`redis://:s3cret@127.0.0.1:${port}`), { timeoutMs: 1000, flag: '--redis' }),
        `Redis is unreachable at redis://:***@127.0.0.1:${port} (--redis): no answer within 1000 ms`,
      );
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(950);
      expect(took).toBeLessThan(3000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe.skipIf(!HAS_REDIS)('assertRedisReachable on a test Redis', () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await startTestRedis();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  it('resolves to the server version', async () => {
    const version = await assertRedisReachable(parseQueueUrl(redis.url), { timeoutMs: 1000 });
    expect(version).toMatch(/^\d+\.\d+/);
  });

  it('refuses a wrong user and password, naming the URL with the password hidden', async () => {
    const error = await expectInputErrorAsync(
      () => assertRedisReachable(parseQueueUrl(`redis://alice:s3cret@127.0.0.1:${redis.port}`), { timeoutMs: 1000 }),
      new RegExp(`^Redis is unreachable at redis://alice:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port} \\(--queue\\): \\S`),
    );
    expect(error.message).not.toContain('s3cret');
  });

  it('says that Redis refused the password', async () => {
    await expectInputErrorAsync(
      () => assertRedisReachable(parseQueueUrl(`redis://alice:s3cret@127.0.0.1:${redis.port}`), { timeoutMs: 1000 }),
      `Redis is unreachable at redis://alice:***@127.0.0.1:${redis.port} (--queue): WRONGPASS invalid username-password pair or user is disabled.`,
    );
  });
});
