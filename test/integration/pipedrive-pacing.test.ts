// Proactive pacing of Pipedrive calls (vendors/pipedrive.md §6: 80 requests per token per rolling 2 s on the lowest
// plan, Search 10 per 2 s): a burst of note jobs reaches Pipedrive at its pace, every note once, no 429.
import { describe, expect, it } from 'vitest';
import { drainMemoryQueue } from '../../src/services/jobs';
import {
  connectProvider,
  customerWrites,
  installPipedrive,
  adminSession,
  usePipedriveWorld,
  type World,
} from './pipedrive-world';

const world = usePipedriveWorld({ burstLimit: 80 });

async function runQueue(w: World): Promise<number> {
  let runs = 0;
  for (let round = 0; round < 2_000 && w.t.queue.pending.length > 0; round++) {
    runs += await drainMemoryQueue(w.ctx, w.t.queue);
    if (!w.t.queue.pending.length) break;
    const next = Math.min(...w.t.queue.pending.map((p) => p.notBefore));
    w.t.clock.advance(Math.max(0, next - w.t.clock.now()));
  }
  return runs;
}

describe('Pipedrive pacing', () => {
  it('40 new customers at once: 40 persons, 40 notes, no 429, searches within their own limit', async () => {
    const w = world.get();
    w.t.platform.sleep = async (ms) => w.t.clock.advance(ms);
    expect((await installPipedrive(w)).status).toBe(302);
    const number = await connectProvider(w, await adminSession(w), 'twilio');
    const answers: { at: number; status: number; search: boolean }[] = [];
    w.server.events.on('response:mocked', ({ request, response }) => {
      if (request.url.startsWith('https://acme.pipedrive.com/api/'))
        answers.push({
          at: w.t.clock.now(),
          status: response.status,
          search: request.url.includes('/search'),
        });
    });
    const startedAt = w.t.clock.now();
    for (let i = 0; i < 40; i++) {
      const res = await customerWrites(w, number, `+3725560${String(i).padStart(4, '0')}`, `note ${i}`);
      expect(res.status).toBe(200);
    }
    await runQueue(w);
    w.server.events.removeAllListeners('response:mocked');

    const pd = w.sims.pipedrive.state;
    expect(pd.counters.notesCreated).toBe(40);
    expect(new Set([...pd.notes.values()].map((n) => n.content)).size).toBe(40);
    const rows = await w.t.db
      .prepare("SELECT crm_sync FROM messages WHERE direction = 'inbound'")
      .all<{ crm_sync: string }>();
    expect(rows.results.map((r) => r.crm_sync)).toEqual(Array(40).fill('done'));
    expect((await w.t.db.prepare('SELECT COUNT(*) AS n FROM dead_letters').first<{ n: number }>())!.n).toBe(
      0,
    );

    expect(answers.filter((a) => a.status === 429)).toEqual([]);
    const searches = answers.filter((a) => a.search);
    for (const first of searches)
      expect(searches.filter((a) => a.at >= first.at && a.at < first.at + 2_000).length).toBeLessThanOrEqual(
        10,
      );
    // Searches (two per new number: E.164, then digits) are the narrow lane: 4 per second after a burst of 1.
    expect(searches.length).toBe(80);
    expect(w.t.clock.now() - startedAt).toBeGreaterThanOrEqual(((80 - 1) / 4) * 1000);
  }, 120_000);
});
