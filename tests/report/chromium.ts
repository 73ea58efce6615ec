import { existsSync } from 'fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

/** Debian's Chromium; never let a tool download its own browser (that fails offline). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Whether the browser tests can run here. */
export const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);

/**
 * Why the browser tests cannot run, or `undefined` when they can. In CI a missing browser is a
 * failure, not a skip: CI installs it (`apt-get install -y chromium`).
 */
export function chromiumMissingInCi(): string | undefined {
  return !HAS_CHROMIUM && process.env.CI ? `${CHROMIUM_PATH} is missing: CI must install Chromium (apt-get install -y chromium) for the browser tests` : undefined;
}

/** Launches headless Chromium with a fresh profile (playwright's default) and no background traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** What an offline page load left behind. */
export interface OfflinePage {
  readonly page: Page;
  /** Uncaught exceptions in the page. */
  readonly pageErrors: string[];
  /** `console.error` messages. */
  readonly consoleErrors: string[];
  /** Non-`file:` requests, all aborted. */
  readonly blocked: string[];
}

/**
 * Opens `url` with every non-`file:` request aborted, recording errors and blocked requests.
 */
export async function openOffline(browser: Browser, url: string): Promise<OfflinePage> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const blocked: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.route('**', (route) => {
    const requested = route.request().url();
    if (requested.startsWith('file:')) return route.continue();
    blocked.push(requested);
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, pageErrors, consoleErrors, blocked };
}
