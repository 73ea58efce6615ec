#!/usr/bin/env node
/**
 * `run-notebook INPUT.ipynb OUTPUT.ipynb [options]`: papermill-style headless runs of tslab
 * notebooks (see `src/notebook/cli.ts` for the options, `--help` for usage).
 *
 * Exit codes: 0 success, 1 failing cell or timeout, 2 bad input, 130 interrupted, 138 kernel died.
 * Ctrl-C (or SIGTERM) interrupts the running cell, writes the partial notebook and shuts the kernel
 * down; a second Ctrl-C kills every kernel at once.
 */
import { killAllKernels, runNotebookCli } from '../src/notebook';

const controller = new AbortController();
let signals = 0;
const onSignal = (signal: NodeJS.Signals) => {
  signals += 1;
  if (signals > 1) {
    killAllKernels();
    process.exit(130);
  }
  process.stderr.write(`run-notebook: ${signal}: interrupting the running cell and writing the partial notebook\n`);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

runNotebookCli(process.argv.slice(2), { signal: controller.signal }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`run-notebook: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    killAllKernels();
    process.exit(1);
  },
);
