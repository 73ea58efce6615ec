import { describe, expect, it } from 'vitest';
import * as evaluation from '../../src/eval';

describe('eval barrel', () => {
  it('exports the public API', () => {
    for (const name of [
      'mae',
      'rmse',
      'mape',
      'smape',
      'mase',
      'maseScale',
      'r2',
      'computeMetrics',
      'naive',
      'seasonalNaive',
      'meanForecast',
      'drift',
      'baselineForecaster',
      'fitHoltWinters',
      'runHoltWinters',
      'forecastHoltWinters',
      'holtWintersForecaster',
      'rollingOriginBacktest',
      'guardedForecaster',
      'perOrigin',
      'minimiseOnGrid',
      'nelderMead',
      'classicalDecomposition',
      'autoEts',
      'fitEts',
      'runEts',
      'etsForecastAt',
      'etsForecaster',
      'fitTheta',
      'thetaForecastAt',
      'thetaForecaster',
      'statisticalForecasters',
      'compareWithBaselines',
      'fitArima',
      'autoArima',
      'arimaForecastAt',
      'arimaForecaster',
      'stepTimes',
      'lastOrigins',
      'assertPanelOrigins',
      'panelForecast',
      'truncatePanel',
      'localForecaster',
      'referenceForecasters',
      'cachedForecaster',
      'combineForecasters',
      'panelBacktest',
      'alignSteps',
      'forecastCsvText',
      'futureRows',
      'futureCsvText',
      'formatTimes',
      'stepAlignedForecasts',
    ]) {
      expect(typeof (evaluation as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(evaluation.BASELINE_NAMES).toEqual(['naive', 'seasonal_naive', 'mean', 'drift']);
    expect(evaluation.DEFAULT_ZERO_POLICY).toBe('error');
    expect(evaluation.DEFAULT_MASE_SEASON).toBe(1);
    expect(evaluation.LOCAL_MODEL_NAMES).toHaveLength(8);
    expect([evaluation.DEFAULT_LOCAL_SEASON, evaluation.DEFAULT_LOCAL_FALLBACK]).toEqual([1, 'naive']);
    expect([evaluation.DEFAULT_REFIT, evaluation.DEFAULT_PROBE_TOLERANCE]).toEqual(['never', 1e-6]);
  });

  it('does not export internal helpers', () => {
    expect('metricsWithScale' in evaluation).toBe(false);
  });
});
