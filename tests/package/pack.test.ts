import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'lstm-workbench-pack-'));

/**
 * Installs the `npm pack` tarball into a fresh project (as a user would) and imports it by name,
 * from JavaScript and from TypeScript (declarations must resolve).
 */
describe('npm pack tarball', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('installs into another project and is importable by package name with types', () => {
    // `npm test` builds dist/ before vitest; packing without the prepack build avoids rewriting
    // dist/ while other test files (notebooks) import it.
    expect(existsSync(join(root, 'dist', 'index.js')), 'run `npm run build` first').toBe(true);
    execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', work], { cwd: root, stdio: 'pipe' });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    expect(tarball).toMatch(/^lstm-workbench-\d+\.\d+\.\d+\.tgz$/);
    const app = join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        dependencies: { 'lstm-workbench': `file:../${tarball}` },
        // Offline machines only (see README): danfojs-node wants tfjs-node, which downloads libtensorflow.
        overrides: {
          xlsx: '0.18.5',
          'danfojs-node': { '@tensorflow/tfjs-node': `file:${join(root, 'shims', 'tfjs-node')}` },
        },
      }),
    );
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: app,
      stdio: 'pipe',
      timeout: 300_000,
    });
    const js = `
      const lib = require('lstm-workbench');
      const s = new lib.StandardScaler().fit([1, 2, 3]);
      console.log(JSON.stringify({
        fns: ['loadCsv', 'splitByFraction', 'makeWindowSet', 'LstmForecaster', 'loadBundle', 'selectBackend', 'mase', 'rollingOriginBacktest']
          .map((k) => typeof lib[k]),
        scaled: Array.from(s.transform([2])),
      }));`;
    const out = execFileSync('node', ['-e', js], { cwd: app, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({
      fns: ['function', 'function', 'function', 'function', 'function', 'function', 'function', 'function'],
      scaled: [0],
    });
    // The native kernel is compiled on the installing machine (the package's `install` script),
    // and the library picks it; without a C++ compiler the install still succeeds, the addon is
    // gone (not the packer's build) and the portable WebAssembly kernel runs.
    const kernelPath = () =>
      execFileSync('node', ['-e', `console.log(require('lstm-workbench').kernels.loadLstmKernel()?.info.path ?? 'none')`], {
        cwd: app,
        encoding: 'utf8',
      }).trim();
    const addon = join(app, 'node_modules', 'lstm-workbench', 'dist', 'kernels', 'lstm_native.node');
    const hasCompiler = (() => {
      try {
        execFileSync('g++', ['--version'], { stdio: 'pipe' });
        return true;
      } catch {
        return false;
      }
    })();
    if (hasCompiler) {
      expect(existsSync(addon)).toBe(true);
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
    const adamPath = execFileSync('node', ['-e', `const { FusedAdam } = require('lstm-workbench'); console.log(new FusedAdam(0.01, { epsilon: 1e-7 }).kernelPath)`], {
      cwd: app,
      encoding: 'utf8',
    }).trim();
    expect(adamPath).toBe('wasm');
    writeFileSync(
      join(app, 'check.ts'),
      `import { LstmForecaster, type ForecasterOptions, type TimeSeries } from 'lstm-workbench';\n` +
        `const o: ForecasterOptions = { horizon: 3 };\nconst f: typeof LstmForecaster = LstmForecaster;\n` +
        `export const ok: [ForecasterOptions, typeof f, TimeSeries | null] = [o, f, null];\n`,
    );
    execFileSync(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--esModuleInterop', '--skipLibCheck', 'check.ts'],
      { cwd: app, stdio: 'pipe' },
    );
  });
});
