/**
 * Input helpers shared by every layer: bounded file reads and text decoding.
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
