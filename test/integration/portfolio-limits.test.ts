// Messaging limits per business portfolio (issue 12 item 2, acceptance): two Meta numbers of one portfolio, in two
// installations, learn the portfolio and its 250 limit from the Graph API when they connect. A campaign of 200 new
// customers from the first, then one of 200 from the second: refused because the PORTFOLIO is full (the second
// number has sent nothing). Meta's `business_capability_update` raises the limit for both, and the second campaign
// proceeds. A manual value overrides the reported one until cleared; an older webhook never lowers a newer limit.
import { afterEach, beforeAll, expect, it } from 'vitest';
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted by value */
import { automationTierRefusal } from '../../src/services/crm/automation-tier';
import { runJob } from '../../src/services/jobs';
import { syncTemplates } from '../../src/services/templates/template-sync';
import { AutomationExecutionStore } from '../../src/store/automations';
import type { Installation } from '../../src/store/installations';
import { MessagingLimitStore } from '../../src/store/messaging-limits';
import { useAppHarness } from '../contract/app-harness';
import { adminSessionToken, callApp } from '../helpers/world';
import { META_SIM_DEFAULTS, META_SIM_PORTFOLIO } from '../mocks/meta';
import { drainCampaigns } from '../helpers/campaign-steps';

const SECOND_NUMBER_ID = '106540352242977';
const h = useAppHarness({ metaExtraPhoneNumberIds: [SECOND_NUMBER_ID] });

beforeAll(() => {
  // Limiter waits move the test clock instead of sleeping.
  h.t.platform.sleep = async (ms) => h.t.clock.advance(ms);
});
afterEach(async () => {
  await h.t.db.batch([
    h.t.db.prepare('DELETE FROM campaign_recipients'),
    h.t.db.prepare('DELETE FROM campaigns'),
  ]);
});

const phones = (n: number, from: number) =>
  Array.from({ length: n }, (_, i) => `+4479110${String(from + i).padStart(5, '0')}`);
const csv = (rows: string[]) => ['phone,1,2', ...rows.map((p) => `${p},Anna,X`)].join('\n');

async function secondInstallation(): Promise<Installation> {
  const { installations } = await h.ctx.secretStores();
  return installations.upsert(
    {
      crm: 'highlevel',
      accountId: 'second-location-0001',
      accountType: 'location',
      companyId: h.sims.highlevel.state.config.companyId,
      tokens: { accessToken: 'second-access-token', refreshToken: 'second-refresh-token' },
      tokenExpiresAt: h.t.clock.now() + 20 * 3_600_000,
      scopes: ['conversations.write'],
    },
    h.t.clock.now(),
  );
}

const metaNumber = (phoneNumberId: string, label: string, senderPhone: string) => ({
  label,
  senderPhone,
  provider: 'meta',
  credentials: {
    accessToken: META_SIM_DEFAULTS.accessToken,
    wabaId: META_SIM_DEFAULTS.wabaId,
    phoneNumberId,
  },
});

/** The approved template both numbers offer (their WABA's). */
function addTemplate() {
  h.sims.meta.state.addTemplate({
    name: 'spring_sale',
    language: 'en_US',
    status: 'APPROVED',
    category: 'MARKETING',
    components: [{ type: 'BODY', text: 'Hi {{1}}, code {{2}}.', example: { body_text: [['Anna', 'X']] } }],
  });
}

async function templateOf(connectionId: string): Promise<string> {
  const row = await h.t.db
    .prepare("SELECT id FROM templates WHERE connection_id = ? AND name = 'spring_sale'")
    .bind(connectionId)
    .first<{ id: string }>();
  return row!.id;
}

it('two numbers of one portfolio share its 250 limit; business_capability_update raises it for both', async () => {
  h.sims.meta.portfolio.reset();
  addTemplate();
  const other = await secondInstallation();
  const asFirst = (method: string, path: string, body?: unknown) => h.api(method, path, body);
  const asSecond = async (method: string, path: string, body?: unknown) =>
    callApp(h.app, method, path, {
      token: await adminSessionToken(h.t.clock.now(), other.id, 'highlevel'),
      body,
    });

  // Connecting (the first installation reconnects its number; the second connects another number of the same
  // WABA): the Graph API tells each its portfolio and the portfolio's limit.
  const a = await asFirst(
    'POST',
    '/api/connections',
    metaNumber(META_SIM_DEFAULTS.phoneNumberId, 'Shop A', '+14155550110'),
  );
  expect(a.status).toBe(201);
  const b = await asSecond(
    'POST',
    '/api/connections',
    metaNumber(SECOND_NUMBER_ID, 'Shop B', '+14155550111'),
  );
  expect(b.status).toBe(201);
  const numberA = ((await a.json()) as any).connection;
  const numberB = ((await b.json()) as any).connection;
  expect(numberA.id).toBe(h.connections.meta.id); // the same row, reconnected
  for (const n of [numberA, numberB])
    expect(n.messagingLimit).toMatchObject({
      limit: 250,
      source: 'provider',
      businessPortfolioId: META_SIM_PORTFOLIO.id,
      manual: null,
    });
  const { connections } = await h.ctx.secretStores();
  for (const n of [numberA, numberB]) await syncTemplates(h.ctx, (await connections.get(n.id))!);

  // Number A's campaign: 200 new customers, within the portfolio's 250; sent.
  const first = await asFirst('POST', '/api/campaigns', {
    connectionId: numberA.id,
    templateId: await templateOf(numberA.id),
    csv: csv(phones(200, 0)),
  });
  expect(first.status).toBe(201);
  expect(((await first.json()) as any).preflight.tier).toMatchObject({
    limit: 250,
    source: 'provider',
    scope: 'portfolio',
    numbersSharing: 2,
    room: 250,
    fits: true,
  });
  await drainCampaigns(h, 100);
  expect(h.sims.meta.state.sent).toHaveLength(200);

  // Number B has sent nothing, yet its campaign of 200 other customers is refused: the portfolio has 50 left.
  const secondBody = {
    connectionId: numberB.id,
    templateId: await templateOf(numberB.id),
    csv: csv(phones(200, 1000)),
    overTierPolicy: 'refuse',
  };
  const refused = await asSecond('POST', '/api/campaigns', secondBody);
  expect(refused.status).toBe(409);
  const error = ((await refused.json()) as any).error;
  expect(error.code).toBe('conflict');
  expect(error.message).toBe(
    'Messaging limit reached: the business portfolio (shared by 2 numbers) may start conversations with 250 ' +
      'customers per 24 hours (reported by WhatsApp); 200 already written to in the last 24 h. This campaign has ' +
      '200 new customers but room is left for 50. Send it later, choose "spread over days", or reduce the recipients.',
  );
  expect(error.details.preflight.tier).toMatchObject({
    limit: 250,
    scope: 'portfolio',
    numbersSharing: 2,
    usedLast24h: 200,
    room: 50,
    newCustomers: 200,
    fits: false,
  });
  // The other policy, as a dry run: 50 today, the other 150 tomorrow.
  const spread = await asSecond('POST', '/api/campaigns', {
    ...secondBody,
    overTierPolicy: 'spread',
    dryRun: true,
  });
  expect(((await spread.json()) as any).preflight.tier).toMatchObject({ fits: false, days: 2, room: 50 });
  expect(await h.count('campaigns')).toBe(1);

  // Meta raises the portfolio to 2,000: one webhook for the WABA reaches both numbers, in both installations.
  const raised = await h.postMeta(
    h.sims.meta.capabilityWebhook({ tier: 'TIER_2K', timeMs: h.t.clock.now() }),
  );
  expect(raised.status).toBe(200);
  expect(await raised.json()).toMatchObject({ ok: true, statuses: 1 });
  const listed = async (call: typeof asFirst) =>
    (((await (await call('GET', '/api/connections')).json()) as any).connections as any[]).find(
      (c) => c.provider === 'meta',
    ).messagingLimit;
  expect(await listed(asFirst)).toMatchObject({ limit: 2000, source: 'provider' });
  expect(await listed(asSecond)).toMatchObject({ limit: 2000, source: 'provider' });

  // An older report (a late redelivery of the 250) does not lower it again.
  const late = await h.postMeta(
    h.sims.meta.capabilityWebhook({ tier: 'TIER_250', timeMs: h.t.clock.now() - 3_600_000 }),
  );
  expect(await late.json()).toMatchObject({ ok: true, ignored: 1 });
  expect(await listed(asSecond)).toMatchObject({ limit: 2000 });

  // The second campaign proceeds now.
  const accepted = await asSecond('POST', '/api/campaigns', secondBody);
  expect(accepted.status).toBe(201);
  expect(((await accepted.json()) as any).preflight.tier).toMatchObject({
    limit: 2000,
    usedLast24h: 200,
    room: 1800,
    fits: true,
  });

  // A manual value overrides the reported limit (shown as such) until the admin clears it.
  const manual = await asSecond('PUT', `/api/connections/${numberB.id}/messaging-limit`, {
    messagingTier: 300,
  });
  expect(manual.status).toBe(200);
  expect(((await manual.json()) as any).connection.messagingLimit).toMatchObject({
    limit: 300,
    source: 'manual',
    reported: 2000,
  });
  const capped = await asSecond('POST', '/api/campaigns', {
    ...secondBody,
    csv: csv(phones(10, 3000)),
    dryRun: true,
  });
  // 200 written to + 200 scheduled by B's campaign: the manual 300 leaves nothing.
  expect(((await capped.json()) as any).preflight.tier).toMatchObject({
    limit: 300,
    source: 'manual',
    room: 0,
    fits: false,
  });
  const cleared = await asSecond('PUT', `/api/connections/${numberB.id}/messaging-limit`, {
    messagingTier: null,
  });
  expect(((await cleared.json()) as any).connection.messagingLimit).toMatchObject({
    limit: 2000,
    source: 'provider',
  });
  // Another tenant cannot touch the number; bad input is a 400 envelope.
  expect(
    (await asFirst('PUT', `/api/connections/${numberB.id}/messaging-limit`, { messagingTier: 5 })).status,
  ).toBe(404);
  const bad = await asSecond('PUT', `/api/connections/${numberB.id}/messaging-limit`, { messagingTier: -3 });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as any).error.code).toBe('invalid_request');
  await h.assertSpecValid();
}, 120_000);

it('a Graph failure at connect time still connects the number, keeping what was known of its limit', async () => {
  h.sims.meta.faults.add({
    match: (r) => new URL(r.url).searchParams.get('fields') === 'id,owner_business_info',
    status: 500,
  });
  const res = await h.api('POST', '/api/connections', {
    label: 'Shop A',
    senderPhone: '+14155550110',
    provider: 'meta',
    credentials: {
      accessToken: META_SIM_DEFAULTS.accessToken,
      wabaId: META_SIM_DEFAULTS.wabaId,
      phoneNumberId: META_SIM_DEFAULTS.phoneNumberId,
    },
  });
  expect(res.status).toBe(201);
  // What was known before stays (the first test stored the portfolio and the limit on this row).
  expect(((await res.json()) as any).connection.messagingLimit).toMatchObject({ source: 'provider' });
});

it('a number that never learnt its portfolio (connected before, or the read failed) learns it with the next template sync', async () => {
  h.sims.meta.portfolio.reset();
  const id = h.connections.meta.id;
  await h.t.db
    .prepare(
      'UPDATE connections SET business_portfolio_id = NULL, provider_messaging_limit = NULL, provider_limit_at = NULL WHERE id = ?',
    )
    .bind(id)
    .run();
  expect(await runJob(h.ctx, { type: 'template_sync', connectionId: id }, 0)).toMatchObject({ kind: 'done' });
  const row = await h.t.db
    .prepare('SELECT business_portfolio_id, provider_messaging_limit FROM connections WHERE id = ?')
    .bind(id)
    .first();
  expect(row).toEqual({ business_portfolio_id: META_SIM_PORTFOLIO.id, provider_messaging_limit: 250 });
  // Known: the next sync does not ask again (a trap on the owner read stays untouched).
  const injected = h.sims.meta.faults.injected;
  h.sims.meta.faults.add({
    match: (r) => /owner_business_info|messaging_limit/.test(new URL(r.url).searchParams.get('fields') ?? ''),
    status: 500,
  });
  await runJob(h.ctx, { type: 'template_sync', connectionId: id }, 0);
  expect(h.sims.meta.faults.injected).toBe(injected);
  h.sims.meta.faults.clear();
});

it("workflow template sends count the portfolio's customers too: a number that sent nothing is refused once its sibling used the limit", async () => {
  h.sims.meta.portfolio.reset();
  const { connections } = await h.ctx.secretStores();
  const numberA = (await connections.get(h.connections.meta.id))!;
  const numberB = (await connections.findClaim('meta', SECOND_NUMBER_ID))!;
  expect(numberB.businessPortfolioId).toBe(numberA.businessPortfolioId);
  // The portfolio's limit, typed by an admin of the second installation as 3.
  await new MessagingLimitStore(h.t.db).setManual(numberB.installationId, numberB.id, 3, h.t.clock.now());
  addTemplate();
  await syncTemplates(h.ctx, numberA);
  const sent = await h.api('POST', '/api/campaigns', {
    connectionId: numberA.id,
    templateId: await templateOf(numberA.id),
    csv: csv(phones(3, 5000)),
  });
  expect(sent.status).toBe(201);
  await drainCampaigns(h, 100);
  const executions = new AutomationExecutionStore(h.t.db);
  const claim = async (key: string) =>
    (
      await executions.claim(
        {
          installationId: numberB.installationId,
          source: 'highlevel_action',
          executionKey: key,
          action: 'send_template',
          messageId: `msg_${key}`,
        },
        h.t.clock.now(),
      )
    ).execution.id;
  const b = (await connections.get(numberB.id))!;
  const refusal = await automationTierRefusal(h.ctx, b, await claim('new-customer'), '+447911099999');
  expect(refusal).toBe(
    'WhatsApp messaging limit reached: the business portfolio (shared by 2 numbers) may start conversations with 3 ' +
      'new customers per 24 hours (the limit set by your admin), and all of them are used. The template was not ' +
      'sent. It can be sent once earlier conversations are more than 24 hours old, or as soon as the limit is raised.',
  );
  // A customer number A already wrote to uses no new room, from number B either.
  expect(
    await automationTierRefusal(h.ctx, b, await claim('known-customer'), phones(1, 5000)[0]!),
  ).toBeNull();
  await new MessagingLimitStore(h.t.db).setManual(numberB.installationId, numberB.id, null, h.t.clock.now());
});
