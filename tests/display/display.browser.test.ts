import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Browser } from 'playwright-core';
import { displayFigure, setDisplaySink, NOTEBOOK_MISSING_PLOTLY_MESSAGE } from '../../src/display/display';
import type { DisplayContent } from '../../src/display/display';
import { seriesFigure } from '../../src/plot/seriesFigure';
import { metricBarsFigure } from '../../src/plot/metricBars';
import { forecastFigure } from '../../src/plot/forecastFigure';
import { jsonForScript } from '../../src/report/escape';
import { HAS_CHROMIUM, launchChromium, openOffline } from '../report/chromium';

/**
 * A stand-in for require.js as the classic Notebook and nbconvert pages define it: an AMD
 * `define` that fails on anonymous modules, as require.js does for scripts it did not load.
 */
const FAKE_REQUIREJS =
  '<script>window.define=function(){throw new Error("Mismatched anonymous define() module");};window.define.amd={jQuery:true};</script>';

/** The text/html of each display, as `jupyter nbconvert --to html` keeps them, in order. */
function collectOutputs(): string[] {
  const outputs: DisplayContent[] = [];
  setDisplaySink((content) => outputs.push(content));
  displayFigure(seriesFigure({ time: [0, 1, 2, 3], series: [{ name: 'a', values: [1, 3, 2, 4] }, { name: 'b', values: [2, 2, 3, 3] }] }));
  displayFigure(metricBarsFigure({ metrics: { lstm: { mae: 1 }, naive: { mae: 2 } } }));
  displayFigure(forecastFigure({ time: [0, 1, 2], actual: [1, 2, 3], forecasts: [{ name: 'm', values: [NaN, 2, 3] }] }), { displayId: 'live' });
  setDisplaySink(undefined);
  return outputs.map((o) => String(o.data['text/html']));
}

function page(body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8">${FAKE_REQUIREJS}</head><body>${body}</body></html>`;
}

describe.skipIf(!HAS_CHROMIUM)('notebook figure HTML in headless Chromium, offline', () => {
  let browser: Browser;
  let dir: string;
  let outputs: string[];

  beforeAll(async () => {
    browser = await launchChromium();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wb-display-'));
    outputs = collectOutputs();
  });

  afterAll(async () => {
    await browser?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function open(name: string, html: string): ReturnType<typeof openOffline> {
    const file = path.join(dir, name);
    await fs.writeFile(file, html);
    return openOffline(browser, pathToFileURL(file).href);
  }

  it('draws every figure of an nbconvert-style page under require.js, and restores define', async () => {
    expect(outputs).toHaveLength(3);
    const { page: p, pageErrors, blocked } = await open('notebook.html', page(outputs.map((h) => `<div class="output_html">${h}</div>`).join('\n')));
    await p.waitForFunction(() => document.querySelectorAll('.js-plotly-plot').length === 3, undefined, { timeout: 20_000 });
    const state = await p.evaluate(() => ({
      scatterTraces: document.querySelectorAll('.scatterlayer .trace').length,
      bars: document.querySelectorAll('.barlayer .trace').length,
      defineRestored: typeof (window as unknown as { define?: { amd?: unknown } }).define === 'function' && Boolean((window as unknown as { define: { amd?: unknown } }).define.amd),
      plotly: typeof (window as unknown as { Plotly?: { newPlot?: unknown } }).Plotly?.newPlot,
    }));
    expect(pageErrors).toEqual([]);
    expect(blocked).toEqual([]);
    expect(state).toEqual({ scatterTraces: 2 + 2, bars: 2, defineRestored: true, plotly: 'function' });
    await p.close();
  });

  it('draws when the HTML is evaluated before it is attached (classic Notebook output area)', async () => {
    // The classic Notebook runs an output's scripts (jQuery) before appending it to the page.
    const loader = `<script>
      window.__outputs = ${jsonForScript(outputs.slice(0, 2))};
      window.addEventListener('load', function () {
        window.__outputs.forEach(function (html) {
          var holder = document.createElement('div');
          holder.innerHTML = html;
          holder.querySelectorAll('script').forEach(function (s) { if (!s.type) (0, eval)(s.textContent); });
          document.body.appendChild(holder);
        });
      });
    </script>`;
    const { page: p, pageErrors } = await open('detached.html', page(loader));
    await p.waitForFunction(() => document.querySelectorAll('.js-plotly-plot').length === 2, undefined, { timeout: 20_000 });
    expect(pageErrors).toEqual([]);
    expect(await p.evaluate(() => document.querySelectorAll('.scatterlayer .trace, .barlayer .trace').length)).toBe(4);
    await p.close();
  });

  it('shows a message instead of failing silently when plotly.js was cleared', async () => {
    const { page: p, pageErrors } = await open('cleared.html', page(outputs[1] as string));
    await p.waitForSelector('.wb-plotly-missing', { timeout: 10_000 });
    expect(await p.textContent('.wb-plotly-missing')).toBe(NOTEBOOK_MISSING_PLOTLY_MESSAGE);
    expect(await p.evaluate(() => document.querySelectorAll('.js-plotly-plot').length)).toBe(0);
    expect(pageErrors).toEqual([]);
    await p.close();
  });
});
