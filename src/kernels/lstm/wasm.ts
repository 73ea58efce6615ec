/**
 * Loader and typed-array interface of the fused LSTM WebAssembly kernel
 * (`assembly/lstm.ts`, compiled by `scripts/build-kernels.js` into `dist/kernels/lstm.wasm`).
 *
 * The module is compiled synchronously on first use. When the `.wasm` file is missing or the
 * runtime rejects it (no SIMD), {@link loadLstmWasmKernel} returns `null` and callers use the
 * stock tfjs layer instead: a missing kernel is never an error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../errors';

/** File name of the compiled kernel. */
export const LSTM_WASM_FILE = 'lstm.wasm';

/**
 * Where the kernel is looked for, first match wins:
 * `$LSTM_KERNEL_WASM` (an explicit file), next to the compiled JS (`dist/kernels/lstm.wasm` seen
 * from `dist/kernels/lstm/wasm.js`), and the repository's `dist/kernels/` or `build/kernels/`
 * (seen from `src/kernels/lstm/wasm.ts` under ts-node or vitest).
 */
export function lstmWasmCandidates(): string[] {
  const env = process.env.LSTM_KERNEL_WASM;
  const root = path.resolve(__dirname, '..', '..', '..');
  return [
    ...(env ? [env] : []),
    path.resolve(__dirname, '..', LSTM_WASM_FILE),
    path.join(root, 'dist', 'kernels', LSTM_WASM_FILE),
    path.join(root, 'build', 'kernels', LSTM_WASM_FILE),
  ];
}

/** Sizes of one LSTM layer call. All positive integers. */
export interface LstmDims {
  /** Sequences in the batch (B). */
  readonly batch: number;
  /** Time steps per sequence (T). */
  readonly steps: number;
  /** Input features per step (D). */
  readonly inputDim: number;
  /** Hidden units (H); the gate width is 4H. */
  readonly units: number;
}

/** Values of a forward pass kept for the backward pass, all float32, batch-major. */
export interface LstmSaved {
  /** Inputs [B, T, D]. */
  readonly x: Float32Array;
  /** Kernel [D, 4H]. */
  readonly kernel: Float32Array;
  /** Recurrent kernel [H, 4H]. */
  readonly recurrent: Float32Array;
  /** Hidden states [B, T, H]. */
  readonly h: Float32Array;
  /** Cell states [B, T, H]. */
  readonly c: Float32Array;
  /** Activated gates i, f, g, o [B, T, 4H]. */
  readonly gates: Float32Array;
}

/** Result of {@link LstmWasmKernel.forward}. */
export interface LstmForwardResult {
  /** Hidden states: [B, T, H], or [B, H] (last step) when `lastStepOnly` and not `save`. */
  readonly h: Float32Array;
  /** Present when `save` was set: what {@link LstmWasmKernel.backward} needs. */
  readonly saved?: LstmSaved;
}

/** Gradients returned by {@link LstmWasmKernel.backward}, new arrays owned by the caller. */
export interface LstmGradients {
  /** [B, T, D]. */
  readonly dx: Float32Array;
  /** [D, 4H]. */
  readonly dkernel: Float32Array;
  /** [H, 4H]. */
  readonly drecurrent: Float32Array;
  /** [4H]. */
  readonly dbias: Float32Array;
}

interface Exports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  lstmForward(...args: number[]): void;
  lstmBackward(...args: number[]): void;
}

const PAGE = 65536;

/**
 * One instance of the compiled kernel with its own linear memory (single-threaded). Inputs are
 * copied into wasm memory, outputs copied out into new arrays; inputs are never mutated.
 */
export class LstmWasmKernel {
  private readonly exports: Exports;
  private readonly base: number;

  /** @param module - The compiled `lstm.wasm`. */
  constructor(module: WebAssembly.Module) {
    const instance = new WebAssembly.Instance(module, { env: { abort: abortHandler } });
    this.exports = instance.exports as unknown as Exports;
    this.base = this.exports.heapBase();
  }

  /**
   * Runs one LSTM layer over whole sequences.
   *
   * @param dims - Sizes; see {@link LstmDims}.
   * @param x - Inputs [B, T, D], row-major.
   * @param kernel - [D, 4H]; recurrent - [H, 4H]; bias - [4H] (gate order i, f, c, o).
   * @param options - `save`: keep what the backward pass needs (copies [B, T, 5H] values);
   *   `lastStepOnly`: return only the last step's hidden state (ignored when `save`).
   * @returns Hidden states (new arrays).
   * @throws InputError when an array length does not match `dims`.
   * @example
   * const k = loadLstmWasmKernel();
   * const { h } = k!.forward({ batch: 1, steps: 2, inputDim: 1, units: 1 },
   *   new Float32Array([1, 2]), new Float32Array(4), new Float32Array(4), new Float32Array(4),
   *   { save: false, lastStepOnly: true }); // h.length === 1
   */
  forward(
    dims: LstmDims,
    x: Float32Array,
    kernel: Float32Array,
    recurrent: Float32Array,
    bias: Float32Array,
    options: { readonly save: boolean; readonly lastStepOnly: boolean },
  ): LstmForwardResult {
    const { batch: B, steps: T, inputDim: D, units: H } = checkDims(dims);
    const G = 4 * H;
    checkLength('x', x, B * T * D);
    checkLength('kernel', kernel, D * G);
    checkLength('recurrent', recurrent, H * G);
    checkLength('bias', bias, G);
    const p = this.allocate({ x: B * T * D, w: D * G, u: H * G, b: G, h: B * T * H, c: B * T * H, g: B * T * G });
    const f32 = new Float32Array(this.exports.memory.buffer);
    f32.set(x, p.x / 4);
    f32.set(kernel, p.w / 4);
    f32.set(recurrent, p.u / 4);
    f32.set(bias, p.b / 4);
    this.exports.lstmForward(B, T, D, H, p.x, p.w, p.u, p.b, p.h, p.c, p.g);
    const h = f32.slice(p.h / 4, p.h / 4 + B * T * H);
    if (options.save) {
      const saved: LstmSaved = {
        x: x.slice(),
        kernel: kernel.slice(),
        recurrent: recurrent.slice(),
        h,
        c: f32.slice(p.c / 4, p.c / 4 + B * T * H),
        gates: f32.slice(p.g / 4, p.g / 4 + B * T * G),
      };
      return { h, saved };
    }
    if (!options.lastStepOnly || T === 1) return { h };
    const last = new Float32Array(B * H);
    for (let b = 0; b < B; b++) last.set(h.subarray((b * T + T - 1) * H, (b * T + T) * H), b * H);
    return { h: last };
  }

  /**
   * Backward pass through time for a forward pass run with `save`.
   *
   * @param dims - The forward pass' sizes.
   * @param saved - The forward pass' `saved` values; not mutated.
   * @param dh - Gradient w.r.t. the outputs: [B, T, H], or [B, H] when `lastStepOnly`.
   * @param lastStepOnly - Whether only the last step's output was used.
   * @returns New gradient arrays.
   * @throws InputError when an array length does not match `dims`.
   * @example
   * const dims = { batch: 1, steps: 2, inputDim: 1, units: 1 };
   * const { saved } = k.forward(dims, x, w, u, b, { save: true, lastStepOnly: false });
   * const grads = k.backward(dims, saved!, new Float32Array([0, 1]), false);
   */
  backward(dims: LstmDims, saved: LstmSaved, dh: Float32Array, lastStepOnly: boolean): LstmGradients {
    const { batch: B, steps: T, inputDim: D, units: H } = checkDims(dims);
    const G = 4 * H;
    checkLength('dh', dh, lastStepOnly ? B * H : B * T * H);
    checkLength('saved.gates', saved.gates, B * T * G);
    const p = this.allocate({
      x: B * T * D, w: D * G, u: H * G, h: B * T * H, c: B * T * H, g: B * T * G,
      dh: dh.length, ut: G * H, wt: G * D, hp: B * T * H, dhn: B * H, dcn: B * H,
      dx: B * T * D, dw: D * G, du: H * G, db: G,
    });
    const f32 = new Float32Array(this.exports.memory.buffer);
    f32.set(saved.x, p.x / 4);
    f32.set(saved.kernel, p.w / 4);
    f32.set(saved.recurrent, p.u / 4);
    f32.set(saved.h, p.h / 4);
    f32.set(saved.c, p.c / 4);
    f32.set(saved.gates, p.g / 4);
    f32.set(dh, p.dh / 4);
    this.exports.lstmBackward(
      B, T, D, H, p.x, p.w, p.u, p.h, p.c, p.g, p.dh, lastStepOnly ? 1 : 0,
      p.ut, p.wt, p.hp, p.dhn, p.dcn, p.dx, p.dw, p.du, p.db,
    );
    return {
      dx: f32.slice(p.dx / 4, p.dx / 4 + B * T * D),
      dkernel: f32.slice(p.dw / 4, p.dw / 4 + D * G),
      drecurrent: f32.slice(p.du / 4, p.du / 4 + H * G),
      dbias: f32.slice(p.db / 4, p.db / 4 + G),
    };
  }

  /** Lays out float32 arrays of the given lengths from the heap base (16-byte aligned). */
  private allocate<K extends string>(lengths: Record<K, number>): Record<K, number> {
    const offsets = {} as Record<K, number>;
    let at = this.base;
    for (const key of Object.keys(lengths) as K[]) {
      offsets[key] = at;
      at += Math.ceil((lengths[key] * 4) / 16) * 16;
    }
    const memory = this.exports.memory;
    if (at > memory.buffer.byteLength) {
      memory.grow(Math.ceil((at - memory.buffer.byteLength) / PAGE));
    }
    return offsets;
  }
}

function abortHandler(): never {
  throw new Error('lstm.wasm aborted');
}

function checkDims(dims: LstmDims): LstmDims {
  for (const key of ['batch', 'steps', 'inputDim', 'units'] as const) {
    const v = dims?.[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new InputError(`dims.${key} must be a positive integer, got ${String(v)}`, {
        argument: `dims.${key}`,
        value: v,
      });
    }
  }
  return dims;
}

function checkLength(name: string, array: Float32Array, expected: number): void {
  if (!(array instanceof Float32Array) || array.length !== expected) {
    throw new InputError(
      `${name} must be a Float32Array of length ${expected}, got ${
        array instanceof Float32Array ? `length ${array.length}` : typeof array
      }`,
      { argument: name },
    );
  }
}

let cached: { kernel: LstmWasmKernel | null; reason?: string; file?: string } | undefined;

/**
 * Returns the shared kernel instance, compiling `lstm.wasm` on first call, or `null` when no
 * usable kernel exists (see {@link lstmWasmStatus} for why).
 *
 * @example
 * const kernel = loadLstmWasmKernel();
 * if (kernel === null) console.log(lstmWasmStatus().reason);
 */
export function loadLstmWasmKernel(): LstmWasmKernel | null {
  if (cached === undefined) cached = tryLoad();
  return cached.kernel;
}

/**
 * Whether the fused kernel loaded, from which file, or why not.
 * @example
 * lstmWasmStatus(); // => { available: true, file: '/…/dist/kernels/lstm.wasm' }
 */
export function lstmWasmStatus(): { available: boolean; file?: string; reason?: string } {
  loadLstmWasmKernel();
  return { available: cached!.kernel !== null, file: cached!.file, reason: cached!.reason };
}

function tryLoad(): { kernel: LstmWasmKernel | null; reason?: string; file?: string } {
  const file = lstmWasmCandidates().find((f) => fs.existsSync(f));
  if (file === undefined) {
    return { kernel: null, reason: `${LSTM_WASM_FILE} not found (run \`npm run build:kernels\`)` };
  }
  try {
    const module = new WebAssembly.Module(fs.readFileSync(file));
    return { kernel: new LstmWasmKernel(module), file };
  } catch (error) {
    return { kernel: null, file, reason: `${file} did not load: ${(error as Error).message}` };
  }
}
