/**
 * Data preparation: loading and validating CSV time series, chronological splits, scaling,
 * target transforms, windowing and batching.
 *
 * Layering: nothing here imports from `model`, `eval` or entry points.
 */
export * from './types';
export * from './time';
export * from './source';
export * from './missing';
export * from './frame';
export * from './csv';
export * from './csvTable';
export { type CsvColumn, type CsvNumberColumn, type CsvTextColumn, type CsvTexts, type CsvTimeColumn, TIME_CELL } from './csvColumns';
export * from './split';
export * from './scale';
export * from './transform';
export * from './window';
export * from './batches';
export * from './frequency';
export * from './calendar';
export * from './panel';
export * from './panelSplit';
export * from './panelWindows';
export * from './panelCsv';
export * from './futureCsv';
