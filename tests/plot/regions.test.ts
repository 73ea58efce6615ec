import { describe, expect, it } from 'vitest';
import { indexSpan, shadedRect, spanLabel } from '../../src/plot/regions';
import { toAxisTimes } from '../../src/plot/time';

describe('indexSpan', () => {
  const times = toAxisTimes([0, 1, 2, 3], 'number');
  it.each([
    [0, 2, { x0: 0, x1: 1.5, center: 0.75 }],
    [1, 3, { x0: 0.5, x1: 2.5, center: 1.5 }],
    [2, 4, { x0: 1.5, x1: 3, center: 2.25 }],
    [0, 4, { x0: 0, x1: 3, center: 1.5 }],
  ])('[%i, %i) spans halfway between samples', (start, end, expected) => {
    expect(indexSpan(times, start, end)).toEqual(expected);
  });

  it('works in dates', () => {
    const day = 86_400_000;
    const span = indexSpan(toAxisTimes([0, day, 2 * day], 'date'), 1, 2);
    expect(span).toEqual({ x0: '1970-01-01T12:00:00.000Z', x1: '1970-01-02T12:00:00.000Z', center: '1970-01-02T00:00:00.000Z' });
  });
});

describe('shapes', () => {
  it('a shaded rect covers the full height below the traces', () => {
    expect(shadedRect({ x0: 1, x1: 2, center: 1.5 }, 'red')).toMatchObject({ type: 'rect', yref: 'paper', y0: 0, y1: 1, x0: 1, x1: 2, layer: 'below', fillcolor: 'red' });
  });
  it('a label sits at the centre', () => {
    expect(spanLabel({ x0: 1, x1: 2, center: 1.5 }, 'train')).toMatchObject({ x: 1.5, text: 'train', showarrow: false });
  });
});
