/**
 * The fused LSTM kernel interface shared by the WebAssembly (`wasm.ts`) and native (`native.ts`)
 * paths, and the choice between them.
 */
import { InputError, describeValue } from '../../errors';
import { loadLstmNativeKernel, type LstmNativeKernelInfo } from './native';
import { loadLstmWasmKernel, type LstmWasmKernelInfo } from './wasm';

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

/**
 * Values of a forward pass kept for the backward pass, all float32, batch-major. Owned by the
 * kernel: pass it to exactly one {@link LstmKernel.backward} call and do not read it after.
 */
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

/** Gradients returned by {@link LstmKernel.backward}: new arrays owned by the caller, or views (see {@link LstmBackwardOptions}). */
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

/** Which implementation a kernel is, and how it runs. */
export type LstmKernelInfo = LstmWasmKernelInfo | LstmNativeKernelInfo;

/** Options of {@link LstmKernel.forward}. */
export interface LstmForwardOptions {
  /** Also return what {@link LstmKernel.backward} needs. */
  readonly save: boolean;
  /** Return only the last step's hidden state, [B, H] (ignored when `save`). */
  readonly lastStepOnly: boolean;
  /**
   * Transient input and output, for callers that consume results at once (e.g. copy them into
   * tfjs-wasm tensors): the inputs may change as soon as the call returns (the kernel copies what
   * it keeps for the backward pass), and the returned `h` may be a view of kernel memory, valid
   * until the next call to this kernel. Saves the allocation of every large array per call (the
   * garbage collector's work, which competes with the kernel's threads). Results are identical.
   * @defaultValue false (with `save`, `x`, `kernel` and `recurrent` are referenced until the
   *   backward pass, and `h` is a new array)
   */
  readonly transient?: boolean;
}

/** Options of {@link LstmKernel.backward}. */
export interface LstmBackwardOptions {
  /**
   * The returned gradients may be views of kernel memory, valid until the next call to this
   * kernel (see {@link LstmForwardOptions.transient}).
   * @defaultValue false (new arrays owned by the caller)
   */
  readonly transient?: boolean;
}

/**
 * One LSTM layer over whole sequences, forward and backward (BPTT), on typed arrays in tfjs'
 * layout (kernel [D, 4H], recurrent [H, 4H], bias [4H], gate order i, f, c, o; sigmoid gates,
 * tanh activation; zero initial state). Inputs are never mutated; outputs are new arrays unless
 * the call asks for transient ones.
 */
export interface LstmKernel {
  /** Implementation details (path, SIMD flavour, threads). */
  readonly info: LstmKernelInfo;
  /**
   * Runs the forward pass; see {@link LstmForwardOptions}.
   * Without `transient` and with `save`, the result references `x`, `kernel` and `recurrent`
   * (not copied): leave them unchanged until the backward pass has run.
   */
  forward(
    dims: LstmDims,
    x: Float32Array,
    kernel: Float32Array,
    recurrent: Float32Array,
    bias: Float32Array,
    options: LstmForwardOptions,
  ): LstmForwardResult;
  /**
   * Runs BPTT from a saved forward pass; `dh` is [B, T, H], or [B, H] when `lastStepOnly`.
   * Consumes `saved` (its arrays may be overwritten or recycled): one backward per forward.
   * @throws Error when `saved` already fed a backward pass.
   */
  backward(dims: LstmDims, saved: LstmSaved, dh: Float32Array, lastStepOnly: boolean, options?: LstmBackwardOptions): LstmGradients;
}

/** Kernel choice: `auto` = native where it loads, else wasm. */
export type LstmKernelPreference = 'auto' | 'native' | 'wasm';

const PREFERENCES: readonly LstmKernelPreference[] = ['auto', 'native', 'wasm'];

/** The environment variable that sets the initial kernel preference. */
export const LSTM_KERNEL_ENV_VAR = 'LSTM_KERNEL';

const envValue = process.env[LSTM_KERNEL_ENV_VAR];
let preference: LstmKernelPreference = 'auto';
/**
 * Set when `$LSTM_KERNEL` holds an unknown value: {@link loadLstmKernel} then throws (a typo must
 * not silently pick another kernel), until {@link selectLstmKernel} sets a valid choice.
 */
let envError: InputError | null = null;
if (envValue !== undefined && envValue !== '') {
  if ((PREFERENCES as readonly string[]).includes(envValue)) preference = envValue as LstmKernelPreference;
  else {
    envError = new InputError(
      `${LSTM_KERNEL_ENV_VAR} must be one of ${PREFERENCES.map((p) => JSON.stringify(p)).join(', ')} (or unset), got ${describeValue(envValue)}`,
      { argument: LSTM_KERNEL_ENV_VAR, value: envValue },
    );
  }
}

/**
 * Chooses the kernel {@link loadLstmKernel} returns (initially `$LSTM_KERNEL`, else `'auto'`).
 *
 * @param choice - `'auto'`, `'native'` or `'wasm'`.
 * @returns Whether the chosen kernel is available (if not, fused layers use the stock path).
 * @throws InputError for another value.
 * @example
 * selectLstmKernel('wasm'); // the portable path only
 */
export function selectLstmKernel(choice: LstmKernelPreference): boolean {
  if (!(PREFERENCES as readonly unknown[]).includes(choice)) {
    throw new InputError(`choice must be one of "auto", "native", "wasm", got ${describeValue(choice)}`, {
      argument: 'choice',
      value: choice,
    });
  }
  preference = choice;
  envError = null;
  return loadLstmKernel() !== null;
}

/**
 * The kernel fused layers use now (see {@link selectLstmKernel}), or `null` when none loads.
 * @throws InputError when `$LSTM_KERNEL` holds an unknown value (and no {@link selectLstmKernel}
 *   call has replaced it), naming the variable and the value.
 * @example
 * loadLstmKernel()?.info; // => { path: 'native', simd: 'avx2-fma', threads: 2 }
 */
export function loadLstmKernel(): LstmKernel | null {
  if (envError) throw envError;
  if (preference === 'wasm') return loadLstmWasmKernel();
  if (preference === 'native') return loadLstmNativeKernel();
  return loadLstmNativeKernel() ?? loadLstmWasmKernel();
}
