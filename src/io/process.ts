/**
 * Whether a process still exists: how leftovers of killed runs (temporary directories, kernel
 * connection folders named after their owner's pid) are told from those of live ones.
 */

/**
 * Whether a process with this pid exists (signal 0 probes without sending anything).
 *
 * @param pid - A process id, a positive integer.
 * @returns `true` when it exists, also when it belongs to another user (`EPERM`).
 * @example
 * isProcessAlive(process.pid); // true
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
