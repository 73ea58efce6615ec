#!/usr/bin/env node
/**
 * The package bin (`run-notebook`), compiled to `dist/notebook/bin.js`; the same entry point as
 * `scripts/run-notebook.ts` for installs without ts-node. As an entry point it may reach the
 * queue layer above: `--queue` runs go through `runNotebookQueue`.
 */
import { main } from './cli';
import { runNotebookQueue } from '../queue/notebookQueue';

main(process.argv.slice(2), runNotebookQueue);
