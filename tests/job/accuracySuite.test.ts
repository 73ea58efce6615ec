import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/data/csv';
import { accuracySuite } from '../../src/job/accuracySuite';

const DATA = path.join(__dirname, '..', '..', 'node_modules', 'vega-datasets', 'data');

describe('accuracySuite', () => {
  it('builds 36 real series with their m and h, each a valid CSV the forecast job reads', async () => {
    const suite = await accuracySuite(DATA);
    expect(suite).toHaveLength(36);
    expect(new Set(suite.map((s) => s.name)).size).toBe(36);
    const byFrequency = (f: string) => suite.filter((s) => s.frequency === f).length;
    expect([byFrequency('monthly'), byFrequency('quarterly'), byFrequency('yearly'), byFrequency('daily'), byFrequency('hourly')]).toEqual([26, 2, 4, 2, 2]);
    for (const s of suite) {
      const series = parseCsvText(s.csv, { time: 'time', targets: ['value'], gaps: s.gaps });
      expect(series.length, s.name).toBeGreaterThanOrEqual(17);
      expect(Number.isInteger(s.season) && Number.isInteger(s.horizon)).toBe(true);
    }
    const co2 = suite.find((s) => s.name === 'co2')!;
    expect([co2.season, co2.horizon]).toEqual([12, 12]);
    expect(co2.csv.split('\n')[1]).toBe('1958-03-01,315.7');
    const aapl = suite.find((s) => s.name === 'stock_aapl')!;
    expect(aapl.csv.split('\n')[1]).toBe('2000-01-01,25.94');
    const quarterly = suite.find((s) => s.name === 'unemployed_construction_quarterly')!;
    expect(quarterly.csv.trim().split('\n')).toHaveLength(1 + 40);
  });
});
