import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLstmKernel } from '../../src/kernels/lstm/select';
import {
  candidateState,
  forecasterForward64,
  forgetGate,
  fusedKernelForward,
  inputGate,
  LSTM_GATES,
  lstmForward,
  lstmGates,
  lstmInitialState,
  lstmLayerWeights,
  lstmPreActivation,
  lstmSigmoid,
  lstmStep,
  maxAbsDifference,
  newCellState,
  newHiddenState,
  outputGate,
  tfjsLstmForward,
  unitsByTime,
  type LstmWeights64,
} from '../../src/model/reference';
import { expectInputError, randomArray, useBackend } from './helpers';

/**
 * One unit, one input: kernel [1, 4] = [W_i, W_f, W_c, W_o], recurrent [1, 4] = [U_i, U_f, U_c, U_o],
 * bias [4] = [b_i, b_f, b_c, b_o] (tfjs' gate order). The logarithms make step 1 exact:
 * σ(ln 3) = 3/4, σ(ln 4) = 4/5, tanh(ln 2) = (4 - 1)/(4 + 1) = 3/5.
 */
const LN2 = Math.log(2);
const LN3 = Math.log(3);
const LN4 = Math.log(4);
const ONE_UNIT: LstmWeights64 = { kernel: [LN3, LN4, LN2, 0], recurrent: [1, -1, 2, 0.5], bias: [0, 0, 0, LN3], units: 1 };
const SEQUENCE = [[1], [0]]; // x_1 = 1, x_2 = 0

// Step 1 (h_0 = c_0 = 0, x_1 = 1): pre-activations W x_1 + U h_0 + b = [ln 3, ln 4, ln 2, 0 + ln 3].
const I1 = 0.75; // σ(ln 3)
const F1 = 0.8; // σ(ln 4)
const G1 = 0.6; // tanh(ln 2)
const O1 = 0.75; // σ(ln 3)
const C1 = 0.45; // f_1 c_0 + i_1 g_1 = 0.8 * 0 + 0.75 * 0.6
const H1 = 0.31642425393750595; // o_1 tanh(c_1) = 0.75 * tanh(0.45) = 0.75 * 0.42189900525000790
// Step 2 (x_2 = 0): pre-activations 0 * W + h_1 U + b = [h_1, -h_1, 2 h_1, 0.5 h_1 + ln 3]
//   = [0.31642425, -0.31642425, 0.63284851, 1.25682440].
const I2 = 0.5784525691139533; // σ(0.31642425)
const F2 = 0.4215474308860468; // σ(-0.31642425) = 1 - i_2
const G2 = 0.5600105163878841; // tanh(0.63284851)
const O2 = 0.7784789642677941; // σ(1.25682440)
const C2 = 0.5136358658341242; // f_2 c_1 + i_2 g_2 = 0.42154743 * 0.45 + 0.57845257 * 0.56001052 = 0.18969634 + 0.32393953
const H2 = 0.3680440258395294; // o_2 tanh(c_2) = 0.77847896 * 0.47277324

describe('a 1-unit, 1-input cell, by hand', () => {
  it('step 1: the state starts at zero', () => {
    expect(lstmInitialState(1)).toEqual({ h: new Float64Array([0]), c: new Float64Array([0]) });
  });

  it.each([
    ['step 1', SEQUENCE[0], [0], 0, { input: I1, forget: F1, candidate: G1, output: O1, c: C1, h: H1 }],
    ['step 2', SEQUENCE[1], [H1], C1, { input: I2, forget: F2, candidate: G2, output: O2, c: C2, h: H2 }],
  ] as const)('%s, gate by gate (equations 2-7)', (_label, x, hPrev, cPrev, want) => {
    expect(inputGate(x, hPrev, ONE_UNIT)[0]).toBeCloseTo(want.input, 14);
    expect(forgetGate(x, hPrev, ONE_UNIT)[0]).toBeCloseTo(want.forget, 14);
    expect(candidateState(x, hPrev, ONE_UNIT)[0]).toBeCloseTo(want.candidate, 14);
    expect(outputGate(x, hPrev, ONE_UNIT)[0]).toBeCloseTo(want.output, 14);
    const c = newCellState({ forget: [want.forget], input: [want.input], candidate: [want.candidate] }, [cPrev]);
    expect(c[0]).toBeCloseTo(want.c, 14);
    expect(newHiddenState([want.output], c)[0]).toBeCloseTo(want.h, 14);
  });

  it('lstmForward runs both steps: per-step h, c and every gate', () => {
    const run = lstmForward(SEQUENCE, ONE_UNIT);
    const col = (rows: Float64Array[]) => rows.map((r) => r[0]);
    const close = (got: number[], want: number[]) => got.forEach((v, t) => expect(v).toBeCloseTo(want[t], 14));
    close(col(run.gates.input), [I1, I2]);
    close(col(run.gates.forget), [F1, F2]);
    close(col(run.gates.candidate), [G1, G2]);
    close(col(run.gates.output), [O1, O2]);
    close(col(run.c), [C1, C2]);
    close(col(run.h), [H1, H2]);
  });

  it('lstmStep continues from a given state; lstmGates returns all four gates', () => {
    const step = lstmStep(SEQUENCE[1], { h: new Float64Array([H1]), c: new Float64Array([C1]) }, ONE_UNIT);
    expect(step.c[0]).toBeCloseTo(C2, 14);
    expect(step.h[0]).toBeCloseTo(H2, 14);
    expect(Object.keys(lstmGates(SEQUENCE[0], [0], ONE_UNIT))).toEqual([...LSTM_GATES]);
  });

  it('the dense head of forecasterForward64 reads h_T: y = h_2 * 2 - 1', () => {
    const y = forecasterForward64([1, 0], 1, 2, 1, [ONE_UNIT], { kernel: [2], bias: [-1], outDim: 1 });
    expect(y[0]).toBeCloseTo(2 * H2 - 1, 14);
  });
});

describe('gate order and layout', () => {
  // units 2, inputDim 1: the kernel row is [i0 i1 f0 f1 c0 c1 o0 o1]; block k is columns 2k, 2k+1.
  it.each(LSTM_GATES.map((gate, k) => [gate, k] as const))('%s reads column block %i of kernel, recurrent kernel and bias', (gate, k) => {
    const block = (scale: number) => Array.from({ length: 8 }, (_, col) => (Math.floor(col / 2) === k ? scale * (1 + (col % 2)) : 100));
    const weights = { kernel: block(1), recurrent: [...block(10), ...block(20)], bias: block(0.5), units: 2 };
    // unit j: x * (1 + j) + h0 * 10 (1 + j) + h1 * 20 (1 + j) + 0.5 (1 + j), with x = 1, h = [1, 2]
    expect(Array.from(lstmPreActivation(gate, [1], [1, 2], weights))).toEqual([1 + 10 + 40 + 0.5, 2 + 20 + 80 + 1]);
  });

  it('sigmoid is the logistic function, not tfjs\' default hardSigmoid', () => {
    expect(lstmSigmoid(0)).toBe(0.5);
    expect(lstmSigmoid(2)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15); // hardSigmoid(2) would be 0.9
  });
});

describe('helpers', () => {
  it('unitsByTime transposes [T][units] into heatmap rows [units][T]', () => {
    expect(unitsByTime([[1, 2], [3, 4], [5, 6]])).toEqual([[1, 3, 5], [2, 4, 6]]);
  });

  it('maxAbsDifference is the largest element-wise gap', () => {
    expect(maxAbsDifference([[1, 2], [3, 4]], [[1, 2.5], [2.75, 4]])).toBe(0.5);
    expect(maxAbsDifference([], [])).toBe(0);
  });

  it('inputs are not mutated', () => {
    const weights = { kernel: [...ONE_UNIT.kernel as number[]], recurrent: [...ONE_UNIT.recurrent as number[]], bias: [...ONE_UNIT.bias as number[]], units: 1 };
    const sequence = [[1], [0]];
    const initial = { h: new Float64Array([0.1]), c: new Float64Array([0.2]) };
    lstmForward(sequence, weights, initial);
    expect(sequence).toEqual([[1], [0]]);
    expect(weights).toEqual({ ...ONE_UNIT, kernel: [LN3, LN4, LN2, 0], recurrent: [1, -1, 2, 0.5], bias: [0, 0, 0, LN3] });
    expect(initial).toEqual({ h: new Float64Array([0.1]), c: new Float64Array([0.2]) });
  });
});

describe('boundary checks', () => {
  it.each([
    ['units 0', () => lstmInitialState(0), 'units must be a positive integer, got 0'],
    ['unknown gate', () => lstmPreActivation('cell' as never, [1], [0], ONE_UNIT), 'gate must be one of "input", "forget", "candidate", "output", got "cell"'],
    ['x too long', () => inputGate([1, 2], [0], ONE_UNIT), 'x length must be 1, got 2'],
    ['hPrev too short', () => inputGate([1], [], ONE_UNIT), 'hPrev length must be 1, got 0'],
    ['bias too short', () => inputGate([1], [0], { ...ONE_UNIT, bias: [0, 0, 0] }), 'weights.bias length must be 4, got 3'],
    ['kernel not a multiple of 4u', () => inputGate([1], [0], { ...ONE_UNIT, kernel: [1, 2, 3] }), 'weights.kernel length must be a positive multiple of 4 * units = 4, got 3'],
    ['cell state of another size', () => lstmStep([1], { h: new Float64Array(1), c: new Float64Array(2) }, ONE_UNIT), 'state.c length must be 1, got 2'],
    ['empty sequence', () => lstmForward([], ONE_UNIT), 'sequence must be a non-empty array of steps, got []'],
    ['rows of other shapes', () => maxAbsDifference([[1, 2]], [[1]]), 'b[0] length must be 2, got 1'],
  ])('%s', (_label, fn, message) => {
    expectInputError(fn, message);
  });

  it('lstmLayerWeights rejects a layer the equations do not describe', () => {
    const hard = tf.layers.lstm({ units: 2, recurrentInitializer: 'zeros' }); // tfjs default: hardSigmoid
    hard.apply(tf.zeros([1, 3, 1]));
    expectInputError(() => lstmLayerWeights(hard), 'layer recurrentActivation must be "sigmoid", got "hardSigmoid"');
    const dense = tf.layers.dense({ units: 2 });
    expectInputError(() => lstmLayerWeights(dense), 'layer must be an LSTM layer (LSTM or FusedLstm), got "Dense"');
    hard.dispose();
  });
});

/** Seeded weights in [-0.7, 0.7), as the forecaster tests use (gates away from saturation). */
function randomWeights(units: number, inputDim: number, seed: string): LstmWeights64 {
  return {
    kernel: randomArray(inputDim * 4 * units, `${seed}/k`, 0.7),
    recurrent: randomArray(units * 4 * units, `${seed}/r`, 0.7),
    bias: randomArray(4 * units, `${seed}/b`, 0.7),
    units,
  };
}

function randomSequence(steps: number, inputDim: number, seed: string): Float32Array[] {
  const flat = randomArray(steps * inputDim, seed, 1.5);
  return Array.from({ length: steps }, (_, t) => flat.slice(t * inputDim, (t + 1) * inputDim));
}

const agreementCases = [
  { units: 1, inputDim: 1, steps: 4 },
  { units: 3, inputDim: 2, steps: 7 },
  { units: 8, inputDim: 3, steps: 12 },
  { units: 16, inputDim: 1, steps: 30 },
];

describe('agreement with tfjs (float32) on random weights', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it.each(agreementCases)('tf.layers.lstm, units=$units inputDim=$inputDim T=$steps: h at every step and c_T to 1e-6', ({ units, inputDim, steps }) => {
    const weights = randomWeights(units, inputDim, `${units}/${inputDim}`);
    const sequence = randomSequence(steps, inputDim, `x${steps}`);
    const ours = lstmForward(sequence, weights);
    // The layer built here, independently of tfjsLstmForward.
    const layer = tf.layers.lstm({ units, recurrentActivation: 'sigmoid', returnSequences: true, returnState: true, recurrentInitializer: 'zeros' });
    const x = tf.tensor3d(Float32Array.from(sequence.flatMap((row) => Array.from(row))), [1, steps, inputDim]);
    layer.apply(x);
    layer.setWeights([
      tf.tensor2d(weights.kernel as Float32Array, [inputDim, 4 * units]),
      tf.tensor2d(weights.recurrent as Float32Array, [units, 4 * units]),
      tf.tensor1d(weights.bias as Float32Array),
    ]);
    const [outputs, , lastC] = layer.apply(x) as tf.Tensor[];
    const h = outputs.dataSync();
    const tfjsRows = Array.from({ length: steps }, (_, t) => h.slice(t * units, (t + 1) * units));
    expect(maxAbsDifference(ours.h, tfjsRows)).toBeLessThan(1e-6);
    expect(maxAbsDifference([ours.c[steps - 1]], [lastC.dataSync()])).toBeLessThan(1e-6);
    // Not trivially small.
    expect(Math.max(...ours.h.flatMap((row) => Array.from(row, Math.abs)))).toBeGreaterThan(0.05);
    // The notebook's helper runs the same layer.
    const helper = tfjsLstmForward(sequence, weights);
    expect(maxAbsDifference(helper.h, tfjsRows)).toBe(0);
    expect(maxAbsDifference([helper.lastC], [lastC.dataSync()])).toBe(0);
    layer.dispose();
    tf.dispose([x, outputs, lastC]);
  });

  it('tfjsLstmForward leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    tfjsLstmForward(randomSequence(5, 2, 'leak'), randomWeights(4, 2, 'leak'));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('lstmLayerWeights reads a built layer in tfjs order: the reference then matches its output', () => {
    const layer = tf.layers.lstm({ units: 3, recurrentActivation: 'sigmoid', returnSequences: true, biasInitializer: 'randomNormal' });
    const sequence = randomSequence(6, 2, 'read');
    const x = tf.tensor3d(Float32Array.from(sequence.flatMap((row) => Array.from(row))), [1, 6, 2]);
    const h = (layer.apply(x) as tf.Tensor).dataSync();
    const weights = lstmLayerWeights(layer);
    expect([weights.kernel.length, weights.recurrent.length, weights.bias.length, weights.units]).toEqual([2 * 12, 3 * 12, 12, 3]);
    const rows = Array.from({ length: 6 }, (_, t) => h.slice(t * 3, (t + 1) * 3));
    expect(maxAbsDifference(lstmForward(sequence, weights).h, rows)).toBeLessThan(1e-6);
    layer.dispose();
    x.dispose();
  });
});

describe('agreement with the fused kernel (float32) on random weights', () => {
  it.each(agreementCases)('units=$units inputDim=$inputDim T=$steps: h, c and every gate at every step to 1e-6', ({ units, inputDim, steps }) => {
    expect(loadLstmKernel(), 'a fused kernel loads (npm run build:kernels)').not.toBeNull();
    const weights = randomWeights(units, inputDim, `fused${units}/${inputDim}`);
    const sequence = randomSequence(steps, inputDim, `fx${steps}`);
    const ours = lstmForward(sequence, weights);
    const fused = fusedKernelForward(sequence, weights);
    expect(maxAbsDifference(fused.h, ours.h)).toBeLessThan(1e-6);
    expect(maxAbsDifference(fused.c, ours.c)).toBeLessThan(1e-6);
    for (const gate of LSTM_GATES) expect(maxAbsDifference(fused.gates[gate], ours.gates[gate]), gate).toBeLessThan(1e-6);
  });
});
