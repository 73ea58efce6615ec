import type { PlotlyFigure } from './figure';

/**
 * A short plain-text description of a figure, for `text/plain` outputs and logs: the title, then
 * one line per legend entry with its point count (and how many are gaps). Consecutive traces with
 * the same name (e.g. the paths of a forecast fan) are counted together.
 *
 * @param figure - The figure; not mutated.
 * @returns Lines joined by `\n`.
 * @example
 * figureSummary({ data: [{ type: 'scatter', name: 'load', x: [0, 1], y: [1, null] }], layout: {} });
 * // 'Figure: 1 trace\n  load: 2 points (1 missing)'
 */
export function figureSummary(figure: PlotlyFigure): string {
  const title = titleOf(figure.layout);
  const groups: { name: string; traces: number; points: number; missing: number }[] = [];
  for (const trace of figure.data) {
    const name = typeof trace.name === 'string' && trace.name !== '' ? trace.name : `(${String(trace.type)})`;
    const values = Array.isArray(trace.y) ? trace.y : Array.isArray(trace.x) ? trace.x : [];
    const missing = values.filter((v) => v === null || (typeof v === 'number' && Number.isNaN(v))).length;
    const last = groups[groups.length - 1];
    if (last !== undefined && last.name === name) {
      last.traces += 1;
      last.points += values.length;
      last.missing += missing;
    } else {
      groups.push({ name, traces: 1, points: values.length, missing });
    }
  }
  const n = figure.data.length;
  const head = `Figure${title === undefined ? '' : ` "${title}"`}: ${n} trace${n === 1 ? '' : 's'}`;
  const lines = groups.map((g) => {
    const traces = g.traces > 1 ? ` (${g.traces} traces)` : '';
    const missing = g.missing > 0 ? ` (${g.missing} missing)` : '';
    return `  ${g.name}${traces}: ${g.points} point${g.points === 1 ? '' : 's'}${missing}`;
  });
  return [head, ...lines].join('\n');
}

function titleOf(layout: Record<string, unknown>): string | undefined {
  const t = layout.title;
  if (typeof t === 'string') return t;
  if (t !== null && typeof t === 'object' && typeof (t as { text?: unknown }).text === 'string') return (t as { text: string }).text;
  return undefined;
}
