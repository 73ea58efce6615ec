/** `summary.json` and `summary.csv` of a forecast batch: one flat row per job. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { csvCell } from '../notebook/batch';

/**
 * Writes the rows as `summary.json` (pretty JSON) and `summary.csv` (the first row's keys as the
 * header), each through a temporary sibling and a rename, into `dir` (created if missing).
 *
 * @returns the two paths
 */
export function writeBatchSummaryFiles(dir: string, rows: ReadonlyArray<object>): { json: string; csv: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'summary.json');
  const csv = path.join(dir, 'summary.csv');
  const columns = rows.length === 0 ? [] : Object.keys(rows[0]);
  const lines = [columns.join(','), ...rows.map((row) => columns.map((c) => csvCell((row as Record<string, unknown>)[c])).join(','))];
  writeTextAtomicSync(json, `${JSON.stringify(rows, null, 2)}\n`);
  writeTextAtomicSync(csv, `${lines.join('\n')}\n`);
  return { json, csv };
}

/** Writes text to a temporary sibling, then renames it over `file`; the temporary file never stays. */
export function writeTextAtomicSync(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}
