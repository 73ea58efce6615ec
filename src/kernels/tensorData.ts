/**
 * Float32 data between tfjs tensors and the fused kernels with as few large allocations as the
 * active backend allows.
 *
 * Why: on tfjs-backend-wasm, `dataSync()` copies a tensor out of the backend's heap into a new
 * array, and a kernel result is copied into a new array before `tf.tensor` copies it into the
 * heap again. A training step of the benchmark's config M made ~4.5 MB of such short-lived
 * arrays; V8 then ran a full (mark-compact) collection every ~5 steps ("external memory
 * pressure"), and its concurrent marking threads competed with the kernel's two threads for the
 * two cores. Reading heap views and letting kernels return transient views removed ~95% of those
 * collections (53 -> 2 per 330 steps) and made a step ~15% faster (`node --trace-gc`).
 */
import * as tf from '../tf';

/** The part of tfjs-backend-wasm's backend used here (a public method of `BackendWasm`). */
interface HeapBackend {
  typedArrayFromHeap(tensor: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * Whether the active backend keeps tensor data in a heap of its own (tfjs-backend-wasm): it then
 * copies an array into the heap when a tensor is created from it, and can show a tensor's values
 * as a view of the heap. Where true, kernels may take and return transient arrays.
 * @example
 * if (heapBackendActive()) kernel.forward(dims, x, w, u, b, { save: false, lastStepOnly: true, transient: true });
 */
export function heapBackendActive(): boolean {
  return tf.getBackend() === 'wasm' && typeof (tf.backend() as unknown as Partial<HeapBackend>).typedArrayFromHeap === 'function';
}

/**
 * A float32 tensor's values for immediate use, without a copy where the backend allows: on
 * tfjs-backend-wasm a view of its heap, valid only until the next tfjs operation (which may move
 * or grow the heap); elsewhere `dataSync()` (the cpu backend returns its own array, unchanged
 * while the tensor lives). Never write to the result.
 *
 * @param tensor - A float32 tensor.
 * @returns Its values, row-major.
 * @throws Error when the tensor is not float32.
 * @example
 * kernel.forward(dims, valuesNow(x), valuesNow(w), valuesNow(u), valuesNow(b), options);
 */
export function valuesNow(tensor: tf.Tensor): Float32Array {
  if (tensor.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${tensor.dtype}`);
  if (heapBackendActive()) return (tf.backend() as unknown as HeapBackend).typedArrayFromHeap(tensor) as Float32Array;
  return tensor.dataSync() as Float32Array;
}
