#!/usr/bin/env node
/** The package bin (`lstm-worker`), compiled to `dist/queue/workerBin.js`; see `scripts/worker.ts`. */
import { runWorkerCli } from './workerCli';

runWorkerCli();
