import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError, describeValue } from '../errors';
import { readTextFileBounded, writeDirAtomic } from '../io';
import { LIBRARY } from '../version';
import type * as tf from '../tf';
import { resolveLstmConfig, type LstmConfig } from './config';
import type { SplitIndices } from '../data/split';
import { LstmForecaster, type ForecasterSpec } from './forecaster';
import { GlobalLstmForecaster } from './global';
import { loadModelFromDir, saveModelToDir } from './io';
import { resolveLstmKernel, type ResolvedLstmKernel } from './kernel';
import { getModelShape, type ModelShape } from './lstm';
import { Preprocessor, type PreprocessorState } from './preprocess';

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
 * The future-known covariates (calendar encoders with their scalers, future-known columns, lead)
 * are in `preprocessor.futureKnown`; manifests without it load with none.
 */
export interface BundleManifest extends ForecasterSpec {
  /**
   * A global model's series: ids, one preprocessor and split each (`preprocessor` and `split`
   * above are the first series'). Absent for a one-series forecaster.
   */
  readonly panel?: {
    readonly ids: readonly string[];
    readonly preprocessors: readonly PreprocessorState[];
    readonly splits: readonly (SplitIndices | null)[];
  };
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
export async function saveBundle(forecaster: LstmForecaster | GlobalLstmForecaster, dir: string): Promise<BundleManifest> {
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
    ...(forecaster instanceof GlobalLstmForecaster
      ? {
          ...forecaster.spec.shared,
          panel: { ids: forecaster.spec.ids, preprocessors: forecaster.spec.preprocessors, splits: forecaster.spec.splits },
        }
      : forecaster.spec),
  };
  await writeDirAtomic(
    dir,
    async (tmp) => {
      await saveModelToDir(forecaster.model, join(tmp, MODEL_DIR));
      await fs.writeFile(join(tmp, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    },
    { replace: true },
  );
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
  const pre = m.preprocessor as { targets: unknown; features: unknown; futureKnown?: { lead: number } };
  // The lead columns were built with the horizon the network was trained for.
  requireField(
    pre.futureKnown === undefined || pre.futureKnown.lead === m.horizon,
    file,
    `preprocessor.futureKnown.lead must equal horizon (${String(m.horizon)})`,
    pre.futureKnown?.lead,
  );
  requireField(
    names(data!.targets) === names(pre.targets) && names(data!.features) === names(pre.features),
    file,
    `data.targets/features must equal preprocessor.targets/features (${names(pre.targets)} / ${names(pre.features)})`,
    { targets: data!.targets, features: data!.features },
  );
  if (m.panel !== undefined) validatePanel(m.panel, pre, file);
  return m as unknown as BundleManifest;
}

function validatePanel(raw: unknown, pre: { targets: unknown; features: unknown; futureKnown?: unknown }, file: string): void {
  requireField(raw !== null && typeof raw === 'object' && !Array.isArray(raw), file, 'panel must be an object', raw);
  const panel = raw as Record<string, unknown>;
  const ids = panel.ids as unknown[];
  requireField(
    Array.isArray(ids) && ids.length > 0 && ids.every((id) => typeof id === 'string' && id.length > 0) && new Set(ids).size === ids.length,
    file,
    'panel.ids must be a non-empty array of distinct non-empty strings',
    ids,
  );
  const preprocessors = panel.preprocessors as unknown[];
  const splits = panel.splits as unknown[];
  requireField(Array.isArray(preprocessors) && preprocessors.length === ids.length, file, `panel.preprocessors must have ${ids.length} entries`, preprocessors?.length);
  requireField(Array.isArray(splits) && splits.length === ids.length, file, `panel.splits must have ${ids.length} entries`, splits?.length);
  const names = (v: unknown): string => JSON.stringify(v ?? null);
  preprocessors.forEach((state, i) => {
    try {
      Preprocessor.fromJSON(state);
    } catch (error) {
      if (error instanceof InputError) throw new InputError(`${file}: panel.preprocessors[${i}]: ${error.message}`, { file });
      throw error;
    }
    const p = state as { targets: unknown; features: unknown; futureKnown?: unknown };
    requireField(
      names(p.targets) === names(pre.targets) && names(p.features) === names(pre.features),
      file,
      `panel.preprocessors[${i}] must have the targets/features of preprocessor (${names(pre.targets)} / ${names(pre.features)})`,
      { targets: p.targets, features: p.features },
    );
    // One network: every series must feed it the same future-known inputs (their scalers differ).
    const inputs = (v: unknown): string => {
      const k = v as { lead?: unknown; columns?: unknown; calendar?: unknown } | undefined;
      return k === undefined ? 'none' : JSON.stringify({ lead: k.lead, columns: k.columns, calendar: k.calendar });
    };
    requireField(
      inputs(p.futureKnown) === inputs(pre.futureKnown),
      file,
      `panel.preprocessors[${i}] must have the future-known covariates of preprocessor (${inputs(pre.futureKnown)})`,
      p.futureKnown === undefined ? null : JSON.parse(inputs(p.futureKnown)),
    );
  });
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
  const { model, manifest, config, kernel } = await loadParts(dir);
  const ids = manifest.panel?.ids ?? [];
  if (ids.length > 1) {
    model.dispose();
    throw new InputError(
      `${dir} holds a global model of ${ids.length} series (${ids.slice(0, 5).map((id) => JSON.stringify(id)).join(', ')}${ids.length > 5 ? ', ...' : ''}); load it with loadPanelBundle`,
      { dir },
    );
  }
  return LstmForecaster.fromParts(model, { ...manifest, config, kernel: manifest.kernel ?? null }, kernel);
}

/**
 * Loads a bundle as a {@link GlobalLstmForecaster}: a global model with its ids, per-series
 * preprocessors and splits, or a one-series bundle as a global model of one series (whose id is
 * its first target's name).
 *
 * @throws InputError as {@link loadBundle} does (bounded reads, manifest validation, shapes).
 * @example
 * const f = await loadPanelBundle('runs/industries/model');
 * f.ids; // the series it was trained on
 */
export async function loadPanelBundle(dir: string): Promise<GlobalLstmForecaster> {
  const { model, manifest, config, kernel } = await loadParts(dir);
  const { panel, ...rest } = manifest;
  const shared: ForecasterSpec = { ...rest, config, kernel: manifest.kernel ?? null };
  return GlobalLstmForecaster.fromParts(
    model,
    {
      shared,
      ids: panel?.ids ?? [manifest.data.targets[0]],
      preprocessors: panel?.preprocessors ?? [manifest.preprocessor],
      splits: panel?.splits ?? [manifest.split],
    },
    kernel,
  );
}

/** Reads and checks a bundle: the validated manifest, the resolved config and kernel, the model. */
async function loadParts(dir: string): Promise<{ model: tf.LayersModel; manifest: BundleManifest; config: LstmConfig; kernel: ResolvedLstmKernel }> {
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
  // Targets, features and calendar encoders (none in manifests written before they existed).
  const expectedFeatures = Preprocessor.fromJSON(manifest.preprocessor).numInputs;
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
  return { model, manifest, config, kernel };
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
