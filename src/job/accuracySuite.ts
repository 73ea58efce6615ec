/**
 * The accuracy suite: real series that install with the project's dev dependencies
 * (`vega-datasets` 3.2.1, BSD-3-Clause; each dataset's own source and licence below, as its
 * `datapackage.json` lists them), each with its seasonal period m and horizon h.
 *
 * | dataset | source, licence | series |
 * |---|---|---|
 * | co2-concentration.csv | Scripps CO2 Program, CC-BY-4.0 | monthly CO2, Mauna Loa |
 * | us-employment.csv | BLS Current Employment Statistics, US government | 5 monthly industries (seasonally adjusted) |
 * | unemployment-across-industries.json | BLS / Census CPS, US government | 14 monthly industries (not adjusted) |
 * | stocks.csv, sp500.csv | Yahoo Finance via vega-datasets | 5 monthly share prices, the S&P 500 |
 * | global-temp.csv | NASA GISS, US government | yearly temperature anomaly |
 * | iowa-electricity.csv | US EIA, US government | 3 yearly generation sources (17 rows each) |
 * | seattle-weather.csv, weather.csv | NOAA, US government | daily maximum temperature, Seattle and New York |
 * | seattle-weather-hourly-normals.csv | NOAA NCDC, US government | hourly temperature and pressure normals |
 *
 * Two quarterly series are sums of three months of two unemployment industries. Files the CLI
 * cannot read as they are (JSON, long format, `Jan 1 2000` dates) are rewritten as plain CSV.
 */
import type { GapPolicy } from '../data/csv';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

/** One series of the suite. */
export interface AccuracySeries {
  /** Unique name, usable as a file name. */
  readonly name: string;
  /** `monthly`, `quarterly`, `yearly`, `daily` or `hourly`. */
  readonly frequency: 'monthly' | 'quarterly' | 'yearly' | 'daily' | 'hourly';
  /** Seasonal period m in rows (1 = none). */
  readonly season: number;
  /** Forecast horizon h in rows. */
  readonly horizon: number;
  /** CSV text with columns `time` and `value`. */
  readonly csv: string;
  /** Where the data comes from (file in vega-datasets, and the column or filter). */
  readonly origin: string;
  /**
   * How the loader treats missing time stamps (see `GapPolicy`): `'warn'` for the one series
   * with gaps (co2 misses 3 months), so that the suite's data stay those of the published results.
   * @defaultValue `'error'`
   */
  readonly gaps?: GapPolicy;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function csvOf(rows: readonly (readonly [string, number])[]): string {
  return `time,value\n${rows.map(([t, v]) => `${t},${v}`).join('\n')}\n`;
}

/** Rows of a simple comma-separated file (no quoted fields in these datasets). */
async function readCsv(dataDir: string, file: string): Promise<{ header: string[]; rows: string[][] }> {
  const lines = (await fs.readFile(join(dataDir, file), 'utf8')).trim().split(/\r?\n/);
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

function column(table: { header: string[]; rows: string[][] }, time: string, value: string, keep?: (row: string[]) => boolean): [string, number][] {
  const t = table.header.indexOf(time);
  const v = table.header.indexOf(value);
  if (t < 0 || v < 0) throw new Error(`accuracy suite: column ${time} or ${value} missing`);
  return table.rows.filter((r) => keep?.(r) ?? true).map((r) => [r[t], Number(r[v])]);
}

/** `Jan 1 2000` -> `2000-01-01`. */
function isoFromMonthDayYear(text: string): string {
  const [month, day, year] = text.split(' ');
  return `${year}-${String(MONTHS.indexOf(month) + 1).padStart(2, '0')}-${day.padStart(2, '0')}`;
}

/**
 * Builds the suite from a vega-datasets `data` directory.
 *
 * @param dataDir - The `data` folder of the `vega-datasets` package.
 * @returns The series, in a stable order.
 * @throws Error when a file or column is missing.
 * @example
 * const suite = await accuracySuite('node_modules/vega-datasets/data');
 * suite.length; // 36
 */
export async function accuracySuite(dataDir: string): Promise<AccuracySeries[]> {
  const out: AccuracySeries[] = [];
  const add = (s: Omit<AccuracySeries, 'csv'>, rows: [string, number][]): void => {
    out.push({ ...s, csv: csvOf(rows) });
  };

  add({ name: 'co2', frequency: 'monthly', season: 12, horizon: 12, origin: 'co2-concentration.csv: CO2', gaps: 'warn' },
    column(await readCsv(dataDir, 'co2-concentration.csv'), 'Date', 'CO2'));

  const employment = await readCsv(dataDir, 'us-employment.csv');
  for (const name of ['nonfarm', 'construction', 'leisure_and_hospitality', 'retail_trade', 'government']) {
    add({ name: `employment_${name}`, frequency: 'monthly', season: 12, horizon: 12, origin: `us-employment.csv: ${name}` },
      column(employment, 'month', name));
  }

  const unemployment = JSON.parse(await fs.readFile(join(dataDir, 'unemployment-across-industries.json'), 'utf8')) as {
    series: string; year: number; month: number; count: number;
  }[];
  const industries = [...new Set(unemployment.map((r) => r.series))];
  const byIndustry = new Map(industries.map((industry) => [
    industry,
    unemployment
      .filter((r) => r.series === industry)
      .sort((a, b) => a.year - b.year || a.month - b.month)
      .map((r): [string, number] => [`${r.year}-${String(r.month).padStart(2, '0')}-01`, r.count]),
  ]));
  for (const [industry, rows] of byIndustry) {
    const slug = industry.toLowerCase().replace(/[^a-z]+/g, '_');
    add({ name: `unemployed_${slug}`, frequency: 'monthly', season: 12, horizon: 12, origin: `unemployment-across-industries.json: ${industry}` }, rows);
  }
  for (const industry of ['Construction', 'Agriculture']) {
    const monthly = byIndustry.get(industry)!;
    const quarters: [string, number][] = [];
    for (let i = 0; i + 3 <= monthly.length; i += 3) quarters.push([monthly[i][0], monthly[i][1] + monthly[i + 1][1] + monthly[i + 2][1]]);
    add({ name: `unemployed_${industry.toLowerCase()}_quarterly`, frequency: 'quarterly', season: 4, horizon: 4, origin: `unemployment-across-industries.json: ${industry}, summed by quarter` }, quarters);
  }

  const stocks = await readCsv(dataDir, 'stocks.csv');
  for (const symbol of ['AAPL', 'AMZN', 'GOOG', 'IBM', 'MSFT']) {
    const rows = column(stocks, 'date', 'price', (r) => r[0] === symbol).map(([t, v]): [string, number] => [isoFromMonthDayYear(t), v]);
    add({ name: `stock_${symbol.toLowerCase()}`, frequency: 'monthly', season: 1, horizon: 6, origin: `stocks.csv: ${symbol}` }, rows);
  }
  add({ name: 'sp500', frequency: 'monthly', season: 1, horizon: 6, origin: 'sp500.csv: price' },
    column(await readCsv(dataDir, 'sp500.csv'), 'date', 'price').map(([t, v]): [string, number] => [isoFromMonthDayYear(t), v]));

  add({ name: 'global_temp', frequency: 'yearly', season: 1, horizon: 6, origin: 'global-temp.csv: temp' },
    column(await readCsv(dataDir, 'global-temp.csv'), 'year', 'temp').map(([t, v]): [string, number] => [`${t}-01-01`, v]));
  const iowa = await readCsv(dataDir, 'iowa-electricity.csv');
  for (const source of ['Fossil Fuels', 'Nuclear Energy', 'Renewables']) {
    add({ name: `iowa_${source.split(' ')[0].toLowerCase()}`, frequency: 'yearly', season: 1, horizon: 3, origin: `iowa-electricity.csv: ${source}` },
      column(iowa, 'year', 'net_generation', (r) => r[1] === source));
  }

  add({ name: 'seattle_temp_max', frequency: 'daily', season: 1, horizon: 7, origin: 'seattle-weather.csv: temp_max' },
    column(await readCsv(dataDir, 'seattle-weather.csv'), 'date', 'temp_max'));
  add({ name: 'new_york_temp_max', frequency: 'daily', season: 1, horizon: 7, origin: 'weather.csv: temp_max, New York' },
    column(await readCsv(dataDir, 'weather.csv'), 'date', 'temp_max', (r) => r[0] === 'New York'));

  const hourly = await readCsv(dataDir, 'seattle-weather-hourly-normals.csv');
  for (const name of ['temperature', 'pressure']) {
    add({ name: `seattle_hourly_${name}`, frequency: 'hourly', season: 24, horizon: 24, origin: `seattle-weather-hourly-normals.csv: ${name}` },
      column(hourly, 'date', name));
  }
  return out;
}
