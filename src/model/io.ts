/**
 * Saving and loading models to a local directory without tfjs-node (whose `file://` handler is the
 * only filesystem IOHandler tfjs has). The files are tfjs' own layers-model format with the stock
 * `LSTM` layer (the Keras LSTM weight layout), so a saved directory also loads with
 * `tf.loadLayersModel` over HTTP or with tfjs-node, without this library.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '../tf';
import { InputError } from '../errors';
import { readFileBounded, readTextFileBounded, writeFileAtomic } from '../io';
import { DEFAULT_KERNEL, type LstmKernelChoice } from './config';
import { LSTM_LAYER_CLASS_NAMES, resolveLstmKernel, withLstmKernel } from './kernel';
import { fail } from '../validate';

/** Name of the topology + manifest file. */
export const MODEL_JSON = 'model.json';
/** Name of the weights file. */
export const WEIGHTS_BIN = 'weights.bin';
/**
 * Largest `model.json` {@link loadModelFromDir} reads: topologies are a few KiB; anything this
 * large is not a model file (or is a device such as `/dev/zero`).
 * @defaultValue `67108864` (64 MiB)
 */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;

/**
 * `model.json` as written by {@link saveModelToDir}: tfjs' `ModelJSON` plus `weightsSha256`,
 * which tfjs' loaders ignore and {@link loadModelFromDir} checks.
 */
interface SavedModelJson {
  modelTopology: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  trainingConfig?: tf.io.TrainingConfig;
  userDefinedMetadata?: Record<string, unknown>;
  /** Hex SHA-256 of the concatenated weight files. */
  weightsSha256?: string;
}

/** Options of {@link loadModelFromDir}. */
export interface LoadModelOptions {
  /**
   * LSTM implementation of the loaded model (see `resolveLstmKernel`): with `'fused'` (or
   * `'auto'` resolving to it) the LSTM layers of a Sequential model become `FusedLstm` layers.
   * @defaultValue {@link DEFAULT_KERNEL} ('auto')
   */
  readonly kernel?: LstmKernelChoice;
}

/**
 * Saves a model's topology and weights as `<dir>/model.json` and `<dir>/weights.bin`.
 *
 * `FusedLstm` layers are saved as tfjs' stock `LSTM` (class name `LSTM`, the same config and
 * weights `<name>/kernel`, `<name>/recurrent_kernel`, `<name>/bias`), from a temporary stock copy
 * of the model (see `toStockModel`), so the files load anywhere tfjs does.
 *
 * Each file is written to a temporary name in `dir`, flushed, then renamed over the old one
 * (weights first), so a crash never leaves a half-written file under the final names; other
 * files in `dir` are untouched. The optimiser state is not saved.
 *
 * @param model - The model to save; not modified.
 * @param dir - Target directory; created (recursively) if missing.
 * @throws InputError when `dir` is not a non-empty string, or when a model that is not a
 *   `tf.Sequential` has `FusedLstm` layers (only Sequential models convert); filesystem errors
 *   propagate.
 * @example
 * await saveModelToDir(model, dir); // e.g. dir = 'runs/2024-01-01/model'
 */
export async function saveModelToDir(model: tf.LayersModel, dir: string): Promise<void> {
  if (typeof dir !== 'string' || dir.length === 0) fail('dir', 'a non-empty string', dir);
  const stock = withLstmKernel(model, 'stock');
  try {
    if (stock.layers.some((layer) => layer.getClassName() === LSTM_LAYER_CLASS_NAMES.fused)) {
      throw new InputError(
        `model must be a tf.Sequential to save its ${LSTM_LAYER_CLASS_NAMES.fused} layers as LSTM, got ${model.constructor.name}`,
        { argument: 'model' },
      );
    }
    const metadata = model.getUserDefinedMetadata();
    if (stock !== model && metadata !== undefined) stock.setUserDefinedMetadata(metadata);
    await fs.mkdir(dir, { recursive: true });
    await saveArtifacts(stock, dir);
  } finally {
    if (stock !== model) stock.dispose();
  }
}

async function saveArtifacts(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = new Uint8Array(
        artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData),
      );
      const json: SavedModelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
        weightsSha256: sha256(weights),
      };
      await writeFileAtomic(path.join(dir, WEIGHTS_BIN), weights);
      await writeFileAtomic(path.join(dir, MODEL_JSON), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

/**
 * Loads a model saved by {@link saveModelToDir} (or any tfjs layers-model directory whose weight
 * paths are files in the same directory).
 *
 * The LSTM layers of a Sequential model are `FusedLstm` or stock `LSTM` layers as
 * `resolveLstmKernel(options.kernel)` decides, whichever class the files name; other models load
 * as they are. The model is not compiled: use it for prediction, or call `compileLstmModel` to
 * train further.
 *
 * @param dir - Directory holding `model.json` and its weight files.
 * @param options - See {@link LoadModelOptions}.
 * @returns A new model; the caller owns it and must call `model.dispose()`.
 * Nothing is read blindly: `model.json` is read with a {@link MAX_MODEL_JSON_BYTES} limit, and
 * before any weight file is read, the byte size the `weightsManifest` implies (dtype size times
 * shape product, summed) is compared with the `fstat` sizes of the weight files (symbolic links
 * resolved); only regular files are accepted, so a `weights.bin` linked to `/dev/zero` or a FIFO
 * fails at once instead of being read without end.
 *
 * @throws InputError naming the file and the problem: missing `model.json` or weight file,
 *   invalid JSON, missing `modelTopology`/`weightsManifest`, a weight path that is not a plain
 *   file name in `dir` (`..`, a slash, a NUL byte: the message names the manifest field), a
 *   weight file that is not a regular file, weight files whose size differs from the manifest's
 *   (truncated or mismatched file; message gives both sizes), checksum mismatch, or a topology
 *   tfjs cannot deserialize; or naming `kernel` when `options.kernel` is not `'auto'`, `'fused'` or `'stock'`.
 * @example
 * const loaded = await loadModelFromDir(dir, { kernel: 'stock' });
 * getModelShape(loaded).horizon; // => 6
 * loaded.dispose();
 */
export async function loadModelFromDir(dir: string, options: LoadModelOptions = {}): Promise<tf.LayersModel> {
  if (typeof dir !== 'string' || dir.length === 0) fail('dir', 'a non-empty string', dir);
  const kernel = resolveLstmKernel(options.kernel ?? DEFAULT_KERNEL).kernel;
  const loaded = await loadArtifacts(dir);
  let model: tf.LayersModel;
  try {
    model = withLstmKernel(loaded, kernel);
  } catch (error) {
    loaded.dispose();
    throw error;
  }
  if (model !== loaded) loaded.dispose();
  return model;
}

/** Reads and checks `model.json` and its weight files in `dir`, and builds the (stock-kernel) model. */
async function loadArtifacts(dir: string): Promise<tf.LayersModel> {
  const jsonPath = path.join(dir, MODEL_JSON);
  const json = await readModelJson(jsonPath);
  const { specs, files } = weightFilesOf(json, dir, jsonPath);
  const expected = expectedByteLength(specs, jsonPath);
  const weights = await readWeights(files, dir, expected, json.weightsSha256);
  return modelFromArtifacts(json, specs, weights, jsonPath);
}

/** Reads `model.json` (bounded) and checks it is an object with a topology and a manifest array. */
async function readModelJson(jsonPath: string): Promise<SavedModelJson> {
  const text = await readOrExplain(jsonPath, MAX_MODEL_JSON_BYTES, 'utf8');
  let json: SavedModelJson;
  try {
    json = JSON.parse(text) as SavedModelJson;
  } catch (error) {
    throw corrupt(jsonPath, `is not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw corrupt(jsonPath, 'must hold a JSON object');
  }
  if (typeof json.modelTopology !== 'object' || json.modelTopology === null) {
    throw corrupt(jsonPath, 'has no "modelTopology" object');
  }
  if (!Array.isArray(json.weightsManifest)) {
    throw corrupt(jsonPath, 'has no "weightsManifest" array');
  }
  return json;
}

/** The manifest's weight specs and weight file paths, each path checked to be a plain file name in `dir`. */
function weightFilesOf(json: SavedModelJson, dir: string, jsonPath: string): { specs: tf.io.WeightsManifestEntry[]; files: string[] } {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const files: string[] = [];
  for (const [g, group] of json.weightsManifest.entries()) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) {
      throw corrupt(jsonPath, `weightsManifest[${g}] must have "paths" and "weights" arrays`);
    }
    specs.push(...group.weights);
    for (const [i, file] of group.paths.entries()) {
      if (typeof file === 'string' && file.includes('\0')) {
        // fs would throw a TypeError (ERR_INVALID_ARG_VALUE) that names no file.
        throw corrupt(jsonPath, `weightsManifest[${g}].paths[${i}] contains a NUL byte: ${JSON.stringify(file)}`);
      }
      if (typeof file !== 'string' || file !== path.basename(file) || file === '..' || file === '.') {
        throw corrupt(jsonPath, `weightsManifest[${g}] names ${JSON.stringify(file)}, not a file in ${dir}`);
      }
      files.push(path.join(dir, file));
    }
  }
  return { specs, files };
}

/** Reads the weight files as one buffer of `expected` bytes, after checking their sizes, and checks the checksum if given. */
async function readWeights(files: readonly string[], dir: string, expected: number, weightsSha256: string | undefined): Promise<Buffer> {
  // Sizes first: nothing is read unless every file is regular and the sizes add up.
  const sizes = await Promise.all(files.map((file) => regularFileSize(file)));
  const actual = sizes.reduce((a, b) => a + b, 0);
  const weightFiles = files.map((file) => path.basename(file)).join(', ');
  const named = path.join(dir, weightFiles);
  if (actual !== expected) {
    throw new InputError(
      `${named}: expected ${expected} bytes from ${MODEL_JSON}'s weightsManifest, ` +
        `got ${actual} (truncated, or written for another model)`,
      { file: named, expected, actual },
    );
  }
  const buffers: Buffer[] = [];
  for (const [k, file] of files.entries()) {
    // Bounded by the size just checked: a file that grew meanwhile fails instead of being read on.
    buffers.push(await readOrExplain(file, Math.max(1, sizes[k])));
  }
  const weights = Buffer.concat(buffers);
  if (weights.byteLength !== expected) {
    throw new InputError(`${named}: changed while being read (expected ${expected} bytes, read ${weights.byteLength})`, {
      file: named,
      expected,
      actual: weights.byteLength,
    });
  }
  if (weightsSha256 !== undefined && weightsSha256 !== sha256(weights)) {
    throw new InputError(
      `${path.join(dir, weightFiles)}: SHA-256 checksum does not match ${MODEL_JSON}'s weightsSha256 ` +
        `(the weights were modified or belong to another save)`,
      { file: path.join(dir, weightFiles) },
    );
  }
  return weights;
}

/** Builds the model from the checked topology and weights; a tfjs failure is reported against `model.json`. */
async function modelFromArtifacts(
  json: SavedModelJson,
  specs: tf.io.WeightsManifestEntry[],
  weights: Buffer,
  jsonPath: string,
): Promise<tf.LayersModel> {
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
        weightSpecs: specs,
        weightData,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        ...(json.trainingConfig ? { trainingConfig: json.trainingConfig } : {}),
        ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
      }),
    );
  } catch (error) {
    throw corrupt(jsonPath, `could not be loaded by tfjs: ${(error as Error).message}`);
  }
}

/** Bytes per element of each stored dtype (quantized weights store the quantization dtype). */
const BYTES_PER_ELEMENT: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

function expectedByteLength(specs: readonly tf.io.WeightsManifestEntry[], jsonPath: string): number {
  let total = 0;
  for (const spec of specs) {
    const dtype = spec?.quantization?.dtype ?? spec?.dtype;
    const bytes = BYTES_PER_ELEMENT[dtype as string];
    if (
      bytes === undefined ||
      !Array.isArray(spec.shape) ||
      !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)
    ) {
      throw corrupt(
        jsonPath,
        `has an unsupported weight entry ${JSON.stringify(spec)} (need a numeric dtype and a shape)`,
      );
    }
    total += bytes * spec.shape.reduce((a, b) => a * b, 1);
  }
  return total;
}

function corrupt(file: string, problem: string): InputError {
  return new InputError(`${file} ${problem}`, { file });
}

/** Size of a regular file (symbolic links followed); InputError for anything else. */
async function regularFileSize(file: string): Promise<number> {
  let stat: import('node:fs').Stats;
  try {
    stat = await fs.stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(`${file} not found`, { file });
    throw error;
  }
  if (stat.isDirectory()) throw new InputError(`${file} is a directory, expected a file`, { file });
  if (!stat.isFile()) {
    const kind = stat.isFIFO() ? 'a FIFO' : stat.isCharacterDevice() ? 'a character device' : stat.isSocket() ? 'a socket' : 'not a regular file';
    throw new InputError(`${file} is ${kind.startsWith('not') ? kind : `${kind}, not a regular file`}`, { file, kind });
  }
  return stat.size;
}

/** Reads a regular file of at most `maxBytes` bytes, with messages naming the file. */
async function readOrExplain(file: string, maxBytes: number): Promise<Buffer>;
async function readOrExplain(file: string, maxBytes: number, encoding: 'utf8'): Promise<string>;
async function readOrExplain(file: string, maxBytes: number, encoding?: 'utf8'): Promise<Buffer | string> {
  await regularFileSize(file);
  const options = { maxBytes, what: 'model file', limitHint: 'this is not a model file this library wrote' };
  return encoding ? readTextFileBounded(file, options) : readFileBounded(file, options);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
