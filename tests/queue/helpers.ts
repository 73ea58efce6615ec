import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { processTable } from '../notebook/helpers';

const ROOT = path.resolve(__dirname, '..', '..');
const TS_NODE = require.resolve('ts-node/dist/bin.js', { paths: [ROOT] });

/** A worker process started from `scripts/worker.ts`, with its log. */
export interface TestWorker {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it printed so far. */
  log(): string;
  /** Resolves when the log matches. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal) once it has exited. */
  exited: Promise<number | NodeJS.Signals>;
}

/**
 * Starts `npm run worker` (ts-node) in its own process group with `TMPDIR` set to `tmpdir`, so
 * that its kernels can be found by their connection files and nothing is left behind.
 */
export function startWorkerProcess(args: readonly string[], tmpdir: string): TestWorker {
  fs.mkdirSync(tmpdir, { recursive: true });
  const child = spawn(process.execPath, [TS_NODE, '--transpile-only', path.join(ROOT, 'scripts', 'worker.ts'), ...args], {
    cwd: ROOT, env: { ...process.env, TMPDIR: tmpdir }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal!)));
  process.once('exit', () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } });
  return {
    child, pid: child.pid!, exited, log: () => text,
    waitForLog: async (pattern, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(text);
        if (match) return match;
        if (Date.now() > deadline) throw new Error(`worker log did not match ${pattern} within ${timeoutMs} ms:\n${text}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/** Live processes in a process group (the worker's own group: it, its sandbox children). */
export function groupMembers(pgid: number): string[] {
  return processTable().filter((row) => row.pgid === pgid).map((row) => `${row.pid} ${row.args}`);
}

/** A notebook with a `parameters` cell (`seconds`, `label`), a sleep, and a glue of both; run it with `--cwd` the project root. */
export function sleepNotebook(dir: string): string {
  const file = path.join(dir, 'sleep.ipynb');
  const code = (source: string, tags: string[] = []) => ({ cell_type: 'code', execution_count: null, metadata: { tags }, outputs: [], source });
  fs.writeFileSync(file, JSON.stringify({
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: [
      code('let seconds = 0;\nlet label = "none";', ['parameters']),
      code('await new Promise((resolve) => setTimeout(resolve, seconds * 1000));\nconsole.log(`slept ${seconds} s`);'),
      // Imported as the fixtures do: run it with --cwd at the project root.
      code('import { glue } from "./src/notebook/glue";\nglue("label", label);\nglue("seconds", seconds);\nglue("artifacts", process.env.LSTM_WORKBENCH_ARTIFACTS_DIR ?? "");'),
    ],
  }));
  return file;
}
