// Issue 11: one person known by phone in one HighLevel contact and by WhatsApp username (BSUID) in another, before a
// webhook tells us they are one. Our two customer records merge; the OLDER record's CRM link stays (the contact the
// CRM has held longest), the other HighLevel contact is left as it is and named in a note on the kept contact's
// thread; when the kept contact is the username one, the phone is added to it. A redelivery adds no second note.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metaInbound, metaMessagesWebhook } from '../mocks/meta';
import { createConnectedWorld, postMetaWebhook, useHighLevelServer, type World } from './highlevel-world';

useHighLevelServer();

const PHONE = '+3725550177';
const BSUID = 'EE.40021877766554433';
const MINUTE = 60_000;

let w: World;
beforeEach(async () => {
  ({ w } = await createConnectedWorld());
});
afterEach(async () => w.t.dispose());

async function writes(from: { from?: string; userId?: string; username?: string }, text: string) {
  const webhook = metaMessagesWebhook(
    w.sims.meta.config,
    [metaInbound.text({ ...from, timestampMs: w.t.clock.now() }, text)],
    'Mari Tamm',
  );
  const res = await postMetaWebhook(w.app, webhook);
  expect(res.status).toBe(200);
  await w.settle();
  w.t.clock.advance(MINUTE);
  return webhook;
}

const hlContacts = () => [...w.sims.highlevel.state.contacts.values()];
const hlMessagesOf = (contactId: string) =>
  [...w.sims.highlevel.state.messages.values()]
    .filter((m) => m.contactId === contactId)
    .map((m) => m.message);
const ourCustomers = async () =>
  (
    await w.t.db
      .prepare('SELECT phone, user_id, crm_contact_id FROM contacts ORDER BY created_at')
      .all<{ phone: string; user_id: string | null; crm_contact_id: string | null }>()
  ).results;

describe('one person in two CRM records', () => {
  it('known by phone first: the phone contact stays, the username contact is named in a note, once', async () => {
    await writes({ from: PHONE }, 'by phone');
    await writes({ userId: BSUID, username: 'mari.shop' }, 'by username');
    expect(hlContacts()).toHaveLength(2);
    const byPhone = hlContacts().find((c) => c.phone === PHONE)!;
    const byUsername = hlContacts().find((c) => c.phone === '')!;

    const both = await writes({ from: PHONE, userId: BSUID }, 'both at last');
    expect(await ourCustomers()).toEqual([{ phone: PHONE, user_id: BSUID, crm_contact_id: byPhone.id }]);
    expect(hlContacts()).toHaveLength(2); // nothing created, nothing deleted in the CRM
    const kept = hlMessagesOf(byPhone.id);
    expect(kept.filter((m) => m.includes(`another CRM record (id ${byUsername.id})`))).toHaveLength(1);
    expect(kept.at(-1)).toBe('both at last');
    expect(hlMessagesOf(byUsername.id)).toEqual(['by username']);

    expect((await postMetaWebhook(w.app, both)).status).toBe(200); // Meta redelivers
    await w.settle();
    expect(hlMessagesOf(byPhone.id).filter((m) => m.includes('another CRM record'))).toHaveLength(1);
  });

  it('known by username first: the username contact stays and gets the phone; the phone contact is named', async () => {
    await writes({ userId: BSUID, username: 'mari.shop' }, 'by username');
    // The same person by phone only, with no BSUID in the webhook (so we cannot tell yet): a second record.
    await writes({ from: PHONE }, 'by phone');
    expect(hlContacts()).toHaveLength(2);
    const byUsername = hlContacts().find((c) => c.phone === '')!;
    const byPhone = hlContacts().find((c) => c.phone === PHONE)!;

    await writes({ from: PHONE, userId: BSUID }, 'both at last');
    expect(await ourCustomers()).toEqual([{ phone: PHONE, user_id: BSUID, crm_contact_id: byUsername.id }]);
    expect(w.sims.highlevel.state.contacts.get(byUsername.id)!.phone).toBe(PHONE);
    const kept = hlMessagesOf(byUsername.id);
    expect(kept.filter((m) => m.includes(`another CRM record (id ${byPhone.id})`))).toHaveLength(1);
    expect(kept.at(-1)).toBe('both at last');
  });
});
