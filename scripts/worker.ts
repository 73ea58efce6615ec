#!/usr/bin/env node
/**
 * `worker --queue redis://HOST:PORT[/DB] [--concurrency N] [--name Q]`: runs notebook and
 * forecast jobs from the queue (see the README's "Running on several machines").
 */
import { runWorkerCli } from '../src/queue/workerCli';

runWorkerCli();
