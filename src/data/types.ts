/**
 * Shared data contracts between `src/data` (producers), `src/model` and `src/eval` (consumers).
 * Changing a field here changes every layer: keep it small.
 */

/** How the time column was parsed. */
export type TimeKind = 'date' | 'number';

/**
 * A validated, chronologically sorted, gap-policy-applied multivariate time series.
 *
 * Invariants (guaranteed by the loader, relied on everywhere else):
 * - `time` is strictly increasing and finite;
 * - every array in `values` has length `length` and holds only finite numbers;
 * - `targets` and `features` are disjoint, and `columns` is `[...targets, ...features]`.
 */
export interface TimeSeries {
  /** The series id when this is one series of a panel (see `Panel`); absent for a lone series. */
  readonly id?: string;
  /** Name of the time column in the source. */
  readonly timeColumn: string;
  /** `'date'`: `time` holds milliseconds since the Unix epoch (UTC); `'number'`: raw numeric values. */
  readonly timeKind: TimeKind;
  /** Time stamps, length `length`, strictly increasing. */
  readonly time: Float64Array;
  /** Target column names (what is forecast), at least one. */
  readonly targets: readonly string[];
  /** Extra input column names (known only up to the forecast origin), possibly empty. */
  readonly features: readonly string[];
  /** `[...targets, ...features]`. */
  readonly columns: readonly string[];
  /** Column name -> values (length `length`). */
  readonly values: Readonly<Record<string, Float64Array>>;
  /** Number of rows. */
  readonly length: number;
  /** Where the data came from (file path or URL), for error messages and metadata. */
  readonly source: string;
}

/**
 * A supervised dataset of `size` samples that materialises samples on demand, so that memory is
 * O(batch), not O(size x lookback).
 *
 * Sample `i` has an input of shape `[lookback, numFeatures]` and a target of shape
 * `[horizon, numTargets]`, both row-major.
 */
export interface SupervisedSet {
  readonly size: number;
  readonly lookback: number;
  readonly numFeatures: number;
  readonly horizon: number;
  readonly numTargets: number;
  /**
   * Writes samples `indices[k]` into `x` at offset `k * lookback * numFeatures` and into `y` at
   * offset `k * horizon * numTargets`. `x` and `y` must be large enough.
   * @throws RangeError when an index is outside `[0, size)`.
   */
  fill(indices: ArrayLike<number>, x: Float32Array, y: Float32Array): void;
}

/** One batch of samples, row-major: `x` is `[size, lookback, numFeatures]`, `y` is `[size, horizon, numTargets]`. */
export interface Batch {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly size: number;
}
