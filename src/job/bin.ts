#!/usr/bin/env node
/**
 * The package bin (`forecast`), compiled to `dist/job/bin.js`; the same entry point as
 * `scripts/forecast.ts` for installs without ts-node.
 */
import { main } from './cli';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`forecast: failed: ${String((error as Error)?.stack ?? error)}\n`);
    process.exitCode = 1;
  },
);
