/**
 * Training losses as tfjs loss functions `(yTrue, yPred) => perSampleLoss`.
 */
import * as tf from '../tf';
import type { LossName } from './config';

/** Delta of the Huber loss: quadratic below, linear above (Keras' default). */
export const HUBER_DELTA = 1;

/**
 * A loss function of `yTrue` and `yPred` (both `[batch, horizon, numTargets]`) that returns the
 * loss averaged over the last axis, shape `[batch, horizon]`; tfjs-layers then averages the rest,
 * so the reported loss is the mean over samples, horizon steps and targets (as Keras).
 *
 * - `'mse'`: `(yPred - yTrue)^2`;
 * - `'mae'`: `|yPred - yTrue|`;
 * - `'huber'`: `0.5 e^2` for `|e| <= delta`, else `delta (|e| - 0.5 delta)`, delta {@link HUBER_DELTA}.
 *
 * @param name - Which loss.
 * @returns A pure function; the caller owns the returned tensor (call it inside `tf.tidy`).
 * @example
 * const mse = lossFunction('mse');
 * tf.tidy(() => mse(tf.zeros([1, 2, 1]), tf.ones([1, 2, 1])).mean().dataSync()[0]); // => 1
 */
export function lossFunction(name: LossName): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor {
  switch (name) {
    case 'mse':
      return (yTrue, yPred) => tf.tidy(() => tf.mean(tf.square(tf.sub(yPred, yTrue)), -1));
    case 'mae':
      return (yTrue, yPred) => tf.tidy(() => tf.mean(tf.abs(tf.sub(yPred, yTrue)), -1));
    case 'huber':
      return (yTrue, yPred) =>
        tf.tidy(() => {
          const error = tf.abs(tf.sub(yPred, yTrue));
          const quadratic = tf.minimum(error, HUBER_DELTA);
          const linear = tf.sub(error, quadratic);
          return tf.mean(tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(HUBER_DELTA, linear)), -1);
        });
    default: {
      const unknown: never = name;
      throw new Error(`unknown loss ${String(unknown)}`);
    }
  }
}
