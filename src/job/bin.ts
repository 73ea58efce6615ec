#!/usr/bin/env node
/**
 * The package bin (`forecast`), compiled to `dist/job/bin.js`; the same entry point as
 * `scripts/forecast.ts` for installs without ts-node.
 */
import { runCli } from './cli';

runCli();
