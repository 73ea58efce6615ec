/**
 * The fixture of the bit-identity test (`forecasterFuture.test.ts`): a series with a past
 * covariate, fitted with the pure-JS stock kernel on the cpu backend. Its losses and forecasts in
 * `reference/pastCovariates.json` were recorded with the code before future-known covariates existed
 * (commit 4f0f6c3: `LstmForecaster.fit(series, split, options)` and `GlobalLstmForecaster.fit` on
 * the panel `[series, panelSeries2]` with `[split, split]`; their `history.loss`, `history.valLoss`,
 * `forecastAt(..., origins)` and, for the one-series model, `forecast(series).values`).
 */
import type { SplitIndices } from '../../src/data/split';
import { makeSeries } from './helpers';

const N = 96;
const y = Float64Array.from({ length: N }, (_, t) => 20 + 0.1 * t + 3 * Math.sin((2 * Math.PI * t) / 12) + 0.5 * Math.cos(1.7 * t));
const x = Float64Array.from({ length: N }, (_, t) => Math.cos((2 * Math.PI * t) / 12) + 0.2 * Math.sin(0.9 * t));
const y2 = Float64Array.from(y, (v, t) => 2 * v - 0.05 * t);

export const PAST_FIXTURE = {
  series: makeSeries({ y, x }),
  panelSeries2: makeSeries({ y: y2, x: Float64Array.from(x, (v) => -v) }),
  split: { train: { start: 0, end: 66 }, val: { start: 66, end: 78 }, test: { start: 78, end: 96 } } as SplitIndices,
  options: { horizon: 4, season: 12, lookback: 12, targetTransform: 'difference', model: { units: 8, epochs: 4, batchSize: 16, kernel: 'stock' } } as const,
  origins: [70, 80, 95],
};
