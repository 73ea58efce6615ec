import { beforeAll, describe, expect, it } from 'vitest';
import type { LstmKernel } from '../../../src/kernels/lstm/types';
import { loadLstmNativeKernel, lstmNativeStatus } from '../../../src/kernels/lstm/native';
import { compileLstmWasmModule, loadLstmWasmKernel, LstmWasmKernel, lstmWasmStatus } from '../../../src/kernels/lstm/wasm';
import { expectInputError } from '../../model/helpers';
import { maxDiff, randomArray, referenceLstm64 } from './helpers';

let kernel: LstmWasmKernel;

beforeAll(() => {
  const status = lstmWasmStatus();
  // `npm test` builds the kernel first (npm run build -> build:kernels).
  expect(status.reason, 'kernel must be built').toBeUndefined();
  kernel = loadLstmWasmKernel()!;
});

// The native addon is optional (built only where a C++ compiler is present): its cases are
// skipped, with the reason in the test name, when it is absent.
const native = loadLstmNativeKernel();
const KERNELS: ReadonlyArray<readonly [string, () => LstmKernel | null]> = [
  ['wasm', () => loadLstmWasmKernel()],
  [native ? 'native' : `native (skipped: ${lstmNativeStatus().reason})`, () => native],
];

// [B, T, D, H]: batch 1, T = 1, H not a multiple of 4 (scalar tails), H multiple of 8 (SIMD tiles).
const SHAPES: ReadonlyArray<readonly [number, number, number, number]> = [
  [1, 1, 1, 1],
  [1, 5, 3, 4],
  [3, 1, 2, 10],
  [5, 6, 8, 16],
  [7, 4, 3, 13],
];

function weights(D: number, H: number, seed: string) {
  return {
    kernel: randomArray(D * 4 * H, `${seed}k`, 0.6),
    recurrent: randomArray(H * 4 * H, `${seed}r`, 0.6),
    bias: randomArray(4 * H, `${seed}b`, 0.5),
  };
}

describe.each(KERNELS)('%s kernel: forward vs the float64 reference', (_name, get) => {
  it.skipIf(get() === null).each(SHAPES)('B=%i T=%i D=%i H=%i', (B, T, D, H) => {
    const kernel = get()!;
    const dims = { batch: B, steps: T, inputDim: D, units: H };
    const x = randomArray(B * T * D, `x${B}${T}${D}${H}`, 2);
    const w = weights(D, H, `${B}${T}${D}${H}`);
    const xCopy = x.slice();
    const seq = kernel.forward(dims, x, w.kernel, w.recurrent, w.bias, { save: true, lastStepOnly: false });
    const last = kernel.forward(dims, x, w.kernel, w.recurrent, w.bias, { save: false, lastStepOnly: true });
    const layer = { ...w, units: H };
    const refSeq = referenceLstm64(x, B, T, D, [layer], true);
    const refLast = referenceLstm64(x, B, T, D, [layer], false);
    expect(maxDiff(seq.h, refSeq).abs).toBeLessThan(2e-6);
    expect(maxDiff(last.h, refLast).abs).toBeLessThan(2e-6);
    expect(x).toEqual(xCopy);
  });
});

describe.each(KERNELS)('%s kernel: backward vs float64 finite differences', (_name, get) => {
  // Directional derivatives: for random directions v over (x, kernel, recurrent, bias),
  // <grad, v> must equal (L(p + e v) - L(p - e v)) / 2e of the float64 reference,
  // with L = sum(dh * h) (all steps or the last step).
  it.skipIf(get() === null).each([...SHAPES.map((s) => [...s, true] as const), ...SHAPES.map((s) => [...s, false] as const)])(
    'B=%i T=%i D=%i H=%i sequences=%s',
    (B, T, D, H, sequences) => {
      const kernel = get()!;
      const dims = { batch: B, steps: T, inputDim: D, units: H };
      const tag = `${B}${T}${D}${H}${sequences}`;
      const x = randomArray(B * T * D, `x${tag}`, 2);
      const w = weights(D, H, tag);
      const dh = randomArray(sequences ? B * T * H : B * H, `dh${tag}`);
      const { saved } = kernel.forward(dims, x, w.kernel, w.recurrent, w.bias, { save: true, lastStepOnly: false });
      const inputs = [x, w.kernel, w.recurrent, w.bias, dh].map((a) => a.slice());
      const g = kernel.backward(dims, saved!, dh, !sequences);
      // inputs are not mutated; the saved forward pass is consumed (one backward per forward)
      expect([x, w.kernel, w.recurrent, w.bias, dh]).toEqual(inputs);
      expect(() => kernel.backward(dims, saved!, dh, !sequences)).toThrow(/already used by a backward pass/);

      const loss = (p: { x: ArrayLike<number>; kernel: ArrayLike<number>; recurrent: ArrayLike<number>; bias: ArrayLike<number> }) => {
        const h = referenceLstm64(p.x, B, T, D, [{ kernel: p.kernel, recurrent: p.recurrent, bias: p.bias, units: H }], sequences);
        let s = 0;
        for (let i = 0; i < h.length; i++) s += h[i] * dh[i];
        return s;
      };
      const eps = 1e-4;
      for (let trial = 0; trial < 3; trial++) {
        const v = {
          x: randomArray(x.length, `vx${tag}${trial}`),
          kernel: randomArray(w.kernel.length, `vk${tag}${trial}`),
          recurrent: randomArray(w.recurrent.length, `vr${tag}${trial}`),
          bias: randomArray(w.bias.length, `vb${tag}${trial}`),
        };
        const shift = (sign: number) => ({
          x: Float64Array.from(x, (a, i) => a + sign * eps * v.x[i]),
          kernel: Float64Array.from(w.kernel, (a, i) => a + sign * eps * v.kernel[i]),
          recurrent: Float64Array.from(w.recurrent, (a, i) => a + sign * eps * v.recurrent[i]),
          bias: Float64Array.from(w.bias, (a, i) => a + sign * eps * v.bias[i]),
        });
        const numeric = (loss(shift(1)) - loss(shift(-1))) / (2 * eps);
        let analytic = 0;
        const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, ai, i) => s + ai * b[i], 0);
        analytic += dot(g.dx, v.x) + dot(g.dkernel, v.kernel) + dot(g.drecurrent, v.recurrent) + dot(g.dbias, v.bias);
        expect(Math.abs(analytic - numeric)).toBeLessThan(1e-4 * Math.max(1, Math.abs(numeric)));
      }
    },
  );
});

describe.each(KERNELS)('%s kernel: non-finite inputs', (_name, get) => {
  // A NaN anywhere must reach the outputs and gradients (training then stops on a NaN loss),
  // on the SIMD lanes (H multiple of 8 and 4) and the scalar tails (H = 3).
  it.skipIf(get() === null).each([8, 4, 3])('H=%i: NaN in x gives NaN hidden states and gradients', (H) => {
    const kernel = get()!;
    const [B, T, D] = [2, 3, 2];
    const dims = { batch: B, steps: T, inputDim: D, units: H };
    const w = weights(D, H, `nan${H}`);
    const x = randomArray(B * T * D, `nanx${H}`);
    x[0] = Number.NaN; // sequence 0, step 0
    const f = kernel.forward(dims, x, w.kernel, w.recurrent, w.bias, { save: true, lastStepOnly: false });
    const inf = kernel.forward(dims, x, w.kernel, w.recurrent, w.bias, { save: false, lastStepOnly: true }).h;
    // sequence 0 is NaN from step 0 on; sequence 1 is untouched
    expect(Array.from(f.h.subarray(0, T * H)).every(Number.isNaN)).toBe(true);
    expect(Array.from(f.h.subarray(T * H)).every(Number.isFinite)).toBe(true);
    expect(Array.from(inf.subarray(0, H)).every(Number.isNaN)).toBe(true);
    const g = kernel.backward(dims, f.saved!, randomArray(B * H, `nandh${H}`), true);
    expect(g.dkernel.some(Number.isNaN)).toBe(true);
  });
});

describe.each(KERNELS)('%s kernel: transient input and output', (_name, get) => {
  // Transient calls (used on tfjs-backend-wasm, see src/kernels/lstm/tensorData.ts) must give the
  // same bits as ordinary ones, copy what they keep (the caller may overwrite its inputs at once)
  // and return arrays that the next call reuses instead of new ones.
  it.skipIf(get() === null).each([[5, 6, 8, 16, true], [7, 4, 3, 13, false], [4, 3, 2, 8, true]] as const)(
    'B=%i T=%i D=%i H=%i sequences=%s: same bits as new arrays; inputs may change after forward',
    (B, T, D, H, sequences) => {
      const kernel = get()!;
      const dims = { batch: B, steps: T, inputDim: D, units: H };
      const tag = `t${B}${T}${D}${H}`;
      const x = randomArray(B * T * D, `x${tag}`, 2);
      const w = weights(D, H, tag);
      const dh = randomArray(sequences ? B * T * H : B * H, `dh${tag}`);
      const plainF = kernel.forward(dims, x, w.kernel, w.recurrent, w.bias, { save: true, lastStepOnly: false });
      const plainH = plainF.h.slice();
      const plainG = kernel.backward(dims, plainF.saved!, dh, !sequences);
      const plainInfer = kernel.forward(dims, x, w.kernel, w.recurrent, w.bias, { save: false, lastStepOnly: !sequences }).h;

      const inputs = [x, w.kernel, w.recurrent, w.bias].map((a) => a.slice());
      const f = kernel.forward(dims, inputs[0], inputs[1], inputs[2], inputs[3], { save: true, lastStepOnly: false, transient: true });
      expect(Array.from(f.h)).toEqual(Array.from(plainH));
      for (const a of inputs) a.fill(Number.NaN); // the caller reuses its arrays at once
      const dhCopy = dh.slice();
      const g = kernel.backward(dims, f.saved!, dhCopy, !sequences, { transient: true });
      dhCopy.fill(Number.NaN);
      for (const k of ['dx', 'dkernel', 'drecurrent', 'dbias'] as const) expect(Array.from(g[k]), k).toEqual(Array.from(plainG[k]));
      const infer = kernel.forward(dims, x, w.kernel, w.recurrent, w.bias, { save: false, lastStepOnly: !sequences, transient: true }).h;
      expect(Array.from(infer)).toEqual(Array.from(plainInfer));
    },
  );

  it.skipIf(get() === null)('reuses transient outputs; ordinary outputs stay untouched by later calls', () => {
    const kernel = get()!;
    const dims = { batch: 4, steps: 3, inputDim: 2, units: 8 };
    const w = weights(2, 8, 'reuse');
    const x1 = randomArray(24, 'reuse1');
    const x2 = randomArray(24, 'reuse2');
    const run = (x: Float32Array, transient: boolean) => {
      const f = kernel.forward(dims, x, w.kernel, w.recurrent, w.bias, { save: true, lastStepOnly: false, transient });
      return kernel.backward(dims, f.saved!, randomArray(4 * 8, 'reusedh'), true, { transient });
    };
    const kept = run(x1, false);
    const keptValues = Array.from(kept.dx);
    const first = run(x1, true);
    const firstValues = Array.from(first.dx);
    expect(firstValues).toEqual(keptValues);
    const second = run(x2, true);
    expect(second.dx.buffer).toBe(first.dx.buffer); // same memory, overwritten
    expect(Array.from(first.dx)).not.toEqual(firstValues);
    expect(Array.from(kept.dx)).toEqual(keptValues);
  });
});

describe('LstmWasmKernel input checks', () => {
  it('names the bad dimension', () => {
    expectInputError(
      () => kernel.forward({ batch: 0, steps: 1, inputDim: 1, units: 1 }, new Float32Array(0), new Float32Array(4), new Float32Array(4), new Float32Array(4), { save: false, lastStepOnly: false }),
      'dims.batch must be a positive integer, got 0',
    );
  });
  it('names the array with the wrong length', () => {
    expectInputError(
      () => kernel.forward({ batch: 1, steps: 2, inputDim: 1, units: 1 }, new Float32Array(3), new Float32Array(4), new Float32Array(4), new Float32Array(4), { save: false, lastStepOnly: false }),
      'x must be a Float32Array of length 2, got length 3',
    );
  });
});

describe('kernel variants and the 2-thread batch split', () => {
  // Every variant (plain / relaxed SIMD, 1 / 2 threads, split forced on every call) against the
  // plain single-thread kernel; relaxed SIMD may fuse multiply-adds, so equality is approximate.
  const variants = (['plain', 'relaxed', 'native'] as const).flatMap((simd) => [1, 2].map((threads) => ({ simd, threads })));
  it.each(variants)('$simd, $threads thread(s)', ({ simd, threads }) => {
    const plainModule = compileLstmWasmModule('plain');
    expect(plainModule).not.toBeNull();
    const reference = new LstmWasmKernel(plainModule!, { simd: 'plain', threads: 1 });
    let variant: LstmKernel & { dispose?(): void };
    if (simd === 'native') {
      if (native === null) return; // optional addon absent
      variant = native.withThreads(threads, 0);
    } else {
      const module = compileLstmWasmModule(simd);
      if (module === null) {
        expect(simd, 'only relaxed SIMD may be unavailable').toBe('relaxed');
        return;
      }
      variant = new LstmWasmKernel(module, { simd, threads, minWorkToSplit: 0 });
    }
    try {
      for (const [B, T, D, H, last] of [[5, 6, 3, 9, true], [2, 3, 8, 16, false], [1, 2, 2, 4, false], [29, 3, 2, 8, false]] as const) {
        const dims = { batch: B, steps: T, inputDim: D, units: H };
        const tag = `v${B}${T}${D}${H}`;
        const x = randomArray(B * T * D, `x${tag}`, 2);
        const w = weights(D, H, tag);
        const dh = randomArray(last ? B * H : B * T * H, `dh${tag}`);
        const run = (k: LstmKernel) => {
          const f = k.forward(dims, x, w.kernel, w.recurrent, w.bias, { save: true, lastStepOnly: false });
          // inference variants too: all steps, and the last step only
          const hSeq = k.forward(dims, x, w.kernel, w.recurrent, w.bias, { save: false, lastStepOnly: false }).h;
          const hLast = k.forward(dims, x, w.kernel, w.recurrent, w.bias, { save: false, lastStepOnly: true }).h;
          return { h: f.h, hSeq, hLast, ...k.backward(dims, f.saved!, dh, last) };
        };
        const a = run(reference);
        const b = run(variant);
        expect(maxDiff(a.hSeq, a.h).abs).toBeLessThan(1e-6);
        for (const key of ['h', 'hSeq', 'hLast', 'dx', 'dkernel', 'drecurrent', 'dbias'] as const) {
          const { abs, scale } = maxDiff(b[key], a[key]);
          expect(abs, key).toBeLessThan(1e-5 * Math.max(1, scale));
        }
      }
    } finally {
      reference.dispose();
      variant.dispose?.();
    }
  });
});

describe('a forward pass saved by another kernel instance', () => {
  // The backward pass then has no tanh(c) kept by its own forward pass and recomputes it from c:
  // same bits as an own forward pass (one module, one thread count).
  it('gives bit-identical gradients to the instance that ran the forward pass', () => {
    const module = compileLstmWasmModule('plain')!;
    const [a, b] = [1, 2].map(() => new LstmWasmKernel(module, { simd: 'plain', threads: 1 }));
    try {
      const dims = { batch: 3, steps: 5, inputDim: 4, units: 10 };
      const x = randomArray(3 * 5 * 4, 'foreignx', 2);
      const w = weights(4, 10, 'foreign');
      const dh = randomArray(3 * 5 * 10, 'foreigndh');
      const own = a.backward(dims, a.forward(dims, x, w.kernel, w.recurrent, w.bias, { save: true, lastStepOnly: false }).saved!, dh, false);
      const foreign = b.backward(dims, a.forward(dims, x, w.kernel, w.recurrent, w.bias, { save: true, lastStepOnly: false }).saved!, dh, false);
      for (const k of ['dx', 'dkernel', 'drecurrent', 'dbias'] as const) expect(Array.from(foreign[k]), k).toEqual(Array.from(own[k]));
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe('determinism: same inputs, same bits, whatever the thread count', () => {
  // Weight gradients are summed per batch chunk (chunks depend on B only) in chunk order, so
  // 1 thread, 2 threads and repeated calls give bit-identical results (needed for "same seed,
  // same backend => same training run").
  const paths = [
    { name: 'plain', make: (threads: number) => new LstmWasmKernel(compileLstmWasmModule('plain')!, { simd: 'plain', threads, minWorkToSplit: 0 }) },
    { name: 'relaxed', make: (threads: number) => { const m = compileLstmWasmModule('relaxed'); return m && new LstmWasmKernel(m, { simd: 'relaxed', threads, minWorkToSplit: 0 }); } },
    { name: 'native', make: (threads: number) => native?.withThreads(threads, 0) ?? null },
  ];
  it.each(paths)('$name', ({ make }) => {
    const one = make(1);
    const two = make(2);
    if (one === null || two === null) return; // optional path absent
    try {
      const [B, T, D, H] = [64, 7, 5, 12];
      const dims = { batch: B, steps: T, inputDim: D, units: H };
      const x = randomArray(B * T * D, 'detx', 2);
      const w = weights(D, H, 'det');
      const dh = randomArray(B * H, 'detdh');
      const grads = (k: LstmKernel) => k.backward(dims, k.forward(dims, x, w.kernel, w.recurrent, w.bias, { save: true, lastStepOnly: false }).saved!, dh, true);
      const runs = [grads(one), grads(two), grads(two), grads(one)];
      for (const r of runs.slice(1)) {
        for (const key of ['dx', 'dkernel', 'drecurrent', 'dbias'] as const) {
          expect(Buffer.from(r[key].buffer).equals(Buffer.from(runs[0][key].buffer)), key).toBe(true);
        }
      }
      // and the sums are real sums over every sequence: dbias is non-zero
      expect(runs[0].dbias.some((v) => v !== 0)).toBe(true);
    } finally {
      (one as { dispose?(): void }).dispose?.();
      (two as { dispose?(): void }).dispose?.();
    }
  });
});
