import { describe, expect, it } from 'vitest';
import { errorWriteCount, parseTslabError } from '../../src/notebook/tslabErrors';

// Texts as tslab 1.0.22 writes them to stderr (captured from a live kernel).
const RUNTIME = [
  'evalmachine.<anonymous>:3', 'function f() { throw new RangeError("deep\\nline2"); }', '               ^', '',
  'RangeError: deep', 'line2', '    at f (evalmachine.<anonymous>:3:22)', '    at evalmachine.<anonymous>:5:22',
  '    at sigintHandlersWrap (node:vm:280:12)', '    at Object.execute (/x/node_modules/tslab/dist/executor.js:160:38)', '',
].join('\n');

describe('parseTslabError', () => {
  it.each([
    ['runtime error with source preamble and multi-line message', RUNTIME, 'RangeError', 'deep\nline2', [
      'evalmachine.<anonymous>:3', 'function f() { throw new RangeError("deep\\nline2"); }', '               ^', '',
      'RangeError: deep', 'line2', '    at f (evalmachine.<anonymous>:3:22)', '    at evalmachine.<anonymous>:5:22',
    ]],
    ['compile errors', "1:7 - Type 'string' is not assignable to type 'number'.\n2:1 - Cannot find name 'x'.\n", 'TSError',
      "1:7 - Type 'string' is not assignable to type 'number'.\n2:1 - Cannot find name 'x'.",
      ["1:7 - Type 'string' is not assignable to type 'number'.", "2:1 - Cannot find name 'x'."]],
    ['interrupt', 'Error: Script execution was interrupted by `SIGINT`\n    at sigintHandlersWrap (node:vm:280:12)\n', 'Error',
      'Script execution was interrupted by `SIGINT`', ['Error: Script execution was interrupted by `SIGINT`']],
    ['a thrown string', 'plain string\n', 'UncaughtValue', 'plain string', ['plain string']],
    ['an error without a message', 'Error\n    at evalmachine.<anonymous>:2:7\n', 'Error', '', ['Error', '    at evalmachine.<anonymous>:2:7']],
  ])('%s', (_name, text, ename, evalue, traceback) => {
    expect(parseTslabError(text)).toEqual({ ename, evalue, traceback });
  });
});

describe('errorWriteCount', () => {
  it('takes every trailing diagnostic for compile errors, else the last write', () => {
    expect(errorWriteCount([])).toBe(0);
    expect(errorWriteCount(['log\n', '1:7 - a\n', '2:1 - b\n'])).toBe(2);
    expect(errorWriteCount(['user warning\n', 'TypeError: x\n    at y\n'])).toBe(1);
  });
});
