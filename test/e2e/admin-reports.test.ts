// Issue 12 items 1 and 6 in chromium against local mode: the customer stops marketing messages inside WhatsApp
// (the simulator signs Meta's `user_preferences` webhook), and the admin's campaigns section lists that opt-out
// with its source in words; the "Cost by month" table shows the same months and totals as GET /api/costs/monthly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from './axe';
import { browserUnavailable, startHarness } from './harness';
import type { Harness } from './harness';
import { simulate, tokenOf, waitFor } from './helpers';

const unavailable = await browserUnavailable();
if (unavailable) console.warn(`[e2e] admin reports suite skipped: ${unavailable}`);

interface MonthCost {
  month: string;
  currency: string;
  messages: number;
  reportedMessages: number;
  estimated: { total: number };
  reported: { total: number };
}

describe.skipIf(!!unavailable)(
  `opt-outs and cost by month in the admin page${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let h: Harness;
    let page: Page;
    const get = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${h.mode.urls.app}${path}`, {
        headers: { authorization: `Bearer ${tokenOf(h.mode.urls.admin)}` },
      });
      if (!res.ok) throw new Error(`GET ${path} → ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };

    beforeAll(async () => {
      h = await startHarness();
      page = await h.newPage({ width: 1280, height: 900 });
    }, 120_000);
    afterAll(async () => h?.stop());

    it('shows a WhatsApp stop with its source, and the API’s monthly costs', async () => {
      const phone = '+447911000777';
      const stop = await simulate(h, '/_sim/meta/user-preferences', { from: phone, preference: 'stop' });
      expect(stop.status).toBe(200);
      await waitFor(
        async () =>
          (await get<{ optOuts: { address: string; source: string }[] }>('/api/opt-outs')).optOuts.some(
            (o) => o.address === phone && o.source === 'whatsapp',
          ),
        'the stop in /api/opt-outs',
      );

      await page.goto(h.mode.urls.admin);
      await page.locator('.admin-nav a[data-nav="campaigns"]').click();
      const row = page.locator('#opt-outs-table tbody tr', { hasText: phone });
      await row.waitFor({ timeout: 30_000 });
      expect(await row.getAttribute('data-source')).toBe('whatsapp');
      const cells = await row.locator('td').allTextContents();
      expect(cells[1]).toBe('WhatsApp (Stop button)');
      // The date in the page's language through Intl, not a raw timestamp.
      expect(cells[2]).toMatch(/\d/);
      expect(cells[2]).not.toMatch(/^\d{10,}$/);

      // The cost table: one row per month of the API's answer for the same range, same figures.
      const months = await page.locator('#monthly-costs-table tbody tr').evaluateAll((rows) =>
        rows.map((r) => ({
          month: (r as HTMLElement).dataset.month,
          cells: [...r.querySelectorAll('td')].map((c) => c.textContent),
        })),
      );
      const from = months[0]!.month!;
      const to = months.at(-1)!.month!;
      const api = await get<{ months: MonthCost[] }>(`/api/costs/monthly?from=${from}&to=${to}`);
      expect(months.map((m) => m.month)).toEqual(api.months.map((m) => m.month));
      expect(months).toHaveLength(6);
      // Local mode's demo thread has our reply in it: the current month is not all zeros.
      expect(api.months.at(-1)!.messages).toBeGreaterThan(0);
      const money = (v: number, c: string) =>
        new Intl.NumberFormat('en', { style: 'currency', currency: c }).format(v);
      for (const [i, m] of api.months.entries()) {
        expect(months[i]!.cells[0]).toBe(String(m.messages));
        expect(months[i]!.cells[1]).toBe(money(m.estimated.total, m.currency));
        expect(months[i]!.cells[2]).toBe(
          `${money(m.reported.total, m.currency)} (${m.reportedMessages} priced)`,
        );
      }
      expect(await axeViolations(page)).toEqual([]);
    }, 120_000);
  },
);
