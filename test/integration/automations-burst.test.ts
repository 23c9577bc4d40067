// A workflow run on a smart list (issue 15): 500 "Send WhatsApp template" executions arrive in a burst, some of them
// twice (HighLevel retrying). Each recipient gets exactly one message, and the sends are paced by the per-sender
// limiter under the number's cap: limiter waits move the injected clock, and the pacing is asserted on the send slots
// the limiter granted (test time), never on wall time. (Not on the simulator's stamps: concurrent sleepers each move
// the shared test clock, so a job whose slot came first may be stamped after a later one — under CPU load that
// bunched stamps and made a correct limiter look over its cap.)
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

const RECIPIENTS = 500;
const RETRIED = 100;
const CAP_PER_SECOND = 20;

let w: World;
beforeEach(async () => {
  w = await createWorld();
});
afterEach(async () => w.t.dispose());

it('500 action calls in a burst: each recipient sent exactly once, paced under the cap', async () => {
  expect((await installHighLevel(w)).status).toBe(302);
  const admin = await adminToken(w, (await installationOf(w))!.id);
  const number = await connectProvider(w, admin, 'meta');
  // The simulated portfolio reports Meta's first limit (250 new customers a day); this burst is about pacing, so the
  // admin sets a manual limit above it (the portfolio refusal has its own test in portfolio-limits.test.ts).
  const limit = await w.call('PUT', `/api/connections/${number.connectionId}/messaging-limit`, {
    token: admin,
    body: { messagingTier: 1_000 },
  });
  expect(limit.status).toBe(200);
  await w.t.db
    .prepare('UPDATE connections SET rate_limit_per_second = ? WHERE id = ?')
    .bind(CAP_PER_SECOND, number.connectionId)
    .run();
  w.t.platform.sleep = async (ms) => w.t.clock.advance(ms);
  const slots: number[] = [];
  const limiter = w.t.platform.limiter;
  const reserve = limiter.reserve.bind(limiter);
  limiter.reserve = async (key, rate) => {
    const at = w.t.clock.now();
    const waitMs = await reserve(key, rate);
    if (key === number.connectionId) slots.push(at + waitMs);
    return waitMs;
  };
  const list = await w.call('GET', '/api/templates', { token: admin });
  const templateId = ((await list.json()) as { templates: { id: string }[] }).templates[0]!.id;
  const phone = (i: number) => `+3725560${String(i).padStart(4, '0')}`;
  const calls = Array.from({ length: RECIPIENTS }, (_, i) =>
    w.sims.highlevel.signEvent(
      workflowActionPayload({
        locationId: w.sims.highlevel.state.config.locationId,
        executionId: `run-1:${i}`,
        data: { phone: phone(i), template: templateId, variable_1: `Name ${i}`, variable_2: `A-${i}` },
      }),
    ),
  );
  // HighLevel retries some executions while the burst is still arriving.
  const burst = [...calls, ...calls.slice(0, RETRIED)];
  const answers: { status: string; duplicate: boolean }[] = [];
  for (let i = 0; i < burst.length; i += 50) {
    const slice = burst.slice(i, i + 50);
    const responses = await Promise.all(
      slice.map((event) => w.post('/automations/highlevel/actions/send-template', event)),
    );
    for (const res of responses) {
      expect(res.status).toBe(200);
      answers.push((await res.json()) as { status: string; duplicate: boolean });
    }
  }
  expect(answers.filter((a) => a.status === 'queued' && !a.duplicate)).toHaveLength(RECIPIENTS);
  expect(answers.filter((a) => a.duplicate)).toHaveLength(RETRIED);
  expect(w.sims.meta.state.sent).toHaveLength(0); // acknowledged fast; the sends ride the queue

  await w.settle();
  const sent = w.sims.meta.state.sent;
  expect(sent).toHaveLength(RECIPIENTS);
  expect(new Set(sent.map((m) => m.to)).size).toBe(RECIPIENTS);
  // Token bucket: at most its burst (the cap) plus the cap per second refilled in any one-second window.
  expect(slots).toHaveLength(RECIPIENTS);
  const times = [...slots].sort((a, b) => a - b);
  let busiest = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1_000) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  expect(busiest).toBeLessThanOrEqual(2 * CAP_PER_SECOND);
  expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(
    ((RECIPIENTS - CAP_PER_SECOND) / CAP_PER_SECOND) * 1_000,
  );
  // Outcomes are visible to the admin: one execution row per recipient, all queued.
  const rows = await w.t.db
    .prepare(`SELECT status, COUNT(*) AS n FROM automation_executions GROUP BY status`)
    .all<{ status: string; n: number }>();
  expect(rows.results).toEqual([{ status: 'queued', n: RECIPIENTS }]);
}, 600_000);
