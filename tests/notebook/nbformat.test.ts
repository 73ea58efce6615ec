import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import { readNotebook, serializeNotebook, toLines, validateNotebook, writeNotebook, type Notebook } from '../../src/notebook/nbformat';

const fixtures = path.resolve(__dirname, '..', 'fixtures', 'notebooks');

describe('nbformat', () => {
  it('reads a valid notebook and rejects invalid ones with the file and field', () => {
    expect(readNotebook(path.join(fixtures, 'ok.ipynb')).cells.length).toBeGreaterThan(3);
    expect(() => readNotebook(path.join(fixtures, 'invalid.ipynb'))).toThrow(/invalid\.ipynb is not valid JSON: /);
    expect(() => readNotebook(path.join(fixtures, 'missing.ipynb'))).toThrow(/Cannot read notebook .*missing\.ipynb: ENOENT/);
    expect(() => validateNotebook({ nbformat: 3, nbformat_minor: 0, metadata: {}, cells: [] }, 'x.ipynb'))
      .toThrow('x.ipynb is not a valid nbformat 4 notebook: nbformat must be 4, got 3');
    expect(() => validateNotebook({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', source: 'x', metadata: {} }] }, 'x.ipynb'))
      .toThrow('cells[0].outputs must be an array');
    expect(() => validateNotebook({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'sql', source: 'x', metadata: {} }] }, 'x'))
      .toThrow(InputError);
  });

  it('splits sources into lines and strips in-memory display ids', () => {
    expect(toLines('a\nb\n')).toEqual(['a\n', 'b\n']);
    expect(toLines('')).toEqual([]);
    const nb: Notebook = {
      nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{
        cell_type: 'code', execution_count: 1, metadata: {}, source: 'x\ny',
        outputs: [{ output_type: 'display_data', data: { 'text/plain': 'a' }, metadata: {}, transient: { display_id: 'd' } }],
      }],
    };
    const written = JSON.parse(serializeNotebook(nb));
    expect(written.cells[0].source).toEqual(['x\n', 'y']);
    expect(written.cells[0].outputs[0]).toEqual({ output_type: 'display_data', data: { 'text/plain': 'a' }, metadata: {} });
    expect(nb.cells[0].source).toBe('x\ny'); // not mutated
  });

  it('writes atomically (no temporary file left behind)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nbformat-test-'));
    const file = path.join(dir, 'sub', 'out.ipynb');
    writeNotebook(file, { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['out.ipynb']);
    expect(readNotebook(file).cells).toEqual([]);
  });
  it('writeNotebook leaves no temporary file when the final rename fails (OUTPUT became a non-empty directory)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-write-'));
    const file = path.join(dir, 'out.ipynb');
    fs.mkdirSync(file);
    fs.writeFileSync(path.join(file, 'keep'), 'x');
    expect(() => writeNotebook(file, { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] })).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(fs.readdirSync(dir)).toEqual(['out.ipynb']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
