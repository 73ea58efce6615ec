/**
 * The example notebooks run top to bottom in CI, through the headless runner, with small
 * parameters (papermill-style, as darts runs its examples), so that they cannot rot. Each test
 * checks the figures a notebook shows by trace names and lengths, not mere presence.
 *
 * The notebooks import the compiled library (`../dist`): `npm test` builds it first.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { executeNotebook, type ExecuteNotebookResult } from '../../src/notebook/execute';
import { readNotebook, sourceText, type CodeCell, type Notebook } from '../../src/notebook/nbformat';
import type { Parameters } from '../../src/notebook/parameters';
import { HEADLESS_ENV_VAR } from '../../src/notebook/headless';
import { PLOTLY_MIME } from '../../src/display/display';
import { fusedKernelLine } from '../helpers/kernel';

const ROOT = path.resolve(__dirname, '..', '..');
const NOTEBOOKS = path.join(ROOT, 'notebooks');
const NOTEBOOK_FILES = [
  '00-lstm-forward-pass.ipynb', '01-quickstart.ipynb', '02-co2-forecast.ipynb', '03-multivariate-weather.ipynb', '04-backtest-and-compare.ipynb', '05-many-series.ipynb',
];
const RUN_TIMEOUT_MS = 240_000;

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'notebooks-test-'));

/** A figure shown in a notebook: its cell, title, and `[name, number of points]` per trace. */
interface ShownFigure {
  readonly cell: number;
  readonly title: string;
  readonly traces: Array<[string, number]>;
}

function figures(nb: Notebook): ShownFigure[] {
  return nb.cells.flatMap((cell, index) =>
    cell.cell_type !== 'code'
      ? []
      : cell.outputs.flatMap((output) => {
          if (output.output_type !== 'display_data' || output.data[PLOTLY_MIME] === undefined) return [];
          const figure = output.data[PLOTLY_MIME] as { data: Array<{ name: string; y: unknown[] }>; layout: { title?: { text?: string } } };
          return [{ cell: index, title: figure.layout.title?.text ?? '', traces: figure.data.map((t): [string, number] => [t.name, t.y.length]) }];
        }),
  );
}

/** The one figure whose title starts with `prefix`. */
function figure(nb: Notebook, prefix: string): ShownFigure {
  const found = figures(nb).filter((f) => f.title.startsWith(prefix));
  expect(found.map((f) => f.title), `figures titled "${prefix}..."`).toHaveLength(1);
  return found[0];
}

/** The code cell whose source contains `needle`. */
function cellWith(nb: Notebook, needle: string): CodeCell {
  const cells = nb.cells.filter((c): c is CodeCell => c.cell_type === 'code' && sourceText(c.source).includes(needle));
  expect(cells, `cells containing "${needle}"`).toHaveLength(1);
  return cells[0];
}

async function run(file: string, parameters: Parameters): Promise<ExecuteNotebookResult> {
  const result = await executeNotebook({
    inputPath: path.join(NOTEBOOKS, file),
    outputPath: path.join(out, file),
    parameters,
    executionTimeoutS: RUN_TIMEOUT_MS / 1000,
  });
  // The summary names the failing cell and error, the most useful message when this fails.
  expect(result.status, result.summary).toBe('completed');
  return result;
}

/**
 * Checks that a training cell holds ONE live output in its final state: the runner applied the
 * in-place updates, so progress did not accumulate in the saved notebook.
 */
function expectOneFinalMonitorOutput(cell: CodeCell, status: RegExp): void {
  const displays = cell.outputs.filter((o) => o.output_type === 'display_data' && o.data[PLOTLY_MIME] !== undefined);
  expect(displays).toHaveLength(1);
  const text = String((displays[0] as { data: Record<string, unknown> }).data['text/plain']);
  expect(text.split('\n')[0]).toMatch(status);
}

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.d.ts'))) {
    throw new Error('dist/ is missing: the notebooks import the compiled library; run `npm run build` (npm test does)');
  }
});

describe('the committed notebooks', () => {
  it.each(NOTEBOOK_FILES)('%s has no outputs, the tslab kernelspec and one parameters cell with epochs', (file) => {
    const nb = readNotebook(path.join(NOTEBOOKS, file));
    expect(nb.metadata.kernelspec).toEqual({ name: 'tslab', display_name: 'TypeScript', language: 'typescript' });
    const code = nb.cells.filter((c): c is CodeCell => c.cell_type === 'code');
    expect(code.every((c) => c.outputs.length === 0 && c.execution_count === null)).toBe(true);
    const parameters = code.filter((c) => (c.metadata.tags ?? []).includes('parameters'));
    expect(parameters).toHaveLength(1);
    expect(sourceText(parameters[0].source)).toMatch(/^const epochs = \d+;/m);
    expect(nb.cells[0].cell_type).toBe('markdown');
  });
});

describe('the training monitor in a real tslab kernel', () => {
  // 40 events 50 ms apart (2 s), then 'end': see tests/notebooks/fixtures/monitor.ipynb.
  it.each([
    ['interactive (500 ms throttle)', { [HEADLESS_ENV_VAR]: '0' }, false, [4, 7]],
    ['under the headless runner (5 s throttle)', {}, true, [2, 2]],
  ])('%s: updates ONE output in place, so the saved notebook holds the final state only', async (_label, kernelEnv, headless, [min, max]) => {
    const result = await executeNotebook({
      inputPath: path.join(__dirname, 'fixtures', 'monitor.ipynb'),
      outputPath: path.join(out, `monitor-${String(headless)}.ipynb`),
      kernelEnv,
    });
    expect(result.status, result.summary).toBe('completed');
    expect(result.glue.headless).toBe(headless);
    expect(result.glue.updates).toBeGreaterThanOrEqual(min);
    expect(result.glue.updates).toBeLessThanOrEqual(max);
    expectOneFinalMonitorOutput(cellWith(result.notebook, 'createTrainingMonitor('), /^done · 40\/40 epochs in /);
    const [chart] = figures(result.notebook);
    expect(chart.traces).toEqual([['train loss', 40], ['validation loss', 40], ['best epoch (40)', 1]]);
  }, RUN_TIMEOUT_MS);
});

describe("the library's declarations under tslab's TypeScript", () => {
  it('dist/**/*.d.ts type-check with the TypeScript that tslab compiles cells with (5.0.4)', () => {
    // tslab bundles its own compiler and skips lib checks, so a declaration that needs a newer
    // TypeScript would silently degrade cell type-checking: check ours without skipLibCheck.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const ts = require('@tslab/typescript-for-tslab') as typeof import('typescript');
    expect(ts.version).toBe('5.0.4');
    const program = ts.createProgram([path.join(ROOT, 'dist', 'index.d.ts')], {
      strict: true, noEmit: true, esModuleInterop: true, types: ['node'],
      module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, moduleResolution: ts.ModuleResolutionKind.NodeJs,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    });
    const ours = (file: string | undefined) => file !== undefined && path.resolve(file).startsWith(path.join(ROOT, 'dist') + path.sep);
    expect(program.getSourceFiles().filter((f) => ours(f.fileName)).length).toBeGreaterThan(50);
    const problems = ts.getPreEmitDiagnostics(program)
      .filter((d) => ours(d.file?.fileName))
      .map((d) => `${path.relative(ROOT, d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    expect(problems).toEqual([]);
  }, RUN_TIMEOUT_MS);
});

describe('notebooks run top to bottom with small parameters', () => {
  it('00-lstm-forward-pass: the seven steps by hand, every gate as a heatmap, the cell state, tfjs and the fused kernel vs the float64 reference', async () => {
    const { notebook: nb, glue } = await run('00-lstm-forward-pass.ipynb', { epochs: 2, points: 120, lookback: 12, units: 4 });
    expect(streamOf(cellWith(nb, 'resolveLstmKernel(kernel)')).split('\n')[1]).toBe(fusedKernelLine());
    expectOneFinalMonitorOutput(cellWith(nb, 'createTrainingMonitor('), /^done · 2 epochs in /);
    // Step 1 of lstmForward is the step computed equation by equation in the cells above it.
    expect(streamOf(cellWith(nb, 'lstmForward(sequence, weights)'))).toContain('12 steps; step 1 vs the cells above: |h_1 difference| = 0, |c_1 difference| = 0');
    // One heatmap per gate, a row per unit (y) and a column per step.
    const gates = [['Input gate i_t', 'input'], ['Forget gate f_t', 'forget'], ['Candidate state g_t', 'candidate'], ['Output gate o_t', 'output']];
    for (const [title, name] of gates) expect(figure(nb, title).traces).toEqual([[name, 4]]);
    expect(figure(nb, 'Cell state c_t').traces).toEqual([['x_t (input)', 12], ...[0, 1, 2, 3].map((j) => [`c_t unit ${j}`, 12])]);
    // float32 against float64: rounding only (a wrong gate order or activation would be ~1e-1).
    expect(glue.max_diff_tfjs as number).toBeLessThan(1e-5);
    expect(glue.max_diff_fused as number).toBeLessThan(1e-5);
  }, RUN_TIMEOUT_MS);

  it('01-quickstart: windows, train and test loss per epoch, predictions', async () => {
    const { notebook: nb, glue } = await run('01-quickstart.ipynb', { epochs: 2, points: 300 });
    // The default path: the fused kernel under the wasm backend, said under the backend line.
    expect(streamOf(cellWith(nb, 'resolveLstmKernel(kernel)')).split('\n')[1]).toBe(fusedKernelLine());
    expect(figure(nb, 'The sequence').traces).toEqual([['sequence', 300]]);
    expect(figure(nb, 'One sample').traces).toEqual([['series', 60], ['lookback (20)', 20], ['horizon (1)', 1]]);
    // 300 points, the last quarter is the test range: 75 one-step predictions.
    expect(figure(nb, 'Test range: one-step-ahead').traces).toEqual([['sequence', 75], ['lstm (one step ahead)', 75]]);
    const training = cellWith(nb, 'createTrainingMonitor(');
    expectOneFinalMonitorOutput(training, /^done · 2 epochs in /);
    const loss = figures(nb).find((f) => f.title.startsWith('done · 2 epochs'))!;
    expect(loss.traces.slice(0, 2)).toEqual([['train loss', 2], ['test loss', 2]]);
    expect(loss.traces[2][0]).toMatch(/^best epoch \([12]\)$/);
    expect(glue.epochs_run).toBe(2);
    expect(glue.test_rmse).toBeGreaterThan(0);
  }, RUN_TIMEOUT_MS);

  it('02-co2-forecast: explore, window, train, rolling-origin evaluation, saved bundle', async () => {
    const bundleDir = path.join(out, 'co2-bundle', 'model');
    const { notebook: nb, glue } = await run('02-co2-forecast.ipynb', { epochs: 2, units: 8, bundleDir });
    expect(figure(nb, 'Mauna Loa CO2').traces).toEqual([['CO2', 741]]);
    expect(figure(nb, 'What the network sees').traces).toEqual([['CO2 (difference, scaled)', 741]]);
    expect(figure(nb, 'One window').traces).toEqual([['CO2', 741], ['lookback (24)', 24], ['horizon (12)', 12]]);
    expectOneFinalMonitorOutput(cellWith(nb, 'createTrainingMonitor('), /^done · 2 epochs in /);
    const loss = figures(nb).find((f) => f.title.startsWith('done · 2 epochs'))!;
    expect(loss.traces.slice(0, 2)).toEqual([['train loss', 2], ['validation loss', 2]]);
    expect(figure(nb, 'Test metrics by model').traces).toEqual([['lstm', 2], ['naive', 2], ['seasonal_naive', 2]]);
    // 741 rows, test fraction 0.2: the last 148 months.
    expect(figure(nb, 'Forecast vs actual').traces).toEqual([['CO2', 148], ['lstm', 148], ['naive', 148], ['seasonal_naive', 148]]);
    // The year ahead: 60 months of history, then 12 months past the last row (2020-04).
    // The year ahead, with the LSTM's 80% and 95% bands (two traces each).
    expect(figure(nb, 'The year ahead').traces).toEqual([
      ['CO2', 72], ['lstm', 72], ['seasonal_naive', 72], ['lstm 80%', 72], ['lstm 80%', 72], ['lstm 95%', 72], ['lstm 95%', 72],
    ]);
    expect(figure(nb, 'LSTM 12-month-ahead forecasts with their').traces).toEqual([
      ['CO2', 148], ['lstm', 148], ['lstm 80%', 148], ['lstm 80%', 148], ['lstm 95%', 148], ['lstm 95%', 148],
    ]);
    expect(figure(nb, 'Calibration').traces).toEqual([
      ['lstm 80%', 12], ['lstm 95%', 12], ['seasonal_naive 80%', 12], ['seasonal_naive 95%', 12], ['nominal 80%', 12], ['nominal 95%', 12],
    ]);
    expect(glue.first_future_month).toBe('2020-05');
    expect(Object.keys(glue).sort()).toEqual(['bundle_dir', 'first_future_month', 'lstm_coverage_80', 'lstm_coverage_95', 'mase_lstm', 'mase_naive', 'mase_seasonal_naive']);
    expect(glue.lstm_coverage_80 as number).toBeGreaterThan(0);
    expect(glue.lstm_coverage_80 as number).toBeLessThanOrEqual(1);
    expect(glue.mase_seasonal_naive).toBeCloseTo(1.6124, 3); // the baselines do not depend on training
    const manifest = JSON.parse(fs.readFileSync(path.join(bundleDir, 'manifest.json'), 'utf8')) as {
      lookback: number; horizon: number; kernel: { summary: string };
    };
    expect([manifest.lookback, manifest.horizon]).toEqual([24, 12]);
    expect(streamOf(cellWith(nb, 'resolveLstmKernel(kernel)')).split('\n')[1]).toBe(fusedKernelLine());
    expect(manifest.kernel.summary).toBe(fusedKernelLine());
  }, RUN_TIMEOUT_MS);

  it('03-multivariate-weather: several inputs, calendar features, multi-day forecasts vs baselines', async () => {
    // The kernel parameter reaches the model: tfjs' own LSTM layers here.
    const { notebook: nb, glue } = await run('03-multivariate-weather.ipynb', { epochs: 1, units: 8, kernel: 'stock' });
    expect(streamOf(cellWith(nb, 'resolveLstmKernel(kernel)')).split('\n')[1]).toBe('kernel: stock (requested)');
    expect(streamOf(cellWith(nb, 'calendarFeatures('))).toContain(
      'inputs per day: temp_max, temp_min, precipitation, wind, dayOfYearSin, dayOfYearCos',
    );
    expect(figure(nb, 'Seattle daily temperatures').traces).toEqual([['temp_max', 1461], ['temp_min', 1461]]);
    expect(figure(nb, 'Other inputs').traces).toEqual([['precipitation', 1461], ['wind', 1461], ['dayOfYearSin', 1461], ['dayOfYearCos', 1461]]);
    expectOneFinalMonitorOutput(cellWith(nb, 'createTrainingMonitor('), /^done · 1 epochs in /);
    const models = ['lstm', 'naive', 'seasonal_naive', 'mean'];
    expect(figure(nb, 'Test errors by model').traces).toEqual(models.map((m) => [m, 2]));
    expect(figure(nb, 'MAE by forecast step').traces).toEqual(models.map((m) => [m, 3]));
    // 1461 rows, test fraction 0.2: 292 test days.
    expect(figure(nb, 'Forecast vs actual').traces).toEqual([['temp_max', 292], ['lstm', 292], ['naive', 292]]);
    expect(Object.keys(glue).sort()).toEqual(models.map((m) => `mase_${m}`).sort());
  }, RUN_TIMEOUT_MS);

  it('04-backtest-and-compare: configurations by backtest, then a reloaded bundle forecasts beyond the data', async () => {
    const configs = [
      { name: 'small', lookback: 12, units: 4, targetTransform: 'difference' },
      { name: 'relative', lookback: 12, units: 4, targetTransform: 'relative' },
    ];
    const { notebook: nb, glue } = await run('04-backtest-and-compare.ipynb', {
      epochs: 1, configs, forecastSteps: 24, historyShown: 48, runsDir: path.join(out, 'runs-04'),
    });
    // One live output per configuration, each in its final state.
    const training = cellWith(nb, 'runForecastJob(');
    const monitors = figures(nb).filter((f) => nb.cells[f.cell] === training);
    expect(monitors.map((f) => [f.title.replace(/ in .*/, ''), f.traces.slice(0, 2)])).toEqual([
      ['small · done · 1/1 epochs', [['train loss', 1], ['validation loss', 1]]],
      ['relative · done · 1/1 epochs', [['train loss', 1], ['validation loss', 1]]],
    ]);
    expect(figure(nb, 'Configurations and references').traces).toEqual(
      ['lstm small', 'lstm relative', 'naive', 'seasonal_naive', 'mean', 'drift', 'ets', 'theta', 'arima', 'holt_winters'].map((name) => [name, 2]),
    );
    // 48 months of history, then 24 forecast months (recursive: the trained horizon is 12).
    const beyond = figure(nb, 'CO2 forecast beyond the data');
    expect(beyond.traces).toEqual([['CO2', 72], [`lstm ${String(glue.best_configuration)} (recursive, 24 months)`, 72]]);
    expect(['small', 'relative']).toContain(glue.best_configuration);
    const table = cellWith(nb, "kernel: job.metrics.kernel.summary").outputs
      .flatMap((o) => (o.output_type === 'display_data' ? [String(o.data['text/html'] ?? '')] : []))[0];
    expect(table.split(fusedKernelLine()).length - 1).toBe(2); // one row per configuration
    expect(glue.forecast_last).toBeGreaterThan(300);
    const [runDir] = fs.readdirSync(path.join(out, 'runs-04'));
    expect(fs.readdirSync(path.join(out, 'runs-04', runDir)).sort()).toEqual(['relative', 'small']);
    expect(fs.existsSync(path.join(out, 'runs-04', runDir, 'small', 'model', 'manifest.json'))).toBe(true);
  }, RUN_TIMEOUT_MS);

  it('05-many-series: a global and a local LSTM on 14 industries, per-series backtest, forecasts past the end', async () => {
    const { notebook: nb, glue } = await run('05-many-series.ipynb', { epochs: 1, units: 8, shownSeries: ['Construction', 'Finance'] });
    expect(streamOf(cellWith(nb, 'resolveLstmKernel(kernel)')).split('\n')[1]).toBe(fusedKernelLine());
    // 14 industries, 2000-01 .. 2010-02: 122 months each.
    expect(figure(nb, 'Unemployed by industry').traces).toEqual([['Construction', 122], ['Finance', 122]]);
    expectOneFinalMonitorOutput(cellWith(nb, "mode: 'global'"), /^global · done · 1 epochs in /);
    expect(streamOf(cellWith(nb, "mode: 'local'")).trim().split('\n')).toHaveLength(14); // one line per local network
    const models = ['lstm_global', 'lstm_local', 'naive', 'seasonal_naive', 'ets', 'theta'];
    expect(figure(nb, 'Test MASE by industry and model').traces).toEqual(models.map((m) => [m, 14]));
    expect(figure(nb, 'Panel scores by model').traces).toEqual(models.map((m) => [m, 2]));
    // 48 months of history, then 12 months past the last one (2010-02).
    for (const id of ['Construction', 'Finance']) {
      expect(figure(nb, `${id}: the last 48 months`).traces).toEqual([
        [id, 60], ['lstm_global', 60], ['ets', 60], ['lstm_global 80%', 60], ['lstm_global 80%', 60], ['lstm_global 95%', 60], ['lstm_global 95%', 60],
      ]);
    }
    expect(figure(nb, 'Calibration').traces.map(([name]) => name)).toEqual([
      'lstm_global 80%', 'lstm_global 95%', 'lstm_local 80%', 'lstm_local 95%', 'seasonal_naive 80%', 'seasonal_naive 95%', 'nominal 80%', 'nominal 95%',
    ]);
    expect(Object.keys(glue).sort()).toEqual(['first_future_month', ...models.map((m) => `gmean_mase_${m}`), 'lstm_global_coverage_80', 'n_series', 'wins'].sort());
    expect(glue.n_series).toBe(14);
    for (const m of models) expect(Number.isFinite(glue[`gmean_mase_${m}`]) && (glue[`gmean_mase_${m}`] as number) > 0, m).toBe(true);
    expect(glue.gmean_mase_seasonal_naive).toBeCloseTo(4.0431, 3); // the baselines do not depend on training
    expect(Object.keys(glue.wins as Record<string, number>).sort()).toEqual(models.slice(1).sort());
    expect(glue.first_future_month).toBe('2010-03-01');
  }, RUN_TIMEOUT_MS);

  it('a cell that fails to type-check fails the run (exit 1, TSError, later cells not run)', async () => {
    // epochs is declared without a type annotation, so a string is accepted where it is injected
    // and the error surfaces where epochs is used as a number: a type error, not a runtime one.
    const result = await executeNotebook({
      inputPath: path.join(NOTEBOOKS, '01-quickstart.ipynb'),
      outputPath: path.join(out, 'broken.ipynb'),
      parameters: { epochs: 'two' },
    });
    expect([result.status, result.exitCode]).toEqual(['failed', 1]);
    expect(result.failure?.ename).toBe('TSError');
    expect(result.failure?.evalue).toMatch(/Type 'string' is not assignable to type 'number'/);
    const failed = result.notebook.cells[result.failure!.cellIndex] as CodeCell;
    expect(sourceText(failed.source)).toContain('resolveLstmConfig(');
    expect(failed.outputs.some((o) => o.output_type === 'error')).toBe(true);
    expect(cellWith(result.notebook, 'createTrainingMonitor(').metadata.papermill).toMatchObject({ status: 'pending' });
  }, RUN_TIMEOUT_MS);
});

function streamOf(cell: CodeCell): string {
  return cell.outputs.flatMap((o) => (o.output_type === 'stream' ? [sourceText(o.text)] : [])).join('');
}
