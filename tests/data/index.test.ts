import { describe, expect, it } from 'vitest';
import * as data from '../../src/data';

describe('src/data barrel', () => {
  it('re-exports the public API', () => {
    for (const name of [
      'parseCsvText', 'loadCsv', 'DEFAULT_MISSING_POLICY', 'MISSING_MARKERS', 'DEFAULT_MIN_ROWS',
      'splitByFraction', 'splitByTime', 'sliceSeries', 'checkRange',
      'MinMaxScaler', 'StandardScaler', 'scalerFromJSON', 'DEFAULT_FEATURE_RANGE',
      'difference', 'undifference', 'relativeToLast', 'fromRelative',
      'kerasWindowStarts', 'timeseriesDataset', 'makeWindowSet', 'makeOriginSet',
      'batches', 'shuffledOrder', 'sequentialOrder', 'countBatches', 'DEFAULT_SHUFFLE_SEED',
      'parseIsoDate', 'parseNumber', 'readTextSource', 'forwardFill', 'interpolateLinear', 'toDataFrame',
      'inferFrequency', 'futureTimes',
      'parseCsvTextWithWarnings', 'DEFAULT_DELIMITER', 'CSV_DELIMITERS', 'MAX_ABS_VALUE', 'DEFAULT_SOURCE_TIMEOUT_MS',
      'findGaps', 'describeFrequency', 'DANFO_MISSING_MESSAGE',
    ]) {
      expect(data, name).toHaveProperty(name);
    }
  });

  it('does not load danfojs-node at import time', () => {
    // Each test file runs in its own process (pool: 'forks'), and this one only imports the barrel.
    // (Checked separately: calling toDataFrame does make this list non-empty.)
    const loaded = Object.keys(require.cache).some((p) => p.includes('node_modules/danfojs-node/'));
    expect(loaded).toBe(false);
  });
});
