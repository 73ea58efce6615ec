/** `summary.json` and `summary.csv` of a forecast batch: one flat row per job. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomicSync } from '../io/atomic';
import { csvCell } from '../notebook/batch';

/**
 * Writes the rows as `summary.json` (pretty JSON) and `summary.csv` (the first row's keys as the
 * header), each atomically (`writeFileAtomicSync`), into `dir` (created if missing).
 *
 * @returns the two paths
 */
export function writeBatchSummaryFiles(dir: string, rows: ReadonlyArray<object>): { json: string; csv: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'summary.json');
  const csv = path.join(dir, 'summary.csv');
  const columns = rows.length === 0 ? [] : Object.keys(rows[0]);
  const lines = [columns.join(','), ...rows.map((row) => columns.map((c) => csvCell((row as Record<string, unknown>)[c])).join(','))];
  writeFileAtomicSync(json, `${JSON.stringify(rows, null, 2)}\n`);
  writeFileAtomicSync(csv, `${lines.join('\n')}\n`);
  return { json, csv };
}
