/**
 * The queue dashboard: bull-board's UI and JSON API over the BullMQ queues on one Redis, served
 * by Express. `npm run dashboard` (`scripts/dashboard.ts`, through `dashboardCli.ts`) parses its
 * command line into {@link DashboardOptions}.
 *
 * bull-board's pages can retry, promote, clean, pause, empty and obliterate, so whoever reaches
 * the port can change the queues; that is why the dashboard binds to loopback by default.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import express from 'express';
import { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { InputError, describeValue } from '../errors';
import { assertRedisReachable } from './reachable';
import { assertQueueName, connectionOptions, DEFAULT_QUEUE_NAME, type QueueUrl } from './url';

/** The address the dashboard listens on (`--host`): loopback only. */
export const DEFAULT_DASHBOARD_HOST = '127.0.0.1';
/** The TCP port the dashboard listens on (`--port`); 0 picks any free port. */
export const DEFAULT_DASHBOARD_PORT = 3000;
/** The URL path the dashboard is mounted under. */
export const DEFAULT_DASHBOARD_BASE_PATH = '/';
/** The title bull-board shows in its header and the browser tab. */
export const DASHBOARD_TITLE = 'lstm-workbench queues';

/** Options for {@link startDashboard}. */
export interface DashboardOptions {
  /** The Redis that holds the queues (a parsed `--queue`). */
  readonly url: QueueUrl;
  /**
   * The queues to show (`--name`), each checked by {@link assertQueueName}; no duplicates.
   * @defaultValue `[DEFAULT_QUEUE_NAME]`
   */
  readonly queueNames?: readonly string[];
  /**
   * The address to listen on (`--host`). Anything but loopback lets others change the queues.
   * @defaultValue {@link DEFAULT_DASHBOARD_HOST}
   */
  readonly host?: string;
  /** TCP port, an integer in 0..65535; 0 lets the system pick (`--port`). @defaultValue {@link DEFAULT_DASHBOARD_PORT} */
  readonly port?: number;
  /**
   * The path the UI and its `api/` are served under: `/` or `/SEGMENT[/SEGMENT...]` with
   * segments from `[A-Za-z0-9._~-]`; a trailing `/` is dropped.
   * @defaultValue {@link DEFAULT_DASHBOARD_BASE_PATH}
   */
  readonly basePath?: string;
  /**
   * Called with each error a queue's Redis connection reports while serving (ioredis reconnects
   * by itself; the pages show failed requests meanwhile).
   * @defaultValue errors are dropped: the pages and API report them per request
   */
  readonly onQueueError?: (queueName: string, error: Error) => void;
}

/** A running dashboard. */
export interface Dashboard {
  /** Where the UI is, ending in `/`, e.g. `http://127.0.0.1:3000/`; its JSON API is under `api/`. */
  readonly url: string;
  /** The port actually bound (the one picked when `port` was 0). */
  readonly port: number;
  /** The queues shown, in the order given. */
  readonly queueNames: readonly string[];
  /** Stops listening, drops open connections and closes the queues' Redis connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves bull-board's live view of queues, jobs, progress and failures for the queues on one
 * Redis. The UI keeps bull-board's actions (retry, promote, remove, clean, pause, empty,
 * obliterate): anyone who can reach the port can change or delete jobs, which is why it listens
 * on loopback ({@link DEFAULT_DASHBOARD_HOST}) unless told otherwise.
 *
 * @param options - Redis URL, queue names, host, port and base path; see {@link DashboardOptions}
 * @returns the running dashboard; the caller owns it and must `close()` it
 * @throws InputError naming `--port` for a port that is not an integer in 0..65535, already in
 *   use or not allowed; `--host` for an empty host or an address that cannot be bound; `--name`
 *   for a bad, duplicated or missing queue name; `basePath` for a malformed path; `--queue` when
 *   Redis does not answer (checked before anything listens)
 * @example
 * const dashboard = await startDashboard({ url: parseQueueUrl('redis://127.0.0.1:6379'), port: 0 });
 * console.log(dashboard.url); // http://127.0.0.1:PORT/
 * await dashboard.close();
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const host = checkHost(options.host ?? DEFAULT_DASHBOARD_HOST);
  const port = checkPort(options.port ?? DEFAULT_DASHBOARD_PORT);
  const basePath = checkBasePath(options.basePath ?? DEFAULT_DASHBOARD_BASE_PATH);
  const queueNames = checkQueueNames(options.queueNames ?? [DEFAULT_QUEUE_NAME]);
  await assertRedisReachable(options.url);

  const queues = queueNames.map((name) => {
    const queue = new Queue(name, { connection: { ...connectionOptions(options.url) } });
    // Without a listener an 'error' event (Redis went away) would crash the process.
    queue.on('error', (error: Error) => options.onQueueError?.(name, error));
    return queue;
  });
  const closeQueues = () => Promise.all(queues.map((queue) => queue.close())).then(() => undefined);
  let server: http.Server;
  try {
    server = await listen(boardApp(queues, basePath), host, port);
  } catch (error) {
    await closeQueues();
    throw error;
  }
  const bound = (server.address() as net.AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${net.isIPv6(host) ? `[${host}]` : host}:${bound}${basePath === '/' ? '/' : `${basePath}/`}`,
    port: bound,
    queueNames,
    close: () => {
      closing ??= Promise.all([closeServer(server), closeQueues()]).then(() => undefined);
      return closing;
    },
  };
}

/** The Express app with bull-board mounted at `basePath`. */
function boardApp(queues: readonly Queue[], basePath: string): express.Express {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: DASHBOARD_TITLE } },
  });
  const app = express();
  app.disable('x-powered-by');
  app.use(basePath, serverAdapter.getRouter());
  return app;
}

function listen(app: express.Express, host: string, port: number): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(app);
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      if (error.code === 'EADDRINUSE') {
        reject(new InputError(`--port ${port} is already in use on ${host}; pick another port (0 picks a free one)`, { argument: '--port', value: port }));
      } else if (error.code === 'EACCES') {
        reject(new InputError(`--port ${port} may not be bound by this user on ${host} (ports below 1024 usually need root)`, { argument: '--port', value: port }));
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
        reject(new InputError(`--host ${describeValue(host)} is not an address of this machine (${error.code} binding ${where})`, { argument: '--host', value: host }));
      } else {
        reject(error);
      }
    });
    server.listen(port, host, () => resolve(server));
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // bull-board's page polls with keep-alive; without this close() waits for the browser to go.
    server.closeAllConnections();
  });
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InputError(`--port must be an integer in 0..65535, got ${describeValue(port)}`, { argument: '--port', value: port });
  }
  return port;
}

function checkHost(host: string): string {
  if (typeof host !== 'string' || host.trim() === '' || /[\s/]/.test(host)) {
    throw new InputError(`--host must be a host name or IP address, got ${describeValue(host)}`, { argument: '--host', value: host });
  }
  return host;
}

function checkBasePath(basePath: string): string {
  if (typeof basePath !== 'string' || !/^\/([A-Za-z0-9._~-]+\/)*([A-Za-z0-9._~-]+\/?)?$/.test(basePath) || /(^|\/)\.\.?(\/|$)/.test(basePath)) {
    throw new InputError(`basePath must be "/" or "/SEGMENT[/SEGMENT...]" with segments from A-Z a-z 0-9 . _ ~ -, got ${describeValue(basePath)}`, {
      argument: 'basePath', value: basePath,
    });
  }
  return basePath.length > 1 ? basePath.replace(/\/$/, '') : basePath;
}

function checkQueueNames(names: readonly string[]): string[] {
  if (!Array.isArray(names) || names.length === 0) {
    throw new InputError(`--name must name at least one queue, got ${describeValue(names)}`, { argument: '--name', value: names });
  }
  const seen = new Set<string>();
  for (const name of names) {
    assertQueueName(name);
    if (seen.has(name)) throw new InputError(`--name ${JSON.stringify(name)} is given twice`, { argument: '--name', value: name });
    seen.add(name);
  }
  return [...names];
}
