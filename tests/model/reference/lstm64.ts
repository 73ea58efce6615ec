/**
 * An independent float64 reference of the forecaster's forward pass, written from the LSTM
 * equations (Hochreiter & Schmidhuber; Keras/PyTorch formulation), not from tfjs code:
 *
 *   z = x_t W + h_{t-1} U + b            W: [inDim, 4u], U: [u, 4u], b: [4u]
 *   i = sigmoid(z[0:u]), f = sigmoid(z[u:2u]), g = tanh(z[2u:3u]), o = sigmoid(z[3u:4u])
 *   c_t = f * c_{t-1} + i * g;  h_t = o * tanh(c_t);  h_0 = c_0 = 0
 *
 * Gate order i, f, c (g), o and the [input, 4 * units] kernel layout are tfjs' (and Keras')
 * convention (tfjs-layers `LSTMCell.call`: `split(z, 4)` -> i, f, c, o).
 * The head is y = h_T Wd + bd, Wd: [u, horizon * numTargets], reshaped row-major.
 */

export interface LstmWeights64 {
  readonly kernel: ArrayLike<number>; // [inDim, 4u] row-major
  readonly recurrent: ArrayLike<number>; // [u, 4u] row-major
  readonly bias: ArrayLike<number>; // [4u]
  readonly units: number;
}

export interface DenseWeights64 {
  readonly kernel: ArrayLike<number>; // [inDim, outDim] row-major
  readonly bias: ArrayLike<number>; // [outDim]
  readonly outDim: number;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * Runs the stacked LSTM + dense head on `x: [batch, steps, features]` (row-major).
 * @returns `[batch, outDim]` row-major, float64.
 */
export function forecasterForward64(
  x: ArrayLike<number>,
  batch: number,
  steps: number,
  features: number,
  layers: readonly LstmWeights64[],
  dense: DenseWeights64,
): Float64Array {
  // seq[b][t] = input vector of the current layer
  let seq: Float64Array[][] = [];
  for (let b = 0; b < batch; b++) {
    const rows: Float64Array[] = [];
    for (let t = 0; t < steps; t++) {
      rows.push(Float64Array.from({ length: features }, (_, f) => x[(b * steps + t) * features + f]));
    }
    seq.push(rows);
  }
  for (const layer of layers) {
    const u = layer.units;
    const next: Float64Array[][] = [];
    for (let b = 0; b < batch; b++) {
      let h = new Float64Array(u);
      let c = new Float64Array(u);
      const outputs: Float64Array[] = [];
      for (let t = 0; t < steps; t++) {
        const input = seq[b][t];
        const z = new Float64Array(4 * u);
        for (let j = 0; j < 4 * u; j++) {
          let s = layer.bias[j];
          for (let k = 0; k < input.length; k++) s += input[k] * layer.kernel[k * 4 * u + j];
          for (let k = 0; k < u; k++) s += h[k] * layer.recurrent[k * 4 * u + j];
          z[j] = s;
        }
        const hNew = new Float64Array(u);
        const cNew = new Float64Array(u);
        for (let j = 0; j < u; j++) {
          const i = sigmoid(z[j]);
          const f = sigmoid(z[u + j]);
          const g = Math.tanh(z[2 * u + j]);
          const o = sigmoid(z[3 * u + j]);
          cNew[j] = f * c[j] + i * g;
          hNew[j] = o * Math.tanh(cNew[j]);
        }
        h = hNew;
        c = cNew;
        outputs.push(h);
      }
      next.push(outputs);
    }
    seq = next;
  }
  const out = new Float64Array(batch * dense.outDim);
  for (let b = 0; b < batch; b++) {
    const h = seq[b][steps - 1];
    for (let j = 0; j < dense.outDim; j++) {
      let s = dense.bias[j];
      for (let k = 0; k < h.length; k++) s += h[k] * dense.kernel[k * dense.outDim + j];
      out[b * dense.outDim + j] = s;
    }
  }
  return out;
}
