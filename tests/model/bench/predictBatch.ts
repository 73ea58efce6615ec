/**
 * Inference time of one backtest-sized call by batch size, and whether the forecasts differ.
 * Not a test (not matched by vitest's *.test.ts). Run:
 *
 *   npx ts-node --transpile-only tests/model/bench/predictBatch.ts [windows]
 *
 * Config: lookback 48, 1 feature, horizon 24, 1 target, the default network on the fused kernel,
 * random inputs; each batch size timed twice.
 */
import { selectBackend } from '../../../src/backend/select';
import { resolveLstmConfig } from '../../../src/model/config';
import { buildLstmModel } from '../../../src/model/lstm';
import { predictWindows } from '../../../src/model/predict';

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 20_000);
  await selectBackend({ backend: 'auto' });
  const shape = { lookback: 48, numFeatures: 1, horizon: 24, numTargets: 1 };
  const model = buildLstmModel(resolveLstmConfig({ kernel: 'fused' }), shape);
  const x = new Float32Array(count * shape.lookback).map(() => Math.random());
  const reference = predictWindows(model, x, count, shape, { batchSize: 256 });
  for (const batchSize of [256, 1024, 4096, 256, 1024, 4096]) {
    const t0 = Date.now();
    const out = predictWindows(model, x, count, shape, { batchSize });
    const differing = out.reduce((n, v, i) => n + (v === reference[i] ? 0 : 1), 0);
    console.log(`batch ${batchSize}: ${((Date.now() - t0) / 1000).toFixed(2)} s for ${count} windows, ${differing} values differ from batch 256`);
  }
  model.dispose();
}

main();
