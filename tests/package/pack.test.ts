import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'lstm-workbench-pack-'));
const app = join(work, 'app');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  files: string[];
};

/**
 * Generous ceiling on the consumer's `node_modules` (measured about 360 MB: @tensorflow/tfjs
 * alone is 286 MB of its packages' bundles). It catches a second TensorFlow.js, libtensorflow or
 * a notebook stack coming back, not small drift; the measured size is printed.
 */
const MAX_INSTALL_MB = 250;

/** Runs `node` in the consumer project; returns stdout's last line. */
function node(args: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(process.execPath, args, { cwd: app, encoding: 'utf8', env }).trim().split('\n').pop()!;
}

/** Every installed copy of a package (nested copies included), as folders relative to the project. */
function installedCopies(name: string, dir = join(app, 'node_modules'), found: string[] = []): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (entry.startsWith('.')) continue;
    const scoped = entry.startsWith('@') ? readdirSync(join(dir, entry)).map((e) => `${entry}/${e}`) : [entry];
    for (const id of scoped) {
      const folder = join(dir, id);
      if (id === name && existsSync(join(folder, 'package.json'))) found.push(folder.slice(app.length + 1));
      installedCopies(name, join(folder, 'node_modules'), found);
    }
  }
  return found;
}

function sizeMb(dir: string): number {
  return Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]) / 1024;
}

/**
 * Installs the `npm pack` tarball into a fresh project exactly as a user would: no `overrides`,
 * only the npm registry (`--prefer-offline` takes what the cache has). Then uses it by package
 * name from CommonJS, ES modules and TypeScript, trains a tiny model, runs the bins, and checks
 * the install-time native kernel build.
 */
describe('npm pack tarball, installed with no overrides', () => {
  let packed: string[] = [];

  beforeAll(() => {
    // `npm test` builds dist/ before vitest; packing without the prepack build avoids rewriting
    // dist/ while other test files (notebooks) import it.
    expect(existsSync(join(root, 'dist', 'index.js')), 'run `npm run build` first').toBe(true);
    const json = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [info] = JSON.parse(json) as { filename: string; files: { path: string }[] }[];
    packed = info!.files.map((f) => f.path);
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    writeFileSync(join(app, 'sine.csv'), `t,y\n${Array.from({ length: 60 }, (_, i) => `${i},${Math.sin(i / 3).toFixed(6)}`).join('\n')}\n`);
    execFileSync(
      'npm',
      ['install', `../${info!.filename}`, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
      { cwd: app, stdio: 'pipe', timeout: 400_000 },
    );
  }, 420_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ships the runtime files: both entry points, the bins, LICENSE, kernel sources and binaries', () => {
    const expected = [
      'LICENSE',
      'README.md',
      'package.json',
      'dist/index.js',
      'dist/index.mjs',
      'dist/index.d.ts',
      'dist/notebook/glue.js',
      'dist/kernels/lstm.wasm',
      'dist/kernels/adam.wasm',
      'scripts/build-kernels.js',
      ...pkg.files.filter((f) => f.startsWith('src/')),
      ...Object.values(pkg.bin).filter((bin) => existsSync(join(root, bin))),
    ];
    for (const file of expected) expect(packed, file).toContain(file);
    // Nothing from the repository's own tooling: no tests, notebooks, TypeScript sources of the library.
    expect(packed.filter((f) => /^(tests|notebooks|shims)\//.test(f) || /^src\/.*(?<!\.d)\.ts$/.test(f) && !pkg.files.includes(f))).toEqual([]);
  });

  it('installs one TensorFlow.js (one @tensorflow/tfjs-core), no libtensorflow, no optional peers', () => {
    expect(installedCopies('@tensorflow/tfjs-core')).toEqual(['node_modules/@tensorflow/tfjs-core']);
    const ls = execFileSync('npm', ['ls', '@tensorflow/tfjs-core', '--all', '--parseable'], { cwd: app, encoding: 'utf8' });
    expect(new Set(ls.trim().split('\n')).size).toBe(1);
    for (const peer of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'danfojs-node', 'tslab', 'xlsx']) {
      expect(installedCopies(peer), peer).toEqual([]);
    }
    const mb = sizeMb(join(app, 'node_modules'));
    console.log(`pack test: consumer node_modules ${mb.toFixed(0)} MB (du -sk), tarball ${packed.length} files`);
    expect(mb).toBeLessThan(MAX_INSTALL_MB);
  });

  it('require (CommonJS): the public API by package name', () => {
    const js = `
      const lib = require('lstm-workbench');
      const s = new lib.StandardScaler().fit([1, 2, 3]);
      console.log(JSON.stringify({
        fns: ['loadCsv', 'parseCsvText', 'splitByFraction', 'makeWindowSet', 'LstmForecaster', 'loadBundle', 'selectBackend', 'mase', 'rollingOriginBacktest']
          .map((k) => typeof lib[k]),
        scaled: Array.from(s.transform([2])),
        version: lib.LIBRARY.version,
      }));`;
    expect(JSON.parse(node(['-e', js]))).toEqual({
      fns: Array(9).fill('function'),
      scaled: [0],
      version: pkg.version,
    });
  });

  it('import (ES module) from a .mjs file: the same names and objects as require', () => {
    writeFileSync(
      join(app, 'esm.mjs'),
      `import { createRequire } from 'node:module';\n` +
        `import lib, * as ns from 'lstm-workbench';\n` +
        `import { loadCsv, LstmForecaster } from 'lstm-workbench';\n` +
        `const cjs = createRequire(import.meta.url)('lstm-workbench');\n` +
        `const names = Object.keys(ns).filter((k) => k !== 'default').sort();\n` +
        `const missing = Object.keys(cjs).filter((k) => !names.includes(k));\n` +
        `console.log(JSON.stringify({ loadCsv: typeof loadCsv, same: lib === cjs && LstmForecaster === cjs.LstmForecaster, missing, count: names.length }));\n`,
    );
    const out = JSON.parse(node(['esm.mjs'])) as { loadCsv: string; same: boolean; missing: string[]; count: number };
    expect(out).toMatchObject({ loadCsv: 'function', same: true, missing: [] });
    expect(out.count).toBeGreaterThan(100);
  });

  it('loadCsv reads a CSV without danfojs-node installed (the DataFrame view is optional)', () => {
    const js = `require('lstm-workbench').loadCsv('sine.csv', { time: 't', targets: ['y'] })
      .then((r) => console.log(JSON.stringify({ rows: r.series.length })))`;
    expect(JSON.parse(node(['-e', js]))).toEqual({ rows: 60 });
  });

  it('deep imports: the notebook glue (as notebooks import it), package.json, any shipped dist file by its path', () => {
    const js = `console.log(JSON.stringify([
      typeof require('lstm-workbench/notebook/glue').glue,
      require('lstm-workbench/dist/notebook/glue') === require('lstm-workbench/notebook/glue'),
      require('lstm-workbench/package.json').version,
      typeof require('lstm-workbench/dist/data/index.js').splitByFraction,
    ]))`;
    expect(JSON.parse(node(['-e', js]))).toEqual(['function', true, pkg.version, 'function']);
  });

  it.each([
    // tslab compiles notebook cells as CommonJS with node10 resolution (no `exports`): `types` and `typesVersions` serve it.
    ['CommonJS, node10 resolution', 'check.ts', ['--module', 'commonjs', '--moduleResolution', 'node']],
    ['ES module, node16 resolution', 'check.mts', ['--module', 'node16', '--moduleResolution', 'node16']],
  ])('TypeScript resolves the declarations (%s)', (_name, file, flags) => {
    writeFileSync(
      join(app, file),
      `import { LstmForecaster, type ForecasterOptions, type TimeSeries } from 'lstm-workbench';\n` +
        `import { glue } from 'lstm-workbench/notebook/glue';\n` +
        `import { readGlue } from 'lstm-workbench/dist/notebook/glue';\n` +
        `const o: ForecasterOptions = { horizon: 3 };\nconst f: typeof LstmForecaster = LstmForecaster;\n` +
        `export const ok: [ForecasterOptions, typeof f, TimeSeries | null, typeof glue, typeof readGlue] = [o, f, null, glue, readGlue];\n`,
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = [tsc, '--noEmit', '--strict', '--esModuleInterop', '--skipLibCheck', '--types', 'node', '--typeRoots', join(root, 'node_modules', '@types'), ...flags, file];
    const run = spawnSync(process.execPath, args, { cwd: app, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('fits a tiny LstmForecaster (60-point sine, 2 epochs) to finite losses and forecasts', () => {
    const js = `
      const lib = require('lstm-workbench');
      const fs = require('node:fs');
      (async () => {
        await lib.selectBackend();
        const series = lib.parseCsvText(fs.readFileSync('sine.csv', 'utf8'), { time: 't', targets: ['y'] });
        const split = lib.splitByFraction(series.length, { valFraction: 0.2, testFraction: 0.2 });
        const f = await lib.LstmForecaster.fit(series, split, { horizon: 2, lookback: 6, model: { epochs: 2, units: 4 } });
        const loss = f.spec.history.loss;
        const next = Array.from(f.forecast(series).values.y);
        f.dispose();
        console.log(JSON.stringify({ epochs: loss.length, finite: [...loss, ...next].every(Number.isFinite), steps: next.length }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    expect(JSON.parse(node(['-e', js]))).toEqual({ epochs: 2, finite: true, steps: 2 });
  });

  it.each(Object.entries(pkg.bin))('bin %s runs --help (and --version where it offers it) with exit 0', (name, target) => {
    expect(existsSync(join(app, 'node_modules', 'lstm-workbench', target)), `${target} is in the package`).toBe(true);
    const bin = join(app, 'node_modules', '.bin', name);
    expect(existsSync(bin), `${name} linked into node_modules/.bin`).toBe(true);
    const help = spawnSync(bin, ['--help'], { cwd: app, encoding: 'utf8' });
    expect(help.stderr).toBe('');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage:/);
    if (name === 'forecast') expect(help.stdout).toContain('--version');
    if (/--version/.test(help.stdout)) {
      const version = spawnSync(bin, ['--version'], { cwd: app, encoding: 'utf8' });
      expect(version.status).toBe(0);
      expect(version.stdout).toContain(pkg.version);
    } else {
      console.log(`pack test: bin ${name} has no --version option`);
    }
  });

  it('native kernel compiled at install time; without a C++ compiler the WebAssembly kernels run', () => {
    // The native kernel is compiled on the installing machine (the package's `install` script),
    // and the library picks it; without a C++ compiler the install still succeeds, the addon is
    // gone (not the packer's build) and the portable WebAssembly kernel runs.
    const kernelPath = () => node(['-e', `console.log(require('lstm-workbench').kernels.loadLstmKernel()?.info.path ?? 'none')`]);
    const addon = join(app, 'node_modules', 'lstm-workbench', 'dist', 'kernels', 'lstm_native.node');
    const hasCompiler = spawnSync('g++', ['--version'], { stdio: 'pipe' }).status === 0;
    if (hasCompiler) {
      expect(statSync(addon).isFile()).toBe(true);
      expect(kernelPath()).toBe('native');
    }
    execFileSync('npm', ['rebuild', 'lstm-workbench', '--loglevel=error'], {
      cwd: app,
      stdio: 'pipe',
      env: { ...process.env, CXX: '/bin/false' },
      timeout: 120_000,
    });
    expect(existsSync(addon)).toBe(false);
    expect(kernelPath()).toBe('wasm');
    // the Adam kernel (dist/kernels/adam.wasm) ships in the tarball and loads in the consumer
    expect(node(['-e', `const { FusedAdam } = require('lstm-workbench'); console.log(new FusedAdam(0.01, { epsilon: 1e-7 }).kernelPath)`])).toBe('wasm');
  });
});
