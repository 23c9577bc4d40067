// Issue 13: migration 0023 drops the vendor-name CHECKs of installations.crm and connections.provider by rebuilding
// every table in their foreign-key closure. Over a database seeded with the schema before it (0001–0022), every row
// of every table is still there byte for byte, columns / indexes / foreign keys are the same, foreign keys still
// cascade, and a vendor name known only to the registries can now be stored.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalD1, type LocalD1 } from '../helpers/local-d1';
import { migrationFiles, migrationStatements, REPO_ROOT } from '../helpers/platform';

const files = migrationFiles();
const MIGRATION = files.find((f) => f.startsWith('0023'))!;
const T = 1_700_000_000_000;

let proxy: LocalD1;
let db: D1Database;

async function tableNames(): Promise<string[]> {
  const { results } = await db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .all<{ name: string }>();
  return results.map((r) => r.name);
}

/** Every row of every table, and each table's columns, indexes and foreign keys, as comparable data. */
async function snapshot() {
  const data: Record<string, unknown> = {};
  const shape: Record<string, unknown> = {};
  for (const table of await tableNames()) {
    data[table] = (await db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()).results;
    const columns = (await db.prepare('SELECT * FROM pragma_table_xinfo(?)').bind(table).all()).results;
    const indexes = (
      await db
        .prepare(
          `SELECT l.name, l."unique", l.partial, group_concat(i.name, ',') AS cols
             FROM pragma_index_list(?1) l, pragma_index_info(l.name) i GROUP BY l.name ORDER BY l.name`,
        )
        .bind(table)
        .all()
    ).results;
    const foreignKeys = (
      await db
        .prepare('SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY "from"')
        .bind(table)
        .all()
    ).results;
    shape[table] = { columns, indexes, foreignKeys };
  }
  return { data, shape };
}

/** Tables that reference installations or connections, directly or through each other. */
async function foreignKeyClosure(): Promise<string[]> {
  const closure = new Set(['installations', 'connections']);
  const tables = await tableNames();
  const parents = new Map<string, string[]>();
  for (const table of tables) {
    const { results } = await db
      .prepare('SELECT "table" AS parent FROM pragma_foreign_key_list(?)')
      .bind(table)
      .all<{ parent: string }>();
    parents.set(
      table,
      results.map((r) => r.parent),
    );
  }
  for (let grew = true; grew;) {
    grew = false;
    for (const table of tables)
      if (!closure.has(table) && parents.get(table)!.some((p) => closure.has(p))) {
        closure.add(table);
        grew = true;
      }
  }
  return [...closure].sort();
}

let before: Awaited<ReturnType<typeof snapshot>>;
let closureBefore: string[];

beforeAll(async () => {
  proxy = await startLocalD1();
  db = proxy.db;
  await db.batch(migrationStatements(files.filter((f) => f < '0023')).map((sql) => db.prepare(sql)));
  const q = (sql: string) => db.prepare(sql);
  await db.batch([
    q(`INSERT INTO installations (id, crm, account_id, account_type, tokens_enc, scopes, settings, created_at, updated_at)
       VALUES ('ins1', 'highlevel', 'loc1', 'location', 'sealed-1', 'conversations.write', '{"a":1}', ${T}, ${T}),
              ('ins2', 'pipedrive', 'co2', 'company', 'sealed-2', '', '{}', ${T}, ${T + 1})`),
    q(`INSERT INTO connections (id, installation_id, provider, label, sender_phone, routing_key, credentials_enc,
         webhook_token_enc, messaging_tier, created_at, updated_at)
       VALUES ('con1', 'ins1', 'meta', 'Main', '+15550783881', '106540352242922', 'sealed', NULL, 1000, ${T}, ${T}),
              ('con2', 'ins2', 'cm', 'CM', '+31201234567', '+31201234567', 'sealed', 'sealed-token', NULL, ${T}, ${T})`),
    q(`INSERT INTO templates (id, connection_id, provider_template_id, name, language, category, status,
         parameter_format, kind, source, components, variables, content_hash, created_at, updated_at)
       VALUES ('tpl1', 'con1', '123', 'welcome', 'it', 'MARKETING', 'APPROVED', 'named', 'standard', 'synced',
         '{"body":"Ciao"}', '[]', 'h1', ${T}, ${T})`),
    q(`INSERT INTO contacts (id, connection_id, phone, name, crm_contact_id, last_inbound_at, created_at, updated_at)
       VALUES ('ctc1', 'con1', '+393331234567', 'Maria', 'hl-42', ${T}, ${T}, ${T}),
              ('ctc2', 'con2', '+31612345678', NULL, NULL, NULL, ${T}, ${T})`),
    q(`INSERT INTO messages (id, connection_id, contact_id, direction, origin, provider_message_id, type, content,
         status, crm_sync, occurred_at, created_at, updated_at)
       VALUES ('msg1', 'con1', 'ctc1', 'inbound', 'customer', 'wamid.1', 'text', '{"type":"text","text":"ciao"}',
         'delivered', 'done', ${T}, ${T}, ${T}),
              ('msg2', 'con2', 'ctc2', 'outbound', 'crm', 'cm-ref-2', 'text', '{"type":"text","text":"hoi"}',
         'sent', 'pending', ${T}, ${T}, ${T})`),
    q(`INSERT INTO message_changes (id, message_id, kind, occurred_at, created_at, updated_at)
       VALUES ('chg1', 'msg1', 'edited', ${T + 5}, ${T + 5}, ${T + 5})`),
    q(
      `INSERT INTO opt_outs (installation_id, phone, reason, created_at) VALUES ('ins1', '+393330000000', 'admin', ${T})`,
    ),
    q(`INSERT INTO campaigns (id, installation_id, connection_id, template_id, name, status, created_at, updated_at)
       VALUES ('cmp1', 'ins1', 'con1', 'tpl1', 'Spring', 'sending', ${T}, ${T})`),
    q(`INSERT INTO campaign_recipients (id, campaign_id, phone, state, message_id, updated_at)
       VALUES ('rcp1', 'cmp1', '+393331234567', 'sent', 'msg1', ${T})`),
    q(`INSERT INTO processed_events (key, received_at) VALUES ('meta:wamid.1', ${T})`),
  ]);
  closureBefore = await foreignKeyClosure();
  before = await snapshot();
  await db.batch(migrationStatements([MIGRATION]).map((sql) => db.prepare(sql)));
});

afterAll(async () => {
  await proxy?.dispose();
});

describe('migration 0023 (vendor names from the registries)', () => {
  it('rebuilds every table that references installations or connections (else dropping them would cascade)', () => {
    const sql = readFileSync(path.join(REPO_ROOT, 'migrations', MIGRATION), 'utf8');
    const rebuilt = [...sql.matchAll(/CREATE TABLE (\w+)__new/g)].map((m) => m[1]).sort();
    expect(rebuilt).toEqual(closureBefore);
  });

  it('keeps every row of every table, and the same columns, indexes and foreign keys', async () => {
    const after = await snapshot();
    expect(after.data).toEqual(before.data);
    expect((after.data['messages'] as unknown[]).length).toBe(2);
    expect(after.shape).toEqual(before.shape);
    expect(
      await db.prepare("SELECT name FROM sqlite_master WHERE sql LIKE '%\\_\\_new%' ESCAPE '\\'").all(),
    ).toMatchObject({
      results: [],
    });
    expect((await db.prepare('SELECT * FROM pragma_foreign_key_check').all()).results).toEqual([]);
  });

  it('stores a provider and a CRM known only to the registries; other CHECKs and uniqueness stay', async () => {
    await db.batch([
      db.prepare(
        `INSERT INTO installations (id, crm, account_id, account_type, created_at, updated_at)
         VALUES ('ins3', 'fakecrm', 'acct3', 'company', ${T}, ${T})`,
      ),
      db.prepare(
        `INSERT INTO connections (id, installation_id, provider, label, sender_phone, routing_key, created_at, updated_at)
         VALUES ('con3', 'ins3', 'fakewa', 'Fake', '+3726000000', '+3726000000', ${T}, ${T})`,
      ),
    ]);
    await expect(
      db
        .prepare(
          `INSERT INTO installations (id, crm, account_id, account_type, created_at, updated_at)
           VALUES ('ins4', 'fakecrm', 'acct3', 'company', ${T}, ${T})`,
        )
        .run(),
    ).rejects.toThrow(/UNIQUE/);
    await expect(
      db
        .prepare(
          `INSERT INTO installations (id, crm, account_id, account_type, created_at, updated_at)
           VALUES ('ins5', 'fakecrm', 'acct5', 'galaxy', ${T}, ${T})`,
        )
        .run(),
    ).rejects.toThrow(/CHECK/);
  });

  it('foreign keys still hold and cascade on the rebuilt tables', async () => {
    await expect(
      db
        .prepare(
          `INSERT INTO contacts (id, connection_id, phone, created_at, updated_at) VALUES ('x', 'nope', '+1', 1, 1)`,
        )
        .run(),
    ).rejects.toThrow(/FOREIGN KEY/);
    await db.prepare("DELETE FROM installations WHERE id = 'ins2'").run();
    const left = await db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM connections WHERE id = 'con2') AS connections,
                (SELECT COUNT(*) FROM messages WHERE id = 'msg2') AS messages,
                (SELECT COUNT(*) FROM messages WHERE id = 'msg1') AS others`,
      )
      .first();
    expect(left).toEqual({ connections: 0, messages: 0, others: 1 });
  });

  it('the migrations after it still apply', async () => {
    await db.batch(migrationStatements(files.filter((f) => f > MIGRATION)).map((sql) => db.prepare(sql)));
    expect(await db.prepare("SELECT crm FROM installations WHERE id = 'ins1'").first('crm')).toBe(
      'highlevel',
    );
  });
});
