/**
 * nbformat 4 types, reading with structural validation, and atomic writing.
 * Spec: https://nbformat.readthedocs.io/en/latest/format_description.html
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors';
import { writeFileAtomicSync } from '../io/atomic';
import { readRegularFileSync } from '../io/regularFileSync';

/** Multiline strings may be stored as one string or as a list of lines. */
export type MultilineString = string | string[];

/** A MIME bundle: MIME type -> data (strings, or JSON for `+json` types). */
export type MimeBundle = Record<string, unknown>;

/** A `stream` output. */
export interface StreamOutput {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: MultilineString;
}

/** A `display_data` output. */
export interface DisplayDataOutput {
  output_type: 'display_data';
  data: MimeBundle;
  metadata: Record<string, unknown>;
  /** Not in nbformat: kept only in memory to apply `update_display_data`, stripped on write. */
  transient?: { display_id?: string };
}

/** An `execute_result` output (tslab never sends one; kept for notebooks executed elsewhere). */
export interface ExecuteResultOutput {
  output_type: 'execute_result';
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/** An `error` output. */
export interface ErrorOutput {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}

/** Any code cell output. */
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

/** Cell metadata; `tags` and `papermill` are the keys the runner reads and writes. */
export interface CellMetadata {
  tags?: string[];
  papermill?: Record<string, unknown>;
  jupyter?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A code cell. */
export interface CodeCell {
  cell_type: 'code';
  id?: string;
  source: MultilineString;
  metadata: CellMetadata;
  execution_count: number | null;
  outputs: Output[];
}

/** A markdown or raw cell. */
export interface TextCell {
  cell_type: 'markdown' | 'raw';
  id?: string;
  source: MultilineString;
  metadata: CellMetadata;
  attachments?: Record<string, unknown>;
}

/** Any cell. */
export type Cell = CodeCell | TextCell;

/** An nbformat 4 notebook. */
export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: {
    kernelspec?: { name: string; display_name?: string; language?: string };
    language_info?: Record<string, unknown>;
    papermill?: Record<string, unknown>;
    [key: string]: unknown;
  };
  cells: Cell[];
}

/**
 * Joins a multiline string.
 * @example sourceText(['a\n', 'b']); // 'a\nb'
 */
export function sourceText(source: MultilineString): string {
  return Array.isArray(source) ? source.join('') : source;
}

/**
 * Splits text into nbformat's list-of-lines form (each line keeps its `\n`).
 * @example toLines('a\nb'); // ['a\n', 'b']
 */
export function toLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * Validates an nbformat 4 document's structure (the fields the runner relies on and nbformat
 * requires): version, cells with known types, sources, metadata, code-cell outputs.
 *
 * @param value - a parsed JSON value
 * @param file - the file name used in messages
 * @throws InputError naming the file and the first offending field
 * @example
 * validateNotebook({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }, 'x.ipynb');
 */
export function validateNotebook(value: unknown, file: string): Notebook {
  const fail = (message: string): never => {
    throw new InputError(`${file} is not a valid nbformat 4 notebook: ${message}`, { file });
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('top level must be an object');
  const nb = value as Record<string, unknown>;
  if (nb.nbformat !== 4) fail(`nbformat must be 4, got ${JSON.stringify(nb.nbformat)}`);
  if (typeof nb.nbformat_minor !== 'number') fail('nbformat_minor must be a number');
  if (typeof nb.metadata !== 'object' || nb.metadata === null || Array.isArray(nb.metadata)) fail('metadata must be an object');
  if (!Array.isArray(nb.cells)) fail('cells must be an array');
  (nb.cells as unknown[]).forEach((raw, index) => {
    if (typeof raw !== 'object' || raw === null) fail(`cells[${index}] must be an object`);
    const cell = raw as Record<string, unknown>;
    if (!['code', 'markdown', 'raw'].includes(cell.cell_type as string)) {
      fail(`cells[${index}].cell_type must be code, markdown or raw, got ${JSON.stringify(cell.cell_type)}`);
    }
    const source = cell.source;
    if (!(typeof source === 'string' || (Array.isArray(source) && source.every((s) => typeof s === 'string')))) {
      fail(`cells[${index}].source must be a string or a list of strings`);
    }
    if (typeof cell.metadata !== 'object' || cell.metadata === null) fail(`cells[${index}].metadata must be an object`);
    if (cell.cell_type === 'code' && !Array.isArray(cell.outputs)) fail(`cells[${index}].outputs must be an array`);
  });
  return value as Notebook;
}

/**
 * Reads and validates a notebook file.
 *
 * @throws InputError when the file is missing, not JSON, or not nbformat 4
 */
export function readNotebook(file: string): Notebook {
  const text = readRegularFileSync(file, { what: 'notebook' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file} is not valid JSON: ${(error as Error).message}`, { file });
  }
  return validateNotebook(parsed, file);
}

/**
 * Serialises a notebook as Jupyter does (1-space indent, sorted keys are not required), with
 * in-memory-only fields (`transient`) removed and sources in list-of-lines form.
 *
 * @returns the JSON text with a trailing newline
 */
export function serializeNotebook(nb: Notebook): string {
  const cells = nb.cells.map((cell) => {
    const source = toLines(sourceText(cell.source));
    if (cell.cell_type !== 'code') return { ...cell, source };
    const outputs = cell.outputs.map((output) => {
      if (output.output_type === 'display_data') {
        const { transient: _transient, ...rest } = output;
        return rest;
      }
      if (output.output_type === 'stream') return { ...output, text: toLines(sourceText(output.text)) };
      return output;
    });
    return { ...cell, source, outputs };
  });
  return `${JSON.stringify({ ...nb, cells }, null, 1)}\n`;
}

/**
 * Writes a notebook atomically (`writeFileAtomicSync`: a temporary file in the same folder, then
 * `rename`), so a reader (or a crash) never sees half a notebook; its folder is created if missing.
 *
 * @throws the file-system error (e.g. `EISDIR` when `file` is a directory); no temporary file stays.
 * @example writeNotebook('out.ipynb', nb);
 */
export function writeNotebook(file: string, nb: Notebook): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomicSync(file, serializeNotebook(nb));
}
