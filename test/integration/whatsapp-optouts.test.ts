// Issue 12 item 1: a customer's marketing stop / resume inside WhatsApp (Meta `user_preferences`). Stop → the next
// marketing campaign lists them `opted_out: whatsapp` and never sends to them (preflight and send time); utility
// campaigns still reach them; HighLevel's WhatsApp DND is set then cleared; resume → included again.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted by value */
import { whatsappDndUpdate } from '../../adapters/crm/highlevel/highlevel-dnd';
import { executeAutomation } from '../../src/services/crm/automation-send';
import { sweepOutbox } from '../../src/services/operations/outbox-sweep';
import { useAppHarness } from '../contract/app-harness';
import { metaInbound, metaMessagesWebhook, metaUserPreferencesWebhook } from '../mocks/meta';
import { validateRequest } from '../spec/openapi';
import { approvedTemplate, drainCampaigns } from '../helpers/campaign-steps';

const h = useAppHarness();
beforeAll(() => {
  h.t.platform.sleep = async (ms) => h.t.clock.advance(ms);
});
afterEach(async () => {
  await h.t.db.batch([
    h.t.db.prepare('DELETE FROM campaign_recipients'),
    h.t.db.prepare('DELETE FROM campaigns'),
  ]);
  await h.assertSpecValid();
});

const STOPPER = '+447911000010';
const OTHER = '+447911000011';

async function preference(value: 'stop' | 'resume', timestampMs = h.t.clock.now()) {
  const res = await h.postMeta(
    metaUserPreferencesWebhook({}, [{ from: STOPPER, preference: value, timestampMs }]),
  );
  expect(res.status).toBe(200);
  await h.runJobs(['crm_marketing_preference']);
  return (await res.json()) as any;
}

async function campaign(templateId: string) {
  const res = await h.api('POST', '/api/campaigns', {
    connectionId: h.connections.meta.id,
    templateId,
    csv: ['phone,1', `${STOPPER},Sam`, `${OTHER},Olga`].join('\n'),
  });
  const json = (await res.json()) as any;
  expect(res.status).toBe(201);
  return json;
}

const sentTo = () => h.sims.meta.state.sent.map((m) => `+${String(m.body.to)}`);
const dndOf = (phone: string) =>
  [...h.sims.highlevel.state.contacts.values()].find((c) => c.phone === phone)?.dndSettings?.WhatsApp;

describe('WhatsApp marketing opt-outs (user_preferences)', () => {
  it('stop → marketing preflight lists opted_out: whatsapp and never sends; utility still does; resume → included', async () => {
    const promo = await approvedTemplate(h, 'spring_promo', 'MARKETING');
    const notice = await approvedTemplate(h, 'visit_notice', 'UTILITY');

    expect(await preference('stop')).toMatchObject({ stored: 1 });
    // HighLevel: the contact's WhatsApp DND is on, with why (DndSettingSchema).
    expect(dndOf(STOPPER)).toMatchObject({ status: 'active', code: 'whatsapp_marketing_stop' });
    // The sidebar / window API and the admin's opt-out list say so, with the source.
    const window = (await (
      await h.api(
        'GET',
        `/api/contacts/${encodeURIComponent(STOPPER)}/window?connectionId=${h.connections.meta.id}`,
      )
    ).json()) as any;
    expect(window.marketingOptOut).toMatchObject({ stopped: true, source: 'whatsapp' });
    expect(window.optedOut).toBe(false); // not a STOP keyword: utility messages still reach them
    const list = (await (await h.api('GET', '/api/opt-outs')).json()) as any;
    expect(list.optOuts).toContainEqual(
      expect.objectContaining({ address: STOPPER, source: 'whatsapp', scope: 'marketing' }),
    );

    const marketing = await campaign(promo);
    expect(marketing.preflight.optedOut).toMatchObject({
      count: 1,
      reasons: [{ phone: STOPPER, reason: 'opted_out: whatsapp' }],
    });
    await drainCampaigns(h);
    expect(sentTo()).toEqual([OTHER]);

    const utility = await campaign(notice);
    expect(utility.preflight.optedOut.count).toBe(0);
    await drainCampaigns(h);
    expect(sentTo().filter((p) => p === STOPPER)).toHaveLength(1);

    h.t.clock.advance(60_000);
    await preference('resume');
    expect(dndOf(STOPPER)).toMatchObject({ status: 'inactive' });
    const again = await campaign(promo);
    expect(again.preflight.optedOut.count).toBe(0);
    const before = sentTo().length;
    await drainCampaigns(h);
    expect(sentTo().slice(before).sort()).toEqual([OTHER, STOPPER].sort());
  });

  it('a stop that arrives after the preflight is honoured at send time; a late older webhook changes nothing', async () => {
    const promo = await approvedTemplate(h, 'spring_promo', 'MARKETING');
    const created = await campaign(promo);
    expect(created.preflight.optedOut.count).toBe(0);
    h.t.clock.advance(1_000);
    await preference('stop');
    // A redelivery and an older resume (out of order) are both ignored: the newest change wins.
    expect(await preference('stop')).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await preference('resume', h.t.clock.now() - 10_000)).toMatchObject({ duplicates: 1 });
    const before = sentTo().length;
    await drainCampaigns(h);
    expect(sentTo().slice(before)).toEqual([OTHER]);
    const recipients = (await (
      await h.api('GET', `/api/campaigns/${created.campaign.id}/recipients`)
    ).json()) as any;
    expect(JSON.stringify(recipients)).toContain('opted_out: whatsapp');
  });

  it('the DND update HighLevel receives is a valid UpdateContactDto', () => {
    for (const stopped of [true, false]) {
      const r = validateRequest('highlevel', {
        method: 'PUT',
        url: 'https://services.leadconnectorhq.com/contacts/abc123',
        body: whatsappDndUpdate({ stopped, at: Date.UTC(2026, 11, 4) }),
      });
      expect(r.errors).toEqual([]);
    }
  });
});

describe('nothing stranded', () => {
  it('a CRM write whose job was lost is re-enqueued by the outbox sweep after the grace period', async () => {
    h.t.clock.advance(3_600_000);
    const res = await h.postMeta(
      metaUserPreferencesWebhook({}, [{ from: OTHER, preference: 'stop', timestampMs: h.t.clock.now() }]),
    );
    expect(res.status).toBe(200);
    h.t.queue.takeDue(); // the invocation died before its job ran
    expect(await sweepOutbox(h.ctx)).toBeDefined();
    expect(await h.runJobs(['crm_marketing_preference'])).toHaveLength(0); // within the grace period
    h.t.clock.advance(h.ctx.config.OUTBOX_GRACE_MS + 1);
    await sweepOutbox(h.ctx);
    expect(await h.runJobs(['crm_marketing_preference'])).toHaveLength(1);
    expect(dndOf(OTHER)).toMatchObject({ status: 'active' });
    const row = await h.t.db
      .prepare("SELECT crm_sync FROM marketing_preferences WHERE crm_sync = 'pending'")
      .first();
    expect(row).toBeNull();
  });
});

describe('a customer known twice, then found to be one', () => {
  it('keeps the WhatsApp marketing stop when their phone and BSUID records merge', async () => {
    const bsuid = 'GB.7770001';
    const phone = '+447911000099';
    const t = h.t.clock.now();
    await h.postMeta(metaUserPreferencesWebhook({}, [{ userId: bsuid, preference: 'stop', timestampMs: t }]));
    await h.postMeta(metaMessagesWebhook({}, [metaInbound.text({ from: phone, timestampMs: t + 1 }, 'hi')]));
    expect(await h.count('contacts')).toBe(2);
    await h.postMeta(
      metaMessagesWebhook({}, [
        metaInbound.text({ from: phone, userId: bsuid, timestampMs: t + 2 }, 'again'),
      ]),
    );
    expect(await h.count('contacts')).toBe(1);
    const window = (await (
      await h.api(
        'GET',
        `/api/contacts/${encodeURIComponent(phone)}/window?connectionId=${h.connections.meta.id}`,
      )
    ).json()) as any;
    expect(window.marketingOptOut).toMatchObject({ stopped: true, source: 'whatsapp' });
  });
});

describe('CRM automations', () => {
  it('a workflow step sends no marketing template to a customer who stopped them, utility still goes', async () => {
    const promo = await approvedTemplate(h, 'spring_promo', 'MARKETING');
    const notice = await approvedTemplate(h, 'visit_notice', 'UTILITY');
    h.t.clock.advance(3_600_000);
    await preference('stop');
    const step = (templateId: string, key: string) =>
      executeAutomation(h.ctx, h.installation, 'automation_webhook', {
        action: 'send_template',
        executionKey: key,
        to: STOPPER,
        sender: h.connections.meta.id,
        template: { idOrName: templateId },
        variables: ['Sam'],
      });
    expect(await step(promo, 'exec-promo')).toMatchObject({ status: 'failed', reasonCode: 'opted_out' });
    expect(await step(notice, 'exec-notice')).toMatchObject({ status: 'queued' });
  });
});
