import { describe, expect, it } from 'vitest';
import { futureCsvColumns, parseFutureCsvText } from '../../src/data/futureCsv';
import { parsePanelCsvText } from '../../src/data/panelCsv';
import { expectInputError } from '../helpers/expectInputError';

/** Two stores, monthly: a ends 2020-03, b ends 2020-02. */
const DATA = [
  'month,store,sales,promo,price',
  '2020-01-01,a,10,0,1.5', '2020-01-01,b,50,1,2',
  '2020-02-01,a,11,1,1.5', '2020-02-01,b,51,0,2',
  '2020-03-01,a,12,0,1.6',
].join('\n') + '\n';
const panel = parsePanelCsvText(DATA, { time: 'month', id: 'store', targets: ['sales'], features: ['promo', 'price'], futureCovariates: ['promo'] }, 'data.csv').panel;
const iso = (t: number): string => new Date(t).toISOString().slice(0, 10);

describe('futureCsvColumns', () => {
  it('lists the header without the time and id columns', () => {
    expect(futureCsvColumns('store,month,promo\na,2020-04-01,1\n', panel, 'plan.csv')).toEqual(['promo']);
  });

  it('names a missing time or id column', () => {
    expectInputError(() => futureCsvColumns('store,day,promo\na,1,1\n', panel, 'plan.csv'), 'plan.csv: has no time column "month" (the data\'s); its columns are [store, day, promo]');
    expectInputError(() => futureCsvColumns('month,promo\n2020-04-01,1\n', panel, 'plan.csv'), 'plan.csv: has no id column "store" (the data\'s); its columns are [month, promo]');
  });
});

describe('parseFutureCsvText', () => {
  it("reads each series' rows after its end, in any row order", () => {
    const text = 'month,store,promo\n2020-04-01,a,1\n2020-03-01,b,1\n2020-05-01,a,0\n2020-04-01,b,0\n';
    const known = parseFutureCsvText(text, panel, {}, 'plan.csv');
    expect(Array.from(known.future[0]!.time, iso)).toEqual(['2020-04-01', '2020-05-01']);
    expect(known.future[0]!.values.promo).toEqual(Float64Array.of(1, 0));
    expect(Array.from(known.future[1]!.time, iso)).toEqual(['2020-03-01', '2020-04-01']);
    expect(known.future[1]!.values.promo).toEqual(Float64Array.of(1, 0));
    expect(panel.future).toEqual([null, null]);
  });

  it('gives null to a series without rows in the file', () => {
    const known = parseFutureCsvText('month,store,promo\n2020-04-01,a,1\n', panel, {}, 'plan.csv');
    expect(known.future[1]).toBeNull();
  });

  it('applies the rows of a file without id column to every series of a wide panel', () => {
    const wide = parsePanelCsvText('t,a,b,promo\n1,1,5,0\n2,2,6,1\n', { time: 't', targets: ['a', 'b'], wide: true, features: ['promo'], futureCovariates: ['promo'] }, 'w.csv').panel;
    const known = parseFutureCsvText('t,promo\n3,1\n4,1\n', wide, {}, 'plan.csv');
    expect(known.future.map((f) => Array.from(f!.values.promo))).toEqual([[1, 1], [1, 1]]);
  });

  it('reads dates with timeFormat and sorts with sort', () => {
    const known = parseFutureCsvText('month,store,promo\n05.2020,a,0\n04.2020,a,1\n', panel, { timeFormat: 'MM.yyyy', sort: true }, 'plan.csv');
    expect(Array.from(known.future[0]!.values.promo)).toEqual([1, 0]);
  });

  it.each([
    ['a gap', 'month,store,promo\n2020-04-01,a,1\n2020-06-01,a,0\n',
      'plan.csv: series "a", line 3: future stamp 2 after the last row must be 2020-05-01T00:00:00.000Z (the next stamp at the series\' frequency), got 2020-06-01T00:00:00.000Z'],
    ['a stamp inside the data', 'month,store,promo\n2020-03-01,a,1\n',
      'plan.csv: series "a", line 2: future stamp 1 after the last row must be 2020-04-01T00:00:00.000Z (the next stamp at the series\' frequency), got 2020-03-01T00:00:00.000Z'],
    ['an unknown id', 'month,store,promo\n2020-04-01,c,1\n', 'plan.csv: series "c" is not a series of the data; the series are "a", "b"'],
    ['a column that is not future-known', 'month,store,promo,price\n2020-04-01,a,1,2\n',
      'plan.csv: column "price" is not a future-known covariate of the data ([promo]); remove it, or read it as one'],
    ['a missing cell', 'month,store,promo\n2020-04-01,a,\n', 'plan.csv: series "a": column "promo", line 2: missing value (""); every future value must be given'],
    ['a word', 'month,store,promo\n2020-04-01,a,yes\n', 'plan.csv: series "a": column "promo", line 2: expected a number, got "yes"'],
    ['an empty file', '', 'plan.csv: file is empty'],
  ])('refuses %s, naming file, series and line', (_what, text, message) => {
    expectInputError(() => parseFutureCsvText(text, panel, {}, 'plan.csv'), message);
  });

  it('ignores the rows of ids listed in ignoreIds (series the loader skipped)', () => {
    const known = parseFutureCsvText('month,store,promo\n2020-04-01,c,1\n2020-04-01,a,1\n', panel, { ignoreIds: ['c'] }, 'plan.csv');
    expect(Array.from(known.future[0]!.values.promo)).toEqual([1]);
  });

  it('refuses a panel without future-known covariates', () => {
    const plain = parsePanelCsvText(DATA, { time: 'month', id: 'store', targets: ['sales'], features: ['promo'] }, 'data.csv').panel;
    expectInputError(
      () => parseFutureCsvText('month,store,promo\n2020-04-01,a,1\n', plain, {}, 'plan.csv'),
      'the data has no future-known covariates, so there are no future values to read (futureCovariates is empty)',
    );
  });
});

describe('parsePanelCsvText futureCovariates', () => {
  it('gives the named features the future-known role', () => {
    expect([panel.features, panel.futureCovariates]).toEqual([['price'], ['promo']]);
  });

  it('refuses a name that is not a feature, or twice', () => {
    expectInputError(
      () => parsePanelCsvText(DATA, { time: 'month', id: 'store', targets: ['sales'], features: ['price'], futureCovariates: ['promo'] }),
      'options.futureCovariates names "promo", which is not one of the features [price]',
    );
    expectInputError(
      () => parsePanelCsvText(DATA, { time: 'month', id: 'store', targets: ['sales'], features: ['promo'], futureCovariates: ['promo', 'promo'] }),
      'options.futureCovariates lists a column twice: [promo, promo]',
    );
  });
});
