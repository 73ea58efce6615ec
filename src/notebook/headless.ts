/**
 * How code inside a kernel can tell that it runs under the headless runner (no one watching, the
 * outputs saved to a file), e.g. to update live displays rarely. Free of runtime imports, so that
 * library code can read it without loading the runner.
 */

/** Environment variable that {@link executeNotebook} sets to `'1'` in every kernel it starts. */
export const HEADLESS_ENV_VAR = 'LSTM_WORKBENCH_HEADLESS';

/**
 * Whether this process is a kernel started by the headless runner (`npm run notebook`,
 * `executeNotebook`, batch runs). `false` in Jupyter, VS Code and plain Node.
 *
 * @param env - Environment to read. @defaultValue `process.env`
 * @returns `true` when {@link HEADLESS_ENV_VAR} is `'1'`.
 * @example
 * isHeadlessRun({ LSTM_WORKBENCH_HEADLESS: '1' }); // true
 */
export function isHeadlessRun(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return env[HEADLESS_ENV_VAR] === '1';
}
