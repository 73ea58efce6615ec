/**
 * Error raised for bad user input: a bad argument, a malformed file, data that cannot be used.
 *
 * Entry points map it to exit code 2 (see `scripts/forecast.ts`); anything else is a bug or an
 * environment failure (exit 1). The message always names the argument (or file, column, row)
 * and the offending value.
 *
 * @example
 * throw new InputError('lookback must be a positive integer, got 0', { argument: 'lookback', value: 0 });
 */
export class InputError extends Error {
  /** Structured context: which argument, file, column, row and value were at fault. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(message);
    this.name = 'InputError';
    this.details = details;
  }
}

/** Formats a value for an error message: strings quoted, others via JSON (NaN and Infinity kept). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
