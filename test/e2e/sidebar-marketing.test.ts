// Issue 12 in the sidebar: a customer who stopped marketing messages inside WhatsApp is said so (with the date,
// and that utility messages and replies still go), and one who came from a Click-to-WhatsApp ad gets the free entry
// point line. Local mode (wrangler dev + simulators), chromium at 320 px, axe clean.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { browserUnavailable, startHarness } from './harness';
import type { Harness } from './harness';
import { simulate, sidebarFor, waitFor } from './helpers';

const FROM_AD = '+393471239876';

const unavailable = await browserUnavailable();
if (unavailable) console.warn(`[e2e] sidebar marketing suite skipped: ${unavailable}`);

describe.skipIf(!!unavailable)(
  `sidebar: marketing stop and free entry point in chromium${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness();
    }, 120_000);
    afterAll(async () => h?.stop());

    it('shows the marketing stop with its date and the free entry point of a customer from an ad', async () => {
      const inbound = await simulate(h, '/_sim/inbound', {
        provider: 'meta',
        from: FROM_AD,
        name: 'Sara Neri',
        text: 'Ho visto la vostra offerta',
        referral: true,
      });
      expect(inbound.status).toBe(200);
      const stop = await simulate(h, '/_sim/meta/user-preferences', { from: FROM_AD, preference: 'stop' });
      expect(stop.status).toBe(200);

      const page = await h.newPage({ width: 320, height: 700 });
      page.setDefaultTimeout(10_000);
      await page.goto(sidebarFor(h, FROM_AD));
      const marketing = page.locator('#marketing-badge');
      await waitFor(async () => !(await marketing.isHidden()), 'the marketing stop line');
      expect(await marketing.textContent()).toMatch(
        /^Stopped marketing messages on WhatsApp \(.*\d{4}.*\) — utility and replies still allowed$/,
      );
      const fep = page.locator('#fep-badge');
      await waitFor(async () => !(await fep.isHidden()), 'the free entry point line');
      expect(await fep.textContent()).toMatch(/^Came from an ad — reply within .+ to open 72 free hours$/);
      await h.screenshot(page, 'sidebar-marketing-stop-320');
      const violations = await axeViolations(page);
      expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);

      // A customer with neither shows neither line.
      await page.goto(sidebarFor(h, '+37251234567'));
      await waitFor(async () => !(await page.locator('#window-badge').isHidden()), 'the window badge');
      expect(await marketing.isHidden()).toBe(true);
    });
  },
);
