import * as fsSync from 'node:fs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeInputError, main } from '../../scripts/forecast';
import { InputError } from '../../src/errors';
import { fusedKernelLine } from '../helpers/kernel';
import { JOB_MODELS } from '../helpers/jobModels';

const FIXTURES = path.resolve(__dirname, '../fixtures/job');
const fixture = (name: string): string => path.join(FIXTURES, name);
/** What the CLI logs first: the backend and the LSTM kernel (the default, 'auto': fused on cpu). */
const START_LINES = `backend: cpu (option)\n${fusedKernelLine()}\n`;
/** {@link START_LINES} and the load stage's first line (no terminal: plain stage lines). */
const loadLines = (file: string): string => `${START_LINES}load: reading ${file}\n`;

let root: string;
let counter = 0;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'forecast-cli-'));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function freshParent(): Promise<string> {
  const dir = path.join(root, `case-${++counter}`);
  await fs.mkdir(dir);
  return dir;
}

/**
 * The test cases build argv as defaults plus overrides (`[...args(), '--epochs', '1']`); the CLI
 * rejects a repeated flag, so keep only the last value of each.
 */
function lastWins(argv: readonly string[]): string[] {
  const pairs: [string, string | undefined][] = [];
  for (let i = 0; i < argv.length; i++) {
    const takesValue = argv[i].startsWith('--') && !['--no-progress', '--sort', '--quiet', '--verbose', '--help', '--version'].includes(argv[i]);
    pairs.push([argv[i], takesValue ? argv[++i] : undefined]);
  }
  const kept = pairs.filter(([flag], i) => !flag.startsWith('--') || !pairs.slice(i + 1).some(([later]) => later === flag));
  return kept.flatMap(([flag, value]) => (value === undefined ? [flag] : [flag, value]));
}

/** Runs `main(argv)` in-process, capturing what it writes to stdout and stderr. */
async function run(argv: readonly string[], { raw = false } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!raw) argv = lastWins(argv);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** Required flags plus small, fast settings. */
function args(csv: string, out: string, ...extra: string[]): string[] {
  return ['--csv', csv, '--time', 'month', '--target', 'sales', '--out', out, '--backend', 'cpu', '--epochs', '2', '--units', '8', ...extra];
}

describe('forecast CLI: success', () => {
  it('exit 0: writes the four outputs, a summary on stdout, progress on stderr', async () => {
    const parent = await freshParent();
    const out = path.join(parent, 'run');
    const sigint = process.listenerCount('SIGINT');
    const { code, stdout, stderr } = await run(args(fixture('seasonal.csv'), out, '--season', '12', '--horizon', '3'));
    expect(stderr).not.toContain('forecast:');
    expect(code).toBe(0);
    expect(process.listenerCount('SIGINT')).toBe(sigint);
    expect((await fs.readdir(out)).sort()).toEqual(['forecast.csv', 'future.csv', 'metrics.json', 'model', 'report.html']);
    expect(await fs.readdir(parent)).toEqual(['run']);

    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`wrote ${out}: model/, metrics.json, forecast.csv, future.csv, report.html`);
    const modelLines = lines.slice(1, 1 + JOB_MODELS.length);
    expect(modelLines.map((l) => l.trim().split(/\s+/)[0])).toEqual(JOB_MODELS);
    for (const line of modelLines) expect(line).toMatch(/^ {2}\S+ +MASE \d+\.\d{3} {2}sMAPE \d+\.\d{2}% {2}RMSE \S+$/);
    expect(lines[1 + JOB_MODELS.length]).toMatch(/^ {2}lstm intervals {2}\d+\.\d% inside the 80% intervals, \d+\.\d% inside the 95% intervals \(test range, split conformal\)$/);
    const written = JSON.parse(await fs.readFile(path.join(out, 'metrics.json'), 'utf8'));
    expect(lines.slice(2 + JOB_MODELS.length, -1)).toEqual(written.warnings.map((w: string) => `warning: ${w}`));
    // The summary ends with the seconds of each stage.
    expect(lines[lines.length - 1]).toMatch(
      /^seconds by stage: setup \d+\.\d s, load \d+\.\d s, train \d+\.\d s, backtest \d+\.\d s, baselines \d+\.\d s, report \d+\.\d s, write \d+\.\d s, total \d+\.\d s$/,
    );

    // Stage lines (no terminal): each stage's first and last, and at most one every 10 s between.
    const isStageLine = (l: string) => /^(load|train|backtest|report|write): /.test(l);
    const stageLines = stderr.trimEnd().split('\n').filter(isStageLine);
    expect(stageLines[0]).toBe(`load: reading ${fixture('seasonal.csv')}`);
    const ends = stageLines.filter((l) => /  done: \d+ \S+ in \d/.test(l)).map((l) => l.split(':')[0]);
    expect(ends).toEqual(['load', 'backtest', 'report', 'write']);
    expect(stageLines.every((l) => !l.startsWith('train: '))).toBe(true); // training has its epoch lines
    expect(stageLines.length).toBeLessThanOrEqual(4 * 2 + 3);
    const err = stderr.trimEnd().split('\n').filter((l) => !isStageLine(l));
    expect(err[0]).toBe('backend: cpu (option)');
    expect(err[1]).toBe(fusedKernelLine());
    expect(err[2]).toBe(`data: 120 rows from ${fixture('seasonal.csv')}; train 84, val 12, test 24`);
    expect(err.filter((l) => l.startsWith('epoch '))).toHaveLength(2 * 4);
    expect(err.filter((l) => l.startsWith('candidate '))).toEqual(['difference', 'relative', 'log-difference', 'log-relative'].map((t, i) => `candidate ${i + 1}/4: target transform ${t}, lookback 21`));
    const trained = err.findIndex((l) => l.startsWith('trained 2 epochs in '));
    expect(trained).toBeGreaterThan(err.findIndex((l) => l.startsWith('candidate 4/4')));
    expect(err[trained + 1]).toMatch(
      /^chose target transform (log-)?(difference|relative), lookback 21, by validation MASE \(difference\/21 \d\.\d{3}, relative\/21 \d\.\d{3}, log-difference\/21 \d\.\d{3}, log-relative\/21 \d\.\d{3}\)$/,
    );
    // After that only warnings may follow on stderr (the guard's, the intervals'; the summary repeats them).
    expect(err.slice(trained + 2).every((l) => l.startsWith('warning: '))).toBe(true);

    const metrics = JSON.parse(await fs.readFile(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({ dataset: 'seasonal.csv', rows: 120, season: 12, horizon: 3, backend: { backend: 'cpu' } });
    expect(metrics.kernel).toMatchObject({ requested: 'auto', kernel: 'fused', summary: fusedKernelLine() });
    expect(metrics.split.train.rows + metrics.split.val.rows + metrics.split.test.rows).toBe(120);
    expect(metrics.train.epochs).toBe(2);
    for (const name of ['lstm', 'naive', 'seasonal_naive']) {
      expect(Object.keys(metrics.models[name])).toEqual(expect.arrayContaining(['mae', 'rmse', 'smape', 'mase', 'r2']));
    }
    const csv = (await fs.readFile(path.join(out, 'forecast.csv'), 'utf8')).trimEnd().split('\n');
    expect(csv[0].startsWith('id,time,actual,lstm_step1,lstm_step2,lstm_step3,')).toBe(true);
    expect(csv).toHaveLength(1 + metrics.split.test.rows);
    // future.csv: the 3 months after the last row (2019-12 in seasonal.csv), one column per model.
    const future = (await fs.readFile(path.join(out, 'future.csv'), 'utf8')).trimEnd().split('\n');
    expect(future[0]).toBe(['id', 'time', ...JOB_MODELS, ...JOB_MODELS.flatMap((m) => [`${m}_lo80`, `${m}_hi80`, `${m}_lo95`, `${m}_hi95`])].join(','));
    expect(future.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['sales,2020-01-01', 'sales,2020-02-01', 'sales,2020-03-01']);
    const html = await fs.readFile(path.join(out, 'report.html'), 'utf8');
    expect(html.split('data-wb-plotly-library').length - 1).toBe(1);
    for (const trace of ['actual', 'lstm', 'naive', 'seasonal_naive']) expect(html).toContain(`"name":"${trace}"`);
  });

  it('flags reach the job: --features, --lookback, --test-fraction, --val-fraction, --target-transform, --no-progress', async () => {
    const parent = await freshParent();
    const out = path.join(parent, 'run');
    const { code, stderr } = await run([
      ...args(fixture('seasonal.csv'), out, '--features', 'temp', '--lookback', '6', '--test-fraction', '0.25', '--val-fraction', '0'),
      '--target-transform',
      'relative',
      '--epochs',
      '1',
      '--no-progress',
    ]);
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/^epoch /m);
    const metrics = JSON.parse(await fs.readFile(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({ features: ['temp'], lookback: 6, target_transform: 'relative' });
    expect(metrics.split.test.rows).toBe(30);
    expect(metrics.split.val).toEqual({ rows: 0, start: null, end: null });
    expect(metrics.train.epochs).toBe(1);
    const manifest = JSON.parse(await fs.readFile(path.join(out, 'model', 'manifest.json'), 'utf8'));
    expect(manifest.preprocessor.features).toEqual(['temp']);
    expect(manifest.config).toMatchObject({ units: 8, seed: 42, epochs: 1 });
  });

  it('--kernel stock reaches the config: stock layers, logged and recorded', async () => {
    const parent = await freshParent();
    const out = path.join(parent, 'run');
    const { code, stderr } = await run([...args(fixture('short.csv'), out, '--kernel', 'stock', '--epochs', '1', '--no-progress')]);
    expect(code).toBe(0);
    expect(stderr.split('\n').slice(0, 2)).toEqual(['backend: cpu (option)', 'kernel: stock (requested)']);
    const metrics = JSON.parse(await fs.readFile(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics.kernel).toMatchObject({ requested: 'stock', kernel: 'stock', info: null });
    const manifest = JSON.parse(await fs.readFile(path.join(out, 'model', 'manifest.json'), 'utf8'));
    expect(manifest.config.kernel).toBe('stock');
  });

  it('--help prints the usage on stdout and exits 0', async () => {
    const { code, stdout, stderr } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: forecast [options]');
    expect(stdout).toContain('--test-fraction <f>');
    expect(stderr).toBe('');
  });
});

describe('forecast CLI: bad arguments and data exit 2 with a message and no out dir', () => {
  const seasonal = fixture('seasonal.csv');
  it.each<[string, (out: string) => string[], string]>([
    ['a missing file', (out) => args(fixture('nope.csv'), out), `${loadLines(fixture('nope.csv'))}forecast: file not found: ${fixture('nope.csv')}\n`],
    ['an empty CSV', (out) => args(fixture('empty.csv'), out), `${loadLines(fixture('empty.csv'))}forecast: ${fixture('empty.csv')}: file is empty\n`],
    [
      'a header only',
      (out) => args(fixture('header-only.csv'), out),
      `${loadLines(fixture('header-only.csv'))}forecast: ${fixture('header-only.csv')}: no data rows (the file has only a header line)\n`,
    ],
    [
      'a non-numeric cell',
      (out) => args(fixture('non-numeric.csv'), out),
      `${loadLines(fixture('non-numeric.csv'))}forecast: ${fixture('non-numeric.csv')}: column "sales", line 6: expected a number, got "abc"\n`,
    ],
    [
      'a missing value (default policy: error)',
      (out) => args(fixture('missing-value.csv'), out),
      `${loadLines(fixture('missing-value.csv'))}forecast: ${fixture('missing-value.csv')}: column "sales", line 8: missing value (""); ` +
        `set --missing to 'drop', 'ffill' or 'interpolate' to handle missing values\n`,
    ],
    [
      'duplicate time stamps',
      (out) => args(fixture('duplicate-time.csv'), out),
      `${loadLines(fixture('duplicate-time.csv'))}forecast: ${fixture('duplicate-time.csv')}: duplicate time stamp in column "month": ` +
        `line 4 ("2010-03-01") and line 5 ("2010-03-01") are the same time\n`,
    ],
    [
      'unsorted time stamps',
      (out) => args(fixture('unsorted.csv'), out),
      `${loadLines(fixture('unsorted.csv'))}forecast: ${fixture('unsorted.csv')}: time column "month" is not sorted: ` +
        `line 6 ("2010-04-01") is earlier than line 5 ("2010-05-01"); pass sort: true (--sort on the command line) to sort rows by time\n`,
    ],
    [
      'a ragged row',
      (out) => args(fixture('ragged.csv'), out),
      `${loadLines(fixture('ragged.csv'))}forecast: ${fixture('ragged.csv')}: line 7 has 2 fields, but the header (line 1) has 3\n`,
    ],
    [
      'an unknown --target',
      (out) => [...args(seasonal, out), '--target', 'revenue'],
      `${loadLines(seasonal)}forecast: ${seasonal}: unknown column "revenue" (--target); available columns: "month", "sales", "temp"\n`,
    ],
    [
      'an unknown --features column',
      (out) => [...args(seasonal, out), '--features', 'temp,wind'],
      `${loadLines(seasonal)}forecast: ${seasonal}: unknown column "wind" (--features); available columns: "month", "sales", "temp"\n`,
    ],
    [
      'an unknown --time column',
      (out) => [...args(seasonal, out), '--time', 'date'],
      `${loadLines(seasonal)}forecast: ${seasonal}: unknown column "date" (--time); available columns: "month", "sales", "temp"\n`,
    ],
    [
      'a series too short for the lookback',
      (out) => [...args(fixture('short.csv'), out), '--lookback', '10'],
      `${loadLines(fixture('short.csv'))}data: 12 rows from ${fixture('short.csv')}; train 9, val 1, test 2\n` +
        'load: loaded 12 rows of 1 series in 0.0 s, series checks  done: 1 series in 0.0s\n' +
        'candidate 1/4: target transform difference, lookback 10\n' +
        'forecast: too few training rows for lookback 10 and horizon 1: the training range has 9 rows, at least 12 are needed\n',
    ],
    [
      'a series too short for the horizon',
      (out) => [...args(fixture('short.csv'), out), '--horizon', '3'],
      `${loadLines(fixture('short.csv'))}data: 12 rows from ${fixture('short.csv')}; train 9, val 1, test 2\n` +
        'forecast: horizon must be at most the number of test rows (2 of 12 with test-fraction 0.2), got 3 (--horizon)\n',
    ],
    [
      'a series too short for the split',
      (out) => [...args(fixture('short.csv'), out), '--val-fraction', '0.01'],
      `${loadLines(fixture('short.csv'))}forecast: valFraction 0.01 of 12 rows gives an empty validation part (round(0.12) = 0); use valFraction 0 for no validation part\n`,
    ],
    ['--horizon abc', (out) => [...args(seasonal, out), '--horizon', 'abc'], 'forecast: --horizon must be an integer >= 1, got "abc"\n'],
    ['--horizon 2.5', (out) => [...args(seasonal, out), '--horizon', '2.5'], 'forecast: --horizon must be an integer >= 1, got "2.5"\n'],
    ['--epochs 0', (out) => [...args(seasonal, out), '--epochs', '0'], 'forecast: --epochs must be an integer >= 1, got "0"\n'],
    ['--seed -1', (out) => [...args(seasonal, out), '--seed', '-1'], 'forecast: --seed must be an integer >= 0, got "-1"\n'],
    [
      '--test-fraction 1.5',
      (out) => [...args(seasonal, out), '--test-fraction', '1.5'],
      'forecast: --test-fraction must be a number in (0, 1), got "1.5"\n',
    ],
    [
      '--test-fraction 0',
      (out) => [...args(seasonal, out), '--test-fraction', '0'],
      'forecast: --test-fraction must be a number in (0, 1), got "0"\n',
    ],
    [
      '--val-fraction x',
      (out) => [...args(seasonal, out), '--val-fraction', 'x'],
      'forecast: --val-fraction must be a number in [0, 1), got "x"\n',
    ],
    [
      '--missing bogus',
      (out) => [...args(seasonal, out), '--missing', 'bogus'],
      'forecast: --missing must be one of error, drop, ffill, interpolate, got "bogus"\n',
    ],
    [
      '--lookback x',
      (out) => [...args(seasonal, out), '--lookback', 'x'],
      `forecast: --lookback must be an integer >= 1 or 'auto', got "x"\n`,
    ],
    [
      '--target-transform log',
      (out) => [...args(seasonal, out), '--target-transform', 'log'],
      'forecast: --target-transform must be one of auto, none, difference, relative, log-difference, log-relative, got "log"\n',
    ],
    ['--kernel gpu', (out) => [...args(seasonal, out), '--kernel', 'gpu'], 'forecast: --kernel must be one of auto, fused, stock, got "gpu"\n'],
    ['--kernel Fused', (out) => [...args(seasonal, out), '--kernel', 'Fused'], 'forecast: --kernel must be one of auto, fused, stock, got "Fused"\n'],
    [
      '--backend cuda',
      (out) => [...args(seasonal, out), '--backend', 'cuda'],
      'forecast: --backend must be one of auto, node-gpu, node, wasm, cpu; got "cuda"\n',
    ],
    ['--timeout 0', (out) => [...args(seasonal, out), '--timeout', '0'], 'forecast: --timeout must be a number of seconds in (0, 2147483], got "0"\n'],
    [
      '--timeout beyond what Node timers can wait',
      (out) => [...args(seasonal, out), '--timeout', '3000000'],
      'forecast: --timeout must be a number of seconds in (0, 2147483], got "3000000"\n',
    ],
    ['--timeout 1e3', (out) => [...args(seasonal, out), '--timeout', '1e3'], 'forecast: --timeout must be a number of seconds in (0, 2147483], got "1e3"\n'],
    ['--gaps maybe', (out) => [...args(seasonal, out), '--gaps', 'maybe'], 'forecast: --gaps must be one of error, warn, fill, got "maybe"\n'],
    ['--refit sometimes', (out) => [...args(seasonal, out), '--refit', 'sometimes'], 'forecast: --refit must be never or every:K with K a positive integer, got "sometimes"\n'],
    ['--refit every:0', (out) => [...args(seasonal, out), '--refit', 'every:0'], 'forecast: --refit must be never or every:K with K a positive integer, got "every:0"\n'],
    ['--mode both', (out) => [...args(seasonal, out), '--mode', 'both'], 'forecast: --mode must be one of global, local, got "both"\n'],
    ['--short x', (out) => [...args(seasonal, out), '--short', 'x'], 'forecast: --short must be one of error, skip, got "x"\n'],
    ['--min-length 1', (out) => [...args(seasonal, out), '--min-length', '1'], 'forecast: --min-length must be an integer >= 2, got "1"\n'],
    ['a missing --out', () => ['--csv', seasonal, '--time', 'month', '--target', 'sales'], "error: required option '--out <dir>' not specified\n"],
    ['a missing --csv', (out) => ['--time', 'month', '--target', 'sales', '--out', out], "error: required option '--csv <file>' not specified\n"],
    ['an unknown option', (out) => [...args(seasonal, out), '--bogus'], "error: unknown option '--bogus'\n"],
    [
      'an extra argument (--features with a space, not a comma)',
      (out) => [...args(seasonal, out), '--features', 'temp', 'wind'],
      "error: too many arguments. Expected 0 arguments but got 1.\n",
    ],
  ])('%s', async (_name, argv, stderr) => {
    const parent = await freshParent();
    const out = path.join(parent, 'run');
    const result = await run(argv(out));
    // Durations in the stage lines ("in 0.0 s", "in 0.1s") vary with the machine's load.
    const untimed = (text: string) => text.replace(/ in \d+\.\d ?s\b/g, ' in T');
    expect(untimed(result.stderr)).toBe(untimed(stderr));
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
    expect(await fs.readdir(parent)).toEqual([]);
  });

  it.each([
    ['an unknown --id column', ['--id', 'shop'], `forecast: ${seasonal}: unknown column "shop" (--id); available columns: "month", "sales", "temp"`],
    [
      'a --time-format with a week-year token',
      ['--time-format', 'YYYY'],
      'forecast: --time-format "YYYY" uses Y (week-numbering year): write y for the calendar year (yyyy); date-fns tokens are case-sensitive',
    ],
    [
      'a --test-start after the data',
      ['--test-start', '2030-01-01'],
      'forecast: testStart "2030-01-01" is after the last time stamp (2019-12-01T00:00:00.000Z): the test part would be empty (--test-start)',
    ],
  ])('%s: exit 2 before training, naming the flag, nothing written', async (_name, extra, last) => {
    const parent = await freshParent();
    const { code, stderr, stdout } = await run([...args(seasonal, path.join(parent, 'run')), ...extra]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n').pop()).toBe(last);
    expect(stderr).not.toContain('epoch ');
    expect(await fs.readdir(parent)).toEqual([]);
  });

  it('an existing out dir: exit 2, and it is left untouched', async () => {
    const parent = await freshParent();
    const out = path.join(parent, 'run');
    await fs.mkdir(out);
    await fs.writeFile(path.join(out, 'results.txt'), 'precious');
    const { code, stderr } = await run(args(seasonal, out));
    expect(stderr).toBe(`forecast: output directory ${JSON.stringify(out)} already exists; choose a new --out\n`);
    expect(code).toBe(2);
    expect(await fs.readdir(parent)).toEqual(['run']);
    expect(await fs.readdir(out)).toEqual(['results.txt']);
    expect(await fs.readFile(path.join(out, 'results.txt'), 'utf8')).toBe('precious');
  });
});

describe('forecast CLI: many series', () => {
  it('--id reads long format, --test-start cuts every series at one date; the summary adds geo-mean MASE and the LSTM wins', async () => {
    const parent = await freshParent();
    const csv = path.join(parent, 'long.csv');
    const rows = ['month,store,sales'];
    for (let t = 0; t < 48; t++) {
      const month = new Date(Date.UTC(2016, t, 1)).toISOString().slice(0, 10);
      rows.push(`${month},a,${(10 + Math.sin(t / 2) + t / 10).toFixed(3)}`, `${month},b,${(900 + 50 * Math.cos(t / 3)).toFixed(3)}`);
    }
    await fs.writeFile(csv, rows.join('\n') + '\n');
    const out = path.join(parent, 'run');
    const { code, stdout, stderr } = await run([
      '--csv', csv, '--time', 'month', '--id', 'store', '--target', 'sales', '--out', out, '--backend', 'cpu', '--epochs', '1',
      '--units', '4', '--horizon', '2', '--test-start', '2019-07-01', '--val-start', '2019-01-01', '--no-progress',
    ]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('data: 2 series, 96 rows from ');
    expect(stderr).toContain('; train 72, val 12, test 12');
    const naive = stdout.split('\n').find((l) => l.startsWith('  naive '))!;
    expect(naive).toMatch(/ geo-mean MASE \d+\.\d{3} {2}lstm better on (0|50|100)% of 2 series$/);
    const future = (await fs.readFile(path.join(out, 'future.csv'), 'utf8')).trimEnd().split('\n').slice(1);
    expect(future.map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['a,2020-01-01', 'a,2020-02-01', 'b,2020-01-01', 'b,2020-02-01']);
  });
});

describe('forecast CLI: internal failures exit 1', () => {
  it('a plain Error while writing the outputs: exit 1, the error on stderr, no out dir', async () => {
    const parent = await freshParent();
    const out = path.join(parent, 'run');
    // Every output file is written through writeFileAtomic, which opens a temporary sibling.
    const realOpen = fs.open.bind(fs);
    vi.spyOn(fsSync.promises, 'open').mockImplementation(async (file, ...rest) => {
      if (String(file).includes('metrics.json')) throw new Error('disk on fire');
      return realOpen(file, ...(rest as [string]));
    });
    const { code, stdout, stderr } = await run([...args(fixture('short.csv'), out), '--epochs', '1']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('\nforecast: failed: Error: disk on fire\n');
    expect(await fs.readdir(parent)).toEqual([]);
  });
});

describe('describeInputError', () => {
  it.each([
    ['unknown column "x" (options.targets)', 'targets', 'unknown column "x" (--target)'],
    ['column "a" is selected twice (options.time and options.features)', 'features', 'column "a" is selected twice (--time and --features)'],
    ['options.targetTransform must be one of ...', 'targetTransform', '--target-transform must be one of ...'],
    ['options.valStart must be an ISO date', 'valStart', '--val-start must be an ISO date'],
    // options a flag does not set directly keep their library name
    ['options.bogus must be an integer', 'bogus', 'options.bogus must be an integer'],
    ['no option here', undefined, 'no option here'],
  ])('%s', (message, argument, expected) => {
    expect(describeInputError(new InputError(message, argument === undefined ? {} : { argument }))).toBe(expected);
  });
});

describe('forecast CLI: data the loader now reads, or warns about', () => {
  const monthly = (n: number, skip: number | null, sep = ',') =>
    ['month' + sep + 'sales', ...Array.from({ length: n + (skip === null ? 0 : 1) }, (_, i) => i)
      .filter((i) => i !== skip)
      .map((i) => `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01${sep}${10 + Math.sin(i / 2) * 3 + i / 10}`)].join('\n') + '\n';

  it('a monthly series with a missing month: an error naming the first gap, before training; --gaps warn runs with a warning, --gaps fill inserts the month', async () => {
    const parent = await freshParent();
    const csv = path.join(parent, 'gaps.csv');
    await fs.writeFile(csv, monthly(60, 30));
    const refused = await run(args(csv, path.join(parent, 'run0'), '--epochs', '1', '--no-progress'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^forecast: .*has 1 gap .*between line 31 \("2002-06-01"\) and line 32 \("2002-08-01"\).*--gaps fill/m);
    expect(refused.stderr).not.toContain('epoch ');
    const { code, stderr } = await run(args(csv, path.join(parent, 'run'), '--epochs', '1', '--no-progress', '--gaps', 'warn'));
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/^warning: .*gap.*2002-06-01.*2002-08-01/m);
    const filled = await run(args(csv, path.join(parent, 'run2'), '--epochs', '1', '--no-progress', '--gaps', 'fill', '--missing', 'interpolate'));
    expect(filled.code, filled.stderr).toBe(0);
    expect(JSON.parse(await fs.readFile(path.join(parent, 'run2', 'metrics.json'), 'utf8')).rows).toBe(61);
  });

  it('a ;-separated file is read (delimiter guessed), and --delimiter "," names the likely delimiter', async () => {
    const parent = await freshParent();
    const csv = path.join(parent, 'semi.csv');
    await fs.writeFile(csv, monthly(60, null, ';'));
    const ok = await run(args(csv, path.join(parent, 'run'), '--epochs', '1', '--no-progress'));
    expect(ok.code, ok.stderr).toBe(0);
    const forced = await run(args(csv, path.join(parent, 'run2'), '--delimiter', ','));
    expect(forced.code).toBe(2);
    expect(forced.stderr).toContain('--delimiter ";"');
  });

  it('--sort reads rows out of time order (without it they are an error)', async () => {
    const parent = await freshParent();
    const csv = path.join(parent, 'shuffled.csv');
    const [header, ...rows] = monthly(60, null).trimEnd().split('\n');
    await fs.writeFile(csv, [header, ...rows.slice(30), ...rows.slice(0, 30)].join('\n') + '\n');
    const unsorted = await run(args(csv, path.join(parent, 'run'), '--epochs', '1', '--no-progress'));
    expect(unsorted.code).toBe(2);
    expect(unsorted.stderr).toContain('is not sorted');
    const sorted = await run(args(csv, path.join(parent, 'run2'), '--epochs', '1', '--no-progress', '--sort'));
    expect(sorted.code, sorted.stderr).toBe(0);
    const metrics = JSON.parse(await fs.readFile(path.join(parent, 'run2', 'metrics.json'), 'utf8'));
    expect(metrics.split.train.start).toBe('2000-01-01');
  });

  it('--max-bytes limits a local file too: exit 2 naming the flag, before training', async () => {
    const parent = await freshParent();
    const csv = path.join(parent, 'big.csv');
    await fs.writeFile(csv, monthly(60, null));
    const { code, stderr } = await run(args(csv, path.join(parent, 'run'), '--max-bytes', '1000'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^forecast: .*1000 bytes.*--max-bytes/m);
    expect(stderr).not.toMatch(/^epoch /m);
    expect(await fs.readdir(parent)).toEqual(['big.csv']);
  });
});
