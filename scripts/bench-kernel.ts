/**
 * Times the fused LSTM kernel calls alone (no tfjs), for config M's two layer shapes (B 64, T 50,
 * H 64; D 8 and 64): a training step's forward and backward passes, on 1 and 2 threads, and
 * optionally several builds of the WebAssembly module against each other (interleaved rounds,
 * medians). A benchmark, not a timed test.
 *
 *   npx ts-node --transpile-only scripts/bench-kernel.ts [--rounds 9] [--wasm FILE ...]
 *
 * Without --wasm: the built kernels (`dist/kernels/lstm-relaxed.wasm`, and the native addon where
 * it loads), each on 1 and 2 threads. With --wasm: those module files (relaxed SIMD) on 2 threads.
 */
import * as fs from 'node:fs';
import { Command } from 'commander';
import type { LstmKernel } from '../src/kernels/lstm/types';
import { loadLstmNativeKernel } from '../src/kernels/lstm/native';
import { compileLstmWasmModule, LstmWasmKernel } from '../src/kernels/lstm/wasm';

const [B, T, H] = [64, 50, 64];

function random(n: number, scale: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    a[i] = (s / 2147483648 - 0.5) * 2 * scale;
  }
  return a;
}

/** Forward + backward times (ms) of both layers, in a training step's order. */
function step(kernel: LstmKernel): number[] {
  const layers = [8, 64].map((D, i) => ({
    dims: { batch: B, steps: T, inputDim: D, units: H },
    x: random(B * T * D, 1, 1 + i), w: random(D * 4 * H, 0.3, 3 + i), u: random(H * 4 * H, 0.3, 5 + i),
    b: random(4 * H, 0.3, 7 + i), dh: random(i === 0 ? B * T * H : B * H, 0.3, 9 + i), last: i === 1,
  }));
  const times = [0, 0, 0, 0];
  const saved = layers.map((l, i) => {
    const t0 = performance.now();
    const r = kernel.forward(l.dims, l.x, l.w, l.u, l.b, { save: true, lastStepOnly: false, transient: true });
    times[2 * i] = performance.now() - t0;
    return r.saved!;
  });
  for (let i = layers.length - 1; i >= 0; i--) {
    const t0 = performance.now();
    kernel.backward(layers[i].dims, saved[i], layers[i].dh, layers[i].last, { transient: true });
    times[2 * i + 1] = performance.now() - t0;
  }
  return times;
}

function main(): void {
  const opts = new Command()
    .option('--rounds <n>', 'interleaved rounds (median reported)', '9')
    .option('--wasm <files...>', 'WebAssembly module files (relaxed SIMD) to compare')
    .parse(process.argv)
    .opts<{ rounds: string; wasm?: string[] }>();
  const rounds = Number(opts.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${opts.rounds}`);
  const kernels: Array<{ name: string; kernel: LstmKernel & { dispose?(): void } }> = [];
  if (opts.wasm) {
    compileLstmWasmModule('relaxed'); // sets V8's relaxed-SIMD flag
    for (const file of opts.wasm) {
      kernels.push({ name: file, kernel: new LstmWasmKernel(new WebAssembly.Module(fs.readFileSync(file)), { simd: 'relaxed', threads: 2 }) });
    }
  } else {
    const relaxed = compileLstmWasmModule('relaxed');
    const module = relaxed ?? compileLstmWasmModule('plain');
    if (module === null) throw new Error('no WebAssembly kernel: run `npm run build:kernels`');
    const simd = relaxed ? 'relaxed' : 'plain';
    for (const threads of [1, 2]) kernels.push({ name: `wasm ${simd}, ${threads} thread(s)`, kernel: new LstmWasmKernel(module, { simd, threads }) });
    const native = loadLstmNativeKernel();
    if (native) for (const threads of [1, 2]) kernels.push({ name: `native, ${threads} thread(s)`, kernel: native.withThreads(threads) });
  }
  for (const { kernel } of kernels) for (let i = 0; i < 10; i++) step(kernel);
  const results = kernels.map(() => [] as number[][]);
  for (let r = 0; r < rounds; r++) {
    kernels.forEach(({ kernel }, k) => {
      const sum = [0, 0, 0, 0];
      const n = 10;
      for (let i = 0; i < n; i++) step(kernel).forEach((t, q) => (sum[q] += t / n));
      results[k].push(sum);
    });
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const flops = 2 * B * T * 4 * H * (8 + H) * 3 + 2 * B * T * 4 * H * (64 + H) * 3; // forward + 2x backward, both layers
  console.log(`config M kernel calls (B ${B}, T ${T}, H ${H}, D 8 then 64), ms per step, median of ${rounds} rounds of 10 steps:`);
  kernels.forEach(({ name }, k) => {
    const cols = [0, 1, 2, 3].map((q) => median(results[k].map((r) => r[q])));
    const total = median(results[k].map((r) => r.reduce((a, b) => a + b)));
    console.log(`${name.padEnd(30)} fwd8 ${cols[0].toFixed(2)}  bwd8 ${cols[1].toFixed(2)}  fwd64 ${cols[2].toFixed(2)}  bwd64 ${cols[3].toFixed(2)}  total ${total.toFixed(2)} ms (${(flops / total / 1e6).toFixed(1)} GFLOP/s)`);
  });
  for (const { kernel } of kernels) kernel.dispose?.();
}

main();
