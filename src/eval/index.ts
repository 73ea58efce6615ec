/**
 * Evaluation layer: accuracy metrics, reference forecasters (naive, seasonal naive, mean, drift,
 * Holt-Winters) and the rolling-origin backtest.
 */
export {
  DEFAULT_MASE_SEASON,
  DEFAULT_ZERO_POLICY,
  computeMetrics,
  mae,
  mape,
  mase,
  maseScale,
  r2,
  rmse,
  smape,
} from './metrics';
export type { MapeOptions, MaseOptions, MetricSet, ZeroPolicy } from './metrics';
export { BASELINE_NAMES, baselineForecaster, drift, meanForecast, naive, seasonalNaive } from './baselines';
export type { BaselineName } from './baselines';
export {
  fitHoltWinters,
  forecastHoltWinters,
  holtWintersForecaster,
  runHoltWinters,
} from './holtWinters';
export type {
  HoltWintersModel,
  HoltWintersOptions,
  HoltWintersParams,
  HoltWintersRun,
  HoltWintersState,
} from './holtWinters';
export { guardedForecaster, perOrigin } from './forecaster';
export type { HistoryForecaster, OriginForecaster } from './forecaster';
export { rollingOriginBacktest } from './backtest';
export type { BacktestOptions, BacktestResult, ModelBacktest } from './backtest';
export {
  DEFAULT_GRID_LEVELS,
  DEFAULT_GRID_POINTS,
  DEFAULT_GRID_SHRINK,
  minimiseOnGrid,
} from './gridSearch';
export type { GridSearchOptions, GridSearchResult } from './gridSearch';
