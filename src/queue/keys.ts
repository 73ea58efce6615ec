/**
 * The Redis names this project uses beside BullMQ's own: batch manifests and cancel marks. All
 * start with the queue's prefix, so one `--name` keeps one project's keys apart from another's.
 */

/** BullMQ's key prefix for every queue of this project. @defaultValue `'bull'` (BullMQ's default) */
export const QUEUE_PREFIX = 'bull';

/** Seconds a batch manifest and its cancel mark are kept. @defaultValue 7 days */
export const BATCH_TTL_S = 7 * 24 * 3600;

/** Hash with a batch's manifest (kind, size, what the submitter needs to collect it). */
export function batchKey(queueName: string, batch: string): string {
  return `${QUEUE_PREFIX}:${queueName}:lstm-workbench:batch:${batch}`;
}

/** Set while a batch is cancelled: workers check it when a job of that batch starts. */
export function cancelledKey(queueName: string, batch: string): string {
  return `${QUEUE_PREFIX}:${queueName}:lstm-workbench:cancelled:${batch}`;
}

/** Pub/sub channel on which a submitter asks the workers to stop a batch's running jobs. */
export function cancelChannel(queueName: string): string {
  return `${QUEUE_PREFIX}:${queueName}:lstm-workbench:cancel`;
}

/** BullMQ job id of a batch's `index`-th job (BullMQ refuses `:` in custom ids). */
export function jobId(batch: string, index: number): string {
  return `${batch}-${index}`;
}
