// Messaging tier for automations (issue 15): a burst of workflow "Send WhatsApp template" calls reaches at most the
// number's tier of unique new customers per rolling 24 h, like a campaign; a call beyond it fails with `tier_limit`
// and nothing is sent. Customers already written to in the last 24 h use no new room.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { workflowActionPayload } from '../mocks/highlevel';
import {
  adminToken,
  connectProvider,
  createWorld,
  installationOf,
  installHighLevel,
  useHighLevelServer,
  type World,
} from './highlevel-world';

useHighLevelServer();

const TIER = 10;
let w: World;
beforeEach(async () => {
  w = await createWorld();
});
afterEach(async () => w.t.dispose());

type Answer = { branchId: string; status: string; reasonCode: string | null; reason: string | null };

it('a burst beyond the messaging tier: the first tier-full are sent, the rest fail with tier_limit, nothing sent for them', async () => {
  expect((await installHighLevel(w)).status).toBe(302);
  const admin = await adminToken(w, (await installationOf(w))!.id);
  const number = await connectProvider(w, admin, 'meta');
  await w.t.db
    .prepare('UPDATE connections SET messaging_tier = ? WHERE id = ?')
    .bind(TIER, number.connectionId)
    .run();
  const list = await w.call('GET', '/api/templates', { token: admin });
  const templateId = ((await list.json()) as { templates: { id: string }[] }).templates[0]!.id;
  const phone = (i: number) => `+3725570${String(i).padStart(4, '0')}`;
  const call = (run: string, i: number) =>
    w.post(
      '/automations/highlevel/actions/send-template',
      w.sims.highlevel.signEvent(
        workflowActionPayload({
          locationId: w.sims.highlevel.state.config.locationId,
          executionId: `${run}:${i}`,
          data: { phone: phone(i), template: templateId, variable_1: 'Mari', variable_2: `A-${i}` },
        }),
      ),
    );
  // 30 different customers at once: the tier's room is taken atomically, so exactly TIER get through.
  const answers = await Promise.all(
    Array.from({ length: 30 }, async (_, i) => (await (await call('run-1', i)).json()) as Answer),
  );
  const queued = answers.filter((a) => a.status === 'queued');
  const refused = answers.filter((a) => a.status === 'failed');
  expect(queued).toHaveLength(TIER);
  expect(refused).toHaveLength(30 - TIER);
  for (const a of refused)
    expect(a).toMatchObject({
      branchId: 'failed',
      reasonCode: 'tier_limit',
      reason: expect.stringMatching(
        /^WhatsApp messaging limit reached: .* 10 new customers per 24 hours \(the limit set by your admin\)/,
      ),
    });
  await w.settle(60_000);
  const sent = w.sims.meta.state.sent;
  expect(sent).toHaveLength(TIER);
  const reached = new Set(sent.map((m) => m.to));
  // A second workflow writes again to customers reached today: no new room needed, sent.
  const again = answers.findIndex((a) => a.status === 'queued');
  expect(((await (await call('run-2', again)).json()) as Answer).status).toBe('queued');
  // A new customer is still refused until the rolling 24 h have passed.
  expect(((await (await call('run-2', 100)).json()) as Answer).reasonCode).toBe('tier_limit');
  w.t.clock.advance(24 * 3_600_000 + 60_000);
  expect(((await (await call('run-3', 100)).json()) as Answer).status).toBe('queued');
  await w.settle(60_000);
  expect(w.sims.meta.state.sent).toHaveLength(TIER + 2);
  expect(reached.size).toBe(TIER);
  // The refused executions are visible with their outcome.
  const rows = await w.t.db
    .prepare(`SELECT COUNT(*) AS n FROM automation_executions WHERE reason_code = 'tier_limit'`)
    .first<{ n: number }>();
  expect(rows?.n).toBe(30 - TIER + 1);
}, 120_000);
