/**
 * The forecaster contract of the rolling-origin backtest, and adapters that make a forecaster
 * unable to look past its origin.
 */

/**
 * A batch forecaster for the rolling-origin protocol (see `rollingOriginBacktest`).
 *
 * Called with the full target series, the forecast origins (indices into `series`, increasing)
 * and the horizon h. It must return one Float64Array of length h per origin, in the order of
 * `origins`: element k-1 of the array for origin t is the forecast of `series[t + k]`,
 * k = 1..h. For origin t it may use only `series[0..t]`, both ends included. Steps that fall
 * past the end of the series must still be present (any value; they are not scored).
 *
 * The batch form lets a neural model predict every origin in one call; {@link perOrigin} and
 * {@link guardedForecaster} turn it into one call per origin where that is wanted.
 */
export type OriginForecaster = (
  series: Float64Array,
  origins: readonly number[],
  horizon: number,
) => Float64Array[] | Promise<Float64Array[]>;

/**
 * A single-origin forecaster: from a history (the values up to and including the origin) to
 * `horizon` future values.
 */
export type HistoryForecaster = (history: Float64Array, horizon: number) => Float64Array;

/**
 * Turns a single-origin forecaster into an {@link OriginForecaster} that, for origin t, passes
 * `series.slice(0, t + 1)`: a copy that ends at the origin, so the wrapped function cannot read
 * past it (a `subarray` view would still expose the rest through `.buffer`) and whatever it
 * does to its history cannot affect the next origin. O(t) copying per origin.
 *
 * @param forecast - Maps a history of length t + 1 and a horizon to `horizon` forecasts.
 * @returns A batch forecaster calling `forecast` once per origin.
 * @throws Nothing itself; the returned forecaster throws what `forecast` throws.
 * @example
 * const last = perOrigin((history, h) => new Float64Array(h).fill(history[history.length - 1]));
 * last(Float64Array.of(1, 2, 3, 4), [1, 2], 2); // => [[2, 2], [3, 3]]
 */
export function perOrigin(forecast: HistoryForecaster): OriginForecaster {
  return (series, origins, horizon) =>
    origins.map((origin) => forecast(series.slice(0, origin + 1), horizon));
}

/**
 * Wraps any batch forecaster so that it provably cannot look ahead: for each origin t it calls
 * `forecaster(series.slice(0, t + 1), [t], horizon)`, a truncated copy, one origin at a time.
 *
 * This costs one call per origin instead of one per backtest, so it is opt-in: use it to check a
 * batch forecaster (its guarded and unguarded results must agree) or where the cost is small.
 *
 * @param forecaster - A batch forecaster obeying the {@link OriginForecaster} contract.
 * @returns A batch forecaster with the same results when `forecaster` does not look ahead.
 * @throws Error (asynchronously) when a call does not return exactly one forecast.
 * @example
 * // A leaky forecaster (it reads series[origin + 1]) is cut off: it sees only series[0..origin].
 * const leaky: OriginForecaster = (series, origins) =>
 *   origins.map((t) => Float64Array.of(series[t + 1] ?? -1));
 * await guardedForecaster(leaky)(Float64Array.of(1, 2, 3), [0, 1], 1); // => [[-1], [-1]]
 */
export function guardedForecaster(forecaster: OriginForecaster): OriginForecaster {
  return async (series, origins, horizon) => {
    const forecasts: Float64Array[] = [];
    for (const origin of origins) {
      const result = await forecaster(series.slice(0, origin + 1), [origin], horizon);
      if (!Array.isArray(result) || result.length !== 1) {
        throw new Error(
          `guarded forecaster must return 1 forecast for origin ${origin}, got ` +
            `${Array.isArray(result) ? result.length : typeof result}`,
        );
      }
      forecasts.push(result[0]);
    }
    return forecasts;
  };
}
