/**
 * Evaluation layer: accuracy metrics, reference forecasters (naive, seasonal naive, mean, drift,
 * Holt-Winters), statistical models (AutoETS, Theta), the rolling-origin backtest and the
 * validation guard; the panel model interface with the local models, combinations, the panel
 * backtest and the step alignment.
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
export { BASELINE_NAMES, baselineForecast, baselineForecastAt, baselineForecaster, drift, meanForecast, naive, seasonalNaive } from './baselines';
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
export { DEFAULT_NM_MAX_EVALUATIONS, DEFAULT_NM_RELTOL, nelderMead } from './nelderMead';
export type { NelderMeadOptions, NelderMeadResult } from './nelderMead';
export { classicalDecomposition } from './decompose';
export type { Decomposition, DecompositionType } from './decompose';
export {
  ETS_MODEL_CODES,
  MAX_ETS_SEASON,
  autoEts,
  etsForecastAt,
  etsForecastFromState,
  etsForecaster,
  fitEts,
  parseEtsCode,
  runEts,
} from './ets';
export type {
  AutoEtsOptions,
  EtsComponents,
  EtsError,
  EtsFit,
  EtsFitOptions,
  EtsForecasterOptions,
  EtsModelCode,
  EtsModelParts,
  EtsParams,
  EtsSeason,
  EtsState,
  EtsTrend,
} from './ets';
export { MIN_THETA_LENGTH, fitTheta, thetaForecastAt, thetaForecaster } from './theta';
export type { ThetaFit, ThetaOptions } from './theta';
export { ARIMA_MAX_FIT_ROWS, ETS_MAX_FIT_ROWS, STATISTICAL_MODELS, describeArima, describeEts, describeTheta, statisticalForecasters } from './statistical';
export type { StatisticalModelName } from './statistical';
export { compareWithBaselines } from './guard';
export type { BaselineComparison } from './guard';
export { ARIMA_KAPPA, AUTO_ARIMA_DEFAULTS, arimaForecastAt, arimaForecaster, autoArima, fitArima } from './arima';
export type { ArimaForecasterOptions } from './arima';
export type { ArimaCoefficients, ArimaConstantKind, ArimaFit, ArimaOrder, AutoArimaOptions, FitArimaOptions } from './arima';
export { leastSquares, solveLinear } from './linearSolve';
export { assertPanelOrigins, lastOrigins, lowerBound, panelForecast, prefitted, stepTimes, truncatePanel, upperBound } from './model';
export type { Forecaster, PanelForecast, PanelOrigins, SeriesForecasts } from './model';
export { DEFAULT_LOCAL_FALLBACK, DEFAULT_LOCAL_SEASON, LOCAL_MODEL_NAMES, localForecaster, referenceForecasters } from './localModels';
export type { LocalForecaster, LocalForecasterOptions, LocalModelName, ReferenceForecastersOptions, SeriesFailure } from './localModels';
export { cachedForecaster, combineForecasters } from './combine';
export type { CachedForecaster, CombinedForecaster } from './combine';
export { DEFAULT_MAX_GROUPS, DEFAULT_MIN_GROUP_ORIGINS, DEFAULT_PROBE_TOLERANCE, DEFAULT_REFIT, defaultGroupOrigins, panelBacktest, seriesGroups } from './panelBacktest';
export type { PanelBacktestOptions, PanelBacktestResult, PanelModelBacktest, ProbePoint, RefitPolicy, SeriesScores } from './panelBacktest';
export { alignedLower, alignedUpper, alignSteps, formatTimes, forecastCsvLines, forecastCsvText, futureCsvLines, futureCsvText, futureRows, stepAlignedForecasts } from './alignment';
export type { AlignmentOptions, FutureSeries, FutureTable, SeriesAlignment, StepAlignment } from './alignment';
export type { AlignedBounds } from './alignment';
export type { SeriesIntervals } from './model';
export { checkLevels, intervalProbabilities, intervalScores, pinballLoss, scaledPinball } from './intervalMetrics';
export type { IntervalScores } from './intervalMetrics';
export { DEFAULT_LEVELS, calibrateConformal, calibrationFromJSON, conformalMinimum, conformalQuantile, withConformalIntervals } from './conformal';
export type { CalibrationMethod, ConformalCalibration } from './conformal';
export { scoreIntervals } from './intervalScoring';
export type { IntervalSummary, PanelIntervalScores } from './intervalScoring';
export { intervalBacktest, validationBacktest, withTestIntervals } from './intervalBacktest';
export type { IntervalBacktest, IntervalBacktestOptions, ValidationBacktest } from './intervalBacktest';
