import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Notebook } from '../../src/notebook/nbformat';

/** Project root and fixture paths. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(PROJECT_ROOT, 'tests', 'fixtures', 'notebooks');
export const fixture = (name: string): string => path.join(FIXTURES, name);

/** A fresh temporary folder. */
export function tempDir(prefix = 'notebook-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Parses a written notebook. */
export function readJson(file: string): Notebook {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Notebook;
}

/**
 * Live processes as `{pid, pgid, args}` rows (`ps -eo pid,pgid,stat,args`). Zombies (`Z`) are left
 * out: they have exited and only wait for init to reap them.
 */
export function processTable(): Array<{ pid: number; pgid: number; args: string }> {
  return execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && !m[3].startsWith('Z'))
    .map((m) => ({ pid: Number(m[1]), pgid: Number(m[2]), args: m[4] }));
}

/** Processes that are (or belong to the process group of) one of these kernel pids. */
export function leftoverKernels(pids: readonly number[]): string[] {
  return processTable().filter((row) => pids.includes(row.pid) || pids.includes(row.pgid)).map((row) => `${row.pid} ${row.pgid} ${row.args}`);
}

/** tslab kernel processes whose arguments mention `marker` (e.g. a per-test TMPDIR holding the connection file). */
export function kernelsMentioning(marker: string): string[] {
  return processTable().filter((row) => row.args.includes('tslab') && row.args.includes(marker)).map((row) => `${row.pid} ${row.args}`);
}

/** Joined text of a cell's stream outputs of one name. */
export function streamText(nb: Notebook, cellIndex: number, name: 'stdout' | 'stderr' = 'stdout'): string {
  const cell = nb.cells[cellIndex];
  if (cell.cell_type !== 'code') return '';
  return cell.outputs.flatMap((o) => (o.output_type === 'stream' && o.name === name ? [Array.isArray(o.text) ? o.text.join('') : o.text] : [])).join('');
}

/** Waits until `check` holds, polling. */
export async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
