/**
 * What the figure builders take: time axes, numeric values, index ranges, named series and
 * interval bands. The figure they return is in `./figure`.
 */

import type { TimeKind } from '../data/types';

export type { TimeKind };

/**
 * Time stamps for an x axis: milliseconds since the Unix epoch (UTC) or date strings when the
 * time kind is `'date'`, plain numbers (e.g. step indices) when it is `'number'`.
 */
export type TimeInput = ReadonlyArray<number | string> | Float64Array;

/** Numeric values; `NaN` marks a missing value where a function allows it. */
export type NumericInput = ReadonlyArray<number> | Float64Array | Float32Array;

/** A named series of values, aligned index by index with a time axis. */
export interface NamedValues {
  /** Legend label, non-empty. */
  readonly name: string;
  /** Values; `NaN` is drawn as a gap. */
  readonly values: NumericInput;
}

/**
 * A prediction-interval band of one model at one level, aligned index by index with a time axis:
 * drawn as a translucent area between `lower` and `upper` in the model's colour (wider levels
 * lighter). `NaN` in either bound is a gap.
 */
export interface IntervalBand {
  /** The model's name (the band takes the colour of the forecast line of that name). */
  readonly name: string;
  /** Nominal level, percent. */
  readonly level: number;
  readonly lower: NumericInput;
  readonly upper: NumericInput;
}
