import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScript } from '../helpers/runScript';

// The benchmark itself (scripts/bench.ts) is not a timed test: this checks that it runs, what it
// writes, and that it rejects bad arguments. Tiny settings: config S, 0.2 s per measurement.
const work = mkdtempSync(join(tmpdir(), 'bench-test-'));
const bench = (args: readonly string[]) => runScript('bench.ts', args, 240_000);

describe('scripts/bench.ts', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('measures each variant, says which kernel ran, and writes bench.json and bench.md', () => {
    const out = join(work, 'run');
    const r = bench(['--configs', 'S', '--seconds', '0.2', '--warmup-seconds', '0.1', '--rounds', '1',
      '--variants', 'project,project_wasm,tfjs_layers', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8'));
    for (const metric of ['train_sps', 'infer_sps']) {
      for (const variant of ['project', 'project_wasm', 'tfjs_layers']) {
        expect(report.configs.S[metric][variant], `${metric} ${variant}`).toBeGreaterThan(0);
        expect(report.derived.S[metric].variants[variant].gflops).toBeGreaterThan(0);
      }
    }
    expect(report.configs.S.shape).toEqual({ n: 1000, steps: 10, features: 1, units: 10, layers: 1, batch: 50 });
    // S: 2 * T * 4H * (D + H) per sample forward, 3x that for training
    expect(report.derived.S.infer_sps.flops_per_sample).toBe(2 * 10 * 40 * 11);
    expect(report.derived.S.train_sps.flops_per_sample).toBe(3 * 2 * 10 * 40 * 11);
    expect(report.kernels.project_wasm.kernel).toMatchObject({ fused: true, path: 'wasm' });
    expect(report.kernels.tfjs_layers.kernel).toBeNull();
    expect(report.kernels.project.kernel.fused).toBe(true);
    const md = readFileSync(join(out, 'bench.md'), 'utf8');
    expect(md).toContain('| config | metric | project | project_wasm | tfjs_layers | load avg (1 min) |');
    expect(md).toMatch(/\| S \| train_sps \| \d+ \| \d+ \| \d+ \|/);
  }, 240_000);

  it.each([
    [['--configs', 'X'], '--configs: unknown config "X"; expected S, M or L'],
    [['--variants', 'nope'], '--variants: unknown variant "nope"'],
    [['--seconds', '0'], '--seconds must be a positive number, got "0"'],
  ])('rejects %j', (args, message) => {
    const r = bench([...args, '--out', join(work, 'bad')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(message);
  });
});
