/**
 * The TensorFlow.js API the library uses: the core ops, the layers API and the plain-JS cpu
 * backend, without the `@tensorflow/tfjs` umbrella package. That package adds the browser
 * bundles, the converter, tfjs-data and the WebGL backend (286 MB installed in all, against
 * ~85 MB for these three), none of which a Node user of this library needs. It is the same
 * API (`@tensorflow/tfjs` re-exports exactly these), and the same engine instance wherever
 * `@tensorflow/tfjs` is also installed: both resolve to the one `@tensorflow/tfjs-core`.
 */
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
