/**
 * lstm-workbench: LSTM time-series forecasting on TensorFlow.js.
 *
 * Layers (each imports only from the ones above it):
 * - `io/atomic`: atomic writes of files and directories (`writeFileAtomic`, `writeDirAtomic`), which
 *   every layer's output goes through (the rest of `io` is internal);
 * - `data`: CSV loading and validation, splits, scalers, target transforms, windows, batches;
 * - `backend`: TensorFlow.js backend selection;
 * - `model`: the LSTM, training loop, prediction, the high-level `LstmForecaster`, bundles;
 * - `eval`: metrics, baselines, Holt-Winters, AutoETS, Theta, rolling-origin backtests, the validation guard;
 * - `plot` / `report`: plotly figures, standalone HTML reports (`report` needs only plot's figure type);
 * - `display`: figures, tables and the live training monitor in tslab notebooks;
 * - `job`: the forecast job behind the `forecast` CLI.
 * - `kernels`: the fused LSTM kernels (native addon, WebAssembly) behind `FusedLstm` (below `model`).
 * - `queue`: notebook batches and forecast jobs on BullMQ/Redis workers (above `notebook` and
 *   `job`; not re-exported here, so that loading the library does not load BullMQ: import
 *   `lstm-workbench/dist/queue`).
 */
export * from './errors';
export * from './version';
export * from './io/atomic';
export * from './data';
export * from './backend';
export * from './model';
export * from './eval';
export * from './plot';
export * from './report';
export * from './display';
export * from './job';
export * as notebook from './notebook';
export * as kernels from './kernels/lstm';
