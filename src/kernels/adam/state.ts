/**
 * The Adam kernel's interface, and its plain-JavaScript implementation (the fallback where
 * `adam.wasm` does not load, and the reference the WebAssembly kernel is tested against).
 */

/** Step constants, each a float32 value (see {@link adamScalars}). */
export interface AdamScalars {
  /** beta1 and beta2. */
  readonly b1: number;
  readonly b2: number;
  /** 1 - beta1 and 1 - beta2. */
  readonly c1: number;
  readonly c2: number;
  /** 1 - beta1^t and 1 - beta2^t (t counted as tfjs does). */
  readonly oneMinusAcc1: number;
  readonly oneMinusAcc2: number;
  /** epsilon and -learningRate. */
  readonly eps: number;
  readonly negLr: number;
}

const f = Math.fround;

/**
 * The float32 constants of one step, rounded as tfjs rounds them (each JS number becomes a float32
 * scalar tensor; 1 - beta^t is computed from the float32 beta^t).
 *
 * @param hyper - learningRate, beta1, beta2, epsilon, and the float32 products beta1^t, beta2^t.
 * @example
 * adamScalars({ learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, accBeta1: 0.9, accBeta2: 0.999 });
 */
export function adamScalars(hyper: {
  readonly learningRate: number; readonly beta1: number; readonly beta2: number; readonly epsilon: number;
  readonly accBeta1: number; readonly accBeta2: number;
}): AdamScalars {
  return {
    b1: f(hyper.beta1), b2: f(hyper.beta2), c1: f(1 - hyper.beta1), c2: f(1 - hyper.beta2),
    oneMinusAcc1: f(1 - hyper.accBeta1), oneMinusAcc2: f(1 - hyper.accBeta2),
    eps: f(hyper.epsilon), negLr: f(-hyper.learningRate),
  };
}

/**
 * First and second moments of a set of variables, and the Adam update of each. Implemented in
 * WebAssembly SIMD (`wasm.ts`) and plain JavaScript ({@link AdamJsState}), with identical results.
 */
export interface AdamState {
  /** `'wasm'` or `'js'`. */
  readonly path: 'wasm' | 'js';
  /** Adds a variable of `size` values with zero moments; returns its index. */
  add(size: number): number;
  /**
   * One Adam step of variable `index`: updates its moments and returns the new values of the
   * variable. `gradient` and `value` are only read during the call (views of a tfjs heap are
   * fine); the result is kernel memory, valid until the next call on this state.
   * @throws RangeError when an array's length differs from the variable's size.
   */
  step(index: number, gradient: Float32Array, value: Float32Array, scalars: AdamScalars): Float32Array;
  /** Copies of variable `index`'s moments. */
  moments(index: number): { readonly m: Float32Array; readonly v: Float32Array };
  /** Replaces variable `index`'s moments (copied in). @throws RangeError on a length mismatch. */
  setMoments(index: number, m: ArrayLike<number>, v: ArrayLike<number>): void;
}

/** Checks that `array` has the variable's `size`. @throws RangeError naming the array. */
export function checkSize(name: string, array: ArrayLike<number>, size: number): void {
  if (array.length !== size) throw new RangeError(`${name} has ${array.length} values, the variable ${size}`);
}

/**
 * {@link AdamState} in plain JavaScript: every operation rounded to float32 (`Math.fround`) in
 * tfjs' order. About 15 ns per value (the WebAssembly kernel: ~1 ns).
 */
export class AdamJsState implements AdamState {
  readonly path = 'js' as const;
  private readonly slots: Array<{ m: Float32Array; v: Float32Array; out: Float32Array }> = [];

  add(size: number): number {
    this.slots.push({ m: new Float32Array(size), v: new Float32Array(size), out: new Float32Array(size) });
    return this.slots.length - 1;
  }

  step(index: number, gradient: Float32Array, value: Float32Array, s: AdamScalars): Float32Array {
    const { m, v, out } = this.slots[index];
    checkSize('gradient', gradient, m.length);
    checkSize('value', value, m.length);
    for (let i = 0; i < out.length; i++) {
      const g = gradient[i];
      const mi = f(f(m[i] * s.b1) + f(g * s.c1));
      const vi = f(f(v[i] * s.b2) + f(f(g * g) * s.c2));
      m[i] = mi;
      v[i] = vi;
      const update = f(f(mi / s.oneMinusAcc1) / f(f(Math.sqrt(f(vi / s.oneMinusAcc2))) + s.eps));
      out[i] = f(f(update * s.negLr) + value[i]);
    }
    return out;
  }

  moments(index: number): { m: Float32Array; v: Float32Array } {
    const { m, v } = this.slots[index];
    return { m: m.slice(), v: v.slice() };
  }

  setMoments(index: number, m: ArrayLike<number>, v: ArrayLike<number>): void {
    const slot = this.slots[index];
    checkSize('m', m, slot.m.length);
    checkSize('v', v, slot.v.length);
    slot.m.set(m);
    slot.v.set(v);
  }
}
