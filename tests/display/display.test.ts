import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  displayFigure,
  displayTable,
  displayHtml,
  createLiveDisplay,
  setDisplaySink,
  resetPlotlyLoaded,
  canDisplay,
  PLOTLY_MIME,
  NOTEBOOK_MISSING_PLOTLY_MESSAGE,
} from '../../src/display/display';
import type { DisplayContent } from '../../src/display/display';
import { lossFigure } from '../../src/plot/lossFigure';
import { metricBarsFigure } from '../../src/plot/metricBars';
import { figureSummary } from '../../src/plot/summary';
import { plotlyLibrarySource, PLOTLY_LIBRARY_MARKER } from '../../src/report/plotlyEmbed';
import { expectInputError } from '../helpers/expectInputError';

interface Sent {
  readonly content: DisplayContent;
  readonly update: boolean;
}

let sent: Sent[];

/** Occurrences of `needle` in `haystack`. */
function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** The bundle's licence header and UMD wrapper: once in the bundle, to count how often it was inlined. */
const librarySlice = (): string => plotlyLibrarySource().slice(0, 400);

const html = (s: Sent | undefined): string => String(s?.content.data['text/html']);

beforeEach(() => {
  sent = [];
  setDisplaySink((content, update) => sent.push({ content, update }));
});

afterEach(() => {
  setDisplaySink(undefined);
});

describe('displayFigure', () => {
  const figure = lossFigure({ loss: [1, 0.5, 0.25], valLoss: [1.2, 0.7, 0.6], bestEpoch: 3 });

  it('sends ONE display_data with plotly JSON, HTML and a text summary', () => {
    displayFigure(figure);
    expect(sent).toHaveLength(1);
    const { content, update } = sent[0] as Sent;
    expect(update).toBe(false);
    expect(Object.keys(content.data).sort()).toEqual([PLOTLY_MIME, 'text/html', 'text/plain'].sort());
    const plotly = content.data[PLOTLY_MIME] as { data: unknown; layout: unknown; config: Record<string, unknown> };
    expect(plotly.data).toEqual(figure.data);
    expect(plotly.layout).toEqual(figure.layout);
    expect(plotly.config).toEqual({ responsive: true, displaylogo: false });
    expect(content.data['text/plain']).toBe(figureSummary(figure));
    expect(content.data['text/plain']).toBe(
      'Figure "Training history": 3 traces\n  train loss: 3 points\n  validation loss: 3 points\n  best epoch (3): 1 point',
    );
    expect(content.transient).toEqual({});
  });

  it('inlines plotly.js in the first figure only', () => {
    expect(count(plotlyLibrarySource(), librarySlice())).toBe(1);
    displayFigure(figure);
    displayFigure(metricBarsFigure({ metrics: { a: { mae: 1 } } }));
    const [first, second] = sent.map(html);
    expect(count(first as string, PLOTLY_LIBRARY_MARKER)).toBe(1);
    expect(count(first as string, librarySlice())).toBe(1);
    expect(count(second as string, PLOTLY_LIBRARY_MARKER)).toBe(0);
    expect(count(second as string, librarySlice())).toBe(0);
    // Both draw with Plotly.newPlot and explain a missing library instead of failing silently.
    for (const h of [first, second] as string[]) {
      expect(count(h, 'P.newPlot(el,f.data,f.layout,f.config)')).toBe(1);
      expect(count(h, 'class="wb-figure"')).toBe(1);
      expect(h).toContain(NOTEBOOK_MISSING_PLOTLY_MESSAGE.slice(0, 40));
    }
    // The AMD guard runs before the library and restores define after it.
    const guard = (first as string).indexOf('window.define=undefined');
    const lib = (first as string).indexOf(PLOTLY_LIBRARY_MARKER);
    const restore = (first as string).indexOf('window.define=window.__wbSavedDefine');
    expect(guard).toBeGreaterThan(-1);
    expect(guard < lib && lib < restore).toBe(true);
  });

  it('inlines plotly.js again after resetPlotlyLoaded', () => {
    displayFigure(figure);
    resetPlotlyLoaded();
    displayFigure(figure);
    expect(sent.map((s) => count(html(s), PLOTLY_LIBRARY_MARKER))).toEqual([1, 1]);
  });

  it('embeds the figure JSON so that it parses back to the figure', () => {
    displayFigure(figure);
    const match = /<script type="application\/json" id="([\w-]+)-data">(.*?)<\/script>/s.exec(html(sent[0]));
    expect(match).not.toBeNull();
    const parsed = JSON.parse((match as RegExpExecArray)[2] as string) as { data: unknown; layout: unknown };
    expect(parsed.data).toEqual(figure.data);
    expect(parsed.layout).toEqual(figure.layout);
  });

  it('uses a custom summary', () => {
    displayFigure(figure, { summary: 'loss curves' });
    expect(sent[0]?.content.data['text/plain']).toBe('loss curves');
  });

  it('does not mutate the figure', () => {
    const before = JSON.stringify(figure);
    displayFigure(figure, { displayId: 'x' });
    displayFigure(figure, { displayId: 'x', update: true });
    expect(JSON.stringify(figure)).toBe(before);
  });

  it('sends plotly.js in its own output before the first figure with a display id, then updates in place', () => {
    displayFigure(figure, { displayId: 'progress' });
    displayFigure(figure, { displayId: 'progress', update: true });
    expect(sent.map((s) => [s.content.transient.display_id, s.update])).toEqual([
      [undefined, false],
      ['progress', false],
      ['progress', true],
    ]);
    expect(Object.keys(sent[0]?.content.data ?? {})).toEqual(['text/html', 'text/plain']);
    expect(sent[0]?.content.data['text/plain']).toBe('plotly.js 3.7.0 loaded');
    expect(sent.map((s) => count(html(s), PLOTLY_LIBRARY_MARKER))).toEqual([1, 0, 0]);
  });

  it('rejects bad display options and figures', () => {
    expectInputError(() => displayFigure(figure, { update: true }), 'update: true needs a displayId (the id of the output to replace), got none');
    expectInputError(
      () => displayFigure(figure, { displayId: 'nope', update: true }),
      'displayId "nope" was never displayed in this kernel, so it cannot be updated; display it first without update',
    );
    expectInputError(() => displayFigure(figure, { displayId: '' }), 'displayId must be a non-empty string, got ""');
    expectInputError(() => displayFigure({ data: 1 } as never), 'figure must be { data: [...], layout: {...} }, got {"data":1}');
    expect(sent).toEqual([]);
  });
});

describe('displayTable', () => {
  it('renders row objects as an escaped HTML table and a text table', () => {
    const rows = [
      { model: '<lstm>', mae: 0.123456 },
      { model: 'naive', mae: 2, note: 'a & b' },
    ];
    const copy = JSON.parse(JSON.stringify(rows)) as unknown;
    displayTable(rows, { caption: 'Test metrics' });
    expect(sent).toHaveLength(1);
    const data = sent[0]?.content.data as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(['text/html', 'text/plain']);
    expect(data['text/html']).toContain('<caption>Test metrics</caption>');
    expect(data['text/html']).toContain('<th>model</th><th>mae</th><th>note</th>');
    expect(data['text/html']).toContain('<td>&lt;lstm&gt;</td><td class="num">0.1235</td><td class="null"></td>');
    expect(data['text/html']).toContain('<td>a &amp; b</td>');
    expect(data['text/plain']).toBe(['Test metrics', 'model   mae     note', '------  ------  -----', '<lstm>  0.1235', 'naive   2       a & b'].join('\n'));
    expect(rows).toEqual(copy);
  });

  it('reads a danfojs DataFrame through columns and values', async () => {
    const dfd = await import('danfojs-node');
    const df = new dfd.DataFrame({ step: [1, 2, 3], load: [0.5, 0.25, 0.125] });
    displayTable(df as never, { maxRows: 2 });
    const data = sent[0]?.content.data as Record<string, string>;
    expect(data['text/html']).toContain('<th>step</th><th>load</th>');
    expect(data['text/html']).toContain('<td class="num">1</td><td class="num">0.5</td>');
    expect(data['text/html']).toContain('… 1 more row (3 in all)');
    expect(data['text/html']).not.toContain('0.125');
  });

  it('supports display ids and updates', () => {
    displayTable({ columns: ['a'], rows: [[1]] }, { displayId: 't' });
    displayTable({ columns: ['a'], rows: [[2]] }, { displayId: 't', update: true });
    expect(sent.map((s) => [s.content.transient.display_id, s.update])).toEqual([
      ['t', false],
      ['t', true],
    ]);
  });

  it('rejects unreadable tables', () => {
    expectInputError(() => displayTable(42 as never), 'table must be a DataFrame (columns + values), an array of row objects or { columns, rows }, got 42');
  });
});

describe('displayHtml and createLiveDisplay', () => {
  it('derives text/plain from the HTML by default', () => {
    displayHtml('<b>epoch 3/20</b> loss <i>0.12</i>');
    expect(sent[0]?.content.data).toEqual({ 'text/html': '<b>epoch 3/20</b> loss <i>0.12</i>', 'text/plain': 'epoch 3/20 loss 0.12' });
  });

  it('a live display shows once, then replaces its output in place', () => {
    const live = createLiveDisplay('train');
    live.text('epoch 1 <start>');
    live.html('<b>epoch 2</b>', { text: 'epoch 2' });
    live.table([{ epoch: 3, loss: 0.5 }]);
    live.figure(lossFigure({ loss: [1, 0.5, 0.4] }));
    const ids = sent.map((s) => [s.content.transient.display_id, s.update]);
    expect(ids).toEqual([
      ['train', false],
      ['train', true],
      ['train', true],
      [undefined, false], // plotly.js in an output of its own
      ['train', true],
    ]);
    expect(sent[0]?.content.data).toEqual({ 'text/html': '<pre>epoch 1 &lt;start&gt;</pre>', 'text/plain': 'epoch 1 <start>' });
    expect(live.id).toBe('train');
  });

  it('a failed first call leaves the next call a first display', () => {
    const live = createLiveDisplay();
    expect(live.id).toMatch(/^wb-live-[0-9a-f-]{36}$/);
    expect(() => live.table(5 as never)).toThrow();
    live.text('ok');
    expect(sent.map((s) => s.update)).toEqual([false]);
  });
});

describe('outside a tslab kernel', () => {
  it('writes the text/plain representation to stdout', () => {
    setDisplaySink(undefined);
    expect(canDisplay()).toBe(false);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      displayFigure(lossFigure({ loss: [1] }));
      displayTable([{ a: 1 }]);
      displayHtml('<p>hi</p>');
      expect(write.mock.calls.map((c) => c[0])).toEqual([
        'Figure "Training history": 1 trace\n  train loss: 1 point\n',
        'a\n-\n1\n',
        'hi\n',
      ]);
    } finally {
      write.mockRestore();
    }
  });
});
