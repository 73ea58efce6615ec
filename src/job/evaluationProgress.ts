/**
 * The progress of `evaluateModels` as one count over its phases: every model's validation
 * backtest, test backtest and forecast past the end, in origins.
 */
import type { PanelSplit } from '../data/panelSplit';

/** The phases of `evaluateModels`, in order. */
export const EVALUATION_PHASES = ['validation', 'test', 'future'] as const;
/** A phase of `evaluateModels`. */
export type EvaluationPhase = (typeof EVALUATION_PHASES)[number];

/** One progress event of `evaluateModels`. */
export interface EvaluationProgress {
  readonly phase: EvaluationPhase;
  /** The model that runs now (or just ran). */
  readonly model: string;
  /** Origins forecast so far, over every phase and model. */
  readonly done: number;
  /**
   * Origins in all: per model, the validation rows, the test rows and one origin per series (the
   * forecast past the end). Shrinks when the validation phase is skipped or a model is left out.
   */
  readonly total: number;
}

/**
 * Counts `evaluateModels`' origins: a phase's backtest reports each model's origins done (see
 * `PanelBacktestOptions.onProgress`), and the counter adds the phases and models up.
 *
 * @example
 * // One series: 10 validation rows, 20 test rows; two models.
 * const events: EvaluationProgress[] = [];
 * const counter = new EvaluationCounter([{ train: { start: 0, end: 70 }, val: { start: 70, end: 80 }, test: { start: 80, end: 100 } }], 2, (e) => events.push(e));
 * counter.backtest('validation')('naive', 10, 10);
 * events[0]; // => { phase: 'validation', model: 'naive', done: 10, total: 62 }
 * counter.backtest('test')('naive', 20, 20);
 * events[1].done; // => 40 (both models' validation origins, then naive's test origins)
 */
export class EvaluationCounter {
  private readonly units: Record<EvaluationPhase, number>;
  private total: number;
  /** Origins of the phases finished. */
  private base = 0;
  private phase: EvaluationPhase = 'validation';
  private readonly byModel = new Map<string, number>();

  /**
   * @param split - The job's split: its validation and test rows are the phases' origins.
   * @param models - Models evaluated in each phase.
   * @param emit - Receives every event, synchronously.
   */
  constructor(split: PanelSplit, private readonly models: number, private readonly emit: (event: EvaluationProgress) => void) {
    const rows = (pick: (s: PanelSplit[number]) => { start: number; end: number }): number => split.reduce((n, s) => n + pick(s).end - pick(s).start, 0);
    this.units = { validation: rows((s) => s.val), test: rows((s) => s.test), future: split.length };
    this.total = models * (this.units.validation + this.units.test + this.units.future);
  }

  /** The `onProgress` of `phase`'s backtest: `(model, done, total)` of that backtest. */
  backtest(phase: EvaluationPhase): (model: string, done: number, total: number) => void {
    this.enter(phase);
    return (model, done) => {
      this.byModel.set(model, done);
      this.report(model);
    };
  }

  /** `phase` does not run (a validation range too short): its origins leave the total. */
  skip(phase: EvaluationPhase): void {
    this.enter(phase);
    this.total -= this.models * this.units[phase];
    this.units[phase] = 0;
  }

  /** The future phase: `model` begins (`finished` false) or has forecast every series (true). */
  future(model: string, finished: boolean): void {
    this.enter('future');
    if (finished) this.byModel.set(model, this.units.future);
    this.report(model);
  }

  /** `count` models are not forecast past the end (left out of a one-series run). */
  leaveOut(count: number): void {
    this.total -= count * this.units.future;
  }

  private enter(phase: EvaluationPhase): void {
    if (phase === this.phase) return;
    this.base += this.models * this.units[this.phase];
    this.phase = phase;
    this.byModel.clear();
  }

  private report(model: string): void {
    let done = this.base;
    for (const n of this.byModel.values()) done += n;
    this.emit({ phase: this.phase, model, done, total: this.total });
  }
}
