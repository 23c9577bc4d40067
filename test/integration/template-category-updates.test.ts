// Issue 12 item 4: Meta re-categorises a template (`template_category_update`, impending and completed). Both are
// stored and shown to admins with their dates; a running or scheduled campaign of a template that becomes
// MARKETING pauses with the reason and the new cost estimate until an admin resumes it; resume sends the rest,
// nobody twice.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted by value */
import { campaignTuning } from '../../src/services/campaigns/campaign-runner';
import { runJob } from '../../src/services/jobs';
import { syncTemplates } from '../../src/services/templates/template-sync';
import { useAppHarness } from '../contract/app-harness';
import { metaTemplateCategoryWebhook } from '../mocks/meta';
import { runDueCampaignSlices } from '../helpers/campaign-steps';

const h = useAppHarness();
const HOUR = 3_600_000;
const slicesPerInvocation = campaignTuning.slicesPerInvocation;
beforeAll(() => {
  h.t.platform.sleep = async (ms) => h.t.clock.advance(ms);
});
afterEach(async () => {
  campaignTuning.slicesPerInvocation = slicesPerInvocation;
  await h.assertSpecValid();
  await h.t.db.batch([
    h.t.db.prepare('DELETE FROM campaign_recipients'),
    h.t.db.prepare('DELETE FROM campaigns'),
    h.t.db.prepare('DELETE FROM template_category_updates'),
  ]);
});

async function utilityTemplate(name: string) {
  const wire = h.sims.meta.state.addTemplate({
    name,
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Hi {{1}}, see you soon.', example: { body_text: [['Anna']] } }],
  });
  await syncTemplates(h.ctx, h.connections.meta);
  const row = await h.t.db
    .prepare('SELECT id FROM templates WHERE name = ?')
    .bind(name)
    .first<{ id: string }>();
  return { id: row!.id, providerId: wire.id };
}

const phones = (n: number) => Array.from({ length: n }, (_, i) => `+44791120${String(i).padStart(4, '0')}`);
const csv = (list: string[]) => ['phone,1', ...list.map((p) => `${p},Ann`)].join('\n');

/** Runs one campaign job (one slice), leaving the other chains' jobs queued. */
async function oneSlice() {
  const due = h.t.queue.takeDue();
  const first = due.find((d) => d.job.type === 'campaign_send')!;
  for (const d of due) if (d !== first) h.t.queue.retry(d.job, d.attempts, 0);
  await runJob(h.ctx, first.job, 0);
}

const get = async (path: string) => (await (await h.api('GET', path)).json()) as any;

describe('template_category_update', () => {
  it('impending → the running campaign pauses with reason and new estimate; resume sends the rest, nobody twice', async () => {
    campaignTuning.slicesPerInvocation = 1;
    const t = await utilityTemplate('visit_reminder');
    const audience = phones(100);
    const created = (await (
      await h.api('POST', '/api/campaigns', {
        connectionId: h.connections.meta.id,
        templateId: t.id,
        csv: csv(audience),
      })
    ).json()) as any;
    const id = created.campaign.id;
    await oneSlice();
    const sentBefore = h.sims.meta.state.sent.length;
    expect(sentBefore).toBeGreaterThan(0);
    expect(sentBefore).toBeLessThan(100);

    const effectiveAt = h.t.clock.now() + 24 * HOUR;
    const payload = metaTemplateCategoryWebhook(
      {},
      {
        phase: 'impending',
        templateId: t.providerId,
        name: 'visit_reminder',
        language: 'en_US',
        timeMs: h.t.clock.now(),
        currentCategory: 'UTILITY',
        correctCategory: 'MARKETING',
        effectiveAtMs: effectiveAt,
      },
    );
    expect(await (await h.postMeta(payload)).json()).toMatchObject({ statuses: 1 });
    // A redelivery changes nothing.
    expect(await (await h.postMeta(payload)).json()).toMatchObject({ duplicates: 1 });

    const paused = await get(`/api/campaigns/${id}`);
    expect(paused.campaign.status).toBe('paused');
    const left = 100 - sentBefore;
    expect(paused.campaign.statusReason).toContain('will re-categorise it as MARKETING on');
    expect(paused.campaign.statusReason).toContain(new Date(effectiveAt).toISOString().slice(0, 10));
    // Default rate card: 0.025 USD per marketing message.
    expect(paused.campaign.statusReason).toContain(
      `New estimate for the ${left} recipients left: ${+(left * 0.025).toFixed(4)} USD`,
    );

    // Paused: the queued chains stop without sending.
    await runDueCampaignSlices(h);
    expect(h.sims.meta.state.sent).toHaveLength(sentBefore);

    // Admins see the notice with its date, beside the template (still UTILITY until Meta applies it).
    const updates = await get(`/api/templates/category-updates?connectionId=${h.connections.meta.id}`);
    expect(updates.updates).toEqual([
      expect.objectContaining({
        phase: 'impending',
        previousCategory: 'UTILITY',
        nextCategory: 'MARKETING',
        effectiveAt,
        campaignsPaused: 1,
      }),
    ]);
    const listed = await get(`/api/templates?connectionId=${h.connections.meta.id}`);
    const row = listed.templates.find((x: any) => x.name === 'visit_reminder');
    expect(row).toMatchObject({ category: 'UTILITY', categoryUpdate: { phase: 'impending', effectiveAt } });

    const resumed = await h.api('POST', `/api/campaigns/${id}/resume`);
    expect(resumed.status).toBe(200);
    await runDueCampaignSlices(h);
    const sent = h.sims.meta.state.sent.map((m) => String(m.body.to));
    expect(sent).toHaveLength(100);
    expect(new Set(sent).size).toBe(100);
    expect((await get(`/api/campaigns/${id}`)).campaign.status).toBe('completed');
  });

  it('completed → the template is MARKETING, a scheduled campaign pauses; a change away from MARKETING pauses nothing', async () => {
    const t = await utilityTemplate('order_update');
    const startAt = h.t.clock.now() + 2 * HOUR;
    const created = (await (
      await h.api('POST', '/api/campaigns', {
        connectionId: h.connections.meta.id,
        templateId: t.id,
        csv: csv(phones(3)),
        startAt,
      })
    ).json()) as any;
    const id = created.campaign.id;
    expect(created.campaign.status).toBe('scheduled');
    const completedAt = h.t.clock.now();
    await h.postMeta(
      metaTemplateCategoryWebhook(
        {},
        {
          phase: 'completed',
          templateId: t.providerId,
          name: 'order_update',
          language: 'en_US',
          timeMs: completedAt,
          previousCategory: 'UTILITY',
          newCategory: 'MARKETING',
        },
      ),
    );
    const paused = await get(`/api/campaigns/${id}`);
    expect(paused.campaign).toMatchObject({ status: 'paused' });
    expect(paused.campaign.statusReason).toContain('re-categorised it as MARKETING on');
    const listed = await get(`/api/templates?connectionId=${h.connections.meta.id}`);
    expect(listed.templates.find((x: any) => x.name === 'order_update')).toMatchObject({
      category: 'MARKETING',
      categoryUpdate: { phase: 'completed', previousCategory: 'UTILITY', nextCategory: 'MARKETING' },
    });

    // Resumed before its start: it waits for its start again, then sends each recipient once.
    await h.api('POST', `/api/campaigns/${id}/resume`);
    expect((await get(`/api/campaigns/${id}`)).campaign.status).toBe('scheduled');
    await runDueCampaignSlices(h);
    expect(h.sims.meta.state.sent).toHaveLength(0);
    h.t.clock.advance(2 * HOUR);
    await runDueCampaignSlices(h);
    expect(h.sims.meta.state.sent).toHaveLength(3);

    // MARKETING → UTILITY: stored, nothing paused.
    const other = await utilityTemplate('news_digest');
    const running = (await (
      await h.api('POST', '/api/campaigns', {
        connectionId: h.connections.meta.id,
        templateId: other.id,
        csv: csv(phones(2)),
      })
    ).json()) as any;
    await h.postMeta(
      metaTemplateCategoryWebhook(
        {},
        {
          phase: 'completed',
          templateId: other.providerId,
          name: 'news_digest',
          language: 'en_US',
          timeMs: h.t.clock.now(),
          previousCategory: 'MARKETING',
          newCategory: 'UTILITY',
        },
      ),
    );
    expect((await get(`/api/campaigns/${running.campaign.id}`)).campaign.status).toBe('running');
  });
});
