/**
 * A Jupyter kernel process and the client half of its five zeromq channels: spawn from a
 * kernelspec with a fresh connection file, wait until it answers, execute code, interrupt, shut
 * down, and kill its whole process group on every exit path.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zmq from 'zeromq';
import { kernelArgv, type KernelSpec } from './kernelspec';
import { decodeMessage, encodeMessage, newMessage, type JupyterMessage, type SigningKey } from './messages';
import { isProcessAlive } from '../io/process';

/** Seconds to wait for a kernel to answer after spawning it (papermill's `--start-timeout`). */
export const DEFAULT_START_TIMEOUT_S = 60;
/** Milliseconds between heartbeat pings. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1000;
/** Milliseconds a kernel gets to exit after `shutdown_request` before its process group is killed. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 1500;
/** How many bytes of the kernel's own stdout/stderr are kept for error messages. */
const PROCESS_OUTPUT_LIMIT = 16_384;

/** The contents of a Jupyter connection file. */
export interface ConnectionInfo {
  readonly transport: 'tcp';
  readonly ip: string;
  readonly shell_port: number;
  readonly iopub_port: number;
  readonly stdin_port: number;
  readonly control_port: number;
  readonly hb_port: number;
  readonly key: string;
  readonly signature_scheme: string;
  readonly kernel_name: string;
}

/** Options for {@link KernelClient.start}. */
export interface KernelStartOptions {
  readonly spec: KernelSpec;
  /** Working directory of the kernel process. */
  readonly cwd: string;
  /** Seconds to wait for the kernel to answer `kernel_info_request`. @defaultValue {@link DEFAULT_START_TIMEOUT_S} */
  readonly startTimeoutS?: number;
  /** Extra environment variables (over `process.env` and the kernelspec's `env`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Heartbeat period in ms. @defaultValue {@link DEFAULT_HEARTBEAT_INTERVAL_MS} */
  readonly heartbeatIntervalMs?: number;
}

/** How a kernel process ended. */
export interface KernelExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Thrown by {@link KernelClient.execute} when the kernel process exits before the cell finishes. */
export class KernelDiedError extends Error {
  constructor(readonly exit: KernelExit, readonly processOutput: string) {
    super(
      `Kernel died ${exit.signal !== null ? `from signal ${exit.signal}` : `with exit code ${exit.code}`}` +
        (/heap out of memory|Reached heap limit/i.test(processOutput) ? ' (JavaScript heap out of memory)' : ''),
    );
    this.name = 'DeadKernelError';
  }
}

/** Thrown by {@link KernelClient.start} when the kernel does not answer within the start timeout. */
export class KernelStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelStartError';
  }
}

/** The `execute_reply` content. */
export interface ExecuteReply {
  readonly status: 'ok' | 'error' | 'abort';
  readonly content: Record<string, unknown>;
  /**
   * True when the iopub `idle` status never came within {@link IOPUB_IDLE_GRACE_MS} of the reply:
   * some outputs were lost (tslab 1.0.22's publisher drops messages, its `idle` included, when a
   * cell writes more than about a thousand outputs in one synchronous burst).
   */
  readonly iopubIncomplete?: boolean;
}

/** How long to wait for a request's iopub `idle` after its reply before giving up on the rest. */
export const IOPUB_IDLE_GRACE_MS = 2000;

/** Options for {@link KernelClient.execute}. */
export interface ExecuteOptions {
  /** Called for every iopub message that answers this request (stream, display_data, error, ...). */
  readonly onIopub?: (message: JupyterMessage) => void;
}

/** A request in flight: settled by its execute_reply plus its iopub `idle` status. */
interface Pending {
  readonly onIopub?: (message: JupyterMessage) => void;
  reply?: ExecuteReply;
  idle: boolean;
  idleTimer?: NodeJS.Timeout;
  readonly resolve: (reply: ExecuteReply) => void;
  readonly reject: (error: Error) => void;
}

/** Connection folders are `<tmpdir>/run-notebook-<runner pid>-<random>`. */
const CONNECTION_DIR_PREFIX = 'run-notebook-';

/** Environment variables through which the runner configures the kernel-side watchdog. */
const WATCHDOG_ENV = {
  parent: 'RUN_NOTEBOOK_PARENT_PID',
  dir: 'RUN_NOTEBOOK_CONNECTION_DIR',
  nodeOptions: 'RUN_NOTEBOOK_NODE_OPTIONS',
} as const;

/**
 * Loaded into a Node kernel with `--require` (from its connection folder). A runner killed with
 * SIGKILL cannot kill its kernels, so each kernel watches for itself: a worker thread (which
 * keeps running while a cell blocks the kernel's own event loop, e.g. in `execSync`) checks
 * twice a second whether the kernel's parent is still the runner; when it is not, it removes the
 * connection folder (it holds the HMAC key) and kills the kernel's process group. The preload
 * first restores NODE_OPTIONS, so processes that cells start do not load it.
 */
const WATCHDOG_SOURCE = `'use strict';
(() => {
  const env = process.env;
  const parent = Number(env.${WATCHDOG_ENV.parent});
  const dir = env.${WATCHDOG_ENV.dir};
  const before = env.${WATCHDOG_ENV.nodeOptions};
  if (before) env.NODE_OPTIONS = before; else delete env.NODE_OPTIONS;
  delete env.${WATCHDOG_ENV.parent};
  delete env.${WATCHDOG_ENV.dir};
  delete env.${WATCHDOG_ENV.nodeOptions};
  if (!(parent > 1) || !dir || process.ppid !== parent) return;
  const { Worker } = require('worker_threads');
  const code = \`
    const { workerData } = require('worker_threads');
    setInterval(() => {
      if (process.ppid === workerData.parent) return;
      try { require('fs').rmSync(workerData.dir, { recursive: true, force: true }); } catch (e) {}
      try { process.kill(-workerData.pid, 'SIGKILL'); } catch (e) {}
      process.kill(workerData.pid, 'SIGKILL');
    }, 500);\`;
  const worker = new Worker(code, { eval: true, workerData: { parent, dir, pid: process.pid }, env: {}, stdout: true, stderr: true });
  worker.unref();
})();
`;


/**
 * Removes connection folders of runners that are gone (killed before they could clean up):
 * they hold HMAC keys of kernels that no longer exist.
 */
export function removeStaleConnectionDirs(tmp: string = os.tmpdir()): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(tmp);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = new RegExp(`^${CONNECTION_DIR_PREFIX}(\\d+)-`).exec(name);
    if (!match || isProcessAlive(Number(match[1]))) continue;
    fs.rmSync(path.join(tmp, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Kernels alive in this process; killed synchronously if the process exits without shutting them down. */
const liveKernels = new Set<KernelClient>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const kernel of liveKernels) kernel.kill();
  });
}

/**
 * The number of kernels started by this process and not yet shut down or killed.
 * @example liveKernelCount(); // 0
 */
export function liveKernelCount(): number {
  return liveKernels.size;
}

/**
 * Kills every live kernel's process group (SIGKILL), e.g. from a SIGTERM handler.
 * @example killAllKernels();
 */
export function killAllKernels(): void {
  for (const kernel of [...liveKernels]) kernel.kill();
}

async function freePorts(count: number, host: string): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, host, () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/**
 * A running kernel: its process (in its own process group) and client sockets.
 *
 * @example
 * const kernel = await KernelClient.start({ spec: findKernelSpec('tslab'), cwd: process.cwd() });
 * try { await kernel.execute('console.log(1 + 1)', { onIopub: (m) => console.log(m.content) }); }
 * finally { await kernel.shutdown(); }
 */
export class KernelClient {
  /** `kernel_info_reply` content. */
  kernelInfo: Record<string, unknown> = {};
  /** Resolves when the kernel process exits (never rejects). */
  readonly exited: Promise<KernelExit>;
  /** Time of the last heartbeat echo (ms since epoch), 0 before the first. */
  lastHeartbeatAt = 0;

  private readonly session = randomUUID();
  private readonly signing: SigningKey;
  private readonly shell = new zmq.Dealer({ linger: 0 });
  private readonly control = new zmq.Dealer({ linger: 0 });
  // Unbounded: a cell printing thousands of lines in a burst must not overflow our side (tslab's
  // publisher drops what it cannot hand on).
  private readonly iopub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
  private readonly pending = new Map<string, Pending>();
  private readonly iopubWaiters = new Set<() => void>();
  private exit: KernelExit | null = null;
  private processOutput = '';
  private closed = false;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private readonly onClose: Array<() => void> = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly connection: ConnectionInfo,
    private readonly connectionFile: string,
    readonly spec: KernelSpec,
  ) {
    this.signing = { key: connection.key, scheme: connection.signature_scheme };
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        // Grandchildren (anything a cell spawned) share the group; the group outlives its leader.
        this.killGroup('SIGKILL');
        const error = new KernelDiedError(this.exit, this.processOutput);
        for (const pending of this.pending.values()) pending.reject(error);
        this.pending.clear();
        for (const wake of this.iopubWaiters) wake();
        resolve(this.exit);
      });
    });
    const keep = (chunk: Buffer) => {
      this.processOutput = (this.processOutput + chunk.toString()).slice(-PROCESS_OUTPUT_LIMIT);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** The kernel's process id (also its process group id). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The kernel's own stdout/stderr (not cell output), last 16 KiB. */
  get output(): string {
    return this.processOutput;
  }

  /** Whether the kernel process is still running. */
  get alive(): boolean {
    return this.exit === null;
  }

  /**
   * Spawns the kernel in its own process group, connects, and waits until it answers
   * `kernel_info_request` and its iopub channel delivers.
   *
   * @throws KernelStartError on timeout or when the process exits during start (it is killed)
   */
  static async start(options: KernelStartOptions): Promise<KernelClient> {
    installExitHook();
    const ip = '127.0.0.1';
    const [shell, iopub, stdin, control, hb] = await freePorts(5, ip);
    const connection: ConnectionInfo = {
      transport: 'tcp', ip, shell_port: shell, iopub_port: iopub, stdin_port: stdin, control_port: control,
      hb_port: hb, key: randomBytes(32).toString('hex'), signature_scheme: 'hmac-sha256', kernel_name: options.spec.name,
    };
    removeStaleConnectionDirs();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${CONNECTION_DIR_PREFIX}${process.pid}-`));
    const connectionFile = path.join(dir, `kernel-${randomUUID()}.json`);
    fs.writeFileSync(connectionFile, JSON.stringify(connection, null, 2), { mode: 0o600 });
    const watchdog = path.join(dir, 'watchdog.js');
    fs.writeFileSync(watchdog, WATCHDOG_SOURCE, { mode: 0o600 });
    const [command, ...args] = kernelArgv(options.spec, connectionFile);
    const env = { ...process.env, ...options.spec.spec.env, ...options.env };
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: {
        ...env,
        // Node kernels (tslab) load the watchdog first: it ends the kernel when this process dies.
        NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(watchdog)}`.trim(),
        [WATCHDOG_ENV.parent]: String(process.pid),
        [WATCHDOG_ENV.dir]: dir,
        [WATCHDOG_ENV.nodeOptions]: env.NODE_OPTIONS ?? '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group, so the group can be killed as one
    });
    const kernel = new KernelClient(child, connection, connectionFile, options.spec);
    liveKernels.add(kernel);
    const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
    try {
      await Promise.race([
        kernel.connect(((options.startTimeoutS ?? DEFAULT_START_TIMEOUT_S) * 1000)),
        spawnError,
      ]);
    } catch (error) {
      kernel.kill();
      throw error instanceof KernelStartError ? error : new KernelStartError(`Kernel ${options.spec.name} failed to start: ${(error as Error).message}`);
    }
    kernel.startHeartbeat(options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS);
    return kernel;
  }

  private async connect(timeoutMs: number): Promise<void> {
    const url = (port: number) => `${this.connection.transport}://${this.connection.ip}:${port}`;
    this.shell.connect(url(this.connection.shell_port));
    this.control.connect(url(this.connection.control_port));
    this.iopub.connect(url(this.connection.iopub_port));
    this.iopub.subscribe();
    void this.receiveLoop(this.shell);
    void this.receiveLoop(this.control);
    void this.receiveLoop(this.iopub);
    const deadline = Date.now() + timeoutMs;
    // Repeat kernel_info_request until both its reply and an iopub message come back: a SUB
    // socket misses whatever was published before its subscription reached the kernel.
    let sawIopub = false;
    const onAnyIopub = () => { sawIopub = true; };
    this.iopubWaiters.add(onAnyIopub);
    try {
      while (Date.now() < deadline) {
        if (this.exit !== null) {
          throw new KernelStartError(
            `Kernel ${this.spec.name} exited during start (${new KernelDiedError(this.exit, this.processOutput).message}): ${this.processOutput.trim().slice(-2000)}`,
          );
        }
        const request = newMessage({ msgType: 'kernel_info_request', session: this.session, content: {} });
        const reply = this.request(this.shell, request);
        const remaining = Math.max(0, deadline - Date.now());
        const answered = await Promise.race([reply, delay(Math.min(500, remaining)).then(() => null)]).catch(() => null);
        if (answered !== null) {
          this.kernelInfo = answered.content;
          if (!sawIopub) await delay(50);
          if (sawIopub) return;
        } else {
          this.pending.delete(request.header.msg_id);
        }
      }
      throw new KernelStartError(`Kernel ${this.spec.name} did not answer within ${(timeoutMs / 1000).toFixed(1)} s (start timeout)`);
    } finally {
      this.iopubWaiters.delete(onAnyIopub);
    }
  }

  private startHeartbeat(intervalMs: number): void {
    const hb = new zmq.Request({ linger: 0, relaxed: true, correlate: true, receiveTimeout: intervalMs });
    hb.connect(`${this.connection.transport}://${this.connection.ip}:${this.connection.hb_port}`);
    const beat = async () => {
      if (this.closed) return;
      try {
        await hb.send('ping');
        await hb.receive();
        this.lastHeartbeatAt = Date.now();
      } catch {
        // A missed beat: tslab answers heartbeats on its event loop, so synchronous cell code delays
        // them. Liveness is decided by the process itself (see `exited`), not by missed beats.
      }
      if (!this.closed) this.heartbeatTimer = setTimeout(beat, intervalMs);
    };
    this.heartbeatTimer = setTimeout(beat, 0);
    this.heartbeatTimer.unref();
    this.onClose.push(() => hb.close());
  }

  private async receiveLoop(socket: zmq.Dealer | zmq.Subscriber): Promise<void> {
    try {
      for await (const frames of socket) {
        let message: JupyterMessage;
        try {
          message = decodeMessage(frames, this.signing);
        } catch {
          continue; // unsigned or malformed: ignored, as jupyter_client does
        }
        this.dispatch(message, socket === this.iopub);
      }
    } catch {
      // socket closed
    }
  }

  private dispatch(message: JupyterMessage, fromIopub: boolean): void {
    const parentId = message.parent_header.msg_id;
    const pending = parentId === undefined ? undefined : this.pending.get(parentId);
    if (fromIopub) {
      for (const wake of this.iopubWaiters) wake();
      if (pending === undefined) return;
      if (message.header.msg_type === 'status' && message.content.execution_state === 'idle') {
        pending.idle = true;
      } else {
        pending.onIopub?.(message);
      }
    } else if (pending !== undefined) {
      pending.reply = { status: (message.content.status as ExecuteReply['status']) ?? 'ok', content: message.content };
      if (!pending.idle && pending.onIopub) {
        const id = parentId as string;
        pending.idleTimer = setTimeout(() => {
          if (this.pending.get(id) !== pending || pending.reply === undefined) return;
          this.pending.delete(id);
          pending.resolve({ ...pending.reply, iopubIncomplete: true });
        }, IOPUB_IDLE_GRACE_MS);
      }
    }
    if (pending !== undefined && pending.reply !== undefined && (pending.idle || !pending.onIopub)) {
      if (pending.idleTimer !== undefined) clearTimeout(pending.idleTimer);
      this.pending.delete(parentId as string);
      pending.resolve(pending.reply);
    }
  }

  private request(socket: zmq.Dealer, message: JupyterMessage, options: ExecuteOptions = {}): Promise<ExecuteReply> {
    if (this.exit !== null) return Promise.reject(new KernelDiedError(this.exit, this.processOutput));
    return new Promise<ExecuteReply>((resolve, reject) => {
      this.pending.set(message.header.msg_id, { onIopub: options.onIopub, idle: false, resolve, reject });
      socket.send(encodeMessage(message, this.signing)).catch(reject);
    });
  }

  /**
   * Sends `execute_request` and resolves once its `execute_reply` and its iopub `idle` status
   * have both arrived, so every output of the cell has been passed to `onIopub`.
   *
   * @throws KernelDiedError when the kernel process exits first
   */
  execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteReply> {
    const message = newMessage({
      msgType: 'execute_request',
      session: this.session,
      content: { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
    });
    return this.request(this.shell, message, { onIopub: options.onIopub ?? (() => undefined) });
  }

  /**
   * Interrupts the running cell: SIGINT to the kernel process for `interrupt_mode: signal` (the
   * default, and tslab's), `interrupt_request` on the control channel for `message`.
   */
  interrupt(): void {
    if (this.exit !== null) return;
    if (this.spec.spec.interrupt_mode === 'message') {
      const message = newMessage({ msgType: 'interrupt_request', session: this.session, content: {} });
      void this.control.send(encodeMessage(message, this.signing)).catch(() => undefined);
    } else {
      try {
        process.kill(this.pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
  }

  /**
   * Asks the kernel to shut down, waits up to `graceMs` for it to exit, then kills its process
   * group; closes the sockets and removes the connection file. Safe to call more than once.
   */
  async shutdown(graceMs: number = DEFAULT_SHUTDOWN_GRACE_MS): Promise<KernelExit | null> {
    if (this.exit === null && !this.closed) {
      const message = newMessage({ msgType: 'shutdown_request', session: this.session, content: { restart: false } });
      void this.control.send(encodeMessage(message, this.signing)).catch(() => undefined);
      await Promise.race([this.exited, delay(graceMs)]);
    }
    this.kill();
    return Promise.race([this.exited, delay(graceMs).then(() => this.exit)]);
  }

  /** Kills the kernel's process group with SIGKILL and releases the client side. Synchronous. */
  kill(): void {
    this.killGroup('SIGKILL');
    this.close();
  }

  private killGroup(signal: NodeJS.Signals): void {
    if (this.pid <= 0) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      // group already empty
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    liveKernels.delete(this);
    if (this.heartbeatTimer !== null) clearTimeout(this.heartbeatTimer);
    for (const hook of this.onClose) hook();
    this.shell.close();
    this.control.close();
    this.iopub.close();
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    fs.rmSync(path.dirname(this.connectionFile), { recursive: true, force: true });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
