// The admin page in headless chromium against local mode: connections, template sync with a rejected
// template's reason, the template builder's lint findings as you type, submission, CM.com registration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, startHarness } from './harness';
import type { Harness } from './harness';
import { waitFor } from './helpers';
import type { Page } from 'playwright-core';

const unavailable = await browserUnavailable();
if (unavailable) console.warn(`[e2e] admin suite skipped: ${unavailable}`);

describe.skipIf(!!unavailable)(
  `admin page in chromium${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let h: Harness;
    let page: Page;
    beforeAll(async () => {
      h = await startHarness();
      page = await h.newPage({ width: 1100, height: 900 });
      await page.goto(h.mode.urls.admin);
      await waitFor(
        async () => (await page.locator('#connection-list article').count()) === 3,
        'the connections',
      );
    }, 120_000);
    afterAll(async () => h?.stop());

    it('lists the connections with the webhook URL to paste (Meta: the platform webhook, no verify token), and tests credentials', async () => {
      const meta = page.locator(`[data-connection="${h.mode.seed.highlevel.connections.meta.id}"]`);
      expect(await meta.locator('.hint').first().textContent()).toMatch(/platform's app webhook/);
      expect(await meta.getByLabel('Verify token', { exact: true }).count()).toBe(0);
      expect(await page.content()).not.toContain(h.mode.vars.META_VERIFY_TOKEN);
      const twilio = page.locator(`[data-connection="${h.mode.seed.highlevel.connections.twilio.id}"]`);
      expect(
        await twilio.getByLabel('Webhook URL (paste in the provider console)', { exact: true }).inputValue(),
      ).toBe(`${h.mode.urls.app}/webhooks/twilio/${h.mode.seed.highlevel.connections.twilio.id}`);
      await meta.getByRole('button', { name: 'Test' }).click();
      await waitFor(
        async () => (await meta.locator('.result').textContent()) === 'The credentials work.',
        'the test',
      );
      // The access token itself never reaches the page.
      expect(await page.content()).not.toContain(h.mode.sims.meta.config.accessToken);
    });

    it("shows the messaging limit from Meta (the business portfolio's), and a manual value overriding it", async () => {
      const meta = page.locator(`[data-connection="${h.mode.seed.highlevel.connections.meta.id}"]`);
      const source = meta.locator('[data-limit-source]');
      expect(await source.getAttribute('data-limit-source')).toBe('provider');
      expect(await source.textContent()).toMatch(
        /^Messaging limit: 250 new customers per 24 h, from Meta\. It belongs/,
      );
      const field = meta.getByLabel('Manual messaging limit (empty: use the provider’s)', { exact: true });
      await field.fill('300');
      await meta.getByRole('button', { name: 'Save' }).click();
      const again = page.locator(
        `[data-connection="${h.mode.seed.highlevel.connections.meta.id}"] [data-limit-source]`,
      );
      await waitFor(
        async () => (await again.getAttribute('data-limit-source')) === 'manual',
        'the manual limit',
      );
      expect(await again.textContent()).toMatch(
        /^Messaging limit: 300 new customers per 24 h, manual \(Meta reports 250\)/,
      );
      const cleared = page.locator(`[data-connection="${h.mode.seed.highlevel.connections.meta.id}"]`);
      await cleared
        .getByLabel('Manual messaging limit (empty: use the provider’s)', { exact: true })
        .fill('');
      await cleared.getByRole('button', { name: 'Save' }).click();
      await waitFor(
        async () =>
          (await page
            .locator(`[data-connection="${h.mode.seed.highlevel.connections.meta.id}"] [data-limit-source]`)
            .getAttribute('data-limit-source')) === 'provider',
        'the provider limit again',
      );
    });

    it('syncs templates and shows a rejected template with its reason', async () => {
      await page.selectOption('#templates-connection', h.mode.seed.highlevel.connections.meta.id);
      await page.click('#sync-now');
      const summary = page.locator('#sync-summary');
      await waitFor(async () => (await summary.textContent())?.startsWith('Sync done'), 'the sync summary');
      expect(await summary.textContent()).toBe('Sync done: 6 added, 0 updated, 0 removed, 0 unchanged.');
      const rejected = page.locator('tr[data-template="tellimus_teel"]');
      await rejected.waitFor();
      expect(await rejected.locator('td').allTextContents()).toEqual([
        'tellimus_teel',
        'et',
        'utility',
        'rejected',
        'PROMOTIONAL',
        'now',
      ]);
      expect(await page.locator('#templates-body tr').count()).toBe(6);
      await h.screenshot(page, 'admin-templates-synced');

      await page.selectOption('#templates-status', 'APPROVED');
      await waitFor(
        async () => (await page.locator('#templates-body tr').count()) === 5,
        'the status filter',
      );
      await page.selectOption('#templates-status', '');
    });

    it('shows lint findings as you type and submits a clean draft for approval', async () => {
      const codes = () =>
        page.locator('#lint-findings li').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
      await page.locator('#tpl-name').pressSequentially('Spring Sale', { delay: 20 });
      await waitFor(async () => (await codes()).includes('name_invalid'), 'the name finding');
      expect(await page.locator('#submit-template').isDisabled()).toBe(true);

      await page.fill('#tpl-name', 'spring_sale');
      await page.fill('#tpl-language', 'en_US');
      await page.locator('#tpl-body').pressSequentially('{{1}} {{2}}', { delay: 20 });
      await waitFor(async () => (await codes()).includes('variable_at_start'), 'the body findings');
      const found = await codes();
      expect(found).toEqual(
        expect.arrayContaining([
          'variable_at_start',
          'variable_at_end',
          'variables_adjacent',
          'example_missing',
        ]),
      );
      expect(found).not.toContain('name_invalid');
      await h.screenshot(page, 'admin-builder-lint');

      await page.fill('#tpl-body', 'Hi {{1}}, our *spring sale* starts today. Reply STOP to opt out.');
      await page.locator('#tpl-examples input').first().waitFor();
      await page.getByLabel('Example for body.1').fill('Anna');
      await waitFor(
        async () => (await page.locator('#lint-summary').textContent())?.startsWith('No problems'),
        'a clean draft',
      );
      expect(await page.locator('#submit-template').isDisabled()).toBe(false);
      await page.click('#submit-template');
      await waitFor(
        async () => (await page.locator('#submit-result').textContent())?.startsWith('Submitted'),
        'the submission',
      );
      expect(h.mode.sims.meta.state.templates.some((t) => t.name === 'spring_sale')).toBe(true);
      await h.screenshot(page, 'admin-builder-submitted');
    });

    it('registers a CM.com template by hand', async () => {
      await page.fill('#manual-namespace', 'c0ffee00_demo_4109_a8b6_577bf0ec778a');
      await page.fill('#manual-element', 'pickup_ready');
      await page.fill('#manual-language', 'en');
      await page.selectOption('#manual-category', 'UTILITY');
      await page.fill('#manual-body', 'Hi {{1}}, your parcel {{2}} is ready.');
      await page.click('#manual-template button[type="submit"]');
      await waitFor(
        async () => (await page.locator('#manual-result').textContent())?.startsWith('Registered'),
        'the registration',
      );
      expect(await page.locator('#manual-result').textContent()).toBe(
        'Registered pickup_ready: agents can send it now.',
      );
    });

    it('shows the automations: HighLevel actions, the webhook with a rotatable secret, and the last executions', async () => {
      const section = page.locator('#automations');
      await section.getByLabel('Webhook URL', { exact: true }).waitFor();
      const url = await section.getByLabel('Webhook URL', { exact: true }).inputValue();
      expect(url).toMatch(new RegExp(`^${h.mode.urls.app}/automations/webhook/[^/]+$`));
      expect(
        await section.getByLabel('Send WhatsApp template: execution URL', { exact: true }).inputValue(),
      ).toBe(`${h.mode.urls.app}/automations/highlevel/actions/send-template`);
      expect(await section.getByLabel('Trigger subscription URL', { exact: true }).inputValue()).toBe(
        `${h.mode.urls.app}/automations/highlevel/triggers`,
      );
      expect(await section.locator('li').count()).toBe(4);
      expect(await section.locator('li[data-trigger="wabridge_message_received"]').textContent()).toContain(
        'Not used by any workflow yet.',
      );
      const username = await section.getByLabel('Username', { exact: true }).inputValue();
      const secretInput = section.getByLabel('Password (secret)', { exact: true });
      expect(await secretInput.getAttribute('type')).toBe('password');
      await section.getByRole('button', { name: 'Reveal' }).click();
      expect(await secretInput.getAttribute('type')).toBe('text');
      const oldSecret = await secretInput.inputValue();
      expect(oldSecret.length).toBeGreaterThan(10);

      // Dismissing the confirmation keeps the secret; accepting it rotates.
      page.once('dialog', (d) => void d.dismiss());
      await section.getByRole('button', { name: 'Rotate secret' }).click();
      expect(await section.getByLabel('Password (secret)', { exact: true }).inputValue()).toBe(oldSecret);
      page.once('dialog', (d) => void d.accept());
      await section.getByRole('button', { name: 'Rotate secret' }).click();
      await waitFor(
        async () => (await page.locator('#automation-rotate-result').textContent())?.startsWith('New secret'),
        'the rotation',
      );
      const newSecret = await section.getByLabel('Password (secret)', { exact: true }).inputValue();
      expect(newSecret).not.toBe(oldSecret);
      expect(await section.getByLabel('Username', { exact: true }).inputValue()).toBe(username);

      const call = (secret: string) =>
        fetch(url, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ phone: '+4915112345678', message: 'Your order is on its way' }),
        });
      // The old secret is refused from now on; the new one runs the automation.
      expect((await call(oldSecret)).status).toBe(401);
      const res = await call(newSecret);
      expect(res.status).toBe(200);
      await page.click('#refresh-automations');
      const row = page.locator('#automation-executions tr[data-execution]');
      await waitFor(async () => (await row.count()) === 1, 'the execution row');
      const cells = await row.locator('td').allTextContents();
      // Outside the 24-hour window free text is refused: no message, yet the recipient is named; the reason says why.
      expect(cells.slice(1, 5)).toEqual(['webhook', '+4915112345678', 'a message', 'not sent']);
      expect(cells[5]).toMatch(/window is closed/);
      expect(await page.locator('#automations th[scope="col"]').allTextContents()).toEqual([
        'When',
        'From',
        'Recipient',
        'Template or message',
        'Outcome',
        'Reason',
      ]);
      await h.screenshot(page, 'admin-automations');
    });

    it('renders in dark mode and at panel width without overflowing', async () => {
      const dark = await h.newPage({ width: 360, height: 800 }, { colorScheme: 'dark' });
      await dark.goto(h.mode.urls.admin);
      await waitFor(
        async () => (await dark.locator('#connection-list article').count()) === 3,
        'the connections',
      );
      const bg = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(bg).toBe('rgb(17, 24, 39)');
      expect(await dark.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await h.screenshot(dark, 'admin-dark-360');
    });
  },
);
