// Campaigns API (issue 7): CSV and JSON recipients, preflight, tier policy, pause / resume / cancel mid-flight,
// progress with delivered / read and webhook pricing, per-recipient CSV, tenant isolation and bad input.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted by value, typed loosely on purpose */
import { createSessionToken } from '../../src/security/session';
import { campaignTuning } from '../../src/services/campaigns/campaign-runner';
import { runJob } from '../../src/services/jobs';
import { syncTemplates } from '../../src/services/templates/template-sync';
import { useAppHarness } from '../contract/app-harness';
import { TEST_SECRETS } from '../helpers/platform';
import { drainCampaigns } from '../helpers/campaign-steps';

const h = useAppHarness();

const slicesPerInvocation = campaignTuning.slicesPerInvocation;
beforeAll(() => {
  // Limiter waits move the test clock instead of sleeping.
  h.t.platform.sleep = async (ms) => h.t.clock.advance(ms);
  // One slice per job, so the tests can act between slices; the last test runs chains as deployed.
  campaignTuning.slicesPerInvocation = 1;
});
afterAll(() => {
  campaignTuning.slicesPerInvocation = slicesPerInvocation;
});

afterEach(async () => {
  await h.t.db.batch([
    h.t.db.prepare('DELETE FROM campaign_recipients'),
    h.t.db.prepare('DELETE FROM campaigns'),
  ]);
  await h.t.db.prepare('UPDATE connections SET messaging_tier = NULL').run();
});

async function approvedTemplate(): Promise<string> {
  h.sims.meta.state.addTemplate({
    name: 'spring_sale',
    language: 'en_US',
    status: 'APPROVED',
    category: 'MARKETING',
    components: [{ type: 'BODY', text: 'Hi {{1}}, code {{2}}.', example: { body_text: [['Anna', 'X']] } }],
  });
  await syncTemplates(h.ctx, h.connections.meta);
  const row = await h.t.db
    .prepare("SELECT id FROM templates WHERE name = 'spring_sale'")
    .first<{ id: string }>();
  return row!.id;
}

const csv = (rows: string[]) => ['phone,1,2', ...rows].join('\n');
const phones = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `+4479110${String(from + i).padStart(5, '0')}`);

async function create(body: Record<string, unknown>) {
  const res = await h.api('POST', '/api/campaigns', { connectionId: h.connections.meta.id, ...body });
  return { res, json: (await res.json()) as any };
}

/** Runs up to `limit` due campaign jobs once each (one slice per chain), leaving the rest queued. */
async function runSlices(limit = Number.POSITIVE_INFINITY) {
  const due = h.t.queue.takeDue();
  let ran = 0;
  for (const d of due) {
    if (d.job.type === 'campaign_send' && ran < limit) {
      ran++;
      await runJob(h.ctx, d.job, d.attempts);
    } else h.t.queue.retry(d.job, d.attempts, 0);
  }
  return ran;
}

describe('POST /api/campaigns', () => {
  it('answers a dry run with the preflight and creates nothing', async () => {
    const templateId = await approvedTemplate();
    const [a, b] = phones(2);
    const { res, json } = await create({
      templateId,
      csv: csv([`${a},Anna,X1`, `00${a!.slice(1)},Dup,X2`, `${b},Bob,`, 'not-a-number,C,X3']),
      dryRun: true,
    });
    expect(res.status).toBe(200);
    expect(json.preflight).toMatchObject({
      rows: 4,
      valid: 2,
      sendable: 1,
      duplicates: 1,
      invalid: { count: 1, rows: [{ row: 4, input: 'not-a-number', reason: 'invalid_characters' }] },
      missingVariables: { count: 1, rows: [{ row: 3, phone: b, missing: ['body.2'] }] },
      estimate: { billable: 1, currency: 'USD' },
      tier: { limit: null, fits: true },
    });
    expect(await h.count('campaigns')).toBe(0);
    expect(h.t.queue.pending).toHaveLength(0);
  });

  it('accepts a multipart CSV upload with a BOM and ; separators', async () => {
    const templateId = await approvedTemplate();
    const [a] = phones(1);
    const form = new FormData();
    form.set('connectionId', h.connections.meta.id);
    form.set('templateId', templateId);
    form.set('dryRun', 'true');
    form.set(
      'file',
      new Blob([`\uFEFFPhone;{{1}};{{2}}\r\n${a};"Rossi; Anna";X1\r\n`], { type: 'text/csv' }),
      'list.csv',
    );
    const { token } = await createSessionToken(
      TEST_SECRETS.SESSION_SECRET,
      { installationId: h.installation.id, crm: 'highlevel', role: 'admin' },
      h.t.clock.now(),
    );
    const res = await h.app.request('/api/campaigns', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).preflight).toMatchObject({ sendable: 1, unusedColumns: [] });
  });

  it('refuses a campaign over the messaging tier, or spreads it over days', async () => {
    const templateId = await approvedTemplate();
    await h.t.db
      .prepare('UPDATE connections SET messaging_tier = 250 WHERE id = ?')
      .bind(h.connections.meta.id)
      .run();
    const rows = phones(260).map((p) => `${p},A,B`);
    const refused = await create({ templateId, csv: csv(rows), overTierPolicy: 'refuse' });
    expect(refused.res.status).toBe(409);
    expect(refused.json.error.details.preflight.tier).toMatchObject({
      limit: 250,
      room: 250,
      newCustomers: 260,
      fits: false,
    });
    expect(await h.count('campaigns')).toBe(0);

    const spread = await create({ templateId, csv: csv(rows), overTierPolicy: 'spread' });
    expect(spread.res.status).toBe(201);
    expect(spread.json.preflight.tier).toMatchObject({ fits: false, days: 2 });
    const { results } = await h.t.db
      .prepare(
        'SELECT send_after - ? AS offset, COUNT(*) AS n FROM campaign_recipients GROUP BY 1 ORDER BY 1',
      )
      .bind(h.t.clock.now())
      .all<{ offset: number; n: number }>();
    expect(results).toEqual([
      { offset: 0, n: 250 },
      { offset: 24 * 3_600_000, n: 10 },
    ]);
  });

  it('counts the customers another live campaign of the sender has scheduled against the tier', async () => {
    const templateId = await approvedTemplate();
    await h.t.db
      .prepare('UPDATE connections SET messaging_tier = 250 WHERE id = ?')
      .bind(h.connections.meta.id)
      .run();
    // Campaign A takes 200 of the 250 (created, nothing sent yet: its chains have not run).
    const first = phones(200, 5000);
    const a = await create({ templateId, csv: csv(first.map((p) => `${p},A,B`)) });
    expect(a.res.status).toBe(201);
    expect(a.json.preflight.tier).toMatchObject({ usedLast24h: 0, scheduledByOtherCampaigns: 0, room: 250 });

    // Campaign B with 100 new customers: only 50 left, refused; nothing created.
    const fresh = phones(100, 6000);
    const b = await create({ templateId, csv: csv(fresh.map((p) => `${p},A,B`)), overTierPolicy: 'refuse' });
    expect(b.res.status).toBe(409);
    expect(b.json.error.details.preflight.tier).toMatchObject({
      scheduledByOtherCampaigns: 200,
      room: 50,
      newCustomers: 100,
      fits: false,
    });
    expect(await h.count('campaigns')).toBe(1);

    // The same 200 customers again plus 40 new ones fits: a customer counts once per window.
    const c = await create({
      templateId,
      csv: csv([...first, ...phones(40, 7000)].map((p) => `${p},A,B`)),
      overTierPolicy: 'refuse',
    });
    expect(c.res.status).toBe(201);
    expect(c.json.preflight.tier).toMatchObject({ room: 50, newCustomers: 40, fits: true });

    // A cancelled campaign frees its room.
    expect((await h.api('POST', `/api/campaigns/${a.json.campaign.id}/cancel`)).status).toBe(200);
    expect((await h.api('POST', `/api/campaigns/${c.json.campaign.id}/cancel`)).status).toBe(200);
    const d = await create({ templateId, csv: csv(fresh.map((p) => `${p},A,B`)), overTierPolicy: 'refuse' });
    expect(d.res.status).toBe(201);
    expect(d.json.preflight.tier).toMatchObject({ scheduledByOtherCampaigns: 0, room: 250 });
  });

  it('rejects bad input with field errors and another tenant gets 404', async () => {
    const templateId = await approvedTemplate();
    expect((await create({ templateId })).res.status).toBe(400); // neither csv nor recipients
    const noPhone = await create({ templateId, csv: 'name,1\nAnna,X' });
    expect(noPhone.res.status).toBe(400);
    expect(noPhone.json.error.message).toMatch(/phone column/);
    const badQuote = await create({ templateId, csv: 'phone,1,2\n"+447911000001,A,B' });
    expect(badQuote.res.status).toBe(400);
    expect((await create({ templateId: 'tpl_missing', csv: csv(['+447911000001,A,B']) })).res.status).toBe(
      404,
    );
    const created = await create({
      templateId,
      recipients: [{ phone: '+447911000001', variables: { '1': 'A', '2': 'B' } }],
    });
    expect(created.res.status).toBe(201);
    const { token } = await createSessionToken(
      TEST_SECRETS.SESSION_SECRET,
      { installationId: 'ins_other', crm: 'highlevel', role: 'admin' },
      h.t.clock.now(),
    );
    const other = await h.app.request(`/api/campaigns/${created.json.campaign.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect([401, 404]).toContain(other.status);
    const agent = await createSessionToken(
      TEST_SECRETS.SESSION_SECRET,
      { installationId: h.installation.id, crm: 'highlevel', role: 'agent' },
      h.t.clock.now(),
    );
    const forbidden = await h.app.request('/api/campaigns', {
      headers: { authorization: `Bearer ${agent.token}` },
    });
    expect(forbidden.status).toBe(403);
  });
});

describe('running a campaign', () => {
  it('pauses, resumes and cancels mid-flight; progress counts delivered, read and reported cost', async () => {
    const templateId = await approvedTemplate();
    const list = phones(300);
    const { json } = await create({ templateId, csv: csv(list.map((p) => `${p},A,B`)) });
    const id = json.campaign.id as string;
    expect(json.campaign.status).toBe('running');

    // One slice of each of the 4 chains (4 × 40 at 80 msg/s) goes out, then the admin pauses.
    expect(await runSlices()).toBe(4);
    expect(h.sims.meta.state.sent).toHaveLength(160);
    const paused = await h.api('POST', `/api/campaigns/${id}/pause`);
    expect(paused.status).toBe(200);
    await drainCampaigns(h); // the chains' next jobs see the pause and stop
    expect(h.t.queue.pending.filter((p) => p.job.type === 'campaign_send')).toHaveLength(0);
    const afterPause = (await (await h.api('GET', `/api/campaigns/${id}`)).json()) as any;
    expect(afterPause.campaign.status).toBe('paused');
    expect(h.sims.meta.state.sent).toHaveLength(160);
    expect(afterPause.progress.counts).toMatchObject({ sent: 160, queued: 140 });
    expect(afterPause.progress.percent).toBe(53);

    expect((await h.api('POST', `/api/campaigns/${id}/resume`)).status).toBe(200);
    expect((await h.api('POST', `/api/campaigns/${id}/resume`)).status).toBe(409); // already running
    expect(await runSlices(1)).toBe(1);
    expect(h.sims.meta.state.sent).toHaveLength(200);
    const cancelled = (await (await h.api('POST', `/api/campaigns/${id}/cancel`)).json()) as any;
    expect(cancelled.campaign.status).toBe('cancelled');
    await drainCampaigns(h);
    const final = (await (await h.api('GET', `/api/campaigns/${id}`)).json()) as any;
    const counts = final.progress.counts;
    expect(counts.queued).toBe(0);
    expect(counts).toMatchObject({ sent: 200, cancelled: 100 });
    expect(counts.sent).toBe(h.sims.meta.state.sent.length);
    expect(Math.max(...h.sims.meta.state.sentCountByRecipient.values())).toBe(1);

    // Delivery and read receipts with Meta's pricing object move the counts and the actual cost.
    const [m1, m2] = h.sims.meta.state.sent;
    expect((await h.postMeta(h.sims.meta.statusWebhook(m1!.id, 'delivered'))).status).toBe(200);
    expect((await h.postMeta(h.sims.meta.statusWebhook(m2!.id, 'read'))).status).toBe(200);
    const withReceipts = (await (await h.api('GET', `/api/campaigns/${id}`)).json()) as any;
    expect(withReceipts.progress.counts).toMatchObject({ delivered: 1, read: 1, sent: counts.sent - 2 });
    expect(withReceipts.progress.estimatedCost.billable).toBe(300);
    // The simulator's receipts carry Meta's default pricing object: billable, utility.
    expect(withReceipts.progress.actualCost).toMatchObject({
      reportedMessages: 2,
      billable: 2,
      total: 0.008,
    });

    const csvRes = await h.api('GET', `/api/campaigns/${id}/recipients?format=csv`);
    expect(csvRes.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csvRes.text()).trim().split('\r\n');
    expect(lines[0]).toBe('row,phone,input,state,reason,attempts,provider_message_id');
    expect(lines).toHaveLength(301);
    expect(lines.filter((l) => l.includes(',cancelled,Campaign cancelled,'))).toHaveLength(100);
    const page = (await (await h.api('GET', `/api/campaigns/${id}/recipients?limit=2`)).json()) as any;
    expect(page.recipients[0]).toMatchObject({ seq: 1, phone: list[0], state: expect.any(String) });
  });

  it('stops a chain that runs many slices per invocation within one slice of a pause', async () => {
    campaignTuning.slicesPerInvocation = slicesPerInvocation;
    try {
      const templateId = await approvedTemplate();
      const { json } = await create({ templateId, csv: csv(phones(600, 1000).map((p) => `${p},A,B`)) });
      const id = json.campaign.id as string;
      // The admin presses pause while the chain is sending its second slice.
      let pausing: Promise<Response> | undefined;
      h.sims.meta.faults.add({
        match: () => {
          if (h.sims.meta.state.sent.length >= 60) pausing ??= h.api('POST', `/api/campaigns/${id}/pause`);
          return false;
        },
        times: Number.POSITIVE_INFINITY,
      });
      expect(await runSlices(1)).toBe(1);
      expect((await pausing)?.status).toBe(200);
      const sent = h.sims.meta.state.sent.length;
      // Whole slices of 40 only, and the pause seen at the start of the next slice (or the one after, if the
      // pause's write lost the race with that slice's read).
      expect(sent % 40).toBe(0);
      expect(sent).toBeGreaterThanOrEqual(80);
      expect(sent).toBeLessThanOrEqual(120);
      await drainCampaigns(h);
      expect(h.sims.meta.state.sent.length).toBe(sent);
      const after = (await (await h.api('GET', `/api/campaigns/${id}`)).json()) as any;
      expect(after.campaign.status).toBe('paused');
      expect(after.progress.counts).toMatchObject({ sent, queued: 600 - sent });
    } finally {
      campaignTuning.slicesPerInvocation = 1;
      h.sims.meta.faults.clear();
    }
  });

  it('after a throughput 429 the slice holds its remaining sends until Retry-After, slots reserved before included', async () => {
    const templateId = await approvedTemplate();
    // 200 recipients: past the bucket's first second (80 sends), every worker waits for a reserved slot.
    const startedAt = h.t.clock.now();
    const { json } = await create({ templateId, csv: csv(phones(200, 3000).map((p) => `${p},A,B`)) });
    const id = json.campaign.id as string;
    expect(json.campaign.startedAt).toBe(startedAt);
    const sendTimes: number[] = [];
    let limitedAt: number | undefined;
    h.sims.meta.faults.add({
      match: (request) => {
        if (request.method !== 'POST' || !request.url.endsWith('/messages')) return false;
        sendTimes.push(h.t.clock.now());
        if (sendTimes.length !== 100) return false;
        limitedAt = h.t.clock.now();
        return true;
      },
      times: Number.POSITIVE_INFINITY,
      status: 429,
      headers: { 'retry-after': '5' },
      body: { error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429 } },
    });
    // Slot waits take a little real time too, so the 429's answer lands while the other workers wait for theirs.
    const fakeSleep = h.t.platform.sleep;
    h.t.platform.sleep = async (ms) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      h.t.clock.advance(ms);
    };
    try {
      await drainCampaigns(h);
    } finally {
      h.t.platform.sleep = fakeSleep;
      h.sims.meta.faults.clear();
    }
    expect(limitedAt).toBeDefined();
    const duringHold = sendTimes.slice(100).filter((t) => t > limitedAt! && t < limitedAt! + 5_000);
    expect(duringHold).toEqual([]);
    // Every recipient sent exactly once in the end, the limited one included.
    expect(h.sims.meta.state.sent).toHaveLength(200);
    expect(Math.max(...h.sims.meta.state.sentCountByRecipient.values())).toBe(1);
    const final = (await (await h.api('GET', `/api/campaigns/${id}`)).json()) as any;
    expect(final.campaign.status).toBe('completed');
    // A campaign that started at once has its start time (#17 item 11), before its end.
    expect(final.campaign.startedAt).toBe(startedAt);
    expect(final.campaign.finishedAt).toBeGreaterThan(startedAt);
  });
});
