/** Fused LSTM kernels (native AVX2/FMA addon, WebAssembly SIMD) and the tfjs layer around them. */
export * from './types';
export * from './checks';
export * from './threads';
export * from './select';
export * from './wasm';
export * from './native';
export * from './fusedLayer';
export * from './convert';
