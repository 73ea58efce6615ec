/**
 * Runs across machines: notebook batches and forecast jobs as BullMQ jobs on Redis, workers that
 * run them in sandboxed child processes, and a bull-board dashboard. It sits above `notebook` and
 * `job`, and is not re-exported by the package's main entry (it loads BullMQ and ioredis): import
 * it as `lstm-workbench/dist/queue`.
 */
export * from './url';
export * from './reachable';
export * from './keys';
export * from './payload';
export * from './worker';
export * from './submit';
export * from './notebookBatch';
export * from './notebookQueue';
export * from './forecastQueue';
export * from './dashboard';
export * from './summaryFiles';
export * from './localRedis';
