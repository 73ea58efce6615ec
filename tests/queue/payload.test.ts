import { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_PREFIX } from '../../src/queue/keys';
import { PAYLOAD_VERSION, PayloadError, validateJobData, type ForecastJobData, type NotebookJobData } from '../../src/queue/payload';
import { startQueueWorker, type QueueWorker } from '../../src/queue/worker';
import { connectionOptions, parseQueueUrl } from '../../src/queue/url';
import { hasRedisServer, redisMissingInCi, startTestRedis, type TestRedis } from '../helpers/redis';

const HAS_REDIS = hasRedisServer();
const redisMissing = redisMissingInCi();

const NOTEBOOK: NotebookJobData = {
  kind: 'notebook', version: PAYLOAD_VERSION, batch: '20250101T000000-abcdef', index: 0, input: 'notebooks/01-quickstart.ipynb',
  notebook: { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] } as unknown as NotebookJobData['notebook'],
  parameters: { lr: 0.01 }, cwd: '.', options: { executionTimeoutS: 60 }, artifacts: null, stem: '01-quickstart-lr=0.01',
};

const FORECAST: ForecastJobData = {
  kind: 'forecast', version: PAYLOAD_VERSION, batch: '20250101T000000-abcdef', index: 1,
  argv: ['--csv', 'a.csv', '--time', 't', '--target', 'y'], series: ['a', 'b'], name: 'part-1', artifacts: null,
};

/** `base` with `changes` applied; a change to `undefined` removes the field. */
function changed(base: object, changes: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...base, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete copy[key];
  return copy;
}

describe('test prerequisites', () => {
  it.runIf(redisMissing !== undefined)('redis-server is installed in CI', () => {
    expect.fail(redisMissing);
  });
});

describe('validateJobData', () => {
  it.each<[string, unknown, string]>([
    ['a string', 'notebook', 'job data: must be an object, got string'],
    ['a number', 42, 'job data: must be an object, got number'],
    ['undefined', undefined, 'job data: must be an object, got undefined'],
    ['null', null, 'job data: must be an object, got null'],
    ['an array', [NOTEBOOK], 'job data: must be an object, got an array'],
    ['a wrong kind', changed(NOTEBOOK, { kind: 'script' }), 'job data: kind must be "notebook" or "forecast", got "script"'],
    ['no kind', changed(NOTEBOOK, { kind: undefined }), 'job data: kind must be "notebook" or "forecast", got undefined'],
    ['a wrong version', changed(NOTEBOOK, { version: 2 }), 'job data: version must be 1, got 2 (submitter and worker run different releases)'],
    ['a version as text', changed(FORECAST, { version: '1' }), 'job data: version must be 1, got "1" (submitter and worker run different releases)'],
    ['no batch', changed(NOTEBOOK, { batch: undefined }), 'job data: batch must be a plain file name, got undefined'],
    ['an empty batch', changed(FORECAST, { batch: '' }), 'job data: batch must be a plain file name, got ""'],
    ['a negative index', changed(NOTEBOOK, { index: -1 }), 'job data: index must be a non-negative integer, got -1'],
    ['a fractional index', changed(FORECAST, { index: 1.5 }), 'job data: index must be a non-negative integer, got 1.5'],
    ['an index as text', changed(FORECAST, { index: '0' }), 'job data: index must be a non-negative integer, got "0"'],
    ['a notebook input that is not a string', changed(NOTEBOOK, { input: 3 }), 'job data: input must be a string, got 3'],
    ['a notebook without cells', changed(NOTEBOOK, { notebook: { nbformat: 4, metadata: {} } }), 'job data: notebook must be a notebook object with a cells list'],
    ['a notebook that is a string', changed(NOTEBOOK, { notebook: '{"cells":[]}' }), 'job data: notebook must be a notebook object with a cells list'],
    ['parameters that are a list', changed(NOTEBOOK, { parameters: [['lr', 0.1]] }), 'job data: parameters must be an object, got [["lr",0.1]]'],
    ['parameters that are text', changed(NOTEBOOK, { parameters: 'lr=0.1' }), 'job data: parameters must be an object, got "lr=0.1"'],
    ['an empty cwd', changed(NOTEBOOK, { cwd: '' }), 'job data: cwd must be a non-empty string, got ""'],
    ['no options', changed(NOTEBOOK, { options: undefined }), 'job data: options must be an object, got undefined'],
    ['notebook artifacts that are not a path', changed(NOTEBOOK, { artifacts: false }), 'job data: artifacts must be null or a path, got false'],
    ['a notebook stem with a slash', changed(NOTEBOOK, { stem: 'a/b' }), 'job data: stem must be a plain file name, got "a/b"'],
    ['no notebook stem', changed(NOTEBOOK, { stem: undefined }), 'job data: stem must be a plain file name, got undefined'],
    ['forecast argv that are not strings', changed(FORECAST, { argv: ['--horizon', 6] }), 'job data: argv must be a list of strings'],
    ['forecast argv as one string', changed(FORECAST, { argv: '--horizon 6' }), 'job data: argv must be a list of strings'],
    ['an empty series list', changed(FORECAST, { series: [] }), 'job data: series must be null or a non-empty list of strings'],
    ['series ids that are numbers', changed(FORECAST, { series: [1, 2] }), 'job data: series must be null or a non-empty list of strings'],
    ['no series', changed(FORECAST, { series: undefined }), 'job data: series must be null or a non-empty list of strings'],
    ['a name with a slash', changed(FORECAST, { name: 'runs/part-0' }), 'job data: name must be a plain file name, got "runs/part-0"'],
    ['an empty name', changed(FORECAST, { name: '' }), 'job data: name must be a plain file name, got ""'],
    ['a name with a space', changed(FORECAST, { name: 'part 0' }), 'job data: name must be a plain file name, got "part 0"'],
    ['artifacts that are not a path', changed(FORECAST, { artifacts: 7 }), 'job data: artifacts must be null or a path, got 7'],
  ])('refuses %s', (_label, data, message) => {
    let thrown: unknown;
    try {
      validateJobData(data);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PayloadError);
    expect((thrown as PayloadError).name).toBe('PayloadError');
    expect((thrown as PayloadError).message).toBe(message);
  });

  it.each<[string, unknown]>([
    ['a notebook payload', NOTEBOOK],
    ['a notebook payload with shared artifacts', { ...NOTEBOOK, artifacts: '/shared/runs' }],
    ['a forecast payload', FORECAST],
    ['a forecast payload for every series, with shared artifacts', { ...FORECAST, series: null, name: 'forecast', artifacts: '/shared/runs' }],
  ])('returns %s unchanged (the same object)', (_label, data) => {
    const before = JSON.stringify(data);
    expect(validateJobData(data)).toBe(data);
    expect(JSON.stringify(data)).toBe(before);
  });

  it.each<[string, Record<string, unknown>]>([
    ['forecast name ".."', changed(FORECAST, { name: '..' })],
    ['forecast name "."', changed(FORECAST, { name: '.' })],
    ['forecast batch "../../etc"', changed(FORECAST, { batch: '../../etc' })],
    ['notebook stem ".."', changed(NOTEBOOK, { stem: '..' })],
    ['notebook batch "../../etc"', changed(NOTEBOOK, { batch: '../../etc' })],
  ])('refuses a payload whose output folder escapes its batch folder: %s', (_label, data) => {
    expect(() => validateJobData(data)).toThrow(PayloadError);
  });
});

describe.skipIf(!HAS_REDIS)('a worker given a malformed payload', () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await startTestRedis();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  it('fails the job at once with the reason and does not retry it', async () => {
    const url = parseQueueUrl(redis.url);
    const lines: string[] = [];
    let worker: QueueWorker | undefined;
    const queue = new Queue('payload-test', { connection: connectionOptions(url), prefix: QUEUE_PREFIX });
    try {
      worker = await startQueueWorker({ url, queueName: 'payload-test', lockDurationMs: 2000, log: (line) => lines.push(line) });
      const added = await queue.add('bad', { kind: 'notebook', version: 1 }, { attempts: 3, backoff: { type: 'fixed', delay: 10 } });
      const deadline = Date.now() + 60_000;
      let state = await added.getState();
      while (state !== 'failed' && Date.now() < deadline) {
        expect(state).not.toBe('completed');
        await new Promise((resolve) => setTimeout(resolve, 100));
        state = await added.getState();
      }
      expect(state).toBe('failed');
      const job = await Job.fromId(queue, added.id!);
      expect(job!.failedReason).toBe('job data: batch must be a plain file name, got undefined');
      expect(job!.attemptsMade).toBe(1);
      // The worker logs the failure from its 'failed' event, just after the job's state changed.
      const failedLine = `worker ${worker.name}: failed ${added.id}: job data: batch must be a plain file name, got undefined`;
      for (const until = Date.now() + 5000; !lines.includes(failedLine) && Date.now() < until;) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(new RegExp(`^worker ${worker.name}: started ${added.id} \\(`));
      expect(lines[1]).toBe(failedLine);
    } finally {
      await worker?.close();
      await queue.close();
    }
  });
});
