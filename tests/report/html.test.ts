import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../src/report/html';
import type { Report } from '../../src/report/html';
import { PLOTLY_LIBRARY_MARKER } from '../../src/report/plotlyEmbed';
import { seriesFigure } from '../../src/plot/seriesFigure';
import { lossFigure } from '../../src/plot/lossFigure';
import { expectInputError } from '../plot/expectInputError';

const evil = '</script><script>window.__pwned = 1</script>';

const report: Report = {
  title: 'Forecast <report>',
  subtitle: 'co2 · lstm & naive',
  sections: [
    { kind: 'text', title: 'About', text: 'First paragraph.\nSame paragraph.\n\nSecond <paragraph>.' },
    { kind: 'figure', title: 'Series', figure: seriesFigure({ time: [0, 1, 2], series: [{ name: evil, values: [1, 2, 3] }] }) },
    { kind: 'table', title: 'Metrics', columns: ['model', 'mae', 'n'], rows: [['lstm', 0.123456, 120], ['naive', null, 120]] },
    { kind: 'figure', figure: lossFigure({ loss: [1, 0.5] }) },
    { kind: 'html', html: '<p class="custom">raw <em>html</em></p>' },
  ],
};

/** The JSON blocks of the page, parsed. */
function figureBlocks(html: string): Array<{ id: string; figure: { data: Array<{ name: string }> } }> {
  return [...html.matchAll(/<script type="application\/json" id="([\w-]+)-data">(.*?)<\/script>/gs)].map((m) => ({
    id: m[1] as string,
    figure: JSON.parse(m[2] as string) as { data: Array<{ name: string }> },
  }));
}

describe('renderReportHtml', () => {
  const html = renderReportHtml(report);

  it('is one page with escaped title and subtitle', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<title>Forecast &lt;report&gt;</title>');
    expect(html).toContain('<h1>Forecast &lt;report&gt;</h1><p class="wb-subtitle">co2 · lstm &amp; naive</p>');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('inlines plotly.js exactly once, in the head, before any figure', () => {
    expect(html.split(PLOTLY_LIBRARY_MARKER)).toHaveLength(2);
    expect(html.indexOf(PLOTLY_LIBRARY_MARKER)).toBeLessThan(html.indexOf('</head>'));
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it('embeds each figure as a container and a JSON block that parses back', () => {
    const blocks = figureBlocks(html);
    expect(blocks.map((b) => b.id)).toEqual(['figure-1', 'figure-2']);
    expect(blocks[0]?.figure.data.map((t) => t.name)).toEqual([evil]);
    expect(blocks[1]?.figure.data.map((t) => t.name)).toEqual(['train loss']);
    expect(html.match(/<div id="figure-\d" class="wb-figure"/g)).toHaveLength(2);
  });

  it('keeps a </script> in a trace name from closing anything', () => {
    expect(html).not.toContain('window.__pwned = 1</script>');
    // 3 library scripts + 2 per figure (JSON block, draw script).
    expect(html.match(/<\/script>/gi)).toHaveLength(3 + 2 * 2);
  });

  it('renders tables with formatted numbers, text as escaped paragraphs, html as is', () => {
    expect(html).toContain('<h2>Metrics</h2>');
    expect(html).toContain('<tr><td>lstm</td><td class="num">0.1235</td><td class="num">120</td></tr>');
    expect(html).toContain('<tr><td>naive</td><td class="null"></td><td class="num">120</td></tr>');
    expect(html).toContain('<div class="wb-text"><p>First paragraph.\nSame paragraph.</p><p>Second &lt;paragraph&gt;.</p></div>');
    expect(html).toContain('<div class="wb-html"><p class="custom">raw <em>html</em></p></div>');
  });

  it('keeps the sections in order', () => {
    const order = ['<h2>About</h2>', '<h2>Series</h2>', '<h2>Metrics</h2>', 'id="figure-2"', 'class="custom"'].map((s) => html.indexOf(s));
    expect(order.every((p) => p > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('is deterministic and does not mutate the report', () => {
    const before = JSON.stringify(report);
    expect(renderReportHtml(report)).toBe(html);
    expect(JSON.stringify(report)).toBe(before);
  });

  it('leaves plotly.js out when there is no figure', () => {
    const page = renderReportHtml({ title: 'T', sections: [{ kind: 'text', text: 'x' }] });
    expect(page).not.toContain(PLOTLY_LIBRARY_MARKER);
    expect(page.length).toBeLessThan(10_000);
  });

  it.each([
    [{ title: '', sections: [] }, 'title must be a non-empty string, got ""'],
    [{ title: 'T', sections: {} }, 'sections must be an array, got {}'],
    [{ title: 'T', sections: [{ kind: 'chart' }] }, 'sections[0].kind must be one of figure, table, html, text, got "chart"'],
    [{ title: 'T', sections: [{ kind: 'figure', figure: { data: [] } }] }, 'sections[0].figure must be { data: [...], layout: {...} }, got {"data":[]}'],
    [{ title: 'T', sections: [{ kind: 'table', columns: ['a'], rows: [[1, 2]] }] }, 'sections[0].rows[0] must have 1 cells (one per column), got [1,2]'],
    [{ title: 'T', sections: [{ kind: 'text', text: 1 }] }, 'sections[0].text must be a string, got 1'],
    [{ title: 'T', sections: [{ kind: 'html', title: 2, html: '' }] }, 'sections[0].title must be a string, got 2'],
  ])('rejects bad input %#', (input, message) => {
    expectInputError(() => renderReportHtml(input as never), message);
  });
});
