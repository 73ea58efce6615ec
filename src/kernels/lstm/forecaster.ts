/**
 * Opt-in fused variant of the project's forecaster (`buildLstmModel`).
 */
import type * as tf from '@tensorflow/tfjs';
import { InputError, describeValue } from '../../errors';
import type { LstmConfig } from '../../model/config';
import { buildLstmModel, compileLstmModel, type ModelShape } from '../../model/lstm';
import { toFusedModel } from './convert';
import { loadLstmKernel } from './kernel';

/** Which LSTM implementation {@link buildForecasterWithKernel} uses. */
export type LstmKernelName = 'stock' | 'fused';

/**
 * Builds the same network, initial weights and compilation as `buildLstmModel`, with
 * {@link FusedLstm} layers when `kernel` is `'fused'`.
 *
 * Falls back to the stock model (exactly `buildLstmModel`'s) when the fused kernel cannot help:
 * no fused kernel loads (see `loadLstmKernel`), or `config.dropout` / `config.recurrentDropout` > 0 (the fused
 * kernel has no dropout; the stock path keeps the seeded dropout masks).
 *
 * @param config - A resolved configuration (see `resolveLstmConfig`).
 * @param shape - Input and output dimensions.
 * @param kernel - `'fused'` (default) or `'stock'`.
 * @returns A new compiled model the caller owns.
 * @throws InputError as `buildLstmModel`, or when `kernel` is not `'stock'` or `'fused'`.
 * @example
 * const net = buildForecasterWithKernel(resolveLstmConfig({ units: 32 }),
 *   { lookback: 24, numFeatures: 1, horizon: 6, numTargets: 1 });
 * net.dispose();
 */
export function buildForecasterWithKernel(
  config: LstmConfig,
  shape: ModelShape,
  kernel: LstmKernelName = 'fused',
): tf.LayersModel {
  if (kernel !== 'stock' && kernel !== 'fused') {
    throw new InputError(`kernel must be "stock" or "fused", got ${describeValue(kernel)}`, {
      argument: 'kernel',
      value: kernel,
    });
  }
  const stock = buildLstmModel(config, shape);
  if (
    kernel === 'stock' ||
    config.dropout > 0 ||
    config.recurrentDropout > 0 ||
    loadLstmKernel() === null
  ) {
    return stock;
  }
  try {
    const fused = toFusedModel(stock as tf.Sequential);
    compileLstmModel(fused, config);
    return fused;
  } finally {
    stock.dispose();
  }
}
