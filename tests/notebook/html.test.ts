import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { GLUE_MIME } from '../../src/notebook/glue';
import { escapeHtml, jsonForScript, PLOTLY_MIME, renderMarkdown, renderNotebookHtml, writeNotebookHtml } from '../../src/notebook/html';
import type { CodeCell, Notebook } from '../../src/notebook/nbformat';
import { PROJECT_ROOT, tempDir } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(PROJECT_ROOT, '.tmp', 'notebook-tests');

const code = (source: string, outputs: CodeCell['outputs'], metadata: CodeCell['metadata'] = {}): CodeCell => ({
  cell_type: 'code', execution_count: 1, metadata, source, outputs,
});
const figure = (traces: number, name = 'series') => ({
  data: Array.from({ length: traces }, (_, i) => ({ type: 'scatter', mode: 'lines', name: `${name} ${i}`, x: [1, 2, 3], y: [i, i + 1, i * 2] })),
  layout: { title: { text: 'Forecast' }, width: 500, height: 300 },
});

const executed: Notebook = {
  nbformat: 4, nbformat_minor: 5, metadata: { papermill: { input_path: 'notebooks/01-quickstart.ipynb' } },
  cells: [
    { cell_type: 'markdown', metadata: {}, source: '# Quickstart\n\nSome **bold** and `code`, a [link](https://example.org).\n\n- one\n- two' },
    code('const x = "<b>not html</b>";', [{ output_type: 'stream', name: 'stdout', text: '<script>alert(1)</script>\n' }]),
    code('plot()', [{ output_type: 'display_data', data: { [PLOTLY_MIME]: figure(2, 'forecast </script> "q"'), 'text/html': '<b>fallback</b>', 'text/plain': 'plot' }, metadata: {} }]),
    code('plot2()', [{ output_type: 'display_data', data: { [PLOTLY_MIME]: figure(1) }, metadata: {} }]),
    code('glue()', [{ output_type: 'display_data', data: { [GLUE_MIME]: { name: 'rmse', value: 1 } }, metadata: {} }]),
    code('hidden()', [{ output_type: 'stream', name: 'stderr', text: 'warn' }], { jupyter: { source_hidden: true } }),
    code('throw', [{ output_type: 'error', ename: 'TypeError', evalue: 'boom <x>', traceback: ['TypeError: boom <x>', '    at f'] }]),
  ],
};

describe('renderNotebookHtml', () => {
  it('escapes text for HTML and JSON for <script>', () => {
    expect(escapeHtml('<a href="x">&\'</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
    expect(jsonForScript({ s: '</script><!-- \u2028' })).toBe('{"s":"\\u003c/script\\u003e\\u003c!-- \\u2028"}');
    expect(JSON.parse(jsonForScript({ s: '</script>&' }))).toEqual({ s: '</script>&' });
  });

  it('renders inputs, escaped streams, errors and markdown; hides glue and source_hidden inputs', () => {
    const html = renderNotebookHtml(executed, { plotlySource: '/* plotly */' });
    expect(html).toContain('<title>01-quickstart</title>');
    expect(html).toContain('<h1>Quickstart</h1>');
    expect(html).toContain('<p>Some <strong>bold</strong> and <code>code</code>, a <a href="https://example.org">link</a>.</p>');
    expect(html).toContain('<ul><li>one</li><li>two</li></ul>');
    expect(html).toContain('<pre class="input"><code>const x = &quot;&lt;b&gt;not html&lt;/b&gt;&quot;;</code></pre>');
    expect(html).toContain('<pre class="stream stdout">&lt;script&gt;alert(1)&lt;/script&gt;\n</pre>');
    expect(html).toContain('<pre class="error">TypeError: boom &lt;x&gt;\n    at f</pre>');
    expect(html).not.toContain('hidden()');
    expect(html).not.toContain('rmse');
    expect(html).not.toContain('<b>fallback</b>'); // the plotly bundle wins over its text/html fallback
    expect(html.match(/<\/script>/g)).toHaveLength(3); // plotly.js, figures JSON, bootstrap: no early close from data
  });

  it('hides every input in report mode and inlines plotly.js only when a figure exists', () => {
    const report = renderNotebookHtml(executed, { reportMode: true, plotlySource: '/* plotly */' });
    expect(report).not.toContain('class="input"');
    const noPlots = renderNotebookHtml({ ...executed, cells: executed.cells.slice(0, 2) });
    expect(noPlots).not.toContain('<script');
  });

  it('renders a markdown subset', () => {
    expect(renderMarkdown('## T\n```ts\nconst a = 1 < 2;\n```\n1. a\n2. b\n<span id="x">raw</span>'))
      .toBe('<h2>T</h2>\n<pre><code>const a = 1 &lt; 2;</code></pre>\n<ol><li>a</li><li>b</li></ol>\n<span id="x">raw</span>');
    expect(renderMarkdown('[x](javascript:void)')).toBe('<p>x</p>'); // only http(s), anchors and relative links
  });
});

describe('HTML report in headless Chromium', () => {
  const hasChromium = fs.existsSync(CHROMIUM);
  // Under CI the browser test must run: a missing Chromium fails it instead of skipping.
  const browserIt = hasChromium || process.env.CI ? it : it.skip;

  browserIt('draws every plotly figure with no network access and saves a screenshot', async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing: chromium must be installed (apt-get install -y chromium) for the browser test`);
    const dir = tempDir('html-test-');
    const file = path.join(dir, 'report.html');
    writeNotebookHtml(file, executed);
    const context = await chromium.launchPersistentContext(tempDir('chromium-profile-'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await context.newPage();
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`file://${file}`);
      await page.waitForSelector('#plotly-output-1[data-rendered="true"]', { timeout: 30_000 });
      expect(errors).toEqual([]);
      expect(requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'))).toEqual([]);
      expect(await page.locator('.plotly-output').count()).toBe(2);
      expect(await page.locator('#plotly-output-0 svg.main-svg').count()).toBeGreaterThan(0);
      expect(await page.locator('#plotly-output-0 .scatterlayer g.trace').count()).toBe(2);
      expect(await page.locator('#plotly-output-1 .scatterlayer g.trace').count()).toBe(1);
      expect(await page.locator('#plotly-output-0 .legendtext').allTextContents()).toEqual(['forecast </script> "q" 0', 'forecast </script> "q" 1']);
      expect(await page.locator('#plotly-output-0 .gtitle').textContent()).toBe('Forecast');
      expect(await page.locator('pre.stream.stdout').textContent()).toBe('<script>alert(1)</script>\n');
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      const screenshot = path.join(ARTIFACTS, 'notebook-report.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(fs.statSync(screenshot).size).toBeGreaterThan(10_000);
    } finally {
      await context.close();
    }
  });
});
