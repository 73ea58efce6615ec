#!/usr/bin/env node
/**
 * The package bin (`forecast`), compiled to `dist/bin/forecast.js`; the same entry point as
 * `scripts/forecast.ts` for installs without ts-node. Entry points sit above every layer, so it
 * reaches the queue layer: `--queue` runs go through `runForecastQueue`.
 */
import { runCli } from '../job/cli';
import { runForecastQueue } from '../queue/forecastQueue';

runCli(process.argv.slice(2), runForecastQueue);
