/**
 * Conversion of a validated {@link TimeSeries} to a danfo.js `DataFrame`, for exploration in
 * notebooks. Hot paths (windowing, batching) never go through data frames.
 */
import type { DataFrame } from 'danfojs-node';
import type { TimeSeries } from './types';
import { formatTime } from './time';

/**
 * Builds a danfo.js `DataFrame` from a series.
 *
 * `danfojs-node` is loaded on the first call, not at import time: loading it costs 1.5-3 s.
 *
 * @param series - A validated series; not modified (values are copied into the frame).
 * @returns A frame with `series.length` rows and the columns `[series.timeColumn,
 *   ...series.columns]`: the time column holds ISO 8601 UTC strings
 *   (`2020-01-31T00:00:00.000Z`) when `series.timeKind` is `'date'` and numbers otherwise; the
 *   value columns hold numbers (danfo infers `int32` for all-integer columns, `float32`
 *   otherwise). The frame owns the tensors danfo may create; they are not disposed.
 * @example
 * const frame = toDataFrame(series);
 * frame.head().print();
 */
export function toDataFrame(series: TimeSeries): DataFrame {
  // Lazy on purpose: see the summary.
  const dfd = require('danfojs-node') as typeof import('danfojs-node');
  const data: Record<string, (string | number)[]> = {};
  data[series.timeColumn] =
    series.timeKind === 'date'
      ? Array.from(series.time, (t) => formatTime(t, 'date'))
      : Array.from(series.time);
  for (const column of series.columns) data[column] = Array.from(series.values[column]);
  return new dfd.DataFrame(data, { columns: [series.timeColumn, ...series.columns] });
}
