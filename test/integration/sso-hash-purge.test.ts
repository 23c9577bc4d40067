// HighLevel SSO replay hashes (issue 17 item 8) are not kept forever: the cron drops those first seen more than
// SSO_REPLAY_MEMORY_MS ago, in bounded batches, and nothing else in processed_events. Younger hashes stay, so a
// payload captured within that period is still refused. Injected clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { AppContext } from '../../src/context';
import { SSO_REPLAY_MEMORY_MS } from '../../adapters/crm/highlevel/highlevel-session';
import { purgeSessionReplayHashes as purgeSsoReplayHashes } from '../../src/services/install/crm-session';
import { createTestPlatform, TEST_SECRETS, type TestPlatform } from '../helpers/platform';
import { seedInstallation } from '../helpers/seed';
import { encryptSsoPayload } from '../mocks/highlevel/highlevel-events';

const DAY = 24 * 3_600_000;
let t: TestPlatform;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  t = await createTestPlatform();
  await seedInstallation(t.platform, { crm: 'highlevel', accountId: 'loc-purge' });
  app = createApp({ platform: t.platform });
});
afterAll(async () => t.dispose());

const payload = (userId: string) =>
  encryptSsoPayload(
    { userId, companyId: 'company-1', role: 'admin', type: 'agency', activeLocation: 'loc-purge' },
    TEST_SECRETS.HIGHLEVEL_SHARED_SECRET,
  );
const signIn = (ssoPayload: string) =>
  app.request('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ crm: 'highlevel', ssoPayload }),
  });
const ssoRows = async () =>
  (
    await t.db
      .prepare(
        "SELECT received_at FROM processed_events WHERE key LIKE 'highlevel:sso:%' ORDER BY received_at",
      )
      .all<{ received_at: number }>()
  ).results.map((r) => r.received_at);

describe('SSO replay hash purge', () => {
  it('drops hashes older than the replay memory, keeps younger ones and every other key', async () => {
    const ctx = new AppContext(t.platform);
    const start = t.clock.now();
    const old = payload('u-old');
    expect((await signIn(old)).status).toBe(200);
    // Other idempotency keys share the table: a webhook's, seen at the same time.
    await ctx.events.claim('meta:wamid.KEEP', start);
    t.clock.advance(60 * DAY);
    const recent = payload('u-recent');
    expect((await signIn(recent)).status).toBe(200);
    expect(await ssoRows()).toEqual([start, start + 60 * DAY]);

    // Within the memory nothing goes, and both payloads are refused when replayed past their reuse window.
    t.clock.advance(11 * 60_000);
    expect(await purgeSsoReplayHashes(ctx)).toBe(0);
    for (const p of [old, recent]) expect((await signIn(p)).status).toBe(401);

    // Past the first one's memory: only its hash goes.
    t.clock.current = start + SSO_REPLAY_MEMORY_MS + 1;
    expect(await purgeSsoReplayHashes(ctx)).toBe(1);
    expect(await ssoRows()).toEqual([start + 60 * DAY]);
    expect(
      await t.db.prepare("SELECT key FROM processed_events WHERE key = 'meta:wamid.KEEP'").first(),
    ).toEqual({
      key: 'meta:wamid.KEEP',
    });
    // The younger payload is still refused.
    expect((await signIn(recent)).status).toBe(401);
    expect(await ssoRows()).toEqual([start + 60 * DAY]);
  });

  it('purges in bounded batches, a key range apart from other prefixes', async () => {
    const ctx = new AppContext(t.platform);
    const seenAt = t.clock.now() - SSO_REPLAY_MEMORY_MS - 1;
    for (let i = 0; i < 7; i++) await ctx.events.claim(`highlevel:sso:${'f'.repeat(60)}${i}`, seenAt);
    await ctx.events.claim('highlevel:ssp:neighbour', seenAt); // the next prefix up: never matched
    expect(
      await ctx.events.purgeKeysSeenBefore('highlevel:sso:', t.clock.now() - SSO_REPLAY_MEMORY_MS, 5),
    ).toBe(5);
    expect(await purgeSsoReplayHashes(ctx)).toBe(2);
    expect(
      await t.db.prepare("SELECT key FROM processed_events WHERE key = 'highlevel:ssp:neighbour'").first(),
    ).toBeTruthy();
  });
});
