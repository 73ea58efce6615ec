// @ts-nocheck -- AssemblyScript source (compiled by `asc`, see scripts/build-kernels.js), not TypeScript.
/**
 * One Adam update over a float32 array, four lanes at a time, with exactly the operations and
 * rounding of tfjs' `AdamOptimizer` (each a separate IEEE float32 operation, in tfjs' order: no
 * fused multiply-add, so results are bit-identical to tfjs on the cpu and wasm backends):
 *
 *   m = m * b1 + g * c1;  v = v * b2 + (g * g) * c2            (c1 = 1 - b1, c2 = 1 - b2)
 *   w = ((m / oneMinusAcc1) / (sqrt(v / oneMinusAcc2) + eps)) * negLr + w
 *
 * Memory is owned by the caller (src/kernels/adam/wasm.ts): every `*Ptr` is a byte offset of a
 * float32 array in this module's memory, at or above `heapBase()`, 16-byte aligned.
 */

/** First free byte after the module's static data: the caller allocates from here. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/** Updates m, v and w (in place) for n values; g is read only. */
export function adamStep(
  n: i32, gPtr: usize, wPtr: usize, mPtr: usize, vPtr: usize,
  b1: f32, b2: f32, c1: f32, c2: f32, oneMinusAcc1: f32, oneMinusAcc2: f32, eps: f32, negLr: f32,
): void {
  const vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2), vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2);
  const va1 = f32x4.splat(oneMinusAcc1), va2 = f32x4.splat(oneMinusAcc2);
  const veps = f32x4.splat(eps), vlr = f32x4.splat(negLr);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(gPtr + o);
    const m = f32x4.add(f32x4.mul(v128.load(mPtr + o), vb1), f32x4.mul(g, vc1));
    const v = f32x4.add(f32x4.mul(v128.load(vPtr + o), vb2), f32x4.mul(f32x4.mul(g, g), vc2));
    v128.store(mPtr + o, m);
    v128.store(vPtr + o, v);
    const step = f32x4.div(f32x4.div(m, va1), f32x4.add(f32x4.sqrt(f32x4.div(v, va2)), veps));
    v128.store(wPtr + o, f32x4.add(f32x4.mul(step, vlr), v128.load(wPtr + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(gPtr + o);
    const m = load<f32>(mPtr + o) * b1 + g * c1;
    const v = load<f32>(vPtr + o) * b2 + (g * g) * c2;
    store<f32>(mPtr + o, m);
    store<f32>(vPtr + o, v);
    const step = (m / oneMinusAcc1) / (Mathf.sqrt(v / oneMinusAcc2) + eps);
    store<f32>(wPtr + o, step * negLr + load<f32>(wPtr + o));
  }
}
