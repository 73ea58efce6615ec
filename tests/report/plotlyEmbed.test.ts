import { describe, expect, it } from 'vitest';
import { readFileSync } from 'fs';
import {
  figureEmbedHtml,
  plotlyLibraryHtml,
  plotlyLibrarySource,
  plotlyVersion,
  PLOTLY_LIBRARY_MARKER,
  DEFAULT_EMBED_HEIGHT,
} from '../../src/report/plotlyEmbed';
import { expectInputError } from '../plot/expectInputError';

describe('plotly library', () => {
  it('is the installed plotly.js-cartesian-dist-min bundle, safe to inline', () => {
    const original = readFileSync(require.resolve('plotly.js-cartesian-dist-min'), 'utf8');
    expect(plotlyVersion()).toBe('3.7.0');
    expect(plotlyLibrarySource()).toHaveLength(original.length); // nothing needed rewriting in 3.7.0
    expect(plotlyLibrarySource()).not.toMatch(/<\/script/i);
  });

  it('is wrapped in an AMD guard, inlined exactly once', () => {
    const html = plotlyLibraryHtml();
    expect(html.split(PLOTLY_LIBRARY_MARKER)).toHaveLength(2);
    expect(html.match(/<script[ >]/g)).toHaveLength(3);
    expect(html.startsWith('<script>(function(){var d=window.define;if(typeof d==="function"&&d.amd)')).toBe(true);
  });
});

describe('figureEmbedHtml', () => {
  const figure = { data: [{ type: 'scatter', name: '</script><b>x</b>', x: [1], y: [2] }], layout: { height: 300 } };

  it('holds a container, the escaped figure JSON and a draw script', () => {
    const html = figureEmbedHtml(figure, { id: 'fig-1' });
    expect(html).toContain('<div id="fig-1" class="wb-figure" style="width:100%;height:300px"></div>');
    const json = /<script type="application\/json" id="fig-1-data">(.*?)<\/script>/s.exec(html)?.[1] as string;
    expect(json).not.toContain('</script');
    expect(JSON.parse(json)).toEqual({ ...figure, config: { responsive: true, displaylogo: false } });
    // Only the three tags of the fragment close: the trace name did not close anything.
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it('uses the default height and merges the config over the defaults', () => {
    const html = figureEmbedHtml({ data: [], layout: {}, config: { displaylogo: true } }, { id: 'a' });
    expect(html).toContain(`height:${DEFAULT_EMBED_HEIGHT}px`);
    expect(html).toContain('"config":{"responsive":true,"displaylogo":true}');
  });

  it('carries the message shown when plotly.js is missing, escaped', () => {
    expect(figureEmbedHtml({ data: [], layout: {} }, { id: 'a', missingPlotlyMessage: 'no <plotly>' })).toContain('no \\u0026lt;plotly\\u0026gt;');
  });

  it('rejects ids that could break the markup', () => {
    expectInputError(() => figureEmbedHtml(figure, { id: '1"x' }), 'id must start with a letter and hold only letters, digits, "-" and "_", got "1\\"x"');
  });
});
