import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError, describeValue } from '../errors';
import { readTextFileBounded } from '../io';
import { LIBRARY } from '../version';
import { resolveLstmConfig } from './config';
import { LstmForecaster, type ForecasterSpec } from './forecaster';
import { loadModelFromDir, saveModelToDir } from './io';
import { resolveLstmKernel } from './kernel';
import { getModelShape, type ModelShape } from './lstm';
import { Preprocessor } from './preprocess';

/** Value of `format` in every bundle manifest. */
export const BUNDLE_FORMAT = 'lstm-workbench/forecaster';
/** Manifest schema version written by this library; loading accepts this version only. */
export const BUNDLE_FORMAT_VERSION = 1;
/** Manifest file name inside a bundle directory. */
export const MANIFEST_FILE = 'manifest.json';
/** Sub-directory holding the tfjs model (`model.json` + `weights.bin`). */
export const MODEL_DIR = 'model';
/**
 * Largest `manifest.json` {@link loadBundle} reads (manifests are a few KiB, training history
 * included); a larger file, or a device, fails before it is read.
 * @defaultValue `67108864` (64 MiB)
 */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/**
 * `manifest.json` of a bundle: everything besides the weights needed to forecast from raw values.
 */
export interface BundleManifest extends ForecasterSpec {
  readonly format: typeof BUNDLE_FORMAT;
  readonly formatVersion: number;
  readonly library: { readonly name: string; readonly version: string };
  readonly createdAt: string;
}

/**
 * Saves a forecaster as a bundle directory: `manifest.json` (columns, preprocessing, window,
 * hyper-parameters, training history, backend, the LSTM kernel it was trained with, library
 * version) and `model/` (tfjs model, with stock `LSTM` layers: see `saveModelToDir`).
 *
 * Atomic: everything is written into a temporary sibling directory that then replaces `dir`, so
 * a failure never leaves a half-written bundle (an existing bundle at `dir` is replaced only
 * after the new one is complete).
 *
 * @param dir - bundle directory; its parent must exist.
 * @throws InputError when the parent directory does not exist.
 */
export async function saveBundle(forecaster: LstmForecaster, dir: string): Promise<BundleManifest> {
  const parent = dirname(dir);
  try {
    await fs.access(parent);
  } catch {
    throw new InputError(`cannot save the bundle: directory ${describeValue(parent)} does not exist`, { dir });
  }
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    library: LIBRARY,
    createdAt: new Date().toISOString(),
    ...forecaster.spec,
  };
  const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  const old = join(parent, `.${basename(dir)}.old-${process.pid}-${Date.now()}`);
  try {
    await fs.mkdir(tmp);
    await saveModelToDir(forecaster.model, join(tmp, MODEL_DIR));
    await fs.writeFile(join(tmp, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    let hadOld = false;
    try {
      await fs.rename(dir, old);
      hadOld = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    try {
      await fs.rename(tmp, dir);
    } catch (error) {
      // Put the previous bundle back rather than leave `dir` missing and it hidden at `old`.
      if (hadOld) await fs.rename(old, dir);
      throw error;
    }
    if (hadOld) await fs.rm(old, { recursive: true, force: true });
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  return manifest;
}

function requireField(condition: boolean, file: string, what: string, value: unknown): void {
  if (!condition) {
    throw new InputError(`${file}: ${what}, got ${describeValue(value)}`, { file, value });
  }
}

/**
 * Validates a parsed manifest. @throws InputError naming the file and the bad field.
 * @internal exported for tests.
 */
export function validateManifest(raw: unknown, file: string): BundleManifest {
  requireField(raw !== null && typeof raw === 'object' && !Array.isArray(raw), file, 'the manifest must be a JSON object', raw);
  const m = raw as Record<string, unknown>;
  requireField(m.format === BUNDLE_FORMAT, file, `format must be "${BUNDLE_FORMAT}" (not a forecaster bundle?)`, m.format);
  requireField(
    m.formatVersion === BUNDLE_FORMAT_VERSION,
    file,
    `formatVersion must be ${BUNDLE_FORMAT_VERSION} (written by another library version?)`,
    m.formatVersion,
  );
  for (const key of ['lookback', 'horizon', 'season'] as const) {
    requireField(Number.isInteger(m[key]) && (m[key] as number) >= 1, file, `${key} must be a positive integer`, m[key]);
  }
  const data = m.data as Record<string, unknown> | undefined;
  requireField(data !== null && typeof data === 'object', file, 'data must be an object', data);
  // resolveLstmConfig(undefined) would silently give the defaults.
  requireField(m.config !== null && typeof m.config === 'object' && !Array.isArray(m.config), file, 'config must be an object', m.config);
  // The preprocessor and config validators give field-level messages; prefix them with the file.
  try {
    Preprocessor.fromJSON(m.preprocessor);
    resolveLstmConfig(m.config as Record<string, unknown>);
  } catch (error) {
    if (error instanceof InputError) throw new InputError(`${file}: ${error.message}`, { file });
    throw error;
  }
  // Absent from manifests written before it was recorded.
  const kernel = m.kernel as { kernel?: unknown } | null | undefined;
  requireField(
    kernel == null || (typeof kernel === 'object' && (kernel.kernel === 'fused' || kernel.kernel === 'stock')),
    file,
    'kernel must be null or an object whose kernel is "fused" or "stock"',
    kernel,
  );
  const names = (v: unknown): string => JSON.stringify(v ?? null);
  const pre = m.preprocessor as { targets: unknown; features: unknown };
  requireField(
    names(data!.targets) === names(pre.targets) && names(data!.features) === names(pre.features),
    file,
    `data.targets/features must equal preprocessor.targets/features (${names(pre.targets)} / ${names(pre.features)})`,
    { targets: data!.targets, features: data!.features },
  );
  return m as unknown as BundleManifest;
}

/**
 * Loads a bundle written by {@link saveBundle}: the result forecasts from raw values with no other
 * state. The caller owns the returned forecaster (call `dispose`).
 *
 * The model's LSTM layers follow the manifest's `config.kernel` (`'auto'` for manifests written
 * before it existed), resolved here and now (see `resolveLstmKernel`): the returned forecaster's
 * `kernel` says which path it runs, `spec.kernel` which one it was trained with.
 *
 * Reads are bounded: `manifest.json` must be a regular file of at most {@link MAX_MANIFEST_BYTES};
 * the model files are checked as `loadModelFromDir` describes (sizes from the weights manifest
 * compared with the files before reading them; devices and FIFOs refused).
 *
 * @throws InputError when the directory or a file is missing, the manifest is not a regular file,
 *   is larger than {@link MAX_MANIFEST_BYTES}, is not valid JSON or not a bundle of this format,
 *   or the model files are corrupt, of the wrong size or not regular files.
 * @example
 * const f = await loadBundle('runs/co2/model');
 * const { series } = await loadCsv('co2.csv', { time: f.spec.data.timeColumn, targets: [...f.spec.data.targets] });
 * console.log(f.forecast(series).values);
 */
export async function loadBundle(dir: string): Promise<LstmForecaster> {
  const file = join(dir, MANIFEST_FILE);
  const text = await readManifestText(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file} is not valid JSON: ${(error as Error).message}`, { file });
  }
  const manifest = validateManifest(parsed, file);
  // Manifests written before `kernel` existed get the default ('auto').
  const config = resolveLstmConfig(manifest.config);
  const kernel = resolveLstmKernel(config.kernel, { dropout: config.dropout > 0 || config.recurrentDropout > 0 });
  const model = await loadModelFromDir(join(dir, MODEL_DIR), { kernel: kernel.kernel });
  let shape: ModelShape;
  try {
    shape = getModelShape(model);
  } catch (error) {
    model.dispose();
    throw error;
  }
  const numTargets = manifest.preprocessor.targets.length;
  const expectedFeatures = numTargets + manifest.preprocessor.features.length;
  // The output too: forecastAt slices horizon * numTargets values per origin from the manifest.
  if (
    shape.lookback !== manifest.lookback ||
    shape.numFeatures !== expectedFeatures ||
    shape.horizon !== manifest.horizon ||
    shape.numTargets !== numTargets
  ) {
    model.dispose();
    throw new InputError(
      `${dir}: the model's input shape [${shape.lookback}, ${shape.numFeatures}] and output shape ` +
        `[${shape.horizon}, ${shape.numTargets}] do not match the manifest (lookback ${manifest.lookback}, ` +
        `${expectedFeatures} input columns, horizon ${manifest.horizon}, ${numTargets} targets)`,
      { dir },
    );
  }
  return LstmForecaster.fromParts(model, { ...manifest, config, kernel: manifest.kernel ?? null }, kernel);
}

async function readManifestText(file: string): Promise<string> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) {
      throw new InputError(`not a forecaster bundle: ${file} is not a regular file`, { file });
    }
    return await readTextFileBounded(file, {
      maxBytes: MAX_MANIFEST_BYTES,
      what: 'bundle manifest',
      limitHint: 'this is not a manifest this library wrote',
    });
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT' || code === 'ENOTDIR' ? `not a forecaster bundle: ${file} does not exist` : `cannot read ${file}: ${String(error)}`,
      { file },
    );
  }
}
