/**
 * `$LSTM_KERNEL` is read when src/kernels/lstm/select.ts loads, so each case re-imports the module
 * with the variable set.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InputError } from '../../../src/errors';

type KernelModule = typeof import('../../../src/kernels/lstm/select');

const saved = process.env.LSTM_KERNEL;

async function loadWith(value: string | undefined): Promise<KernelModule> {
  if (value === undefined) delete process.env.LSTM_KERNEL;
  else process.env.LSTM_KERNEL = value;
  vi.resetModules();
  return import('../../../src/kernels/lstm/select');
}

afterEach(() => {
  if (saved === undefined) delete process.env.LSTM_KERNEL;
  else process.env.LSTM_KERNEL = saved;
  vi.resetModules();
});

describe('LSTM_KERNEL', () => {
  it.each(['bogus', 'WASM', ' native', 'fused'])('rejects %j, naming the variable, the allowed values and the value', async (value) => {
    const kernel = await loadWith(value);
    let thrown: unknown;
    try {
      kernel.loadLstmKernel();
    } catch (error) {
      thrown = error;
    }
    // A fresh module graph: its InputError is another class object than a static import's.
    expect((thrown as Error).name).toBe('InputError');
    expect((thrown as InputError).message).toBe(`LSTM_KERNEL must be one of "auto", "native", "wasm" (or unset), got ${JSON.stringify(value)}`);
    expect((thrown as InputError).details).toMatchObject({ argument: 'LSTM_KERNEL', value });
  });

  it.each([undefined, '', 'auto', 'wasm'])('accepts %j', async (value) => {
    const kernel = await loadWith(value);
    expect(() => kernel.loadLstmKernel()).not.toThrow();
  });

  it('wasm selects the WebAssembly kernel', async () => {
    const kernel = await loadWith('wasm');
    const loaded = kernel.loadLstmKernel();
    if (loaded) expect(loaded.info.path).toBe('wasm');
  });

  it('an explicit selectLstmKernel() replaces a bad value', async () => {
    const kernel = await loadWith('bogus');
    kernel.selectLstmKernel('auto');
    expect(() => kernel.loadLstmKernel()).not.toThrow();
  });
});
