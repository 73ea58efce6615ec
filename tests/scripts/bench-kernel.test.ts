import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT as root, runScript } from '../helpers/runScript';

// scripts/bench-kernel.ts is a benchmark, not a timed test: this checks that it runs every kernel
// that loads and prints a positive time and rate for each, and that it rejects bad arguments.
const run = (args: readonly string[]) => runScript('bench-kernel.ts', args, 120_000);

describe('scripts/bench-kernel.ts', () => {
  it('times forward and backward of both config-M layers for each kernel and thread count', () => {
    const r = run(['--rounds', '1']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => / thread\(s\) /.test(l));
    expect(lines.map((l) => l.split(/\s{2,}/)[0]).slice(0, 2)).toEqual(['wasm relaxed, 1 thread(s)', 'wasm relaxed, 2 thread(s)']);
    for (const line of lines) {
      const m = /total ([\d.]+) ms \(([\d.]+) GFLOP\/s\)/.exec(line);
      expect(m, line).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThan(0);
      expect(Number(m![2])).toBeGreaterThan(0);
    }
  });

  it('compares module files given with --wasm', () => {
    const file = join(root, 'dist', 'kernels', 'lstm-relaxed.wasm');
    const r = run(['--rounds', '1', '--wasm', file, file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith(file))).toHaveLength(2);
  });

  it('rejects a bad --rounds', () => {
    const r = run(['--rounds', '0']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--rounds must be a positive integer, got 0');
  });
});
