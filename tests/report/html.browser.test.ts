import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Browser } from 'playwright-core';
import { renderReportHtml } from '../../src/report/html';
import { writeFileAtomic } from '../../src/io/atomic';
import { seriesFigure } from '../../src/plot/seriesFigure';
import { lossFigure } from '../../src/plot/lossFigure';
import { HAS_CHROMIUM, chromiumMissingInCi, launchChromium, openOffline } from './chromium';

const missingInCi = chromiumMissingInCi();

describe('chromium for browser tests', () => {
  it.runIf(missingInCi !== undefined)('is installed in CI', () => {
    expect.fail(missingInCi);
  });
});

describe.skipIf(!HAS_CHROMIUM)('report page in headless Chromium, offline', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    browser = await launchChromium();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wb-report-'));
  });

  afterAll(async () => {
    await browser?.close();
    // The screenshot stays for inspection; print where.
    console.log(`report and screenshot kept in ${dir}`);
  });

  it('draws 2 figures with 3 traces and a table, with no network and no errors', async () => {
    const day = 86_400_000;
    const start = Date.UTC(2020, 0, 1);
    const time = Array.from({ length: 30 }, (_, i) => start + i * day);
    const report = renderReportHtml({
      title: 'Browser check',
      subtitle: 'two figures, three traces, one table',
      sections: [
        {
          kind: 'figure',
          title: 'Series',
          figure: seriesFigure({
            time,
            timeKind: 'date',
            series: [
              { name: 'load', values: time.map((_, i) => Math.sin(i / 3)) },
              { name: 'evil </script><script>window.__pwned=1</script>', values: time.map((_, i) => Math.cos(i / 3)) },
            ],
            split: { train: { start: 0, end: 20 }, val: { start: 20, end: 25 }, test: { start: 25, end: 30 } },
          }),
        },
        { kind: 'figure', title: 'Loss', figure: lossFigure({ loss: [1, 0.6, 0.4, 0.35] }) },
        { kind: 'table', title: 'Metrics', columns: ['model', 'mae'], rows: [['lstm', 0.123456], ['naive', 0.5]] },
      ],
    });
    const file = path.join(dir, 'report.html');
    await writeFileAtomic(file, report);

    const { page, pageErrors, consoleErrors, blocked } = await openOffline(browser, pathToFileURL(file).href);
    await page.waitForFunction(() => document.querySelectorAll('.js-plotly-plot').length === 2, undefined, { timeout: 20_000 });
    const state = await page.evaluate(() => ({
      plots: document.querySelectorAll('.js-plotly-plot').length,
      mainSvgs: document.querySelectorAll('.js-plotly-plot svg.main-svg').length,
      traces: document.querySelectorAll('.js-plotly-plot .scatterlayer .trace').length,
      legend: Array.from(document.querySelectorAll('.legendtext')).map((e) => e.textContent),
      regionShapes: document.querySelectorAll('#figure-1 .shapelayer path').length,
      xTicks: Array.from(document.querySelectorAll('#figure-1 .xtick text')).map((e) => e.textContent ?? ''),
      tableRows: Array.from(document.querySelectorAll('table.wb-table tbody tr')).map((tr) => Array.from(tr.children).map((td) => td.textContent)),
      pwned: (window as unknown as { __pwned?: number }).__pwned,
      missing: document.querySelectorAll('.wb-plotly-missing').length,
    }));
    await page.screenshot({ path: path.join(dir, 'report.png'), fullPage: true });

    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(blocked).toEqual([]);
    expect(state.plots).toBe(2);
    expect(state.mainSvgs).toBe(2 * 3); // plotly.js 3 draws three layered svg.main-svg per plot
    expect(state.traces).toBe(3);
    // plotly shows no legend for a single-trace figure, so only the first figure's names appear.
    expect(state.legend).toEqual(['load', 'evil </script><script>window.__pwned=1</script>']);
    expect(state.regionShapes).toBe(3);
    expect(state.xTicks.join(' ')).toMatch(/2020/);
    expect(state.tableRows).toEqual([
      ['lstm', '0.1235'],
      ['naive', '0.5'],
    ]);
    expect(state.pwned).toBeUndefined();
    expect(state.missing).toBe(0);
    expect((await fs.stat(path.join(dir, 'report.png'))).size).toBeGreaterThan(10_000);
    await page.close();
  });
});
