#!/usr/bin/env node
/**
 * The package bin (`run-notebook`), compiled to `dist/bin/runNotebook.js`; the same entry point as
 * `scripts/run-notebook.ts` for installs without ts-node. Entry points sit above every layer, so it
 * reaches the queue layer: `--queue` runs go through `runNotebookQueue`.
 */
import { main } from '../notebook/cli';
import { runNotebookQueue } from '../queue/notebookQueue';

main(process.argv.slice(2), runNotebookQueue);
