/**
 * Access to tslab's kernel-side display writer, isolated so that nothing here loads tslab (or its
 * TypeScript compiler) outside a kernel.
 *
 * What tslab 1.0.22 offers (read from `node_modules/tslab/dist/jupyter.js` and `public.js`):
 * - `require('tslab/dist/jupyter').lastWriteDisplayData(content, update)` publishes `content`
 *   (`{ data, metadata, transient }`) on IOPub as `display_data`, or as `update_display_data`
 *   when `update` is true. The binding is replaced at the start of every cell execution, so it
 *   must be read at call time, never cached.
 * - `transient.display_id` is passed through untouched, so display ids and in-place updates work:
 *   tslab's own `newDisplay()` uses exactly this (first call `update = false`, later calls `true`).
 * - The message's parent is the cell executing when the writer was installed; frontends match
 *   `update_display_data` by display id, not by cell, so updates sent later (e.g. from an
 *   un-awaited training loop after the cell finished) still reach the original output.
 */

/** What tslab's writer takes: one Jupyter `display_data` / `update_display_data` content. */
export interface DisplayContent {
  /** MIME type -> representation (strings; JSON MIME types as objects). */
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly transient: { readonly display_id?: string };
}

/** Publishes one display message; `update` selects `update_display_data`. */
export type DisplayWriter = (content: DisplayContent, update: boolean) => void;

const TSLAB_JUPYTER_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/**
 * Returns tslab's current display writer when this process is a tslab kernel, else `undefined`.
 *
 * Looks for tslab's `dist/jupyter.js` among the modules already loaded (`require.cache`) instead of
 * requiring it: outside a kernel nothing is loaded, and inside one this finds the instance the
 * kernel actually uses even if another copy of tslab is installed elsewhere.
 *
 * @returns The writer, or `undefined` outside a tslab kernel (or before its first execution).
 * @example
 * const write = findTslabWriter(); // undefined in a plain `node` process
 */
export function findTslabWriter(): DisplayWriter | undefined {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!TSLAB_JUPYTER_MODULE.test(file) || mod === undefined) continue;
    const writer = (mod.exports as { lastWriteDisplayData?: unknown }).lastWriteDisplayData;
    if (typeof writer === 'function') return writer as DisplayWriter;
  }
  return undefined;
}
