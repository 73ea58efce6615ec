import * as fsSync from 'node:fs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SplitIndices } from '../../src/data/split';
import type { TimeSeries } from '../../src/data/types';
import {
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  MANIFEST_FILE,
  MAX_MANIFEST_BYTES,
  MODEL_DIR,
  loadBundle,
  saveBundle,
  validateManifest,
} from '../../src/model/bundle';
import { LstmForecaster } from '../../src/model/forecaster';
import { LIBRARY } from '../../src/version';
import { expectInputError, expectInputErrorAsync, makeSeries, useBackend } from './helpers';

const makeSeriesCsv = (columns: Record<string, ArrayLike<number>>, numTargets = 1): TimeSeries =>
  makeSeries(columns, numTargets, 'memory.csv');


const N = 80;
const y = Float64Array.from({ length: N }, (_, t) => 3 + 0.1 * t + Math.sin((2 * Math.PI * t) / 8));
const series = makeSeriesCsv({ y });
const split: SplitIndices = { train: { start: 0, end: 56 }, val: { start: 56, end: 64 }, test: { start: 64, end: 80 } };
const origins = [20, 63, 79];

let root: string;
let forecaster: LstmForecaster;
let other: LstmForecaster;

beforeAll(async () => {
  await useBackend('cpu');
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'bundle-test-'));
  const options = { horizon: 2, season: 8, lookback: 8, model: { units: 6, epochs: 2, batchSize: 16 } };
  forecaster = await LstmForecaster.fit(series, split, options);
  other = await LstmForecaster.fit(series, split, { ...options, model: { ...options.model, seed: 9 } });
});

afterAll(async () => {
  forecaster.dispose();
  other.dispose();
  await fs.rm(root, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

let counter = 0;
/** A fresh parent directory holding a saved bundle `bundle/`. */
async function savedBundle(f: LstmForecaster = forecaster): Promise<{ parent: string; dir: string }> {
  const parent = path.join(root, `case-${++counter}`);
  await fs.mkdir(parent);
  const dir = path.join(parent, 'bundle');
  await saveBundle(f, dir);
  return { parent, dir };
}

async function editManifest(dir: string, edit: (m: Record<string, unknown>) => unknown): Promise<string> {
  const file = path.join(dir, MANIFEST_FILE);
  const m = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
  const replaced = edit(m);
  await fs.writeFile(file, JSON.stringify(replaced === undefined ? m : replaced));
  return file;
}

describe('saveBundle / loadBundle', () => {
  it('round-trips: the loaded forecaster forecasts identically from raw values', async () => {
    const { dir } = await savedBundle();
    expect((await fs.readdir(dir)).sort()).toEqual([MANIFEST_FILE, MODEL_DIR]);
    expect((await fs.readdir(path.join(dir, MODEL_DIR))).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await loadBundle(dir);
    expect(loaded.forecastAt(series, origins)).toEqual(forecaster.forecastAt(series, origins));
    expect(loaded.forecast(series, { steps: 5 })).toEqual(forecaster.forecast(series, { steps: 5 }));
    expect(loaded.lookback).toBe(8);
    expect(loaded.horizon).toBe(2);
    expect(loaded.shape).toEqual(forecaster.shape);
    expect(loaded.history).toEqual(forecaster.history);
    expect(loaded.spec.preprocessor).toEqual(forecaster.spec.preprocessor);
    loaded.dispose();
  });

  it('writes a manifest with format, version, library, creation time and the forecaster spec', async () => {
    const parent = path.join(root, `case-${++counter}`);
    await fs.mkdir(parent);
    const returned = await saveBundle(forecaster, path.join(parent, 'b'));
    const manifest = JSON.parse(await fs.readFile(path.join(parent, 'b', MANIFEST_FILE), 'utf8'));
    expect(manifest).toEqual(JSON.parse(JSON.stringify(returned)));
    expect(manifest.format).toBe(BUNDLE_FORMAT);
    expect(manifest.formatVersion).toBe(BUNDLE_FORMAT_VERSION);
    expect(manifest.library).toEqual(LIBRARY);
    expect(new Date(manifest.createdAt).toISOString()).toBe(manifest.createdAt);
    expect(manifest).toMatchObject({
      lookback: 8,
      horizon: 2,
      season: 8,
      split,
      data: { source: 'memory.csv', timeColumn: 't', timeKind: 'number', targets: ['y'], features: [], rows: N },
    });
    expect(manifest.config.units).toBe(6);
    expect(manifest.preprocessor.targetTransform).toBe('difference');
    expect(validateManifest(manifest, 'x')).toBe(manifest);
  });

  it('re-saving over a bundle replaces it atomically and leaves no temporary directories', async () => {
    const { parent, dir } = await savedBundle(other);
    await saveBundle(forecaster, dir);
    expect(await fs.readdir(parent)).toEqual(['bundle']);
    const loaded = await loadBundle(dir);
    expect(loaded.forecastAt(series, origins)).toEqual(forecaster.forecastAt(series, origins));
    expect(loaded.forecastAt(series, origins)).not.toEqual(other.forecastAt(series, origins));
    loaded.dispose();
  });

  it('a failed save leaves the existing bundle as it was and no temporary directories', async () => {
    const { parent, dir } = await savedBundle(other);
    const before = await fs.readFile(path.join(dir, MANIFEST_FILE), 'utf8');
    const realWriteFile = fs.writeFile.bind(fs);
    vi.spyOn(fsSync.promises, 'writeFile').mockImplementation(async (file, ...rest) => {
      if (String(file).endsWith(MANIFEST_FILE)) throw new Error('disk full');
      return realWriteFile(file, ...(rest as [string]));
    });
    await expect(saveBundle(forecaster, dir)).rejects.toThrow('disk full');
    vi.restoreAllMocks();
    expect(await fs.readdir(parent)).toEqual(['bundle']);
    expect(await fs.readFile(path.join(dir, MANIFEST_FILE), 'utf8')).toBe(before);
    const loaded = await loadBundle(dir);
    expect(loaded.forecastAt(series, origins)).toEqual(other.forecastAt(series, origins));
    loaded.dispose();
  });

  it('a failure while moving the new bundle in puts the old one back', async () => {
    const { parent, dir } = await savedBundle(other);
    const realRename = fs.rename.bind(fs);
    vi.spyOn(fsSync.promises, 'rename').mockImplementation(async (from, to) => {
      if (String(from).includes('.bundle.tmp-') && to === dir) throw new Error('EIO: rename failed');
      return realRename(from, to);
    });
    await expect(saveBundle(forecaster, dir)).rejects.toThrow('EIO: rename failed');
    vi.restoreAllMocks();
    expect(await fs.readdir(parent)).toEqual(['bundle']);
    const loaded = await loadBundle(dir);
    expect(loaded.forecastAt(series, origins)).toEqual(other.forecastAt(series, origins));
    loaded.dispose();
  });

  it('rejects a parent directory that does not exist', async () => {
    const dir = path.join(root, 'missing-parent', 'bundle');
    await expectInputErrorAsync(
      () => saveBundle(forecaster, dir),
      `cannot save the bundle: directory ${JSON.stringify(path.dirname(dir))} does not exist`,
    );
  });

  it('loading does not leak tensors beyond the returned model, which dispose releases', async () => {
    const { dir } = await savedBundle();
    (await loadBundle(dir)).dispose(); // warm-up
    const before = tf.memory().numTensors;
    const loaded = await loadBundle(dir);
    loaded.forecastAt(series, origins);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a loaded bundle rejects a series with other columns', async () => {
    const { dir } = await savedBundle();
    const loaded = await loadBundle(dir);
    expectInputError(
      () => loaded.forecastAt(makeSeriesCsv({ y, extra: y }), [40]),
      'columns do not match the fitted model: expected targets [y] and features [], got targets [y] and features [extra]',
    );
    expectInputError(
      () => loaded.forecast(makeSeriesCsv({ load: y })),
      'columns do not match the fitted model: expected targets [y] and features [], got targets [load] and features []',
    );
    loaded.dispose();
  });
});

describe('bundles and the LSTM kernel', () => {
  const fit = (kernel?: 'stock' | 'fused') =>
    LstmForecaster.fit(series, split, { horizon: 2, season: 8, lookback: 8, model: { units: 6, epochs: 2, batchSize: 16, ...(kernel ? { kernel } : {}) } });
  const classes = (f: LstmForecaster) => f.model.layers.map((l) => l.getClassName())[0];
  const expectClose = (got: Float64Array[], want: Float64Array[]) =>
    got.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - want[i][j])).toBeLessThan(1e-6 * Math.max(1, Math.abs(want[i][j])))));

  it('a fused-trained bundle records its kernel, saves LSTM layers, and loads fused, forecasting the same values', async () => {
    expect(forecaster.kernel.kernel).toBe('fused');
    expect(classes(forecaster)).toBe('FusedLstm');
    const { dir } = await savedBundle();
    const manifest = JSON.parse(await fs.readFile(path.join(dir, MANIFEST_FILE), 'utf8'));
    expect(manifest.config.kernel).toBe('auto');
    expect(manifest.kernel).toEqual(JSON.parse(JSON.stringify(forecaster.kernel)));
    expect(manifest.kernel).toMatchObject({ requested: 'auto', kernel: 'fused' });
    expect(await fs.readFile(path.join(dir, MODEL_DIR, 'model.json'), 'utf8')).not.toContain('FusedLstm');
    const loaded = await loadBundle(dir);
    expect(classes(loaded)).toBe('FusedLstm');
    expect(loaded.kernel).toEqual(forecaster.kernel);
    expect(loaded.spec.kernel).toEqual(manifest.kernel);
    expectClose(loaded.forecastAt(series, origins), forecaster.forecastAt(series, origins));
    loaded.dispose();
  });

  it("a stock-trained bundle loads with the kernel its manifest asks for: 'stock', or fused once the config says 'auto' or 'fused'", async () => {
    const stock = await fit('stock');
    try {
      expect(classes(stock)).toBe('LSTM');
      expect(stock.kernel).toMatchObject({ requested: 'stock', kernel: 'stock', info: null, summary: 'kernel: stock (requested)' });
      const want = stock.forecastAt(series, origins);
      const { dir } = await savedBundle(stock);
      const asSaved = await loadBundle(dir);
      expect(classes(asSaved)).toBe('LSTM');
      expect(asSaved.forecastAt(series, origins)).toEqual(want);
      asSaved.dispose();
      for (const kernel of ['auto', 'fused']) {
        await editManifest(dir, (m) => ({ ...m, config: { ...(m.config as object), kernel } }));
        const loaded = await loadBundle(dir);
        expect(classes(loaded)).toBe('FusedLstm');
        expect(loaded.kernel).toMatchObject({ requested: kernel, kernel: 'fused' });
        expect(loaded.spec.kernel).toMatchObject({ requested: 'stock', kernel: 'stock' }); // what it was trained with
        expectClose(loaded.forecastAt(series, origins), want);
        loaded.dispose();
      }
    } finally {
      stock.dispose();
    }
  });

  it("a manifest written before the kernel was recorded loads as 'auto' (fused here)", async () => {
    const { dir } = await savedBundle();
    await editManifest(dir, (m) => {
      delete m.kernel;
      delete (m.config as Record<string, unknown>).kernel;
    });
    const loaded = await loadBundle(dir);
    expect(classes(loaded)).toBe('FusedLstm');
    expect(loaded.spec.config.kernel).toBe('auto');
    expect(loaded.spec.kernel).toBeNull();
    expect(loaded.kernel).toMatchObject({ requested: 'auto', kernel: 'fused' });
    expect(loaded.forecastAt(series, origins)).toEqual(forecaster.forecastAt(series, origins));
    loaded.dispose();
  });
});

describe('loadBundle: corrupt or incomplete bundles', () => {
  it('a missing directory or manifest', async () => {
    const dir = path.join(root, 'nothing-here');
    await expectInputErrorAsync(() => loadBundle(dir), `not a forecaster bundle: ${path.join(dir, MANIFEST_FILE)} does not exist`);
  });

  it('a manifest that is not JSON', async () => {
    const { dir } = await savedBundle();
    const file = path.join(dir, MANIFEST_FILE);
    await fs.writeFile(file, '{"format": "lstm-workbench/forecaster", ');
    let parseMessage = '';
    try {
      JSON.parse('{"format": "lstm-workbench/forecaster", ');
    } catch (error) {
      parseMessage = (error as Error).message;
    }
    await expectInputErrorAsync(() => loadBundle(dir), `${file} is not valid JSON: ${parseMessage}`);
  });

  it.each([
    ['not an object', () => [1, 2], 'the manifest must be a JSON object, got [1,2]'],
    [
      'another format',
      (m: Record<string, unknown>) => ({ ...m, format: 'keras' }),
      `format must be "${BUNDLE_FORMAT}" (not a forecaster bundle?), got "keras"`,
    ],
    [
      'a missing format',
      (m: Record<string, unknown>) => ({ ...m, format: undefined }),
      `format must be "${BUNDLE_FORMAT}" (not a forecaster bundle?), got undefined`,
    ],
    [
      'another formatVersion',
      (m: Record<string, unknown>) => ({ ...m, formatVersion: 2 }),
      'formatVersion must be 1 (written by another library version?), got 2',
    ],
    ['a bad lookback', (m: Record<string, unknown>) => ({ ...m, lookback: 0 }), 'lookback must be a positive integer, got 0'],
    ['a bad horizon', (m: Record<string, unknown>) => ({ ...m, horizon: '2' }), 'horizon must be a positive integer, got "2"'],
    ['no season', (m: Record<string, unknown>) => ({ ...m, season: undefined }), 'season must be a positive integer, got undefined'],
    ['no data', (m: Record<string, unknown>) => ({ ...m, data: null }), 'data must be an object, got null'],
    [
      'no preprocessor',
      (m: Record<string, unknown>) => ({ ...m, preprocessor: undefined }),
      'preprocessor state must be an object, got undefined',
    ],
    [
      'a bad target transform',
      (m: Record<string, unknown>) => ({ ...m, preprocessor: { ...(m.preprocessor as object), targetTransform: 'log' } }),
      'preprocessor.targetTransform must be one of none, difference, relative, log-difference, log-relative, got "log"',
    ],
    ['no config', (m: Record<string, unknown>) => ({ ...m, config: undefined }), 'config must be an object, got undefined'],
    [
      'data columns disagreeing with the preprocessor',
      (m: Record<string, unknown>) => ({ ...m, data: { ...(m.data as object), targets: ['other'] } }),
      'data.targets/features must equal preprocessor.targets/features (["y"] / []), got {"targets":["other"],"features":[]}',
    ],
    [
      'a bad config',
      (m: Record<string, unknown>) => ({ ...m, config: { ...(m.config as object), units: 0 } }),
      'units must be a positive integer, got 0',
    ],
    [
      'a bad config kernel',
      (m: Record<string, unknown>) => ({ ...m, config: { ...(m.config as object), kernel: 'gpu' } }),
      'kernel must be one of "auto", "fused", "stock", got "gpu"',
    ],
    [
      'a bad kernel record',
      (m: Record<string, unknown>) => ({ ...m, kernel: { kernel: 'native' } }),
      'kernel must be null or an object whose kernel is "fused" or "stock", got {"kernel":"native"}',
    ],
  ])('a manifest with %s names the file and the field', async (_name, edit, message) => {
    const { dir } = await savedBundle();
    const file = await editManifest(dir, edit);
    await expectInputErrorAsync(() => loadBundle(dir), `${file}: ${message}`);
    expectInputError(() => validateManifest(JSON.parse(fsSync.readFileSync(file, 'utf8')), 'm.json'), `m.json: ${message}`);
  });

  it('missing model files', async () => {
    const { dir } = await savedBundle();
    const weights = path.join(dir, MODEL_DIR, 'weights.bin');
    await fs.rm(weights);
    await expectInputErrorAsync(() => loadBundle(dir), `${weights} not found`);
    const json = path.join(dir, MODEL_DIR, 'model.json');
    await fs.rm(json);
    await expectInputErrorAsync(() => loadBundle(dir), `${json} not found`);
    await fs.rm(path.join(dir, MODEL_DIR), { recursive: true });
    await expectInputErrorAsync(() => loadBundle(dir), `${json} not found`);
  });

  it('a weights file or manifest that is a device, or a manifest over the limit, fails before reading', async () => {
    const { dir } = await savedBundle();
    const weights = path.join(dir, MODEL_DIR, 'weights.bin');
    await fs.rm(weights);
    await fs.symlink('/dev/zero', weights);
    await expectInputErrorAsync(() => loadBundle(dir), `${weights} is a character device, not a regular file`);

    const manifest = path.join(dir, MANIFEST_FILE);
    const good = await fs.readFile(manifest);
    await fs.rm(manifest);
    await fs.symlink('/dev/zero', manifest);
    await expectInputErrorAsync(() => loadBundle(dir), `not a forecaster bundle: ${manifest} is not a regular file`);
    await fs.rm(manifest);

    await fs.writeFile(manifest, good);
    await fs.truncate(manifest, MAX_MANIFEST_BYTES + 1);
    await expectInputErrorAsync(
      () => loadBundle(dir),
      `bundle manifest ${manifest} is 67108865 bytes (64 MiB), more than the limit of 67108864 bytes (64 MiB) (maxBytes); ` +
        'this is not a manifest this library wrote',
    );
  });

  it('truncated weights', async () => {
    const { dir } = await savedBundle();
    const weights = path.join(dir, MODEL_DIR, 'weights.bin');
    const bytes = await fs.readFile(weights);
    await fs.writeFile(weights, bytes.subarray(0, bytes.length - 8));
    await expectInputErrorAsync(
      () => loadBundle(dir),
      `${weights}: expected ${bytes.length} bytes from model.json's weightsManifest, got ${bytes.length - 8} (truncated, or written for another model)`,
    );
  });

  it.each([
    [
      'lookback',
      (m: Record<string, unknown>) => ({ ...m, lookback: 9 }),
      "the model's input shape [8, 1] and output shape [2, 1] do not match the manifest (lookback 9, 1 input columns, horizon 2, 1 targets)",
    ],
    [
      'input columns',
      (m: Record<string, unknown>) => ({
        ...m,
        preprocessor: { ...(m.preprocessor as object), features: ['f'], featureScalers: [{ kind: 'standard', mean: 0, std: 1 }] },
        data: { ...(m.data as object), features: ['f'] },
      }),
      "the model's input shape [8, 1] and output shape [2, 1] do not match the manifest (lookback 8, 2 input columns, horizon 2, 1 targets)",
    ],
    [
      'horizon',
      (m: Record<string, unknown>) => ({ ...m, horizon: 3 }),
      "the model's input shape [8, 1] and output shape [2, 1] do not match the manifest (lookback 8, 1 input columns, horizon 3, 1 targets)",
    ],
  ])('a model whose shape does not match the manifest (%s)', async (_name, edit, message) => {
    const { dir } = await savedBundle();
    await editManifest(dir, edit);
    const before = tf.memory().numTensors;
    await expectInputErrorAsync(() => loadBundle(dir), `${dir}: ${message}`);
    expect(tf.memory().numTensors).toBe(before);
  });
});
