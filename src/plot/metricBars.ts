import type { PlotlyFigure, PlotlyTrace } from './figure';
import { assertName, assertOptionalString } from '../validate';
import { axis, baseLayout, colorAt } from './style';
import { InputError, describeValue } from '../errors';

/** Options of {@link metricBarsFigure}. */
export interface MetricBarsOptions {
  /** Model name -> metric name -> value. At least one model. */
  readonly metrics: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /**
   * Metrics to show, in order; each must be reported by at least one model.
   * @defaultValue every metric name, in order of first appearance
   */
  readonly metricNames?: ReadonlyArray<string>;
  /**
   * Figure title.
   * @defaultValue {@link DEFAULT_METRICS_TITLE}
   */
  readonly title?: string;
}

/**
 * Title of {@link metricBarsFigure}.
 * @defaultValue `'Metrics by model'`
 */
export const DEFAULT_METRICS_TITLE = 'Metrics by model';

/**
 * Grouped bar chart comparing models: one bar trace per model (in key order of `metrics`), with
 * the metric names on the x axis. A metric a model does not report, or reports as `NaN`, is a
 * missing bar (`null`), never a zero. Each bar is labelled with its value (3 significant digits).
 *
 * @param options - See {@link MetricBarsOptions}; not mutated.
 * @returns A new figure with `layout.barmode === 'group'`.
 * @throws InputError when `metrics` is empty or not an object, a value is not a number or is
 *   infinite, or a name in `metricNames` is empty, repeated or reported by no model.
 * @example
 * const fig = metricBarsFigure({ metrics: { lstm: { mae: 1.2, rmse: 1.5 }, naive: { mae: 2, rmse: 2.4 } } });
 * fig.data.map((t) => t.name); // ['lstm', 'naive']
 * fig.data[0].x; // ['mae', 'rmse']
 */
export function metricBarsFigure(options: MetricBarsOptions): PlotlyFigure {
  const { metrics } = options;
  const title = options.title ?? DEFAULT_METRICS_TITLE;
  assertOptionalString('title', title);
  if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics) || Object.keys(metrics).length === 0) {
    throw new InputError(`metrics must be a non-empty object of model -> metric -> value, got ${describeValue(metrics)}`, {
      argument: 'metrics',
      value: metrics,
    });
  }
  const models = Object.keys(metrics);
  const reported = new Set<string>();
  const firstSeen: string[] = [];
  for (const model of models) {
    const row = metrics[model];
    if (row === null || typeof row !== 'object') {
      throw new InputError(`metrics[${JSON.stringify(model)}] must be an object of metric -> value, got ${describeValue(row)}`, {
        argument: `metrics[${JSON.stringify(model)}]`,
        value: row,
      });
    }
    for (const [metric, value] of Object.entries(row)) {
      if (typeof value !== 'number' || value === Infinity || value === -Infinity) {
        throw new InputError(`metrics[${JSON.stringify(model)}][${JSON.stringify(metric)}] must be a finite number or NaN, got ${describeValue(value)}`, {
          argument: `metrics[${JSON.stringify(model)}][${JSON.stringify(metric)}]`,
          value,
        });
      }
      if (!reported.has(metric)) {
        reported.add(metric);
        firstSeen.push(metric);
      }
    }
  }
  const names = options.metricNames === undefined ? firstSeen : [...options.metricNames];
  names.forEach((name, i) => {
    assertName(`metricNames[${i}]`, name);
    if (!reported.has(name)) {
      throw new InputError(`metricNames[${i}] must be a metric reported by some model (${firstSeen.join(', ')}), got ${describeValue(name)}`, {
        argument: `metricNames[${i}]`,
        value: name,
      });
    }
    if (names.indexOf(name) !== i) {
      throw new InputError(`metricNames[${i}] repeats ${describeValue(name)}`, { argument: `metricNames[${i}]`, value: name });
    }
  });
  const data: PlotlyTrace[] = models.map((model, i) => {
    const row = metrics[model] as Readonly<Record<string, number>>;
    const y = names.map((m) => {
      const v = Object.prototype.hasOwnProperty.call(row, m) ? row[m] : undefined;
      return v === undefined || Number.isNaN(v) ? null : v;
    });
    return {
      type: 'bar',
      name: model,
      x: [...names],
      y,
      text: y.map((v) => (v === null ? '' : v.toPrecision(3))),
      textposition: 'outside',
      marker: { color: colorAt(i) },
    };
  });
  const layout = baseLayout(title);
  layout.barmode = 'group';
  layout.hovermode = 'closest';
  layout.xaxis = axis('metric', { type: 'category' });
  layout.yaxis = axis('value');
  return { data, layout };
}
