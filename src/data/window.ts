/**
 * Sliding windows over time series.
 *
 * Two families:
 * - Keras-compatible index windows ({@link kerasWindowStarts}, {@link timeseriesDataset}),
 *   mirroring `keras.utils.timeseries_dataset_from_array`, for users porting Keras code;
 * - supervised multi-step samples for the model ({@link makeWindowSet}, {@link makeOriginSet}),
 *   defined by the forecast origin and materialised lazily into typed arrays.
 */
import { InputError, describeValue } from '../errors';
import { integerAtLeast } from '../validate';
import type { SupervisedSet } from './types';

// ---------------------------------------------------------------------------------------------
// Keras-compatible windows

/**
 * Options of {@link kerasWindowStarts}, named after the arguments of Keras'
 * `timeseries_dataset_from_array` (camelCase).
 */
export interface KerasWindowOptions {
  /** Time steps per window (`sequence_length`), a positive integer. */
  readonly sequenceLength: number;
  /** Steps between the starts of consecutive windows (`sequence_stride`), positive integer. @defaultValue {@link DEFAULT_SEQUENCE_STRIDE} */
  readonly sequenceStride?: number;
  /** Steps between consecutive elements inside a window (`sampling_rate`), positive integer. @defaultValue {@link DEFAULT_SAMPLING_RATE} */
  readonly samplingRate?: number;
  /** First index any window may use (`start_index`), integer in `[0, length)`. @defaultValue `0` */
  readonly startIndex?: number;
  /**
   * First index no window may use (`end_index`, exclusive), integer in `(startIndex, length]`.
   * @defaultValue `length`
   */
  readonly endIndex?: number;
}

/**
 * Default `sequenceStride` of {@link kerasWindowStarts}.
 * @defaultValue `1`
 */
export const DEFAULT_SEQUENCE_STRIDE = 1;

/**
 * Default `samplingRate` of {@link kerasWindowStarts}.
 * @defaultValue `1`
 */
export const DEFAULT_SAMPLING_RATE = 1;

/**
 * Start indices of the windows Keras' `timeseries_dataset_from_array` would produce (in order,
 * without shuffling or batching).
 *
 * Window `i` covers the indices `starts[i] + j * samplingRate` for `j = 0 .. sequenceLength - 1`.
 * Starts are `startIndex, startIndex + sequenceStride, ...` while the whole window stays below
 * `endIndex`; that is, there are `ceil(num / sequenceStride)` windows where
 * `num = endIndex - startIndex - (sequenceLength - 1) * samplingRate`, and none when
 * `num <= 0` (Keras then yields an empty dataset too). With targets, Keras pairs the window
 * starting at index `s` with `targets[s]`.
 *
 * Porting notes: indices are absolute (Keras counts them from `start_index` internally; the
 * windows are the same). Keras rejects an explicit `end_index` equal to the data length although
 * that is its default; here `endIndex = length` is accepted.
 *
 * @param length - Number of time steps in the data, a positive integer.
 * @param options - See {@link KerasWindowOptions}.
 * @returns The absolute start index of each window, increasing.
 * @throws InputError when an option is not an integer in its documented range (message names it
 *   and the value, e.g. `sequenceLength must be a positive integer, got 0`).
 * @example
 * // Keras' documented example: data 0..98, sequence_length=10, sampling_rate=2, sequence_stride=3
 * const starts = kerasWindowStarts(99, { sequenceLength: 10, samplingRate: 2, sequenceStride: 3 });
 * // starts = [0, 3, 6, ..., 78]: first window [0, 2, ..., 18], last [78, 80, ..., 96]
 */
export function kerasWindowStarts(length: number, options: KerasWindowOptions): Int32Array {
  integerAtLeast('length', length, 1);
  if (typeof options !== 'object' || options === null) {
    throw new InputError(`options must be an object, got ${describeValue(options)}`, { argument: 'options' });
  }
  const sequenceLength = integerAtLeast('sequenceLength', options.sequenceLength, 1);
  const stride = integerAtLeast('sequenceStride', options.sequenceStride ?? DEFAULT_SEQUENCE_STRIDE, 1);
  const rate = integerAtLeast('samplingRate', options.samplingRate ?? DEFAULT_SAMPLING_RATE, 1);
  const startIndex = options.startIndex ?? 0;
  if (!Number.isInteger(startIndex) || startIndex < 0 || startIndex >= length) {
    throw new InputError(`startIndex must be an integer in [0, ${length - 1}], got ${describeValue(startIndex)}`, {
      argument: 'startIndex',
      value: startIndex,
    });
  }
  const endIndex = options.endIndex ?? length;
  if (!Number.isInteger(endIndex) || endIndex <= startIndex || endIndex > length) {
    throw new InputError(
      `endIndex must be an integer in [${startIndex + 1}, ${length}] (after startIndex ${startIndex}), got ${describeValue(endIndex)}`,
      { argument: 'endIndex', value: endIndex },
    );
  }
  const num = endIndex - startIndex - (sequenceLength - 1) * rate;
  const count = num > 0 ? Math.ceil(num / stride) : 0;
  const starts = new Int32Array(count);
  for (let i = 0; i < count; i++) starts[i] = startIndex + i * stride;
  return starts;
}

/** Windows materialised by {@link timeseriesDataset}. */
export interface KerasDataset<T, U> {
  /** `inputs[i][j] = data[starts[i] + j * samplingRate]`: shape `[numWindows, sequenceLength, ...]`. */
  readonly inputs: T[][];
  /** `targets[i] = targets[starts[i]]`, or `null` when no targets were given. */
  readonly targets: U[] | null;
  /** Absolute start index of each window (see {@link kerasWindowStarts}). */
  readonly starts: Int32Array;
}

/**
 * Materialises the windows of Keras' `timeseries_dataset_from_array` as nested arrays, for small
 * data, tests and teaching (use {@link makeWindowSet} for training: it does not copy).
 *
 * Window `i` is `[data[s], data[s + r], ..., data[s + (sequenceLength - 1) * r]]` with
 * `s = starts[i]` from {@link kerasWindowStarts} and `r = samplingRate`; its target is
 * `targets[s]`: `targets[i]` of the Keras docs "corresponds to the window that starts at index
 * i". To predict the step after each window, pass `data.slice(0, -k)` and `targets =
 * data.slice(k)` with `k = sequenceLength` (Keras' "temporal regression" example).
 *
 * Porting notes: no batching or shuffling (see `batches`); elements are taken as they are (rows
 * are not copied). Keras silently drops windows whose start has no target; here that is an error.
 *
 * @param data - The series, one element per time step (numbers or rows); not modified.
 * @param targets - One target per possible window start, or `null`.
 * @param options - See {@link KerasWindowOptions}.
 * @returns `{ inputs, targets, starts }`.
 * @throws InputError for invalid options (see {@link kerasWindowStarts}), empty `data`, or
 *   `targets` too short for the last window start, e.g.
 *   `targets has 5 entries, but the window starting at index 7 needs targets[7]`.
 * @example
 * const data = Array.from({ length: 20 }, (_, i) => i);
 * const { inputs, targets } = timeseriesDataset(data.slice(0, -10), data.slice(10), { sequenceLength: 10 });
 * // inputs[0] = [0, ..., 9], targets[0] = 10
 */
export function timeseriesDataset<T, U = never>(
  data: ArrayLike<T>,
  targets: ArrayLike<U> | null,
  options: KerasWindowOptions,
): KerasDataset<T, U> {
  const starts = kerasWindowStarts(data.length, options);
  const sequenceLength = options.sequenceLength;
  const rate = options.samplingRate ?? DEFAULT_SAMPLING_RATE;
  if (targets !== null && starts.length > 0) {
    const last = starts[starts.length - 1];
    if (targets.length <= last) {
      throw new InputError(
        `targets has ${targets.length} entries, but the window starting at index ${last} needs targets[${last}]`,
        { argument: 'targets', value: targets.length },
      );
    }
  }
  const inputs: T[][] = [];
  for (const s of starts) {
    const window: T[] = new Array(sequenceLength);
    for (let j = 0; j < sequenceLength; j++) window[j] = data[s + j * rate];
    inputs.push(window);
  }
  return {
    inputs,
    targets: targets === null ? null : Array.from(starts, (s) => targets[s]),
    starts,
  };
}

// ---------------------------------------------------------------------------------------------
// Supervised multi-step windows

/**
 * Options of {@link makeWindowSet}. All indices are row indices of the columns.
 */
export interface WindowOptions {
  /** Input steps per sample (rows `t - lookback + 1 .. t`), a positive integer. */
  readonly lookback: number;
  /** Target steps per sample (rows `t + 1 .. t + horizon`), a positive integer. */
  readonly horizon: number;
  /** Rows between consecutive origins, a positive integer. @defaultValue {@link DEFAULT_WINDOW_STRIDE} */
  readonly stride?: number;
  /**
   * Smallest origin, an integer `>= lookback - 1` (so the first window fits). For a validation or
   * test part starting at row `s`, use `s - 1`: its first target is then row `s`.
   * @defaultValue `lookback - 1`
   */
  readonly firstOrigin?: number;
  /**
   * First row a target may NOT use (exclusive end), an integer in `[0, length]`: every sample
   * has `t + horizon < targetEnd`. Set it to `split.train.end` and no training sample can contain
   * a validation or test target. Inputs are not limited by it (they precede the targets).
   * @defaultValue `length`
   */
  readonly targetEnd?: number;
  /**
   * One entry per target column: `null`, or the index of an input column to make the sample
   * relative to (the `'relative'` target transform). With `anchor[m] = c`, target `m` and input
   * column `c` both have `inputs[c][t]` (the origin's value) subtracted, so the last input step of
   * column `c` is 0. Typically `c` is the input column holding target `m` itself.
   * @defaultValue no anchoring
   */
  readonly anchor?: readonly (number | null)[];
  /**
   * `true`: an empty set (no origin fits) is returned as a set of size 0; `false`: it is an error.
   * @defaultValue `false`
   */
  readonly allowEmpty?: boolean;
}

/** Options of {@link makeOriginSet}. */
export interface OriginSetOptions {
  /** Input steps per sample, a positive integer. */
  readonly lookback: number;
  /** Origins (last input row of each sample), integers in `[lookback - 1, length - 1]`, any order. */
  readonly origins: ArrayLike<number>;
  /** As {@link WindowOptions.anchor}: one entry per target column, `null` or an input column index. */
  readonly anchor?: readonly (number | null)[];
  /** `true`: an empty `origins` gives a set of size 0; `false`: an error. @defaultValue `false` */
  readonly allowEmpty?: boolean;
}

/**
 * Default `stride` of {@link makeWindowSet}: every possible origin.
 * @defaultValue `1`
 */
export const DEFAULT_WINDOW_STRIDE = 1;

/**
 * A {@link SupervisedSet} over columns, whose samples are computed on demand in {@link fill}.
 * It keeps references to the columns (no copy): do not modify them while the set is in use.
 */
export interface WindowSet extends SupervisedSet {
  /**
   * The origin row of sample `i` (its last input row; targets are the `horizon` rows after it).
   * @throws RangeError when `i` is not an integer in `[0, size)`.
   */
  origin(i: number): number;
  /**
   * The value subtracted from target `m` of sample `i` (`inputs[anchor[m]][origin(i)]`), or 0 when
   * target `m` is not anchored. Add it back to a prediction to undo the `'relative'` transform.
   * @throws RangeError when `i` or `m` is out of range.
   */
  anchorValue(i: number, m: number): number;
}

/**
 * Builds the supervised samples the model trains on, defined by their forecast origin `t` (the
 * last observed row):
 *
 * - input `x` = rows `t - lookback + 1 .. t` of every input column: shape
 *   `[lookback, numFeatures]`, row-major by time (`x[s * numFeatures + f] = inputs[f][t - lookback + 1 + s]`);
 * - target `y` = rows `t + 1 .. t + horizon` of every target column: shape `[horizon, numTargets]`
 *   (`y[h * numTargets + m] = targets[m][t + 1 + h]`);
 * - origins `t = firstOrigin, firstOrigin + stride, ...` for as long as `t + horizon < targetEnd`.
 *
 * So `size = floor((targetEnd - horizon - 1 - firstOrigin) / stride) + 1` when that is positive.
 * With `anchor`, see {@link WindowOptions.anchor}.
 *
 * Worked example: 10 rows, `lookback 3`, `horizon 2`, `targetEnd 8` (training rows 0-7):
 * origins are 2, 3, 4, 5 (origin 6 would need target row 8). Sample 0 reads inputs 0-2 and
 * targets 3-4; sample 3 reads inputs 3-5 and targets 6-7. No target row is 8 or later.
 *
 * Only the rows that some sample reads must be finite (others, e.g. an undefined first
 * difference in row 0, are never read and may be `NaN`).
 *
 * @param inputs - Input columns (features, usually including the targets' own history), each of
 *   the same length; at least one. Not copied and not modified.
 * @param targets - Target columns, same length as the inputs; at least one. Not copied and not
 *   modified.
 * @param options - See {@link WindowOptions}.
 * @returns A lazy {@link WindowSet} with `numFeatures = inputs.length`, `numTargets =
 *   targets.length`; memory O(1) besides the referenced columns. Its `fill` writes Float32 values
 *   and throws `RangeError` for an index outside `[0, size)` or too small a buffer.
 * @throws InputError for bad columns (empty, unequal lengths, a non-finite value in a row that is
 *   read), a bad option (naming it and the value), or when no origin fits (unless `allowEmpty`).
 * @example
 * const y = Float64Array.from({ length: 10 }, (_, i) => i);
 * const set = makeWindowSet([y], [y], { lookback: 3, horizon: 2, targetEnd: 8 });
 * set.size; // 4
 * const x = new Float32Array(3), t = new Float32Array(2);
 * set.fill([3], x, t); // x = [3, 4, 5], t = [6, 7]
 */
export function makeWindowSet(
  inputs: readonly Float64Array[],
  targets: readonly Float64Array[],
  options: WindowOptions,
): WindowSet {
  const n = checkColumns(inputs, 'inputs');
  const nTargets = checkColumns(targets, 'targets');
  if (nTargets !== n) {
    throw new InputError(`targets have length ${nTargets}, but inputs have length ${n}`, { argument: 'targets' });
  }
  if (typeof options !== 'object' || options === null) {
    throw new InputError(`options must be an object, got ${describeValue(options)}`, { argument: 'options' });
  }
  const lookback = integerAtLeast('lookback', options.lookback, 1);
  const horizon = integerAtLeast('horizon', options.horizon, 1);
  const stride = integerAtLeast('stride', options.stride ?? DEFAULT_WINDOW_STRIDE, 1);
  const firstOrigin = options.firstOrigin ?? lookback - 1;
  if (!Number.isInteger(firstOrigin) || firstOrigin < lookback - 1) {
    throw new InputError(
      `firstOrigin must be an integer >= lookback - 1 (= ${lookback - 1}), got ${describeValue(firstOrigin)}`,
      { argument: 'firstOrigin', value: firstOrigin },
    );
  }
  const targetEnd = options.targetEnd ?? n;
  if (!Number.isInteger(targetEnd) || targetEnd < 0 || targetEnd > n) {
    throw new InputError(`targetEnd must be an integer in [0, ${n}], got ${describeValue(targetEnd)}`, {
      argument: 'targetEnd',
      value: targetEnd,
    });
  }
  const anchor = checkAnchor(options.anchor, targets.length, inputs.length);
  const lastOrigin = targetEnd - horizon - 1;
  const size = lastOrigin >= firstOrigin ? Math.floor((lastOrigin - firstOrigin) / stride) + 1 : 0;
  if (size === 0 && options.allowEmpty !== true) {
    throw new InputError(
      `no sample fits: origins t must satisfy firstOrigin ${firstOrigin} <= t <= targetEnd - horizon - 1 = ${lastOrigin} ` +
        `(lookback ${lookback}, horizon ${horizon}, ${n} rows)`,
      { lookback, horizon, firstOrigin, targetEnd, rows: n },
    );
  }
  const origin = (i: number): number => firstOrigin + i * stride;
  checkUsedRows(inputs, targets, size, origin, lookback, horizon);
  return new ColumnWindowSet(inputs, targets, anchor, lookback, horizon, size, origin);
}

/**
 * Builds input-only samples at arbitrary origins, for forecasting: sample `i` has the input `x`
 * of {@link makeWindowSet} for origin `origins[i]` and no target (`horizon` 0, so `fill` writes
 * nothing to `y`). With `anchor`, input columns are made relative exactly as in
 * {@link makeWindowSet}, and {@link WindowSet.anchorValue} gives the level to add back to each
 * target's forecast.
 *
 * @param inputs - Input columns of equal length; at least one. Not copied and not modified.
 * @param options - See {@link OriginSetOptions}.
 * @returns A lazy {@link WindowSet} with `size = origins.length`, `horizon = 0` and
 *   `numTargets = anchor.length` (0 without `anchor`). The origins are copied.
 * @throws InputError for bad columns, a bad `lookback` or `anchor`, an origin that is not an
 *   integer in `[lookback - 1, length - 1]` (naming its position and value), a non-finite value
 *   in a row that is read, or no origins (unless `allowEmpty`).
 * @example
 * const set = makeOriginSet([y], { lookback: 3, origins: [y.length - 1] });
 * const x = new Float32Array(3);
 * set.fill([0], x, new Float32Array(0)); // the last 3 values of y
 */
export function makeOriginSet(inputs: readonly Float64Array[], options: OriginSetOptions): WindowSet {
  const n = checkColumns(inputs, 'inputs');
  if (typeof options !== 'object' || options === null) {
    throw new InputError(`options must be an object, got ${describeValue(options)}`, { argument: 'options' });
  }
  const lookback = integerAtLeast('lookback', options.lookback, 1);
  const raw = options.origins;
  if (raw === null || typeof raw !== 'object' || typeof raw.length !== 'number') {
    throw new InputError(`origins must be an array of row indices, got ${describeValue(raw)}`, { argument: 'origins' });
  }
  const origins = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i];
    if (!Number.isInteger(t) || t < lookback - 1 || t > n - 1) {
      throw new InputError(
        `origins[${i}] must be an integer in [${lookback - 1}, ${n - 1}] (lookback ${lookback}, ${n} rows), got ${describeValue(t)}`,
        { argument: 'origins', index: i, value: t },
      );
    }
    origins[i] = t;
  }
  if (origins.length === 0 && options.allowEmpty !== true) {
    throw new InputError('origins must not be empty', { argument: 'origins' });
  }
  const anchorList = options.anchor ?? [];
  const anchor = checkAnchor(anchorList, anchorList.length, inputs.length);
  const origin = (i: number): number => origins[i];
  checkUsedRows(inputs, [], origins.length, origin, lookback, 0);
  return new ColumnWindowSet(inputs, [], anchor, lookback, 0, origins.length, origin, anchor.length);
}

/** One series' columns and origin range for {@link makeJoinedWindowSet}. */
export interface WindowPart {
  /** Input columns of the series (equal lengths). Copied into the joined columns. */
  readonly inputs: readonly Float64Array[];
  /** Target columns of the series; an array that is also in `inputs` is joined once. */
  readonly targets: readonly Float64Array[];
  /** Smallest origin of this series, an integer `>= lookback - 1`. */
  readonly firstOrigin: number;
  /** First row of this series a target may not use; origins `t` have `t + horizon < targetEnd`. */
  readonly targetEnd: number;
}

/**
 * The samples of several series as ONE window set: sample `i` is the `i`-th of the origins of
 * part 0 (`firstOrigin .. targetEnd - horizon - 1`), then of part 1, and so on, each exactly the
 * sample {@link makeWindowSet} gives for that part on its own. The parts' columns are joined end
 * to end (one copy) and an origin table maps samples to rows, so `fill` serves a batch drawn
 * from many series in one pass, with no per-sample dispatch. No sample reads another part's rows.
 *
 * @param parts - At least one; all with the same numbers of input and target columns.
 * @param options - `lookback`, `horizon` and `anchor` as in {@link makeWindowSet} (shared by all parts).
 * @returns A lazy {@link WindowSet} of size the sum of the parts' sample counts (parts without a
 *   sample contribute none).
 * @throws InputError for no parts, mismatched column counts (naming the part), a bad option, or a
 *   non-finite value in a row a sample reads.
 * @example
 * const a = { inputs: [Float64Array.of(1, 2, 3, 4)], targets: [Float64Array.of(1, 2, 3, 4)], firstOrigin: 1, targetEnd: 4 };
 * const b = { inputs: [Float64Array.of(10, 20, 30)], targets: [Float64Array.of(10, 20, 30)], firstOrigin: 1, targetEnd: 3 };
 * makeJoinedWindowSet([a, b], { lookback: 2, horizon: 1 }).size; // 3
 */
export function makeJoinedWindowSet(
  parts: readonly WindowPart[],
  options: { readonly lookback: number; readonly horizon: number; readonly anchor?: readonly (number | null)[] },
): WindowSet {
  if (!Array.isArray(parts) || parts.length === 0) {
    throw new InputError('makeJoinedWindowSet needs at least one part', { argument: 'parts' });
  }
  const lookback = integerAtLeast('lookback', options.lookback, 1);
  const horizon = integerAtLeast('horizon', options.horizon, 1);
  const first: WindowPart = parts[0];
  const shared = first.targets.map((t) => first.inputs.indexOf(t));
  const lengths = parts.map((p: WindowPart, j: number) => {
    const n = checkColumns(p.inputs, `parts[${j}].inputs`);
    if (p.inputs.length !== first.inputs.length || p.targets.length !== first.targets.length) {
      throw new InputError(`parts[${j}] has ${p.inputs.length} input and ${p.targets.length} target columns, parts[0] has ${first.inputs.length} and ${first.targets.length}`, {
        argument: 'parts',
        index: j,
      });
    }
    if (!Number.isInteger(p.firstOrigin) || p.firstOrigin < lookback - 1 || !Number.isInteger(p.targetEnd) || p.targetEnd > n) {
      throw new InputError(`parts[${j}] needs firstOrigin >= ${lookback - 1} and targetEnd <= ${n}, got ${p.firstOrigin} and ${p.targetEnd}`, {
        argument: 'parts',
        index: j,
      });
    }
    return n;
  });
  const total = lengths.reduce((a, b) => a + b, 0);
  const join = (pick: (p: WindowPart) => Float64Array): Float64Array => {
    const out = new Float64Array(total);
    let offset = 0;
    parts.forEach((p, j) => {
      out.set(pick(p), offset);
      offset += lengths[j];
    });
    return out;
  };
  const inputs = first.inputs.map((_, c) => join((p) => p.inputs[c]));
  const targets = first.targets.map((_, m) => (shared[m] >= 0 ? inputs[shared[m]] : join((p) => p.targets[m])));
  const origins: number[] = [];
  let offset = 0;
  parts.forEach((p, j) => {
    for (let t = p.firstOrigin; t + horizon < p.targetEnd; t++) origins.push(offset + t);
    offset += lengths[j];
  });
  const table = Int32Array.from(origins);
  const anchor = checkAnchor(options.anchor, targets.length, inputs.length);
  const originOf = (i: number): number => table[i];
  checkUsedRows(inputs, targets, table.length, originOf, lookback, horizon);
  return new ColumnWindowSet(inputs, targets, anchor, lookback, horizon, table.length, originOf);
}

/** The one implementation behind {@link makeWindowSet} and {@link makeOriginSet}. */
class ColumnWindowSet implements WindowSet {
  readonly numFeatures: number;
  readonly numTargets: number;
  /** Per input column: 1 when some target is anchored to it (its window is made relative). */
  private readonly anchoredInput: Uint8Array;

  constructor(
    private readonly inputs: readonly Float64Array[],
    private readonly targets: readonly Float64Array[],
    /** Per target: the input column it is relative to, or -1. */
    private readonly anchor: Int32Array,
    readonly lookback: number,
    readonly horizon: number,
    readonly size: number,
    private readonly originOf: (i: number) => number,
    numTargets: number = targets.length,
  ) {
    this.numFeatures = inputs.length;
    this.numTargets = numTargets;
    this.anchoredInput = new Uint8Array(inputs.length);
    for (const c of anchor) if (c >= 0) this.anchoredInput[c] = 1;
  }

  origin(i: number): number {
    this.checkIndex(i);
    return this.originOf(i);
  }

  anchorValue(i: number, m: number): number {
    this.checkIndex(i);
    if (!Number.isInteger(m) || m < 0 || m >= this.anchor.length) {
      throw new RangeError(`target index ${describeValue(m)} is outside [0, ${this.anchor.length})`);
    }
    const c = this.anchor[m];
    return c >= 0 ? this.inputs[c][this.originOf(i)] : 0;
  }

  fill(indices: ArrayLike<number>, x: Float32Array, y: Float32Array): void {
    const { lookback: L, horizon: H, numFeatures: F, inputs, targets, anchor, anchoredInput } = this;
    const M = targets.length;
    const count = indices.length;
    const xStride = L * F;
    const yStride = H * M;
    if (x.length < count * xStride) {
      throw new RangeError(`x has length ${x.length}, but ${count} samples need ${count * xStride} (${count} x ${L} x ${F})`);
    }
    if (y.length < count * yStride) {
      throw new RangeError(`y has length ${y.length}, but ${count} samples need ${count * yStride} (${count} x ${H} x ${M})`);
    }
    for (let k = 0; k < count; k++) {
      const i = indices[k];
      this.checkIndex(i);
      const t = this.originOf(i);
      const base = t - L + 1;
      const xOff = k * xStride;
      for (let f = 0; f < F; f++) {
        const col = inputs[f];
        const shift = anchoredInput[f] === 1 ? col[t] : 0;
        for (let s = 0, o = xOff + f; s < L; s++, o += F) x[o] = col[base + s] - shift;
      }
      const yOff = k * yStride;
      for (let m = 0; m < M; m++) {
        const col = targets[m];
        const shift = anchor[m] >= 0 ? inputs[anchor[m]][t] : 0;
        for (let h = 0, o = yOff + m; h < H; h++, o += M) y[o] = col[t + 1 + h] - shift;
      }
    }
  }

  private checkIndex(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) {
      throw new RangeError(`sample index ${describeValue(i)} is outside [0, ${this.size})`);
    }
  }
}

// ---------------------------------------------------------------------------------------------

/** Checks a non-empty list of equal-length columns; returns their length. */
function checkColumns(columns: readonly Float64Array[], argument: string): number {
  if (ArrayBuffer.isView(columns)) {
    throw new InputError(
      `${argument} must be an array of columns, got a single ${columns.constructor.name} of length ${(columns as unknown as Float64Array).length}; wrap it as [column]`,
      { argument },
    );
  }
  if (!Array.isArray(columns) || columns.length === 0) {
    throw new InputError(`${argument} must be a non-empty array of columns, got ${describeValue(columns)}`, { argument });
  }
  columns.forEach((col, c) => {
    if (!(col instanceof Float64Array)) {
      throw new InputError(`${argument}[${c}] must be a Float64Array, got ${describeValue(col)}`, { argument, index: c });
    }
  });
  const n = columns[0].length;
  columns.forEach((col, c) => {
    if (col.length !== n) {
      throw new InputError(`${argument}[${c}] has length ${col.length}, but ${argument}[0] has length ${n}`, {
        argument,
        index: c,
      });
    }
  });
  return n;
}

function checkAnchor(anchor: readonly (number | null)[] | undefined, numTargets: number, numInputs: number): Int32Array {
  const out = new Int32Array(numTargets).fill(-1);
  if (anchor === undefined) return out;
  if (!Array.isArray(anchor) || anchor.length !== numTargets) {
    throw new InputError(
      `anchor must have one entry per target column (${numTargets}), got ${describeValue(anchor)}`,
      { argument: 'anchor', value: anchor },
    );
  }
  anchor.forEach((c, m) => {
    if (c === null) return;
    if (!Number.isInteger(c) || c < 0 || c >= numInputs) {
      throw new InputError(
        `anchor[${m}] must be null or an input column index in [0, ${numInputs - 1}], got ${describeValue(c)}`,
        { argument: 'anchor', index: m, value: c },
      );
    }
    out[m] = c;
  });
  return out;
}

/**
 * Checks that every row some sample reads is finite: inputs `t - lookback + 1 .. t` and targets
 * `t + 1 .. t + horizon` for each origin `t`. Each row is visited once (origins sorted).
 */
function checkUsedRows(
  inputs: readonly Float64Array[],
  targets: readonly Float64Array[],
  size: number,
  originOf: (i: number) => number,
  lookback: number,
  horizon: number,
): void {
  if (size === 0) return;
  const origins = new Int32Array(size);
  for (let i = 0; i < size; i++) origins[i] = originOf(i);
  origins.sort();
  let inputDone = -1; // rows <= inputDone already checked
  let targetDone = -1;
  for (const t of origins) {
    for (let r = Math.max(inputDone + 1, t - lookback + 1); r <= t; r++) checkRow(inputs, 'inputs', r, t);
    inputDone = Math.max(inputDone, t);
    for (let r = Math.max(targetDone + 1, t + 1); r <= t + horizon; r++) checkRow(targets, 'targets', r, t);
    targetDone = Math.max(targetDone, t + horizon);
  }
}

function checkRow(columns: readonly Float64Array[], argument: string, row: number, origin: number): void {
  for (let c = 0; c < columns.length; c++) {
    const v = columns[c][row];
    if (!Number.isFinite(v)) {
      throw new InputError(
        `${argument}[${c}][${row}] must be a finite number, got ${describeValue(v)} (read by the sample with origin ${origin})`,
        { argument, column: c, row, value: v },
      );
    }
  }
}
