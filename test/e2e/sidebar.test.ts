// The composer sidebar in headless chromium against local mode (wrangler dev + simulators), at 320 px.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_CRM_CLIENTS } from '../mocks/index';
import { axeViolations } from './axe';
import { browserUnavailable, startHarness } from './harness';
import type { Harness } from './harness';
import { simulate, sidebarFor, syncMetaTemplates, waitFor } from './helpers';

const MARI = '+37251234567'; // wrote 30 h ago: closed
const GIULIA = '+393471234567'; // wrote 2 h ago: open
const ALEX = '+14155550123'; // window closes ~10 min after local mode starts
// What a screen reader hears for each tick: delivered and read are told apart (issue 14).
const TICK_WORDS = {
  sent: 'Sent, not yet delivered',
  delivered: 'Delivered, not read yet',
  read: 'Read by the customer',
} as const;
const APPROVED = [
  'appointment_reminder',
  'discount_code',
  'fall_sale',
  'order_confirmation',
  'promemoria_appuntamento',
];

const unavailable = await browserUnavailable();
if (unavailable) console.warn(`[e2e] sidebar suite skipped: ${unavailable}`);

describe.skipIf(!!unavailable)(
  `sidebar in chromium${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness();
      await syncMetaTemplates(h);
    }, 120_000);
    afterAll(async () => h?.stop());

    it('closed window at 320×700: blocks free text, offers approved templates, fills, previews, sends, ticks advance', async () => {
      const page = await h.newPage({ width: 320, height: 700 });
      await page.goto(sidebarFor(h, MARI));
      const badge = page.locator('#window-badge');
      await waitFor(async () => (await badge.textContent())?.includes('closed'), 'the window badge');
      expect(await badge.textContent()).toBe('Window closed — last message 30 hours ago');
      expect(await page.locator('#contact-name').textContent()).toBe(`Mari Tamm · ${MARI}`);
      expect(await page.locator('#message-text').isDisabled()).toBe(true);
      expect(await page.locator('#send-text').isDisabled()).toBe(true);
      expect(await page.locator('#picker-reason').textContent()).toContain(
        'WhatsApp allows only an approved template',
      );
      // Usable at 320 px: nothing wider than the viewport.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);

      // The picker opened by itself, with APPROVED templates only (the rejected and paused ones are not offered).
      const names = () => page.locator('#template-list .template-choice .name').allTextContents();
      await waitFor(async () => (await names()).length > 0, 'the template list');
      expect((await names()).sort()).toEqual(APPROVED);
      await h.screenshot(page, 'sidebar-closed-320');
      expect(await axeViolations(page), 'axe: sidebar-closed-320').toEqual([]);

      await page.fill('#template-search', 'reminder');
      await waitFor(async () => (await names()).length === 1, 'search results');
      expect(await names()).toEqual(['appointment_reminder']);
      await page.fill('#template-search', '');
      await page.selectOption('#template-language', 'it');
      expect(await names()).toEqual(['promemoria_appuntamento']);
      await page.selectOption('#template-language', '');
      await page.selectOption('#template-category', 'MARKETING');
      expect((await names()).sort()).toEqual(['discount_code', 'fall_sale']);
      await page.selectOption('#template-category', '');

      await page.click('[data-template="appointment_reminder"]');
      // "Hi {{1}}," is the customer's first name: prefilled from the contact.
      expect(await page.getByLabel('Body {{1}}', { exact: true }).inputValue()).toBe('Mari');
      const send = page.locator('#send-template');
      expect(await send.isDisabled()).toBe(true);
      await page.getByLabel('Body {{2}}', { exact: true }).fill('Thursday      10:00');
      expect(await page.locator('#var-1-error').textContent()).toBe('At most four spaces in a row.');
      expect(await send.isDisabled()).toBe(true);
      await page.getByLabel('Body {{2}}', { exact: true }).fill('Thursday 10:00');
      expect(await send.isDisabled()).toBe(false);
      expect(await page.locator('#preview .wa-body').textContent()).toBe(
        'Hi Mari, this is a reminder of your appointment on Thursday 10:00. Reply to confirm.',
      );
      await h.screenshot(page, 'sidebar-template-preview-320');
      expect(await axeViolations(page), 'axe: sidebar-template-preview-320').toEqual([]);

      const sentBefore = h.mode.sims.meta.state.sent.length;
      await send.click();
      const last = page.locator('#thread li.msg-outbound').last();
      await waitFor(
        async () => (await last.textContent())?.includes('reminder of your appointment'),
        'the sent template in the thread',
      );
      // The queue sends it to the provider; then the provider's signed status webhooks move the ticks.
      await waitFor(() => h.mode.sims.meta.state.sent.length > sentBefore, 'the provider send');
      const sent = h.mode.sims.meta.state.sent.at(-1)!;
      expect(sent.to).toBe(MARI.slice(1));
      for (const status of ['sent', 'delivered', 'read'] as const) {
        expect(
          (await simulate(h, '/_sim/status', { provider: 'meta', status, providerMessageId: sent.id }))
            .status,
        ).toBe(200);
        await waitFor(async () => (await last.getAttribute('data-status')) === status, `the ${status} tick`);
        expect(await last.locator('.ticks-label').textContent()).toBe(TICK_WORDS[status]);
        await h.screenshot(page, `sidebar-ticks-${status}-320`);
      }
      expect(await last.locator('.ticks [aria-hidden]').textContent()).toBe('✓✓');
      expect(await last.locator('.ticks').evaluate((el) => getComputedStyle(el).color)).toBe(
        'rgb(11, 99, 197)',
      );
    });

    it('open window (wrote 2 h ago): live countdown and free text that gets delivered', async () => {
      const page = await h.newPage({ width: 320, height: 700 }, { colorScheme: 'dark' });
      await page.goto(sidebarFor(h, GIULIA));
      const badge = page.locator('#window-badge');
      await waitFor(async () => (await badge.textContent())?.includes('open'), 'the window badge');
      expect(await badge.textContent()).toMatch(/^Window open — closes in 2[01] hr, \d{1,2} min$/);
      expect(await page.locator('#message-text').isDisabled()).toBe(false);
      expect(await page.locator('#picker').isHidden()).toBe(true);

      await page.fill('#message-text', 'Giovedì alle 10:00 è confermato *a presto*!');
      await page.click('#send-text');
      const last = page.locator('#thread li.msg-outbound').last();
      await waitFor(
        async () => (await last.textContent())?.includes('Giovedì alle 10:00 è confermato'),
        'the sent text',
      );
      expect(await page.locator('#message-text').inputValue()).toBe('');
      const sent = await waitFor(
        () => h.mode.sims.meta.state.sent.find((m) => m.to === GIULIA.slice(1)),
        'the provider send',
      );
      await simulate(h, '/_sim/status', {
        provider: 'meta',
        status: 'delivered',
        providerMessageId: sent.id,
      });
      await waitFor(
        async () => (await last.getAttribute('data-status')) === 'delivered',
        'the delivered tick',
      );
      await h.screenshot(page, 'sidebar-open-dark-320');
      expect(await axeViolations(page), 'axe: sidebar-open-dark-320').toEqual([]);
    });

    it('the countdown runs in the page: the composer closes itself when the window does', async () => {
      const page = await h.newPage({ width: 320, height: 700 });
      await page.clock.install();
      await page.goto(sidebarFor(h, ALEX));
      const badge = page.locator('#window-badge');
      await waitFor(async () => (await badge.textContent())?.includes('open'), 'the window badge');
      expect(await badge.textContent()).toMatch(/^Window open — closes in \d{1,2} min$/);
      expect(await page.locator('#message-text').isDisabled()).toBe(false);
      await page.clock.fastForward('15:00');
      await waitFor(async () => (await badge.textContent())?.includes('closed'), 'the window to close');
      expect(await badge.textContent()).toBe('Window closed — last message 24 hours ago');
      expect(await page.locator('#message-text').isDisabled()).toBe(true);
      expect(await page.locator('#picker').isVisible()).toBe(true);
      await h.screenshot(page, 'sidebar-countdown-closed-320');
      expect(await axeViolations(page), 'axe: sidebar-countdown-closed-320').toEqual([]);
    });

    it('as a Pipedrive panel: SDK handshake within 10 s, heights within 100–750 px, the person from the panel context', async () => {
      const secret = h.mode.vars.PIPEDRIVE_JWT_SECRET ?? h.mode.vars.PIPEDRIVE_CLIENT_SECRET!;
      const now = Math.floor(Date.now() / 1000);
      const jwt = await new SignJWT({ userId: 1, companyId: SIM_CRM_CLIENTS.pipedrive.companyId })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(new TextEncoder().encode(secret));
      const personId = h.mode.seed.crmIds.open!.pipedrivePersonId;
      const src = `${h.mode.urls.app}/ui/sidebar?${new URLSearchParams({ resource: 'person', view: 'details', selectedIds: String(personId), id: 'panel-e2e', userId: '1', companyId: String(SIM_CRM_CLIENTS.pipedrive.companyId), token: jwt })}`;
      const page = await h.newPage({ width: 400, height: 900 });
      // The parent plays Pipedrive: it answers the SDK's commands on the transferred port and applies the height.
      await page.setContent(`<!doctype html><body style="margin:0"><script>
      window.commands = [];
      const started = performance.now();
      addEventListener('message', (e) => {
        const m = e.data;
        if (!m || !m.payload || m.payload.type !== 'command') return;
        window.commands.push({ at: performance.now() - started, id: m.id, command: m.payload.command, args: m.payload.args });
        const height = m.payload.command === 'initialize' ? m.payload.args.size.height : m.payload.args.height;
        if (height) document.querySelector('iframe').style.height = height + 'px';
        e.ports[0].postMessage({ data: null });
      });
    </script><iframe title="wabridge" src="${src}" style="width:320px;height:100px;border:0"></iframe></body>`);
      const commands = () =>
        page.evaluate(
          () =>
            (
              window as unknown as {
                commands: {
                  at: number;
                  id: string;
                  command: string;
                  args: { height?: number; size?: { height: number } };
                }[];
              }
            ).commands,
        );
      const init = await waitFor(
        async () => (await commands()).find((c) => c.command === 'initialize'),
        'the SDK initialize',
        10_000,
      );
      expect(init.at).toBeLessThan(10_000);
      expect(init.id).toBe('panel-e2e');
      const panel = page.frameLocator('iframe');
      await waitFor(
        async () => (await panel.locator('#window-badge').textContent())?.includes('open'),
        'the panel badge',
      );
      expect(await panel.locator('#contact-name').textContent()).toBe(`Giulia Bianchi · ${GIULIA}`);
      await waitFor(
        async () => (await commands()).some((c) => c.command === 'resize'),
        'a resize to the content',
      );
      const heights = (await commands()).map((c) => c.args.size?.height ?? c.args.height!);
      for (const height of heights) {
        expect(height).toBeGreaterThanOrEqual(100);
        expect(height).toBeLessThanOrEqual(750);
      }
      // The token left the panel's address bar once exchanged.
      expect(await panel.locator('body').evaluate(() => location.search)).not.toContain('token=');
      await h.screenshot(page, 'pipedrive-panel');
    });

    it('never shows a credential or token in the page or the logs', async () => {
      const secrets = [
        h.mode.sims.meta.config.accessToken,
        h.mode.vars.SESSION_SECRET!,
        h.mode.vars.ENCRYPTION_KEY!,
        h.mode.vars.META_APP_SECRET!,
        h.mode.vars.HIGHLEVEL_SHARED_SECRET!,
      ].filter(Boolean);
      const page = await h.newPage({ width: 320, height: 700 });
      await page.goto(sidebarFor(h, GIULIA));
      await waitFor(
        async () => (await page.locator('#window-badge').textContent())?.includes('open'),
        'the page',
      );
      const html = await page.content();
      // The session token travelled in the fragment and is gone from the address bar.
      expect(page.url()).not.toContain('#session=');
      for (const secret of secrets) {
        expect(html).not.toContain(secret);
        expect(h.logs.join('\n')).not.toContain(secret);
      }
    });
  },
);
