#!/usr/bin/env node
/**
 * Compiles the AssemblyScript kernels (src/kernels/<name>/assembly/) to WebAssembly with the
 * `asc` compiler from npm (devDependency `assemblyscript`), into dist/kernels/ — next to the
 * compiled JS, and where src/kernels/lstm/wasm.ts finds it under ts-node/vitest. No binary is
 * committed. Run by `npm run build:kernels` (and so by `npm run build`).
 *
 * Exits 0 with a warning when the compiler is not installed (e.g. `npm ci --omit=dev`): the
 * library then uses the stock tfjs layers.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'dist', 'kernels');
// Shared, imported memory so worker threads can run the same module on the same memory
// (src/kernels/lstm/wasm.ts splits the batch between threads). 65536 pages = the 4 GiB wasm32
// limit (address space only; memory grows on demand).
const FLAGS = [
  '-O3', '--noAssert', '--runtime', 'stub', '--enable', 'simd', '--enable', 'threads',
  '--importMemory', '--sharedMemory', '--initialMemory', '16', '--maximumMemory', '65536',
];
// The relaxed-SIMD variant is the same source with `madd` as f32x4.relaxed_madd (a fused
// multiply-add where the CPU has one); the loader uses it where the runtime accepts relaxed SIMD.
const MADD_PLAIN = 'return f32x4.add(f32x4.mul(a, b), c);';
const MADD_RELAXED = 'return f32x4.relaxed_madd(a, b, c);';
const KERNELS = [
  { src: 'src/kernels/lstm/assembly/lstm.ts', out: 'lstm.wasm', flags: [] },
  {
    src: 'src/kernels/lstm/assembly/lstm.ts',
    out: 'lstm-relaxed.wasm',
    flags: ['--enable', 'relaxed-simd'],
    rewrite: (text) => {
      if (!text.includes(MADD_PLAIN)) throw new Error(`build-kernels: ${MADD_PLAIN} not found in lstm.ts`);
      return text.replace(MADD_PLAIN, MADD_RELAXED);
    },
  },
];

let asc;
try {
  asc = require.resolve('assemblyscript/bin/asc.js', { paths: [root] });
} catch {
  console.warn('build-kernels: assemblyscript not installed; fused kernels unavailable (stock layers used)');
  process.exit(0);
}
fs.mkdirSync(outDir, { recursive: true });
for (const { src, out, flags, rewrite } of KERNELS) {
  const target = path.join(outDir, out);
  const tmp = `${target}.${process.pid}.tmp`;
  let entry = path.join(root, src);
  let generated;
  if (rewrite) {
    // lstm.ts imports nothing, so the variant can be compiled from a temporary directory.
    generated = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kernels-')), path.basename(entry));
    fs.writeFileSync(generated, rewrite(fs.readFileSync(entry, 'utf8')));
    entry = generated;
  }
  try {
    execFileSync(process.execPath, [asc, entry, ...FLAGS, ...flags, '-o', tmp], { stdio: 'inherit' });
  } finally {
    if (generated) fs.rmSync(path.dirname(generated), { recursive: true, force: true });
  }
  fs.renameSync(tmp, target);
  console.log(`build-kernels: ${path.relative(root, target)} (${fs.statSync(target).size} bytes)`);
}
