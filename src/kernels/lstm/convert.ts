/**
 * Converting Sequential models between the stock tfjs LSTM layer and {@link FusedLstm}. Both
 * layers share config and weights, so a conversion is a rebuild plus a weight copy.
 */
import * as tf from '../../tf';
import { InputError } from '../../errors';
import { FUSED_LSTM_CLASS_NAME, FusedLstm } from './fusedLayer';

const STOCK_LSTM_CLASS_NAME = 'LSTM';

type LayerClass = {
  fromConfig(cls: LayerClass, config: tf.serialization.ConfigDict): tf.layers.Layer;
};

/**
 * Returns a copy of a Sequential model whose `LSTM` layers are {@link FusedLstm} layers with the
 * same config, names and weights (other layers are copied as they are).
 *
 * Porting note: like a tfjs save/load round trip, the copy loses what `getConfig` does not
 * serialise: a custom `dropoutFunc` (tfjs' unseeded dropout is used instead), the compiled loss
 * and optimiser state. Compile the copy before training it.
 *
 * @param model - A `tf.Sequential`; not modified, still owned by the caller.
 * @returns A new, uncompiled model the caller owns (`dispose()` it).
 * @throws InputError when `model` is not a `tf.Sequential`.
 * @example
 * const fused = toFusedModel(buildLstmModel(config, shape));
 * compileLstmModel(fused, config);
 */
export function toFusedModel(model: tf.Sequential): tf.Sequential {
  return convert(model, STOCK_LSTM_CLASS_NAME, FusedLstm as unknown as LayerClass);
}

/**
 * Returns a copy of a Sequential model whose {@link FusedLstm} layers are stock tfjs `LSTM`
 * layers (same config, names and weights), e.g. to save a model loadable without this module.
 *
 * @param model - A `tf.Sequential`; not modified, still owned by the caller.
 * @returns A new, uncompiled model the caller owns.
 * @throws InputError when `model` is not a `tf.Sequential`.
 * @example
 * await saveModelToDir(toStockModel(fused), dir);
 */
export function toStockModel(model: tf.Sequential): tf.Sequential {
  const stock = Object.getPrototypeOf(FusedLstm.prototype).constructor as LayerClass;
  return convert(model, FUSED_LSTM_CLASS_NAME, stock);
}

function convert(model: tf.Sequential, from: string, to: LayerClass): tf.Sequential {
  if (!(model instanceof tf.Sequential)) {
    throw new InputError(`model must be a tf.Sequential, got ${describe(model)}`, { argument: 'model' });
  }
  const copy = tf.sequential({ name: model.name });
  try {
    for (const layer of model.layers) {
      const cls = layer.getClassName() === from ? to : (layer.constructor as unknown as LayerClass);
      copy.add(cls.fromConfig(cls, layer.getConfig()));
    }
    copy.setWeights(model.getWeights());
  } catch (error) {
    copy.dispose();
    throw error;
  }
  return copy;
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
}
