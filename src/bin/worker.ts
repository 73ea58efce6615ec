#!/usr/bin/env node
/** The package bin (`lstm-worker`), compiled to `dist/bin/worker.js`; see `scripts/worker.ts`. */
import { runWorkerCli } from '../queue/workerCli';

runWorkerCli();
