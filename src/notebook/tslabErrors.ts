/**
 * Rebuilds nbformat `error` outputs from tslab's error text. tslab sends no Jupyter `error`
 * message: a failing cell prints its TypeScript diagnostics (`LINE:COL - message`, one write each)
 * or the thrown value (`console.error(e)`, one write) to stderr and replies `status: "error"`.
 */

/** An nbformat v4 `error` output's fields. */
export interface ErrorFields {
  readonly ename: string;
  readonly evalue: string;
  readonly traceback: string[];
}

/** `ename` for TypeScript compile errors, which have no JavaScript error class. */
export const COMPILE_ERROR_NAME = 'TSError';
/** `ename` for a thrown value that is not an Error (e.g. `throw "text"`). */
export const THROWN_VALUE_NAME = 'UncaughtValue';

const DIAGNOSTIC = /^(?:\S+ )?\d+:\d+ - /;
const STACK_FRAME = /^\s+at /;
const HEADER = /^([A-Za-z_$][\w$.]*)(?:: ([\s\S]*))?$/;
// Frames below the cell: Node's vm wrapper and tslab itself are noise in a notebook traceback.
const INTERNAL_FRAME = /node:vm|sigintHandlersWrap|[\\/]tslab[\\/]dist[\\/]|node:internal/;

/**
 * How many of a failed cell's trailing stderr writes are the error report: every trailing
 * diagnostic line for a compile error, else the last write.
 *
 * @param stderrWrites - the cell's stderr writes in arrival order
 * @returns a count in `[0, stderrWrites.length]`
 * @example
 * errorWriteCount(['log\n', '1:7 - a\n', '2:1 - b\n']); // 2
 */
export function errorWriteCount(stderrWrites: readonly string[]): number {
  if (stderrWrites.length === 0) return 0;
  let count = 0;
  while (count < stderrWrites.length && DIAGNOSTIC.test(stderrWrites[stderrWrites.length - 1 - count])) count++;
  return count > 0 ? count : 1;
}

/**
 * Parses tslab's error text into `ename`, `evalue` and `traceback` (one line per entry, tslab and
 * `node:vm` frames dropped).
 *
 * @param text - the stderr writes that report the error, joined
 * @example
 * parseTslabError('TypeError: boom\n    at evalmachine.<anonymous>:2:7\n').ename; // 'TypeError'
 * parseTslabError("1:7 - Type 'string' is not assignable to type 'number'.\n").ename; // 'TSError'
 */
export function parseTslabError(text: string): ErrorFields {
  const lines = text.replace(/\n+$/, '').split('\n');
  if (lines.length > 0 && lines.every((line) => DIAGNOSTIC.test(line))) {
    return { ename: COMPILE_ERROR_NAME, evalue: lines.join('\n'), traceback: lines };
  }
  // Node prefixes uncaught errors thrown from vm code with "file:line\n<source>\n   ^\n\n".
  let start = 0;
  if (/^evalmachine\.<anonymous>:\d+$/.test(lines[0] ?? '')) {
    const blank = lines.indexOf('');
    if (blank > 0) start = blank + 1;
  }
  const firstFrame = lines.findIndex((line, index) => index >= start && STACK_FRAME.test(line));
  const messageLines = lines.slice(start, firstFrame < 0 ? lines.length : firstFrame);
  const header = HEADER.exec(messageLines[0] ?? '');
  const userFrames: string[] = [];
  if (firstFrame >= 0) {
    for (const line of lines.slice(firstFrame)) {
      if (INTERNAL_FRAME.test(line)) break;
      userFrames.push(line);
    }
  }
  const traceback = [...lines.slice(0, start), ...messageLines, ...userFrames].filter(
    (line, index, all) => !(line === '' && index === all.length - 1),
  );
  if (header !== null && firstFrame >= 0) {
    const evalue = [header[2] ?? '', ...messageLines.slice(1)].join('\n');
    return { ename: header[1], evalue, traceback };
  }
  return { ename: THROWN_VALUE_NAME, evalue: messageLines.join('\n'), traceback };
}
