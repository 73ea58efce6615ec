/** Fused LSTM kernels: WebAssembly SIMD forward/backward and the tfjs layer around them. */
export * from './wasm';
export * from './fusedLayer';
export * from './convert';
export * from './forecaster';
