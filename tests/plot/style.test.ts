import { describe, expect, it } from 'vitest';
import { axis, baseLayout, colorAt, PALETTE, DEFAULT_FIGURE_HEIGHT } from '../../src/plot/style';

describe('style', () => {
  it('cycles through the palette', () => {
    expect(colorAt(0)).toBe('#1f77b4');
    expect(colorAt(PALETTE.length + 1)).toBe(PALETTE[1]);
  });
  it('returns a fresh layout each time, with the title only when given', () => {
    const a = baseLayout('T');
    const b = baseLayout();
    expect(a).toMatchObject({ title: { text: 'T' }, height: DEFAULT_FIGURE_HEIGHT });
    expect(b).not.toHaveProperty('title');
    expect(baseLayout('T')).not.toBe(a);
  });
  it('builds an axis with a title and extras', () => {
    expect(axis('epoch', { type: 'log' })).toMatchObject({ title: { text: 'epoch' }, type: 'log' });
  });
});
