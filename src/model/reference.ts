/**
 * The LSTM forward pass written out step by step, in float64, from the equations (Hochreiter &
 * Schmidhuber 1997, with the forget gate of Gers et al. 2000; the Keras / PyTorch formulation),
 * not from tfjs code. It is the reference the tests hold tfjs' `LSTM` layer and the fused kernels
 * to, and what notebook 00 walks through.
 *
 * For one layer of `u` units on inputs of `d` features, step `t` (`⊙` is the element-wise product):
 *
 *   1. initial state:   h_0 = c_0 = 0                                    (both [u])
 *   2. input gate:      i_t = σ(W_i x_t + U_i h_{t-1} + b_i)
 *   3. forget gate:     f_t = σ(W_f x_t + U_f h_{t-1} + b_f)
 *   4. candidate state: g_t = tanh(W_c x_t + U_c h_{t-1} + b_c)
 *   5. new cell state:  c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
 *   6. output gate:     o_t = σ(W_o x_t + U_o h_{t-1} + b_o)
 *   7. output:          h_t = o_t ⊙ tanh(c_t)
 *
 * with σ the logistic sigmoid. The weights are in tfjs' (and Keras') layout: `kernel`
 * `[d, 4u]`, `recurrentKernel` `[u, 4u]`, `bias` `[4u]`, row-major, the four gates side by side
 * in the order i, f, c (the candidate, g above), o (tfjs-layers `LSTMCell.call`: `split(z, 4)`
 * -> i, f, c, o). So `W_k x_t` is the row vector `x_t` times the column block
 * `kernel[:, k*u : (k+1)*u]` (W_k is that block transposed), with k = 0, 1, 2, 3 for i, f, c, o;
 * likewise `U_k` and `b_k`.
 *
 * Also here: reading those weights from a tfjs layer, and running the same weights through
 * tfjs' stock LSTM layer and the project's fused kernel (both float32), to compare.
 */
import * as tf from '../tf';
import { loadLstmKernel } from '../kernels/lstm/select';
import { LSTM_LAYER_CLASS_NAMES } from './kernel';
import { fail, positiveInteger } from '../validate';

/** The four gates in tfjs' kernel layout order: i, f, c (the candidate state), o. */
export const LSTM_GATES = ['input', 'forget', 'candidate', 'output'] as const;

/** One of {@link LSTM_GATES}. */
export type LstmGate = (typeof LSTM_GATES)[number];

/** The weights of one LSTM layer in tfjs' layout (see the module comment), row-major. */
export interface LstmWeights64 {
  /** Input weights `[inputDim, 4 * units]`, gates i, f, c, o side by side. */
  readonly kernel: ArrayLike<number>;
  /** Recurrent weights `[units, 4 * units]`, same gate order. */
  readonly recurrent: ArrayLike<number>;
  /** Biases `[4 * units]`, same gate order. */
  readonly bias: ArrayLike<number>;
  /** Hidden units `u`, a positive integer. */
  readonly units: number;
}

/** The weights of a dense layer `y = x kernel + bias`, row-major. */
export interface DenseWeights64 {
  /** `[inputDim, outDim]`. */
  readonly kernel: ArrayLike<number>;
  /** `[outDim]`. */
  readonly bias: ArrayLike<number>;
  /** Output width, a positive integer. */
  readonly outDim: number;
}

/** The recurrent state between two steps: hidden state and cell state, each `[units]`. */
export interface LstmState {
  readonly h: Float64Array;
  readonly c: Float64Array;
}

/** The activations of the four gates at one step, each `[units]`. */
export type LstmGates = Readonly<Record<LstmGate, Float64Array>>;

/** One step of the forward pass: its gates and the state it leaves (`h_t`, `c_t`). */
export interface LstmStep extends LstmState {
  readonly gates: LstmGates;
}

/** A forward pass over a sequence of `T` steps: every array is `[T][units]`, step `t - 1` at index `t - 1`. */
export interface LstmForward64 {
  /** Hidden states h_1 .. h_T (the layer's output with `returnSequences`). */
  readonly h: Float64Array[];
  /** Cell states c_1 .. c_T. */
  readonly c: Float64Array[];
  /** Gate activations per gate: `gates.input[t - 1]` is i_t. */
  readonly gates: Readonly<Record<LstmGate, Float64Array[]>>;
}

/**
 * The logistic sigmoid σ(v) = 1 / (1 + e^(-v)), the gates' activation (tfjs' `'sigmoid'`; not
 * its default `'hardSigmoid'`).
 * @example
 * lstmSigmoid(0); // => 0.5
 */
export function lstmSigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/**
 * Step 1: the initial state h_0 = c_0 = 0 (tfjs' default, no `initialState`).
 * @param units - Hidden units, a positive integer.
 * @returns New zero arrays `{ h, c }`, each `[units]`.
 * @throws InputError when `units` is not a positive integer.
 * @example
 * lstmInitialState(2); // => { h: Float64Array [0, 0], c: Float64Array [0, 0] }
 */
export function lstmInitialState(units: number): LstmState {
  positiveInteger('units', units);
  return { h: new Float64Array(units), c: new Float64Array(units) };
}

/**
 * The pre-activation of one gate, `W_k x_t + U_k h_{t-1} + b_k` (k = the gate's block of the
 * kernel, see the module comment): what steps 2, 3, 4 and 6 pass through σ or tanh.
 * @param gate - Which gate, one of {@link LSTM_GATES}.
 * @param x - The input x_t, `[inputDim]` (`inputDim = kernel.length / (4 * units)`).
 * @param hPrev - The previous hidden state h_{t-1}, `[units]`.
 * @param weights - The layer's weights; not mutated.
 * @returns A new `[units]` array.
 * @throws InputError when `gate` is unknown or a length does not match the weights.
 * @example
 * const w = { kernel: [1, 2, 3, 4], recurrent: [0, 0, 0, 0], bias: [0, 0, 0.5, 0], units: 1 };
 * lstmPreActivation('candidate', [2], [0], w); // => Float64Array [6.5]: 2 * 3 + 0 * 0 + 0.5
 */
export function lstmPreActivation(gate: LstmGate, x: ArrayLike<number>, hPrev: ArrayLike<number>, weights: LstmWeights64): Float64Array {
  const k = LSTM_GATES.indexOf(gate);
  if (k < 0) fail('gate', `one of ${LSTM_GATES.map((g) => JSON.stringify(g)).join(', ')}`, gate);
  const inputDim = checkWeights(weights);
  const u = weights.units;
  checkLength('x', x, inputDim);
  checkLength('hPrev', hPrev, u);
  const width = 4 * u;
  const z = new Float64Array(u);
  for (let j = 0; j < u; j++) {
    const col = k * u + j;
    let s = weights.bias[col];
    for (let d = 0; d < inputDim; d++) s += x[d] * weights.kernel[d * width + col];
    for (let m = 0; m < u; m++) s += hPrev[m] * weights.recurrent[m * width + col];
    z[j] = s;
  }
  return z;
}

/**
 * Step 2: the input gate i_t = σ(W_i x_t + U_i h_{t-1} + b_i), how much of the candidate enters
 * the cell. Arguments as {@link lstmPreActivation}.
 * @returns A new `[units]` array, values in (0, 1).
 * @throws InputError when a length does not match the weights.
 * @example
 * inputGate([0], [0], { kernel: [0, 0, 0, 0], recurrent: [0, 0, 0, 0], bias: [0, 0, 0, 0], units: 1 }); // => Float64Array [0.5]
 */
export function inputGate(x: ArrayLike<number>, hPrev: ArrayLike<number>, weights: LstmWeights64): Float64Array {
  return lstmPreActivation('input', x, hPrev, weights).map(lstmSigmoid);
}

/**
 * Step 3: the forget gate f_t = σ(W_f x_t + U_f h_{t-1} + b_f), how much of c_{t-1} the cell
 * keeps. Arguments as {@link lstmPreActivation}.
 * @returns A new `[units]` array, values in (0, 1).
 * @throws InputError when a length does not match the weights.
 * @example
 * forgetGate([0], [0], { kernel: [0, 0, 0, 0], recurrent: [0, 0, 0, 0], bias: [0, 1, 0, 0], units: 1 }); // => Float64Array [0.731...]
 */
export function forgetGate(x: ArrayLike<number>, hPrev: ArrayLike<number>, weights: LstmWeights64): Float64Array {
  return lstmPreActivation('forget', x, hPrev, weights).map(lstmSigmoid);
}

/**
 * Step 4: the candidate state g_t = tanh(W_c x_t + U_c h_{t-1} + b_c), the new content the input
 * gate lets in (tfjs' "c" gate). Arguments as {@link lstmPreActivation}.
 * @returns A new `[units]` array, values in (-1, 1).
 * @throws InputError when a length does not match the weights.
 * @example
 * candidateState([1], [0], { kernel: [0, 0, 1, 0], recurrent: [0, 0, 0, 0], bias: [0, 0, 0, 0], units: 1 }); // => Float64Array [0.7615...] (tanh 1)
 */
export function candidateState(x: ArrayLike<number>, hPrev: ArrayLike<number>, weights: LstmWeights64): Float64Array {
  return lstmPreActivation('candidate', x, hPrev, weights).map(Math.tanh);
}

/**
 * Step 6: the output gate o_t = σ(W_o x_t + U_o h_{t-1} + b_o), how much of tanh(c_t) is shown
 * as h_t. Arguments as {@link lstmPreActivation}.
 * @returns A new `[units]` array, values in (0, 1).
 * @throws InputError when a length does not match the weights.
 * @example
 * outputGate([0], [0], { kernel: [0, 0, 0, 0], recurrent: [0, 0, 0, 0], bias: [0, 0, 0, 0], units: 1 }); // => Float64Array [0.5]
 */
export function outputGate(x: ArrayLike<number>, hPrev: ArrayLike<number>, weights: LstmWeights64): Float64Array {
  return lstmPreActivation('output', x, hPrev, weights).map(lstmSigmoid);
}

/**
 * Steps 2, 3, 4 and 6 at once: every gate's activation at step t. (No gate reads c_{t-1}: this
 * is the LSTM without peephole connections, as in tfjs, Keras and PyTorch.)
 * Arguments as {@link lstmPreActivation}.
 * @returns New `[units]` arrays `{ input, forget, candidate, output }`.
 * @throws InputError when a length does not match the weights.
 * @example
 * const gates = lstmGates([1], [0], weights); // gates.input[0] is i_1 of unit 0
 */
export function lstmGates(x: ArrayLike<number>, hPrev: ArrayLike<number>, weights: LstmWeights64): LstmGates {
  return {
    input: inputGate(x, hPrev, weights),
    forget: forgetGate(x, hPrev, weights),
    candidate: candidateState(x, hPrev, weights),
    output: outputGate(x, hPrev, weights),
  };
}

/**
 * Step 5: the new cell state c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t: keep part of the old memory, add
 * part of the candidate.
 * @param gates - At least `forget`, `input` and `candidate` of step t, each `[units]`.
 * @param cPrev - The previous cell state c_{t-1}, `[units]`.
 * @returns A new `[units]` array.
 * @throws InputError when the lengths differ.
 * @example
 * newCellState({ forget: [0.8], input: [0.75], candidate: [0.6] }, [1]); // => Float64Array [1.25]: 0.8 * 1 + 0.75 * 0.6
 */
export function newCellState(
  gates: { readonly forget: ArrayLike<number>; readonly input: ArrayLike<number>; readonly candidate: ArrayLike<number> },
  cPrev: ArrayLike<number>,
): Float64Array {
  const u = cPrev.length;
  checkLength('gates.forget', gates.forget, u);
  checkLength('gates.input', gates.input, u);
  checkLength('gates.candidate', gates.candidate, u);
  return Float64Array.from({ length: u }, (_, j) => gates.forget[j] * cPrev[j] + gates.input[j] * gates.candidate[j]);
}

/**
 * Step 7: the output h_t = o_t ⊙ tanh(c_t), the hidden state the next step and the next layer see.
 * @param output - The output gate o_t, `[units]`.
 * @param c - The new cell state c_t, `[units]`.
 * @returns A new `[units]` array, values in (-1, 1).
 * @throws InputError when the lengths differ.
 * @example
 * newHiddenState([0.5], [0.45]); // => Float64Array [0.2109...]: 0.5 * tanh(0.45)
 */
export function newHiddenState(output: ArrayLike<number>, c: ArrayLike<number>): Float64Array {
  checkLength('output', output, c.length);
  return Float64Array.from({ length: c.length }, (_, j) => output[j] * Math.tanh(c[j]));
}

/**
 * Steps 2 to 7: one time step from the previous state.
 * @param x - The input x_t, `[inputDim]`.
 * @param state - `{ h: h_{t-1}, c: c_{t-1} }`, each `[units]`; not mutated.
 * @param weights - The layer's weights; not mutated.
 * @returns The gates and the new state `{ gates, h: h_t, c: c_t }`, new arrays.
 * @throws InputError when a length does not match the weights.
 * @example
 * const step1 = lstmStep([1], lstmInitialState(1), weights); // step1.h is h_1
 */
export function lstmStep(x: ArrayLike<number>, state: LstmState, weights: LstmWeights64): LstmStep {
  checkLength('state.c', state.c, weights.units);
  const gates = lstmGates(x, state.h, weights);
  const c = newCellState(gates, state.c);
  return { gates, c, h: newHiddenState(gates.output, c) };
}

/**
 * The forward pass of one LSTM layer over a sequence: step 1, then {@link lstmStep} for
 * t = 1 .. T. `h` is what tfjs' layer returns with `returnSequences: true` (its last row without).
 * @param sequence - The inputs x_1 .. x_T: `T >= 1` rows of `inputDim` values; not mutated.
 * @param weights - The layer's weights (tfjs layout); not mutated.
 * @param initial - The state before x_1. @defaultValue {@link lstmInitialState} (zeros)
 * @returns Per step: `h`, `c` and every gate, each `[T][units]` (new arrays).
 * @throws InputError when `sequence` is empty or a length does not match the weights.
 * @example
 * const run = lstmForward([[0.1], [0.5], [0.9]], lstmLayerWeights(model.getLayer('lstm_1')));
 * run.gates.forget[2]; // f_3, one value per unit
 */
export function lstmForward(sequence: ReadonlyArray<ArrayLike<number>>, weights: LstmWeights64, initial?: LstmState): LstmForward64 {
  if (!Array.isArray(sequence) || sequence.length === 0) fail('sequence', 'a non-empty array of steps', sequence);
  let state = initial ?? lstmInitialState(weights.units);
  const run: LstmForward64 = { h: [], c: [], gates: { input: [], forget: [], candidate: [], output: [] } };
  for (const x of sequence) {
    const step = lstmStep(x, state, weights);
    run.h.push(step.h);
    run.c.push(step.c);
    for (const gate of LSTM_GATES) run.gates[gate].push(step.gates[gate]);
    state = step;
  }
  return run;
}

/**
 * The forecaster's network in float64: stacked LSTM layers (each {@link lstmForward} from a zero
 * state, feeding its hidden states to the next), then the dense head on the last step's hidden
 * state, `y = h_T Wd + bd`. Porting note: positional arguments, as the tests have always called it.
 * @param x - Inputs `[batch, steps, features]`, row-major; not mutated.
 * @param batch - Samples, a positive integer.
 * @param steps - Time steps per sample, a positive integer.
 * @param features - Input features per step, a positive integer.
 * @param layers - The LSTM layers, first to last.
 * @param dense - The head.
 * @returns `[batch, dense.outDim]` row-major (reshape to `[batch, horizon, numTargets]`).
 * @throws InputError when a size does not match.
 * @example
 * const y = forecasterForward64(x, 1, 24, 1, [lstm1], { kernel: wd, bias: bd, outDim: 12 });
 */
export function forecasterForward64(
  x: ArrayLike<number>,
  batch: number,
  steps: number,
  features: number,
  layers: readonly LstmWeights64[],
  dense: DenseWeights64,
): Float64Array {
  checkLength('x', x, positiveInteger('batch', batch) * positiveInteger('steps', steps) * positiveInteger('features', features));
  const out = new Float64Array(batch * dense.outDim);
  for (let b = 0; b < batch; b++) {
    let seq: ArrayLike<number>[] = Array.from({ length: steps }, (_, t) =>
      Float64Array.from({ length: features }, (_, f) => x[(b * steps + t) * features + f]),
    );
    for (const layer of layers) seq = lstmForward(seq, layer).h;
    const h = seq[steps - 1];
    checkLength('dense.kernel', dense.kernel, h.length * dense.outDim);
    for (let j = 0; j < dense.outDim; j++) {
      let s = dense.bias[j];
      for (let k = 0; k < h.length; k++) s += h[k] * dense.kernel[k * dense.outDim + j];
      out[b * dense.outDim + j] = s;
    }
  }
  return out;
}

/**
 * The weights of a tfjs LSTM layer (`tf.layers.lstm` or `FusedLstm`, e.g.
 * `model.getLayer('lstm_1')` of `buildLstmModel`), copied out as float64.
 * @param layer - A built LSTM layer with `activation: 'tanh'` and `recurrentActivation:
 *   'sigmoid'` (the equations above; tfjs' default `'hardSigmoid'` would not match them).
 * @returns `{ kernel, recurrent, bias, units }`, new arrays (zero biases if the layer has none).
 * @throws InputError when the layer is not an LSTM layer, has other activations, or is not built.
 * @example
 * const weights = lstmLayerWeights(model.getLayer('lstm_1')); // weights.kernel: [inputDim * 4 * units]
 */
export function lstmLayerWeights(layer: tf.layers.Layer): LstmWeights64 {
  const className = layer.getClassName();
  if (className !== LSTM_LAYER_CLASS_NAMES.stock && className !== LSTM_LAYER_CLASS_NAMES.fused) {
    fail('layer', `an LSTM layer (${LSTM_LAYER_CLASS_NAMES.stock} or ${LSTM_LAYER_CLASS_NAMES.fused})`, className);
  }
  const config = layer.getConfig() as { units: number; activation?: unknown; recurrentActivation?: unknown; useBias?: unknown };
  if (config.activation !== 'tanh') fail('layer activation', '"tanh"', config.activation);
  if (config.recurrentActivation !== 'sigmoid') fail('layer recurrentActivation', '"sigmoid"', config.recurrentActivation);
  const values = layer.getWeights().map((w) => Float64Array.from(w.dataSync()));
  const units = config.units;
  if (values.length === 0) fail('layer', 'a built LSTM layer (one with weights)', layer.name);
  return { kernel: values[0], recurrent: values[1], bias: config.useBias === false ? new Float64Array(4 * units) : values[2], units };
}

/**
 * Runs `weights` through tfjs' stock LSTM layer (`tf.layers.lstm`, `sigmoid` / `tanh`, float32,
 * on the active tfjs backend), for comparison with {@link lstmForward}.
 * @param sequence - The inputs x_1 .. x_T, `T >= 1` rows of `inputDim` values.
 * @param weights - The layer's weights (tfjs layout).
 * @returns `h`: h_1 .. h_T, `[T][units]`; `lastC`: c_T, `[units]` (the layer's `returnState`;
 *   it does not expose the gates or earlier cell states). New arrays; no tensor is left behind.
 * @throws InputError when `sequence` is empty or a length does not match the weights.
 * @example
 * const stock = tfjsLstmForward(sequence, weights);
 * maxAbsDifference(stock.h, lstmForward(sequence, weights).h); // ~1e-7
 */
export function tfjsLstmForward(sequence: ReadonlyArray<ArrayLike<number>>, weights: LstmWeights64): { h: Float64Array[]; lastC: Float64Array } {
  const { steps, inputDim, units } = sequenceDims(sequence, weights);
  const layer = tf.layers.lstm({
    units, activation: 'tanh', recurrentActivation: 'sigmoid', returnSequences: true, returnState: true,
    // Overwritten below; zeros skip tfjs' slow orthogonal initialiser.
    kernelInitializer: 'zeros', recurrentInitializer: 'zeros',
  });
  try {
    let h = new Float64Array(0);
    let c = new Float64Array(0);
    tf.tidy(() => {
      const x = tf.tensor3d(Float32Array.from(flatten(sequence, inputDim)), [1, steps, inputDim]);
      layer.apply(x); // builds the layer (Layer.apply marks it built; RNN.build alone does not)
      layer.setWeights([
        tf.tensor2d(Float32Array.from(weights.kernel), [inputDim, 4 * units]),
        tf.tensor2d(Float32Array.from(weights.recurrent), [units, 4 * units]),
        tf.tensor1d(Float32Array.from(weights.bias)),
      ]);
      // returnState: [outputs [1, T, u], h_T [1, u], c_T [1, u]].
      const [outputs, , lastC] = layer.apply(x) as tf.Tensor[];
      h = Float64Array.from(outputs.dataSync());
      c = Float64Array.from(lastC.dataSync());
    });
    return { h: rows(h, steps, units), lastC: c };
  } finally {
    layer.dispose();
  }
}

/**
 * Runs `weights` through the project's fused LSTM kernel (native AVX2/FMA or WebAssembly, float32,
 * what `FusedLstm` calls; see src/kernels/lstm), keeping what it saves for a backward pass: every
 * step's hidden state, cell state and gate activations, in the shape of {@link lstmForward}.
 * @param sequence - The inputs x_1 .. x_T, `T >= 1` rows of `inputDim` values.
 * @param weights - The layer's weights (tfjs layout).
 * @returns Per step: `h`, `c` and every gate, each `[T][units]`, copied out as float64.
 * @throws InputError when `sequence` is empty or a length does not match the weights; Error when
 *   no fused kernel loads (neither lstm_native.node nor lstm.wasm: run `npm run build:kernels`).
 * @example
 * const fused = fusedKernelForward(sequence, weights);
 * maxAbsDifference(fused.gates.input, lstmForward(sequence, weights).gates.input); // ~1e-7
 */
export function fusedKernelForward(sequence: ReadonlyArray<ArrayLike<number>>, weights: LstmWeights64): LstmForward64 {
  const { steps, inputDim, units } = sequenceDims(sequence, weights);
  const kernel = loadLstmKernel();
  if (kernel === null) throw new Error('fused LSTM kernel unavailable (neither lstm_native.node nor lstm.wasm loads): run `npm run build:kernels`');
  const { saved } = kernel.forward(
    { batch: 1, steps, inputDim, units },
    Float32Array.from(flatten(sequence, inputDim)), Float32Array.from(weights.kernel), Float32Array.from(weights.recurrent),
    Float32Array.from(weights.bias), { save: true, lastStepOnly: false },
  );
  // The saved values are the kernel's, until a backward pass (never run here) or garbage
  // collection reclaims them: copied out at once. Gates are [T, 4u], blocks i, f, c, o.
  const gates = Float64Array.from(saved!.gates);
  const gate = (k: number) => Array.from({ length: steps }, (_, t) => gates.slice((4 * t + k) * units, (4 * t + k + 1) * units));
  return {
    h: rows(Float64Array.from(saved!.h), steps, units),
    c: rows(Float64Array.from(saved!.c), steps, units),
    gates: { input: gate(0), forget: gate(1), candidate: gate(2), output: gate(3) },
  };
}

/**
 * The largest absolute difference between two equally shaped arrays of rows, e.g.
 * `[T][units]` from {@link lstmForward} and {@link tfjsLstmForward}.
 * @returns max |a[r][j] - b[r][j]| (0 for empty arrays).
 * @throws InputError when the shapes differ.
 * @example
 * maxAbsDifference([[1, 2]], [[1, 2.5]]); // => 0.5
 */
export function maxAbsDifference(a: ReadonlyArray<ArrayLike<number>>, b: ReadonlyArray<ArrayLike<number>>): number {
  checkLength('b', b, a.length);
  let max = 0;
  a.forEach((row, r) => {
    checkLength(`b[${r}]`, b[r], row.length);
    for (let j = 0; j < row.length; j++) max = Math.max(max, Math.abs(row[j] - b[r][j]));
  });
  return max;
}

/**
 * Transposes `[T][units]` rows into `[units][T]` plain arrays: one row per unit, time along it,
 * the `z` of a plotly heatmap with units on the y axis and time steps on the x axis.
 * @param steps - `[T][units]`, e.g. `lstmForward(...).gates.forget`; not mutated.
 * @returns A new `number[units][T]`.
 * @throws InputError when `steps` is empty or its rows differ in length.
 * @example
 * unitsByTime([[1, 2], [3, 4], [5, 6]]); // => [[1, 3, 5], [2, 4, 6]]
 */
export function unitsByTime(steps: ReadonlyArray<ArrayLike<number>>): number[][] {
  if (steps.length === 0) fail('steps', 'a non-empty array of rows', steps);
  const units = steps[0].length;
  steps.forEach((row, t) => checkLength(`steps[${t}]`, row, units));
  return Array.from({ length: units }, (_, j) => steps.map((row) => row[j]));
}

/** Checks the weights' lengths against `units`; returns `inputDim`. */
function checkWeights(weights: LstmWeights64): number {
  const u = positiveInteger('weights.units', weights.units);
  checkLength('weights.bias', weights.bias, 4 * u);
  checkLength('weights.recurrent', weights.recurrent, u * 4 * u);
  const inputDim = weights.kernel.length / (4 * u);
  if (!Number.isInteger(inputDim) || inputDim < 1) {
    fail('weights.kernel length', `a positive multiple of 4 * units = ${4 * u}`, weights.kernel.length);
  }
  return inputDim;
}

function checkLength(name: string, values: ArrayLike<unknown>, expected: number): void {
  if (values == null || values.length !== expected) fail(`${name} length`, String(expected), values?.length);
}

function sequenceDims(sequence: ReadonlyArray<ArrayLike<number>>, weights: LstmWeights64): { steps: number; inputDim: number; units: number } {
  if (!Array.isArray(sequence) || sequence.length === 0) fail('sequence', 'a non-empty array of steps', sequence);
  const inputDim = checkWeights(weights);
  sequence.forEach((x, t) => checkLength(`sequence[${t}]`, x, inputDim));
  return { steps: sequence.length, inputDim, units: weights.units };
}

function flatten(sequence: ReadonlyArray<ArrayLike<number>>, inputDim: number): Float64Array {
  const flat = new Float64Array(sequence.length * inputDim);
  sequence.forEach((x, t) => flat.set(Array.from(x), t * inputDim));
  return flat;
}

function rows(flat: Float64Array, steps: number, units: number): Float64Array[] {
  return Array.from({ length: steps }, (_, t) => flat.slice(t * units, (t + 1) * units));
}
