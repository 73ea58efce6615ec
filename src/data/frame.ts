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
 * `danfojs-node` is an optional peer dependency: it is loaded on the first call, not at import
 * time (loading it costs 1.5-3 s), and only this function needs it.
 *
 * @param series - A validated series; not modified (values are copied into the frame).
 * @returns A frame with `series.length` rows and the columns `[series.timeColumn,
 *   ...series.columns]`: the time column holds ISO 8601 UTC strings
 *   (`2020-01-31T00:00:00.000Z`) when `series.timeKind` is `'date'` and numbers otherwise; the
 *   value columns hold numbers (danfo infers `int32` for all-integer columns, `float32`
 *   otherwise). The frame owns the tensors danfo may create; they are not disposed.
 * @throws Error when `danfojs-node` is not installed, saying how to install it
 *   ({@link DANFO_MISSING_MESSAGE}).
 * @example
 * const frame = toDataFrame(series);
 * frame.head().print();
 */
export function toDataFrame(series: TimeSeries): DataFrame {
  const dfd = loadDanfo();
  const data: Record<string, (string | number)[]> = {};
  data[series.timeColumn] =
    series.timeKind === 'date'
      ? Array.from(series.time, (t) => formatTime(t, 'date'))
      : Array.from(series.time);
  for (const column of series.columns) data[column] = Array.from(series.values[column]);
  return new dfd.DataFrame(data, { columns: [series.timeColumn, ...series.columns] });
}

/**
 * Message of the Error thrown by {@link toDataFrame} when `danfojs-node` is not installed.
 * @defaultValue see the source; names the package, its pinned version and the install command
 */
export const DANFO_MISSING_MESSAGE =
  'danfojs-node is an optional peer dependency for DataFrames (toDataFrame, LoadedCsv.frame); ' +
  'install it with npm i danfojs-node@1.2.0 (see the README for the npm overrides it needs), ' +
  'or use the typed-array series instead';

function loadDanfo(): typeof import('danfojs-node') {
  try {
    // Lazy on purpose: see toDataFrame.
    return require('danfojs-node') as typeof import('danfojs-node');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Only the package itself missing; a broken install (a missing dependency of danfo) keeps
    // its own message, which names what is missing.
    if (e?.code === 'MODULE_NOT_FOUND' && /['"]danfojs-node['"]/.test(e.message.split('\n')[0])) {
      throw new Error(DANFO_MISSING_MESSAGE, { cause: err });
    }
    throw err;
  }
}
