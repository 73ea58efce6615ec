/**
 * The guard a user sees: does a model beat the baselines on the validation range?
 */
import type { MetricSet } from './metrics';

/** What {@link compareWithBaselines} found. */
export interface BaselineComparison {
  /** The model judged. */
  readonly model: string;
  /** Its validation score. */
  readonly score: number;
  /** The best other model and its score (null when no other model has a finite score). */
  readonly best: { readonly model: string; readonly score: number } | null;
  /** Whether the model's score is worse (higher) than the best other's. */
  readonly lost: boolean;
  /** The plain-language warning when it lost, else null. */
  readonly warning: string | null;
}

/**
 * Compares one model's validation metric with every other model's and phrases a warning when
 * another model did better: "on the validation range, lstm's MASE (1.234) is worse than ets's
 * (0.987)". Lower is better; models with a non-finite score are ignored.
 *
 * @param validation - Model name -> metrics on the validation range (e.g. a backtest's `models`).
 * @param model - The model judged. @defaultValue 'lstm'
 * @param metric - The metric compared. @defaultValue 'mase'
 * @param ignore - Models not to compare with (e.g. a combination that contains `model`). @defaultValue []
 * @returns The comparison, with `warning` set when the model lost.
 * @throws Error when `model` has no metrics in `validation`.
 * @example
 * compareWithBaselines({ lstm: { mase: 1.2 }, ets: { mase: 0.9 } } as never).warning;
 * // "on the validation range, lstm's MASE (1.200) is worse than ets's (0.900)"
 */
export function compareWithBaselines(
  validation: Readonly<Record<string, Pick<MetricSet, 'mase'> & Partial<MetricSet>>>,
  model = 'lstm',
  metric: keyof MetricSet = 'mase',
  ignore: readonly string[] = [],
): BaselineComparison {
  const own = validation[model];
  if (!own) throw new Error(`compareWithBaselines: no validation metrics for ${JSON.stringify(model)}`);
  const score = Number(own[metric]);
  let best: { model: string; score: number } | null = null;
  for (const [name, m] of Object.entries(validation)) {
    const value = Number(m[metric]);
    if (name === model || ignore.includes(name) || !Number.isFinite(value)) continue;
    if (best === null || value < best.score) best = { model: name, score: value };
  }
  const lost = best !== null && Number.isFinite(score) && score > best.score;
  const label = metric.toUpperCase();
  const warning = lost
    ? `on the validation range, ${model}'s ${label} (${score.toFixed(3)}) is worse than ${best!.model}'s (${best!.score.toFixed(3)})`
    : null;
  return { model, score, best, lost, warning };
}
