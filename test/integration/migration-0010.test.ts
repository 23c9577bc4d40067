// Issue 11: migration 0010 over a database seeded with the schema before it (migrations 0001–0009) keeps every
// existing row and its history, and the migrated customers work by phone and by BSUID afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactStore } from '../../src/store/contacts';
import { startLocalD1, type LocalD1 } from '../helpers/local-d1';
import { migrationFiles, migrationStatements } from '../helpers/platform';

const files = migrationFiles();
const before = files.filter((f) => f < '0010');
const from0010 = files.filter((f) => f >= '0010');

let proxy: LocalD1;
let db: D1Database;

beforeAll(async () => {
  // Not getPlatformProxy: its synchronous D1 channel can fall out of step under load (test/helpers/local-d1.ts).
  proxy = await startLocalD1();
  db = proxy.db;
  await db.batch(migrationStatements(before).map((sql) => db.prepare(sql)));
  const t = 1_700_000_000_000;
  await db.batch([
    db.prepare(
      `INSERT INTO installations (id, crm, account_id, account_type, created_at, updated_at)
       VALUES ('ins1', 'highlevel', 'loc1', 'location', ${t}, ${t})`,
    ),
    db.prepare(
      `INSERT INTO connections (id, installation_id, provider, label, sender_phone, routing_key, created_at, updated_at)
       VALUES ('con1', 'ins1', 'meta', 'Main', '+15550783881', '106540352242922', ${t}, ${t})`,
    ),
    db.prepare(
      `INSERT INTO contacts (id, connection_id, phone, name, crm_contact_id, last_inbound_at, opted_out_at,
         read_marked_message_id, created_at, updated_at)
       VALUES ('ctc1', 'con1', '+393331234567', 'Maria', 'hl-42', ${t}, NULL, 'wamid.1', ${t}, ${t})`,
    ),
    db.prepare(
      `INSERT INTO messages (id, connection_id, contact_id, direction, origin, provider_message_id, type, content,
         status, occurred_at, created_at, updated_at)
       VALUES ('msg1', 'con1', 'ctc1', 'inbound', 'customer', 'wamid.1', 'text', '{"type":"text","text":"ciao"}',
         'delivered', ${t}, ${t}, ${t})`,
    ),
    db.prepare(
      `INSERT INTO opt_outs (installation_id, phone, reason, created_at) VALUES ('ins1', '+393330000000', 'admin', ${t})`,
    ),
  ]);
  await db.batch(migrationStatements(from0010).map((sql) => db.prepare(sql)));
});

afterAll(async () => {
  await proxy?.dispose();
});

describe('migration 0010 (customer ids)', () => {
  it('keeps existing contacts, messages and opt-outs untouched', async () => {
    const contact = await db.prepare('SELECT * FROM contacts').first<Record<string, unknown>>();
    expect(contact).toMatchObject({
      id: 'ctc1',
      phone: '+393331234567',
      name: 'Maria',
      crm_contact_id: 'hl-42',
      read_marked_message_id: 'wamid.1',
      user_id: null,
      parent_user_id: null,
      username: null,
    });
    const message = await db
      .prepare('SELECT contact_id, content FROM messages')
      .first<Record<string, unknown>>();
    expect(message).toEqual({ contact_id: 'ctc1', content: '{"type":"text","text":"ciao"}' });
    expect((await db.prepare('SELECT phone FROM opt_outs').first())?.phone).toBe('+393330000000');
  });

  it('a migrated customer then seen with a BSUID is the same customer, findable by either key', async () => {
    const store = new ContactStore(db);
    const { contact: linked } = await store.resolve(
      'con1',
      { phone: '+393331234567', userId: 'IT.1234567890' },
      { username: 'maria.r' },
      1_700_000_100_000,
    );
    expect(linked).toMatchObject({
      id: 'ctc1',
      phone: '+393331234567',
      userId: 'IT.1234567890',
      username: 'maria.r',
    });
    expect((await store.find('con1', 'IT.1234567890'))?.id).toBe('ctc1');
    expect((await store.find('con1', '+393331234567'))?.crmContactId).toBe('hl-42');
    // The unique index holds: a second customer cannot take the same BSUID.
    await expect(
      db
        .prepare(
          "INSERT INTO contacts (id, connection_id, phone, user_id, created_at, updated_at) VALUES ('x', 'con1', 'IT.1234567890', 'IT.1234567890', 1, 1)",
        )
        .run(),
    ).rejects.toThrow(/UNIQUE/);
  });
});
