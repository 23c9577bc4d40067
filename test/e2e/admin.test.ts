// The admin page in headless chromium against local mode (issues 6 and 14): sections behind a navigation that
// work at 1280 and 768 px, connection errors on their fields, "Sync now" only where the provider can sync, the
// template gallery (bubbles, statuses, rejection reasons in words, edit and resubmit), the builder's lint as you
// type, registration by hand checked field by field, the automations; axe-core (WCAG 2.2 AA) on every state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CATALOGUES } from '../../src/ui/i18n/all';
import { adminEn } from '../../src/ui/i18n/admin/en';
import { en } from '../../src/ui/i18n/en';
import { CATALOGUES } from '../../src/ui/i18n/all';
import { axeViolations } from './axe';
import { browserUnavailable, startHarness } from './harness';
import type { Harness } from './harness';
import { waitFor } from './helpers';
import type { Page } from 'playwright-core';

const unavailable = await browserUnavailable();
if (unavailable) console.warn(`[e2e] admin suite skipped: ${unavailable}`);

const SECTIONS = ['connections', 'templates', 'builder', 'campaigns', 'deliveries', 'settings'] as const;

describe.skipIf(!!unavailable)(
  `admin page in chromium${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let h: Harness;
    let page: Page;
    const openSection = async (id: (typeof SECTIONS)[number], p: Page = page) => {
      await p.locator(`.admin-nav a[data-nav="${id}"]`).click();
      await p.locator(`#${id}`).waitFor({ state: 'visible' });
    };
    const expectNoAxeViolations = async (state: string, p: Page = page) => {
      expect({ state, violations: await axeViolations(p) }).toEqual({ state, violations: [] });
    };
    beforeAll(async () => {
      h = await startHarness();
      page = await h.newPage({ width: 1280, height: 900 });
      await page.goto(h.mode.urls.admin);
      await waitFor(
        async () => (await page.locator('#connection-list article').count()) === 3,
        'the connections',
      );
    }, 120_000);
    afterAll(async () => h?.stop());

    it('shows one section at a time behind a navigation, at 1280 and at 768 px', async () => {
      for (const width of [1280, 768]) {
        const p = width === 1280 ? page : await h.newPage({ width, height: 1000 });
        if (p !== page) {
          await p.goto(h.mode.urls.admin);
          await waitFor(async () => (await p.locator('#connection-list article').count()) === 3, 'the list');
        }
        const nav = p.getByRole('navigation', { name: 'Admin sections' });
        expect(await nav.getByRole('link').allTextContents()).toEqual([
          'Connections',
          'Templates',
          'Builder',
          'Campaigns',
          'Deliveries',
          'Settings',
        ]);
        for (const id of SECTIONS) {
          await openSection(id, p);
          const visible = await p
            .locator('.admin-section:visible')
            .evaluateAll((els) => els.map((e) => e.id));
          expect(visible).toEqual([id]);
          expect(await p.locator(`.admin-nav a[data-nav="${id}"]`).getAttribute('aria-current')).toBe('page');
          // The heading of the section takes the focus; the address names the section (back button, reload).
          expect(await p.evaluate(() => document.activeElement?.closest('section')?.id)).toBe(id);
          expect(new URL(p.url()).hash).toBe(`#${id}`);
          // Every link stays reachable and nothing spills sideways.
          for (const box of await nav
            .getByRole('link')
            .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right)))
            expect(box).toBeLessThanOrEqual(width);
          expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
          if (id !== 'campaigns') await expectNoAxeViolations(`${id} at ${width} px`, p);
        }
        await h.screenshot(p, `admin-nav-${width}`);
        await p.goBack();
        await p.locator('#deliveries').waitFor({ state: 'visible' });
        if (p !== page) await p.close();
      }
      await openSection('connections');
    });

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

    it('puts connection errors on the field they are about, each said once', async () => {
      const form = page.locator('#add-connection');
      await page.fill('#new-label', 'Wrong line');
      await page.fill('#new-phone', '+14155550177');
      await page.fill('#meta-accessToken', 'short');
      await page.fill('#meta-wabaId', 'not-a-number');
      await page.fill('#meta-phoneNumberId', '123456');
      await form.getByRole('button', { name: 'Test and connect' }).click();
      const tokenError = page.locator('#meta-accessToken-error');
      await tokenError.waitFor();
      expect(await page.locator('#meta-accessToken').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#meta-accessToken').getAttribute('aria-describedby')).toBe(
        'meta-accessToken-error',
      );
      expect(await page.locator('#meta-wabaId-error').textContent()).toBe(
        'WhatsApp Business Account id is numeric',
      );
      expect(await page.locator('#meta-phoneNumberId').getAttribute('aria-invalid')).toBeNull();
      expect(await page.locator('#add-result').textContent()).toBe('Check the fields marked below.');
      await h.screenshot(page, 'admin-connection-field-errors');
      await expectNoAxeViolations('connection form with field errors');

      // Well-formed but refused by the provider: said on the token field, not twice in the form's line.
      await page.fill('#meta-accessToken', 'EAAwrongButWellFormedToken');
      await page.fill('#meta-wabaId', '102290129340398');
      await form.getByRole('button', { name: 'Test and connect' }).click();
      await waitFor(
        async () =>
          (await page.locator('#add-result').textContent()) === 'The provider rejected these credentials',
        'the refusal',
      );
      expect(await page.locator('#meta-wabaId-error').count()).toBe(0);
      const said = (await tokenError.textContent()) ?? '';
      expect(said.length).toBeGreaterThan(0);
      expect(await page.locator('#add-result').textContent()).not.toContain(said);
      expect(await page.locator('#add-connection .field-error').count()).toBe(1);
      await page.locator('#add-connection').evaluate((f) => (f as HTMLFormElement).reset());
    });

    it('syncs templates into a gallery: bubbles, statuses, a rejection reason in words, edit and resubmit', async () => {
      await openSection('templates');
      await page.selectOption('#templates-connection', h.mode.seed.highlevel.connections.meta.id);
      await page.click('#sync-now');
      const summary = page.locator('#sync-summary');
      await waitFor(async () => (await summary.textContent())?.startsWith('Sync done'), 'the sync summary');
      expect(await summary.textContent()).toBe('Sync done: 6 added, 0 updated, 0 removed, 0 unchanged.');
      const cards = page.locator('#templates-gallery li.template-card');
      await waitFor(async () => (await cards.count()) === 6, 'six cards');
      for (const card of await cards.all())
        expect(await card.locator('.wa-preview .wa-body').textContent()).toBeTruthy();
      const rejected = page.locator('li[data-template="tellimus_teel"]');
      expect(await rejected.locator('.tags').textContent()).toMatch(/^Estonian · utility · Synced now$/);
      expect(await rejected.locator('.pill').textContent()).toBe('Rejected');
      const reason = (await rejected.locator('.reason').textContent()) ?? '';
      expect(reason).toContain('promotional content');
      expect(reason).not.toMatch(/\bPROMOTIONAL\b/);
      const approved = page.locator('li[data-template="appointment_reminder"]');
      expect(await approved.locator('.pill').textContent()).toBe('Approved: agents can send it');
      expect(await approved.getByRole('button', { name: /Edit and resubmit/ }).count()).toBe(0);
      await h.screenshot(page, 'admin-templates-gallery');
      await expectNoAxeViolations('template gallery');

      await page.selectOption('#templates-status', 'APPROVED');
      await waitFor(async () => (await cards.count()) === 5, 'the status filter');
      await page.selectOption('#templates-status', '');
      await waitFor(async () => (await cards.count()) === 6, 'all again');

      // Edit and resubmit: the rejected template's content in the builder, linted at once.
      const body = (await rejected.locator('.wa-body').textContent()) ?? '';
      await rejected.getByRole('button', { name: 'Edit and resubmit tellimus_teel' }).click();
      await page.locator('#builder').waitFor({ state: 'visible' });
      expect(await page.inputValue('#tpl-name')).toBe('tellimus_teel');
      expect(await page.inputValue('#tpl-language')).toBe('et');
      expect(await page.inputValue('#tpl-category')).toBe('UTILITY');
      expect(body).toContain((await page.inputValue('#tpl-body')).split('{{')[0]!.trim());
      await waitFor(async () => (await page.locator('#lint-summary').textContent()) !== '', 'the lint');
      expect(await page.locator('#submit-result').textContent()).toBe(
        'Loaded tellimus_teel into the builder: fix it, then submit it again.',
      );
      await expectNoAxeViolations('builder with a loaded template');

      // CM.com has no template list: no "Sync now", registration by hand instead.
      await openSection('templates');
      await page.selectOption('#templates-connection', h.mode.seed.highlevel.connections.cm.id);
      await waitFor(
        async () =>
          /no template list to sync/.test((await page.locator('#sync-summary').textContent()) ?? ''),
        'no sync for CM.com',
      );
      expect(await page.locator('#sync-now').isHidden()).toBe(true);
      await page.selectOption('#templates-connection', h.mode.seed.highlevel.connections.meta.id);
      await waitFor(async () => await page.locator('#sync-now').isVisible(), 'sync for Meta');
    });

    it('shows lint findings as you type and submits a clean draft for approval', async () => {
      await openSection('builder');
      await page.fill('#tpl-name', '');
      await page.fill('#tpl-body', '');
      const codes = () =>
        page.locator('#lint-findings li').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
      await page.locator('#tpl-name').pressSequentially('Spring Sale', { delay: 20 });
      await waitFor(async () => (await codes()).includes('name_invalid'), 'the name finding');
      expect(await page.locator('#submit-template').isDisabled()).toBe(true);

      await page.fill('#tpl-name', 'spring_sale');
      await page.selectOption('#tpl-language', 'en_US');
      expect(await page.locator('#tpl-language option[value="en_US"]').textContent()).toBe('English (US)');
      await page.selectOption('#tpl-category', 'MARKETING');
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
      await expectNoAxeViolations('builder with findings');

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

    it('checks a CM.com template registered by hand field by field, then registers it', async () => {
      await openSection('templates');
      await page.selectOption('#manual-connection', h.mode.seed.highlevel.connections.cm.id);
      // What used to be accepted and marked approved: any namespace, an element name WhatsApp refuses, a body
      // that starts and ends with a variable.
      await page.fill('#manual-namespace', 'ns');
      await page.fill('#manual-element', 'Pickup Ready');
      await page.selectOption('#manual-language', 'en');
      expect(await page.locator('#manual-language option[value="en"]').textContent()).toBe('English');
      await page.selectOption('#manual-category', 'UTILITY');
      await page.fill('#manual-body', '{{1}} ready {{2}}');
      await page.click('#manual-template button[type="submit"]');
      await page.locator('#manual-namespace-error').waitFor();
      expect(await page.locator('#manual-namespace-error').textContent()).toMatch(
        /namespace from the template details/,
      );
      expect(await page.locator('#manual-element-error').textContent()).toMatch(
        /lowercase letters, digits and underscores/,
      );
      expect(await page.locator('#manual-body-error').textContent()).toBeTruthy();
      expect(await page.locator('#manual-language').getAttribute('aria-invalid')).toBeNull();
      expect(await page.locator('#manual-result').textContent()).toBe(
        'The request was refused: check the fields and try again.',
      );
      await h.screenshot(page, 'admin-manual-errors');
      await expectNoAxeViolations('registration by hand with field errors');

      await page.fill('#manual-namespace', 'c0ffee00_demo_4109_a8b6_577bf0ec778a');
      await page.fill('#manual-element', 'pickup_ready');
      await page.fill('#manual-body', 'Hi {{1}}, your parcel {{2}} is ready.');
      await page.click('#manual-template button[type="submit"]');
      await waitFor(
        async () => (await page.locator('#manual-result').textContent())?.startsWith('Registered'),
        'the registration',
      );
      expect(await page.locator('#manual-result').textContent()).toBe(
        'Registered pickup_ready: agents can send it now.',
      );
      expect(await page.locator('#manual-template .field-error').count()).toBe(0);
      await page.selectOption('#templates-connection', h.mode.seed.highlevel.connections.cm.id);
      const card = page.locator('li[data-template="pickup_ready"]');
      await card.waitFor();
      expect(await card.locator('.tags').textContent()).toBe('English · utility · Registered by hand');
      expect(await card.locator('.wa-body').textContent()).toBe('Hi {{1}}, your parcel {{2}} is ready.');
    });

    it('shows the automations: HighLevel actions, the webhook with a rotatable secret, and the last executions', async () => {
      await openSection('settings');
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
      await expectNoAxeViolations('settings with an execution');
    });

    it('speaks Italian, Estonian and German: lang set, no English string of the catalogue, languages named', async () => {
      const english = new Set<string>(
        [...Object.values(en), ...Object.values(adminEn)]
          .filter((text) => !text.includes('{'))
          .map((text) => text.trim()),
      );
      // Messages with parameters: their fixed parts (long enough to be English sentences, not a colon or a unit).
      const englishParts = [...Object.values(en), ...Object.values(adminEn)]
        .filter((text) => text.includes('{'))
        .flatMap((text) => text.split(/\{\{?\w+\}?\}/))
        .map((part) => part.trim())
        .filter((part) => part.length >= 12);
      // Words no translation uses, whatever the catalogue says: a string hard-coded in a script shows up here even
      // when nobody put it in the English catalogue. Vendor UI names in quotes or parentheses are the vendor's.
      const ENGLISH_WORDS =
        /\b(Connect|Sync|Register|Copy|Send|Cancel|Save|Reveal|Hide|Rotate|Confirm|Remove|Refresh|Submit(ted|ting)?|Pending|Button|Used by|new customers|limit|workflows?|errors?\(s\)|warnings?|secret|the|and|your)\b/;
      const withoutVendorNames = (text: string) =>
        text.replace(/[“„"«][^”“"»]*[”“"»]/g, '').replace(/\([^)]*\)/g, '');
      for (const lang of ['it', 'et', 'de'] as const) {
        // Words the language itself uses (brands, codes, German "Marketing") are not English leftovers.
        const same = new Set<string>(Object.values({ ...CATALOGUES[lang], ...ADMIN_CATALOGUES[lang] }));
        const sameText = [...same].join('\n');
        const p = await h.newPage({ width: 1280, height: 900 });
        const url = new URL(h.mode.urls.admin);
        url.searchParams.set('lang', lang);
        await p.goto(url.toString());
        await waitFor(async () => (await p.locator('#connection-list article').count()) === 3, 'the list');
        expect(await p.evaluate(() => document.documentElement.lang)).toBe(lang);
        const leftovers = new Set<string>();
        const check = (id: string, text: string) => {
          if (same.has(text)) return;
          if (english.has(text)) leftovers.add(`${id}: ${text}`);
          const part = englishParts.find((p) => text.includes(p) && !sameText.includes(p));
          if (part) leftovers.add(`${id}: ${text} (English "${part}")`);
          const word = ENGLISH_WORDS.exec(withoutVendorNames(text))?.[0];
          if (word) leftovers.add(`${id}: ${text} (English word "${word}")`);
        };
        for (const id of SECTIONS) {
          await p.locator(`.admin-nav a[data-nav="${id}"]`).click();
          await p.locator(`#${id}`).waitFor({ state: 'visible' });
          if (id === 'campaigns')
            await p.locator('#campaign-connection option').first().waitFor({ state: 'attached' });
          if (id === 'builder') await p.locator('#add-button').click(); // a button row: its type, labels, placeholders
          if (id === 'settings') await p.locator('#automation-executions tr').first().waitFor();
          const texts = await p.evaluate(() => {
            const out: string[] = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              const el = n.parentElement;
              if (
                el &&
                el.closest('[hidden], script, .bubble-wrap, .copy-value') === null &&
                n.textContent?.trim()
              )
                out.push(n.textContent.trim());
            }
            for (const el of document.querySelectorAll('[aria-label], [placeholder]'))
              out.push(el.getAttribute('aria-label') ?? '', el.getAttribute('placeholder') ?? '');
            for (const el of document.querySelectorAll('select:not([hidden]) option'))
              out.push(el.textContent?.trim() ?? '');
            return out;
          });
          for (const text of texts) check(id, text);
        }
        // An error state: a too-long body (a lint finding with numbers in it) and an API error, in the page language.
        await p.locator('.admin-nav a[data-nav="builder"]').click();
        await p.fill('#tpl-body', `Ciao {{1}}, ${'x'.repeat(1100)} a presto.`);
        const tooLong = p.locator('#lint-findings li[data-code="body_too_long"]');
        await tooLong.waitFor();
        expect(await tooLong.textContent()).toContain(new Intl.NumberFormat(lang).format(1024));
        for (const text of await p.locator('#lint-findings li').allTextContents())
          check('builder lint', text.trim());
        await p.route('**/api/templates/lint', (route) =>
          route.fulfill({
            status: 403,
            contentType: 'application/json',
            body: JSON.stringify({ error: { code: 'forbidden', message: 'Admins only' } }),
          }),
        );
        await p.fill('#tpl-body', 'Ciao {{1}}, a presto.');
        const refused = CATALOGUES[lang]['errors.forbidden'];
        await waitFor(
          async () => (await p.locator('#lint-summary').textContent()) === refused,
          'the API error',
        );
        await p.unroute('**/api/templates/lint');
        check('builder API error', refused);
        expect({ lang, leftovers: [...leftovers] }).toEqual({ lang, leftovers: [] });
        // Template languages by name in the page language, never a code.
        const name = await p.locator('#tpl-language option[value="en_US"]').textContent();
        expect(name).not.toBe('en_US');
        expect(name).not.toBe('English (US)');
        await h.screenshot(p, `admin-${lang}`);
        await p.close();
      }
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
      await expectNoAxeViolations('connections in dark mode at 360 px', dark);
      await openSection('templates', dark);
      await dark.locator('#templates-gallery li').first().waitFor();
      await expectNoAxeViolations('gallery in dark mode at 360 px', dark);
      await h.screenshot(dark, 'admin-dark-360');
    });
  },
);
