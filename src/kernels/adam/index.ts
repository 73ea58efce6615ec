/** The Adam update kernel (WebAssembly SIMD, with a plain-JavaScript fallback) behind `FusedAdam`. */
import { AdamJsState, type AdamState } from './state';
import { AdamWasmState, compileAdamWasmModule } from './wasm';

export * from './state';
export * from './wasm';

/**
 * A new, empty Adam state: the WebAssembly kernel where `adam.wasm` loads, else JavaScript.
 * @param prefer - `'js'` forces the JavaScript implementation (tests, comparisons).
 * @example
 * const state = createAdamState();
 * const k = state.add(3);
 */
export function createAdamState(prefer: 'auto' | 'js' = 'auto'): AdamState {
  const module = prefer === 'js' ? null : compileAdamWasmModule();
  return module === null ? new AdamJsState() : new AdamWasmState(module);
}
