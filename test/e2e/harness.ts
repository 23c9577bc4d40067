// Browser test harness: local mode (wrangler dev + simulators on loopback, scripts/local-mode) and headless
// Debian chromium driven by playwright-core. Screenshots go to test-artifacts/ (gitignored).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { startLocalMode } from '../../scripts/local-mode/index';
import type { LocalMode } from '../../scripts/local-mode/index';
import { REPO_ROOT } from '../helpers/platform';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Harness {
  mode: LocalMode;
  browser: BrowserContext;
  /** Everything the app, the simulators and the browser printed (the no-secret-in-logs check greps it). */
  logs: string[];
  newPage(
    viewport: { width: number; height: number },
    options?: { colorScheme?: 'light' | 'dark' },
  ): Promise<Page>;
  screenshot(page: Page, name: string): Promise<string>;
  stop(): Promise<void>;
}

/** Why the browser cannot start here, or null when it can (the e2e suites skip with this message). */
export async function browserUnavailable(): Promise<string | null> {
  if (!existsSync(CHROMIUM))
    return `no chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  const dir = mkdtempSync(path.join(tmpdir(), 'wabridge-chromium-probe-'));
  try {
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      timeout: 30_000,
    });
    await context.close();
    return null;
  } catch (error) {
    return `chromium at ${CHROMIUM} does not start: ${(error as Error).message.split('\n')[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startHarness(): Promise<Harness> {
  const logs: string[] = [];
  const persistTo = mkdtempSync(path.join(tmpdir(), 'wabridge-e2e-'));
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'wabridge-chromium-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  const mode = await startLocalMode({
    appPort: 0,
    simPort: 0,
    isolated: true,
    persistTo,
    stdio: 'pipe',
    log: (line) => logs.push(line),
  });
  // A fresh profile per run: a new --user-data-dir, removed by stop().
  let browser: BrowserContext;
  try {
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      timeout: 30_000,
    });
  } catch (error) {
    await mode.stop();
    throw error;
  }
  return {
    mode,
    browser,
    logs,
    async newPage(viewport, options = {}) {
      const page = await browser.newPage();
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme: options.colorScheme ?? 'light' });
      page.on('console', (m) => logs.push(`[browser ${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => logs.push(`[browser pageerror] ${e.message}`));
      return page;
    },
    async screenshot(page, name) {
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async stop() {
      await browser.close().catch(() => {});
      await mode.stop();
      rmSync(persistTo, { recursive: true, force: true });
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
