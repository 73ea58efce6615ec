/**
 * Chronological splits of a panel, applied to each series on its own: fractions of each series,
 * or common cutoff time stamps.
 */
import { InputError } from '../errors';
import { panelSeries, seriesError, type Panel } from './panel';
import { type FractionSplitOptions, type SplitIndices, type TimeSplitOptions, splitByFraction, splitByTime } from './split';

/** Per series (in `panel.ids` order), its train / validation / test rows, as series-local indices. */
export type PanelSplit = readonly SplitIndices[];

/**
 * Splits every series of a panel chronologically.
 *
 * With {@link FractionSplitOptions} each series is split by {@link splitByFraction} on its own
 * length (so a long series gives a longer test range); with {@link TimeSplitOptions} every series
 * is cut at the same time stamps by {@link splitByTime}. Either way no row of a series' test range
 * precedes a row of its training or validation range, so no window built from training rows can
 * hold a test-period target.
 *
 * @param panel - The panel; not modified.
 * @param options - Fractions (`valFraction`, `testFraction`) or boundaries (`testStart`, `valStart`).
 * @returns One {@link SplitIndices} per series, in `panel.ids` order, indices local to the series.
 * @throws InputError as the one-series split does, with the message prefixed by the series id,
 *   e.g. `series "b": testFraction 0.01 of 10 rows gives an empty test part (round(0.1) = 0)`.
 * @example
 * const a = parseCsvText('t,y\n1,1\n2,2\n3,3\n4,4\n5,5\n', { time: 't', targets: ['y'] });
 * const b = parseCsvText('t,y\n1,1\n2,2\n3,3\n4,4\n5,5\n6,6\n7,7\n8,8\n9,9\n10,10\n', { time: 't', targets: ['y'] });
 * const split = splitPanel(makePanel([{ id: 'a', series: a }, { id: 'b', series: b }]), { valFraction: 0.2, testFraction: 0.2 });
 * split[1].test; // => { start: 8, end: 10 }
 */
export function splitPanel(panel: Panel, options: FractionSplitOptions | TimeSplitOptions): PanelSplit {
  const byTime = typeof options === 'object' && options !== null && 'testStart' in options;
  return Object.freeze(
    panel.ids.map((id, i) => {
      const series = panelSeries(panel, i);
      try {
        return byTime ? splitByTime(series, options as TimeSplitOptions) : splitByFraction(series.length, options as FractionSplitOptions);
      } catch (error) {
        if (!(error instanceof InputError) || panel.ids.length === 1) throw error;
        throw seriesError(id, error);
      }
    }),
  );
}
