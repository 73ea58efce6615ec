/**
 * Figures: pure builders returning plain plotly JSON (see `./figure`). Showing them in a notebook
 * is `src/display`'s job, embedding them in HTML pages `src/report`'s; this folder imports neither.
 */
export type { PlotlyFigure, PlotlyTrace } from './figure';
export type { TimeInput, TimeKind, NumericInput, NamedValues, IntervalBand } from './types';
export { calibrationFigure } from './calibrationFigure';
export { DEFAULT_MAX_POINTS, downsampleFigure, keptIndices } from './downsample';
export type { DownsampledFigure } from './downsample';
export type { CalibrationFigureOptions, CoverageLine } from './calibrationFigure';
export { seriesFigure, DEFAULT_SERIES_Y_TITLE } from './seriesFigure';
export type { SeriesFigureOptions } from './seriesFigure';
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
