/**
 * Training/inference throughput of the default forecaster on the cpu and wasm backends.
 * Not a test (not matched by vitest's *.test.ts). Run:
 *
 *   npx ts-node --transpile-only tests/model/bench/throughput.ts [samples] [epochs]
 *
 * Config: lookback 24, 1 feature, horizon 1, 1 target, 1 LSTM layer of 64 units, batch 32, Adam.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { resolveLstmConfig } from '../../../src/model/config';
import { buildLstmModel } from '../../../src/model/lstm';
import { predictSet } from '../../../src/model/predict';
import { trainModel } from '../../../src/model/train';
import { sineSet } from '../fixtures';

async function main(): Promise<void> {
  const samples = Number(process.argv[2] ?? 2048);
  const epochs = Number(process.argv[3] ?? 2);
  const shape = { lookback: 24, numFeatures: 1, horizon: 1, numTargets: 1 };
  const set = sineSet(samples, shape.lookback, shape.horizon, 0, 50);
  for (const backend of ['cpu', 'wasm']) {
    if (!(await tf.setBackend(backend))) throw new Error(`setBackend(${backend}) failed`);
    const model = buildLstmModel(resolveLstmConfig({ units: 64, layers: 1, batchSize: 32 }), shape);
    await trainModel(model, sineSet(256, 24, 1, 0, 50), undefined, { epochs: 1, batchSize: 32, seed: 1 }); // warm-up
    const history = await trainModel(model, set, undefined, { epochs, batchSize: 32, seed: 1 });
    const start = performance.now();
    predictSet(model, set, { batchSize: 256 });
    const inference = samples / ((performance.now() - start) / 1000);
    console.log(
      `${backend}: train ${history.samplesPerSecond.toFixed(0)} samples/s ` +
        `(${samples} samples x ${epochs} epochs in ${history.seconds.toFixed(1)} s), ` +
        `predict ${inference.toFixed(0)} samples/s`,
    );
    model.dispose();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
