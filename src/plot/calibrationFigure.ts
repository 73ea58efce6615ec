/**
 * How well prediction intervals were calibrated: the share of test points each level's intervals
 * covered, per horizon step, against the nominal level.
 */
import { InputError, describeValue } from '../errors';
import { axis, baseLayout, colorAt } from './style';
import { assertName, assertOptionalString } from '../validate';
import type { PlotlyFigure, PlotlyTrace } from './figure';

/** One model's empirical coverage of one level, per step. */
export interface CoverageLine {
  /** Model name. */
  readonly name: string;
  /** Nominal level, percent. */
  readonly level: number;
  /** `coverage[k - 1]`: share (0..1) of step-k test points inside the intervals; NaN or null where none was scored. */
  readonly coverage: ReadonlyArray<number | null>;
}

/** Options of {@link calibrationFigure}. */
export interface CalibrationFigureOptions {
  /** At least one line; all with the same number of steps. */
  readonly lines: ReadonlyArray<CoverageLine>;
  /** Figure title. @defaultValue none */
  readonly title?: string;
}

/**
 * Empirical against nominal coverage per horizon step: one line per model and level (in
 * percent, markers at each step), and a dashed line at each nominal level. A calibrated model's
 * lines lie on (or just above) their dashed line.
 *
 * @returns A plotly figure: the model lines in order, then one dashed trace per distinct level.
 * @throws InputError for no lines, a bad name or level, or lines of different lengths.
 * @example
 * const fig = calibrationFigure({ lines: [{ name: 'lstm', level: 80, coverage: [0.82, 0.77] }] });
 * fig.data.map((t) => t.name); // ['lstm 80%', 'nominal 80%']
 */
export function calibrationFigure(options: CalibrationFigureOptions): PlotlyFigure {
  const { lines, title } = options;
  assertOptionalString('title', title);
  if (!Array.isArray(lines) || lines.length === 0) {
    throw new InputError(`lines must hold at least one coverage line, got ${describeValue(lines)}`, { argument: 'lines' });
  }
  const steps = lines[0].coverage.length;
  const x = Array.from({ length: steps }, (_, k) => k + 1);
  const models = [...new Set(lines.map((l) => l.name))];
  const data: PlotlyTrace[] = lines.map((line, i) => {
    assertName(`lines[${i}].name`, line.name);
    if (typeof line.level !== 'number' || !(line.level > 0 && line.level < 100)) {
      throw new InputError(`lines[${i}].level must be a percentage in (0, 100), got ${describeValue(line.level)}`, { argument: 'lines', value: line.level });
    }
    if (line.coverage.length !== steps) {
      throw new InputError(`lines[${i}].coverage must have ${steps} steps (as lines[0]), got ${line.coverage.length}`, { argument: 'lines' });
    }
    const y = line.coverage.map((c: number | null) => (c === null || !Number.isFinite(c) ? null : 100 * c));
    const color = colorAt(models.indexOf(line.name));
    return { type: 'scatter', mode: 'lines+markers', name: `${line.name} ${line.level}%`, x, y, line: { color, width: 1.5, dash: line.level >= 90 ? 'dot' : 'solid' } };
  });
  for (const level of [...new Set(lines.map((l) => l.level))].sort((a, b) => a - b)) {
    data.push({ type: 'scatter', mode: 'lines', name: `nominal ${level}%`, x, y: x.map(() => level), line: { color: '#888888', width: 1, dash: 'dash' } });
  }
  const layout = baseLayout(title);
  layout.xaxis = axis('horizon step', { dtick: 1 });
  layout.yaxis = axis('test points inside the interval (%)');
  return { data, layout };
}
