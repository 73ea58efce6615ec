/**
 * The `forecast` CLI as a process: signals at every stage, temporary directories of killed runs,
 * checks that must fail before training, flag parsing, bounded reads from a loopback server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_STAGES } from '../../src/job/metrics';
import { ROOT } from '../helpers/runScript';

const HARNESS = path.join(ROOT, 'tests', 'fixtures', 'job', 'stage-harness.ts');
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'job');
const tsNodeRegister = require.resolve('ts-node/register/transpile-only', { paths: [ROOT] });

let root: string;
let counter = 0;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'forecast-proc-'));
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await fs.rm(root, { recursive: true, force: true });
});

async function freshParent(): Promise<string> {
  const dir = path.join(root, `case-${++counter}`);
  await fs.mkdir(dir);
  return dir;
}

interface Proc {
  readonly child: ChildProcess;
  /** Resolves when stderr has printed `text`. */
  readonly waitFor: (text: string) => Promise<void>;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts the CLI (through the stage harness) as a child process. */
function start(argv: readonly string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, ['-r', tsNodeRegister, HARNESS, ...argv], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => {
    stderr += String(d);
    for (const w of waiters.splice(0)) {
      if (stderr.includes(w.text)) w.resolve();
      else waiters.push(w);
    }
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      // Let the pipes drain.
      setTimeout(() => resolve({ code, signal, stdout, stderr }), 50);
    });
  });
  const waitFor = (text: string): Promise<void> =>
    new Promise((resolve, reject) => {
      if (stderr.includes(text)) return resolve();
      waiters.push({ text, resolve });
      void done.then(() => reject(new Error(`process ended before printing ${JSON.stringify(text)}; stderr:\n${stderr}`)));
    });
  return { child, waitFor, done };
}

function baseArgs(out: string, ...extra: string[]): string[] {
  return [
    '--csv', path.join(FIXTURES, 'seasonal.csv'), '--time', 'month', '--target', 'sales', '--out', out,
    '--backend', 'cpu', '--epochs', '2', '--units', '8', '--season', '12', '--horizon', '3', ...extra,
  ];
}

/** `argv` with `flag`'s value replaced (the CLI rejects a flag given twice). */
function withFlag(argv: readonly string[], flag: string, value: string): string[] {
  const copy = [...argv];
  const i = copy.indexOf(flag);
  if (i < 0) copy.push(flag, value);
  else copy[i + 1] = value;
  return copy;
}

async function siblings(parent: string): Promise<string[]> {
  return (await fs.readdir(parent)).sort();
}

describe('forecast CLI: signals', () => {
  const cases: [(typeof JOB_STAGES)[number], NodeJS.Signals, number][] = [
    ...JOB_STAGES.map((stage): [(typeof JOB_STAGES)[number], NodeJS.Signals, number] => [stage, 'SIGTERM', 143]),
    ['setup', 'SIGINT', 130],
    ['train', 'SIGINT', 130],
    ['write', 'SIGINT', 130],
  ];
  it.each(cases)('%s stage, %s: exit %i, nothing at --out, no temporary sibling', async (stage, signal, exitCode) => {
    const parent = await freshParent();
    const out = path.join(parent, 'run');
    const proc = start(baseArgs(out, '--no-progress'), { PAUSE_AT: stage });
    await proc.waitFor(`paused at ${stage}`);
    // The temporary sibling exists while the job runs (it is how --out was checked).
    expect((await siblings(parent)).some((n) => n.startsWith('.run.tmp-'))).toBe(true);
    proc.child.kill(signal);
    const result = await proc.done;
    expect(result.code, result.stderr).toBe(exitCode);
    expect(result.stderr).toContain(`forecast: ${signal} received; stopping`);
    expect(result.stderr).toContain(`interrupted during ${stage}; nothing was written to ${out}`);
    expect(result.stdout).toBe('');
    expect(await siblings(parent)).toEqual([]);
  }, 60_000);

  it('a second and third signal while stopping do not cut the clean-up short', async () => {
    const parent = await freshParent();
    const out = path.join(parent, 'run');
    const proc = start(baseArgs(out, '--no-progress'), { PAUSE_AT: 'write' });
    await proc.waitFor('paused at write');
    proc.child.kill('SIGINT');
    // Pending signals of one process may be handled in any order: send the others only once the
    // first is being handled (under load the SIGTERM sometimes won the race).
    await proc.waitFor('SIGINT received');
    proc.child.kill('SIGINT');
    proc.child.kill('SIGTERM');
    const result = await proc.done;
    expect(result.code).toBe(130);
    expect(await siblings(parent)).toEqual([]);
  }, 60_000);

  it('SIGTERM during real training (no pause) stops within the epoch: exit 143, nothing written', async () => {
    const parent = await freshParent();
    const out = path.join(parent, 'run');
    const proc = start(withFlag(baseArgs(out, '--verbose'), '--epochs', '500'));
    await proc.waitFor('epoch 2/500');
    proc.child.kill('SIGTERM');
    const result = await proc.done;
    expect(result.code, result.stderr).toBe(143);
    expect(result.stderr).toMatch(/interrupted after \d+ epochs; nothing was written/);
    expect(await siblings(parent)).toEqual([]);
  }, 90_000);

  it('after a SIGKILL the next run of the same --out removes the stale temporary sibling', async () => {
    const parent = await freshParent();
    const out = path.join(parent, 'run');
    const killed = start(baseArgs(out), { PAUSE_AT: 'train' });
    await killed.waitFor('paused at train');
    killed.child.kill('SIGKILL');
    await killed.done;
    const stale = (await siblings(parent)).filter((n) => n.startsWith('.run.tmp-'));
    expect(stale).toHaveLength(1);
    // Another --out's sibling in the same parent is not this run's business.
    await fs.mkdir(path.join(parent, '.other.tmp-1-1'));
    const again = start(baseArgs(out, '--no-progress'));
    const result = await again.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`removed ${stale[0]}, left behind by a killed run`);
    expect(await siblings(parent)).toEqual(['.other.tmp-1-1', 'run']);
  }, 90_000);
});

describe('forecast CLI: checks before training (exit 2)', () => {
  it('--out under a regular file (ENOTDIR) names --out', async () => {
    const parent = await freshParent();
    await fs.writeFile(path.join(parent, 'file'), 'x');
    const result = await start(baseArgs(path.join(parent, 'file', 'run'))).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`forecast: cannot write --out "${path.join(parent, 'file', 'run')}": a part of the path is a file, not a directory`);
    expect(result.stderr).not.toContain('epoch');
  }, 60_000);

  it('a parent directory that cannot be written to is refused before any work', async () => {
    const parent = await freshParent();
    const locked = path.join(parent, 'locked');
    await fs.mkdir(locked, { mode: 0o555 });
    // Root ignores the mode bits; simulate with a directory replaced by a read-only bind of
    // nothing: a path whose parent is /proc (which refuses mkdir for everyone) shows the same check.
    const out = process.getuid?.() === 0 ? '/proc/forecast-run' : path.join(locked, 'run');
    const result = await start(baseArgs(out)).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/forecast: cannot write --out "[^"]+": /);
    expect(result.stderr).not.toContain('backend:');
  }, 60_000);

  it('--season too large for the rows before the test range names --season and the counts', async () => {
    const parent = await freshParent();
    const result = await start(withFlag(baseArgs(path.join(parent, 'run')), '--season', '100')).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `forecast: --season 100 needs more than 100 rows before the test range, but ${path.join(FIXTURES, 'seasonal.csv')} has 96 (120 rows, the last 24 held out for testing)`,
    );
    expect(result.stderr).not.toContain('epoch');
  }, 60_000);

  it.each([
    ['constant', () => 5, 1, 'is constant'],
    ['exactly periodic with --season 12', (i: number) => [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8][i % 12], 12, 'is exactly periodic with period 12'],
  ])('a %s series is refused before training, naming the file and the column', async (_name, value, season, text) => {
    const parent = await freshParent();
    const csv = path.join(parent, 'flat.csv');
    const rows = Array.from({ length: 60 }, (_, i) => `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01,${value(i)}`);
    await fs.writeFile(csv, `month,sales\n${rows.join('\n')}\n`);
    const argv = withFlag(withFlag(baseArgs(path.join(parent, 'run')), '--csv', csv), '--season', String(season));
    const result = await start(argv).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`forecast: column "sales" of ${csv} ${text} on the 48 rows before the test range`);
    expect(result.stderr).not.toContain('epoch');
  }, 60_000);

  it('values near 1e306 are refused at load time, naming the column', async () => {
    const parent = await freshParent();
    const csv = path.join(parent, 'huge.csv');
    const rows = Array.from({ length: 60 }, (_, i) => `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01,${(i + 1) * 1e304}`);
    await fs.writeFile(csv, `month,sales\n${rows.join('\n')}\n`);
    const argv = baseArgs(path.join(parent, 'run'));
    argv[1] = csv;
    const result = await start(argv).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/column "sales"/);
    expect(result.stderr).not.toContain('scaler');
    expect(result.stderr).not.toContain('epoch');
  }, 60_000);

  it.each([
    ['--units 100000', ['--units', '100000'], 'forecast: units must be a positive integer at most 4096, got 100000 (--units)'],
    ['--layers 1000', ['--layers', '1000'], 'forecast: layers must be a positive integer at most 16, got 1000 (--layers)'],
  ])('%s is refused before loading data', async (_name, extra, message) => {
    const parent = await freshParent();
    const result = await start(withFlag(baseArgs(path.join(parent, 'run')), extra[0], extra[1])).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${message}\n`);
    expect(result.stderr).not.toContain('data:');
    expect(await siblings(parent)).toEqual([]);
  }, 60_000);

  it('LSTM_KERNEL=bogus is an error naming the variable, as TFJS_BACKEND=bogus is', async () => {
    const parent = await freshParent();
    const result = await start(baseArgs(path.join(parent, 'run')), { LSTM_KERNEL: 'bogus' }).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('forecast: LSTM_KERNEL must be one of "auto", "native", "wasm" (or unset), got "bogus"');
    expect(await siblings(parent)).toEqual([]);
  }, 60_000);
});

describe('forecast CLI: flags', () => {
  it.each([
    [['--target', 'a', '--target', 'b'], 'forecast: --target was given twice ("a", then "b"); give it once'],
    [['--season=4', '--season', '12'], 'forecast: --season was given twice ("4", then "12"); give it once'],
    [['--horizon', '0x10'], 'forecast: --horizon must be an integer >= 1, got "0x10"'],
    [['--horizon', '1e1'], 'forecast: --horizon must be an integer >= 1, got "1e1"'],
    [['--test-fraction', '0x0.8'], 'forecast: --test-fraction must be a number in (0, 1), got "0x0.8"'],
    [['--delimiter', ':'], 'forecast: --delimiter must be one of auto, ,, ;, \t, |, got ":"'],
    [['--levels', '0'], 'forecast: --levels: each level must be a percentage strictly between 0 and 100, got "0"'],
    [['--levels', '80,100'], 'forecast: --levels: each level must be a percentage strictly between 0 and 100, got "100"'],
    [['--levels', '101'], 'forecast: --levels: each level must be a percentage strictly between 0 and 100, got "101"'],
    [['--levels', 'abc'], 'forecast: --levels: each level must be a percentage strictly between 0 and 100, got "abc"'],
    [['--levels', '80,95,80'], 'forecast: --levels: level 80 is given twice'],
  ])('%j: exit 2, %s', async (extra, message) => {
    const parent = await freshParent();
    const argv = ['--csv', 'x.csv', '--time', 't', '--out', path.join(parent, 'run'), ...extra];
    if (!extra.includes('--target')) argv.push('--target', 'y');
    const result = await start(argv).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${message}\n`);
  }, 60_000);

  it('a missing --future-covariates file: exit 2 naming the file and the flag, before the data is read', async () => {
    const parent = await freshParent();
    const result = await start(['--csv', 'x.csv', '--time', 't', '--target', 'y', '--out', path.join(parent, 'run'), '--future-covariates', 'nope.csv']).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('forecast: file not found: nope.csv (--future-covariates)\n');
    expect(await siblings(parent)).toEqual([]);
  }, 60_000);

  it('--series with an unknown id: exit 2 naming the flag, the id and the known one, before training', async () => {
    const parent = await freshParent();
    const result = await start(baseArgs(path.join(parent, 'run'), '--series', 'nope')).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('forecast: unknown series id "nope" (--series); known ids: sales\n');
    expect(result.stderr).not.toContain('epoch');
    expect(await siblings(parent)).toEqual([]);
  }, 60_000);

  it('--version prints the package version; --help lists examples and exit codes', async () => {
    const pkg = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const version = await start(['--version']).done;
    expect(version.code).toBe(0);
    expect(version.stdout).toBe(`${pkg.version}\n`);
    const help = await start(['--help']).done;
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:\n  forecast --csv datasets/co2-concentration.csv');
    expect(help.stdout).toMatch(/Exit codes:\n {2}0 {4}success/);
    expect(help.stdout).toContain('130  interrupted by SIGINT (Ctrl-C), 143 by SIGTERM');
    expect(help.stdout).not.toContain('(default: [])');
    for (const flag of ['--sort', '--delimiter <c>', '--max-bytes <n>', '--timeout <seconds>', '--quiet', '--verbose']) expect(help.stdout).toContain(flag);
  }, 60_000);

  it('--quiet prints only the summary (which ends with the seconds per stage); --verbose adds every epoch and the stages as they begin', async () => {
    const quietParent = await freshParent();
    const quiet = await start([...baseArgs(path.join(quietParent, 'run')), '--quiet']).done;
    expect(quiet.code, quiet.stderr).toBe(0);
    // Only what tfjs itself prints on the cpu backend (its banner) may remain.
    expect(quiet.stderr).not.toMatch(/^(backend|kernel|data|candidate|epoch|trained|chose|stage|load|train|backtest|report|write)\b/m);
    expect(quiet.stdout).toMatch(/^wrote /);
    expect(quiet.stdout).toMatch(/\nseconds by stage: setup \d+\.\d s, .*, total \d+\.\d s\n$/);
    expect(quiet.stdout).toMatch(/^  lstm intervals  \d+\.\d% inside the 80% intervals, \d+\.\d% inside the 95% intervals \(test range, split conformal\)$/m);
    const verboseParent = await freshParent();
    const verbose = await start([...baseArgs(path.join(verboseParent, 'run')), '--verbose']).done;
    expect(verbose.code, verbose.stderr).toBe(0);
    for (const stage of JOB_STAGES) expect(verbose.stderr).toContain(`stage: ${stage}\n`);
    // --target-transform auto (the default) trains 4 candidates on this positive series.
    expect(verbose.stderr.match(/^candidate \d\/4: /gm)).toHaveLength(4);
    expect(verbose.stderr.match(/^epoch \d+\/2 /gm)).toHaveLength(2 * 4);
    expect(verbose.stdout).toMatch(
      /\nseconds by stage: setup \d+\.\d s, load \d+\.\d s, train \d+\.\d s, backtest \d+\.\d s, baselines \d+\.\d s, report \d+\.\d s, write \d+\.\d s, total \d+\.\d s\n$/,
    );
    const metrics = JSON.parse(await fs.readFile(path.join(verboseParent, 'run', 'metrics.json'), 'utf8'));
    expect(Object.keys(metrics.seconds_by_stage)).toEqual(['setup', 'load', 'train', 'backtest', 'baselines', 'report']);
    expect(Object.keys(metrics.seconds_by_model)).toEqual(['lstm', 'naive', 'seasonal_naive', 'mean', 'drift', 'ets', 'theta', 'arima', 'holt_winters']);
  }, 90_000);
});

describe('forecast CLI: bounded reads', () => {
  let server: http.Server;
  let port: number;
  let trickleRequested: (() => void) | undefined;
  beforeAll(async () => {
    const chunk = Buffer.alloc(64 * 1024, '1\n');
    server = http.createServer((req, res) => {
      if (req.url === '/silent') return; // never answers
      if (req.url === '/trickle.csv') {
        // A row every 50 ms, forever: never idle long enough for --timeout, far from --max-bytes.
        res.writeHead(200, { 'content-type': 'text/csv' });
        res.write('month,sales\n');
        let i = 0;
        const timer = setInterval(() => res.write(`${i++},${i}\n`), 50);
        res.on('close', () => clearInterval(timer));
        trickleRequested?.();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.write('t,y\n');
      const pump = (): void => {
        while (res.write(chunk)) {
          if (res.destroyed) return;
        }
        res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('an endless body stops at --max-bytes: exit 2 naming the limit and the flag, peak RSS far below 1.5 GB', async () => {
    const parent = await freshParent();
    const argv = baseArgs(path.join(parent, 'run'));
    argv[1] = `http://127.0.0.1:${port}/endless.csv`;
    const t0 = Date.now();
    const proc = start([...argv, '--max-bytes', '1000000']);
    let peakKb = 0;
    const poll = setInterval(() => {
      fs.readFile(`/proc/${proc.child.pid}/status`, 'utf8').then(
        (s) => (peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0))),
        () => undefined,
      );
    }, 100);
    const result = await proc.done;
    clearInterval(poll);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/more than the limit of 1000000 bytes .*--max-bytes/);
    // ts-node's start-up is most of it; the read itself stops within milliseconds.
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(peakKb).toBeGreaterThan(0);
    expect(peakKb * 1024).toBeLessThan(1.5e9);
    expect(await siblings(parent)).toEqual([]);
  }, 60_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s during a download that never ends: exit %i at once, nothing written', async (signal, exitCode) => {
    const parent = await freshParent();
    const out = path.join(parent, 'run');
    const argv = baseArgs(out, '--verbose');
    argv[1] = `http://127.0.0.1:${port}/trickle.csv`;
    const requested = new Promise<void>((resolve) => (trickleRequested = resolve));
    const proc = start(argv);
    await proc.waitFor('stage: load');
    await requested;
    const t0 = Date.now();
    proc.child.kill(signal);
    const result = await proc.done;
    expect(result.code, result.stderr).toBe(exitCode);
    expect(result.stderr).toContain(`interrupted during load; nothing was written to ${out}`);
    // Neither the download nor its open socket may hold the process (--timeout is 30 s).
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(await siblings(parent)).toEqual([]);
  }, 60_000);

  it('a server that never answers times out after --timeout seconds (0.5 here): exit 2', async () => {
    const parent = await freshParent();
    const argv = baseArgs(path.join(parent, 'run'));
    argv[1] = `http://127.0.0.1:${port}/silent`;
    const t0 = Date.now();
    const result = await start([...argv, '--timeout', '0.5']).done;
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/no response within 500 ms .*--timeout/);
    expect(Date.now() - t0).toBeLessThan(30_000);
  }, 60_000);
});
