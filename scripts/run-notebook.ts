#!/usr/bin/env node
/**
 * `run-notebook INPUT.ipynb OUTPUT.ipynb [options]`: papermill-style headless runs of tslab
 * notebooks. Options and exit codes: `src/notebook/README.md` or `--help`.
 *
 * Exit codes: 0 success, 1 failing cell or timeout, 2 bad input, 130 interrupted, 138 kernel died.
 */
import { main } from '../src/notebook/cli';
import { runNotebookQueue } from '../src/queue/notebookQueue';

main(process.argv.slice(2), runNotebookQueue);
