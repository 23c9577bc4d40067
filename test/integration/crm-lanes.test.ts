// People before bulk (issue 17, finding 1): while a campaign's CRM logs stream into HighLevel for location A at the
// location's pace, a customer of A who answers reaches the HighLevel thread within seconds, tenant B's Pipedrive note
// is as quick as when nothing runs, and every campaign log still arrives exactly once. Virtual time: the queue's
// consumers (test/integration/virtual-consumer.ts) run jobs side by side and the clock moves only when all wait.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminSessionToken, installCrm } from '../helpers/world';
import {
  adminToken,
  connectProvider,
  createWorld,
  customerWrites,
  installationOf,
  installHighLevel,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';
import { connectProvider as connectPipedriveNumber } from './pipedrive-world';
import { VirtualConsumer } from './virtual-consumer';

const vendors = useHighLevelServer();
/** HighLevel's documented limit, enforced by the simulator: a 429 would show pacing went wrong. */
const LIMIT = { max: 100, intervalMs: 10_000 };
const RECIPIENTS = 150;

let w: World;
let consumer: VirtualConsumer;
let hlAnswers: { at: number; status: number }[];

beforeEach(async () => {
  w = await createWorld({ rateLimit: LIMIT });
  consumer = new VirtualConsumer(w.t, w.ctx, { people: 8, bulk: 8 });
  w.t.platform.sleep = consumer.sleep;
  hlAnswers = [];
  vendors.server.events.on('response:mocked', ({ request, response }) => {
    const url = new URL(request.url);
    if (url.origin === 'https://services.leadconnectorhq.com' && !url.pathname.startsWith('/oauth'))
      hlAnswers.push({ at: w.t.clock.now(), status: response.status });
  });
});
afterEach(async () => {
  vendors.server.events.removeAllListeners('response:mocked');
  await w.t.dispose();
});

const hl = () => w.sims.highlevel.state;
const inHighLevel = (text: string) => [...hl().messages.values()].some((m) => m.message === text);
const inPipedrive = (text: string) =>
  [...w.sims.pipedrive.state.notes.values()].some((n) => n.content.includes(text));

/** Tenant A: HighLevel location with a Meta number; tenant B: a Pipedrive company with a Twilio number. */
async function twoTenants(): Promise<{ a: ConnectedNumber; b: ConnectedNumber; adminA: string }> {
  expect((await installHighLevel(w)).status).toBe(302);
  const adminA = await adminToken(w, (await installationOf(w))!.id);
  const a = await connectProvider(w, adminA, 'meta');
  expect((await installCrm(w, 'pipedrive')).status).toBe(302);
  const pd = await w.t.db
    .prepare("SELECT id FROM installations WHERE crm = 'pipedrive'")
    .first<{ id: string }>();
  const b = await connectPipedriveNumber(
    w as never,
    await adminSessionToken(w.t.clock.now(), pd!.id, 'pipedrive'),
    'twilio',
  );
  return { a, b, adminA };
}

/** Posts the customer's message at the current virtual time; resolves with how long until `arrived` held. */
function timeToCrm(number: ConnectedNumber, from: string, text: string, arrived: (t: string) => boolean) {
  const sentAt = w.t.clock.now();
  return consumer.event(async () => {
    expect((await customerWrites(w, number, from, text)).status).toBe(200);
    return () => (arrived(text) ? w.t.clock.now() - sentAt : undefined);
  });
}

const recipient = (i: number) => `+3725${String(1_000_000 + i).padStart(7, '0')}`;

describe('people before bulk', () => {
  it('a customer answering during a campaign reaches HighLevel within a second; tenant B is unaffected; every log lands once', async () => {
    const { a, b, adminA } = await twoTenants();

    // Idle baseline for tenant B in the same test: a Pipedrive customer writes while nothing else runs.
    const idleB = timeToCrm(b, '+3726000001', 'B idle question', inPipedrive);
    await consumer.run();
    const idleMs = await idleB;

    // Tenant A's campaign: every recipient is sent, then logged in HighLevel (5 requests each, 8/s).
    const templates = await w.call('GET', `/api/templates?connectionId=${a.connectionId}&status=APPROVED`, {
      token: adminA,
    });
    const template = ((await templates.json()) as { templates: { id: string }[] }).templates[0]!;
    const created = await w.call('POST', '/api/campaigns', {
      token: adminA,
      body: {
        connectionId: a.connectionId,
        templateId: template.id,
        recipients: Array.from({ length: RECIPIENTS }, (_, i) => ({
          phone: recipient(i),
          variables: { '1': 'Mari', '2': `A-${i}` },
        })),
      },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const startedAt = w.t.clock.now();

    // While the logs stream (they need ~95 s of HighLevel's pace), recipients answer, and B's customer writes.
    const replies: Promise<number>[] = [];
    const others: Promise<number>[] = [];
    for (const at of [15_000, 30_000, 45_000, 60_000]) {
      consumer.at(startedAt + at, () => {
        replies.push(timeToCrm(a, recipient(at / 1000), `answer at ${at}`, inHighLevel));
        others.push(timeToCrm(b, `+37260${at}`, `B question at ${at}`, inPipedrive));
      });
    }
    await consumer.run();

    // The campaign was still logging when each answer came in (its logs finished long after the last one).
    const logged = await w.t.db
      .prepare(
        "SELECT COUNT(*) AS n, MAX(updated_at) AS last FROM messages WHERE origin = 'campaign' AND crm_sync = 'done'",
      )
      .first<{ n: number; last: number }>();
    expect(logged!.n).toBe(RECIPIENTS);
    expect(logged!.last - startedAt).toBeGreaterThan(75_000);

    const replyMs = await Promise.all(replies);
    const otherMs = await Promise.all(others);
    console.info(
      `replies reached HighLevel after ${replyMs.join(', ')} ms; B after ${otherMs.join(', ')} ms (idle ${idleMs} ms)`,
    );
    // Within a second of virtual time (≈ 0.1–0.25 s here); with bulk claims off — campaign logs paced like people's
    // — the same replies took 3.1 s, and the old single CRM queue far longer (issue 17: 85–99 s).
    for (const ms of replyMs) expect(ms).toBeLessThanOrEqual(1_000);
    // Tenant B's account and queue are its own: as quick as when idle (same job, same requests).
    for (const ms of otherMs) expect(ms).toBeLessThanOrEqual(idleMs + 500);

    // Every campaign message is in HighLevel exactly once, every answer too; the location's limit always held.
    const { results: campaignRows } = await w.t.db
      .prepare("SELECT id, crm_message_id FROM messages WHERE origin = 'campaign'")
      .all<{ id: string; crm_message_id: string }>();
    expect(campaignRows).toHaveLength(RECIPIENTS);
    const ids = campaignRows.map((r) => r.crm_message_id);
    expect(new Set(ids).size).toBe(RECIPIENTS);
    for (const id of ids) expect(hl().messages.has(id)).toBe(true);
    expect(hl().messages.size).toBe(RECIPIENTS + 4);
    expect(hlAnswers.filter((x) => x.status === 429)).toEqual([]);
    for (const first of hlAnswers) {
      const inWindow = hlAnswers.filter((x) => x.at >= first.at && x.at < first.at + LIMIT.intervalMs);
      expect(inWindow.length).toBeLessThanOrEqual(LIMIT.max);
    }
    expect(await w.t.db.prepare('SELECT COUNT(*) AS n FROM dead_letters').first('n')).toBe(0);
  }, 300_000);
});
