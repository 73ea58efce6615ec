#!/usr/bin/env node
/**
 * `npm start`: the main job. Runs notebooks/02-co2-forecast.ipynb headless on the best available
 * backend into runs/<timestamp>/ (executed notebook, report.html, model bundle) with a progress
 * bar, and prints where the results are. Extra arguments go to the runner (`npm start -- -p epochs 20`).
 * Exit code: the runner's (0, 1 failed cell, 2 bad input, 130 interrupted, 138 kernel died).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { runNotebookCli } from '../src/notebook/cli';
import { killAllKernels } from '../src/notebook/kernel';
import { readGlue } from '../src/notebook/glue';
import { mainJobPlan, mainJobSummary } from './mainJob';
import { readNotebook } from '../src/notebook/nbformat';

async function start(): Promise<number> {
  const root = resolve(__dirname, '..');
  const plan = mainJobPlan(root, new Date(), process.argv.slice(2));
  mkdirSync(plan.outDir, { recursive: true });
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (): void => {
    signals += 1;
    if (signals > 1) {
      killAllKernels();
      process.exit(130);
    }
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.stderr.write(`npm start: running ${plan.argv[0]} into ${plan.outDir}\n`);
  const code = await runNotebookCli(plan.argv, { signal: controller.signal });
  let glue = {};
  try {
    if (code === 0) glue = readGlue(readNotebook(plan.notebook));
  } catch {
    // The summary's paths are still right; only the headline is missing.
  }
  process.stdout.write(mainJobSummary(plan, code, process.cwd(), glue) + '\n');
  return code;
}

start().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`npm start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAllKernels();
    process.exit(1);
  },
);
