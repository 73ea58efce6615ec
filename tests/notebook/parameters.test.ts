import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import type { Notebook } from '../../src/notebook/nbformat';
import {
  defaultParameterValues, INJECTED_TAG, parameterizeNotebook, parseDeclaredParameters, parseParametersYaml, parseParameterValue,
  toTypeScriptLiteral,
} from '../../src/notebook/parameters';

describe('parseParameterValue (papermill -p typing)', () => {
  it.each([
    ['12', 12], ['-3', -3], ['+4', 4], ['1.5', 1.5], ['-1.5e3', -1500], ['.5', 0.5], ['007', 7], ['1e-3', 0.001],
    ['true', true], ['True', true], ['false', false], ['False', false], ['null', null], ['None', null],
    ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity],
    ['[1, 2, "a"]', [1, 2, 'a']], ['{"a": {"b": [true]}}', { a: { b: [true] } }],
    ['hello', 'hello'], ['', ''], ['0x10', '0x10'], ['1,5', '1,5'], ['[not json', '[not json'], ['TRUE', 'TRUE'],
    ['12abc', '12abc'], ['héllo wörld ✓', 'héllo wörld ✓'], ['nan', 'nan'],
  ])('%j -> %j', (raw, expected) => {
    expect(parseParameterValue('p', raw)).toEqual(expected);
  });

  it('rejects integers that would lose digits, pointing at -r', () => {
    expect(() => parseParameterValue('seed', '12345678901234567890')).toThrow(InputError);
    expect(() => parseParameterValue('seed', '12345678901234567890')).toThrow(
      'parameter seed: integer 12345678901234567890 is beyond Number.MAX_SAFE_INTEGER and would lose digits; pass it with -r for a string',
    );
  });
});

describe('toTypeScriptLiteral', () => {
  it.each([
    [1, '1'], [-0, '-0'], [1.5e-7, '1.5e-7'], [NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'],
    [true, 'true'], [null, 'null'], [undefined, 'undefined'],
    ['plain', '"plain"'], ['quote " and \\ backslash', '"quote \\" and \\\\ backslash"'],
    ['line\nbreak\ttab\r', '"line\\nbreak\\ttab\\r"'], ['${not} `template`', '"${not} `template`"'],
    ["it's", '"it\'s"'], ['héllo ✓ 日本 🎉', '"héllo ✓ 日本 🎉"'], ['\u0000\u001f', '"\\u0000\\u001f"'],
    ['lone \ud800 surrogate', '"lone \\ud800 surrogate"'], ['</script>', '"</script>"'],
    ['line\u2028sep\u2029para', '"line\\u2028sep\\u2029para"'], [{ 'k\u2028': 1 }, '{"k\\u2028": 1}'],
    [[1, 'a', [null]], '[1, "a", [null]]'], [{ a: 1, 'b-c': [true], '': 'e' }, '{"a": 1, "b-c": [true], "": "e"}'],
  ])('%j -> %s', (value, literal) => {
    expect(toTypeScriptLiteral(value)).toBe(literal);
  });

  it('produces literals that evaluate back to the value', () => {
    const values = ['q"\\\n\u2028x', 'héllo 🎉', [1, { k: 'v' }], -0, { nested: { deep: [1.25, false, null] } }];
    for (const value of values) {
      // eslint-disable-next-line no-new-func
      expect(new Function(`return ${toTypeScriptLiteral(value)};`)()).toEqual(value);
    }
  });

  it('rejects values with no literal form', () => {
    expect(() => toTypeScriptLiteral(() => 1)).toThrow('has no TypeScript literal');
    expect(() => toTypeScriptLiteral(new Date(0))).toThrow(InputError);
    expect(() => toTypeScriptLiteral(10n)).toThrow('of type bigint has no TypeScript literal');
  });
});

describe('parseDeclaredParameters', () => {
  it('finds keyword, name, type annotation and initializer', () => {
    const source = [
      'const epochs: number = 5;', 'let name = "a;b"', 'var mode: "a" | "b" = "a";', 'export const shape: Array<[number, number]> = [[1, 2]];',
      'const f: (x: number) => number = (x) => x * 2;', '// const commented = 1;', '  let indented = { a: 1 };',
    ].join('\n');
    expect(parseDeclaredParameters(source)).toEqual([
      { name: 'epochs', keyword: 'const', type: 'number', initializer: '5' },
      { name: 'name', keyword: 'let', type: undefined, initializer: '"a;b"' },
      { name: 'mode', keyword: 'var', type: '"a" | "b"', initializer: '"a"' },
      { name: 'shape', keyword: 'const', type: 'Array<[number, number]>', initializer: '[[1, 2]]' },
      { name: 'f', keyword: 'const', type: '(x: number) => number', initializer: '(x) => x * 2' },
      { name: 'indented', keyword: 'let', type: undefined, initializer: '{ a: 1 }' },
    ]);
  });

  it('records default values as JSON where they are literals, else source text', () => {
    expect(defaultParameterValues("const a = 1;\nconst b = 'x';\nconst c = [1, 2];\nconst d = Math.PI;\nlet e = 1 < 2;"))
      .toEqual({ a: 1, b: 'x', c: [1, 2], d: 'Math.PI', e: '1 < 2' });
  });
});

const cell = (source: string, tags?: string[]) => ({
  cell_type: 'code' as const, execution_count: null, metadata: tags ? { tags } : {}, outputs: [], source,
});
const notebook = (cells: Notebook['cells']): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });

describe('parameterizeNotebook', () => {
  it('injects right after the parameters cell, keeping keyword and type annotation', () => {
    const input = notebook([cell('import x'), cell('const epochs: number = 1;\nlet name = "a";', ['parameters']), cell('use()')]);
    const before = JSON.stringify(input);
    const { notebook: out, injectedIndex, warnings } = parameterizeNotebook(input, { epochs: 5, name: 'b"c' });
    expect(injectedIndex).toBe(2);
    expect(out.cells.map((c) => c.metadata.tags ?? [])).toEqual([[], ['parameters'], [INJECTED_TAG], []]);
    expect(out.cells[2].source).toBe('// Parameters\nconst epochs: number = 5;\nlet name = "b\\"c";\n');
    expect(warnings).toEqual([]);
    expect(JSON.stringify(input)).toBe(before); // input not mutated
  });

  it('injects first when there is no parameters cell, with a warning', () => {
    const { notebook: out, injectedIndex, warnings } = parameterizeNotebook(notebook([cell('a()'), cell('b()')]), { n: 1 });
    expect(injectedIndex).toBe(0);
    expect(out.cells[0].source).toBe('// Parameters\nconst n = 1;\n');
    expect(warnings).toEqual(['Input notebook has no cell tagged "parameters"; injecting parameters at the top']);
  });

  it('warns about names the parameters cell does not declare, listing the known names', () => {
    const { notebook: out, warnings } = parameterizeNotebook(notebook([cell('const epochs = 1;\nconst lookback = 12;', ['parameters'])]), {
      epcohs: 5, lookback: 24,
    });
    expect(warnings).toEqual(['Passed unknown parameter: epcohs. The parameters cell declares: epochs, lookback']);
    expect(out.cells[1].source).toBe('// Parameters\nconst epcohs = 5;\nconst lookback = 24;\n');
  });

  it('replaces injected cells from an earlier run and injects nothing for no parameters', () => {
    const executed = notebook([cell('const a = 1;', ['parameters']), cell('const a = 2;', [INJECTED_TAG]), cell('x')]);
    expect(parameterizeNotebook(executed, { a: 3 }).notebook.cells.map((c) => c.source)).toEqual(['const a = 1;', '// Parameters\nconst a = 3;\n', 'x']);
    expect(parameterizeNotebook(executed, {})).toMatchObject({ injectedIndex: -1, warnings: [] });
    expect(parameterizeNotebook(executed, {}).notebook.cells).toHaveLength(2);
  });

  it('rejects names that are not identifiers', () => {
    expect(() => parameterizeNotebook(notebook([]), { 'a-b': 1 })).toThrow('parameter name must be a TypeScript identifier, got "a-b"');
    expect(() => parameterizeNotebook(notebook([]), { class: 1 })).toThrow(InputError);
  });
});

describe('parseParametersYaml', () => {
  it('parses mappings and JSON, rejects other shapes and bad syntax', () => {
    expect(parseParametersYaml('epochs: 5\nname: x\nlist: [1, 2]', '-y')).toEqual({ epochs: 5, name: 'x', list: [1, 2] });
    expect(parseParametersYaml('{"a": null}', 'f.json')).toEqual({ a: null });
    expect(() => parseParametersYaml('- 1\n- 2', '-y')).toThrow('-y must be a mapping of parameter names to values, got [1,2]');
    expect(() => parseParametersYaml('a: [1', '-y')).toThrow(/^-y is not valid YAML: /);
  });
});
