#!/usr/bin/env node
/**
 * The package bin (`forecast`), compiled to `dist/job/bin.js`; the same entry point as
 * `scripts/forecast.ts` for installs without ts-node. As an entry point it may reach the queue
 * layer above: `--queue` runs go through `runForecastQueue`.
 */
import { runCli } from './cli';
import { runForecastQueue } from '../queue/forecastQueue';

runCli(process.argv.slice(2), runForecastQueue);
