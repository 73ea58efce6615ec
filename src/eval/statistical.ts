/**
 * The statistical reference models every backtest runs next to the naive baselines: AutoETS,
 * Theta and AutoARIMA, each fitted once on the rows before the first origin.
 */
import { arimaForecaster, type ArimaFit } from './arima';
import { etsForecaster, type EtsFit } from './ets';
import { type OriginForecaster } from './forecaster';
import { thetaForecaster, type ThetaFit } from './theta';
import { assertInteger } from '../validate';

/** Names of the statistical reference models, in report order. */
export const STATISTICAL_MODELS = ['ets', 'theta', 'arima'] as const;
/**
 * `arima` fits on at most the latest 1,000 rows before the first origin: on 7,000 hourly rows
 * with m = 24 a fit on all of them took about 110 s here (2 cores), on 1,000 about a seventh of it.
 */
export const ARIMA_MAX_FIT_ROWS = 1000;
/**
 * `ets` fits on at most the latest 20,000 rows before the first origin and runs its filter from
 * the first of them, so a fit costs the same on a million rows as on 20,000: AutoETS fits in
 * O(rows) per likelihood evaluation, 6.7 s on 20,000 hourly rows and 13.2 s on 40,000 (m = 24,
 * 2 cores; `autoEts` through the job's `localForecaster`). Every series of the accuracy suite is
 * shorter, so its numbers do not change.
 */
export const ETS_MAX_FIT_ROWS = 20_000;

/** One of {@link STATISTICAL_MODELS}. */
export type StatisticalModelName = (typeof STATISTICAL_MODELS)[number];

/**
 * The statistical reference models as batch forecasters for a series with seasonal period
 * `season`: `ets` ({@link etsForecaster}, model chosen by AICc), `theta`
 * ({@link thetaForecaster}) and `arima` ({@link arimaForecaster}, AutoARIMA, fitted on at most
 * {@link ARIMA_MAX_FIT_ROWS} rows).
 *
 * @param season - Seasonal period in rows, a positive integer (1 = none).
 * @param onFit - Called with each model's name and a one-line description of its fit, e.g.
 *   `('ets', 'ETS(M,A,M)')` or `('theta', 'seasonal, alpha 0.521, drift 0.84')`.
 * @returns Model name -> forecaster, in {@link STATISTICAL_MODELS} order.
 * @throws {@link InputError} when `season` is not a positive integer.
 * @example
 * const y = Array.from({ length: 72 }, (_, t) => 100 + t + 10 * Math.sin((2 * Math.PI * t) / 12));
 * const result = await rollingOriginBacktest(y, statisticalForecasters(12), { horizon: 12, testStart: 60, season: 12 });
 * Object.keys(result.models); // => ['ets', 'theta', 'arima']
 */
export function statisticalForecasters(
  season: number,
  onFit?: (model: StatisticalModelName, description: string) => void,
): Record<StatisticalModelName, OriginForecaster> {
  assertInteger('season', season, 1);
  return {
    ets: etsForecaster({ period: season, onFit: (fit) => onFit?.('ets', describeEts(fit)) }),
    theta: thetaForecaster({ period: season, onFit: (fit) => onFit?.('theta', describeTheta(fit)) }),
    arima: arimaForecaster({ period: season, maxFitRows: ARIMA_MAX_FIT_ROWS, onFit: (fit) => onFit?.('arima', describeArima(fit)) }),
  };
}

/**
 * "ETS(M,Ad,M)", as R prints it.
 * @example
 * describeEts(fitEts([10, 12, 11, 13, 12, 14, 13, 15, 14, 16, 15, 17], 'AAdN')); // => 'ETS(A,Ad,N)'
 */
export function describeEts(fit: EtsFit): string {
  const c = fit.components;
  return `ETS(${c.error},${c.trend},${c.season})`;
}

/**
 * "seasonal, alpha 0.521, drift 0.84" (or "not seasonal, ...").
 * @example
 * describeTheta(fitTheta([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).startsWith('not seasonal, alpha'); // => true
 */
export function describeTheta(fit: ThetaFit): string {
  return `${fit.seasonal ? 'seasonal' : 'not seasonal'}, alpha ${fit.alpha.toFixed(3)}, drift ${fit.drift.toPrecision(3)}`;
}

/**
 * "ARIMA(2,1,1)(0,1,1)[12] with drift", as R prints it.
 * @example
 * const y = Array.from({ length: 40 }, (_, t) => t + Math.sin(t));
 * describeArima(fitArima(y, { p: 1, d: 1, q: 0, P: 0, D: 0, Q: 0, period: 1 }, { constant: 'drift' })); // => 'ARIMA(1,1,0) with drift'
 */
export function describeArima(fit: ArimaFit): string {
  const o = fit.order;
  const seasonal = o.P + o.D + o.Q > 0 ? `(${o.P},${o.D},${o.Q})[${o.period}]` : '';
  const constant = fit.constantKind === 'drift' ? ' with drift' : fit.constantKind === 'mean' ? ' with non-zero mean' : '';
  return `ARIMA(${o.p},${o.d},${o.q})${seasonal}${constant}`;
}
