/**
 * Guessing the field delimiter of a delimited text file from its header line.
 */

/** Field delimiters that {@link detectDelimiter} considers, in order of preference on ties. */
export const DELIMITER_CANDIDATES: readonly string[] = Object.freeze([',', ';', '\t', '|']);

/**
 * Guesses the delimiter of a delimited text from its first line.
 *
 * Counts each of {@link DELIMITER_CANDIDATES} in the first line outside double-quoted fields
 * and picks the most frequent; ties go to the earlier candidate (comma first). A first line
 * with none of them (a single column) gives `','`. Only the header is looked at, so a comma
 * inside a quoted header name does not count, and decimal commas in the data (common in
 * `;`-separated files) cannot mislead it.
 *
 * @param text - The file's text (a leading byte-order mark is ignored); not modified.
 * @returns One of {@link DELIMITER_CANDIDATES}.
 * @example
 * detectDelimiter('date;value\n2020-01;1,5\n'); // ';'
 * detectDelimiter('date,value\n');             // ','
 */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITER_CANDIDATES.map((d) => [d, 0]));
  let quoted = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  let bestCount = 0;
  for (const d of DELIMITER_CANDIDATES) {
    const c = counts.get(d)!;
    if (c > bestCount) [best, bestCount] = [d, c];
  }
  return best;
}
