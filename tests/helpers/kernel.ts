import { loadLstmKernel } from '../../src/kernels/lstm/select';

/**
 * The log line of the default kernel on a CPU backend, written out from the loaded kernel's info
 * (not by the code under test): e.g. `kernel: fused native (avx2-fma, 2 threads)`.
 * @throws Error when no fused kernel loads (run `npm run build:kernels`).
 */
export function fusedKernelLine(): string {
  const kernel = loadLstmKernel();
  if (kernel === null) throw new Error('no fused LSTM kernel loads: run `npm run build:kernels`');
  const { path, simd, threads } = kernel.info;
  return `kernel: fused ${path} (${path === 'wasm' ? `${simd} SIMD` : simd}, ${threads} thread${threads === 1 ? '' : 's'})`;
}
