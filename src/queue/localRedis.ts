/** A private redis-server for benchmarks and tests (`bench:queue`, `tests/queue`). */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** A private redis-server on a free loopback port, with its data in a temp folder. */
export interface LocalRedis {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
  /** Stops and starts it again on the same port and folder (AOF, when on, is replayed). */
  restart(): Promise<void>;
}

/** Whether `redis-server` (Debian's `redis-server` package) is on the PATH. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Options for {@link startLocalRedis}. */
export interface LocalRedisOptions {
  /** Append-only file on (`appendfsync always`: a restart loses nothing). @defaultValue false */
  readonly appendonly?: boolean;
}

/**
 * Starts redis-server bound to 127.0.0.1 only, on a free port, with no RDB snapshots and its
 * files in a new temporary folder, for benchmarks and tests; it is killed when this process
 * exits, so it never outlives its starter.
 *
 * @throws Error when redis-server cannot be started or does not listen within 10 s
 * @example
 * const redis = await startLocalRedis();
 * // ... redis.url ...
 * await redis.stop();
 */
export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'test-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no',
    '--appendonly', options.appendonly ? 'yes' : 'no', '--appendfsync', 'always', '--loglevel', 'warning'];
  let child: ChildProcess;
  const launch = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    await waitForPort(port, 10_000);
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  process.once('exit', () => child.kill('SIGKILL'));
  return {
    port, dir, url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await stop();
      await launch();
    },
  };
}

