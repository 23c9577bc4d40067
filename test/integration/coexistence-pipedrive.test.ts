// Issue 12 item 5 acceptance (Pipedrive): echoes and history of a number shared with the WhatsApp Business app become
// notes on the person, dated when they were written (the person's timeline is in time order whatever order the notes
// were written in), marked as coming from the WhatsApp Business app; nothing is sent to Meta and no window moves.
import { describe, expect, it } from 'vitest';
import { metaEcho, metaEchoesWebhook, metaHistoryWebhook } from '../mocks/meta';
import {
  adminSession,
  connectProvider,
  customerWrites,
  installPipedrive,
  postMetaWebhook,
  sentCount,
  usePipedriveWorld,
  type World,
} from './pipedrive-world';

const world = usePipedriveWorld();
const CUSTOMER = '+37251234599';
const H = 3_600_000;

/** The person's notes as Pipedrive lists them in time order (GET /api/v1/notes?sort=add_time ASC). */
async function timeline(w: World, personId: number) {
  const { accessToken } = w.sims.pipedrive.issueTokens();
  const res = await fetch(
    `https://acme.pipedrive.com/api/v1/notes?person_id=${personId}&sort=${encodeURIComponent('add_time ASC')}&limit=100`,
    { headers: { authorization: `Bearer ${accessToken}` } },
  );
  return ((await res.json()) as { data: { content: string; add_time: string }[] }).data;
}

describe('coexistence: echoes and history reach Pipedrive (issue 12 item 5)', () => {
  it('history (chunks out of order) and echoes → notes in time order, marked; nothing sent, window untouched', async () => {
    const w = world.get();
    expect((await installPipedrive(w)).status).toBe(302);
    const admin = await adminSession(w);
    const number = await connectProvider(w, admin, 'meta');
    const person = w.sims.pipedrive.seedPerson({
      name: 'Mari Tamm',
      phones: [{ value: CUSTOMER, primary: true }],
    });
    const cfg = w.sims.meta.config;
    const now = w.t.clock.now();

    expect((await customerWrites(w, number, CUSTOMER, 'Is my order ready?')).status).toBe(200);
    const windowBefore = await w.t.db
      .prepare('SELECT last_inbound_at, free_entry_point_until FROM contacts')
      .first();
    w.t.clock.advance(60_000);
    await postMetaWebhook(
      w.app,
      metaHistoryWebhook(cfg, { phase: 2, chunkOrder: 2 }, [
        {
          customer: CUSTOMER,
          messages: [{ by: 'business', text: 'Thanks for your order', timestampMs: now - 48 * H }],
        },
      ]),
    );
    await postMetaWebhook(
      w.app,
      metaHistoryWebhook(cfg, { phase: 2, chunkOrder: 1 }, [
        {
          customer: CUSTOMER,
          messages: [{ by: 'customer', text: 'I would like two boxes', timestampMs: now - 50 * H }],
        },
      ]),
    );
    w.t.clock.advance(60_000);
    await postMetaWebhook(
      w.app,
      metaEchoesWebhook(cfg, [
        metaEcho(cfg).text(
          { to: CUSTOMER, id: 'wamid.PE1', timestampMs: w.t.clock.now() },
          'Yes, ready since noon',
        ),
      ]),
    );
    for (let i = 0; i < 5 && w.t.queue.pending.length; i++) {
      await w.drain();
      w.t.clock.advance(60_000);
    }

    const notes = await timeline(w, person.id);
    expect(notes).toHaveLength(4);
    expect(notes[0]!.content).toContain('⬅️ WhatsApp received from');
    expect(notes[0]!.content).toContain('I would like two boxes');
    expect(notes[0]!.content).toContain('imported from the WhatsApp Business app history');
    expect(notes[1]!.content).toContain('from the WhatsApp Business app</b>');
    expect(notes[1]!.content).toContain('Thanks for your order');
    expect(notes[2]!.content).toContain('Is my order ready?');
    expect(notes[2]!.content).not.toContain('WhatsApp Business app');
    expect(notes[3]!.content).toContain('from the WhatsApp Business app</b>');
    expect(notes[3]!.content).toContain('Yes, ready since noon');
    expect(notes[3]!.content).not.toContain('WhatsApp panel');
    // Dated when written: the imported past sits 2 days back.
    expect(notes[0]!.add_time).toBe(new Date(now - 50 * H).toISOString().slice(0, 19).replace('T', ' '));

    expect(sentCount(w, 'meta')).toBe(0);
    expect(
      await w.t.db.prepare('SELECT last_inbound_at, free_entry_point_until FROM contacts').first(),
    ).toEqual(windowBefore);
  });
});
