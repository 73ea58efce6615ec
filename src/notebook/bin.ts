#!/usr/bin/env node
/**
 * The package bin (`run-notebook`), compiled to `dist/notebook/bin.js`; the same entry point as
 * `scripts/run-notebook.ts` for installs without ts-node.
 */
import { main } from './cli';

main();
