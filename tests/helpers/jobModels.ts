/** The models of a forecast job on a seasonal series, in the order of metrics.json and forecast.csv. */
import { JOB_BASELINES } from '../../src/job/forecastJob';
import { STATISTICAL_MODELS } from '../../src/eval/statistical';

export const JOB_MODELS = ['lstm', 'lstm_ets', ...JOB_BASELINES, ...STATISTICAL_MODELS, 'holt_winters'];
