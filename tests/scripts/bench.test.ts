import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScript } from '../helpers/runScript';

// The benchmark itself (scripts/bench.ts) is not a timed test: this checks that it runs, what it
// writes, and that it rejects bad arguments. Tiny settings: config S, 0.2 s per measurement; the
// panel config with 20 series x 120 rows.
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

  it('runs the panel config alone: global vs single-series vs PyTorch on the same windows, and peak RSS against the raw data', () => {
    const out = join(work, 'panel');
    // 20 series x 120 rows; each: 24 test, 12 validation, 84 training rows, so 84 - 10 = 74 windows (lookback 10, horizon 1)
    // warm-up and measurement longer than an epoch: epoch 1 warms up, epoch 2 (the cap) is measured whole, however loaded the machine
    const r = bench(['--configs', 'panel', '--panel-series', '20', '--panel-rows', '120', '--seconds', '5', '--warmup-seconds', '5',
      '--rounds', '1', '--variants', 'project,pytorch', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8'));
    expect(Object.keys(report.configs)).toEqual(['panel']);
    const panel = report.configs.panel;
    const rawMb = (20 * 120 * 8) / 2 ** 20;
    expect(panel.shape).toEqual({
      series: 20, rows: 120, raw_mb: rawMb, lookback: 10, horizon: 1, features: 1, units: 10, layers: 1, batch: 50,
      train_windows: 20 * 74, epochs_max: 2, season: 24, split: { valFraction: 0.1, testFraction: 0.2 }, target_transform: 'none', seed: 1,
    });
    for (const variant of ['global', 'single']) {
      expect(panel.train_sps[variant], variant).toBeGreaterThan(0);
      expect(panel.max_rss_mb[variant], variant).toBeGreaterThan(0);
      expect(panel.runs[variant][0].measured, variant).toMatchObject({ samples: 20 * 74 });
      expect(panel.runs[variant][0].kernel.kernel, variant).toBe('fused');
    }
    const derived = report.derived.panel;
    expect(derived.global_vs_single).toBeCloseTo(panel.train_sps.global / panel.train_sps.single, 10);
    // one round: the paired ratio is the ratio of the medians
    expect(derived.global_vs_single_per_round).toHaveLength(1);
    expect(derived.global_vs_single_per_round[0]).toBeCloseTo(derived.global_vs_single, 10);
    expect(derived.global_vs_single_paired_median).toBeCloseTo(derived.global_vs_single, 10);
    expect(derived.rss_budget_mb).toBeCloseTo(4 * rawMb + 500, 10);
    expect(derived.targets).toEqual([
      { metric: 'train_sps', what: 'global >= 0.8x single', value: derived.global_vs_single, target: 0.8, met: derived.global_vs_single >= 0.8 },
      { metric: 'max_rss_mb', what: 'global < 4x raw + 500 MiB', value: panel.max_rss_mb.global, target: derived.rss_budget_mb, met: panel.max_rss_mb.global < derived.rss_budget_mb },
    ]);
    const md = readFileSync(join(out, 'bench.md'), 'utf8');
    expect(md).not.toContain('GFLOP/s');
    expect(md).toContain('Panel: 20 series x 120 rows (raw 0.02 MiB as float64), 1480 training windows; lookback 10, horizon 1, 10 units');
    expect(md).toMatch(/\| panel train_sps global >= 0\.8x single \| \d+\.\d\dx \| (yes|no) \|/);
    expect(md).toMatch(/global \/ single per round \(each global run over the single run beside it\): \d+\.\d\dx \(median \d+\.\d\dx\)\./);
    if (typeof report.pytorch === 'string') {
      // no python3-torch here: the table says so instead of a pytorch column
      expect(md).toContain('| config | metric | global | single | global / single | global / pytorch | load avg (1 min) |');
      expect(md).toContain(`panel pytorch: unavailable (${report.pytorch})`);
    } else {
      expect(panel.train_sps.pytorch).toBeGreaterThan(0);
      expect(derived.global_vs_pytorch).toBeCloseTo(panel.train_sps.global / panel.train_sps.pytorch, 10);
      expect(md).toContain('| config | metric | global | single | pytorch | global / single | global / pytorch | load avg (1 min) |');
      expect(md).toMatch(/\| panel \| train_sps \| \d+ \| \d+ \| \d+ \| \d+\.\d\dx \| \d+\.\d\dx \|/);
    }
  }, 240_000);

  it.each([
    [['--configs', 'X'], '--configs: unknown config "X"; expected S, M, L or panel'],
    [['--configs', 'panel', '--panel-series', '0'], '--panel-series must be a positive integer, got "0"'],
    // 15 rows: 3 test, 2 validation, 10 training rows; a window needs lookback 10 + horizon 1
    [['--configs', 'panel', '--panel-rows', '15', '--panel-series', '2'], '--panel-rows 15 leaves series s0 10 training rows, too few for lookback 10 and horizon 1'],
    [['--variants', 'nope'], '--variants: unknown variant "nope"'],
    [['--seconds', '0'], '--seconds must be a positive number, got "0"'],
  ])('rejects %j', (args, message) => {
    const r = bench([...args, '--out', join(work, 'bad')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(message);
  });
});
