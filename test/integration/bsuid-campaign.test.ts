// Issue 11: a campaign CSV mixing phones and BSUIDs sends to every customer once — a BSUID already linked to a phone
// is the same customer as that phone — and an authentication campaign skips phone-less customers (phone_required).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted by value */
import { useAppHarness } from '../contract/app-harness';
import { metaInbound, metaMessagesWebhook } from '../mocks/meta';
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
});

const LINKED_PHONE = '+447911000001';
const LINKED_BSUID = 'GB.5550001';
const PHONELESS = 'GB.5550002';

describe('campaign recipients by BSUID', () => {
  it('sends to phones and BSUIDs, each customer once', async () => {
    // A customer already linked (phone + BSUID) and a username-only customer.
    await h.postMeta(
      metaMessagesWebhook({}, [
        metaInbound.text({ from: LINKED_PHONE, userId: LINKED_BSUID, timestampMs: h.t.clock.now() }, 'hi'),
        metaInbound.text({ userId: PHONELESS, timestampMs: h.t.clock.now() }, 'hi'),
      ]),
    );
    const templateId = await approvedTemplate(h, 'news', 'MARKETING');
    const csv = [
      'phone,1',
      `${LINKED_PHONE},Ann`,
      `${LINKED_BSUID},Ann again`,
      `${PHONELESS},Uma`,
      '+447911000003,Bob',
    ].join('\n');
    const res = await h.api('POST', '/api/campaigns', {
      connectionId: h.connections.meta.id,
      templateId,
      csv,
    });
    const json = (await res.json()) as any;
    expect(res.status).toBe(201);
    expect(json.preflight).toMatchObject({ rows: 4, duplicates: 1, sendable: 3 });
    await drainCampaigns(h);
    const sent = h.sims.meta.state.sent.map((m) => m.body.to ?? m.body.recipient);
    expect(sent.sort()).toEqual(['447911000001', '447911000003', PHONELESS].sort());
    expect(await h.count('contacts')).toBe(3);
  });

  it('an authentication campaign skips a phone-less customer with phone_required and sends the rest', async () => {
    const templateId = await approvedTemplate(h, 'login_code', 'AUTHENTICATION');
    const csv = ['phone,1', `${PHONELESS},Uma`, '+447911000009,Bob'].join('\n');
    const res = await h.api('POST', '/api/campaigns', {
      connectionId: h.connections.meta.id,
      templateId,
      csv,
      dryRun: true,
    });
    const json = (await res.json()) as any;
    expect(res.status).toBe(200);
    expect(json.preflight).toMatchObject({
      sendable: 1,
      invalid: { count: 1, rows: [{ row: 1, input: PHONELESS, reason: 'phone_required' }] },
    });
  });
});
