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
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'dist', 'kernels');
const KERNELS = [{ src: 'src/kernels/lstm/assembly/lstm.ts', out: 'lstm.wasm' }];
const FLAGS = ['-O3', '--noAssert', '--runtime', 'stub', '--enable', 'simd'];

let asc;
try {
  asc = require.resolve('assemblyscript/bin/asc.js', { paths: [root] });
} catch {
  console.warn('build-kernels: assemblyscript not installed; fused kernels unavailable (stock layers used)');
  process.exit(0);
}
fs.mkdirSync(outDir, { recursive: true });
for (const { src, out } of KERNELS) {
  const target = path.join(outDir, out);
  const tmp = `${target}.${process.pid}.tmp`;
  execFileSync(process.execPath, [asc, path.join(root, src), ...FLAGS, '-o', tmp], { stdio: 'inherit' });
  fs.renameSync(tmp, target);
  console.log(`build-kernels: ${path.relative(root, target)} (${fs.statSync(target).size} bytes)`);
}
