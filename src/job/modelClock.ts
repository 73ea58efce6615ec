/**
 * Seconds spent in each model's calls during the job's evaluation, so that `metrics.json` can say
 * how much of the backtest the reference models took (`seconds_by_stage.baselines`).
 */
import type { Forecaster } from '../eval/model';

/** The {@link Forecaster} calls a {@link ModelClock} times. */
const TIMED_CALLS: ReadonlySet<PropertyKey> = new Set(['fit', 'forecastAt', 'forecast']);

/**
 * Adds up, per model name, the wall-clock seconds of the `fit`, `forecastAt` and `forecast`
 * calls of the forecasters it wrapped (from the call until its promise settles). The backtest
 * calls one model at a time, so the seconds of different models do not overlap; wrap only the
 * models that do the work (a combination's parts, not the combination as well, which would
 * count its parts' seconds twice).
 *
 * @example
 * const clock = new ModelClock();
 * const naive = clock.wrap(localForecaster('naive'));
 * await naive.fit(panel, split);
 * clock.seconds(); // => { naive: 0.001 }
 */
export class ModelClock {
  private readonly totals = new Map<string, number>();

  /** @param now - The clock in milliseconds. @defaultValue `Date.now` */
  constructor(private readonly now: () => number = Date.now) {}

  /**
   * `model` with its `fit`, `forecastAt` and `forecast` calls timed under its name. A proxy, so
   * that every other member (a local model's `failures` and `fitted`, anything added to the
   * interface later) reads through unchanged; `model` itself is not modified.
   */
  wrap<F extends Forecaster>(model: F): F {
    return new Proxy(model, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => unknown;
        if (!TIMED_CALLS.has(property)) return method.bind(target);
        return (...args: unknown[]) => this.time(target.name, () => method.apply(target, args) as Promise<unknown>);
      },
    });
  }

  /** Seconds per model name (to the millisecond), in the order the models were first called. */
  seconds(): Record<string, number> {
    return Object.fromEntries([...this.totals].map(([name, seconds]) => [name, Math.round(seconds * 1000) / 1000]));
  }

  /** Seconds of the named models together (0 for a name never called). */
  total(names: Iterable<string>): number {
    let sum = 0;
    for (const name of names) sum += this.totals.get(name) ?? 0;
    return sum;
  }

  private async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const start = this.now();
    try {
      return await work();
    } finally {
      this.totals.set(name, (this.totals.get(name) ?? 0) + (this.now() - start) / 1000);
    }
  }
}
