/**
 * The statistical reference models every backtest runs next to the naive baselines: AutoETS and
 * Theta (and ARIMA where available), each fitted once on the rows before the first origin.
 */
import { etsForecaster, type EtsFit } from './ets';
import { type OriginForecaster } from './forecaster';
import { thetaForecaster, type ThetaFit } from './theta';
import { assertInteger } from './validate';

/** Names of the statistical reference models, in report order. */
export const STATISTICAL_MODELS = ['ets', 'theta'] as const;
/** One of {@link STATISTICAL_MODELS}. */
export type StatisticalModelName = (typeof STATISTICAL_MODELS)[number];

/**
 * The statistical reference models as batch forecasters for a series with seasonal period
 * `season`: `ets` ({@link etsForecaster}, model chosen by AICc) and `theta`
 * ({@link thetaForecaster}).
 *
 * @param season - Seasonal period in rows, a positive integer (1 = none).
 * @param onFit - Called with each model's name and a one-line description of its fit, e.g.
 *   `('ets', 'ETS(M,A,M)')` or `('theta', 'seasonal, alpha 0.521, drift 0.84')`.
 * @returns Model name -> forecaster, in {@link STATISTICAL_MODELS} order.
 * @throws {@link InputError} when `season` is not a positive integer.
 * @example
 * await rollingOriginBacktest(y, statisticalForecasters(12), { horizon: 12, testStart: 96, season: 12 });
 */
export function statisticalForecasters(
  season: number,
  onFit?: (model: StatisticalModelName, description: string) => void,
): Record<StatisticalModelName, OriginForecaster> {
  assertInteger('season', season, 1);
  return {
    ets: etsForecaster({ period: season, onFit: (fit) => onFit?.('ets', describeEts(fit)) }),
    theta: thetaForecaster({ period: season, onFit: (fit) => onFit?.('theta', describeTheta(fit)) }),
  };
}

/** "ETS(M,Ad,M)", as R prints it. */
export function describeEts(fit: EtsFit): string {
  const c = fit.components;
  return `ETS(${c.error},${c.trend},${c.season})`;
}

/** "seasonal, alpha 0.521, drift 0.84" (or "not seasonal, ..."). */
export function describeTheta(fit: ThetaFit): string {
  return `${fit.seasonal ? 'seasonal' : 'not seasonal'}, alpha ${fit.alpha.toFixed(3)}, drift ${fit.drift.toPrecision(3)}`;
}
