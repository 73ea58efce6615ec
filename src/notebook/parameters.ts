/**
 * papermill's parameter conventions for TypeScript notebooks: value parsing from the command line,
 * parameter files, translation to TypeScript literals, and the `injected-parameters` cell.
 */
import { parse as parseYaml } from 'yaml';
import { describeValue, InputError } from '../errors';
import { sourceText, type Cell, type CodeCell, type Notebook } from './nbformat';
import { readRegularFileSync } from '../io/regularFileSync';

/** A JSON-like parameter value. */
export type ParameterValue = null | boolean | number | string | ParameterValue[] | { [key: string]: ParameterValue };

/** Parameter name -> value, in insertion order. */
export type Parameters = Record<string, ParameterValue>;

/** Tag of the cell that declares a notebook's parameters and their defaults. */
export const PARAMETERS_TAG = 'parameters';
/** Tag of the cell the runner inserts after it. */
export const INJECTED_TAG = 'injected-parameters';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;
const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await').split(' '),
);

/**
 * Parses a `-p NAME VALUE` value the way papermill does, plus JSON containers:
 * `null`/`None` -> null; `true`/`True`/`false`/`False` -> boolean; a decimal number
 * (`12`, `-1.5e3`, `.5`) or `NaN`/`Infinity`/`-Infinity` -> number; text starting with `[` or `{`
 * that parses as JSON -> array/object; anything else -> the string unchanged.
 *
 * @param name - the parameter name, for messages
 * @throws InputError for an integer beyond `Number.MAX_SAFE_INTEGER` (it would lose digits;
 *   pass it with `-r` to keep it as a string)
 * @example
 * parseParameterValue('n', '12'); // 12
 * parseParameterValue('s', '012abc'); // '012abc'
 */
export function parseParameterValue(name: string, raw: string): ParameterValue {
  if (raw === 'null' || raw === 'None') return null;
  if (raw === 'true' || raw === 'True') return true;
  if (raw === 'false' || raw === 'False') return false;
  if (raw === 'NaN') return NaN;
  if (raw === 'Infinity' || raw === '+Infinity') return Infinity;
  if (raw === '-Infinity') return -Infinity;
  if (NUMBER.test(raw)) {
    const value = Number(raw);
    if (/^[+-]?\d+$/.test(raw) && !Number.isSafeInteger(value)) {
      throw new InputError(
        `parameter ${name}: integer ${raw} is beyond Number.MAX_SAFE_INTEGER and would lose digits; pass it with -r for a string`,
        { argument: name, value: raw },
      );
    }
    return value;
  }
  if (/^\s*[[{]/.test(raw)) {
    try {
      return JSON.parse(raw) as ParameterValue;
    } catch {
      return raw;
    }
  }
  return raw;
}

/**
 * Validates a parameter name: it must be a TypeScript identifier and not a reserved word.
 *
 * @throws InputError naming the parameter
 * @example assertParameterName('lookback');
 */
export function assertParameterName(name: string): void {
  if (!IDENTIFIER.test(name) || RESERVED.has(name)) {
    throw new InputError(`parameter name must be a TypeScript identifier, got ${describeValue(name)}`, { argument: 'parameter', value: name });
  }
  if (name === '__proto__') {
    // A valid identifier, but as a key it would set the prototype of the parameters object and vanish.
    throw new InputError('parameter name "__proto__" is not allowed (it cannot be stored as a parameter); choose another name', {
      argument: 'parameter',
      value: name,
    });
  }
}

/**
 * Reads a parameters file (YAML or JSON; JSON is YAML) whose top level is a mapping.
 *
 * @throws InputError when the file cannot be read or parsed, or is not a mapping
 */
export function readParametersFile(file: string): Parameters {
  const text = readRegularFileSync(file, { what: 'parameters file' });
  return parseParametersYaml(text, `parameters file ${file}`);
}

/**
 * Parses a YAML (or JSON) mapping of parameters, e.g. the `-y` option.
 *
 * @param what - what is being parsed, for messages (`-y`, a file name)
 * @throws InputError on a syntax error or when the top level is not a mapping
 * @example parseParametersYaml('epochs: 5\nname: x', '-y'); // { epochs: 5, name: 'x' }
 */
export function parseParametersYaml(text: string, what: string): Parameters {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new InputError(`${what} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { value: text });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`${what} must be a mapping of parameter names to values, got ${describeValue(value)}`, { value: text });
  }
  const parameters = value as Parameters;
  for (const name of Object.keys(parameters)) assertParameterName(name);
  return parameters;
}

/**
 * A string literal: JSON escapes `"`, `\`, C0 controls and lone surrogates; U+2028 and U+2029
 * are escaped too. They are legal in ES2019 strings, but tools that split source into lines on
 * them (tslab's cell compiler among them) break the literal in two.
 */
function jsonString(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * Translates a value to a TypeScript literal: strings as JSON string literals (quotes, backslashes,
 * control characters, lone surrogates and U+2028/U+2029 escaped; other unicode kept as is), numbers including
 * `-0`, `NaN` and `±Infinity`, nested arrays and objects with quoted keys.
 *
 * @throws InputError for values with no literal form (functions, symbols, bigints, dates)
 * @example
 * toTypeScriptLiteral({ a: [1, 'x"y'], b: null }); // '{"a": [1, "x\\"y"], "b": null}'
 */
export function toTypeScriptLiteral(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'boolean':
      return String(value);
    case 'number':
      if (Number.isNaN(value)) return 'NaN';
      if (value === Infinity) return 'Infinity';
      if (value === -Infinity) return '-Infinity';
      return Object.is(value, -0) ? '-0' : String(value);
    case 'object':
      if (Array.isArray(value)) return `[${value.map(toTypeScriptLiteral).join(', ')}]`;
      if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
        const entries = Object.entries(value as object).map(([key, item]) => `${jsonString(key)}: ${toTypeScriptLiteral(item)}`);
        return `{${entries.join(', ')}}`;
      }
      break;
    default:
      break;
  }
  throw new InputError(`parameter value ${describeValue(value)} of type ${typeof value} has no TypeScript literal`, { value });
}

/** A parameter declared in the `parameters` cell. */
export interface DeclaredParameter {
  readonly name: string;
  readonly keyword: 'const' | 'let' | 'var';
  /** The type annotation's text without the colon, if any. */
  readonly type?: string;
  /** The initializer's source text (up to the end of the statement). */
  readonly initializer: string;
}

/**
 * Finds the top-level `const`/`let`/`var NAME[: TYPE] = VALUE` declarations of a parameters cell
 * (one declarator per statement; destructuring is not recognised).
 *
 * @example
 * parseDeclaredParameters('const epochs: number = 5;\nlet name = "a";').map((p) => p.name); // ['epochs', 'name']
 */
export function parseDeclaredParameters(source: string): DeclaredParameter[] {
  const declared: DeclaredParameter[] = [];
  const pattern = /^[ \t]*(?:export\s+)?(const|let|var)\s+([\p{ID_Start}$_][\p{ID_Continue}$]*)\s*/gmu;
  for (let match = pattern.exec(source); match !== null; match = pattern.exec(source)) {
    let index = match.index + match[0].length;
    let type: string | undefined;
    if (source[index] === ':') {
      const end = findTopLevel(source, index + 1, (text, i) => text[i] === '=' && text[i + 1] !== '>' && text[i + 1] !== '=', true);
      if (end < 0) continue;
      type = source.slice(index + 1, end).trim();
      index = end;
    }
    if (source[index] !== '=') continue;
    const end = findTopLevel(source, index + 1, (text, i) => text[i] === ';' || text[i] === '\n');
    const initializer = source.slice(index + 1, end < 0 ? source.length : end).trim();
    declared.push({ name: match[2], keyword: match[1] as DeclaredParameter['keyword'], type, initializer });
  }
  return declared;
}

/** Index of the first position at bracket depth 0 (outside strings) where `stop` holds, else -1. */
function findTopLevel(
  text: string,
  from: number,
  stop: (text: string, index: number) => boolean,
  angleBrackets = false,
): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quote !== null) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if ('([{'.includes(ch) || (angleBrackets && ch === '<')) depth++;
    else if (')]}'.includes(ch) || (angleBrackets && ch === '>' && text[i - 1] !== '=')) depth = Math.max(0, depth - 1);
    else if (depth === 0 && stop(text, i)) return i;
  }
  return -1;
}

/**
 * Best-effort values of the parameters cell's defaults, for `metadata.papermill.default_parameters`:
 * initializers that parse as JSON (or single-quoted strings) become values; others are kept as
 * their source text.
 *
 * @example defaultParameterValues('const a = 1;\nconst b = f();'); // { a: 1, b: 'f()' }
 */
export function defaultParameterValues(source: string): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const { name, initializer } of parseDeclaredParameters(source)) {
    let value: unknown = initializer;
    const text = /^'([^'\\]*)'$/.test(initializer) ? JSON.stringify(initializer.slice(1, -1)) : initializer;
    try {
      value = JSON.parse(text);
    } catch {
      // not a plain literal: keep the source text
    }
    values[name] = value;
  }
  return values;
}

/** Index of the first code cell tagged `parameters`, or -1. */
export function findParametersCell(cells: readonly Cell[]): number {
  return cells.findIndex((cell) => cell.cell_type === 'code' && (cell.metadata.tags ?? []).includes(PARAMETERS_TAG));
}

/** The result of {@link parameterizeNotebook}. */
export interface ParameterizeResult {
  /** A new notebook (the input is not modified). */
  readonly notebook: Notebook;
  /** Index of the injected cell, -1 when no parameters were given. */
  readonly injectedIndex: number;
  /** Warnings for the user: no `parameters` cell, names the cell does not declare. */
  readonly warnings: string[];
}

/**
 * Inserts an `injected-parameters` cell right after the cell tagged `parameters` (at the top when
 * there is none), after removing injected cells left from an earlier run. A name declared in the
 * parameters cell keeps its keyword and type annotation, so `let`s stay assignable and a value of
 * the wrong type fails to compile in the injected cell rather than later; other names become `const`.
 *
 * @example
 * parameterizeNotebook(nb, { epochs: 5 }).notebook.cells[1].source; // '// Parameters\nconst epochs: number = 5;\n'
 */
export function parameterizeNotebook(input: Notebook, parameters: Readonly<Parameters>): ParameterizeResult {
  const cells = input.cells.filter((cell) => !(cell.metadata.tags ?? []).includes(INJECTED_TAG));
  const notebook: Notebook = { ...input, cells };
  const names = Object.keys(parameters);
  if (names.length === 0) return { notebook, injectedIndex: -1, warnings: [] };
  names.forEach(assertParameterName);
  const warnings: string[] = [];
  const parametersIndex = findParametersCell(cells);
  const declared = new Map<string, DeclaredParameter>();
  if (parametersIndex < 0) {
    warnings.push(`Input notebook has no cell tagged "${PARAMETERS_TAG}"; injecting parameters at the top`);
  } else {
    for (const decl of parseDeclaredParameters(sourceText(cells[parametersIndex].source))) declared.set(decl.name, decl);
    const unknown = names.filter((name) => !declared.has(name));
    if (unknown.length > 0) {
      warnings.push(
        `Passed unknown parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. ` +
          `The parameters cell declares: ${[...declared.keys()].join(', ') || '(none)'}`,
      );
    }
  }
  const lines = names.map((name) => {
    const decl = declared.get(name);
    const keyword = decl === undefined || decl.keyword === 'const' ? 'const' : 'let';
    const annotation = decl?.type !== undefined ? `: ${decl.type}` : '';
    return `${keyword} ${name}${annotation} = ${toTypeScriptLiteral(parameters[name])};\n`;
  });
  const injected: CodeCell = {
    cell_type: 'code',
    execution_count: null,
    metadata: { tags: [INJECTED_TAG] },
    outputs: [],
    source: `// Parameters\n${lines.join('')}`,
  };
  if (cells.some((cell) => cell.id !== undefined)) injected.id = 'injected-parameters';
  const injectedIndex = parametersIndex + 1;
  cells.splice(injectedIndex, 0, injected);
  return { notebook, injectedIndex, warnings };
}
