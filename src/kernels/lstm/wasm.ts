/**
 * Loader and typed-array interface of the fused LSTM WebAssembly kernel
 * (`assembly/lstm.ts`, compiled by `scripts/build-kernels.js` into `dist/kernels/lstm.wasm`).
 *
 * The module is compiled synchronously on first use. When the `.wasm` file is missing or the
 * runtime rejects it (no SIMD), {@link loadLstmWasmKernel} returns `null` and callers use the
 * stock tfjs layer instead: a missing kernel is never an error.
 *
 * Variants and threads: `lstm-relaxed.wasm` (relaxed SIMD: fused multiply-add) is used where the
 * runtime accepts it (Node 20 needs V8's `--experimental-wasm-relaxed-simd`, set here before
 * compiling), else `lstm.wasm`. Memory is shared: with 2 threads (the default on a machine with
 * 2+ cores) a worker thread runs the same module on the same memory, and each call splits the
 * batch into chunks that both threads claim from a shared counter (sequences are independent;
 * weight gradients are summed per thread), one fork-join per call. Calls below
 * {@link MIN_WORK_PER_THREAD_SPLIT} multiply-adds stay on the calling thread.
 * Environment overrides: `LSTM_KERNEL_THREADS` (1 or 2), `LSTM_KERNEL_SIMD` (`plain` or
 * `relaxed`), `LSTM_KERNEL_WASM` (a file).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { consumeSaved } from './buffers';
import { checkDims, checkForwardInputs, checkLength } from './checks';
import { MIN_WORK_PER_THREAD_SPLIT, threadCount } from './threads';
import type {
  LstmBackwardOptions, LstmDims, LstmForwardOptions, LstmForwardResult, LstmGradients, LstmKernel, LstmSaved, LstmWasmKernelInfo,
} from './types';

/** File name of the compiled kernel (plain SIMD). */
export const LSTM_WASM_FILE = 'lstm.wasm';
/** File name of the relaxed-SIMD variant. */
export const LSTM_RELAXED_WASM_FILE = 'lstm-relaxed.wasm';
/** Largest memory the modules declare, in 64 KiB pages (the wasm32 limit). */
const MAX_PAGES = 65536;
/** Pages the modules declare as initial memory. */
const INITIAL_PAGES = 16;

/**
 * Where the kernel is looked for, first match wins:
 * `$LSTM_KERNEL_WASM` (an explicit file), next to the compiled JS (`dist/kernels/lstm.wasm` seen
 * from `dist/kernels/lstm/wasm.js`), and the repository's `dist/kernels/` or `build/kernels/`
 * (seen from `src/kernels/lstm/wasm.ts` under ts-node or vitest).
 */
export function lstmWasmCandidates(file: string = LSTM_WASM_FILE): string[] {
  const env = process.env.LSTM_KERNEL_WASM;
  const root = path.resolve(__dirname, '..', '..', '..');
  return [
    ...(env && file === LSTM_WASM_FILE ? [env] : []),
    path.resolve(__dirname, '..', file),
    path.join(root, 'dist', 'kernels', file),
    path.join(root, 'build', 'kernels', file),
  ];
}

interface Exports {
  heapBase(): number;
  packB(K: number, N: number, b: number, ldb: number, out: number): void;
  prepareBackward(D: number, H: number, u: number, w: number, ut: number, wt: number, packUt: number): void;
  lstmForward(...args: number[]): void;
  lstmInfer(...args: number[]): void;
  lstmBackward(...args: number[]): void;
  sumParts(parts: number, chunks: number, n: number): void;
}

const PAGE = 65536;
const OP_EXIT = 0;
const OP_FORWARD = 1;
const OP_BACKWARD = 2;
const OP_INFER = 3;
/** Arguments of each kernel function. */
const ARITY: Readonly<Record<number, number>> = { [OP_FORWARD]: 14, [OP_BACKWARD]: 25, [OP_INFER]: 15 };
/** Control words (Int32) of the fork-join channel. */
const CTL_SEQ = 0;
const CTL_DONE = 1;
const CTL_OP = 2;
const CTL_ERROR = 3;
const CTL_NEXT = 4;
const CTL_ROWS = 5;
const CTL_CHUNK = 6;
const MAX_ARGS = 32;
const ARGS_AT = 64;
const STRIDES_AT = ARGS_AT + 8 * MAX_ARGS;
const CHUNK_STRIDES_AT = STRIDES_AT + 8 * MAX_ARGS;

/**
 * The worker thread: instantiates the module on the shared memory, then per job claims batch
 * chunks from a shared counter (as the main thread does) and runs the kernel on each: argument i
 * of chunk k (starting at row r = k * chunk) is base[i] + r * stride[i] + k * chunkStride[i],
 * argument 0 the chunk's row count.
 * Spins briefly before sleeping (a futex round trip costs ~17 us, spinning ~0.5 us).
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('lstm.wasm aborted'); } } }).exports;
const ctl = new Int32Array(control, 0, 8);
const args = new Float64Array(control, ${ARGS_AT}, ${MAX_ARGS});
const strides = new Float64Array(control, ${STRIDES_AT}, ${MAX_ARGS});
const chunkStrides = new Float64Array(control, ${CHUNK_STRIDES_AT}, ${MAX_ARGS});
const fns = { ${OP_FORWARD}: ex.lstmForward, ${OP_BACKWARD}: ex.lstmBackward, ${OP_INFER}: ex.lstmInfer };
const arity = ${JSON.stringify(ARITY)};
let seen = 0;
for (;;) {
  let spins = 0;
  while (Atomics.load(ctl, ${CTL_SEQ}) === seen) {
    if (++spins > 20000) Atomics.wait(ctl, ${CTL_SEQ}, seen, 50);
  }
  seen = Atomics.load(ctl, ${CTL_SEQ});
  const op = Atomics.load(ctl, ${CTL_OP});
  if (op === ${OP_EXIT}) break;
  try {
    const n = arity[op];
    const base = Array.from(args.subarray(0, n));
    const step = Array.from(strides.subarray(0, n));
    const cstep = Array.from(chunkStrides.subarray(0, n));
    const rows = ctl[${CTL_ROWS}];
    const chunk = ctl[${CTL_CHUNK}];
    for (;;) {
      const from = Atomics.add(ctl, ${CTL_NEXT}, chunk);
      if (from >= rows) break;
      const k = Math.floor(from / chunk);
      const a = base.map((v, i) => v + from * step[i] + k * cstep[i]);
      a[0] = Math.min(chunk, rows - from);
      fns[op](...a);
    }
  } catch (e) {
    Atomics.store(ctl, ${CTL_ERROR}, 1);
  }
  Atomics.store(ctl, ${CTL_DONE}, seen);
  Atomics.notify(ctl, ${CTL_DONE});
}
`;

/** A second thread running the kernel on the shared memory. */
class KernelThread {
  private readonly worker: Worker;
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private readonly strides: Float64Array;
  private readonly chunkStrides: Float64Array;
  private seq = 0;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory) {
    const control = new SharedArrayBuffer(CHUNK_STRIDES_AT + 8 * MAX_ARGS);
    this.ctl = new Int32Array(control, 0, 8);
    this.args = new Float64Array(control, ARGS_AT, MAX_ARGS);
    this.strides = new Float64Array(control, STRIDES_AT, MAX_ARGS);
    this.chunkStrides = new Float64Array(control, CHUNK_STRIDES_AT, MAX_ARGS);
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control } });
    this.worker.unref();
  }

  /** Starts a job of `rows` batch rows in chunks of `chunk`; returns at once. */
  start(
    op: number, args: readonly number[], strides: readonly number[], chunkStrides: readonly number[],
    rows: number, chunk: number,
  ): void {
    this.args.set(args);
    this.strides.set(strides);
    this.chunkStrides.set(chunkStrides);
    this.ctl[CTL_ROWS] = rows;
    this.ctl[CTL_CHUNK] = chunk;
    Atomics.store(this.ctl, CTL_NEXT, 0);
    Atomics.store(this.ctl, CTL_OP, op);
    this.seq++;
    Atomics.store(this.ctl, CTL_SEQ, this.seq);
    Atomics.notify(this.ctl, CTL_SEQ);
  }

  /** Claims the next chunk of the current job: its first row (>= rows when none is left). */
  claim(chunk: number): number {
    return Atomics.add(this.ctl, CTL_NEXT, chunk);
  }

  /** Ends the worker thread. */
  stop(): void {
    this.start(OP_EXIT, [], [], [], 0, 1);
    void this.worker.terminate();
  }

  /** Waits for the current job. @throws if it failed in the worker. */
  join(): void {
    let spins = 0;
    while (Atomics.load(this.ctl, CTL_DONE) !== this.seq) {
      if (++spins > 20000) Atomics.wait(this.ctl, CTL_DONE, this.seq - 1, 50);
    }
    if (Atomics.exchange(this.ctl, CTL_ERROR, 0) !== 0) throw new Error('lstm.wasm failed in the worker thread');
  }
}

/**
 * One instance of the compiled kernel on its own shared linear memory, with an optional second
 * thread. Inputs are copied into wasm memory, outputs copied out into new arrays; inputs are
 * never mutated. Calls are synchronous (the calling thread works on chunks, then waits for the
 * worker's last chunk).
 */
export class LstmWasmKernel implements LstmKernel {
  private readonly exports: Exports;
  private readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private readonly thread: KernelThread | null;
  private readonly minWorkToSplit: number;
  /** Regions of wasm memory holding saved forward passes (see {@link LstmWasmKernel.takeSlot}). */
  private readonly slots: Slot[] = [];
  /** First byte after the slots: per-call scratch is laid out from here. */
  private top: number;
  /** The slot of each saved forward pass not yet consumed. */
  private readonly slotOf = new WeakMap<LstmSaved, Slot>();
  /** Frees the slot of a saved forward pass that is garbage-collected without a backward pass. */
  private readonly unclaimed = new FinalizationRegistry<Slot>((slot) => {
    slot.free = true;
  });
  /** The variant and thread count in use. */
  readonly info: LstmWasmKernelInfo;

  /**
   * @param module - A compiled kernel module (imports a shared `env.memory`), see
   *   {@link compileLstmWasmModule}.
   * @param options - SIMD variant of `module` (for `info`), threads (1 or 2), and the smallest
   *   call (in multiply-adds B * T * 4H * (D + H)) split between threads
   *   (default {@link MIN_WORK_PER_THREAD_SPLIT}).
   * @example
   * const module = compileLstmWasmModule('plain');
   * const kernel = new LstmWasmKernel(module!, { simd: 'plain', threads: 2 });
   * kernel.dispose();
   */
  constructor(
    module: WebAssembly.Module,
    options: { readonly simd: 'relaxed' | 'plain'; readonly threads: number; readonly minWorkToSplit?: number },
  ) {
    this.minWorkToSplit = options.minWorkToSplit ?? MIN_WORK_PER_THREAD_SPLIT;
    this.memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: true });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory, abort: abortHandler } });
    this.exports = instance.exports as unknown as Exports;
    this.base = this.exports.heapBase();
    this.top = this.base;
    this.thread = options.threads > 1 ? new KernelThread(module, this.memory) : null;
    this.info = { path: 'wasm', simd: options.simd, threads: this.thread ? 2 : 1 };
  }

  /** Stops the worker thread, if any; the instance must not be used afterwards. */
  dispose(): void {
    this.thread?.stop();
  }

  /**
   * Runs kernel `op` over `B` batch rows in chunks of `chunk` rows: on this thread alone for
   * small calls, else shared with the worker (see WORKER_SOURCE). `mainArgs` / `workerArgs` are
   * the arguments for the chunk at row 0 (they differ only in per-thread scratch); chunk k at
   * row r gets argument i + r * `strides[i]` + k * `chunkStrides[i]` (bytes).
   */
  private run(
    op: number, B: number, work: number, chunk: number,
    mainArgs: readonly number[], workerArgs: readonly number[],
    strides: readonly number[], chunkStrides: readonly number[],
  ): void {
    const fn = (op === OP_FORWARD ? this.exports.lstmForward : op === OP_INFER ? this.exports.lstmInfer : this.exports.lstmBackward);
    const argsAt = (from: number) => {
      const k = Math.floor(from / chunk);
      const a = mainArgs.map((v, i) => v + from * strides[i] + k * chunkStrides[i]);
      a[0] = Math.min(chunk, B - from);
      return a;
    };
    if (this.thread === null || B <= chunk || work < this.minWorkToSplit) {
      for (let from = 0; from < B; from += chunk) fn(...argsAt(from));
      return;
    }
    this.thread.start(op, workerArgs, strides, chunkStrides, B, chunk);
    try {
      for (;;) {
        const from = this.thread.claim(chunk);
        if (from >= B) break;
        fn(...argsAt(from));
      }
    } finally {
      // always wait: the worker may still be writing into memory the next call reuses
      this.thread.join();
    }
  }

  /** Rows per chunk for a call: the whole batch on one thread, else {@link chunkRows}. */
  private splitRows(B: number, work: number): number {
    return this.thread === null || work < this.minWorkToSplit ? B : chunkRows(B);
  }

  /**
   * Runs one LSTM layer over whole sequences.
   *
   * @param dims - Sizes; see {@link LstmDims}.
   * @param x - Inputs [B, T, D], row-major.
   * @param kernel - [D, 4H]; recurrent - [H, 4H]; bias - [4H] (gate order i, f, c, o).
   * @param options - `save`: keep what the backward pass needs (in a slot of wasm memory: the
   *   inputs are copied there, and `saved` views it); `lastStepOnly`: return only the last step's
   *   hidden state (ignored when `save`); `transient`: return `h` as a view of wasm memory (see
   *   {@link LstmForwardOptions}).
   * @returns Hidden states (new arrays unless `transient`).
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
    options: LstmForwardOptions,
  ): LstmForwardResult {
    const { batch: B, steps: T, inputDim: D, units: H, gates: G } = checkForwardInputs(dims, x, kernel, recurrent, bias);
    const transient = options.transient === true;
    if (!options.save) return { h: this.infer(B, T, D, H, x, kernel, recurrent, bias, !options.lastStepOnly && T > 1, transient) };
    // The inputs and everything the backward pass reads stay in a slot of wasm memory until then
    // (nothing copied out but h). U is packed for the recurrent GEMMs once, for every chunk; each
    // thread has room to pack W for the input projection.
    const slot = this.takeSlot(slotBytes(B, T, D, H));
    const p = { ...slotLayout(slot, B, T, D, H), ...this.allocate({ b: G, ...this.forwardScratch(D, H) }) };
    const f32 = new Float32Array(this.memory.buffer);
    f32.set(x, p.x / 4);
    f32.set(kernel, p.w / 4);
    f32.set(recurrent, p.u / 4);
    f32.set(bias, p.b / 4);
    if (G % 8 === 0) this.exports.packB(H, G, p.u, G, p.pu);
    const args = (worker: boolean) => [B, T, D, H, p.x, p.w, p.u, p.b, p.h, p.c, p.g, p.pu, worker ? p.sc2 : p.sc, 1];
    const strides = [0, 0, 0, 0, 4 * T * D, 0, 0, 0, 4 * T * H, 4 * T * H, 4 * T * G, 0, 0, 0];
    const work = B * T * G * (D + H);
    this.run(OP_FORWARD, B, work, this.splitRows(B, work), args(false), args(true), strides, ZEROS);
    // Everything the backward pass reads is a view of the slot (shared memory is never detached
    // when it grows), valid until the backward pass frees the slot.
    const view = (at: number, n: number) => new Float32Array(this.memory.buffer, at, n);
    const hSlot = view(p.h, B * T * H);
    const h = transient ? hSlot : hSlot.slice();
    const saved: LstmSaved = {
      x: view(p.x, B * T * D), kernel: view(p.w, D * G), recurrent: view(p.u, H * G),
      h: hSlot, c: view(p.c, B * T * H), gates: view(p.g, B * T * G),
    };
    this.slotOf.set(saved, slot);
    this.unclaimed.register(saved, slot, saved);
    return { h, saved };
  }

  /** Inference (see `lstmInfer` in assembly/lstm.ts): h [B, T, H] or [B, H]. */
  private infer(
    B: number, T: number, D: number, H: number,
    x: Float32Array, kernel: Float32Array, recurrent: Float32Array, bias: Float32Array, sequences: boolean,
    transient: boolean,
  ): Float32Array {
    const G = 4 * H;
    const hRow = sequences ? T * H : H;
    const p = this.allocate({
      x: B * T * D, w: D * G, u: H * G, b: G, h: B * hRow, z: B * G, c: B * H,
      // W and U packed once, for all steps and chunks
      pw: D * G, pu: H * G,
    });
    const f32 = new Float32Array(this.memory.buffer);
    f32.set(x, p.x / 4);
    f32.set(kernel, p.w / 4);
    f32.set(recurrent, p.u / 4);
    f32.set(bias, p.b / 4);
    // the same arguments on both threads (nothing per thread)
    const args = [B, T, D, H, p.x, p.w, p.u, p.b, p.h, sequences ? 1 : 0, p.z, p.c, p.pw, p.pu, 1];
    const strides = [0, 0, 0, 0, 4 * T * D, 0, 0, 0, 4 * hRow, 0, 4 * G, 4 * H, 0, 0, 0];
    if (G % 8 === 0) {
      this.exports.packB(D, G, p.w, G, p.pw);
      this.exports.packB(H, G, p.u, G, p.pu);
    }
    const work = B * T * G * (D + H);
    this.run(OP_INFER, B, work, this.splitRows(B, work), args, args, strides, ZEROS);
    return transient ? f32.subarray(p.h / 4, p.h / 4 + B * hRow) : f32.slice(p.h / 4, p.h / 4 + B * hRow);
  }

  /**
   * Backward pass through time for a forward pass run with `save`.
   *
   * @param dims - The forward pass' sizes.
   * @param saved - The forward pass' `saved` values, consumed (a second backward from the same
   *   forward pass throws; its cell states and gates are recycled).
   * @param dh - Gradient w.r.t. the outputs: [B, T, H], or [B, H] when `lastStepOnly`.
   * @param lastStepOnly - Whether only the last step's output was used.
   * @param options - `transient`: return views of wasm memory (see {@link LstmBackwardOptions}).
   * @returns Gradients: new arrays, or views valid until the next call when `transient`.
   * @throws InputError when an array length does not match `dims`; Error when `saved` was
   *   already consumed.
   * @example
   * const dims = { batch: 1, steps: 2, inputDim: 1, units: 1 };
   * const { saved } = k.forward(dims, x, w, u, b, { save: true, lastStepOnly: false });
   * const grads = k.backward(dims, saved!, new Float32Array([0, 1]), false);
   */
  backward(dims: LstmDims, saved: LstmSaved, dh: Float32Array, lastStepOnly: boolean, options: LstmBackwardOptions = {}): LstmGradients {
    const { batch: B, steps: T, inputDim: D, units: H } = checkDims(dims);
    const G = 4 * H;
    checkLength('dh', dh, lastStepOnly ? B * H : B * T * H);
    checkLength('saved.gates', saved.gates, B * T * G);
    consumeSaved(saved);
    const threaded = this.thread !== null;
    // Weight gradients: one partial sum per chunk (chunks depend on B only), added in chunk
    // order below, so results are identical for 1 or 2 threads and any scheduling.
    const chunk = chunkRows(B);
    const chunks = Math.ceil(B / chunk);
    const wsize = D * G + H * G + G;
    // A forward pass of this kernel left its values in a slot; another one's are copied in.
    const slot = this.slotOf.get(saved);
    const own = slot === undefined ? this.takeSlot(slotBytes(B, T, D, H)) : slot;
    if (slot !== undefined) this.unclaimed.unregister(saved);
    const scratch = this.allocate({
      dh: dh.length, hp: B * T * H, dhn: B * H, dcn: B * H, dx: B * T * D,
      ut: G * H, wt: G * D, parts: chunks * wsize, put: G * H, sc: 256 * Math.max(G, D),
      // the worker's own packing room
      sc2: threaded ? 256 * Math.max(G, D) : 0,
    });
    const p = { ...slotLayout(own, B, T, D, H), ...scratch };
    const f32 = new Float32Array(this.memory.buffer);
    if (slot === undefined) {
      f32.set(saved.x, p.x / 4);
      f32.set(saved.kernel, p.w / 4);
      f32.set(saved.recurrent, p.u / 4);
      f32.set(saved.h, p.h / 4);
      f32.set(saved.c, p.c / 4);
      f32.set(saved.gates, p.g / 4);
    }
    f32.set(dh, p.dh / 4);
    const args = (worker: boolean) => [
      B, T, D, H, p.x, p.w, p.u, p.h, p.c, p.g, p.dh, lastStepOnly ? 1 : 0,
      p.ut, p.wt, p.hp, p.dhn, p.dcn, p.dx,
      p.parts, p.parts + 4 * D * G, p.parts + 4 * (D * G + H * G), 0,
      p.put, worker ? p.sc2 : p.sc, 1,
    ];
    const strides = [
      0, 0, 0, 0, 4 * T * D, 0, 0, 4 * T * H, 4 * T * H, 4 * T * G, 4 * (lastStepOnly ? H : T * H), 0,
      0, 0, 4 * T * H, 4 * H, 4 * H, 4 * T * D, 0, 0, 0, 0, 0, 0, 0,
    ];
    const chunkStrides = [
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 0, 4 * wsize, 4 * wsize, 4 * wsize, 0, 0, 0, 0,
    ];
    // W and U transposed (and U^T packed) once, for every chunk
    this.exports.prepareBackward(D, H, p.u, p.w, p.ut, p.wt, p.put);
    try {
      this.run(OP_BACKWARD, B, B * T * G * (D + H), chunk, args(false), args(true), strides, chunkStrides);
    } finally {
      own.free = true;
    }
    const read = options.transient === true
      ? (at: number, n: number) => f32.subarray(at / 4, at / 4 + n)
      : (at: number, n: number) => f32.slice(at / 4, at / 4 + n);
    // weight gradients: the chunks' partial sums added in chunk order, into chunk 0's
    this.exports.sumParts(p.parts, chunks, wsize);
    const grads = {
      dx: read(p.dx, B * T * D),
      dkernel: read(p.parts, D * G),
      drecurrent: read(p.parts + 4 * D * G, H * G),
      dbias: read(p.parts + 4 * (D * G + H * G), G),
    };
    return grads;
  }

  /** Scratch of a training forward pass (see `lstmForward`'s packU, shared, and scratch, per thread). */
  private forwardScratch(D: number, H: number): Record<'pu' | 'sc' | 'sc2', number> {
    const sc = Math.min(D, 256) * 4 * H;
    return { pu: H * 4 * H, sc, sc2: this.thread !== null ? sc : 0 };
  }

  /**
   * A free slot of at least `bytes` (the smallest that fits), else a new one after the last:
   * saved forward passes keep their values in wasm memory until their backward pass (which
   * frees the slot) instead of being copied out and back in.
   */
  private takeSlot(bytes: number): Slot {
    let best: Slot | undefined;
    for (const s of this.slots) if (s.free && s.bytes >= bytes && (best === undefined || s.bytes < best.bytes)) best = s;
    if (best !== undefined) {
      best.free = false;
      return best;
    }
    const slot: Slot = { at: this.top, bytes, free: false };
    this.top += bytes;
    this.slots.push(slot);
    return slot;
  }

  /**
   * Lays out float32 arrays of the given lengths (16-byte aligned) after the slots, growing the
   * memory when needed. Valid until the next call.
   */
  private allocate<K extends string>(lengths: Record<K, number>): Record<K, number> {
    const offsets = {} as Record<K, number>;
    let at = this.top;
    for (const key of Object.keys(lengths) as K[]) {
      offsets[key] = at;
      at += Math.ceil((lengths[key] * 4) / 16) * 16;
    }
    const memory = this.memory;
    if (at > memory.buffer.byteLength) {
      memory.grow(Math.ceil((at - memory.buffer.byteLength) / PAGE));
    }
    return offsets;
  }
}

/** A region of wasm memory holding one saved forward pass. */
interface Slot {
  /** Byte offset. */
  readonly at: number;
  /** Size in bytes. */
  readonly bytes: number;
  /** Whether it may be reused. */
  free: boolean;
}

const SLOT_FIELDS = ['x', 'w', 'u', 'h', 'c', 'g'] as const;

function slotLengths(B: number, T: number, D: number, H: number): Record<(typeof SLOT_FIELDS)[number], number> {
  const G = 4 * H;
  return { x: B * T * D, w: D * G, u: H * G, h: B * T * H, c: B * T * H, g: B * T * G };
}

/** Bytes of a slot for these sizes (each array 16-byte aligned). */
function slotBytes(B: number, T: number, D: number, H: number): number {
  const lengths = slotLengths(B, T, D, H);
  return SLOT_FIELDS.reduce((sum, k) => sum + Math.ceil((lengths[k] * 4) / 16) * 16, 0);
}

/** Byte offsets of x, W, U, h, c and gates inside a slot. */
function slotLayout(slot: Slot, B: number, T: number, D: number, H: number): Record<(typeof SLOT_FIELDS)[number], number> {
  const lengths = slotLengths(B, T, D, H);
  const out = {} as Record<(typeof SLOT_FIELDS)[number], number>;
  let at = slot.at;
  for (const k of SLOT_FIELDS) {
    out[k] = at;
    at += Math.ceil((lengths[k] * 4) / 16) * 16;
  }
  return out;
}

/** A call's chunk strides when no argument differs per chunk. */
const ZEROS: readonly number[] = new Array(MAX_ARGS).fill(0);

/**
 * Rows per batch chunk when a call is split: a function of the batch size only (so the backward
 * pass sums weight gradients over the same chunks whatever the thread count). Eighths: see
 * "Determinism" in README.md for the measurements.
 */
export function chunkRows(batch: number): number {
  return Math.max(4, Math.ceil(batch / 8));
}

function abortHandler(): never {
  throw new Error('lstm.wasm aborted');
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
 * lstmWasmStatus(); // => { available: true, file: '/…/dist/kernels/lstm-relaxed.wasm', info: { simd: 'relaxed', threads: 2 } }
 */
export function lstmWasmStatus(): { available: boolean; file?: string; reason?: string; info?: LstmWasmKernelInfo } {
  loadLstmWasmKernel();
  const { kernel, file, reason } = cached!;
  return { available: kernel !== null, file, reason, info: kernel?.info };
}

/**
 * Compiles one kernel variant from the first file found (see {@link lstmWasmCandidates}), or
 * returns `null` when there is no file or the runtime rejects it.
 * @example
 * const module = compileLstmWasmModule('relaxed') ?? compileLstmWasmModule('plain');
 */
export function compileLstmWasmModule(simd: 'relaxed' | 'plain'): WebAssembly.Module | null {
  const file = lstmWasmCandidates(simd === 'relaxed' ? LSTM_RELAXED_WASM_FILE : LSTM_WASM_FILE).find((f) => fs.existsSync(f));
  if (file === undefined) return null;
  try {
    if (simd === 'relaxed') enableRelaxedSimd();
    return new WebAssembly.Module(fs.readFileSync(file));
  } catch {
    return null;
  }
}

function tryLoad(): { kernel: LstmWasmKernel | null; reason?: string; file?: string } {
  const threads = threadCount();
  const wanted = process.env.LSTM_KERNEL_SIMD;
  const reasons: string[] = [];
  const variants: Array<{ file: string; simd: 'relaxed' | 'plain' }> = [];
  if (wanted !== 'plain') variants.push({ file: LSTM_RELAXED_WASM_FILE, simd: 'relaxed' });
  if (wanted !== 'relaxed') variants.push({ file: LSTM_WASM_FILE, simd: 'plain' });
  for (const { file: name, simd } of variants) {
    const file = lstmWasmCandidates(name).find((f) => fs.existsSync(f));
    if (file === undefined) {
      reasons.push(`${name} not found (run \`npm run build:kernels\`)`);
      continue;
    }
    try {
      if (simd === 'relaxed') enableRelaxedSimd();
      const module = new WebAssembly.Module(fs.readFileSync(file));
      return { kernel: new LstmWasmKernel(module, { simd, threads }), file };
    } catch (error) {
      reasons.push(`${file} did not load: ${(error as Error).message}`);
    }
  }
  return { kernel: null, reason: reasons.join('; ') };
}

let relaxedFlagSet = false;

/**
 * Node 20 (V8 11.3) compiles relaxed SIMD only with `--experimental-wasm-relaxed-simd`; later
 * versions accept it by default and ignore the flag. Must run before the module is compiled.
 */
function enableRelaxedSimd(): void {
  if (relaxedFlagSet) return;
  relaxedFlagSet = true;
  const major = Number(process.versions.node.split('.')[0]);
  if (major <= 20) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
}
