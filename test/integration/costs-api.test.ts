// Issue 12 item 6: estimated vs provider-reported cost per campaign and per month (GET /api/costs/…), the figures
// the admin page draws. Provider pricing comes from Meta's status webhooks.
import { afterEach, describe, expect, it } from 'vitest';
import { useAppHarness } from '../contract/app-harness';
import { metaInbound, metaStatus, metaStatusesWebhook } from '../mocks/meta';
import { syncTemplates } from '../../src/services/templates/template-sync';
import { drainCampaigns } from '../helpers/campaign-steps';

const h = useAppHarness();
// The harness's reset does not know campaigns (campaign-api.test.ts clears them the same way).
afterEach(async () => {
  await h.t.db.batch([
    h.t.db.prepare('DELETE FROM campaign_recipients'),
    h.t.db.prepare('DELETE FROM campaigns'),
  ]);
});
const CUSTOMER = '+393331234567';
const meta = () => h.connections.meta.id;
interface MonthlyAnswer {
  months: ({ month: string; messages: number } & Record<string, unknown>)[];
}
// DEFAULT_RATE_CARD (no PRICING_RATE_CARD in the harness): MARKETING 0.025, UTILITY 0.004, SERVICE 0.

const priced = (id: string, to: string, category: string, type: string) =>
  h.postMeta(
    metaStatusesWebhook({}, [
      metaStatus({ id, status: 'sent', recipient: to, pricing: { pricing_model: 'PMP', category, type } }),
    ]),
  );

describe('GET /api/costs (issue 12 item 6)', () => {
  it('a campaign: estimate for every send, provider-reported for those priced, like-for-like beside it', async () => {
    h.sims.meta.state.addTemplate({
      name: 'promo_costs',
      language: 'en_US',
      status: 'APPROVED',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: 'Hi {{1}}!', example: { body_text: [['Anna']] } }],
    });
    await syncTemplates(h.ctx, h.connections.meta);
    const template = await h.t.db
      .prepare("SELECT id FROM templates WHERE name = 'promo_costs'")
      .first<{ id: string }>();
    const phones = ['+447911000001', '+447911000002', '+447911000003'];
    const res = await h.api('POST', '/api/campaigns', {
      connectionId: meta(),
      templateId: template!.id,
      recipients: phones.map((phone) => ({ phone, variables: { '1': 'Anna' } })),
    });
    expect(res.status).toBe(201);
    const { campaign } = (await res.json()) as { campaign: { id: string } };
    await drainCampaigns(h, 20);
    const sent = h.sims.meta.state.sent;
    expect(sent).toHaveLength(3);
    // Meta prices one as marketing (charged), one as free (free entry point); the third is not priced yet.
    expect((await priced(sent[0]!.id, phones[0]!, 'marketing', 'regular')).status).toBe(200);
    expect((await priced(sent[1]!.id, phones[1]!, 'marketing', 'free_entry_point')).status).toBe(200);

    const costs = (await (await h.api('GET', `/api/costs/campaigns/${campaign.id}`)).json()) as object;
    expect(costs).toMatchObject({
      campaignId: campaign.id,
      currency: 'USD',
      messages: 3,
      reportedMessages: 2,
      estimated: { billable: 3, free: 0, total: 0.075 },
      estimatedForReported: { billable: 2, total: 0.05 },
      reported: { billable: 1, free: 1, total: 0.025, byCategory: { MARKETING: { billable: 1, free: 1 } } },
    });
    // Another tenant's (or an unknown) campaign is 404.
    expect((await h.api('GET', '/api/costs/campaigns/cmp_nope')).status).toBe(404);
  });

  it('per month: a free-form reply Meta priced as utility shows as estimated free, reported charged', async () => {
    const payload = h.sims.meta.inboundWebhook([
      metaInbound.text({ from: CUSTOMER, timestampMs: h.t.clock.now() }, 'Hello'),
    ]);
    expect((await h.postMeta(payload)).status).toBe(200);
    const res = await h.api('POST', '/api/messages', {
      connectionId: meta(),
      to: CUSTOMER,
      content: { type: 'text', text: 'Hi!' },
    });
    expect(res.status).toBe(202);
    await h.runJobs(['send_message']);
    const sent = h.sims.meta.state.sent.at(-1)!;
    expect((await priced(sent.id, CUSTOMER, 'utility', 'regular')).status).toBe(200);

    const month = new Date(h.t.clock.now()).toISOString().slice(0, 7);
    const monthly = (await (
      await h.api('GET', `/api/costs/monthly?from=${month}&to=${month}&connectionId=${meta()}`)
    ).json()) as MonthlyAnswer;
    expect(monthly.months).toHaveLength(1);
    expect(monthly.months[0]).toMatchObject({
      month,
      messages: 1,
      reportedMessages: 1,
      estimated: { billable: 0, free: 1, total: 0, byCategory: { SERVICE: { free: 1 } } },
      reported: { billable: 1, total: 0.004, byCategory: { UTILITY: { billable: 1, cost: 0.004 } } },
    });
    const empty = (await (
      await h.api('GET', '/api/costs/monthly?from=2026-01&to=2026-02')
    ).json()) as MonthlyAnswer;
    expect(empty.months.map((m) => [m.month, m.messages])).toEqual([
      ['2026-01', 0],
      ['2026-02', 0],
    ]);
  });

  it('refuses bad ranges with 400 and never a 5xx', async () => {
    for (const q of [
      'from=2026-13&to=2026-12',
      'from=2026-05&to=2026-01',
      'from=2024-01&to=2026-12',
      'to=2026-01',
    ]) {
      const res = await h.api('GET', `/api/costs/monthly?${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    }
    expect(
      (await h.api('GET', '/api/costs/monthly?from=2026-01&to=2026-01&connectionId=conn_x')).status,
    ).toBe(404);
  });
});
