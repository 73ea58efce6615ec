/**
 * The `dashboard` command line: `--queue redis://… [--port P] [--host H] [--name Q]...` parsed
 * into {@link DashboardOptions} for {@link startDashboard}, served until SIGINT or SIGTERM.
 * `scripts/dashboard.ts` only calls {@link runDashboardCli}.
 */
import * as net from 'node:net';
import { Command, CommanderError } from 'commander';
import { InputError } from '../errors';
import { DEFAULT_DASHBOARD_HOST, DEFAULT_DASHBOARD_PORT, startDashboard, type Dashboard, type DashboardOptions } from './dashboard';
import { DEFAULT_QUEUE_NAME, parseQueueUrl } from './url';

/** Exit code for bad input (usage, URL, unreachable Redis, port); nothing was served. */
export const EXIT_INPUT = 2;

/** Where the dashboard command writes; tests pass buffers. */
export interface DashboardCliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Options for {@link dashboardMain}. */
export interface DashboardCliOptions {
  /** @defaultValue `process.stdout` and `process.stderr` */
  readonly io?: DashboardCliIo;
  /**
   * Stops serving when aborted. Without one, the first SIGINT or SIGTERM stops it (a second one
   * then ends the process at once, as the handlers are gone by then).
   * @defaultValue SIGINT and SIGTERM
   */
  readonly signal?: AbortSignal;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function buildProgram(): Command {
  return new Command('dashboard')
    .description('Serve a live view of BullMQ queues, jobs, progress and failures (bull-board). Its pages can retry and delete jobs.')
    .requiredOption('--queue <url>', 'Redis URL, redis://[USER:PASSWORD@]HOST:PORT[/DB] or rediss:// for TLS')
    .option('--port <port>', `TCP port, 0 for any free one (default: ${DEFAULT_DASHBOARD_PORT})`)
    .option('--host <host>', `address to listen on; anything but loopback lets others change the queues (default: ${DEFAULT_DASHBOARD_HOST})`)
    .option('--name <queue>', `queue to show (repeatable; default: ${DEFAULT_QUEUE_NAME})`, collect)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
}

function parseCli(argv: readonly string[]): DashboardOptions | { help: string } {
  const program = buildProgram();
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') return { help: program.helpInformation() };
      throw new InputError(error.message.replace(/^error: /, ''), { argument: 'argv' });
    }
    throw error;
  }
  if (program.args.length > 0) {
    throw new InputError(`dashboard takes no positional arguments, got ${JSON.stringify(program.args.join(' '))}`, { argument: 'argv' });
  }
  const opts = program.opts<{ queue: string; port?: string; host?: string; name?: string[] }>();
  return {
    url: parseQueueUrl(opts.queue, '--queue'),
    port: opts.port === undefined ? DEFAULT_DASHBOARD_PORT : parsePort(opts.port),
    // `[::1]` as in a URL: listen() wants the bare address.
    host: opts.host?.replace(/^\[(.*)\]$/, '$1') ?? DEFAULT_DASHBOARD_HOST,
    queueNames: opts.name ?? [DEFAULT_QUEUE_NAME],
  };
}

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new InputError(`--port must be an integer in 0..65535, got ${JSON.stringify(text)}`, { argument: '--port', value: text });
  }
  return port;
}

/** Whether `host` only accepts connections from this machine: `localhost`, 127.0.0.0/8 or ::1. */
function isLoopback(host: string): boolean {
  const bare = host.toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.replace(/^::ffff:/, '');
  return net.isIPv4(v4) && v4.startsWith('127.');
}

/** What stops the server: a promise of the reason, and a way to stop waiting. */
interface StopWatch {
  readonly stopped: Promise<string>;
  readonly dispose: () => void;
}

function watchForStop(signal: AbortSignal | undefined): StopWatch {
  let resolveStop: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => { resolveStop = resolve; });
  if (signal !== undefined) {
    const onAbort = () => resolveStop('stopped');
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    return { stopped, dispose: () => signal.removeEventListener('abort', onAbort) };
  }
  const dispose = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  // Removed on the first signal, so a second Ctrl-C during a slow close ends the process.
  const onSignal = (name: NodeJS.Signals) => {
    dispose();
    resolveStop(name);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { stopped, dispose };
}

async function start(parsed: DashboardOptions, io: DashboardCliIo): Promise<Dashboard> {
  const lastError = new Map<string, string>();
  return startDashboard({
    ...parsed,
    onQueueError: (queue, error) => {
      // ioredis retries every few hundred ms while Redis is down: report each new error once.
      if (lastError.get(queue) === error.message) return;
      lastError.set(queue, error.message);
      io.stderr(`dashboard: warning: queue ${queue}: Redis error: ${error.message}\n`);
    },
  });
}

/**
 * Runs the dashboard command line: checks the options and that Redis answers, listens, prints
 * `dashboard: URL (queues: NAMES)` to stdout and serves until stopped, then closes.
 * A `--host` that is not loopback draws a warning on stderr: the pages can retry and delete jobs.
 *
 * @param argv - the arguments after the program name
 * @param options - where to write and what stops the server; see {@link DashboardCliOptions}
 * @returns the exit code: 0 after serving and closing (or after `--help`), 2 for bad input
 *   (`dashboard: error: MESSAGE` on stderr, nothing served)
 * @throws whatever is not bad input (a bug, or a failure while closing)
 * @example
 * const controller = new AbortController();
 * const done = dashboardMain(['--queue', 'redis://127.0.0.1:6379', '--port', '0'], { signal: controller.signal });
 * controller.abort();
 * process.exitCode = await done; // 0
 */
export async function dashboardMain(argv: readonly string[], options: DashboardCliOptions = {}): Promise<number> {
  const io = options.io ?? { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) };
  // Watch before the slow start (the Redis check), so a Ctrl-C during it is not lost.
  const watch = watchForStop(options.signal);
  let dashboard: Dashboard;
  let host: string;
  try {
    const parsed = parseCli(argv);
    if ('help' in parsed) {
      watch.dispose();
      io.stdout(parsed.help);
      return 0;
    }
    host = parsed.host ?? DEFAULT_DASHBOARD_HOST;
    dashboard = await start(parsed, io);
  } catch (error) {
    watch.dispose();
    if (error instanceof InputError) {
      io.stderr(`dashboard: error: ${error.message}\n`);
      return EXIT_INPUT;
    }
    throw error;
  }
  if (!isLoopback(host)) {
    io.stderr(`dashboard: warning: --host ${host} is not a loopback address: anyone who can reach port ${dashboard.port} can retry or delete jobs\n`);
  }
  io.stdout(`dashboard: ${dashboard.url} (queues: ${dashboard.queueNames.join(', ')})\n`);
  const reason = await watch.stopped;
  io.stderr(`dashboard: ${reason}: closing\n`);
  await dashboard.close();
  return 0;
}

/**
 * The process entry point of `scripts/dashboard.ts`: runs {@link dashboardMain} on the process
 * arguments, stopping on SIGINT or SIGTERM, and exits with its code (1 for an unexpected error,
 * printed with its stack).
 *
 * @param argv - arguments after the program name @defaultValue `process.argv.slice(2)`
 */
export function runDashboardCli(argv: readonly string[] = process.argv.slice(2)): void {
  dashboardMain(argv).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`dashboard: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
