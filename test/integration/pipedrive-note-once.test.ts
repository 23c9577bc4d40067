// Pipedrive's POST /v1/notes has no idempotency key. When its answer is lost after Pipedrive stored the note
// (5xx, timeout, dropped connection), the retry looks among the person's newest notes for the note's reference
// and posts only if it is not there: one note per message either way. A clean first attempt reads nothing.
import { describe, expect, it } from 'vitest';
import type { Fault } from '../mocks/faults';
import {
  adminSession,
  connectProvider,
  customerWrites,
  installPipedrive,
  row,
  usePipedriveWorld,
  type World,
} from './pipedrive-world';

const world = usePipedriveWorld();
const MINUTE = 60_000;
const PHONE = '+37251234567';
const isNotePost = (r: Request) => r.method === 'POST' && new URL(r.url).pathname === '/api/v1/notes';
const isNoteList = (r: Request) => r.method === 'GET' && new URL(r.url).pathname === '/api/v1/notes';

interface Logged {
  id: string;
  crm_sync: string;
  crm_message_id: string | null;
  crm_write_uncertain_at: number | null;
}

/** Installs, connects a Twilio number, seeds the customer as a person; `faults` are armed before she writes. */
async function customerWritesThrough(w: World, faults: Fault[], text = 'Is my order on its way?') {
  await installPipedrive(w);
  const number = await connectProvider(w, await adminSession(w), 'twilio');
  const pd = w.sims.pipedrive;
  const person = pd.seedPerson({ name: 'Mari Tamm', phones: [PHONE] });
  for (const fault of faults) pd.faults.add(fault);
  await customerWrites(w, number, PHONE, text);
  await w.drain();
  return { pd, person };
}

/** Lets queued retries come due until the queue is empty (or `rounds` run out). */
async function settle(w: World, rounds = 10): Promise<void> {
  for (let i = 0; i < rounds && w.t.queue.pending.length > 0; i++) {
    w.t.clock.advance(10 * MINUTE);
    await w.drain();
  }
}

const logged = (w: World) =>
  row<Logged>(w, 'SELECT id, crm_sync, crm_message_id, crm_write_uncertain_at FROM messages');

describe('one Pipedrive note per message when a POST loses its answer', () => {
  it('a clean first attempt posts once and reads no notes', async () => {
    const w = world.get();
    const { pd, person } = await customerWritesThrough(w, []);
    const msg = await logged(w);
    expect(msg).toMatchObject({ crm_sync: 'done', crm_write_uncertain_at: null });
    expect(pd.state.counters).toMatchObject({ notesCreated: 1, noteLists: 0 });
    const [note] = pd.state.notesFor({ personId: person.id });
    expect(note!.content).toContain(`ref ${msg!.id}`);
  });

  it('Pipedrive stored the note, then answered 502: the retry finds it and posts nothing', async () => {
    const w = world.get();
    const storedThen502: Fault = { match: isNotePost, afterHandler: true, status: 502 };
    const { pd, person } = await customerWritesThrough(w, [storedThen502]);
    const first = await logged(w);
    expect(first).toMatchObject({ crm_sync: 'pending', crm_message_id: null });
    expect(first!.crm_write_uncertain_at).toBe(w.t.clock.now());
    expect(pd.state.notesFor({ personId: person.id })).toHaveLength(1);

    await settle(w);
    const notes = pd.state.notesFor({ personId: person.id });
    expect(notes).toHaveLength(1);
    expect(pd.state.counters).toMatchObject({ notesCreated: 1, noteLists: 1 });
    expect(await logged(w)).toMatchObject({ crm_sync: 'done', crm_message_id: String(notes[0]!.id) });
  });

  it('the answer timed out after Pipedrive stored the note: one note', async () => {
    const w = world.get();
    (w.t.platform.config as { CRM_TIMEOUT_MS: number }).CRM_TIMEOUT_MS = 150;
    const storedThenSilent: Fault = { match: isNotePost, afterHandler: true, delayMs: 600, status: 200 };
    const { pd, person } = await customerWritesThrough(w, [storedThenSilent]);
    expect((await logged(w))!.crm_write_uncertain_at).not.toBeNull();
    await settle(w);
    expect(pd.state.notesFor({ personId: person.id })).toHaveLength(1);
    expect(pd.state.counters).toMatchObject({ notesCreated: 1, noteLists: 1 });
    expect(await logged(w)).toMatchObject({ crm_sync: 'done' });
  });

  it('the connection dropped after Pipedrive stored the note: one note', async () => {
    const w = world.get();
    const storedThenDropped: Fault = { match: isNotePost, afterHandler: true, networkError: true };
    const { pd, person } = await customerWritesThrough(w, [storedThenDropped]);
    await settle(w);
    expect(pd.state.notesFor({ personId: person.id })).toHaveLength(1);
    expect(pd.state.counters.notesCreated).toBe(1);
  });

  it('a 502 before anything was stored: the retry looks, finds nothing and posts the one note', async () => {
    const w = world.get();
    const refused502: Fault = { match: isNotePost, status: 502 };
    const { pd, person } = await customerWritesThrough(w, [refused502]);
    expect(pd.state.notesFor({ personId: person.id })).toHaveLength(0);
    await settle(w);
    const notes = pd.state.notesFor({ personId: person.id });
    expect(notes).toHaveLength(1);
    expect(notes[0]!.content).toContain('Is my order on its way?');
    expect(pd.state.counters).toMatchObject({ notesCreated: 1, noteLists: 1 });
    expect(await logged(w)).toMatchObject({ crm_sync: 'done', crm_message_id: String(notes[0]!.id) });
  });

  it('a 4xx or 429 is not ambiguous: the next attempt posts without reading', async () => {
    const w = world.get();
    const limited: Fault = { match: isNotePost, status: 429, times: 4, headers: { 'retry-after': '60' } };
    const { pd, person } = await customerWritesThrough(w, [limited]);
    expect((await logged(w))!.crm_write_uncertain_at).toBeNull();
    await settle(w);
    expect(pd.state.notesFor({ personId: person.id })).toHaveLength(1);
    expect(pd.state.counters).toMatchObject({ notesCreated: 1, noteLists: 0 });
  });

  it('when the lookup itself fails the job retries later instead of posting blindly', async () => {
    const w = world.get();
    const storedThen502: Fault = { match: isNotePost, afterHandler: true, status: 502 };
    // The first retry's read fails on every inline attempt (1 + 3 retries); the next retry reads fine.
    const listDown: Fault = { match: isNoteList, status: 503, times: 4 };
    const { pd, person } = await customerWritesThrough(w, [storedThen502, listDown]);
    w.t.clock.advance(10 * MINUTE);
    await w.drain();
    expect(pd.faults.injected).toBe(5);
    expect(pd.state.counters.notesCreated).toBe(1);
    expect(await logged(w)).toMatchObject({ crm_sync: 'pending' });
    expect(w.t.queue.pending).toHaveLength(1);

    await settle(w);
    expect(pd.state.notesFor({ personId: person.id })).toHaveLength(1);
    expect(pd.state.counters.notesCreated).toBe(1);
    expect(await logged(w)).toMatchObject({ crm_sync: 'done' });
  });
});
