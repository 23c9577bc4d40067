// OAuth states written by unauthenticated /oauth/*/start calls (#17 item 10): capped when written, purged when
// stale by the scheduled handler, and a full table answers 429 instead of growing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { AppContext } from '../../src/context';
import { MAX_LIVE_OAUTH_STATES, purgeStaleOAuthStates } from '../../src/services/install/oauth-states';
import { createTestPlatform, type TestPlatform } from '../helpers/platform';

let t: TestPlatform;
let app: ReturnType<typeof createApp>;
beforeEach(async () => {
  t = await createTestPlatform();
  app = createApp({ platform: t.platform });
});
afterEach(async () => t.dispose());

const MINUTE = 60_000;
const count = async (crm?: string) =>
  (await t.db
    .prepare(`SELECT COUNT(*) AS n FROM oauth_states${crm ? ' WHERE crm = ?' : ''}`)
    .bind(...(crm ? [crm] : []))
    .first<{ n: number }>())!.n;

/** Fills the table with `n` live states of `crm` in one statement. */
async function fill(crm: string, n: number, expiresAt: number) {
  await t.db
    .prepare(
      `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
       INSERT INTO oauth_states (state, crm, code_verifier, expires_at) SELECT 'filler-' || i, ?, '', ? FROM seq`,
    )
    .bind(n, crm, expiresAt)
    .run();
}

describe('oauth_states', () => {
  it('are purged by the scheduled handler once expired, live ones kept', async () => {
    for (const crm of ['highlevel', 'pipedrive', 'highlevel']) {
      expect((await app.request(`/oauth/${crm}/start`)).status).toBe(302);
    }
    t.clock.advance(11 * MINUTE);
    expect((await app.request('/oauth/pipedrive/start')).status).toBe(302);
    expect(await count()).toBe(4);
    await purgeStaleOAuthStates(new AppContext(t.platform));
    expect(await count()).toBe(1);
  });

  it('caps what unauthenticated starts can write: 429 when full, nothing written; expired rows do not count', async () => {
    await fill('highlevel', MAX_LIVE_OAUTH_STATES, t.clock.now() + 10 * MINUTE);
    const res = await app.request('/oauth/highlevel/start');
    expect(res.status).toBe(429);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('rate_limited');
    expect(error.message).toMatch(/try again/);
    expect(await count('highlevel')).toBe(MAX_LIVE_OAUTH_STATES);
    // The other CRM has its own budget.
    expect((await app.request('/oauth/pipedrive/start')).status).toBe(302);

    t.clock.advance(11 * MINUTE);
    expect((await app.request('/oauth/highlevel/start')).status).toBe(302);
    await purgeStaleOAuthStates(new AppContext(t.platform));
    expect(await count('highlevel')).toBe(1);
  });
});
