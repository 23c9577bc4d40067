// Proactive pacing of HighLevel calls (vendors/highlevel.md §6: 100 requests / 10 s per location). A campaign-sized
// burst of CRM jobs reaches HighLevel at its pace: nothing is refused, nothing is lost, nothing is written twice, and
// jobs that would wait long go back to the queue without spending their retry budget.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/platform/queue';
import { CRM_RETRY_BUDGET } from '../../src/services/crm/crm';
import { deadLetter, drainMemoryQueue, runJob } from '../../src/services/jobs';
import { metaInbound, metaMessagesWebhook } from '../mocks/meta';
import {
  adminToken,
  connectProvider,
  createWorld,
  customerWrites,
  installationOf,
  installHighLevel,
  postMetaWebhook,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

const vendors = useHighLevelServer();
const LIMIT = { max: 100, intervalMs: 10_000 };

let w: World;
/** Every HighLevel API answer, with the test clock's time. */
let answers: { at: number; status: number }[];

beforeEach(async () => {
  w = await createWorld({ rateLimit: LIMIT });
  w.t.platform.sleep = (ms) =>
    new Promise<void>((resolve) => {
      sleepers.push({ until: w.t.clock.now() + ms, resolve });
      wakeSleepers();
    });
  answers = [];
  vendors.server.events.on('response:mocked', ({ request, response }) => {
    const path = new URL(request.url).pathname;
    if (request.url.startsWith('https://services.leadconnectorhq.com') && !path.startsWith('/oauth'))
      answers.push({ at: w.t.clock.now(), status: response.status });
  });
});
afterEach(async () => {
  vendors.server.events.removeAllListeners('response:mocked');
  await w.t.dispose();
});

const hl = () => w.sims.highlevel.state;
const locationKey = () => `crm:highlevel:${hl().config.locationId}:location`;

async function installed(): Promise<ConnectedNumber> {
  expect((await installHighLevel(w)).status).toBe(302);
  const installation = (await installationOf(w))!;
  return connectProvider(w, await adminToken(w, installation.id), 'meta');
}

/** `n` customers write at once, delivered by Meta in batches of 50 per webhook call. */
async function inboundBurst(number: ConnectedNumber, n: number): Promise<void> {
  const at = w.t.clock.now();
  for (let start = 0; start < n; start += 50) {
    const batch = Array.from({ length: Math.min(50, n - start) }, (_, i) => {
      const from = `3725${String(start + i).padStart(7, '0')}`;
      w.sims.meta.state.customerWrote(`+${from}`);
      return metaInbound.text({ from, timestampMs: at }, `message ${start + i}`);
    });
    const res = await postMetaWebhook(w.app, metaMessagesWebhook(w.sims.meta.config, batch));
    expect(res.status, await res.clone().text()).toBe(200);
  }
}

/**
 * Virtual time for concurrent jobs: a pacing wait blocks until the clock reaches its end, and the clock moves only
 * when every running lane is waiting, to the earliest end. Concurrent waits overlap, as they do in a real consumer.
 */
let sleepers: { until: number; resolve: () => void }[] = [];
let activeLanes = 0;
function wakeSleepers(): void {
  if (sleepers.length === 0 || sleepers.length < activeLanes) return;
  const next = Math.min(...sleepers.map((s) => s.until));
  if (next > w.t.clock.now()) w.t.clock.advance(next - w.t.clock.now());
  const due = sleepers.filter((s) => s.until <= w.t.clock.now());
  sleepers = sleepers.filter((s) => s.until > w.t.clock.now());
  for (const s of due) s.resolve();
}

/**
 * Runs due jobs `lanes` at a time, as the Worker's queue consumer does (src/index.ts), moving the clock to the next
 * due job until the queue is empty. Returns how many runs it took.
 */
async function runQueue(lanes = 16, maxRounds = 5_000): Promise<number> {
  let runs = 0;
  for (let round = 0; round < maxRounds && w.t.queue.pending.length > 0; round++) {
    const due = w.t.queue.takeDue();
    const lane = async () => {
      activeLanes++;
      for (let entry = due.shift(); entry; entry = due.shift()) {
        runs++;
        const outcome = await runJob(w.ctx, entry.job, entry.attempts);
        if (outcome.kind === 'retry')
          w.t.queue.retry(
            entry.job,
            entry.attempts + (outcome.countsAsAttempt ? 1 : 0),
            outcome.delaySeconds,
          );
        else if (outcome.kind === 'dead')
          await deadLetter(w.ctx, entry.job, outcome.reason, entry.attempts + 1);
      }
      activeLanes--;
      wakeSleepers();
    };
    await Promise.all(Array.from({ length: Math.min(lanes, due.length) }, lane));
    if (!w.t.queue.pending.length) break;
    const next = Math.min(...w.t.queue.pending.map((p) => p.notBefore));
    w.t.clock.advance(Math.max(0, next - w.t.clock.now()));
  }
  return runs;
}

async function inboundRows() {
  return (
    await w.t.db
      .prepare("SELECT provider_message_id AS id, crm_sync FROM messages WHERE direction = 'inbound'")
      .all<{ id: string; crm_sync: string }>()
  ).results;
}

const deadLetters = async () =>
  (await w.t.db.prepare('SELECT COUNT(*) AS n FROM dead_letters').first<{ n: number }>())!.n;

describe('HighLevel pacing', () => {
  it('300 CRM jobs for one location: all recorded exactly once, no 429, within 100 requests per 10 s', async () => {
    const number = await installed();
    const startedAt = w.t.clock.now();
    answers.length = 0;
    await inboundBurst(number, 300);
    expect(w.t.queue.pending).toHaveLength(300);

    // Two consumer invocations' worth of lanes, as Cloudflare scales consumers out for a backlog (more lanes
    // overrun the local D1 proxy).
    const runs = await runQueue(32);

    const rows = await inboundRows();
    expect(rows).toHaveLength(300);
    for (const row of rows) {
      expect(row.crm_sync).toBe('done');
      expect(hl().countByAltId(row.id)).toBe(1);
    }
    expect(hl().contacts.size).toBe(300);
    expect(hl().messages.size).toBe(300);
    expect(await deadLetters()).toBe(0);
    expect(w.t.queue.pending).toHaveLength(0);

    expect(answers.filter((a) => a.status === 429)).toEqual([]);
    // Every request HighLevel saw, in any 10 s window, stays under its limit.
    for (const first of answers) {
      const inWindow = answers.filter((a) => a.at >= first.at && a.at < first.at + LIMIT.intervalMs);
      expect(inWindow.length).toBeLessThanOrEqual(LIMIT.max);
    }
    // Jobs that would have waited long went back to the queue (more runs than jobs) but never abandoned a
    // request half-way: each message cost exactly its calls (upsert, name, search, create conversation, add).
    expect(runs).toBeGreaterThan(300);
    expect(answers).toHaveLength(300 * 5);
    // At 8 requests/s after a burst of 12, 1,500 requests take at least ~186 s.
    expect(w.t.clock.now() - startedAt).toBeGreaterThanOrEqual(((1_500 - 12) / 8) * 1000);
  }, 240_000);

  it('a long wait sends the job back with that delay, unsent, without spending an attempt', async () => {
    const number = await installed();
    // Someone else's burst (or a 429) holds the location back for two minutes.
    await w.t.limiter.pause(locationKey(), w.t.clock.now() + 120_000);
    await customerWrites(w, number, '+3725550100', 'hello while paced');
    const [due] = w.t.queue.takeDue();
    const attempt = CRM_RETRY_BUDGET - 1; // one failure away from the dead-letter list
    w.t.queue.retry(due!.job, attempt, 0);
    answers.length = 0;

    expect(await drainMemoryQueue(w.ctx, w.t.queue)).toBe(1);
    // Back in the queue, due in two minutes, with the same attempt count; HighLevel was not called.
    expect(w.t.queue.pending).toEqual([
      expect.objectContaining({ attempts: attempt, notBefore: w.t.clock.now() + 120_000 }),
    ]);
    expect(answers).toEqual([]);
    expect(hl().messages.size).toBe(0);

    w.t.clock.advance(120_000);
    await runQueue();
    const [row] = await inboundRows();
    expect(row).toMatchObject({ crm_sync: 'done' });
    expect(hl().countByAltId(row!.id)).toBe(1);
    expect(await deadLetters()).toBe(0);
  });

  it('a 429 from HighLevel pauses the whole location, so the next job waits instead of hitting it again', async () => {
    const number = await installed();
    w.sims.highlevel.faults.add({
      status: 429,
      times: 1,
      headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Interval-Milliseconds': '30000' },
    });
    await customerWrites(w, number, '+3725550101', 'first');
    await customerWrites(w, number, '+3725550102', 'second');
    answers.length = 0;
    const jobs = w.t.queue.takeDue().map((d) => d.job as Job);
    // The first job meets the 429 (and pauses the location); before its first write it goes back to the queue.
    expect(await runJob(w.ctx, jobs[0]!, 0)).toMatchObject({ kind: 'retry', countsAsAttempt: false });
    // The second job does not call HighLevel at all while the location is paused.
    expect(await runJob(w.ctx, jobs[1]!, 0)).toMatchObject({ kind: 'retry', countsAsAttempt: false });
    expect(answers.map((a) => a.status)).toEqual([429]);
    expect(w.sims.highlevel.faults.injected).toBe(1);
  });
});
