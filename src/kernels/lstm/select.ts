/**
 * The choice between the fused LSTM kernel paths: native where it loads, else WebAssembly, or the
 * one `selectLstmKernel` / `$LSTM_KERNEL` names.
 */
import { InputError, describeValue } from '../../errors';
import { loadLstmNativeKernel } from './native';
import type { LstmKernel } from './types';
import { loadLstmWasmKernel } from './wasm';

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
