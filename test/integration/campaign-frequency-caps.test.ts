// Issue 12 item 3: a campaign where the Meta simulator caps 10 % of the customers with 131049 → those are `capped`
// (not failed), retried after the configured delay (injected clock) at most M times, each recipient accepted by
// the provider at most once; opted-out, invalid and otherwise failed recipients are never retried.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted by value */
import { queueOutbound } from '../../src/services/relay/relay-outbound';
import { useAppHarness } from '../contract/app-harness';
import { sweepOutbox } from '../../src/services/operations/outbox-sweep';
import { killable, Killed } from '../helpers/crash-points';
import { MetaFrequencyCaps, metaInbound, metaMessagesWebhook, metaStatusError } from '../mocks/meta';
import { approvedTemplate, runDueCampaignSlices } from '../helpers/campaign-steps';

const h = useAppHarness();
const HOUR = 3_600_000;
beforeAll(() => {
  h.t.platform.sleep = async (ms) => h.t.clock.advance(ms);
});
afterEach(async () => {
  await h.assertSpecValid();
  await h.t.db.batch([
    h.t.db.prepare('DELETE FROM campaign_recipients'),
    h.t.db.prepare('DELETE FROM campaigns'),
  ]);
});

/** Starts a campaign of `templateId` to `target` alone (the API's answer). */
const campaignToOne = (templateId: string, target: string, cappedRetryAfterHours?: number) =>
  h.api('POST', '/api/campaigns', {
    connectionId: h.connections.meta.id,
    templateId,
    csv: ['phone,1', `${target},Ann`].join('\n'),
    ...(cappedRetryAfterHours === undefined ? {} : { cappedRetryAfterHours }),
  });
const progressOf = async (id: string) =>
  ((await (await h.api('GET', `/api/campaigns/${id}`)).json()) as any).progress;

const phone = (i: number) => `+44791100${String(i).padStart(4, '0')}`;
const PHONES = Array.from({ length: 20 }, (_, i) => phone(i + 1));
const CAPPED = [PHONES[3]!, PHONES[13]!]; // 10 %
const FAILS_OTHERWISE = PHONES[7]!; // not on WhatsApp (131026)
const OPTED_OUT = phone(90);
const caps = new MetaFrequencyCaps(h.sims.meta);
/** Every accepted message id → whether Meta then reported it capped. */
const capOutcome = new Map<string, boolean>();

/** Meta reports every message sent since `from`: capped, failed otherwise, or delivered. */
async function reportOutcomes(from: number) {
  for (const m of h.sims.meta.state.sent.slice(from)) {
    const now = h.t.clock.now();
    const payload =
      `+${m.to}` === FAILS_OTHERWISE
        ? h.sims.meta.statusWebhook(m.id, 'failed', {
            errors: [metaStatusError(131026, 'Message undeliverable', 'not on WhatsApp')],
            timestampMs: now,
          })
        : caps.outcomeWebhook(m.id, now);
    capOutcome.set(m.id, caps.isCapped(m.id, now));
    expect((await h.postMeta(payload)).status).toBe(200);
  }
}

/** Meta answers the next send call itself with 131049 (not a later status webhook). */
function capSendAnswer() {
  h.sims.meta.faults.add({
    match: (r) => r.method === 'POST' && r.url.includes('/messages'),
    status: 400,
    body: {
      error: {
        message: '(#131049) This message was not delivered to maintain healthy ecosystem engagement.',
        type: 'OAuthException',
        code: 131049,
        error_data: {
          messaging_product: 'whatsapp',
          details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
        },
      },
    },
  });
}

const sendsTo = (p: string) => h.sims.meta.state.sent.filter((m) => `+${m.to}` === p);

describe('frequency caps (Meta 131049)', () => {
  it('caps 10 %, retries them after the delay at most M times, never anyone else, never an accepted one twice', async () => {
    // A customer who wrote STOP, and a CSV row that is no phone at all.
    await h.postMeta(
      metaMessagesWebhook({}, [metaInbound.text({ from: OPTED_OUT, timestampMs: h.t.clock.now() }, 'STOP')]),
    );
    const templateId = await approvedTemplate(h, 'weekly_offer', 'MARKETING');
    const t0 = h.t.clock.now();
    for (const p of CAPPED) caps.cap(p, t0 + 30 * HOUR); // capped for the first two tries only
    const res = await h.api('POST', '/api/campaigns', {
      connectionId: h.connections.meta.id,
      templateId,
      csv: ['phone,1', ...PHONES.map((p) => `${p},Ann`), `${OPTED_OUT},Olga`, '12ab,Ivan'].join('\n'),
      cappedRetryAfterHours: 24,
      cappedRetryMax: 2,
    });
    const created = (await res.json()) as any;
    expect(res.status).toBe(201);
    const id = created.campaign.id;
    const progress = async () => await progressOf(id);

    await runDueCampaignSlices(h);
    expect(h.sims.meta.state.sent).toHaveLength(20);
    await reportOutcomes(0);
    let p = await progress();
    // Capped, not failed; the other failure is a failure; the retry time is the configured delay away.
    expect(p.counts).toMatchObject({ failed: 1, delivered: 17, skipped: 2, queued: 2, capped: 0 });
    expect(p.capped).toEqual({ capped: 2, notRetried: 0, waitingForRetry: 2, nextRetryAt: t0 + 24 * HOUR });
    const recipients = ((await (await h.api('GET', `/api/campaigns/${id}/recipients`)).json()) as any)
      .recipients;
    expect(recipients.find((r: any) => r.phone === CAPPED[0]).reason).toMatch(/^capped: /);

    // Not before the delay (injected clock).
    h.t.clock.advance(23 * HOUR);
    await runDueCampaignSlices(h);
    expect(h.sims.meta.state.sent).toHaveLength(20);
    // First retry (t0 + 24 h): still capped → the second and last retry 24 h later.
    h.t.clock.advance(HOUR);
    await runDueCampaignSlices(h);
    expect(h.sims.meta.state.sent).toHaveLength(22);
    await reportOutcomes(20);
    p = await progress();
    expect(p.capped).toMatchObject({
      capped: 2,
      waitingForRetry: 2,
      nextRetryAt: h.t.clock.now() + 24 * HOUR,
    });
    h.t.clock.advance(24 * HOUR);
    await runDueCampaignSlices(h);
    expect(h.sims.meta.state.sent).toHaveLength(24);
    await reportOutcomes(22); // past the cap: delivered
    p = await progress();
    expect(p.counts).toMatchObject({ delivered: 19, failed: 1, capped: 0, queued: 0, skipped: 2 });
    expect(p.capped).toMatchObject({ capped: 2, waitingForRetry: 0, nextRetryAt: null });
    expect(((await (await h.api('GET', `/api/campaigns/${id}`)).json()) as any).campaign.status).toBe(
      'completed',
    );

    // Each recipient accepted (not capped) at most once; only the capped ones were sent again.
    for (const p of PHONES) {
      const accepted = sendsTo(p).filter((m) => !capOutcome.get(m.id));
      expect(accepted.length, p).toBe(1);
      expect(sendsTo(p).length, p).toBe(CAPPED.includes(p) ? 3 : 1);
    }
    expect(sendsTo(OPTED_OUT)).toHaveLength(0);
    expect(sendsTo(FAILS_OTHERWISE)).toHaveLength(1);
  });

  it('without the setting a capped recipient stays capped (not failed) and is never retried', async () => {
    const templateId = await approvedTemplate(h, 'weekly_offer', 'MARKETING');
    const target = phone(50);
    caps.cap(target, h.t.clock.now() + 1000 * HOUR);
    const res = await h.api('POST', '/api/campaigns', {
      connectionId: h.connections.meta.id,
      templateId,
      csv: ['phone,1', `${target},Ann`, `${phone(51)},Bob`].join('\n'),
    });
    const id = ((await res.json()) as any).campaign.id;
    const from = h.sims.meta.state.sent.length;
    await runDueCampaignSlices(h);
    await reportOutcomes(from);
    h.t.clock.advance(200 * HOUR);
    await runDueCampaignSlices(h);
    const p = await progressOf(id);
    expect(p.counts).toMatchObject({ capped: 1, failed: 0, delivered: 1 });
    expect(p.capped).toEqual({ capped: 1, notRetried: 1, waitingForRetry: 0, nextRetryAt: null });
    expect(sendsTo(target)).toHaveLength(1);
  });

  it('a cap answered by the send call itself is `capped` too, and retried', async () => {
    const templateId = await approvedTemplate(h, 'weekly_offer', 'MARKETING');
    capSendAnswer();
    const target = phone(70);
    const res = await campaignToOne(templateId, target, 2);
    const id = ((await res.json()) as any).campaign.id;
    await runDueCampaignSlices(h);
    let p = await progressOf(id);
    expect(p.counts).toMatchObject({ failed: 0, queued: 1 });
    expect(p.capped).toMatchObject({
      capped: 1,
      waitingForRetry: 1,
      nextRetryAt: h.t.clock.now() + 2 * HOUR,
    });
    h.t.clock.advance(2 * HOUR);
    await runDueCampaignSlices(h);
    expect(sendsTo(target)).toHaveLength(1); // the fault answered the first call: the simulator accepted only this one
    p = await progressOf(id);
    expect(p.counts).toMatchObject({ sent: 1, queued: 0 });
  });

  it('a utility template is never capped by the simulator (Meta caps marketing only)', async () => {
    const templateId = await approvedTemplate(h, 'appointment_notice', 'UTILITY');
    const target = phone(60);
    caps.cap(target, h.t.clock.now() + 1000 * HOUR);
    await campaignToOne(templateId, target, 1);
    const from = h.sims.meta.state.sent.length;
    await runDueCampaignSlices(h);
    expect(caps.isCapped(h.sims.meta.state.sent[from]!.id, h.t.clock.now())).toBe(false);
  });

  // `before` the cap's statement: where it used to be a second write after the outcome's; `after`: the whole batch
  // committed, then the runner's one retry of the outcome write re-runs it (which must change nothing).
  it.each(['before', 'after'] as const)(
    'a cap answered by the send call is written with the outcome: killed %s its statement, it is still retried',
    async (when) => {
      const templateId = await approvedTemplate(h, 'weekly_offer', 'MARKETING');
      capSendAnswer();
      const target = phone(80);
      const res = await campaignToOne(templateId, target, 2);
      const id = ((await res.json()) as any).campaign.id;
      const { db, queue } = h.t.platform;
      const crash = killable(h.t.platform);
      // The Worker dies there: nothing after it runs (no chain enqueued for the retry).
      crash.arm({ sql: /SET\s+capped_count = campaign_recipients.capped_count \+ 1/, when });
      try {
        await runDueCampaignSlices(h);
      } catch (error) {
        if (!(error instanceof Killed)) throw error;
      } finally {
        h.t.platform.db = db;
        h.t.platform.queue = queue;
      }
      expect(crash.fired).toBe(1);
      h.t.queue.takeDue(); // the killed invocation's message is gone
      const row = await h.t.db
        .prepare('SELECT state, capped_count, send_after FROM campaign_recipients WHERE campaign_id = ?')
        .bind(id)
        .first<{ state: string; capped_count: number; send_after: number }>();
      // Not `failed`: the cap was in the outcome's batch, with its retry time.
      expect(row).toEqual({ state: 'pending', capped_count: 1, send_after: h.t.clock.now() + 2 * HOUR });
      // The chain promised for the retry is missed: the outbox sweep restarts it, and the recipient is sent again.
      h.t.clock.advance(3 * HOUR);
      await sweepOutbox(h.ctx);
      await runDueCampaignSlices(h);
      expect(sendsTo(target)).toHaveLength(1); // the fault answered the first call: the simulator accepted only this one
      const p = await progressOf(id);
      expect(p.counts).toMatchObject({ sent: 1, queued: 0, failed: 0 });
    },
  );
});

// Meta 131050 (developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes): the customer
// stopped marketing messages from the business inside WhatsApp. Not a failure: an opt-out, stored like a
// `user_preferences` stop, whether Meta says so in the send answer or in a later status webhook.
const STOPPED_DETAILS =
  'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.';

/** Meta's send call answers 131050 (the customer stopped marketing messages). */
const sendAnswersStopped = () =>
  h.sims.meta.faults.add({
    match: (r) => r.method === 'POST' && r.url.includes('/messages'),
    status: 400,
    body: {
      error: {
        message: '(#131050) Unable to deliver message',
        type: 'OAuthException',
        code: 131050,
        error_data: { messaging_product: 'whatsapp', details: STOPPED_DETAILS },
      },
    },
  });

describe('a customer who stopped marketing messages (Meta 131050)', () => {
  async function campaignTo(target: string) {
    const templateId = await approvedTemplate(h, 'weekly_offer', 'MARKETING');
    const res = await campaignToOne(templateId, target, 1);
    expect(res.status).toBe(201);
    return ((await res.json()) as any).campaign.id as string;
  }
  const preferenceOf = (target: string) =>
    h.t.db
      .prepare(
        `SELECT p.stopped, p.source, p.crm_sync FROM marketing_preferences p JOIN contacts c ON c.id = p.contact_id
         WHERE c.phone = ?`,
      )
      .bind(target)
      .first<{ stopped: number; source: string; crm_sync: string }>();

  const preferenceJobs = () =>
    h.t.queue.pending.filter((q) => q.job.type === 'crm_marketing_preference').length;

  /** `jobsBefore`: preference jobs queued before; `sent`: sends to the customer so far (the refused one). */
  async function expectOptedOut(id: string, target: string, jobsBefore: number) {
    const sent = sendsTo(target).length;
    const p = await progressOf(id);
    expect(p.counts).toMatchObject({ opted_out: 1, failed: 0, queued: 0 });
    expect(p.capped).toMatchObject({ capped: 0 });
    const recipients = ((await (await h.api('GET', `/api/campaigns/${id}/recipients`)).json()) as any)
      .recipients;
    expect(recipients.find((r: any) => r.phone === target)).toMatchObject({
      state: 'opted_out',
      reason: 'opted_out: whatsapp',
    });
    expect(await preferenceOf(target)).toEqual({ stopped: 1, source: 'whatsapp', crm_sync: 'pending' });
    expect(preferenceJobs()).toBe(jobsBefore + 1); // the CRM is owed the stop (HighLevel DND, Pipedrive note)
    // Never retried; a later marketing campaign skips the customer before sending.
    h.t.clock.advance(2 * HOUR);
    await runDueCampaignSlices(h);
    expect(sendsTo(target)).toHaveLength(sent);
    const templateId = await approvedTemplate(h, 'weekly_offer', 'MARKETING');
    const res = await campaignToOne(templateId, target);
    expect(res.status).toBe(400); // nobody left to send to
    expect(((await res.json()) as any).error.details.preflight.optedOut.reasons).toEqual([
      { phone: target, reason: 'opted_out: whatsapp' },
    ]);
    expect(sendsTo(target)).toHaveLength(sent);
  }

  it('answered by the send call: the recipient is opted_out (not failed) and the stop is stored', async () => {
    const target = phone(110);
    sendAnswersStopped();
    const jobs = preferenceJobs();
    const id = await campaignTo(target);
    await runDueCampaignSlices(h);
    await expectOptedOut(id, target, jobs);
  });

  it('a single send answered 131050 by the send call stores the stop too (one send path, issue 13)', async () => {
    const target = phone(130);
    sendAnswersStopped();
    const jobs = preferenceJobs();
    const templateId = await approvedTemplate(h, 'weekly_offer', 'MARKETING');
    const queued = await queueOutbound(h.ctx, {
      connection: h.connections.meta,
      to: target,
      content: { type: 'template', templateId, templateName: '', language: '', values: { 'body.1': 'Ann' } },
      origin: 'app',
    });
    await h.runJobs(['send_message']);
    const message = await h.ctx.messages.get(queued.id);
    expect(message).toMatchObject({ sendState: 'failed', status: 'failed' });
    expect(message?.error).toMatchObject({ kind: 'marketing_opted_out', vendorCode: '131050' });
    expect(sendsTo(target)).toHaveLength(0); // refused: nothing accepted, and never sent again
    expect(await preferenceOf(target)).toEqual({ stopped: 1, source: 'whatsapp', crm_sync: 'pending' });
    expect(preferenceJobs()).toBe(jobs + 1);
  });

  it('reported by a status webhook: the recipient is opted_out (not failed) and the stop is stored', async () => {
    const target = phone(120);
    const jobs = preferenceJobs();
    const id = await campaignTo(target);
    const from = h.sims.meta.state.sent.length;
    await runDueCampaignSlices(h);
    const sent = h.sims.meta.state.sent.slice(from).find((m) => `+${m.to}` === target)!;
    const payload = h.sims.meta.statusWebhook(sent.id, 'failed', {
      errors: [metaStatusError(131050, 'Unable to deliver message', STOPPED_DETAILS)],
      timestampMs: h.t.clock.now(),
    });
    expect((await h.postMeta(payload)).status).toBe(200);
    await expectOptedOut(id, target, jobs);
  });
});
