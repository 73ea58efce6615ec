import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(__dirname, '..', '..');
const tsNode = require.resolve('ts-node/dist/bin.js', { paths: [ROOT] });

/** Runs `scripts/<script>` under ts-node (transpile only) from the repository root; output as UTF-8. */
export function runScript(script: string, args: readonly string[], timeoutMs: number): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [tsNode, '--transpile-only', join(ROOT, 'scripts', script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
}
