/**
 * `run-notebook --queue URL ...`: the notebook command line's queue mode (see
 * {@link QueueRunner}): enqueue the batch, then wait and write, or print the id and exit.
 */
import * as fs from 'node:fs';
import type { CliIo, QueueRequest, QueueRunner } from '../notebook/cli';
import { EXIT_INTERRUPTED } from '../notebook/execute';
import { collectNotebookBatch, submitNotebookBatch } from './notebookBatch';
import { parseQueueUrl } from './url';

function describeProgress(progress: unknown): string | null {
  const p = progress as { kind?: string; cells_done?: number; cells_total?: number } | null;
  return p?.kind === 'notebook' && typeof p.cells_done === 'number' ? `${p.cells_done}/${p.cells_total} cells` : null;
}

/**
 * Runs a parsed `--queue` command line. Exit codes as a local batch's: 0 every run completed,
 * 1 some failed or lost their kernel, 2 bad input (nothing enqueued), 130 cancelled by Ctrl-C
 * (waiting runs removed, running ones asked to stop).
 */
export const runNotebookQueue: QueueRunner = async (request: QueueRequest, io: CliIo, signal?: AbortSignal): Promise<number> => {
  const url = parseQueueUrl(request.queue);
  const target = { url, queueName: request.name };
  let batch = request.collect;
  if (batch === undefined) {
    batch = await submitNotebookBatch({
      ...target, jobs: request.jobs ?? [], outputDir: request.outputDir!, execute: request.execute, cwd: request.cwd, retries: request.retries,
      artifacts: request.artifacts,
    });
    io.stderr(`run-notebook: enqueued ${request.jobs?.length ?? 0} run(s) as batch ${batch} on ${url.display}\n`);
    if (request.detach) {
      io.stdout(`${batch}\n`);
      return 0;
    }
  }
  if (request.outputDir !== undefined) fs.mkdirSync(request.outputDir, { recursive: true });
  let lastLine = 0;
  const { rows, exitCode, files } = await collectNotebookBatch({
    ...target, batch, outputDir: request.outputDir, signal,
    onRow: (row) => io.stderr(`[${row.status}] ${row.output} (${row.duration_s.toFixed(1)} s on ${row.worker || '-'})${row.error ? `: ${row.error}` : ''}\n`),
    onProgress: (output, progress) => {
      const text = describeProgress(progress);
      if (text === null || Date.now() - lastLine < 2000) return;
      lastLine = Date.now();
      io.stderr(`[running] ${output}: ${text}\n`);
    },
  });
  io.stdout(`${rows.filter((r) => r.status === 'completed').length}/${rows.length} runs completed (batch ${batch}); summary: ${files.json}, ${files.csv}\n`);
  return signal?.aborted ? EXIT_INTERRUPTED : exitCode === 0 || exitCode === EXIT_INTERRUPTED ? exitCode : 1;
};
