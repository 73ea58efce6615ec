/** Small hand-built series and panels for the panel tests of the eval layer (no CSV parsing). */
import { type Panel, makePanel } from '../../src/data/panel';
import type { TimeSeries } from '../../src/data/types';

/** A one-target series `y` at times `time` (default 0, 1, 2, ...), numeric or dates (ISO text). */
export function seriesOf(values: readonly number[], time?: readonly (number | string)[]): TimeSeries {
  const kind = time !== undefined && typeof time[0] === 'string' ? 'date' : 'number';
  const stamps = time === undefined ? values.map((_, i) => i) : time.map((t) => (typeof t === 'string' ? Date.parse(t.length === 10 ? `${t}T00:00:00Z` : t) : t));
  return {
    timeColumn: 't',
    timeKind: kind,
    time: Float64Array.from(stamps),
    targets: ['y'],
    features: [],
    columns: ['y'],
    values: { y: Float64Array.from(values) },
    length: values.length,
    source: 'test',
  };
}

/** A panel of the given series, ids in the key order. */
export function panelOf(members: Readonly<Record<string, TimeSeries>>): Panel {
  return makePanel(Object.entries(members).map(([id, series]) => ({ id, series })));
}

/** Copies of every array of a panel, to check later that nothing wrote to it. */
export function snapshot(panel: Panel): unknown {
  return {
    time: Array.from(panel.time),
    offsets: Array.from(panel.offsets),
    values: Object.fromEntries(Object.entries(panel.values).map(([k, v]) => [k, Array.from(v)])),
  };
}

/** A seasonal series with trend: `base + slope t + amplitude sin(2 pi t / period)`. */
export function seasonal(length: number, period: number, base = 100, slope = 1, amplitude = 10): number[] {
  return Array.from({ length }, (_, t) => base + slope * t + amplitude * Math.sin((2 * Math.PI * t) / period));
}
