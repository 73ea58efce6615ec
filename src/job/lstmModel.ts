/**
 * The LSTM behind the one model interface (`Forecaster` of `src/eval/model.ts`): a global model
 * over every series, or a local model per series.
 */
import { InputError, describeValue } from '../errors';
import { panelSeries, type Panel } from '../data/panel';
import type { SplitIndices } from '../data/split';
import type { TimeSeries } from '../data/types';
import type { PanelSplit } from '../data/panelSplit';
import { type Forecaster, type PanelForecast, type PanelOrigins, lastOrigins, panelForecast, stepTimes } from '../eval/model';
import { LstmForecaster } from '../model/forecaster';
import { GlobalLstmForecaster, type GlobalForecasterOptions } from '../model/global';
import type { ResolvedLstmKernel } from '../model/kernel';

/** `global`: one network over every series; `local`: one network per series. */
export type LstmMode = 'global' | 'local';

/** Accepted {@link LstmMode} values. */
export const LSTM_MODES: readonly LstmMode[] = Object.freeze(['global', 'local']);

/**
 * Default mode: one network over every series (for one series both modes are the same model).
 * @defaultValue `'global'`
 */
export const DEFAULT_LSTM_MODE: LstmMode = 'global';

/** Options of {@link LstmModel}. */
export interface LstmModelOptions extends Omit<GlobalForecasterOptions, 'lookback'> {
  /**
   * Input steps per window, or `'auto'` (see `ForecasterOptions.lookback`; local mode and
   * one-series panels only). @defaultValue `defaultLookback(season, horizon, training rows)`
   */
  readonly lookback?: number | 'auto';
  /** @defaultValue {@link DEFAULT_LSTM_MODE} */
  readonly mode?: LstmMode;
  /** Local mode: called before each series' network is trained (1-based). */
  readonly onSeries?: (index: number, count: number, id: string) => void;
  /** Model name in tables and files. @defaultValue `'lstm'` */
  readonly name?: string;
}

/**
 * The LSTM as a panel {@link Forecaster}. After {@link LstmModel.fit}, `networks` holds the trained
 * networks: one (global) or one per series (local), each a {@link GlobalLstmForecaster}.
 */
export class LstmModel implements Forecaster {
  readonly name: string;
  private readonly options: LstmModelOptions;
  private fitted: GlobalLstmForecaster[] = [];
  /** `options.kernel`, else the kernel the first fit resolved (later fits, e.g. refits, reuse it). */
  private kernel: ResolvedLstmKernel | undefined;

  constructor(options: LstmModelOptions) {
    const mode = options.mode ?? DEFAULT_LSTM_MODE;
    if (!LSTM_MODES.includes(mode)) {
      throw new InputError(`mode must be one of 'global', 'local', got ${describeValue(mode)}`, { argument: 'mode', value: mode });
    }
    if (mode === 'local' && ((options.staticInputs?.length ?? 0) > 0 || options.idInput === true)) {
      throw new InputError("staticInputs and idInput describe series to a network shared by them: they need mode 'global'", {
        argument: (options.staticInputs?.length ?? 0) > 0 ? 'staticInputs' : 'idInput',
        value: mode,
      });
    }
    this.options = { ...options, mode };
    this.name = options.name ?? 'lstm';
    this.kernel = options.kernel;
  }

  /**
   * The panel model of one series from a one-series forecaster trained already (as notebooks
   * train it): a {@link Forecaster} for backtests and intervals. It shares the forecaster's
   * network: dispose the forecaster, not this model, when done. Refitting it (`fit`) trains a
   * new network, as any LstmModel does.
   * @param id - The series id in the panel (`panelFromSeries(series, id)`).
   * @example
   * const model = LstmModel.ofSeries(forecaster, 'CO2');
   * await model.forecast(panelFromSeries(series, 'CO2'), 12);
   */
  static ofSeries(forecaster: LstmForecaster, id: string, name = 'lstm'): LstmModel {
    const model = new LstmModel({ horizon: forecaster.horizon, season: forecaster.spec.season, lookback: forecaster.spec.lookback, name });
    model.fitted = [
      GlobalLstmForecaster.fromParts(
        forecaster.model,
        { shared: forecaster.spec, ids: [id], preprocessors: [forecaster.spec.preprocessor], splits: [forecaster.spec.split] },
        forecaster.kernel,
      ),
    ];
    return model;
  }

  /** The mode in use. */
  get mode(): LstmMode {
    return this.options.mode!;
  }

  /** The trained networks (empty before `fit`). */
  get networks(): readonly GlobalLstmForecaster[] {
    return this.fitted;
  }

  /**
   * Trains (or retrains) the network(s); see `GlobalLstmForecaster.fit`. The LSTM kernel is
   * `options.kernel` when given (the job passes the one it resolved and logged), else resolved
   * from `options.model.kernel` by the first fit, once for every series and candidate, and kept
   * for later fits (the refits of a backtest).
   */
  async fit(panel: Panel, split: PanelSplit): Promise<void> {
    this.dispose();
    if (this.mode === 'global' && panel.ids.length > 1) {
      if (this.options.lookback === 'auto') {
        throw new InputError("lookback 'auto' needs one series or mode 'local'; give the global model a number", { argument: 'lookback', value: 'auto' });
      }
      this.fitted = [await GlobalLstmForecaster.fit(panel, split, { ...this.options, kernel: this.kernel, lookback: this.options.lookback as number | undefined })];
      this.kernel = this.fitted[0].kernel;
      return;
    }
    const fitted: GlobalLstmForecaster[] = [];
    try {
      for (let i = 0; i < panel.ids.length; i++) {
        this.options.onSeries?.(i + 1, panel.ids.length, panel.ids[i]);
        const options = { ...this.options, futureCovariates: this.options.futureCovariates ?? panel.futureCovariates, kernel: this.kernel };
        const network = await fitSeries(panel.ids[i], panelSeries(panel, i), split[i], options);
        this.kernel = network.kernel;
        fitted.push(network);
        if (network.history?.aborted) break;
      }
    } catch (error) {
      for (const f of fitted) f.dispose();
      throw error;
    }
    this.fitted = fitted;
  }

  /** Whether training was interrupted (by the abort signal). */
  get aborted(): boolean {
    return this.fitted.some((f) => f.history?.aborted === true);
  }

  /**
   * Direct forecasts; `horizon` may not exceed the trained horizon (the first `horizon` steps of
   * each direct forecast are returned).
   * @throws InputError before `fit`, for a horizon beyond the trained one, or for an unknown series.
   */
  async forecastAt(panel: Panel, origins: PanelOrigins, horizon: number): Promise<PanelForecast> {
    const trained = this.network(panel.ids[0]).horizon;
    if (!Number.isInteger(horizon) || horizon < 1 || horizon > trained) {
      throw new InputError(`horizon must be an integer in [1, ${trained}] (the trained horizon), got ${describeValue(horizon)}`, {
        argument: 'horizon',
        value: horizon,
      });
    }
    const numTargets = panel.targets.length;
    const values = panel.ids.map((id, i) => {
      if (origins[i].length === 0) return [];
      const rows = this.network(id).member(id).forecastAt(panelSeries(panel, i), origins[i], { future: panel.future[i] ?? undefined });
      return rows.map((row) => Float64Array.from({ length: horizon }, (_, k) => row[k * numTargets]));
    });
    return panelForecast(panel, this.name, origins, horizon, values);
  }

  /**
   * `steps` rows past the end of every series (recursive beyond the trained horizon), reading
   * the future-known covariates' values from `panel.future`.
   * @throws InputError when the panel does not know enough of them (naming the column and counts).
   */
  async forecast(panel: Panel, steps: number): Promise<PanelForecast> {
    const last = lastOrigins(panel);
    const series = panel.ids.map((id, i) => {
      const f = this.network(id).member(id).forecast(panelSeries(panel, i), { steps, future: panel.future[i] ?? undefined });
      return { id, index: i, origins: last[i], values: [Float64Array.from(f.values[panel.targets[0]])], times: [stepTimes(panel, i, last[i][0], steps)] };
    });
    return { model: this.name, horizon: steps, timeKind: panel.timeKind, series };
  }

  /** Releases every network. */
  dispose(): void {
    for (const f of this.fitted) f.dispose();
    this.fitted = [];
  }

  private network(id: string): GlobalLstmForecaster {
    if (this.fitted.length === 1) return this.fitted[0];
    if (this.fitted.length === 0) throw new InputError('the LSTM model must be fitted before it forecasts', { argument: 'model' });
    const found = this.fitted.find((f) => f.ids[0] === id);
    if (found === undefined) throw new InputError(`no local LSTM was trained for series ${describeValue(id)}`, { argument: 'id', value: id });
    return found;
  }
}

/**
 * One series' network: the one-series forecaster (which also supports `lookback: 'auto'`),
 * presented as a global model of that one series (bit for bit the same model, see the tests).
 */
async function fitSeries(id: string, series: TimeSeries, split: SplitIndices, options: LstmModelOptions): Promise<GlobalLstmForecaster> {
  const single = await LstmForecaster.fit(series, split, options);
  return GlobalLstmForecaster.fromParts(
    single.model,
    { shared: single.spec, ids: [id], preprocessors: [single.spec.preprocessor], splits: [single.spec.split] },
    single.kernel,
  );
}
