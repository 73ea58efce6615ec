import { describe, expect, it } from 'vitest';
import type { InputError } from '../../src/errors';
import { DEFAULT_KERNEL, DEFAULT_LSTM_CONFIG, MAX_LAYERS, MAX_UNITS, resolveLstmConfig, type LstmConfig } from '../../src/model/config';
import { expectInputError } from './helpers';

describe('resolveLstmConfig', () => {
  it('returns the documented defaults', () => {
    expect(resolveLstmConfig()).toEqual({
      layers: 1,
      units: 64,
      dropout: 0,
      recurrentDropout: 0,
      loss: 'mse',
      optimizer: 'adam',
      learningRate: 1e-3,
      batchSize: 32,
      epochs: 200,
      seed: 42,
      kernel: 'auto',
    });
    expect(DEFAULT_KERNEL).toBe('auto');
    expect(resolveLstmConfig({})).toEqual(DEFAULT_LSTM_CONFIG);
  });

  it('overrides given fields, keeps defaults for undefined ones, and does not mutate the input', () => {
    const partial: Partial<LstmConfig> = { units: 16, layers: 2, loss: 'huber', optimizer: 'sgd', dropout: 0.25, seed: 0, epochs: undefined, kernel: 'stock' };
    const copy = { ...partial };
    const config = resolveLstmConfig(partial);
    expect(config).toEqual({ ...DEFAULT_LSTM_CONFIG, units: 16, layers: 2, loss: 'huber', optimizer: 'sgd', dropout: 0.25, seed: 0, kernel: 'stock' });
    expect(partial).toEqual(copy);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ units: 0 }, 'units must be a positive integer, got 0'],
    [{ units: '64' }, 'units must be a positive integer, got "64"'],
    [{ units: 1.5 }, 'units must be a positive integer, got 1.5'],
    [{ layers: -1 }, 'layers must be a positive integer, got -1'],
    [{ layers: NaN }, 'layers must be a positive integer, got NaN'],
    [{ units: 100000 }, 'units must be a positive integer at most 4096, got 100000'],
    [{ units: 4097 }, 'units must be a positive integer at most 4096, got 4097'],
    [{ layers: 17 }, 'layers must be a positive integer at most 16, got 17'],
    [{ dropout: 1 }, 'dropout must be a number in [0, 1), got 1'],
    [{ dropout: -0.1 }, 'dropout must be a number in [0, 1), got -0.1'],
    [{ recurrentDropout: '0.2' }, 'recurrentDropout must be a number in [0, 1), got "0.2"'],
    [{ loss: 'rmse' }, 'loss must be one of "mse", "mae", "huber", got "rmse"'],
    [{ optimizer: 'Adam' }, 'optimizer must be one of "adam", "rmsprop", "sgd", got "Adam"'],
    [{ learningRate: 0 }, 'learningRate must be a positive finite number, got 0'],
    [{ learningRate: Infinity }, 'learningRate must be a positive finite number, got Infinity'],
    [{ batchSize: 0 }, 'batchSize must be a positive integer, got 0'],
    [{ epochs: 2.5 }, 'epochs must be a positive integer, got 2.5'],
    [{ seed: -1 }, 'seed must be an integer in [0, 4294967295], got -1'],
    [{ seed: 2 ** 32 }, 'seed must be an integer in [0, 4294967295], got 4294967296'],
    [{ seed: null }, 'seed must be an integer in [0, 4294967295], got null'],
    [{ kernel: 'gpu' }, 'kernel must be one of "auto", "fused", "stock", got "gpu"'],
    [{ kernel: 'Fused' }, 'kernel must be one of "auto", "fused", "stock", got "Fused"'],
    [{ kernel: null }, 'kernel must be one of "auto", "fused", "stock", got null'],
    [{ unit: 64 }, 'unknown LSTM config field "unit"; expected one of layers, units, dropout, recurrentDropout, loss, optimizer, learningRate, batchSize, epochs, seed, kernel'],
  ])('rejects %j', (partial, message) => {
    expectInputError(() => resolveLstmConfig(partial as unknown as Partial<LstmConfig>), message);
  });

  it('accepts units and layers up to MAX_UNITS and MAX_LAYERS', () => {
    expect(MAX_UNITS).toBe(4096);
    expect(MAX_LAYERS).toBe(16);
    expect(resolveLstmConfig({ units: MAX_UNITS, layers: MAX_LAYERS })).toMatchObject({ units: 4096, layers: 16 });
  });

  it('names the option in the error details (the CLI maps it to --units)', () => {
    let thrown: unknown;
    try {
      resolveLstmConfig({ units: 100000 });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as InputError).details).toMatchObject({ argument: 'units', value: 100000 });
  });

  it('rejects a non-object', () => {
    expectInputError(() => resolveLstmConfig([] as unknown as Partial<LstmConfig>), 'LSTM config must be an object, got []');
  });
});
