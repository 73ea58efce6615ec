/**
 * `npm run worker -- --queue redis://HOST:PORT[/DB] [--concurrency N] [--name Q]`: a queue worker
 * as a process. `scripts/worker.ts` and the package bin only call {@link runWorkerCli}.
 */
import { Command, CommanderError } from 'commander';
import { InputError } from '../errors';
import { LIBRARY } from '../version';
import { killAllKernels } from '../notebook/kernel';
import { DEFAULT_LOCK_DURATION_MS, startQueueWorker, type QueueWorker } from './worker';
import { DEFAULT_QUEUE_NAME, parseQueueUrl } from './url';

/** Exit code for bad input (nothing started). */
export const EXIT_INPUT = 2;

function buildProgram(): Command {
  return new Command('worker')
    .description('Run notebook and forecast jobs from a BullMQ queue on Redis, each in a child process.')
    .requiredOption('--queue <url>', 'Redis URL: redis://[USER:PASSWORD@]HOST:PORT[/DB] (rediss:// for TLS)')
    .option('--name <queue>', 'queue name', DEFAULT_QUEUE_NAME)
    .option('--concurrency <n>', 'jobs run at once, each in its own child process', (v) => Number(v), 1)
    .option('--worker-name <name>', 'name recorded on every job (default: HOST:PID)')
    .option('--lock-duration <seconds>', 'a worker silent this long is presumed lost and its job runs again elsewhere', (v) => Number(v), DEFAULT_LOCK_DURATION_MS / 1000)
    .option('--artifacts <dir>', 'where forecast jobs without a shared --artifacts keep their output folders', 'runs/queue')
    .version(LIBRARY.version, '--version', 'print the version and exit')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
}

/**
 * Starts a worker and resolves with the exit code once it has stopped: SIGTERM or SIGINT stop it
 * taking jobs and let the running ones finish (exit 0); a second signal puts the running jobs
 * back in the queue for another worker and exits at once (0); the sandboxed children and their
 * kernels exit with it.
 *
 * @returns 0 after a clean stop, 2 for bad input or an unreachable Redis (nothing started)
 */
export async function workerMain(argv: readonly string[], log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<number> {
  const program = buildProgram();
  let worker: QueueWorker;
  try {
    program.parse(argv as string[], { from: 'user' });
    const opts = program.opts();
    const lockSeconds = opts.lockDuration as number;
    if (!Number.isFinite(lockSeconds)) throw new InputError(`--lock-duration must be a number of seconds, got ${String(lockSeconds)}`, { argument: '--lock-duration' });
    worker = await startQueueWorker({
      url: parseQueueUrl(opts.queue as string), queueName: opts.name as string, concurrency: opts.concurrency as number,
      name: opts.workerName as string | undefined, lockDurationMs: Math.round(lockSeconds * 1000), artifactsDir: opts.artifacts as string, log,
    });
    log(`worker ${worker.name}: waiting for jobs on ${opts.name as string} at ${parseQueueUrl(opts.queue as string).display} (concurrency ${opts.concurrency as number})`);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_INPUT;
    if (error instanceof InputError) {
      process.stderr.write(`worker: error: ${error.message}\n`);
      return EXIT_INPUT;
    }
    throw error;
  }
  return new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals === 1) {
        const running = worker.running().length;
        log(`worker ${worker.name}: ${signal}: taking no more jobs; finishing ${running} running job(s) (send it again to hand them back now)`);
        void worker.close().then(() => resolve(0));
        return;
      }
      void worker.handBack().then((ids) => {
        log(`worker ${worker.name}: ${signal} again: handed back ${ids.join(', ') || 'nothing'}`);
        resolve(0);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/** The process entry point: runs {@link workerMain} and exits with its code. */
export function runWorkerCli(argv: readonly string[] = process.argv.slice(2)): void {
  workerMain(argv).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`worker: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      killAllKernels();
      process.exit(1);
    },
  );
}
