// Issue 17 finding 3 (Pipedrive): a customer's edit rewrites the message's note (Pipedrive can edit a note), a
// deletion removes the content from our store and the note, says so, and kills the document's /media link — through
// the queued, paced, retried CRM job path, once.
import { describe, expect, it } from 'vitest';
import { CHANGE_STRANDED_AFTER_MS, resumeStrandedChanges } from '../../src/services/relay/message-changes';
import { metaInbound, metaMessagesWebhook } from '../mocks/meta';
import {
  adminSession,
  connectProvider,
  installPipedrive,
  postMetaWebhook,
  row,
  usePipedriveWorld,
  type World,
} from './pipedrive-world';

const world = usePipedriveWorld();
const CUSTOMER = '+37251234599';

async function setUp(w: World) {
  expect((await installPipedrive(w)).status).toBe(302);
  await connectProvider(w, await adminSession(w), 'meta');
  return w.sims.pipedrive.seedPerson({ name: 'Mari Tamm', phones: [{ value: CUSTOMER, primary: true }] });
}

const post = (w: World, items: unknown[]) =>
  postMetaWebhook(w.app, metaMessagesWebhook(w.sims.meta.config, items as never, 'Mari Tamm'));
const base = (w: World, id?: string) => ({
  from: CUSTOMER,
  timestampMs: w.t.clock.now(),
  ...(id ? { id } : {}),
});

describe('Customer edits and deletions reach Pipedrive', () => {
  it('an edit rewrites the note once (a duplicate webhook changes nothing), a 5xx on the PUT is retried', async () => {
    const w = world.get();
    const pd = w.sims.pipedrive;
    const person = await setUp(w);
    expect((await post(w, [metaInbound.text(base(w, 'wamid.ORIG1'), 'Pick up at 5pm')])).status).toBe(200);
    await w.drain();
    const [note] = pd.state.notesFor({ personId: person.id });
    expect(note!.content).toContain('Pick up at 5pm');

    w.t.clock.advance(60_000);
    pd.faults.add({ match: (r) => r.method === 'PUT', status: 503 });
    const edit = metaInbound.edit(base(w), 'wamid.ORIG1', 'Pick up at 6pm');
    expect((await post(w, [edit])).status).toBe(200);
    expect((await post(w, [edit])).status).toBe(200); // Meta redelivers
    const updatesBefore = pd.state.counters.notesUpdated;
    for (let i = 0; i < 5 && w.t.queue.pending.length; i++) {
      await w.drain();
      w.t.clock.advance(10 * 60_000);
    }
    expect(pd.faults.injected).toBe(1);
    expect(pd.state.counters.notesUpdated).toBe(updatesBefore + 1);
    expect(pd.state.notesFor({ personId: person.id })).toHaveLength(1);
    const edited = pd.state.notes.get(note!.id)!.content;
    expect(edited).toContain('Pick up at 6pm');
    expect(edited).not.toContain('5pm');
    expect(edited).toMatch(/✏️ edited \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(await row(w, 'SELECT kind, crm_sync FROM message_changes')).toEqual({
      kind: 'edited',
      crm_sync: 'done',
    });
    expect(await row(w, 'SELECT COUNT(*) AS n FROM message_changes')).toEqual({ n: 1 });
  });

  it('an edit that arrives before the message reached Pipedrive waits for it, then the note shows the new text', async () => {
    const w = world.get();
    const pd = w.sims.pipedrive;
    const person = await setUp(w);
    await post(w, [metaInbound.text(base(w, 'wamid.ORIG2'), 'Table for two')]);
    await post(w, [metaInbound.edit(base(w), 'wamid.ORIG2', 'Table for three')]);
    for (let i = 0; i < 5 && w.t.queue.pending.length; i++) {
      await w.drain();
      w.t.clock.advance(15_000);
    }
    const notes = pd.state.notesFor({ personId: person.id });
    expect(notes).toHaveLength(1);
    expect(notes[0]!.content).toContain('Table for three');
    expect(notes[0]!.content).not.toContain('for two');
    expect(await row(w, 'SELECT crm_sync FROM message_changes')).toEqual({ crm_sync: 'done' });
  });

  it('a deletion empties our store and the note, and its document link answers 404 from then on', async () => {
    const w = world.get();
    const pd = w.sims.pipedrive;
    const person = await setUp(w);
    const mediaId = w.sims.meta.state.addMedia(
      new TextEncoder().encode('%PDF-1.7\n%%EOF\n'),
      'application/pdf',
    );
    await post(w, [
      metaInbound.document(base(w, 'wamid.DOC1'), {
        id: mediaId,
        filename: 'passport.pdf',
        caption: 'My passport',
      }),
    ]);
    await w.drain();
    const [note] = pd.state.notesFor({ personId: person.id });
    const href = /<a href="([^"]+)">/.exec(note!.content)![1]!.replace(/&amp;/g, '&');
    const link = new URL(href).pathname;
    expect((await w.app.request(link)).status).toBe(200);

    w.t.clock.advance(60_000);
    expect((await post(w, [metaInbound.revoke(base(w), 'wamid.DOC1')])).status).toBe(200);
    // Our store forgets the content at once; the link dies at once (before the CRM job even ran).
    expect(
      await row(
        w,
        "SELECT content, deleted_at IS NOT NULL AS deleted FROM messages WHERE provider_message_id = 'wamid.DOC1'",
      ),
    ).toEqual({
      content: null,
      deleted: 1,
    });
    const gone = await w.app.request(link);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { message: string } }).error.message).toMatch(/deleted/);

    await w.drain();
    const after = pd.state.notes.get(note!.id)!.content;
    expect(after).not.toContain('passport');
    expect(after).not.toContain('/media/');
    expect(after).toContain('The customer deleted this message');
    expect(after).toMatch(/🗑 deleted by the customer/);
    // Meta asks the business to delete it too: gone from Meta's media store.
    expect(w.sims.meta.state.media.has(mediaId)).toBe(false);
    expect(w.sims.meta.state.calls.mediaDelete).toBe(1);
    // A repeated revoke (or an edit of the deleted message) changes nothing.
    await post(w, [metaInbound.revoke({ ...base(w), timestampMs: w.t.clock.now() + 1000 }, 'wamid.DOC1')]);
    await post(w, [metaInbound.edit(base(w), 'wamid.DOC1', 'undo')]);
    await w.drain();
    expect(await row(w, 'SELECT COUNT(*) AS n FROM message_changes')).toEqual({ n: 1 });
    expect(pd.state.notes.get(note!.id)!.content).toBe(after);
  });

  it('a change whose queue message was lost (crash after the batch) is found by the sweep and written once', async () => {
    const w = world.get();
    const pd = w.sims.pipedrive;
    const person = await setUp(w);
    await post(w, [metaInbound.text(base(w, 'wamid.ORIG3'), 'Call me at noon')]);
    await w.drain();
    await post(w, [metaInbound.edit(base(w), 'wamid.ORIG3', 'Call me at one')]);
    // The Worker died between the D1 batch and queue.send: the job never arrives.
    w.t.queue.pending.splice(0);
    expect(await resumeStrandedChanges(w.ctx)).toBe(0); // too fresh: its job may still be on its way
    w.t.clock.advance(CHANGE_STRANDED_AFTER_MS + 1);
    expect(await resumeStrandedChanges(w.ctx)).toBe(1);
    expect(await resumeStrandedChanges(w.ctx)).toBe(0); // claimed: the next sweep leaves it to its job
    await w.drain();
    const [note] = pd.state.notesFor({ personId: person.id });
    expect(note!.content).toContain('Call me at one');
    expect(await row(w, 'SELECT crm_sync FROM message_changes')).toEqual({ crm_sync: 'done' });
    w.t.clock.advance(2 * CHANGE_STRANDED_AFTER_MS);
    expect(await resumeStrandedChanges(w.ctx)).toBe(0);
  });
});
