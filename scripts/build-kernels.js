#!/usr/bin/env node
/**
 * Builds the fused LSTM and Adam kernels from source into dist/kernels/ (next to the compiled JS, and where
 * src/kernels/lstm/*.ts finds them under ts-node/vitest). No binary is committed.
 *
 *   node scripts/build-kernels.js [--wasm] [--native] [--out DIR]
 *
 * --wasm: the AssemblyScript kernels (src/kernels/{lstm,adam}/assembly/) with the `asc` compiler from npm
 *   (devDependency `assemblyscript`); run by `npm ci` / `npm install` in this repository
 *   (`prepare`) and by `npm run build`. The published package ships the .wasm files with their
 *   source.
 * --native: the optional N-API addon (src/kernels/lstm/native/) with node-gyp; run at install time,
 *   also in projects that install this package (`install` script), so the addon is compiled on
 *   the machine that uses it.
 * Neither flag: both. Either part exits 0 with a warning when its compiler is missing (no
 * AssemblyScript under `npm ci --omit=dev`, no C++ compiler): the library then uses the
 * WebAssembly kernel, or tfjs' stock layers.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const argv = process.argv.slice(2);
const outAt = argv.indexOf('--out');
const outDir = outAt >= 0 ? path.resolve(argv[outAt + 1] ?? '') : path.join(root, 'dist', 'kernels');
const onlyWasm = argv.includes('--wasm');
const onlyNative = argv.includes('--native');
const wantWasm = onlyWasm || !onlyNative;
const wantNative = onlyNative || !onlyWasm;
for (const [i, a] of argv.entries()) {
  if (!['--wasm', '--native', '--out'].includes(a) && argv[i - 1] !== '--out') {
    console.error(`build-kernels: unknown argument ${JSON.stringify(a)}; expected --wasm, --native, --out DIR`);
    process.exit(2);
  }
}
const COMMON = ['-O3', '--noAssert', '--runtime', 'stub', '--enable', 'simd'];
// The LSTM kernels: shared, imported memory so worker threads can run the same module on the
// same memory (src/kernels/lstm/wasm.ts splits the batch between threads). 65536 pages = the
// 4 GiB wasm32 limit (address space only; memory grows on demand).
const THREADED = [
  '--enable', 'threads', '--importMemory', '--sharedMemory', '--initialMemory', '16', '--maximumMemory', '65536',
];
// The relaxed-SIMD variant is the same source with `madd` as f32x4.relaxed_madd (a fused
// multiply-add where the CPU has one); the loader uses it where the runtime accepts relaxed SIMD.
const MADD_PLAIN = 'return f32x4.add(f32x4.mul(a, b), c);';
const MADD_RELAXED = 'return f32x4.relaxed_madd(a, b, c);';
const KERNELS = [
  { src: 'src/kernels/lstm/assembly/lstm.ts', out: 'lstm.wasm', flags: [...COMMON, ...THREADED] },
  {
    src: 'src/kernels/lstm/assembly/lstm.ts',
    out: 'lstm-relaxed.wasm',
    flags: [...COMMON, ...THREADED, '--enable', 'relaxed-simd'],
    rewrite: (text) => {
      if (!text.includes(MADD_PLAIN)) throw new Error(`build-kernels: ${MADD_PLAIN} not found in lstm.ts`);
      return text.replace(MADD_PLAIN, MADD_RELAXED);
    },
  },
  // Adam (src/kernels/adam): one thread, its own growable memory (exported).
  { src: 'src/kernels/adam/assembly/adam.ts', out: 'adam.wasm', flags: [...COMMON, '--initialMemory', '1'] },
];

function buildWasm() {
  let asc;
  try {
    asc = require.resolve('assemblyscript/bin/asc.js', { paths: [root] });
  } catch {
    console.warn('build-kernels: assemblyscript not installed; WebAssembly kernels not rebuilt');
    return;
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
      execFileSync(process.execPath, [asc, entry, ...flags, '-o', tmp], { stdio: 'inherit' });
    } finally {
      if (generated) fs.rmSync(path.dirname(generated), { recursive: true, force: true });
    }
    fs.renameSync(tmp, target);
    console.log(`build-kernels: ${path.relative(root, target)} (${fs.statSync(target).size} bytes)`);
  }
}

// ---------------------------------------------------------------------------------------------
// Native path (optional): N-API addon from src/kernels/lstm/native with node-gyp (bundled with
// npm), built in a temporary directory and copied to dist/kernels/lstm_native.node. Any failure
// (no compiler, no Node headers offline, not x86-64) is a warning, and removes an addon left by an
// earlier build (e.g. one packed on another machine): the wasm kernel is then used.
// Skip with LSTM_KERNEL_NATIVE=0.
function buildNative() {
  const target = path.join(outDir, 'lstm_native.node');
  const skip = (why) => {
    fs.rmSync(target, { force: true });
    console.warn(`build-kernels: native kernel not built (the WebAssembly kernel will be used): ${why}`);
  };
  if (process.env.LSTM_KERNEL_NATIVE === '0') return skip('LSTM_KERNEL_NATIVE=0');
  if (process.arch !== 'x64') return skip(`needs x86-64, this is ${process.arch}`);
  const gyp =
    process.env.npm_config_node_gyp ||
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!fs.existsSync(gyp)) return skip('node-gyp not found');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-native-'));
  try {
    for (const file of ['binding.gyp', 'lstm.cc']) {
      fs.copyFileSync(path.join(root, 'src', 'kernels', 'lstm', 'native', file), path.join(work, file));
    }
    const prefix = path.resolve(path.dirname(process.execPath), '..');
    const nodedir = fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
    execFileSync(process.execPath, [gyp, 'rebuild', ...nodedir], { cwd: work, stdio: 'pipe', timeout: 120_000 });
    fs.mkdirSync(outDir, { recursive: true });
    fs.copyFileSync(path.join(work, 'build', 'Release', 'lstm_native.node'), `${target}.${process.pid}.tmp`);
    fs.renameSync(`${target}.${process.pid}.tmp`, target);
    console.log(`build-kernels: ${path.relative(root, target)} (${fs.statSync(target).size} bytes)`);
  } catch (error) {
    const lines = String(error.stderr || error.message).trim().split('\n');
    const detail = (lines.filter((l) => /error/i.test(l) && !/^gyp (ERR|info)/.test(l)).slice(0, 2).concat(lines.slice(-1))).join(' | ');
    skip(detail);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
if (wantWasm) buildWasm();
if (wantNative) buildNative();
