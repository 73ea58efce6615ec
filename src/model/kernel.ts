/**
 * Which LSTM implementation the forecaster runs: the choice between tfjs' stock `LSTM` layer and
 * `FusedLstm` (src/kernels/lstm), and the conversion of a model's LSTM layers to that choice.
 */
import * as tf from '../tf';
import { activeBackend, type BackendName } from '../backend/select';
import { InputError, describeValue } from '../errors';
import { toFusedModel, toStockModel } from '../kernels/lstm/convert';
import { FUSED_LSTM_CLASS_NAME } from '../kernels/lstm/fusedLayer';
import { loadLstmKernel } from '../kernels/lstm/select';
import type { LstmKernel, LstmKernelInfo } from '../kernels/lstm/types';
import { LSTM_KERNEL_CHOICES, type LstmKernelChoice } from './config';

/** tfjs backend names that run on a GPU, where `'auto'` keeps the stock layer. */
export const GPU_TFJS_BACKENDS: readonly string[] = ['webgl', 'webgpu'];

/** The LSTM layer class of each resolved kernel (`class_name` in `model.json`). */
export const LSTM_LAYER_CLASS_NAMES: Readonly<Record<'fused' | 'stock', string>> = {
  fused: FUSED_LSTM_CLASS_NAME,
  stock: 'LSTM',
};

/** What {@link resolveLstmKernel} decided. Serialisable: it goes into run metadata and bundles. */
export interface ResolvedLstmKernel {
  /** The configured choice (`LstmConfig.kernel`). */
  readonly requested: LstmKernelChoice;
  /** The layers the model is built with: `FusedLstm` (`'fused'`) or tfjs' `LSTM` (`'stock'`). */
  readonly kernel: 'fused' | 'stock';
  /**
   * The fused kernel that runs (`{ path: 'native' | 'wasm', simd, threads }`); `null` for the
   * stock layers, or for fused layers when no kernel loads (they then run the stock code).
   */
  readonly info: LstmKernelInfo | null;
  /** Why this kernel, e.g. `auto: the tfjs backend "webgl" runs on a GPU`. */
  readonly reason: string;
  /** One line for logs, e.g. `kernel: fused native (avx2-fma, 2 threads)`. */
  readonly summary: string;
}

/** Options of {@link resolveLstmKernel}. */
export interface ResolveLstmKernelOptions {
  /**
   * Whether the model trains with `dropout` or `recurrentDropout` > 0. Fused layers then train on
   * the stock code (the kernels have no dropout) and predict with the kernel; the summary says so.
   * @defaultValue false
   */
  readonly dropout?: boolean;
  /** The tfjs backend to decide for. @defaultValue `tf.getBackend()` */
  readonly tfjsBackend?: string;
  /**
   * The backend `selectBackend` activated (`node` and `node-gpu` share the tfjs backend
   * `tensorflow`), or `null` when it was not used.
   * @defaultValue `activeBackend()?.backend ?? null`
   */
  readonly selectedBackend?: BackendName | null;
  /**
   * The fused kernel loader, injectable for tests. @defaultValue `loadLstmKernel`
   * @internal
   */
  readonly loadKernel?: () => LstmKernel | null;
}

/**
 * Resolves `LstmConfig.kernel` to the LSTM layers a model is built with:
 * - `'stock'`: tfjs' `LSTM` layer;
 * - `'fused'`: `FusedLstm`, which runs the fused native (AVX2/FMA) or WebAssembly kernel for the
 *   whole sequence where it can, and tfjs' stock code per call where it cannot (no kernel loads,
 *   training with dropout, ...);
 * - `'auto'`: `'fused'`, except on a GPU backend (`webgl`, `webgpu`, or `node-gpu`, i.e.
 *   `@tensorflow/tfjs-node-gpu`, detected with `activeBackend`, else with the backend's own
 *   `isUsingGpuDevice` flag), where the stock layers keep the work on the GPU, and when no fused
 *   kernel loads, where the stock layers are what would run anyway.
 *
 * @param choice - `'auto'`, `'fused'` or `'stock'`.
 * @param options - See {@link ResolveLstmKernelOptions}.
 * @returns The decision, with the kernel that runs and why.
 * @throws InputError when `choice` is not one of those, e.g.
 *   `kernel must be one of "auto", "fused", "stock", got "gpu"`.
 * @example
 * console.log(resolveLstmKernel('auto').summary); // on a CPU backend: "kernel: fused native (avx2-fma, 2 threads)"
 * resolveLstmKernel('stock').summary; // => 'kernel: stock (requested)'
 * resolveLstmKernel('auto', { tfjsBackend: 'webgl' }).reason; // => 'auto: the tfjs backend "webgl" runs on a GPU'
 */
export function resolveLstmKernel(choice: LstmKernelChoice, options: ResolveLstmKernelOptions = {}): ResolvedLstmKernel {
  if (!(LSTM_KERNEL_CHOICES as readonly unknown[]).includes(choice)) {
    throw new InputError(
      `kernel must be one of ${LSTM_KERNEL_CHOICES.map((c) => JSON.stringify(c)).join(', ')}, got ${describeValue(choice)}`,
      { argument: 'kernel', value: choice },
    );
  }
  if (choice === 'stock') return stock(choice, 'requested');
  const loaded = (options.loadKernel ?? loadLstmKernel)();
  if (choice === 'auto') {
    const gpu = gpuBackend(options);
    if (gpu !== null) return stock(choice, `auto: ${gpu} runs on a GPU`);
    if (loaded === null) return stock(choice, 'auto: no fused kernel loads (neither lstm_native.node nor lstm.wasm)');
  }
  if (loaded === null) {
    return {
      requested: choice,
      kernel: 'fused',
      info: null,
      reason: 'requested, but no fused kernel loads (neither lstm_native.node nor lstm.wasm)',
      summary: 'kernel: fused layers running the stock code (no fused kernel loads)',
    };
  }
  const info = { ...loaded.info };
  const simd = info.path === 'wasm' ? `${info.simd} SIMD` : info.simd;
  const notes = [simd, `${info.threads} thread${info.threads === 1 ? '' : 's'}`];
  if (options.dropout === true) notes.push('training with dropout runs the stock code');
  return {
    requested: choice,
    kernel: 'fused',
    info,
    reason: choice === 'auto' ? 'auto: a fused kernel loads and the backend runs on the CPU' : 'requested',
    summary: `kernel: fused ${info.path} (${notes.join(', ')})`,
  };
}

function stock(requested: LstmKernelChoice, reason: string): ResolvedLstmKernel {
  return { requested, kernel: 'stock', info: null, reason, summary: `kernel: stock (${reason})` };
}

/** Describes the GPU backend in use, or returns null on a CPU backend. */
function gpuBackend(options: ResolveLstmKernelOptions): string | null {
  const tfjsBackend = options.tfjsBackend ?? tf.getBackend();
  if (GPU_TFJS_BACKENDS.includes(tfjsBackend)) return `the tfjs backend "${tfjsBackend}"`;
  if (tfjsBackend !== 'tensorflow') return null;
  const selected = options.selectedBackend !== undefined ? options.selectedBackend : (activeBackend()?.backend ?? null);
  if (selected === 'node-gpu') return 'the backend node-gpu (@tensorflow/tfjs-node-gpu)';
  if (selected !== null || options.tfjsBackend !== undefined) return null;
  // tfjs-node(-gpu) loaded without selectBackend: ask the backend itself (NodeJSKernelBackend).
  const onGpu = (tf.backend() as unknown as { isUsingGpuDevice?: unknown }).isUsingGpuDevice === true;
  return onGpu ? 'the tfjs backend "tensorflow" (@tensorflow/tfjs-node-gpu)' : null;
}

/**
 * Gives a model the LSTM layers of a resolved kernel: a Sequential model whose LSTM layers are of
 * the other class is converted (`toFusedModel` / `toStockModel`: same config, names and weights);
 * any other model is returned as it is.
 *
 * Porting note: as after a tfjs save/load round trip, a converted copy is uncompiled and has no
 * custom `dropoutFunc` (see `toFusedModel`).
 *
 * @param model - The model; not modified, still owned by the caller.
 * @param kernel - `'fused'` or `'stock'` (see {@link ResolvedLstmKernel.kernel}).
 * @returns `model` itself when nothing needs converting, else a new model the caller owns.
 * @throws InputError when `kernel` is neither `'fused'` nor `'stock'`.
 * @example
 * const loaded = await loadModelFromDir(dir, { kernel: 'stock' });
 * const fused = withLstmKernel(loaded, 'fused'); // a new model with FusedLstm layers
 * fused.layers[0].getClassName(); // => 'FusedLstm'
 * withLstmKernel(fused, 'fused') === fused; // => true
 * loaded.dispose();
 * fused.dispose();
 */
export function withLstmKernel(model: tf.LayersModel, kernel: 'fused' | 'stock'): tf.LayersModel {
  if (kernel !== 'fused' && kernel !== 'stock') {
    throw new InputError(`kernel must be "fused" or "stock", got ${describeValue(kernel)}`, { argument: 'kernel', value: kernel });
  }
  const other = LSTM_LAYER_CLASS_NAMES[kernel === 'fused' ? 'stock' : 'fused'];
  if (!(model instanceof tf.Sequential) || !model.layers.some((layer) => layer.getClassName() === other)) return model;
  return kernel === 'fused' ? toFusedModel(model) : toStockModel(model);
}
