import { describe, expect, it } from 'vitest';
import { JobAbortedError, JobRun } from '../../src/job/jobRun';
import { STAGE_SECONDS_KEYS } from '../../src/job/metrics';

describe('JobRun', () => {
  it('times the stages; splitOff moves a part of an ended stage to its own key, listed after it', async () => {
    const run = new JobRun({ out: 'runs/a' });
    await run.begin();
    for (const stage of ['load', 'train', 'backtest', 'report'] as const) await run.enter(stage);
    run.seconds.backtest = 10;
    run.splitOff('backtest', 'baselines', 7.25);
    await run.enter('write');
    const seconds = run.finish();
    expect(Object.keys(seconds)).toEqual([...STAGE_SECONDS_KEYS]);
    expect([seconds.backtest, seconds.baselines]).toEqual([2.75, 7.25]);
  });

  it('splitOff refuses a stage not ended, or more seconds than the stage had', async () => {
    const run = new JobRun({ out: 'runs/a' });
    await run.begin();
    expect(() => run.splitOff('backtest', 'baselines', 1)).toThrow('stage backtest has not ended: nothing to split off');
    await run.enter('load');
    run.seconds.setup = 1;
    expect(() => run.splitOff('setup', 'baselines', 2)).toThrow('seconds must be in [0, 1] (the seconds of setup), got 2');
    expect(() => run.splitOff('setup', 'baselines', -1)).toThrow(RangeError);
    // A rounding error above the stage's seconds is taken as all of them.
    run.splitOff('setup', 'baselines', 1 + 1e-9);
    expect(run.snapshot()).toEqual({ setup: 0, baselines: 1 });
  });

  it('checkAborted names the stage', async () => {
    const controller = new AbortController();
    const run = new JobRun({ out: 'runs/a', signal: controller.signal });
    await run.begin();
    controller.abort();
    await expect(run.enter('load')).rejects.toThrow(new JobAbortedError('interrupted during load; nothing was written to runs/a'));
  });
});
