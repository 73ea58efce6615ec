/**
 * Per-column scalers with `fit` / `transform` / `inverseTransform`, serialisable to JSON.
 *
 * Fit them on the training rows only (darts `Scaler`, scikit-learn): statistics from validation
 * or test rows would leak the future into training.
 */
import { InputError, describeValue } from '../errors';

/** Serialised state of a fitted {@link MinMaxScaler}. */
export interface MinMaxScalerState {
  readonly kind: 'minmax';
  /** Output range `[low, high]`, `low < high`. */
  readonly featureRange: readonly [number, number];
  /** Smallest fitted value. */
  readonly min: number;
  /** Largest fitted value (`>= min`). */
  readonly max: number;
}

/** Serialised state of a fitted {@link StandardScaler}. */
export interface StandardScalerState {
  readonly kind: 'standard';
  /** Mean of the fitted values. */
  readonly mean: number;
  /** Population standard deviation (divisor `n`) of the fitted values, `>= 0`. */
  readonly std: number;
}

/** Serialised state of any fitted scaler; `kind` tells which. Plain JSON data. */
export type ScalerState = MinMaxScalerState | StandardScalerState;

/** A fitted, invertible scaling of one column. */
export interface Scaler {
  /**
   * Learns the scaling from `values` (replacing any earlier fit).
   * @throws InputError when `values` is empty or holds a non-finite number.
   */
  fit(values: ArrayLike<number>): this;
  /**
   * Scales `values` (not modified) into a new array of the same length.
   * @throws InputError before `fit`, or when a value is not finite.
   */
  transform(values: ArrayLike<number>): Float64Array;
  /**
   * Undoes {@link Scaler.transform}: `inverseTransform(transform(x))` equals `x` up to rounding.
   * @throws InputError before `fit`, or when a value is not finite.
   */
  inverseTransform(values: ArrayLike<number>): Float64Array;
  /** Whether `fit` (or restoring from JSON) has happened. */
  readonly fitted: boolean;
  /**
   * The fitted state, for saving; `scalerFromJSON(s.toJSON())` behaves like `s`.
   * @throws InputError before `fit`.
   */
  toJSON(): ScalerState;
}

/** Options of {@link MinMaxScaler}. */
export interface MinMaxScalerOptions {
  /** Output range `[low, high]` with finite `low < high`. @defaultValue {@link DEFAULT_FEATURE_RANGE} */
  readonly featureRange?: readonly [number, number];
}

/**
 * Default output range of {@link MinMaxScaler}.
 * @defaultValue `[0, 1]`
 */
export const DEFAULT_FEATURE_RANGE: readonly [number, number] = Object.freeze([0, 1] as [number, number]);

/**
 * Scales a column linearly so that the fitted minimum maps to `featureRange[0]` and the fitted
 * maximum to `featureRange[1]`: `y = (x - min) * (high - low) / (max - min) + low`.
 *
 * Values outside the fitted range (e.g. in the test period) map outside `featureRange`; they are
 * not clipped.
 *
 * Constant column (`max === min`): the range is taken as 1 (as scikit-learn does), so every
 * value `x` maps to `(x - min) * (high - low) + low` and the constant itself to `low`; the
 * inverse stays exact.
 *
 * @example
 * const s = new MinMaxScaler().fit([2, 4, 6]);
 * s.transform([2, 5]);          // Float64Array [0, 0.75]
 * s.inverseTransform([0, 0.75]); // Float64Array [2, 5]
 */
export class MinMaxScaler implements Scaler {
  /** The output range. */
  readonly featureRange: readonly [number, number];
  private state: { min: number; max: number } | null = null;

  /**
   * @param options - See {@link MinMaxScalerOptions}.
   * @throws InputError when `featureRange` is not two finite numbers with `low < high`, e.g.
   *   `featureRange must be [low, high] with finite low < high, got [1,0]`.
   */
  constructor(options: MinMaxScalerOptions = {}) {
    const range = options.featureRange ?? DEFAULT_FEATURE_RANGE;
    if (!isRange(range)) {
      throw new InputError(`featureRange must be [low, high] with finite low < high, got ${describeList(range)}`, {
        argument: 'featureRange',
        value: range,
      });
    }
    this.featureRange = Object.freeze([range[0], range[1]] as [number, number]);
  }

  /**
   * Restores a fitted scaler from {@link MinMaxScaler.toJSON}'s output.
   *
   * @param state - A minmax state; validated.
   * @returns A fitted scaler.
   * @throws InputError for a corrupt state, naming the field and value.
   * @example
   * const copy = MinMaxScaler.fromJSON(scaler.toJSON());
   */
  static fromJSON(state: unknown): MinMaxScaler {
    const s = objectState(state);
    expectKind(s, 'minmax');
    if (!isRange(s.featureRange)) {
      throw new InputError(
        `scaler state.featureRange must be [low, high] with finite low < high, got ${describeList(s.featureRange)}`,
        { argument: 'state', value: s.featureRange },
      );
    }
    const min = finiteField(s, 'min');
    const max = finiteField(s, 'max');
    if (max < min) {
      throw new InputError(`scaler state.max must be >= state.min, got min ${min} and max ${max}`, {
        argument: 'state',
      });
    }
    const scaler = new MinMaxScaler({ featureRange: s.featureRange });
    scaler.state = { min, max };
    return scaler;
  }

  get fitted(): boolean {
    return this.state !== null;
  }

  /**
   * Learns the minimum and maximum of `values`.
   *
   * @param values - At least one finite number; not modified.
   * @returns `this`, fitted.
   * @throws InputError when `values` is empty or holds a non-finite number (naming its index).
   */
  fit(values: ArrayLike<number>): this {
    checkValues(values, 'MinMaxScaler.fit', true);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.state = { min, max };
    return this;
  }

  /**
   * Scales `values` into the feature range (see the class summary for the formula).
   *
   * @param values - Finite numbers; not modified.
   * @returns A new array, same length.
   * @throws InputError before `fit`, or for a non-finite value.
   */
  transform(values: ArrayLike<number>): Float64Array {
    const { min, width } = this.params('transform');
    checkValues(values, 'MinMaxScaler.transform', false);
    const [low, high] = this.featureRange;
    const span = high - low;
    const out = new Float64Array(values.length);
    for (let i = 0; i < out.length; i++) out[i] = ((values[i] - min) * span) / width + low;
    return out;
  }

  /**
   * Maps scaled values back to the original units.
   *
   * @param values - Finite numbers; not modified.
   * @returns A new array, same length.
   * @throws InputError before `fit`, or for a non-finite value.
   */
  inverseTransform(values: ArrayLike<number>): Float64Array {
    const { min, width } = this.params('inverseTransform');
    checkValues(values, 'MinMaxScaler.inverseTransform', false);
    const [low, high] = this.featureRange;
    const span = high - low;
    const out = new Float64Array(values.length);
    for (let i = 0; i < out.length; i++) out[i] = ((values[i] - low) * width) / span + min;
    return out;
  }

  /**
   * @returns `{ kind: 'minmax', featureRange, min, max }`.
   * @throws InputError before `fit`.
   */
  toJSON(): MinMaxScalerState {
    const state = this.requireState('toJSON');
    return { kind: 'minmax', featureRange: [this.featureRange[0], this.featureRange[1]], min: state.min, max: state.max };
  }

  private requireState(method: string): { min: number; max: number } {
    if (this.state === null) throw notFitted('MinMaxScaler', method);
    return this.state;
  }

  private params(method: string): { min: number; width: number } {
    const { min, max } = this.requireState(method);
    // Constant column: a width of 1 keeps the map invertible (see the class summary).
    return { min, width: max > min ? max - min : 1 };
  }
}

/**
 * Standardises a column: `y = (x - mean) / std`, with the population standard deviation
 * (divisor `n`, as scikit-learn's `StandardScaler`).
 *
 * Constant column (`std === 0`): the divisor is taken as 1 (as scikit-learn does), so values are
 * only centred and the constant maps to 0; the inverse stays exact.
 *
 * @example
 * const s = new StandardScaler().fit([1, 3]); // mean 2, std 1
 * s.transform([1, 4]);          // Float64Array [-1, 2]
 * s.inverseTransform([-1, 2]);  // Float64Array [1, 4]
 */
export class StandardScaler implements Scaler {
  private state: { mean: number; std: number } | null = null;

  /**
   * Restores a fitted scaler from {@link StandardScaler.toJSON}'s output.
   *
   * @param state - A standard state; validated.
   * @returns A fitted scaler.
   * @throws InputError for a corrupt state, naming the field and value.
   * @example
   * const copy = StandardScaler.fromJSON({ kind: 'standard', mean: 2, std: 1 });
   */
  static fromJSON(state: unknown): StandardScaler {
    const s = objectState(state);
    expectKind(s, 'standard');
    const mean = finiteField(s, 'mean');
    const std = finiteField(s, 'std');
    if (std < 0) {
      throw new InputError(`scaler state.std must be >= 0, got ${std}`, { argument: 'state', value: std });
    }
    const scaler = new StandardScaler();
    scaler.state = { mean, std };
    return scaler;
  }

  get fitted(): boolean {
    return this.state !== null;
  }

  /**
   * Learns the mean and population standard deviation of `values` (two passes, for accuracy).
   *
   * @param values - At least one finite number; not modified.
   * @returns `this`, fitted.
   * @throws InputError when `values` is empty or holds a non-finite number (naming its index).
   */
  fit(values: ArrayLike<number>): this {
    checkValues(values, 'StandardScaler.fit', true);
    const n = values.length;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[i];
    const mean = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const d = values[i] - mean;
      squares += d * d;
    }
    this.state = { mean, std: Math.sqrt(squares / n) };
    return this;
  }

  /**
   * Standardises `values` (see the class summary for the formula).
   *
   * @param values - Finite numbers; not modified.
   * @returns A new array, same length.
   * @throws InputError before `fit`, or for a non-finite value.
   */
  transform(values: ArrayLike<number>): Float64Array {
    const { mean, scale } = this.params('transform');
    checkValues(values, 'StandardScaler.transform', false);
    const out = new Float64Array(values.length);
    for (let i = 0; i < out.length; i++) out[i] = (values[i] - mean) / scale;
    return out;
  }

  /**
   * Maps standardised values back to the original units: `x = y * std + mean`.
   *
   * @param values - Finite numbers; not modified.
   * @returns A new array, same length.
   * @throws InputError before `fit`, or for a non-finite value.
   */
  inverseTransform(values: ArrayLike<number>): Float64Array {
    const { mean, scale } = this.params('inverseTransform');
    checkValues(values, 'StandardScaler.inverseTransform', false);
    const out = new Float64Array(values.length);
    for (let i = 0; i < out.length; i++) out[i] = values[i] * scale + mean;
    return out;
  }

  /**
   * @returns `{ kind: 'standard', mean, std }` (`std` as fitted, 0 for a constant column).
   * @throws InputError before `fit`.
   */
  toJSON(): StandardScalerState {
    const { mean, std } = this.requireState('toJSON');
    return { kind: 'standard', mean, std };
  }

  private requireState(method: string): { mean: number; std: number } {
    if (this.state === null) throw notFitted('StandardScaler', method);
    return this.state;
  }

  private params(method: string): { mean: number; scale: number } {
    const { mean, std } = this.requireState(method);
    // Constant column: divide by 1 (see the class summary).
    return { mean, scale: std > 0 ? std : 1 };
  }
}

/**
 * Restores a fitted scaler from its JSON state (as produced by `toJSON`, possibly after a
 * round trip through `JSON.stringify` / `JSON.parse`).
 *
 * @param state - Untrusted data, e.g. read from a saved model bundle.
 * @returns A fitted {@link MinMaxScaler} or {@link StandardScaler}, by `state.kind`.
 * @throws InputError for a corrupt state: not an object, unknown `kind`, a missing or non-finite
 *   number, `featureRange` not `[low, high]` with `low < high`, `max < min` or `std < 0`; the
 *   message names the field and the value, e.g. `scaler state.std must be a finite number, got "x"`.
 * @example
 * const restored = scalerFromJSON(JSON.parse(JSON.stringify(scaler)));
 */
export function scalerFromJSON(state: unknown): Scaler {
  const s = objectState(state);
  if (s.kind === 'minmax') return MinMaxScaler.fromJSON(s);
  if (s.kind === 'standard') return StandardScaler.fromJSON(s);
  throw new InputError(`scaler state.kind must be 'minmax' or 'standard', got ${describeValue(s.kind)}`, {
    argument: 'state',
    value: s.kind,
  });
}

// ---------------------------------------------------------------------------------------------

function isRange(range: unknown): range is readonly [number, number] {
  return (
    Array.isArray(range) &&
    range.length === 2 &&
    typeof range[0] === 'number' &&
    typeof range[1] === 'number' &&
    Number.isFinite(range[0]) &&
    Number.isFinite(range[1]) &&
    range[0] < range[1]
  );
}

/** Like describeValue, but keeps Infinity and NaN visible inside arrays (JSON turns them into null). */
function describeList(value: unknown): string {
  return Array.isArray(value) ? `[${value.map((v) => describeValue(v)).join(', ')}]` : describeValue(value);
}

function notFitted(name: string, method: string): InputError {
  return new InputError(`${name}.${method} called before fit`, { method });
}

function checkValues(values: ArrayLike<number>, where: string, nonEmpty: boolean): void {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new InputError(`${where}: values must be an array of numbers, got ${describeValue(values)}`, {
      argument: 'values',
    });
  }
  if (nonEmpty && values.length === 0) {
    throw new InputError(`${where}: values must not be empty`, { argument: 'values' });
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InputError(`${where}: values[${i}] must be a finite number, got ${describeValue(v)}`, {
        argument: 'values',
        index: i,
        value: v,
      });
    }
  }
}

function objectState(state: unknown): Record<string, unknown> {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) {
    throw new InputError(`scaler state must be an object, got ${describeValue(state)}`, { argument: 'state' });
  }
  return state as Record<string, unknown>;
}

function expectKind(state: Record<string, unknown>, kind: ScalerState['kind']): void {
  if (state.kind !== kind) {
    throw new InputError(`scaler state.kind must be '${kind}', got ${describeValue(state.kind)}`, {
      argument: 'state',
      value: state.kind,
    });
  }
}

function finiteField(state: Record<string, unknown>, field: string): number {
  const v = state[field];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new InputError(`scaler state.${field} must be a finite number, got ${describeValue(v)}`, {
      argument: 'state',
      field,
      value: v,
    });
  }
  return v;
}
