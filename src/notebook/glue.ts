/**
 * Recording values from a notebook for the runner's summary, like scrapbook's `glue`.
 *
 * Inside a tslab cell, `glue('rmse', 0.42)` sends one `display_data` whose only MIME type is
 * {@link GLUE_MIME} with `{name, value}`; Jupyter front ends render nothing for it, the saved
 * notebook keeps it as a cell output, and the runner collects every such output with
 * {@link readGlue} into `metadata.papermill.glue` and the batch summary. A later glue of the same
 * name wins.
 *
 * This file is imported by notebooks, so it must stay free of runtime imports: it reaches tslab's
 * display machinery with a lazy `require` from inside the kernel.
 */
import type { Notebook } from './nbformat';

/** The MIME type of a glued value: `{ "name": string, "value": JSON }`. */
export const GLUE_MIME = 'application/vnd.lstm-workbench.glue+json';

/** A JSON value that can be glued. */
export type GlueValue = null | boolean | number | string | GlueValue[] | { [key: string]: GlueValue };

interface TslabJupyterModule {
  lastWriteDisplayData:
    | ((data: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void)
    | null;
}

/**
 * Records a named value in the notebook's outputs for the runner to collect. Call it from a tslab
 * cell; numbers must be finite (JSON has no NaN).
 *
 * @param name - a non-empty key for the summary column
 * @param value - a JSON value; scalars become summary CSV columns, others are JSON-encoded there
 * @throws TypeError for an empty name or a value that is not JSON (NaN, Infinity, functions)
 * @throws Error when not running inside a tslab kernel cell
 * @example
 * glue('val_rmse', 0.0123);
 */
export function glue(name: string, value: GlueValue): void {
  if (typeof name !== 'string' || name === '') throw new TypeError(`glue name must be a non-empty string, got ${JSON.stringify(name)}`);
  const encoded = JSON.stringify(value, (_key, item) => {
    if (typeof item === 'number' && !Number.isFinite(item)) throw new TypeError(`glue ${name}: value must be finite, got ${item}`);
    if (typeof item === 'function' || typeof item === 'symbol' || typeof item === 'bigint' || item === undefined) {
      throw new TypeError(`glue ${name}: value must be JSON, got a ${typeof item}`);
    }
    return item;
  });
  let jupyter: TslabJupyterModule | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    jupyter = require('tslab/dist/jupyter') as TslabJupyterModule;
  } catch {
    jupyter = undefined;
  }
  const send = jupyter?.lastWriteDisplayData;
  if (typeof send !== 'function') throw new Error('glue() must be called from a cell running in a tslab kernel');
  send({ data: { [GLUE_MIME]: { name, value: JSON.parse(encoded) } }, metadata: {}, transient: {} }, false);
}

/**
 * Collects the glued values from a notebook's outputs, in cell order (a later name wins).
 *
 * @returns name -> value; `{}` when nothing was glued
 * @example readGlue(executedNotebook).val_rmse; // 0.0123
 */
export function readGlue(notebook: Notebook): Record<string, GlueValue> {
  const glued: Record<string, GlueValue> = {};
  for (const cell of notebook.cells) {
    if (cell.cell_type !== 'code') continue;
    for (const output of cell.outputs) {
      if (output.output_type !== 'display_data') continue;
      const payload = output.data[GLUE_MIME] as { name?: unknown; value?: GlueValue } | undefined;
      if (payload !== undefined && typeof payload.name === 'string') glued[payload.name] = payload.value ?? null;
    }
  }
  return glued;
}
