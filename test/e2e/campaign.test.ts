// Issue 7 acceptance in chromium against local mode (the UI helper's harness): the admin uploads a CSV in the
// campaigns section, checks the preflight, starts the campaign and watches the progress bar reach 100 %.
// Sends go through the Worker's real queue consumer and Durable Object limiter in wrangler dev.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserUnavailable, startHarness } from './harness';
import type { Harness } from './harness';
import { syncMetaTemplates, waitFor } from './helpers';

const unavailable = await browserUnavailable();
if (unavailable) console.warn(`[e2e] campaign suite skipped: ${unavailable}`);

const RECIPIENTS = 25;

describe.skipIf(!!unavailable)(
  `campaigns in the admin page${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let h: Harness;
    let page: Page;
    beforeAll(async () => {
      h = await startHarness();
      await syncMetaTemplates(h);
      page = await h.newPage({ width: 1100, height: 900 });
      await page.goto(h.mode.urls.admin);
      await page.locator('#campaigns').waitFor({ state: 'visible', timeout: 30_000 });
    }, 120_000);
    afterAll(async () => h?.stop());

    it('starts a campaign from a CSV and the progress bar reaches 100 %', async () => {
      await page.selectOption('#campaign-connection', h.mode.seed.highlevel.connections.meta.id);
      const option = page.locator('#campaign-template option', { hasText: 'appointment_reminder' });
      await waitFor(async () => (await option.count()) === 1, 'the approved templates').catch(async (e) => {
        const options = await page.locator('#campaign-template option').allTextContents();
        const status = await page.locator('#campaign-status').textContent();
        throw new Error(
          `${(e as Error).message}; options: ${options.join(' | ')}; status: ${status}; logs: ${h.logs.filter((l) => l.includes('browser')).join('\n')}`,
        );
      });
      await page.selectOption('#campaign-template', (await option.getAttribute('value'))!);

      const rows = Array.from(
        { length: RECIPIENTS },
        (_, i) => `+4479112${String(i).padStart(5, '0')};"Alex ${i}";Thursday 10:00`,
      );
      rows.push('not a phone;X;Y', `+447911200000;Dup;Friday`);
      await page.setInputFiles('#campaign-csv', {
        name: 'recipients.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`\uFEFFphone;1;2\r\n${rows.join('\r\n')}\r\n`),
      });
      await page.click('#campaign-preflight');
      const preflight = page.locator('#campaign-preflight-result');
      await waitFor(async () => (await preflight.textContent())?.includes('will receive'), 'the preflight');
      expect(await preflight.locator('li').allTextContents()).toEqual([
        `${RECIPIENTS} will receive the template (${RECIPIENTS} valid numbers, 1 duplicates merged)`,
        '1 invalid numbers, 0 opted out, 0 missing variables',
        expect.stringMatching(/^Estimated cost: [\d.]+ USD for \d+ billable messages$/),
        'Within the messaging tier',
      ]);

      await page.click('#campaign-start');
      const row = page.locator('#campaign-list li').first();
      await row.waitFor();
      const bar = row.locator('progress');
      const seen = new Set<string>();
      await waitFor(
        async () => {
          seen.add((await bar.getAttribute('value')) ?? '');
          return (await row.getAttribute('data-percent')) === '100';
        },
        'the progress bar at 100 %',
        60_000,
      );
      expect(await bar.getAttribute('value')).toBe('100');
      await waitFor(
        async () => (await row.getAttribute('data-status')) === 'completed',
        'the campaign marked completed',
        15_000,
      );
      expect(await row.locator('.hint').textContent()).toContain(`sent ${RECIPIENTS}`);
      await h.screenshot(page, 'admin-campaign-complete');

      // The simulator got each recipient once.
      const sent = h.mode.sims.meta.state.sentCountByRecipient;
      for (let i = 0; i < RECIPIENTS; i++) expect(sent.get(`4479112${String(i).padStart(5, '0')}`)).toBe(1);
    }, 120_000);
  },
);
