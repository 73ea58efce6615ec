/**
 * Optimiser construction and learning-rate access. tfjs has no public learning-rate setter on
 * most optimisers (and no ReduceLROnPlateau), so the scheduler in `train.ts` goes through here.
 */
import * as tf from '../tf';
import type { OptimizerName } from './config';
import { FusedAdam } from './adam';
import { positiveFinite } from '../validate';

/**
 * Creates a tfjs optimiser with tfjs' default hyper-parameters apart from the learning rate
 * (Adam: beta1 0.9, beta2 0.999, epsilon from the backend; RMSProp: decay 0.9, no momentum).
 * Adam is {@link FusedAdam}: tfjs' update rule with bit-identical results, one kernel call per
 * variable instead of ~15 tensor ops.
 *
 * @param name - Optimiser kind.
 * @param learningRate - Initial learning rate, positive and finite.
 * @returns A new optimiser; whoever compiles a model with it owns it (the model disposes it).
 * @throws InputError when `learningRate` is not a positive finite number.
 * @example
 * const adam = createOptimizer('adam', 1e-3);
 */
export function createOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  positiveFinite('learningRate', learningRate);
  switch (name) {
    case 'adam':
      return new FusedAdam(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
    case 'sgd':
      return tf.train.sgd(learningRate);
    default: {
      const unknown: never = name;
      throw new Error(`unknown optimizer ${String(unknown)}`);
    }
  }
}

interface WithLearningRate {
  learningRate?: unknown;
  setLearningRate?: (learningRate: number) => void;
}

/**
 * Reads an optimiser's current learning rate.
 *
 * @param optimizer - A tfjs optimiser with a numeric `learningRate` (all built-in ones).
 * @returns The learning rate used by the next update.
 * @throws Error when the optimiser has no numeric learning rate.
 * @example
 * getLearningRate(tf.train.adam(0.01)); // => 0.01
 */
export function getLearningRate(optimizer: tf.Optimizer): number {
  const value = (optimizer as unknown as WithLearningRate).learningRate;
  if (typeof value !== 'number') {
    throw new Error(`optimizer ${optimizer.getClassName()} has no numeric learningRate`);
  }
  return value;
}

/**
 * Sets the learning rate used by an optimiser's next updates.
 *
 * Adam, Adamax, RMSProp, Adagrad, Adadelta and Momentum read `this.learningRate` on every update, so
 * assigning it is enough; SGD caches it in a scalar tensor and has `setLearningRate`, which is
 * used where present. (Tested: the update size scales with the new rate for adam, rmsprop, sgd.)
 *
 * @param optimizer - The optimiser to modify (mutated in place).
 * @param learningRate - New rate, positive and finite.
 * @throws InputError when `learningRate` is invalid; Error when the optimiser has no learning rate.
 * @example
 * setLearningRate(model.optimizer, 1e-4);
 * getLearningRate(model.optimizer); // => 0.0001
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  positiveFinite('learningRate', learningRate);
  getLearningRate(optimizer); // throws for optimisers without a numeric rate
  const target = optimizer as unknown as WithLearningRate;
  if (typeof target.setLearningRate === 'function') {
    target.setLearningRate(learningRate);
  } else {
    target.learningRate = learningRate;
  }
}
