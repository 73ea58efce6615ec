/**
 * Adam with one kernel call per variable per step (`src/kernels/adam`: WebAssembly SIMD, or plain
 * JavaScript where the kernel does not load) instead of tfjs' ~15 tensor ops per variable, each a
 * backend call and an allocation: on the benchmark's config M, tfjs' Adam took 0.75-1.1 ms per
 * step on the wasm backend, this one ~0.1 ms.
 *
 * Porting note: every operation is an IEEE float32 operation in the order tfjs' `AdamOptimizer`
 * applies its tensor ops, so the updated weights are bit-identical to `tf.train.adam` on the cpu
 * and wasm backends, and a seeded training run gives the same loss history with either optimiser
 * (tested). The class serialises as `Adam` with tfjs' config and weight layout, so saved optimiser
 * state loads into `tf.train.adam` and back.
 */
import * as tf from '../tf';
import { InputError } from '../errors';
import { adamScalars, createAdamState, type AdamState } from '../kernels/adam';
import { heapBackendActive, valuesNow } from '../kernels/tensorData';

/** A tensor with its name (tfjs-core's `NamedTensor`, not re-exported by `@tensorflow/tfjs`). */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** Options of {@link FusedAdam}; defaults are tfjs' `tf.train.adam` defaults. */
export interface FusedAdamOptions {
  /** Exponential decay of the first moment. @defaultValue 0.9 */
  readonly beta1?: number;
  /** Exponential decay of the second moment. @defaultValue 0.999 */
  readonly beta2?: number;
  /** Added to the root of the second moment; `null` uses the backend's epsilon (1e-7 in float32). @defaultValue null */
  readonly epsilon?: number | null;
  /** `'auto'`: the WebAssembly kernel where it loads, else JavaScript; `'js'`: JavaScript (same results, slower). @defaultValue 'auto' */
  readonly kernel?: 'auto' | 'js';
}

const f = Math.fround;

/**
 * Adam optimiser (Kingma & Ba 2015) with tfjs' update rule and defaults, computed in one loop per
 * variable. A drop-in for `tf.train.adam` (`model.compile({ optimizer: new FusedAdam(1e-3) })`);
 * `learningRate` may be reassigned between steps (the library's scheduler does).
 *
 * @example
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * model.compile({ optimizer: new FusedAdam(0.01), loss: 'meanSquaredError' });
 */
export class FusedAdam extends tf.Optimizer {
  /** Serialised as tfjs' (and Keras') `Adam`: same config keys and weight layout. @nocollapse */
  static className = 'Adam';

  /** Step size. */
  learningRate: number;
  /** Decay of the first moment, in [0, 1). */
  readonly beta1: number;
  /** Decay of the second moment, in [0, 1). */
  readonly beta2: number;
  /** Added to sqrt(second moment). */
  readonly epsilon: number;
  /** beta1^t and beta2^t in float32, as tfjs keeps them. */
  private accBeta1: number;
  private accBeta2: number;
  /** The moments of every variable seen, in the order first seen (tfjs' weight order). */
  private state: AdamState;
  /** State index of each variable name; insertion order is the state's order. */
  private readonly indexOf = new Map<string, number>();
  /** Tensors handed out by the last {@link getWeights}; disposed with the optimiser. */
  private exported: tf.Tensor[] = [];

  /**
   * @param learningRate - Positive, finite step size.
   * @param options - beta1, beta2, epsilon; see {@link FusedAdamOptions}.
   * @throws InputError naming the argument when a value is out of range.
   */
  constructor(learningRate: number, options: FusedAdamOptions = {}) {
    super();
    const { beta1 = 0.9, beta2 = 0.999, epsilon = null, kernel = 'auto' } = options;
    if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate <= 0) {
      throw new InputError(`learningRate must be a positive finite number, got ${String(learningRate)}`, { argument: 'learningRate', value: learningRate });
    }
    for (const [key, value] of [['beta1', beta1], ['beta2', beta2]] as const) {
      if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
        throw new InputError(`options.${key} must be a number in [0, 1), got ${String(value)}`, { argument: `options.${key}`, value });
      }
    }
    if (kernel !== 'auto' && kernel !== 'js') {
      throw new InputError(`options.kernel must be "auto" or "js", got ${JSON.stringify(kernel)}`, { argument: 'options.kernel', value: kernel });
    }
    if (epsilon !== null && (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0)) {
      throw new InputError(`options.epsilon must be a non-negative finite number or null, got ${String(epsilon)}`, { argument: 'options.epsilon', value: epsilon });
    }
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon ?? tf.backend().epsilon();
    this.accBeta1 = f(beta1);
    this.accBeta2 = f(beta2);
    this.state = createAdamState(kernel);
  }

  /**
   * One Adam step for each variable with a gradient.
   * @param variableGradients - Gradients by variable name (as `minimize` passes them); not modified.
   * @throws Error when a name is not a registered variable or a gradient's size differs from it.
   */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries: Array<[string, tf.Tensor | null | undefined]> = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const scalars = adamScalars({
      learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon,
      accBeta1: this.accBeta1, accBeta2: this.accBeta2,
    });
    const variables = tf.engine().registeredVariables;
    // On tfjs-backend-wasm, heap views in and kernel memory out (tf.tensor copies it into the
    // heap); elsewhere the tensor keeps the array it is given, so it gets a copy.
    const copies = heapBackendActive();
    for (const [name, gradient] of entries) {
      const variable = variables[name];
      if (variable === undefined) throw new Error(`FusedAdam: no variable named ${JSON.stringify(name)}`);
      const index = this.slotOf(name, variable.size);
      if (gradient == null) continue;
      if (gradient.size !== variable.size) {
        throw new Error(`FusedAdam: gradient of ${name} has ${gradient.size} values, the variable ${variable.size}`);
      }
      const out = this.state.step(index, valuesNow(gradient), valuesNow(variable), scalars);
      tf.tidy(() => variable.assign(tf.tensor(copies ? out : out.slice(), variable.shape, 'float32')));
    }
    this.accBeta1 = f(this.accBeta1 * f(this.beta1));
    this.accBeta2 = f(this.accBeta2 * f(this.beta2));
    this.incrementIterations();
  }

  /** The state index of variable `name` (created with zero moments on first sight). */
  private slotOf(name: string, size: number): number {
    let index = this.indexOf.get(name);
    if (index === undefined) {
      index = this.state.add(size);
      this.indexOf.set(name, index);
    }
    return index;
  }

  /** Which implementation updates the weights: `'wasm'` (adam.wasm) or `'js'`. */
  get kernelPath(): 'wasm' | 'js' {
    return this.state.path;
  }

  /** Frees the tensors returned by {@link getWeights}. */
  override dispose(): void {
    tf.dispose(this.exported);
    this.exported = [];
  }

  /**
   * The optimiser state in tfjs' `Adam` layout: `iter`, then every `<variable>/m`, then every
   * `<variable>/v`. The tensors stay owned by the optimiser (freed on the next call or `dispose`).
   */
  override async getWeights(): Promise<NamedTensor[]> {
    tf.dispose(this.exported);
    const iter = await this.saveIterations();
    const moments = [...this.indexOf].map(([name, i]) => ({ name, ...this.state.moments(i) }));
    const weights: NamedTensor[] = [
      iter,
      ...moments.map(({ name, m }) => ({ name: `${name}/m`, tensor: tf.tensor(m) })),
      ...moments.map(({ name, v }) => ({ name: `${name}/v`, tensor: tf.tensor(v) })),
    ];
    this.exported = weights.map((w) => w.tensor);
    return weights;
  }

  /**
   * Restores state saved by {@link getWeights} or by tfjs' `Adam`.
   * @throws Error when the moments are not `<name>/m` ... then `<name>/v` in the same order.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    if (rest.length % 2 !== 0) throw new Error(`FusedAdam.setWeights: expected pairs of moments, got ${rest.length} tensors`);
    const half = rest.length / 2;
    const pairs: Array<{ name: string; m: Float32Array; v: Float32Array }> = [];
    for (let i = 0; i < half; i++) {
      const first = rest[i];
      const second = rest[half + i];
      const name = first.name.replace(/\/m$/, '');
      if (first.name !== `${name}/m` || second.name !== `${name}/v` || first.tensor.size !== second.tensor.size) {
        throw new Error(`FusedAdam.setWeights: expected ${name}/m and ${name}/v of one size, got ${first.name} and ${second.name}`);
      }
      pairs.push({ name, m: first.tensor.dataSync() as Float32Array, v: second.tensor.dataSync() as Float32Array });
    }
    this.state = createAdamState(this.state.path === 'js' ? 'js' : 'auto');
    this.indexOf.clear();
    for (const { name, m, v } of pairs) this.state.setMoments(this.slotOf(name, m.length), m, v);
    // tfjs' rule: beta^(iterations + 1), in float32
    this.accBeta1 = f(Math.pow(f(this.beta1), this.iterations + 1));
    this.accBeta2 = f(Math.pow(f(this.beta2), this.iterations + 1));
  }

  /** tfjs' Adam config keys. */
  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  /** @nocollapse */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const Ctor = cls as unknown as new (lr: number, options: FusedAdamOptions) => T;
    return new Ctor(config.learningRate as number, {
      beta1: config.beta1 as number,
      beta2: config.beta2 as number,
      epsilon: config.epsilon as number | null,
    });
  }
}
