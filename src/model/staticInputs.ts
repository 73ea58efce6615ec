/**
 * What a global model knows about each series itself: its static covariates and its id, one-hot
 * encoded into constant input columns (`StaticInputs` of the preprocessor). A one-hot input
 * times the network's input weights is a learned embedding of the category, so the id option is
 * the learned per-series embedding of NeuralForecast's and Darts' global models, in its plainest
 * form.
 */
import { InputError, describeValue } from '../errors';
import type { Panel } from '../data/panel';
import type { StaticInputs } from './preprocess';

/** Default `staticInputs`: no static covariate is an input. */
export const DEFAULT_STATIC_INPUTS: readonly string[] = Object.freeze([]);

/** Default `idInput`: the series id is not an input. */
export const DEFAULT_ID_INPUT = false;

/**
 * Most one-hot columns the static inputs may add (each is an input channel at every step).
 * @defaultValue `1024`
 */
export const MAX_STATIC_INPUT_COLUMNS = 1024;

/** Options of {@link encodeStatics}. */
export interface StaticEncodingOptions {
  /** Static columns of the panel (`panel.statics`) to encode. @defaultValue {@link DEFAULT_STATIC_INPUTS} */
  readonly staticInputs?: readonly string[];
  /** Encode the series id too (after the static columns). @defaultValue {@link DEFAULT_ID_INPUT} */
  readonly idInput?: boolean;
}

/**
 * One-hot encodings of the chosen static columns (and the id) of every series of `panel`.
 *
 * Each static column contributes one input per distinct value over the panel's series, in
 * sorted order, named `column=value`; the id contributes one per series, named `id=<id>`. A
 * column with a single value carries no information and contributes nothing.
 *
 * @returns One {@link StaticInputs} per series (panel order), all with the same names; `null`
 *   when nothing is encoded.
 * @throws InputError naming the option for a malformed list, an unknown or repeated static
 *   column, a non-boolean `idInput`, or more than {@link MAX_STATIC_INPUT_COLUMNS} columns.
 * @example
 * encodeStatics(panel, { staticInputs: ['region'] })?.[0]; // { names: ['region=north', 'region=south'], values: [1, 0] }
 */
export function encodeStatics(panel: Panel, options: StaticEncodingOptions): StaticInputs[] | null {
  const columns = options.staticInputs ?? DEFAULT_STATIC_INPUTS;
  const idInput = options.idInput ?? DEFAULT_ID_INPUT;
  checkColumns(columns, Object.keys(panel.statics));
  if (typeof idInput !== 'boolean') {
    throw new InputError(`idInput must be true or false, got ${describeValue(idInput)}`, { argument: 'idInput', value: idInput });
  }
  const groups: { name: string; of: readonly string[]; levels: string[] }[] = columns.map((name) => ({
    name,
    of: panel.statics[name],
    levels: [...new Set(panel.statics[name])].sort(),
  }));
  if (idInput) groups.push({ name: 'id', of: panel.ids, levels: [...panel.ids] });
  const used = groups.filter((g) => g.levels.length > 1 || g.name === 'id');
  const width = used.reduce((n, g) => n + g.levels.length, 0);
  if (width === 0) return null;
  if (width > MAX_STATIC_INPUT_COLUMNS) {
    const sizes = used.map((g) => `${g.name}: ${g.levels.length}`).join(', ');
    throw new InputError(
      `the static inputs would add ${width} one-hot input columns (${sizes}), more than ${MAX_STATIC_INPUT_COLUMNS}; ` +
        'leave out the id or the columns with many values',
      { argument: idInput ? 'idInput' : 'staticInputs', value: width },
    );
  }
  const names = used.flatMap((g) => g.levels.map((level) => `${g.name}=${level}`));
  return panel.ids.map((_, i) => ({
    names,
    values: used.flatMap((g) => g.levels.map((level) => (g.of[i] === level ? 1 : 0))),
  }));
}

function checkColumns(columns: unknown, known: readonly string[]): asserts columns is readonly string[] {
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) {
    throw new InputError(`staticInputs must be an array of static column names, got ${describeValue(columns)}`, { argument: 'staticInputs', value: columns });
  }
  const seen = new Set<string>();
  for (const name of columns as string[]) {
    if (!known.includes(name)) {
      throw new InputError(
        `staticInputs names ${JSON.stringify(name)}, which is not a static column of the panel (statics: [${known.join(', ')}])`,
        { argument: 'staticInputs', value: name },
      );
    }
    if (seen.has(name)) throw new InputError(`staticInputs lists ${JSON.stringify(name)} twice`, { argument: 'staticInputs', value: name });
    seen.add(name);
  }
}
