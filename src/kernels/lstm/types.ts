/**
 * The fused LSTM kernel interface, shared by the WebAssembly (`wasm.ts`) and native (`native.ts`)
 * paths: call sizes, forward and backward options and results, and each path's `info`. Types
 * only; the choice between the paths is `select.ts`'s.
 */

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

/** Which module and how many threads a kernel instance uses. */
export interface LstmWasmKernelInfo {
  /** Always `'wasm'`. */
  readonly path: 'wasm';
  /** `relaxed` (fused multiply-add) or `plain` SIMD. */
  readonly simd: 'relaxed' | 'plain';
  /** 1 or 2. */
  readonly threads: number;
}

/** Native kernel details. */
export interface LstmNativeKernelInfo {
  /** Always `'native'`. */
  readonly path: 'native';
  /** Instruction set used. */
  readonly simd: 'avx2-fma';
  /** 1 or 2. */
  readonly threads: number;
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
