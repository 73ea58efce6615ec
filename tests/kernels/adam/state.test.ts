import { describe, expect, it } from 'vitest';
import { AdamJsState, AdamWasmState, adamScalars, adamWasmStatus, compileAdamWasmModule, createAdamState } from '../../../src/kernels/adam';
import { randomArray } from '../lstm/helpers';

const HYPER = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

/** Float64 Adam with float32 rounding after every operation, written out independently of state.ts. */
function reference(steps: Float32Array[], w0: Float32Array): Float32Array {
  const r = Math.fround;
  const m = new Float64Array(w0.length);
  const v = new Float64Array(w0.length);
  const w = Float64Array.from(w0);
  let acc1 = r(0.9);
  let acc2 = r(0.999);
  for (const g of steps) {
    for (let i = 0; i < w.length; i++) {
      m[i] = r(r(m[i] * r(0.9)) + r(g[i] * r(1 - 0.9)));
      v[i] = r(r(v[i] * r(0.999)) + r(r(g[i] * g[i]) * r(1 - 0.999)));
      const denom = r(r(Math.sqrt(r(v[i] / r(1 - acc2)))) + r(1e-7));
      w[i] = r(r(r(r(m[i] / r(1 - acc1)) / denom) * r(-0.01)) + w[i]);
    }
    acc1 = r(acc1 * r(0.9));
    acc2 = r(acc2 * r(0.999));
  }
  return Float32Array.from(w);
}

describe('Adam kernel', () => {
  it('loads (npm test builds it first)', () => {
    expect(adamWasmStatus()).toEqual({ available: true, reason: undefined });
    expect(createAdamState().path).toBe('wasm');
    expect(createAdamState('js').path).toBe('js');
  });

  // sizes with and without a scalar tail (n % 4), one value, and large and tiny gradients
  it.each([1, 3, 4, 37, 1000])('n=%i: WebAssembly and JavaScript agree bit for bit with the float32 reference over 25 steps', (n) => {
    const states = [new AdamWasmState(compileAdamWasmModule()!), new AdamJsState()];
    const w0 = randomArray(n, `w${n}`, 2);
    const grads = Array.from({ length: 25 }, (_, s) => randomArray(n, `g${n}-${s}`).map((g, i) => (i % 5 === 0 ? 0 : g * 10 ** ((i % 7) - 3))));
    const expected = Array.from(reference(grads, w0));
    for (const state of states) {
      const other = state.add(5); // a second variable, so slots do not start at the same offset
      const k = state.add(n);
      let w = w0.slice();
      let acc1 = Math.fround(0.9); // beta^t in float32, as FusedAdam keeps it
      let acc2 = Math.fround(0.999);
      for (const g of grads) {
        const gCopy = g.slice();
        w = state.step(k, g, w, adamScalars({ ...HYPER, accBeta1: acc1, accBeta2: acc2 })).slice();
        expect(g).toEqual(gCopy); // the gradient is read only
        acc1 = Math.fround(acc1 * Math.fround(0.9));
        acc2 = Math.fround(acc2 * Math.fround(0.999));
      }
      expect(Array.from(w), state.path).toEqual(expected);
      expect(Array.from(state.moments(other).m)).toEqual([0, 0, 0, 0, 0]);
    }
  });

  it.each(['wasm', 'js'] as const)('%s: moments round-trip through setMoments; wrong lengths throw RangeError', (path) => {
    const state = path === 'wasm' ? new AdamWasmState(compileAdamWasmModule()!) : new AdamJsState();
    const k = state.add(6);
    const m = randomArray(6, 'm');
    const v = randomArray(6, 'v').map(Math.abs);
    state.setMoments(k, m, v);
    expect(state.moments(k)).toEqual({ m, v });
    const s = adamScalars({ ...HYPER, accBeta1: 0.9, accBeta2: 0.999 });
    expect(() => state.step(k, new Float32Array(5), new Float32Array(6), s)).toThrow(new RangeError('gradient has 5 values, the variable 6'));
    expect(() => state.step(k, new Float32Array(6), new Float32Array(7), s)).toThrow(new RangeError('value has 7 values, the variable 6'));
    expect(() => state.setMoments(k, new Float32Array(2), v)).toThrow(new RangeError('m has 2 values, the variable 6'));
  });

  it('grows its memory for large variables', () => {
    const state = new AdamWasmState(compileAdamWasmModule()!);
    const n = 300_000; // 1.2 MB per array, beyond the initial 64 KiB page
    const k = state.add(n);
    const out = state.step(k, new Float32Array(n).fill(1), new Float32Array(n).fill(2), adamScalars({ ...HYPER, accBeta1: 0.9, accBeta2: 0.999 }));
    expect(out.length).toBe(n);
    expect(out[0]).toBeCloseTo(2 - 0.01, 6); // first step moves by ~learningRate * sign(g)
    expect(out[n - 1]).toBe(out[0]);
  });
});
