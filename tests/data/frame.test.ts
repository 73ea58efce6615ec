import { describe, expect, it } from 'vitest';
import { toDataFrame } from '../../src/data/frame';
import type { TimeSeries } from '../../src/data/types';

function series(kind: 'date' | 'number'): TimeSeries {
  return {
    timeColumn: 'when',
    timeKind: kind,
    time: Float64Array.of(kind === 'date' ? Date.UTC(2020, 0, 1) : 1, kind === 'date' ? Date.UTC(2020, 0, 2) : 2),
    targets: ['y'],
    features: ['x'],
    columns: ['y', 'x'],
    values: { y: Float64Array.of(1.5, 2.5), x: Float64Array.of(10, 20) },
    length: 2,
    source: 'mem',
  };
}

describe('toDataFrame', () => {
  it('puts the time column first, ISO strings for dates', () => {
    const frame = toDataFrame(series('date'));
    expect(frame.columns).toEqual(['when', 'y', 'x']);
    expect(frame.values).toEqual([
      ['2020-01-01T00:00:00.000Z', 1.5, 10],
      ['2020-01-02T00:00:00.000Z', 2.5, 20],
    ]);
  });

  it('keeps numeric time as numbers and does not mutate the series', () => {
    const s = series('number');
    const frame = toDataFrame(s);
    expect(frame.values).toEqual([
      [1, 1.5, 10],
      [2, 2.5, 20],
    ]);
    expect(Array.from(s.values.y)).toEqual([1.5, 2.5]);
    expect(Array.from(s.time)).toEqual([1, 2]);
  });
});

describe('toDataFrame without danfojs-node', () => {
  it('throws a clear Error naming the optional peer dependency and how to install it', async () => {
    const { execFileSync } = await import('child_process');
    const path = await import('path');
    const root = path.join(__dirname, '..', '..');
    // Make `require('danfojs-node')` fail as it does when the package is not installed.
    const script = `
      const Module = require('module');
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (request === 'danfojs-node') {
          const err = new Error("Cannot find module 'danfojs-node'\\nRequire stack:\\n- x");
          err.code = 'MODULE_NOT_FOUND';
          throw err;
        }
        return resolve.call(this, request, ...rest);
      };
      const { toDataFrame, DANFO_MISSING_MESSAGE } = require('./src/data/frame.ts');
      try {
        toDataFrame({ timeColumn: 't', timeKind: 'number', time: Float64Array.of(1), targets: ['y'], features: [],
          columns: ['y'], values: { y: Float64Array.of(1) }, length: 1, source: 'mem' });
        console.log('no error');
      } catch (e) {
        console.log(JSON.stringify({ name: e.name, message: e.message, same: e.message === DANFO_MISSING_MESSAGE }));
      }`;
    const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const result = JSON.parse(out.trim());
    expect(result).toEqual({
      name: 'Error',
      same: true,
      message:
        'danfojs-node is an optional peer dependency for DataFrames (toDataFrame, LoadedCsv.frame); install it with ' +
        'npm i danfojs-node@1.2.0 (see the README for the npm overrides it needs), or use the typed-array series instead',
    });
  });
});
