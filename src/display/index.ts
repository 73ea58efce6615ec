/**
 * Notebook display: figures, tables and HTML shown in tslab notebooks (with plain-text fallbacks
 * outside a kernel), live outputs updated in place, and the live training monitor. Above `plot`
 * (the figures), `report` (the HTML pieces) and `notebook` (only its headless flag,
 * `notebook/headless.ts`, which the training monitor reads).
 */
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
