// Messaging limits per business portfolio (issue 12 item 2) over a target (node in-process, or the Worker in workerd):
// the demo's Meta number learnt its portfolio and limit from the Graph API when the demo connected it; a signed
// `business_capability_update` for its WABA raises the limit, which the admin API and a campaign preflight then
// show; a forged one changes nothing; one that is unreadable is acknowledged and changes nothing.
import { describe, expect, it } from 'vitest';
import { META_SIM_PORTFOLIO } from '../../mocks/meta';
import { adminSession, postMetaWebhookTo, type TargetRef } from '../use-target';

type Limit = { limit: number | null; source: string | null; businessPortfolioId: string | null };

export function messagingLimitSuite(ref: TargetRef): void {
  describe(`business_capability_update (${ref.kind})`, () => {
    async function metaLimit(): Promise<Limit> {
      const target = ref.current;
      const res = await target.request('/api/connections', {
        headers: { authorization: `Bearer ${await adminSession(target)}` },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { connections: { id: string; messagingLimit: Limit }[] };
      return body.connections.find((c) => c.id === target.seed.highlevel.connections.meta.id)!.messagingLimit;
    }

    const post = (payload: unknown, sign = true) =>
      postMetaWebhookTo(ref.current, payload, sign ? undefined : false);

    it('the limit learnt at connect time, raised by the signed webhook; forged or unreadable ones change nothing', async () => {
      const target = ref.current;
      const meta = target.sims.meta;
      const before = await metaLimit();
      expect(before).toMatchObject({ source: 'provider', businessPortfolioId: META_SIM_PORTFOLIO.id });
      expect(before.limit).toBe(250);

      const forged = await post(meta.capabilityWebhook({ tier: 'TIER_100K', timeMs: target.now() }), false);
      expect(forged.status).toBe(401);
      expect((await metaLimit()).limit).toBe(250);

      const unreadable = await post({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: meta.config.wabaId,
            time: Math.floor(target.now() / 1000),
            changes: [
              { field: 'business_capability_update', value: { max_daily_conversations_per_business: [] } },
            ],
          },
        ],
      });
      expect(unreadable.status).toBe(200);
      expect(await unreadable.json()).toMatchObject({ ok: true, unreadable: 1 });
      expect((await metaLimit()).limit).toBe(250);

      const raised = await post(meta.capabilityWebhook({ tier: 'TIER_10K', timeMs: target.now() + 1_000 }));
      expect(raised.status).toBe(200);
      expect(await raised.json()).toMatchObject({ ok: true, statuses: 1 });
      expect(await metaLimit()).toMatchObject({ limit: 10_000, source: 'provider' });

      // The campaign preflight counts against it, across the portfolio.
      const admin = await adminSession(target);
      const synced = await target.request('/api/templates/sync', {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ connectionId: target.seed.highlevel.connections.meta.id }),
      });
      expect(synced.status).toBe(200);
      const templates = (await (
        await target.request(`/api/templates?connectionId=${target.seed.highlevel.connections.meta.id}`, {
          headers: { authorization: `Bearer ${admin}` },
        })
      ).json()) as { templates: { id: string; name: string }[] };
      // The demo's approved utility template (scripts/local-mode/demo.ts), body {{1}} and {{2}}.
      const template = templates.templates.find((t) => t.name === 'appointment_reminder')!;
      const dry = await target.request('/api/campaigns', {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          connectionId: target.seed.highlevel.connections.meta.id,
          templateId: template.id,
          recipients: [{ phone: '+447911000123', variables: { '1': 'Alex', '2': 'Thursday 10:00' } }],
          dryRun: true,
        }),
      });
      expect(dry.status).toBe(200);
      expect(((await dry.json()) as { preflight: { tier: unknown } }).preflight.tier).toMatchObject({
        limit: 10_000,
        source: 'provider',
        scope: 'portfolio',
        fits: true,
      });
    });
  });
}
