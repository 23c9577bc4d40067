// GET /admin/health (issue 16): operator token, configuration completeness by name (never values), backlog, dead
// letters, migration level and base URLs, over real local D1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { parseConfig } from '../../src/config';
import { createTestPlatform, TEST_SECRETS, type TestPlatform } from '../helpers/platform';
import { seedInstallation } from '../helpers/seed';

const OPERATOR_TOKEN = 'operator-token-test-0123456789abcdefghij';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform();
});
afterAll(async () => t.dispose());

const appWith = (env: Record<string, string>) =>
  createApp({ platform: { ...t.platform, config: parseConfig(env) } });

const health = (app: ReturnType<typeof createApp>, authorization?: string) =>
  app.request('/admin/health', authorization ? { headers: { authorization } } : {});

type ErrorBody = { error: { code: string; message: string; details?: unknown } };

describe('GET /admin/health', () => {
  it('is closed (503 not_configured, naming OPERATOR_TOKEN) while no operator token is configured', async () => {
    const res = await health(appWith({ ...TEST_SECRETS }), `Bearer ${OPERATOR_TOKEN}`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('not_configured');
    expect(body.error.details).toEqual({ secret: 'OPERATOR_TOKEN' });
  });

  it('answers 401 with the error envelope without the token, with a wrong one, or another scheme', async () => {
    const app = appWith({ ...TEST_SECRETS, OPERATOR_TOKEN });
    for (const authorization of [
      undefined,
      'Bearer wrong-token',
      `Bearer ${OPERATOR_TOKEN}x`,
      `Basic ${OPERATOR_TOKEN}`,
      OPERATOR_TOKEN,
    ]) {
      const res = await health(app, authorization);
      expect(res.status, String(authorization)).toBe(401);
      expect(((await res.json()) as ErrorBody).error.code).toBe('unauthorized');
    }
    const reseal = await app.request('/admin/reseal', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(reseal.status).toBe(401);
  });

  it('names what is missing or malformed, never a value', async () => {
    const env = {
      ENCRYPTION_KEY: TEST_SECRETS.ENCRYPTION_KEY,
      SESSION_SECRET: TEST_SECRETS.SESSION_SECRET,
      OPERATOR_TOKEN,
      META_APP_SECRET: TEST_SECRETS.META_APP_SECRET,
      META_VERIFY_TOKEN: TEST_SECRETS.META_VERIFY_TOKEN,
      HIGHLEVEL_CLIENT_ID: TEST_SECRETS.HIGHLEVEL_CLIENT_ID,
      HIGHLEVEL_SHARED_SECRET: 'short', // malformed: at least 8 characters
      APP_BASE_URL: 'https://wa.example.org',
    };
    const res = await health(appWith(env), `Bearer ${OPERATOR_TOKEN}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const value of Object.values(env).filter((v) => !v.startsWith('https://') && v !== 'short'))
      expect(text).not.toContain(value);
    const body = JSON.parse(text) as {
      ok: boolean;
      configuration: {
        complete: boolean;
        missing: string[];
        secrets: Record<string, { state: string; problem?: string; required: boolean }>;
        warnings: string[];
      };
      urls: { app: string; providers: Record<string, string>; crms: Record<string, string> };
    };
    expect(body.ok).toBe(false);
    expect(body.configuration.complete).toBe(false);
    expect(body.configuration.missing.sort()).toEqual(
      [
        'HIGHLEVEL_APP_ID',
        'HIGHLEVEL_CLIENT_SECRET',
        'HIGHLEVEL_CONVERSATION_PROVIDER_ID',
        'HIGHLEVEL_SHARED_SECRET',
        'PIPEDRIVE_CLIENT_ID',
        'PIPEDRIVE_CLIENT_SECRET',
      ].sort(),
    );
    expect(body.configuration.secrets.HIGHLEVEL_SHARED_SECRET).toMatchObject({
      state: 'invalid',
      required: true,
    });
    expect(body.configuration.secrets.HIGHLEVEL_SHARED_SECRET!.problem).toBeTruthy();
    expect(body.configuration.secrets.ENCRYPTION_KEY!.state).toBe('set');
    expect(body.configuration.secrets.PIPEDRIVE_JWT_SECRET).toMatchObject({
      state: 'missing',
      required: false,
    });
    expect(body.configuration.warnings).toEqual([]);
    expect(body.urls.app).toBe('https://wa.example.org');
    expect(body.urls.providers.meta).toBe('https://graph.facebook.com');
    expect(body.urls.crms.highlevelApi).toBe('https://services.leadconnectorhq.com');
    // The names come from the modules' configKeys.baseUrls; the report keeps the names operators know.
    expect(Object.keys(body.urls.providers)).toEqual(['meta', 'twilioApi', 'twilioContent', 'cm']);
    expect(Object.keys(body.urls.crms)).toEqual(['highlevelApi', 'highlevelAuthorize', 'pipedriveOAuth']);
  });

  it('reports complete configuration, backlog, dead letters and the migration level', async () => {
    const seeded = await seedInstallation(t.platform, { accountId: 'loc-health-1' });
    const now = t.clock.now();
    const connectionId = seeded.connections.meta.id;
    await t.db.batch([
      t.db
        .prepare(
          `INSERT INTO contacts (id, connection_id, phone, created_at, updated_at) VALUES ('ct_h1', ?1, '+15550000001', ?2, ?2)`,
        )
        .bind(connectionId, now),
      ...['queued', 'sending', 'unknown', 'sent'].map((sendState, i) =>
        t.db
          .prepare(
            `INSERT INTO messages (id, connection_id, contact_id, direction, origin, type, status, send_state, crm_sync,
               occurred_at, created_at, updated_at)
             VALUES (?1, ?2, 'ct_h1', 'outbound', 'app', 'text', 'accepted', ?3, ?4, ?5, ?5, ?5)`,
          )
          .bind(`msg_h${i}`, connectionId, sendState, i === 3 ? 'pending' : i === 2 ? 'dead' : 'none', now),
      ),
      t.db
        .prepare(
          `INSERT INTO dead_letters (id, installation_id, job_type, job, error, attempts, created_at)
           VALUES ('dl_h1', ?1, 'crm_message', '{}', 'HighLevel 500', 10, ?2)`,
        )
        .bind(seeded.installation.id, now - 60_000),
      t.db
        .prepare(
          `INSERT INTO dead_letters (id, installation_id, job_type, job, error, attempts, created_at, redriven_at)
           VALUES ('dl_h2', ?1, 'crm_message', '{}', 'HighLevel 500', 10, ?2, ?2)`,
        )
        .bind(seeded.installation.id, now),
      t.db.prepare("UPDATE messages SET send_retry_reason = 'provider 503' WHERE id = 'msg_h0'"),
      t.db
        .prepare(
          `INSERT INTO unreadable_webhook_items (id, provider, reason, raw, fingerprint, occurred_at, received_at)
           VALUES ('uwi_h1', 'meta', 'no phone or user id', '{}', 'fp-h1', ?1, ?1)`,
        )
        .bind(now),
      t.db
        .prepare(
          `INSERT INTO message_changes (id, message_id, kind, occurred_at, created_at, updated_at)
           VALUES ('chg_h1', 'msg_h3', 'edited', ?1, ?1, ?1)`,
        )
        .bind(now),
      t.db.prepare(
        'CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TEXT)',
      ),
      t.db.prepare("INSERT INTO d1_migrations (name) VALUES ('0001_init.sql'), ('0002_highlevel.sql')"),
    ]);
    const env = {
      ...TEST_SECRETS,
      OPERATOR_TOKEN,
      APP_BASE_URL: 'https://wa.example.org',
      HIGHLEVEL_CONVERSATION_PROVIDER_ID: 'provider-1',
      HIGHLEVEL_APP_ID: 'app-1',
    };
    const res = await health(appWith(env), `bearer ${OPERATOR_TOKEN}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.ok).toBe(true);
    expect(body.configuration).toMatchObject({ complete: true, missing: [] });
    expect(body.backlog).toEqual({
      sendsPending: 2,
      sendsRetrying: 1,
      sendsOutcomeUnknown: 1,
      crmWritesPending: 1,
      crmWritesDead: 1,
      crmChangesPending: 1,
      crmChangesDead: 0,
      crmDeliveriesQueued: 0,
      campaignRecipientsQueued: 0,
      unreadableWebhookItems: 1,
    });
    expect(body.deadLetters).toEqual({ count: 2, notRedriven: 1, oldestAt: now - 60_000 });
    expect(body.database).toEqual({ migrations: { applied: 2, latest: '0002_highlevel.sql' } });
  });
});
