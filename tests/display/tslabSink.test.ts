import Module from 'module';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { findTslabWriter } from '../../src/display/tslabSink';
import type { DisplayContent } from '../../src/display/tslabSink';
import { displayFigure, setDisplaySink, PLOTLY_MIME } from '../../src/display/display';
import { seriesFigure } from '../../src/plot/seriesFigure';

const fakeFile = path.join(path.sep, 'fake', 'node_modules', 'tslab', 'dist', 'jupyter.js');

/** Puts a fake tslab `dist/jupyter.js` into the module cache, as a running kernel would have. */
function installFakeTslab(exportsObject: Record<string, unknown>): void {
  const mod = new Module(fakeFile);
  mod.filename = fakeFile;
  mod.loaded = true;
  mod.exports = exportsObject;
  require.cache[fakeFile] = mod;
}

afterEach(() => {
  delete require.cache[fakeFile];
  setDisplaySink(undefined);
});

describe('findTslabWriter', () => {
  it('is undefined when tslab is not loaded', () => {
    expect(findTslabWriter()).toBeUndefined();
  });

  it('is undefined when the real tslab module is loaded but no cell has run', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
    expect(jupyter.lastWriteDisplayData).toBeNull();
    expect(Object.keys(require.cache).some((f) => /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(f))).toBe(true);
    expect(findTslabWriter()).toBeUndefined();
  });

  it('reads the kernel writer at call time (tslab replaces it for every cell)', () => {
    const calls: string[] = [];
    const exportsObject: Record<string, unknown> = { lastWriteDisplayData: () => calls.push('cell 1') };
    installFakeTslab(exportsObject);
    findTslabWriter()?.({ data: {}, metadata: {}, transient: {} }, false);
    exportsObject.lastWriteDisplayData = () => calls.push('cell 2');
    findTslabWriter()?.({ data: {}, metadata: {}, transient: {} }, false);
    expect(calls).toEqual(['cell 1', 'cell 2']);
  });

  it('routes displayFigure to the kernel writer when no sink is set', () => {
    const received: Array<[DisplayContent, boolean]> = [];
    installFakeTslab({ lastWriteDisplayData: (c: DisplayContent, u: boolean) => received.push([c, u]) });
    setDisplaySink(undefined);
    const fig = seriesFigure({ time: [0, 1], series: [{ name: 'x', values: [1, 2] }] });
    displayFigure(fig, { displayId: 'k' });
    displayFigure(fig, { displayId: 'k', update: true });
    expect(received.map(([c, u]) => [c.transient.display_id, u, PLOTLY_MIME in c.data])).toEqual([
      [undefined, false, false],
      ['k', false, true],
      ['k', true, true],
    ]);
  });
});
