/**
 * Validation MASE of the default forecaster with and without `calendar` encoders as future-known
 * inputs, on a synthetic seasonal monthly series with a trend (10 years, m = 12, h = 12).
 * Not a test (not matched by vitest's *.test.ts); it only reports. Run:
 *
 *   npx ts-node --transpile-only tests/model/bench/calendarMase.ts [seeds]
 *
 * Series: y[t] = 100 + 0.8 t + a seasonal profile (one value per month, amplitude ~15) + N(0, 3)
 * noise (seeded), first of each month from January 2010. Split: train 84 rows (7 years),
 * validation 24, test 12. Options: horizon 12, season 12, everything else at its default
 * (targetTransform 'auto', default lookback 21, 200 epochs with early stopping).
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import type { CalendarFeature } from '../../../src/data/calendar';
import type { SplitIndices } from '../../../src/data/split';
import type { TimeSeries } from '../../../src/data/types';
import { LstmForecaster, validationScore } from '../../../src/model/forecaster';

const PROFILE = [-12, -10, -4, 2, 8, 14, 15, 11, 5, -3, -9, -17];

function series(noiseSeed: string): TimeSeries {
  const rng = seedrandom(noiseSeed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const y = Float64Array.from({ length: 120 }, (_, t) => 100 + 0.8 * t + PROFILE[t % 12] + 3 * gauss());
  return {
    timeColumn: 'month',
    timeKind: 'date',
    time: Float64Array.from({ length: 120 }, (_, i) => Date.UTC(2010, i, 1)),
    targets: ['y'],
    features: [],
    columns: ['y'],
    values: { y },
    length: 120,
    source: `synthetic (noise seed ${noiseSeed})`,
  };
}

/** Rolling-origin MASE over the test range, as validationScore scores the validation range. */
function testScore(f: LstmForecaster, s: TimeSeries, split: SplitIndices): number {
  const shifted: SplitIndices = { train: split.train, val: split.test, test: { start: s.length, end: s.length } };
  return validationScore(f, s, shifted, 12);
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const seeds = Number(process.argv[2] ?? 3);
  const split: SplitIndices = { train: { start: 0, end: 84 }, val: { start: 84, end: 108 }, test: { start: 108, end: 120 } };
  const variants: [string, readonly CalendarFeature[]][] = [
    ['no calendar', []],
    ["calendar ['dayOfYearSin', 'dayOfYearCos']", ['dayOfYearSin', 'dayOfYearCos']],
  ];
  const rows: string[] = [];
  const sums = variants.map(() => ({ val: 0, test: 0 }));
  for (let k = 0; k < seeds; k++) {
    const s = series(`noise-${k}`);
    for (const [v, [name, calendar]] of variants.entries()) {
      const start = performance.now();
      const f = await LstmForecaster.fit(s, split, { horizon: 12, season: 12, calendar, model: { seed: 42 + k } });
      const val = validationScore(f, s, split, 12);
      const test = testScore(f, s, split);
      sums[v].val += val;
      sums[v].test += test;
      const chosen = f.spec.selection?.chosen;
      rows.push(
        `seed ${k} | ${name.padEnd(40)} | val MASE ${val.toFixed(3)} | test MASE ${test.toFixed(3)} | ${chosen?.targetTransform}, lookback ${f.lookback}, ${((performance.now() - start) / 1000).toFixed(0)} s`,
      );
      console.log(rows[rows.length - 1]);
      f.dispose();
    }
  }
  variants.forEach(([name], v) => {
    console.log(`mean over ${seeds} seeds | ${name.padEnd(40)} | val MASE ${(sums[v].val / seeds).toFixed(3)} | test MASE ${(sums[v].test / seeds).toFixed(3)}`);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
