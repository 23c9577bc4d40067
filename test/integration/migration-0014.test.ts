// #17 item 10: migration 0014 over a database with the schema before it keeps every CM.com number connected before
// the ownership proof existed working (proven since it was created), and new rows start pending only when asked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSendable } from '../../src/services/relay/connection-state';
import { ConnectionStore } from '../../src/store/connections';
import type { SecretBox } from '../../src/security/secret-box';
import { startLocalD1, type LocalD1 } from '../helpers/local-d1';
import { migrationFiles, migrationStatements } from '../helpers/platform';

const files = migrationFiles();
const T = 1_700_000_000_000;

let proxy: LocalD1;
let db: D1Database;

beforeAll(async () => {
  proxy = await startLocalD1();
  db = proxy.db;
  await db.batch(migrationStatements(files.filter((f) => f < '0014')).map((sql) => db.prepare(sql)));
  await db.batch([
    db.prepare(
      `INSERT INTO installations (id, crm, account_id, account_type, created_at, updated_at)
       VALUES ('ins1', 'highlevel', 'loc1', 'location', ${T}, ${T})`,
    ),
    db.prepare(
      `INSERT INTO connections (id, installation_id, provider, label, sender_phone, routing_key, credentials_enc,
         webhook_token_enc, created_at, updated_at)
       VALUES ('con1', 'ins1', 'cm', 'CM', '+31201234567', '+31201234567', 'sealed', 'sealed', ${T}, ${T})`,
    ),
  ]);
  await db.batch(migrationStatements(files.filter((f) => f >= '0014')).map((sql) => db.prepare(sql)));
});

afterAll(async () => {
  await proxy?.dispose();
});

describe('migration 0014 (CM.com sender proof)', () => {
  it('marks a CM.com number connected before it as proven: it keeps its routing key and can send', async () => {
    const store = new ConnectionStore(db, {} as SecretBox);
    const connection = await store.get('con1');
    expect(connection).toMatchObject({ routingKey: '+31201234567', status: 'active', verified: true });
    expect(isSendable(connection!)).toBe(true);
    expect(await store.findByRoutingKey('cm', '+31201234567')).toMatchObject({ id: 'con1' });
    const row = await db
      .prepare("SELECT verified_at, proof_attempts FROM connections WHERE id = 'con1'")
      .first();
    expect(row).toEqual({ verified_at: T, proof_attempts: 0 });
  });
});
