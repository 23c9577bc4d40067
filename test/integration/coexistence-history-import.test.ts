// Issue 12 item 5, large history webhooks: Meta may describe thousands of messages in one `history` webhook ("capture
// the webhook contents first, then process them asynchronously", Meta's history reference). The webhook stores the
// chunk raw in a bounded number of D1 trips and is acknowledged; the history_import job imports it page by page in
// time order; a crash mid-import is resumed by the outbox sweep with no message stored or owed to the CRM twice.
// History progress (phase, chunk order, percent) and a declined share (2593109) are shown on the connection.
import { describe, expect, it } from 'vitest';
import { AppContext } from '../../src/context';
import type { Job } from '../../src/platform/queue';
import { runJob } from '../../src/services/jobs';
import { HISTORY_PAGE } from '../../src/services/relay/history-import';
import { sweepOutbox } from '../../src/services/operations/outbox-sweep';
import { useAppHarness } from '../contract/app-harness';
import { killable, Killed } from '../helpers/crash-points';
import { metaHistoryDeclinedWebhook, metaHistoryWebhook, type HistoryItem } from '../mocks/meta';

const h = useAppHarness();
const TOTAL = 2_000;
const CUSTOMERS = 20;

/** 2,000 messages of 20 customers, written one second apart, listed newest first (the import must sort them). */
function bigChunk(base: number) {
  const threads = Array.from({ length: CUSTOMERS }, (_, c) => ({
    customer: `+39333100${String(c).padStart(4, '0')}`,
    messages: [] as HistoryItem[],
  }));
  for (let i = TOTAL - 1; i >= 0; i--)
    threads[i % CUSTOMERS]!.messages.push({
      by: i % 3 === 0 ? 'business' : 'customer',
      text: `message ${i}`,
      timestampMs: base + i * 1_000,
      id: `wamid.HIST${String(i).padStart(5, '0')}`,
    });
  return metaHistoryWebhook(h.sims.meta.config, { phase: 1, chunkOrder: 1, progress: 40 }, threads);
}

/** Takes the queued jobs of a type out of the queue. */
function take(type: Job['type']): Job[] {
  const queue = h.t.queue.pending;
  const mine = queue.filter((p) => p.job.type === type);
  for (const p of mine) queue.splice(queue.indexOf(p), 1);
  return mine.map((p) => p.job);
}

async function connectionHistory() {
  const res = await h.api('GET', '/api/connections');
  const json = (await res.json()) as { connections: { id: string; history: unknown }[] };
  return json.connections.find((c) => c.id === h.connections.meta.id)!.history;
}

async function resetHistory() {
  await h.t.db.batch([
    h.t.db.prepare('DELETE FROM history_imports'),
    h.t.db.prepare(
      `UPDATE connections SET history_phase = NULL, history_chunk_order = NULL, history_progress = NULL,
         history_updated_at = NULL, history_declined_code = NULL, history_declined_reason = NULL,
         history_declined_at = NULL`,
    ),
  ]);
}

describe('coexistence history: large chunks imported after the webhook is acknowledged (issue 12 item 5)', () => {
  it('a 2,000-message chunk is acknowledged in 2 D1 trips, then imported in pages, completely and in time order', async () => {
    await resetHistory();
    const base = h.t.clock.now() - 30 * 86_400_000;
    const payload = bigChunk(base);
    h.counter.reset();
    const res = await h.postMeta(payload);
    expect(res.status).toBe(200);
    // The connection lookup and one batch (the raw chunk and the number's history progress): not per message.
    expect(h.counter.trips, h.counter.log.join('\n')).toBe(2);
    expect(h.counter.batchedStatements).toBe(2);
    expect(await h.count('messages')).toBe(0);

    // Meta retries the webhook (it did not see our answer in time): the same chunk is stored once.
    h.counter.reset();
    expect((await h.postMeta(payload)).status).toBe(200);
    expect(h.counter.trips).toBe(2);
    expect(take('history_import')).toHaveLength(1);
    const [row] = (await h.rows('history_imports')) as { id: string }[];
    await h.t.queue.send({ type: 'history_import', importId: row!.id });

    const ran = await h.runJobs(['history_import']);
    expect(ran).toHaveLength(TOTAL / HISTORY_PAGE);
    const { results } = await h.t.db
      .prepare(
        `SELECT id, provider_message_id, direction, coexistence, occurred_at FROM messages
         WHERE connection_id = ? ORDER BY rowid`,
      )
      .bind(h.connections.meta.id)
      .all<{
        id: string;
        provider_message_id: string;
        direction: string;
        coexistence: string;
        occurred_at: number;
      }>();
    expect(results).toHaveLength(TOTAL);
    // Stored in time order (insertion order = message time), each marked as history, directions kept.
    expect(results.map((r) => r.provider_message_id)).toEqual(
      Array.from({ length: TOTAL }, (_, i) => `wamid.HIST${String(i).padStart(5, '0')}`),
    );
    expect(results.every((r) => r.coexistence === 'history')).toBe(true);
    expect(results.filter((r) => r.direction === 'outbound')).toHaveLength(Math.ceil(TOTAL / 3));
    // Owed to the CRM once each, in the same order, on the bulk lane (people before bulk).
    const owed = take('crm_record_message') as Extract<Job, { type: 'crm_record_message' }>[];
    expect(owed.map((j) => j.messageId)).toEqual(results.map((r) => r.id));
    expect(owed.every((j) => j.lane === 'bulk')).toBe(true);
    expect(await h.t.db.prepare('SELECT cursor, total, done_at, raw FROM history_imports').first()).toEqual({
      cursor: TOTAL,
      total: TOTAL,
      done_at: expect.any(Number),
      raw: '',
    });
    expect(await connectionHistory()).toMatchObject({
      phase: 1,
      chunkOrder: 1,
      progress: 40,
      declined: null,
    });
  }, 180_000);

  it('a crash mid-import is resumed by the outbox sweep: every message once, owed to the CRM once', async () => {
    await resetHistory();
    expect((await h.postMeta(bigChunk(h.t.clock.now() - 60 * 86_400_000))).status).toBe(200);
    const owed = new Map<string, number>();
    const tally = () => {
      for (const job of take('crm_record_message') as Extract<Job, { type: 'crm_record_message' }>[])
        owed.set(job.messageId, (owed.get(job.messageId) ?? 0) + 1);
    };
    // Page 1 as usual.
    const [first] = take('history_import');
    await runJob(h.ctx, first!, 0);
    tally();
    // Page 2 dies after its messages were stored, before the cursor moved (and so before the next page's job).
    const platform = { ...h.t.platform };
    const kill = killable(platform);
    kill.arm({ sql: /^UPDATE history_imports SET cursor/, when: 'before' });
    const [second] = take('history_import');
    await expect(runJob(new AppContext(platform), second!, 0)).rejects.toBeInstanceOf(Killed);
    expect(kill.fired).toBe(1);
    tally();
    expect(owed.size).toBe(2 * HISTORY_PAGE);
    expect(h.t.queue.pending.filter((p) => p.job.type === 'history_import')).toHaveLength(0);

    // Nothing moves it until the sweep finds it (after the grace period); the sweep's own CRM re-sends are the
    // outbox's usual safety net (claimed by the job), not the import's: dropped here.
    h.t.clock.advance(h.ctx.config.OUTBOX_GRACE_MS + 1);
    await sweepOutbox(h.ctx);
    take('crm_record_message');
    expect(take('history_import')).toHaveLength(1);
    // A second sweep right after finds nothing new (it touched the row).
    await sweepOutbox(h.ctx);
    take('crm_record_message');
    expect(take('history_import')).toHaveLength(0);

    // Resumed where it stopped: page 2 again (its messages already stored: nothing new), then the rest.
    const [resumed] = (await h.rows('history_imports')) as { id: string; cursor: number }[];
    expect(resumed!.cursor).toBe(HISTORY_PAGE);
    await h.t.queue.send({ type: 'history_import', importId: resumed!.id });
    await h.runJobs(['history_import']);
    tally();
    expect(owed.size).toBe(TOTAL);
    expect([...owed.values()].every((n) => n === 1)).toBe(true);
    expect(await h.count('messages')).toBe(TOTAL);
    const distinct = await h.t.db
      .prepare('SELECT COUNT(DISTINCT provider_message_id) AS n FROM messages')
      .first<{ n: number }>();
    expect(distinct!.n).toBe(TOTAL);
    expect(await h.t.db.prepare('SELECT done_at FROM history_imports').first('done_at')).toEqual(
      expect.any(Number),
    );
  }, 180_000);

  it('progress: the latest chunk by phase and order, the highest percent; a declined share is recorded and shown', async () => {
    await resetHistory();
    const cfg = h.sims.meta.config;
    const chunk = (phase: number, chunkOrder: number, progress: number) =>
      metaHistoryWebhook(cfg, { phase, chunkOrder, progress }, [
        {
          customer: '+393331999999',
          messages: [{ by: 'customer', text: `p${phase}c${chunkOrder}`, timestampMs: 1_700_000_000_000 }],
        },
      ]);
    expect(await connectionHistory()).toBeNull();
    expect((await h.postMeta(chunk(1, 2, 60))).status).toBe(200);
    expect((await h.postMeta(chunk(1, 1, 30))).status).toBe(200);
    expect(await connectionHistory()).toMatchObject({
      phase: 1,
      chunkOrder: 2,
      progress: 60,
      declined: null,
    });
    expect((await h.postMeta(chunk(2, 1, 100))).status).toBe(200);
    expect(await connectionHistory()).toMatchObject({ phase: 2, chunkOrder: 1, progress: 100 });

    // The business declined to share its history (Meta error 2593109): recorded and shown, nothing to import.
    await resetHistory();
    take('history_import');
    h.counter.reset();
    expect((await h.postMeta(metaHistoryDeclinedWebhook(cfg))).status).toBe(200);
    expect(h.counter.trips).toBe(2);
    expect(await connectionHistory()).toMatchObject({
      declined: {
        code: 2593109,
        reason: 'The business declined to share its chat history.',
        at: h.t.clock.now(),
      },
    });
    expect(await h.count('history_imports')).toBe(0);
    expect(take('history_import')).toHaveLength(0);
  });
});
