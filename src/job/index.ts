export * from './forecastJob';
export * from './progress';
export * from './report';
