/**
 * The model layer: LSTM configuration, network construction, training loop, inference and
 * persistence. Consumes `SupervisedSet` from `src/data`; used by `src/eval` and the entry points.
 */
export * from './config';
export * from './kernel';
export * from './lstm';
export * from './losses';
export * from './optimizer';
export * from './adam';
export * from './init';
export * from './callbacks';
export * from './train';
export * from './predict';
export * from './io';
export * from './preprocess';
export * from './forecaster';
export * from './bundle';
export * from './global';
export * from './staticInputs';
export * from './reference';
