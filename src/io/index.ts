/**
 * I/O helpers shared by every layer: bounded file reads, text decoding, and atomic writes of
 * files and directories (all file output goes through `./atomic`).
 *
 * Layering: depends only on `../errors`; `data`, `model` and entry points import from here.
 */
export * from './bytes';
export * from './text';
export * from './boundedRead';
export * from './delimiter';
export * from './regularFileSync';
export * from './writable';
export * from './process';
export * from './atomic';
