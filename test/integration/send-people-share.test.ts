// People before bulk in a number's send bucket (issue 17): while a campaign saturates its number's token bucket, an
// agent's reply on the same number is sent within one bucket tick (1 / rate) of its job, and the campaign and the
// replies together never exceed the provider's cap. Virtual time: the queue's consumers run side by side
// (test/integration/virtual-consumer.ts; campaign chains on the bulk lanes, the replies' send jobs on the people
// lane), and the Meta simulator sits behind a cap of the number's rate (a token bucket of one second's worth on the
// same clock, Graph's 130429 over it).
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { createCampaign } from '../../src/services/campaigns/campaigns';
import { registerJobHandler } from '../../src/services/jobs';
import { CampaignStore } from '../../src/store/campaigns';
import type { Connection } from '../../src/store/connections';
import { seedMetaCampaignWorld } from '../helpers/meta-campaign-world';
import { createTestPlatform, type TestPlatform } from '../helpers/platform';
import { createMetaSimulator } from '../mocks/meta';
import { VirtualConsumer } from './virtual-consumer';

const BASE = 'https://graph.people-share.test';
const RATE = 80; // the connection's default msg/s
const TICK_MS = 1000 / RATE;
const RECIPIENTS = 480; // six seconds of the number's pace
const REPLY_AT_MS = [700, 1_500, 2_500, 3_300, 4_100];

const sim = createMetaSimulator({ baseUrl: BASE });
/** Every send that reached the simulator within the cap: when (virtual ms) and to whom. */
const sends: { at: number; to: string }[] = [];
let capRejections = 0;
let t: TestPlatform;
let ctx: AppContext;
let connection: Connection;
let templateId: string;

/** The provider's cap: one second's worth of RATE, refilled continuously, on the test clock. */
function providerCap() {
  let tokens = RATE;
  let updatedAt = 0;
  return http.post(`${BASE}/:version/:phoneNumberId/messages`, async ({ request }) => {
    const now = t.clock.now();
    tokens = Math.min(RATE, tokens + ((now - (updatedAt || now)) * RATE) / 1000);
    updatedAt = now;
    if (tokens < 1) {
      capRejections++;
      return HttpResponse.json(
        { error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429 } },
        { status: 400 },
      );
    }
    tokens -= 1;
    const { to } = (await request.clone().json()) as { to: string };
    sends.push({ at: now, to });
    return undefined; // on to the simulator
  });
}
const server = setupServer(providerCap(), ...sim.handlers);

// CRM logging has its own tests (crm-lanes.test.ts): here it only has to happen, not reach a CRM.
for (const type of ['crm_record_message', 'crm_record_status', 'crm_record_batch'] as const)
  registerJobHandler(type, async () => ({ kind: 'done' }));

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  t = await createTestPlatform({ env: { META_GRAPH_BASE_URL: BASE } });
  ({ ctx, connection, templateId } = await seedMetaCampaignWorld(t, sim, {
    accountId: 'loc-people-share',
    body: 'Hi {{1}}, use code {{2}}.',
  }));
  expect(connection.rateLimitPerSecond).toBe(RATE);
});

afterAll(async () => {
  server.close();
  await t?.dispose();
});

const recipient = (i: number) => `+4479${String(21_000_000 + i).padStart(8, '0')}`;
const agentCustomer = (i: number) => `+3725${String(3_000_000 + i).padStart(7, '0')}`;

/** An agent's reply as a CRM delivery queues it (relay-outbound.ts): a queued text and its send job. */
async function agentReplies(phone: string): Promise<void> {
  const now = ctx.now();
  const contact = await ctx.contacts.ensure(connection.id, phone, null, now);
  const id = await ctx.messages.insert(
    {
      connectionId: connection.id,
      contactId: contact.id,
      direction: 'outbound',
      origin: 'crm',
      content: { type: 'text', text: 'Thanks, an agent here' },
      status: 'pending',
      sendState: 'queued',
      occurredAt: now,
    },
    now,
  );
  await ctx.queue.send({ type: 'send_message', messageId: id! });
}

describe('people before bulk in the send bucket', () => {
  it("an agent's reply is sent within one bucket tick while a campaign saturates the number; the cap holds", async () => {
    const consumer = new VirtualConsumer(t, ctx, { people: 2, bulk: 6 });
    t.platform.sleep = consumer.sleep;
    const csv = ['phone,1,2', ...Array.from({ length: RECIPIENTS }, (_, i) => `${recipient(i)},Anna,C${i}`)];
    const created = await createCampaign(ctx, {
      connection,
      templateId,
      csv: csv.join('\n'),
      overTierPolicy: 'refuse',
      dryRun: false,
    });
    if (created.dryRun) throw new Error('expected a campaign');
    const startedAt = t.clock.now();

    // What the number's bucket answered: each person's reservation (its wait), and the campaign's claims turned away.
    const personWaits: { at: number; waitMs: number }[] = [];
    const turnedAway: number[] = [];
    const { limiter } = t;
    const reserve = limiter.reserve.bind(limiter);
    const reserveWithin = limiter.reserveWithin.bind(limiter);
    limiter.reserve = async (key, rate) => {
      const waitMs = await reserve(key, rate);
      personWaits.push({ at: t.clock.now(), waitMs });
      return waitMs;
    };
    limiter.reserveWithin = async (...args) => {
      const slot = await reserveWithin(...args);
      if (!slot.granted) turnedAway.push(t.clock.now());
      return slot;
    };

    REPLY_AT_MS.forEach((offset, i) =>
      consumer.at(
        startedAt + offset,
        () =>
          void consumer.event(async () => {
            await agentReplies(agentCustomer(i));
            return () => 0;
          }),
      ),
    );
    await consumer.run();

    const campaign = await new CampaignStore(t.db).get(created.campaign.id);
    expect(campaign?.status).toBe('completed');
    const campaignSends = sends.filter(
      (s) => !REPLY_AT_MS.some((_, i) => s.to === agentCustomer(i).slice(1)),
    );
    expect(campaignSends).toHaveLength(RECIPIENTS);
    expect(new Set(campaignSends.map((s) => s.to)).size).toBe(RECIPIENTS);

    // The campaign was saturating the bucket at each reply: sends before and after it, at the number's pace.
    const first = campaignSends[0]!.at;
    const last = campaignSends.at(-1)!.at;
    expect(last - startedAt).toBeGreaterThan(REPLY_AT_MS.at(-1)! + 500);
    // Everything the cap allows: one second's burst, then the rate (less the replies' few tokens).
    // (0.8, not 1.0: the virtual clock may move while a lane still works, see virtual-consumer.ts.)
    expect(RECIPIENTS / ((last - first) / 1000 + 1)).toBeGreaterThan(RATE * 0.8);

    // Each reply's job was taken at once by a people lane, and the bucket let it go within one tick, although the
    // campaign was being turned away around it (it had filled the bucket down to the people's share).
    expect(personWaits).toHaveLength(REPLY_AT_MS.length);
    console.info(
      `agent replies: bucket waits ${personWaits.map((p) => p.waitMs).join(', ')} ms (tick ${TICK_MS} ms)`,
    );
    for (const [i, p] of personWaits.entries()) {
      expect(p.waitMs).toBeLessThanOrEqual(TICK_MS);
      expect(
        turnedAway.some((at) => at >= p.at - 1_000 && at <= p.at + 1_000),
        `campaign saturating at reply ${i}`,
      ).toBe(true);
    }
    for (const [i, phone] of REPLY_AT_MS.map((_, i) => agentCustomer(i).slice(1)).entries())
      expect(
        sends.filter((s) => s.to === phone),
        `reply ${i} sent once`,
      ).toHaveLength(1);

    // Campaign and replies together within the provider's cap: no 130429, and never more than a second's burst
    // plus the rate in any window.
    expect(capRejections).toBe(0);
    const times = sends.map((s) => s.at).sort((a, b) => a - b);
    for (const from of times) {
      const inWindow = times.filter((x) => x >= from && x < from + 2_000).length;
      expect(inWindow).toBeLessThanOrEqual(RATE + 2 * RATE);
    }
  }, 240_000);
});
