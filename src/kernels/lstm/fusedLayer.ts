/**
 * A drop-in replacement for `tf.layers.lstm` whose forward pass and backward pass (BPTT) each run
 * the whole sequence in one call of the fused kernel (native or WebAssembly, see `kernel.ts`), hooked into tfjs with
 * `tf.customGrad`, so `fit`, `trainOnBatch`, callbacks and optimisers work unchanged.
 *
 * The layer IS a tfjs `LSTM` (subclass): same constructor arguments, same config, same weights
 * (`<name>/kernel` [inputDim, 4u], `<name>/recurrent_kernel` [u, 4u], `<name>/bias` [4u], gate
 * order i, f, c, o). Only `call` differs. It runs the stock code path (never an error) when it
 * cannot fuse: no kernel (neither the addon nor `lstm.wasm` loads), dropout or recurrent dropout > 0 in training,
 * activation other than `tanh` / recurrent activation other than `sigmoid`, masks, initial
 * states, `returnState`, `stateful`, `goBackwards`, or non-float32 inputs.
 */
import * as tf from '../../tf';
import type { LSTM, LSTMLayerArgs } from '@tensorflow/tfjs-layers/dist/layers/recurrent';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { loadLstmKernel } from './select';
import type { LstmDims, LstmSaved } from './types';
import { heapBackendActive, valuesNow } from '../tensorData';

/** Class name under which {@link FusedLstm} is serialised (`class_name` in `model.json`). */
export const FUSED_LSTM_CLASS_NAME = 'FusedLstm';

/** The stock tfjs LSTM class (not exported by `@tensorflow/tfjs`; taken from an instance). */
const StockLstm = Object.getPrototypeOf(tf.layers.lstm({ units: 1 })).constructor as typeof LSTM;

/** Internal view of the `LSTMCell` fields the fused path reads (public in tfjs' JS). */
interface CellView {
  readonly units: number;
  readonly useBias: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly activation: unknown;
  readonly recurrentActivation: unknown;
  readonly kernel: { read(): tf.Tensor };
  readonly recurrentKernel: { read(): tf.Tensor };
  readonly bias: { read(): tf.Tensor } | null;
}

/**
 * tfjs LSTM layer with a fused WebAssembly forward and backward pass (see the module comment for
 * when it falls back to the stock path). Serialised as {@link FUSED_LSTM_CLASS_NAME}; convert
 * whole models with `toFusedModel` / `toStockModel`.
 *
 * @example
 * const model = tf.sequential();
 * model.add(new FusedLstm({ units: 8, inputShape: [10, 1], recurrentActivation: 'sigmoid' }));
 * model.add(tf.layers.dense({ units: 1 }));
 */
export class FusedLstm extends StockLstm {
  /** @nocollapse */
  static override className = FUSED_LSTM_CLASS_NAME;

  /** Number of calls that ran the fused kernel (for tests and benchmarks). */
  fusedCalls = 0;
  /** Number of calls that ran the stock path. */
  stockCalls = 0;

  constructor(args: LSTMLayerArgs) {
    super(args);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : null) : inputs;
    if (x === null || !this.canFuse(x, kwargs)) {
      this.stockCalls++;
      return super.call(inputs, kwargs);
    }
    this.fusedCalls++;
    const cell = this.cell as unknown as CellView;
    return tf.tidy(() => {
      const bias = cell.useBias && cell.bias !== null ? cell.bias.read() : tf.zeros([4 * cell.units]);
      return fusedLstmOp(x, cell.kernel.read(), cell.recurrentKernel.read(), bias, this.returnSequences);
    });
  }

  /** Whether this call can run fused (see the module comment). */
  private canFuse(x: tf.Tensor, kwargs: Kwargs): boolean {
    const cell = this.cell as unknown as CellView;
    const training = kwargs?.['training'] === true;
    return (
      loadLstmKernel() !== null &&
      x.rank === 3 &&
      x.dtype === 'float32' &&
      kwargs?.['mask'] == null &&
      kwargs?.['initialState'] == null &&
      !this.returnState &&
      !this.stateful &&
      !this.goBackwards &&
      !(training && (cell.dropout > 0 || cell.recurrentDropout > 0)) &&
      activationName(cell.activation) === 'tanh' &&
      activationName(cell.recurrentActivation) === 'sigmoid'
    );
  }
}
tf.serialization.registerClass(FusedLstm);

function activationName(activation: unknown): string | undefined {
  const ctor = (activation as { constructor?: { className?: string } })?.constructor;
  return ctor?.className;
}

/** Whether a gradient tape is recording (inside `tf.grads`, `variableGrads`, `minimize`, …). */
function tapeRecording(): boolean {
  const depth = (tf.engine() as unknown as { state?: { gradientDepth?: number } }).state?.gradientDepth;
  return depth === undefined || depth > 0;
}

const gradOps = new Map<boolean, (...args: tf.Tensor[]) => tf.Tensor>();

function gradOp(returnSequences: boolean): (...args: tf.Tensor[]) => tf.Tensor {
  let op = gradOps.get(returnSequences);
  if (op === undefined) {
    op = tf.customGrad((...args: unknown[]) => {
      const [x, kernel, recurrent, bias] = args as tf.Tensor[];
      const dims = dimsOf(x, recurrent);
      const kernelImpl = loadLstmKernel()!;
      // Transient arrays only where creating a tensor copies them (see tensorData.ts).
      const transient = heapBackendActive();
      const result = kernelImpl.forward(
        dims, valuesNow(x), valuesNow(kernel), valuesNow(recurrent), valuesNow(bias),
        { save: true, lastStepOnly: false, transient },
      );
      const saved = result.saved as LstmSaved;
      const value = returnSequences
        ? tf.tensor3d(result.h, [dims.batch, dims.steps, dims.units])
        : tf.tensor2d(lastStep(result.h, dims), [dims.batch, dims.units]);
      const gradFunc = (dy: tf.Tensor | tf.Tensor[]): tf.Tensor[] => {
        const g = kernelImpl.backward(dims, saved, valuesNow(Array.isArray(dy) ? dy[0] : dy), !returnSequences, { transient });
        return [
          tf.tensor3d(g.dx, x.shape as [number, number, number]),
          tf.tensor2d(g.dkernel, kernel.shape as [number, number]),
          tf.tensor2d(g.drecurrent, recurrent.shape as [number, number]),
          tf.tensor1d(g.dbias),
        ];
      };
      return { value, gradFunc };
    }) as (...args: tf.Tensor[]) => tf.Tensor;
    gradOps.set(returnSequences, op);
  }
  return op;
}

function dimsOf(x: tf.Tensor, recurrent: tf.Tensor): LstmDims {
  const [batch, steps, inputDim] = x.shape;
  return { batch, steps, inputDim, units: recurrent.shape[0] };
}

function lastStep(h: Float32Array, dims: LstmDims): Float32Array {
  const { batch: B, steps: T, units: H } = dims;
  if (T === 1) return h;
  const last = new Float32Array(B * H);
  for (let b = 0; b < B; b++) last.set(h.subarray((b * T + T - 1) * H, (b * T + T) * H), b * H);
  return last;
}

/**
 * One LSTM layer (tanh activation, sigmoid recurrent activation, zero initial state) over whole
 * sequences with the fused kernel, differentiable w.r.t. all four inputs.
 *
 * @param x - [batch, steps, inputDim] float32.
 * @param kernel - [inputDim, 4 * units]; recurrent - [units, 4 * units]; bias - [4 * units].
 * @param returnSequences - Return [batch, steps, units] (all steps) or [batch, units] (last step).
 * @returns A new tensor owned by the caller.
 * @throws Error when the kernel is unavailable (check `loadLstmKernel()` first).
 * @example
 * const y = fusedLstmOp(x, kernel, recurrent, bias, false); // [batch, units]
 */
export function fusedLstmOp(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrent: tf.Tensor,
  bias: tf.Tensor,
  returnSequences: boolean,
): tf.Tensor {
  const impl = loadLstmKernel();
  if (impl === null) throw new Error('fused LSTM kernel unavailable (neither lstm_native.node nor lstm.wasm loads)');
  if (tapeRecording()) return gradOp(returnSequences)(x, kernel, recurrent, bias);
  // Inference: nothing saved for a backward pass, only the needed steps copied out.
  const dims = dimsOf(x, recurrent);
  const { h } = impl.forward(dims, valuesNow(x), valuesNow(kernel), valuesNow(recurrent), valuesNow(bias), {
    save: false,
    lastStepOnly: !returnSequences,
    transient: heapBackendActive(),
  });
  return returnSequences
    ? tf.tensor3d(h, [dims.batch, dims.steps, dims.units])
    : tf.tensor2d(h, [dims.batch, dims.units]);
}
