// Issue 17 finding 3 (HighLevel): HighLevel cannot edit or delete a message, so a customer's edit adds "✏️ Edited
// their message of …: <new text>" to the thread and a deletion adds "🗑 Deleted …" — once each, through the queued,
// paced, retried CRM job path — while the deleted document's /media link (still in the original HighLevel message)
// answers 404.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metaInbound, metaMessagesWebhook } from '../mocks/meta';
import { createConnectedWorld, postMetaWebhook, useHighLevelServer, type World } from './highlevel-world';

useHighLevelServer();

let w: World;
beforeEach(async () => {
  ({ w } = await createConnectedWorld());
});
afterEach(async () => w.t.dispose());

const CUSTOMER = '+3725550101';
const hl = () => w.sims.highlevel.state;
const post = (items: unknown[]) =>
  postMetaWebhook(w.app, metaMessagesWebhook(w.sims.meta.config, items as never, 'Mari Tamm'));
const base = (id?: string) => ({ from: CUSTOMER, timestampMs: w.t.clock.now(), ...(id ? { id } : {}) });
function thread() {
  const contact = hl().contactByPhone(hl().config.locationId, CUSTOMER)!;
  return hl().messagesOf(hl().conversationOf(hl().config.locationId, contact.id)!.id);
}

describe('Customer edits and deletions reach HighLevel', () => {
  it('an edit adds one "edited" message to the thread, even when HighLevel failed once and Meta redelivered', async () => {
    await post([metaInbound.text(base('wamid.HL1'), 'Deliver to the office')]);
    await w.settle();
    expect(thread().map((m) => m.message)).toEqual(['Deliver to the office']);

    w.t.clock.advance(60_000);
    w.sims.highlevel.faults.add({
      match: (r) => r.method === 'POST' && new URL(r.url).pathname === '/conversations/messages/inbound',
      status: 502,
    });
    const edit = metaInbound.edit(base(), 'wamid.HL1', 'Deliver to my home');
    await post([edit]);
    await post([edit]);
    await w.settle();
    expect(w.sims.highlevel.faults.injected).toBe(1);
    const messages = thread();
    expect(messages).toHaveLength(2);
    expect(messages[1]).toMatchObject({
      direction: 'inbound',
      message: expect.stringMatching(/^✏️ Edited their message of .* UTC: Deliver to my home$/),
    });
    const change = await w.t.db
      .prepare('SELECT id, crm_sync, crm_message_id FROM message_changes')
      .first<{ id: string; crm_sync: string; crm_message_id: string }>();
    expect(change).toMatchObject({ crm_sync: 'done', crm_message_id: messages[1]!.id });
    expect(messages[1]!.altId).toBe(change!.id);
  });

  it('a deletion adds one "deleted" message and the document link in the original answers 404', async () => {
    const mediaId = w.sims.meta.state.addMedia(
      new TextEncoder().encode('%PDF-1.7\n%%EOF\n'),
      'application/pdf',
    );
    await post([metaInbound.document(base('wamid.HL2'), { id: mediaId, filename: 'id-card.pdf' })]);
    await w.settle();
    const [original] = thread();
    const link = new URL(original!.attachments![0]!).pathname;
    expect((await w.app.request(link)).status).toBe(200);

    w.t.clock.advance(60_000);
    await post([metaInbound.revoke(base(), 'wamid.HL2')]);
    await post([metaInbound.revoke(base(), 'wamid.HL2')]);
    await w.settle();
    const messages = thread();
    expect(messages).toHaveLength(2);
    expect(messages[1]!.message).toMatch(/^🗑 Deleted their message of .* UTC/);
    expect(messages[1]!.attachments ?? []).toEqual([]);
    expect((await w.app.request(link)).status).toBe(404);
    expect(w.sims.meta.state.media.has(mediaId)).toBe(false);
    const stored = await w.t.db
      .prepare("SELECT content FROM messages WHERE provider_message_id = 'wamid.HL2'")
      .first<{ content: string | null }>();
    expect(stored).toEqual({ content: null });
  });

  it('an "edited" message HighLevel stored but whose answer was lost is looked up, not posted again', async () => {
    await post([metaInbound.text(base('wamid.HL3'), 'Two boxes please')]);
    await w.settle();
    w.t.clock.advance(60_000);
    w.sims.highlevel.faults.add({
      match: (r) => r.method === 'POST' && new URL(r.url).pathname === '/conversations/messages/inbound',
      afterHandler: true,
      status: 502,
    });
    await post([metaInbound.edit(base(), 'wamid.HL3', 'Three boxes please')]);
    await w.settle();
    expect(w.sims.highlevel.faults.injected).toBe(1);
    const messages = thread();
    expect(messages.map((m) => m.message)).toEqual([
      'Two boxes please',
      expect.stringMatching(/: Three boxes please$/),
    ]);
    const change = await w.t.db
      .prepare('SELECT crm_sync, crm_message_id, crm_write_uncertain_at FROM message_changes')
      .first<{ crm_sync: string; crm_message_id: string; crm_write_uncertain_at: number | null }>();
    expect(change).toMatchObject({ crm_sync: 'done', crm_message_id: messages[1]!.id });
    expect(change!.crm_write_uncertain_at).not.toBeNull();
  });

  it('an edit stored before the message reached HighLevel is in that message: no separate notice', async () => {
    await post([metaInbound.text(base('wamid.HL4'), 'Meet at 3')]);
    await post([metaInbound.edit(base(), 'wamid.HL4', 'Meet at 4')]);
    // The queue picks the record job up a moment later (a change stored in the same millisecond as the record job's
    // claim still gets its own notice: redundant rather than missing).
    w.t.clock.advance(1000);
    await w.settle();
    expect(thread().map((m) => m.message)).toEqual(['Meet at 4']);
    expect(await w.t.db.prepare('SELECT crm_sync, crm_message_id FROM message_changes').first()).toEqual({
      crm_sync: 'done',
      crm_message_id: null,
    });
  });
});
