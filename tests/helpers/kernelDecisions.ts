import { vi } from 'vitest';
import * as kernels from '../../src/model/kernel';
import type { LstmKernelChoice } from '../../src/model/config';

/**
 * How many times `work` decides the LSTM kernel: the `resolveLstmKernel` calls with the configured
 * `choice` (spied on the module export, so every caller counts). `buildLstmModel` also calls it,
 * with the decided `'fused'` / `'stock'`, to pick its layer class: pass a `choice` it never gets
 * (`'auto'`, the default) so that those calls are not counted.
 */
export async function kernelDecisions(work: () => Promise<unknown>, choice: LstmKernelChoice = 'auto'): Promise<number> {
  const resolve = vi.spyOn(kernels, 'resolveLstmKernel');
  try {
    await work();
    return resolve.mock.calls.filter(([requested]) => requested === choice).length;
  } finally {
    resolve.mockRestore();
  }
}
