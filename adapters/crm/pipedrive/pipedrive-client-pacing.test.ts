// The pacing hook: searches count against the Search limit and the token's, writes are flagged, a 429 is
// reported to the pacer instead of slept out, and a refused request is never sent.
import { describe, expect, it } from 'vitest';
import { usePipedriveSimulator } from '../../../test/mocks/pipedrive/harness';
import type { CrmRequestPacer } from '../types';
import { createPipedriveClient, PIPEDRIVE_RATES } from './pipedrive-client';

const API = 'https://acme.pipedrive.com';
const isNotes = (r: Request) => new URL(r.url).pathname === '/api/v1/notes';

describe('Pipedrive client pacing hook', () => {
  const ctx = usePipedriveSimulator();

  function setup(refuse = false) {
    const calls: { lanes: readonly string[]; write: boolean }[] = [];
    const pauses: { lanes: readonly string[]; waitMs: number }[] = [];
    const sleeps: number[] = [];
    const pacer: CrmRequestPacer = {
      async beforeRequest(request) {
        if (refuse) throw new Error('paced');
        calls.push(request);
      },
      async rateLimited(lanes, waitMs) {
        pauses.push({ lanes, waitMs });
      },
    };
    const client = createPipedriveClient({
      apiDomain: API,
      tokenSource: ctx.tokenSource(),
      sleep: async (ms) => void sleeps.push(ms),
      pacer,
    });
    return { client, calls, pauses, sleeps };
  }

  it('the rates fit the rolling 2 s windows (80 per OAuth token, 10 searches)', () => {
    const { token, search } = PIPEDRIVE_RATES;
    expect(token.burst + token.ratePerSecond * 2).toBeLessThanOrEqual(80);
    expect(search.burst + search.ratePerSecond * 2).toBeLessThanOrEqual(10);
  });

  it('paces each request on its lanes and reports a 429 instead of sleeping', async () => {
    const { client, calls, pauses, sleeps } = setup();
    const p = ctx.sim.seedPerson({ name: 'A', phones: ['+37255550000'] });
    ctx.sim.faults.add({ match: isNotes, status: 429, headers: { 'x-mock-fault': '1', 'retry-after': '2' } });
    await client.searchPersonsByPhone('+37255550000');
    const note = await client.createNote({ content: 'hi', person_id: p.id });
    expect(calls).toEqual([
      { lanes: ['search', 'token'], write: false },
      { lanes: ['token'], write: true },
      { lanes: ['token'], write: true },
    ]);
    expect(pauses).toEqual([{ lanes: ['token'], waitMs: 2000 }]);
    expect(sleeps).toEqual([]);
    expect(ctx.sim.state.notes.get(note.id)?.content).toBe('hi');
    expect(ctx.sim.state.counters.notesCreated).toBe(1);
  });

  it('reading notes back is a plain read on the token lane (not a search)', async () => {
    const { client, calls } = setup();
    const p = ctx.sim.seedPerson({ name: 'A' });
    await client.listNotes({ personId: p.id, limit: 25 });
    expect(calls).toEqual([{ lanes: ['token'], write: false }]);
  });

  it('a refused request is never sent', async () => {
    const { client } = setup(true);
    const before = ctx.sim.state.counters.apiRequests;
    await expect(client.createNote({ content: 'hi' })).rejects.toThrow('paced');
    expect(ctx.sim.state.counters.apiRequests).toBe(before);
    expect(ctx.sim.state.counters.notesCreated).toBe(0);
  });
});
