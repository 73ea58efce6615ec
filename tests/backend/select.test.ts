import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterAll, describe, expect, it } from 'vitest';
import { activeBackend, selectBackend, parseBackendName } from '../../src/backend/select';

function notFound(id: string): Error {
  const error = new Error(`Cannot find module '${id}'\nRequire stack: ...`) as Error & { code: string };
  error.code = 'MODULE_NOT_FOUND';
  return error;
}

/** A loader where the native packages are absent, as on this machine, and the rest is real. */
function offlineLoader(id: string): unknown {
  if (id.startsWith('@tensorflow/tfjs-node')) throw notFound(id);
  return require(id);
}

describe('selectBackend', () => {
  afterAll(async () => {
    if (tf.findBackendFactory('tensorflow') !== null) tf.removeBackend('tensorflow');
    await tf.setBackend('cpu');
  });

  it('falls back to wasm when the native packages are not installed, naming why each was skipped', async () => {
    const info = await selectBackend({ env: {}, requireModule: offlineLoader });
    expect(info.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.requestedBy).toBe('auto');
    expect(info.skipped).toEqual([
      { backend: 'node-gpu', reason: 'not installed (@tensorflow/tfjs-node-gpu)' },
      { backend: 'node', reason: 'not installed (@tensorflow/tfjs-node)' },
    ]);
    expect(info.summary).toBe(
      'backend: wasm (auto; skipped node-gpu: not installed (@tensorflow/tfjs-node-gpu), node: not installed (@tensorflow/tfjs-node))',
    );
  });

  it('uses the real loader here: node packages cannot install, so wasm wins', async () => {
    const info = await selectBackend({ env: {} });
    expect(info.backend).toBe('wasm');
    expect(info.skipped.map((s) => s.backend)).toEqual(['node-gpu', 'node']);
    expect(info.tfjsVersion).toBe(tf.version.tfjs);
  });

  it('reports a package that is installed but fails to load (e.g. missing CUDA libraries)', async () => {
    const loader = (id: string): unknown => {
      if (id === '@tensorflow/tfjs-node-gpu') throw new Error('libcudart.so.11.0: cannot open shared object file');
      return offlineLoader(id);
    };
    const info = await selectBackend({ env: {}, requireModule: loader });
    expect(info.skipped[0]).toEqual({
      backend: 'node-gpu',
      reason: 'failed to load (libcudart.so.11.0: cannot open shared object file)',
    });
  });

  it('prefers node-gpu when it loads and registers the tensorflow backend', async () => {
    const loader = (id: string): unknown => {
      if (id === '@tensorflow/tfjs-node-gpu') {
        // Stand-in for the native package: registers a backend under the same name.
        tf.registerBackend('tensorflow', () => new MathBackendCPU(), 0);
        return {};
      }
      return offlineLoader(id);
    };
    const info = await selectBackend({ env: {}, requireModule: loader });
    expect(info.backend).toBe('node-gpu');
    expect(info.tfjsBackend).toBe('tensorflow');
    expect(info.skipped).toEqual([]);
    // The tfjs name cannot tell node-gpu from node; activeBackend can.
    expect(activeBackend()).toBe(info);
    tf.removeBackend('tensorflow');
  });

  it('activeBackend: the last selection while tfjs still runs on it, else null', async () => {
    const info = await selectBackend({ backend: 'wasm', env: {}, requireModule: offlineLoader });
    expect(activeBackend()).toBe(info);
    await tf.setBackend('cpu'); // switched behind selectBackend's back
    expect(activeBackend()).toBeNull();
    const again = await selectBackend({ backend: 'cpu', env: {}, requireModule: offlineLoader });
    expect(activeBackend()).toBe(again);
    // A failed selection keeps the previous record.
    await expect(selectBackend({ backend: 'node', env: {}, requireModule: offlineLoader })).rejects.toThrow();
    expect(activeBackend()).toBe(again);
  });

  it.each([
    [{ TFJS_BACKEND: 'cpu' }, 'cpu', 'env', 'backend: cpu (TFJS_BACKEND=cpu)'],
    [{ TFJS_BACKEND: 'wasm' }, 'wasm', 'env', 'backend: wasm (TFJS_BACKEND=wasm)'],
    [{ TFJS_BACKEND: 'auto' }, 'wasm', 'auto', undefined],
  ])('honours the environment %j', async (env, backend, requestedBy, summary) => {
    const info = await selectBackend({ env, requireModule: offlineLoader });
    expect(info.backend).toBe(backend);
    expect(tf.getBackend()).toBe(backend);
    expect(info.requestedBy).toBe(requestedBy);
    if (summary) expect(info.summary).toBe(summary);
  });

  it('lets the option override the environment', async () => {
    const info = await selectBackend({ backend: 'cpu', env: { TFJS_BACKEND: 'wasm' }, requireModule: offlineLoader });
    expect(info.backend).toBe('cpu');
    expect(info.requestedBy).toBe('option');
  });

  it('fails loudly when an explicitly requested backend cannot load', async () => {
    await expect(selectBackend({ backend: 'node', env: {}, requireModule: offlineLoader })).rejects.toThrow(
      'backend=node was requested but cannot be used: not installed (@tensorflow/tfjs-node)',
    );
    await expect(selectBackend({ env: { TFJS_BACKEND: 'node-gpu' }, requireModule: offlineLoader })).rejects.toThrow(
      'TFJS_BACKEND=node-gpu was requested but cannot be used: not installed (@tensorflow/tfjs-node-gpu)',
    );
  });

  it('rejects unknown names, naming the source and the value', async () => {
    await expect(selectBackend({ env: { TFJS_BACKEND: 'cuda' } })).rejects.toThrow(
      'TFJS_BACKEND must be one of auto, node-gpu, node, wasm, cpu; got "cuda"',
    );
    expect(() => parseBackendName(3, 'backend')).toThrow('backend must be one of auto, node-gpu, node, wasm, cpu; got 3');
  });
});
