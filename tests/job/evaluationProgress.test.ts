import { describe, expect, it } from 'vitest';
import type { PanelSplit } from '../../src/data/panelSplit';
import { EvaluationCounter, type EvaluationProgress } from '../../src/job/evaluationProgress';

// Two series: 3 + 2 validation rows, 5 + 4 test rows; 2 models. Total 2 * (5 + 9 + 2) = 32.
const split: PanelSplit = [
  { train: { start: 0, end: 10 }, val: { start: 10, end: 13 }, test: { start: 13, end: 18 } },
  { train: { start: 0, end: 8 }, val: { start: 8, end: 10 }, test: { start: 10, end: 14 } },
];

function run(skipValidation: boolean, leaveOut = 0): EvaluationProgress[] {
  const events: EvaluationProgress[] = [];
  const counter = new EvaluationCounter(split, 2, (e) => events.push(e));
  if (skipValidation) counter.skip('validation');
  else {
    const validation = counter.backtest('validation');
    for (const model of ['a', 'b']) {
      validation(model, 0, 5);
      validation(model, 5, 5);
    }
  }
  const test = counter.backtest('test');
  for (const model of ['a', 'b']) {
    test(model, 0, 9);
    test(model, 5, 9);
    test(model, 9, 9);
  }
  counter.leaveOut(leaveOut);
  for (const model of ['a', 'b'].slice(0, 2 - leaveOut)) {
    counter.future(model, false);
    counter.future(model, true);
  }
  return events;
}

describe('EvaluationCounter', () => {
  it('adds every model of every phase up, in origins', () => {
    const events = run(false);
    expect(events.map((e) => [e.phase, e.model, e.done, e.total])).toEqual([
      ['validation', 'a', 0, 32], ['validation', 'a', 5, 32], ['validation', 'b', 5, 32], ['validation', 'b', 10, 32],
      ['test', 'a', 10, 32], ['test', 'a', 15, 32], ['test', 'a', 19, 32], ['test', 'b', 19, 32], ['test', 'b', 24, 32], ['test', 'b', 28, 32],
      ['future', 'a', 28, 32], ['future', 'a', 30, 32], ['future', 'b', 30, 32], ['future', 'b', 32, 32],
    ]);
  });

  it('a skipped validation phase and a model left out leave the total', () => {
    const events = run(true, 1);
    expect(events[0]).toEqual({ phase: 'test', model: 'a', done: 0, total: 22 });
    expect(events.map((e) => e.total).slice(-2)).toEqual([20, 20]);
    expect(events[events.length - 1].done).toBe(20);
    const done = events.map((e) => e.done);
    expect(done).toEqual([...done].sort((x, y) => x - y));
  });
});
