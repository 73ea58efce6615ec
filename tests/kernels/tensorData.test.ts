import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { heapBackendActive, valuesNow } from '../../src/kernels/tensorData';
import { useBackend } from '../model/fixtures';

describe('valuesNow / heapBackendActive', () => {
  it('cpu backend: not a heap backend; values are the tensor data', async () => {
    await useBackend('cpu');
    expect(heapBackendActive()).toBe(false);
    const t = tf.tensor2d([1, 2, 3, 4.5], [2, 2]);
    expect(Array.from(valuesNow(t))).toEqual([1, 2, 3, 4.5]);
    t.dispose();
  });

  it('wasm backend: a view of the backend heap (no copy) with the tensor values', async () => {
    await useBackend('wasm');
    expect(heapBackendActive()).toBe(true);
    const t = tf.tensor1d([0.5, -2, 7]);
    const view = valuesNow(t);
    expect(Array.from(view)).toEqual([0.5, -2, 7]);
    const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer;
    expect(view.buffer).toBe(heap);
    // a tensor made from a view owns a copy: changing the view's memory later does not change it
    const copy = tf.tensor1d(view);
    view[0] = 99; // writes into t's heap data (tests only: callers never write)
    expect(Array.from(copy.dataSync())).toEqual([0.5, -2, 7]);
    tf.dispose([t, copy]);
  });

  it.each(['cpu', 'wasm'] as const)('%s: rejects tensors that are not float32', async (backend) => {
    await useBackend(backend);
    const t = tf.tensor1d([1, 2], 'int32');
    expect(() => valuesNow(t)).toThrow('expected a float32 tensor, got int32');
    t.dispose();
  });
});
