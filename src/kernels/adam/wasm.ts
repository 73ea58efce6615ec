/**
 * Loader and typed-array interface of the Adam kernel (`assembly/adam.ts`, compiled by
 * `scripts/build-kernels.js` into `dist/kernels/adam.wasm`). Each {@link AdamWasmState} is an
 * instance of the module with its own memory, holding the moments of one optimiser's variables;
 * it is freed with the optimiser.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSize, type AdamScalars, type AdamState } from './state';

/** File name of the compiled kernel. */
export const ADAM_WASM_FILE = 'adam.wasm';

interface Exports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  adamStep(n: number, g: number, w: number, m: number, v: number, ...scalars: number[]): void;
}

const PAGE = 65536;

/**
 * Where the kernel is looked for, first match wins: next to the compiled JS
 * (`dist/kernels/adam.wasm` seen from `dist/kernels/adam/wasm.js`), and the repository's
 * `dist/kernels/` (seen from `src/kernels/adam/wasm.ts` under ts-node or vitest).
 */
export function adamWasmCandidates(): string[] {
  const root = path.resolve(__dirname, '..', '..', '..');
  return [path.resolve(__dirname, '..', ADAM_WASM_FILE), path.join(root, 'dist', 'kernels', ADAM_WASM_FILE)];
}

let cached: { module: WebAssembly.Module | null; reason?: string } | undefined;

/**
 * The compiled module, or `null` (with the reason in {@link adamWasmStatus}) when the file is
 * missing or the runtime rejects it.
 * @example
 * const module = compileAdamWasmModule(); // compiled once, then cached
 */
export function compileAdamWasmModule(): WebAssembly.Module | null {
  if (cached === undefined) {
    const file = adamWasmCandidates().find((f) => fs.existsSync(f));
    if (file === undefined) {
      cached = { module: null, reason: `${ADAM_WASM_FILE} not found (run \`npm run build:kernels\`)` };
    } else {
      try {
        cached = { module: new WebAssembly.Module(fs.readFileSync(file)) };
      } catch (error) {
        cached = { module: null, reason: `${file} did not load: ${(error as Error).message}` };
      }
    }
  }
  return cached.module;
}

/**
 * Whether the Adam kernel loads, or why not.
 * @example
 * adamWasmStatus(); // => { available: true }
 */
export function adamWasmStatus(): { available: boolean; reason?: string } {
  compileAdamWasmModule();
  return { available: cached!.module !== null, reason: cached!.reason };
}

/** {@link AdamState} in WebAssembly SIMD (bit-identical to the JavaScript one). */
export class AdamWasmState implements AdamState {
  readonly path = 'wasm' as const;
  private readonly exports: Exports;
  /** Byte offsets of each variable's m and v, its size, and the bytes of one array (16-byte aligned). */
  private readonly slots: Array<{ m: number; v: number; size: number; bytes: number }> = [];
  /** First free byte after the slots (per-call scratch starts here). */
  private top: number;

  /**
   * @param module - The compiled kernel ({@link compileAdamWasmModule}).
   * @example
   * const state = new AdamWasmState(compileAdamWasmModule()!);
   */
  constructor(module: WebAssembly.Module) {
    this.exports = new WebAssembly.Instance(module, {
      env: { abort: () => { throw new Error('adam.wasm aborted'); } },
    }).exports as unknown as Exports;
    this.top = this.exports.heapBase();
  }

  add(size: number): number {
    const bytes = Math.ceil((size * 4) / 16) * 16;
    this.slots.push({ m: this.top, v: this.top + bytes, size, bytes });
    this.top += 2 * bytes;
    this.reserve(this.top);
    new Float32Array(this.exports.memory.buffer, this.top - 2 * bytes, (2 * bytes) / 4).fill(0);
    return this.slots.length - 1;
  }

  step(index: number, gradient: Float32Array, value: Float32Array, s: AdamScalars): Float32Array {
    const { m, v, size, bytes } = this.slots[index];
    checkSize('gradient', gradient, size);
    checkSize('value', value, size);
    const g = this.top;
    const w = this.top + bytes;
    this.reserve(w + bytes);
    const f32 = new Float32Array(this.exports.memory.buffer);
    f32.set(gradient, g / 4);
    f32.set(value, w / 4);
    this.exports.adamStep(size, g, w, m, v, s.b1, s.b2, s.c1, s.c2, s.oneMinusAcc1, s.oneMinusAcc2, s.eps, s.negLr);
    return f32.subarray(w / 4, w / 4 + size);
  }

  moments(index: number): { m: Float32Array; v: Float32Array } {
    const { m, v, size } = this.slots[index];
    const f32 = new Float32Array(this.exports.memory.buffer);
    return { m: f32.slice(m / 4, m / 4 + size), v: f32.slice(v / 4, v / 4 + size) };
  }

  setMoments(index: number, m: ArrayLike<number>, v: ArrayLike<number>): void {
    const slot = this.slots[index];
    checkSize('m', m, slot.size);
    checkSize('v', v, slot.size);
    const f32 = new Float32Array(this.exports.memory.buffer);
    f32.set(m, slot.m / 4);
    f32.set(v, slot.v / 4);
  }

  /** Grows the memory to at least `end` bytes. */
  private reserve(end: number): void {
    const memory = this.exports.memory;
    if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
  }
}
