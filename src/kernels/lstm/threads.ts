/**
 * Thread settings shared by every kernel path: how many threads split a call's batch, and the
 * smallest call worth splitting.
 */
import * as os from 'node:os';

/**
 * Below this many multiply-adds per call (B * T * 4H * (D + H)) one thread is faster than a
 * fork-join (config S: 2.2e5).
 */
export const MIN_WORK_PER_THREAD_SPLIT = 1e6;

/** Threads to use: `LSTM_KERNEL_THREADS` (1 or 2), else 2 where 2+ cores are available. */
export function threadCount(): number {
  const env = process.env.LSTM_KERNEL_THREADS;
  if (env === '1' || env === '2') return Number(env);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return cores >= 2 ? 2 : 1;
}
