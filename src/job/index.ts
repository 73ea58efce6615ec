export * from './forecastJob';
export * from './metrics';
export * from './progress';
export * from './report';
export * from './evaluate';
export * from './lstmModel';
export * from './calibrationFile';
