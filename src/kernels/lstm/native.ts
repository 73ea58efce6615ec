/**
 * Loader of the optional native LSTM kernel (N-API addon `dist/kernels/lstm_native.node`, built
 * from `native/lstm.cc` by `scripts/build-kernels.js` where a C++ compiler is present): AVX2/FMA,
 * 2 threads splitting the batch. Absent or unsupported (no AVX2/FMA, not x86-64): `null`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Float32Pool, consumeSaved } from './buffers';
import { checkDims, checkForwardInputs, checkLength } from './checks';
import { MIN_WORK_PER_THREAD_SPLIT, threadCount } from './threads';
import type {
  LstmBackwardOptions, LstmDims, LstmForwardOptions, LstmForwardResult, LstmGradients, LstmKernel, LstmNativeKernelInfo, LstmSaved,
} from './types';

/** File name of the compiled addon. */
export const LSTM_NATIVE_FILE = 'lstm_native.node';

interface Addon {
  supported(): boolean;
  forward(...args: Array<number | Float32Array>): void;
  infer(...args: Array<number | Float32Array>): void;
  backward(...args: Array<number | Float32Array>): void;
}

/**
 * The native kernel (see {@link LstmKernel}). Outputs are written by the addon straight into
 * new Float32Arrays; inference (`save` false) runs a per-step variant that keeps nothing for BPTT.
 */
export class LstmNativeKernel implements LstmKernel {
  /** Path, instruction set and threads. */
  readonly info: LstmNativeKernelInfo;
  /** Cell-state and gate arrays (and, for transient calls, input copies and h) handed back by backward passes. */
  private readonly pool = new Float32Pool();
  /** Saved forward passes whose x, kernel, recurrent and h came from the pool (transient calls). */
  private readonly pooledInputs = new WeakSet<LstmSaved>();
  /** Output arrays of transient calls, by role and length, overwritten by the next such call. */
  private readonly outputs = new Map<string, Float32Array>();

  /**
   * @param addon - The loaded addon (see {@link loadLstmNativeKernel}).
   * @param threads - 1 or 2.
   * @param minWorkToSplit - Smallest call (multiply-adds B * T * 4H * (D + H)) split between threads.
   */
  constructor(
    private readonly addon: Addon,
    threads: number,
    private readonly minWorkToSplit = MIN_WORK_PER_THREAD_SPLIT,
  ) {
    this.info = { path: 'native', simd: 'avx2-fma', threads };
  }

  /**
   * A kernel on the same addon with other thread settings (e.g. to test the batch split).
   * @example
   * const forced = loadLstmNativeKernel()?.withThreads(2, 0);
   */
  withThreads(threads: number, minWorkToSplit = MIN_WORK_PER_THREAD_SPLIT): LstmNativeKernel {
    return new LstmNativeKernel(this.addon, threads, minWorkToSplit);
  }

  private threadsFor(B: number, T: number, D: number, H: number): number {
    return this.info.threads > 1 && B > 1 && B * T * 4 * H * (D + H) >= this.minWorkToSplit ? 2 : 1;
  }

  /** See {@link LstmKernel.forward}. @throws InputError when a length does not match `dims`. */
  forward(
    dims: LstmDims,
    x: Float32Array,
    kernel: Float32Array,
    recurrent: Float32Array,
    bias: Float32Array,
    options: LstmForwardOptions,
  ): LstmForwardResult {
    const { batch: B, steps: T, inputDim: D, units: H } = checkForwardInputs(dims, x, kernel, recurrent, bias);
    const threads = this.threadsFor(B, T, D, H);
    const transient = options.transient === true;
    if (!options.save) {
      const sequences = !options.lastStepOnly && T > 1;
      const n = sequences ? B * T * H : B * H;
      const h = transient ? this.output('h', n) : new Float32Array(n);
      this.addon.infer(B, T, D, H, x, kernel, recurrent, bias, h, sequences ? 1 : 0, threads);
      return { h };
    }
    const n = B * T * H;
    // c and gates are only read by backward, which recycles them. h is the layer's output: new
    // (a tensor may keep it) unless transient, and then recycled with the input copies.
    const h = transient ? this.pool.take(n) : new Float32Array(n);
    const c = this.pool.take(n);
    const g = this.pool.take(n * 4);
    const [xs, ks, rs] = transient ? [x, kernel, recurrent].map((a) => this.pooledCopy(a)) : [x, kernel, recurrent];
    this.addon.forward(B, T, D, H, xs, ks, rs, bias, h, c, g, threads);
    const saved: LstmSaved = { x: xs, kernel: ks, recurrent: rs, h, c, gates: g };
    if (transient) this.pooledInputs.add(saved);
    return { h, saved };
  }

  /**
   * See {@link LstmKernel.backward}: consumes `saved` (the addon overwrites `saved.gates` with
   * the pre-activation gradients; `saved.c` and `saved.gates`, and for a transient forward pass
   * its input copies and h, then return to the pool).
   * @throws InputError when a length does not match `dims`; Error when `saved` was consumed.
   */
  backward(dims: LstmDims, saved: LstmSaved, dh: Float32Array, lastStepOnly: boolean, options: LstmBackwardOptions = {}): LstmGradients {
    const { batch: B, steps: T, inputDim: D, units: H } = checkDims(dims);
    const G = 4 * H;
    checkLength('dh', dh, lastStepOnly ? B * H : B * T * H);
    checkLength('saved.gates', saved.gates, B * T * G);
    consumeSaved(saved);
    // the addon overwrites every output element
    const out = options.transient === true
      ? (role: string, n: number) => this.output(role, n)
      : (_role: string, n: number) => new Float32Array(n);
    const grads = { dx: out('dx', B * T * D), dkernel: out('dkernel', D * G), drecurrent: out('drecurrent', H * G), dbias: out('dbias', G) };
    this.addon.backward(
      B, T, D, H, saved.x, saved.kernel, saved.recurrent, saved.h, saved.c, saved.gates, dh, lastStepOnly ? 1 : 0,
      grads.dx, grads.dkernel, grads.drecurrent, grads.dbias, this.threadsFor(B, T, D, H),
    );
    this.pool.give(saved.c, saved.gates);
    if (this.pooledInputs.has(saved)) this.pool.give(saved.x, saved.kernel, saved.recurrent, saved.h);
    return grads;
  }

  /** A copy of `a` in an array from the pool. */
  private pooledCopy(a: Float32Array): Float32Array {
    const copy = this.pool.take(a.length);
    copy.set(a);
    return copy;
  }

  /** The reusable output array of a transient call for `role` and length `n`. */
  private output(role: string, n: number): Float32Array {
    const key = `${role}:${n}`;
    let a = this.outputs.get(key);
    if (a === undefined) {
      a = new Float32Array(n);
      this.outputs.set(key, a);
    }
    return a;
  }
}

export function lstmNativeCandidates(): string[] {
  const root = path.resolve(__dirname, '..', '..', '..');
  return [path.resolve(__dirname, '..', LSTM_NATIVE_FILE), path.join(root, 'dist', 'kernels', LSTM_NATIVE_FILE)];
}

let cached: { kernel: LstmNativeKernel | null; reason?: string; file?: string } | undefined;

/**
 * The shared native kernel, or `null` when the addon is missing, fails to load or the CPU lacks
 * AVX2/FMA (see {@link lstmNativeStatus}).
 * @example
 * loadLstmNativeKernel()?.info.threads; // => 2
 */
export function loadLstmNativeKernel(): LstmNativeKernel | null {
  if (cached === undefined) cached = tryLoad();
  return cached.kernel;
}

/**
 * Whether the native kernel loaded, from which file, or why not.
 * @example
 * lstmNativeStatus(); // => { available: false, reason: 'lstm_native.node not found …' }
 */
export function lstmNativeStatus(): { available: boolean; file?: string; reason?: string } {
  loadLstmNativeKernel();
  return { available: cached!.kernel !== null, file: cached!.file, reason: cached!.reason };
}

function tryLoad(): { kernel: LstmNativeKernel | null; reason?: string; file?: string } {
  if (process.env.LSTM_KERNEL_NATIVE === '0') return { kernel: null, reason: 'disabled by LSTM_KERNEL_NATIVE=0' };
  const file = lstmNativeCandidates().find((f) => fs.existsSync(f));
  if (file === undefined) return { kernel: null, reason: `${LSTM_NATIVE_FILE} not found (no C++ compiler at build time?)` };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const addon = require(file) as Addon;
    if (!addon.supported()) return { kernel: null, file, reason: 'CPU lacks AVX2/FMA' };
    return { kernel: new LstmNativeKernel(addon, threadCount()), file };
  } catch (error) {
    return { kernel: null, file, reason: `${file} did not load: ${(error as Error).message}` };
  }
}
