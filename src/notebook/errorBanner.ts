/**
 * The error-banner step (papermill's `raise_for_execution_errors`): two markdown cells that point
 * at the cell that stopped a run, one at the top of the notebook and an anchor just before the cell.
 */
import type { Cell, CodeCell } from './nbformat';

/** Tag of the markdown cells the runner adds to point at a failure (papermill's tag). */
export const ERROR_CELL_TAG = 'papermill-error-cell-tag';

/** Cells {@link withErrorBanner} inserts before the failing cell: the failing cell moves down by this many. */
export const ERROR_BANNER_CELLS = 2;

const BANNER_STYLE = 'color:red; font-family:Helvetica Neue, Helvetica, Arial, sans-serif; font-size:2em;';

/**
 * Returns a copy of `cells` with papermill's error banner: a banner cell first, linking to an anchor
 * cell inserted right before the failing cell. The link text is the cell's `In [n]` (its
 * `execution_count`, or `cellIndex` when the cell never ran). Both cells are tagged
 * {@link ERROR_CELL_TAG}; they get ids only when the notebook's cells have ids (nbformat 4.5).
 *
 * @param cells - the notebook's cells; not mutated
 * @param cellIndex - index of the failing code cell in `cells` (0-based, a valid index)
 * @returns `cells.length + 2` cells; the failing cell is at `cellIndex + ERROR_BANNER_CELLS`
 * @example
 * const failing: Cell = { cell_type: 'code', source: 'throw 1', metadata: {}, execution_count: 3, outputs: [] };
 * const cells = withErrorBanner([failing], 0);
 * // [banner ("In [3]"), anchor, failing]: the failing cell is now at 0 + ERROR_BANNER_CELLS
 */
export function withErrorBanner(cells: readonly Cell[], cellIndex: number): Cell[] {
  const anchor: Cell = {
    cell_type: 'markdown',
    metadata: { tags: [ERROR_CELL_TAG] },
    source: `<span id="papermill-error-cell" style="${BANNER_STYLE}">Execution using run-notebook encountered an exception here and stopped:</span>`,
  };
  const count = (cells[cellIndex] as CodeCell).execution_count;
  const banner: Cell = {
    cell_type: 'markdown',
    metadata: { tags: [ERROR_CELL_TAG] },
    source: `<span style="${BANNER_STYLE}">An Exception was encountered at '<a href="#papermill-error-cell">In [${count ?? cellIndex}]</a>'.</span>`,
  };
  if (cells.some((cell) => cell.id !== undefined)) {
    anchor.id = 'papermill-error-cell-anchor';
    banner.id = 'papermill-error-cell-banner';
  }
  return [banner, ...cells.slice(0, cellIndex), anchor, ...cells.slice(cellIndex)];
}
