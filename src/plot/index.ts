/**
 * Figures (pure builders returning plain plotly JSON) and their display in tslab notebooks.
 */
export type { PlotlyFigure, PlotlyTrace, TimeInput, TimeKind, NumericInput, IndexRange, NamedValues, IntervalBand } from './types';
export { calibrationFigure } from './calibrationFigure';
export { DEFAULT_MAX_POINTS, downsampleFigure, keptIndices } from './downsample';
export type { DownsampledFigure } from './downsample';
export type { CalibrationFigureOptions, CoverageLine } from './calibrationFigure';
export { seriesFigure, DEFAULT_SERIES_Y_TITLE } from './seriesFigure';
export type { SeriesFigureOptions, SplitRanges } from './seriesFigure';
export { forecastFigure, DEFAULT_ACTUAL_NAME, DEFAULT_FORECAST_Y_TITLE } from './forecastFigure';
export type { ForecastFigureOptions, ForecastFan } from './forecastFigure';
export { futureFigure, DEFAULT_HISTORY_NAME } from './futureFigure';
export type { FutureFigureOptions } from './futureFigure';
export { lossFigure, DEFAULT_LOSS_LOG_Y, DEFAULT_LOSS_TITLE, DEFAULT_VAL_LOSS_NAME } from './lossFigure';
export type { LossFigureOptions } from './lossFigure';
export { residualHistogram, autocorrelationFigure, DEFAULT_RESIDUAL_NAME, DEFAULT_ACF_TITLE } from './residualFigures';
export type { ResidualHistogramOptions, AutocorrelationFigureOptions } from './residualFigures';
export { autocorrelation, whiteNoiseBand } from './autocorrelation';
export { metricBarsFigure, DEFAULT_METRICS_TITLE } from './metricBars';
export type { MetricBarsOptions } from './metricBars';
export { windowFigure, DEFAULT_WINDOW_SERIES_NAME } from './windowFigure';
export type { WindowFigureOptions } from './windowFigure';
export { figureSummary } from './summary';
export { toAxisTimes, positionToAxis, DEFAULT_TIME_KIND } from './time';
export type { AxisTimes } from './time';
export { PALETTE, ACTUAL_COLOR, REGION_COLORS, DEFAULT_FIGURE_HEIGHT } from './style';
export {
  displayFigure,
  displayTable,
  displayHtml,
  createLiveDisplay,
  setDisplaySink,
  resetPlotlyLoaded,
  canDisplay,
  PLOTLY_MIME,
  NOTEBOOK_MISSING_PLOTLY_MESSAGE,
  DEFAULT_DISPLAY_MAX_ROWS,
} from './display';
export type { DisplayOptions, DisplayFigureOptions, DisplayTableOptions, DisplayHtmlOptions, LiveDisplay, DisplayContent, DisplayWriter } from './display';
export { createTrainingMonitor, DEFAULT_MONITOR_THROTTLE_MS, DEFAULT_HEADLESS_THROTTLE_MS } from './trainingMonitor';
export type { TrainingMonitor, TrainingMonitorOptions } from './trainingMonitor';
