/**
 * Headless notebook runner (papermill for tslab): kernelspec discovery, the Jupyter wire protocol,
 * parameter injection, execution, batch runs and HTML reports. Notebooks import `./glue` directly
 * (it has no runtime imports); this barrel is for Node code.
 */
export * from './batch';
export * from './cli';
export * from './errorBanner';
export * from './execute';
export * from './executionManager';
export * from './glue';
export * from './headless';
export * from './html';
export * from './kernel';
export * from './kernelspec';
export * from './messages';
export * from './nbformat';
export * from './parameters';
export * from './tslabErrors';
