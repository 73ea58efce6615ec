/**
 * The `forecast` CLI end to end on a 300,000-row series with `--epochs 1` (issue 14), in a child
 * process as a user runs it (a long synchronous fit inside the test worker would stall vitest's
 * reporting). About 5 minutes on 2 cores; the 1e6-row case is `npm run bench:scale` only.
 */
import { spawn } from 'node:child_process';
import { createReadStream, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROWS = 300_000;
let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'forecast-scale-'));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** An hourly series with daily and weekly cycles and AR(1) noise, from a fixed LCG. */
function hourlyCsv(n: number): string {
  let state = 12345;
  const random = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const t0 = Date.UTC(2000, 0, 1);
  const lines = ['time,y'];
  let noise = 0;
  for (let i = 0; i < n; i++) {
    noise = 0.8 * noise + (random() - 0.5) * 3;
    const y = 100 + 10 * Math.sin((2 * Math.PI * i) / 24) + 3 * Math.sin((2 * Math.PI * i) / 168) + noise;
    lines.push(`${new Date(t0 + i * 3_600_000).toISOString().replace('.000Z', 'Z')},${y.toFixed(4)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Newlines in a file, read in chunks. */
async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file)) {
    const bytes = chunk as Buffer;
    for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

function runCli(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  const tsNode = require.resolve('ts-node/dist/bin.js');
  const script = path.join(__dirname, '..', '..', 'scripts', 'forecast.ts');
  const child = spawn(process.execPath, [tsNode, '--transpile-only', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('forecast CLI at scale', () => {
  it(`${ROWS} rows with --epochs 1: exit 0, every output complete, the report under 5 MB`, async () => {
    const csv = path.join(root, 'hourly.csv');
    await fs.writeFile(csv, hourlyCsv(ROWS));
    const out = path.join(root, 'run');
    const { code, output } = await runCli(['--csv', csv, '--time', 'time', '--target', 'y', '--season', '24', '--horizon', '24', '--epochs', '1', '--out', out]);
    expect(code, output.slice(-2000)).toBe(0);
    const metrics = JSON.parse(await fs.readFile(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics.rows).toBe(ROWS);
    expect(Object.keys(metrics.per_series)).toHaveLength(1);
    const test = metrics.split.test.rows;
    expect(test).toBe(ROWS * 0.2);
    expect(Object.keys(metrics.seconds_by_stage)).toEqual(expect.arrayContaining(['load', 'train', 'backtest', 'baselines']));
    for (const model of ['lstm', 'seasonal_naive', 'ets', 'arima']) expect(Number.isFinite(metrics.models[model].mase), model).toBe(true);
    // One line per test row plus the header (counted as a stream: the file is larger than one
    // JavaScript string can hold); the report stays small whatever the rows.
    expect(await countLines(path.join(out, 'forecast.csv'))).toBe(test + 1);
    const report = await fs.stat(path.join(out, 'report.html'));
    expect(report.size).toBeLessThan(5 * 2 ** 20);
  }, 1_200_000);
});
