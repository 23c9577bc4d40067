// HighLevel reliability (DESIGN.md §6, issue 4 acceptance): rotating refresh tokens refreshed exactly once under
// concurrency, a HighLevel outage (429 / 5xx) delays inbound messages but never drops or duplicates them, a budget
// exhausted lands in the dead-letter list, and agency installs work through location tokens.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshHighLevelToken } from '../../adapters/crm/highlevel';
import { AppContext } from '../../src/context';
import { CRM_RETRY_BUDGET } from '../../src/services/crm/crm';
import { installationTokenSource } from '../../src/services/crm/crm-tokens';
import { refresherFor } from '../../src/services/crm/crm';
import { drainMemoryQueue, runJob } from '../../src/services/jobs';
import { HOUR } from '../helpers/platform';
import {
  adminToken,
  APP_BASE,
  connectProvider,
  createWorld,
  customerWrites,
  installationOf,
  installHighLevel,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();

let w: World;
beforeEach(async () => {
  w = await createWorld();
});
afterEach(async () => w.t.dispose());

const hl = () => w.sims.highlevel.state;
const refreshCalls = () => hl().tokenRequests.filter((r) => r.grantType === 'refresh_token');

async function installedWith(provider: 'meta' | 'twilio' | 'cm' = 'meta') {
  expect((await installHighLevel(w)).status).toBe(302);
  const installation = (await installationOf(w))!;
  const admin = await adminToken(w, installation.id);
  const number = await connectProvider(w, admin, provider);
  return { installation, admin, number };
}

describe('token refresh', () => {
  it('two concurrent refreshes for one installation make exactly one refresh call', async () => {
    const { installation } = await installedWith();
    // Two requests (here: two isolates' worth of contexts) both get a 401 and both ask for a refresh.
    const refresher = async (_: unknown, refreshToken: string) => {
      const t = await refreshHighLevelToken({
        tokenUrl: 'https://services.leadconnectorhq.com/oauth/token',
        clientId: 'ghl-client-id',
        clientSecret: 'ghl-client-secret-test',
        refreshToken,
        userType: 'Location',
        locationId: installation.accountId,
        now: w.t.clock.now,
      });
      return { accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: t.expiresAt };
    };
    const a = installationTokenSource(new AppContext(w.t.platform), installation.id, refresher);
    const b = installationTokenSource(new AppContext(w.t.platform), installation.id, refresher);
    const [ta, tb] = await Promise.all([a.refresh(), b.refresh()]);
    expect(refreshCalls()).toEqual([expect.objectContaining({ ok: true })]);
    expect(ta).toBe(tb);
    expect(hl().validAccessToken(ta)).toBeDefined();
  });

  it('a day later, concurrent CRM deliveries refresh once and every message still arrives', async () => {
    const { number } = await installedWith();
    w.t.clock.advance(25 * HOUR); // the day-long access token has expired on both sides
    for (const phone of ['+3725550111', '+3725550112', '+3725550113']) {
      expect((await customerWrites(w, number, phone, `hello from ${phone}`)).status).toBe(200);
    }
    // Run the three CRM jobs at the same time, as three queue consumers would.
    const due = w.t.queue.takeDue();
    const outcomes = await Promise.all(due.map((d) => runJob(new AppContext(w.t.platform), d.job, 0)));
    expect(outcomes.map((o) => o.kind)).toEqual(['done', 'done', 'done']);
    expect(refreshCalls()).toEqual([expect.objectContaining({ ok: true })]);
    expect([...hl().messages.values()].filter((m) => m.direction === 'inbound')).toHaveLength(3);
  });

  it('the refresh lease is a compare-and-swap: a second claimant of the same version loses', async () => {
    const { installation } = await installedWith();
    const { installations } = await w.ctx.secretStores();
    const now = w.t.clock.now();
    const first = await installations.claimRefreshLease(
      installation.id,
      installation.tokenVersion,
      now,
      30_000,
    );
    const second = await installations.claimRefreshLease(
      installation.id,
      installation.tokenVersion,
      now,
      30_000,
    );
    expect([first, second]).toEqual([true, false]);
  });
});

describe('HighLevel outage', () => {
  async function customerBurst(number: ConnectedNumber, n: number): Promise<string[]> {
    const phones = Array.from({ length: n }, (_, i) => `+37255502${String(i).padStart(2, '0')}`);
    for (const phone of phones)
      expect((await customerWrites(w, number, phone, `message from ${phone}`)).status).toBe(200);
    return phones;
  }

  it('429 then 5xx for a while: every inbound message arrives exactly once after recovery', async () => {
    const { number } = await installedWith('twilio');
    w.sims.highlevel.faults.add({ status: 429, times: 8, headers: { 'X-RateLimit-Remaining': '0' } });
    w.sims.highlevel.faults.add({ status: 503, times: 10 });
    w.sims.highlevel.faults.add({ status: 500, times: 4, match: (r) => r.url.endsWith('/messages/inbound') });
    const phones = await customerBurst(number, 5);

    // During the outage nothing reaches HighLevel and nothing is given up.
    await drainMemoryQueue(w.ctx, w.t.queue);
    expect([...hl().messages.values()]).toHaveLength(0);
    expect(w.t.queue.pending.length).toBeGreaterThan(0);

    await w.settle();
    expect(w.sims.highlevel.faults.injected).toBe(22);
    const stored = await w.t.db
      .prepare("SELECT provider_message_id AS id, crm_sync FROM messages WHERE direction = 'inbound'")
      .all<{ id: string; crm_sync: string }>();
    expect(stored.results).toHaveLength(5);
    for (const row of stored.results) {
      expect(row.crm_sync).toBe('done');
      expect(hl().countByAltId(row.id)).toBe(1);
    }
    for (const phone of phones) expect(hl().contactByPhone(hl().config.locationId, phone)).toBeDefined();
    expect((await w.t.db.prepare('SELECT COUNT(*) AS n FROM dead_letters').first<{ n: number }>())!.n).toBe(
      0,
    );
  });

  it('an outage longer than the retry budget lands in the dead-letter list the admin page reads', async () => {
    const { installation, number } = await installedWith('cm');
    w.sims.highlevel.faults.add({ status: 502, times: 1_000 });
    await customerBurst(number, 1);
    await w.settle(7 * 24 * HOUR);
    expect(w.t.queue.pending).toHaveLength(0);
    // A day of retries later, the admin opens the page with a fresh session.
    const admin = await adminToken(w, installation.id);
    const res = await w.call('GET', '/api/dead-letters', { token: admin });
    expect(res.status).toBe(200);
    const { deadLetters } = (await res.json()) as {
      deadLetters: { jobType: string; error: string; attempts: number }[];
    };
    expect(deadLetters).toEqual([
      expect.objectContaining({
        jobType: 'crm_record_message',
        error: expect.stringContaining('HTTP 502'),
        attempts: CRM_RETRY_BUDGET + 1,
      }),
    ]);
    const row = await w.t.db
      .prepare("SELECT crm_sync FROM messages WHERE direction = 'inbound'")
      .first<{ crm_sync: string }>();
    expect(row!.crm_sync).toBe('dead');
  });
});

describe('agency (Company) install', () => {
  async function agencyInstall() {
    const code = hl().issueCode({ userType: 'Company', redirectUri: `${APP_BASE}/oauth/highlevel/callback` });
    const res = await w.app.request(`/oauth/highlevel/callback?code=${code}`);
    expect(res.status).toBe(302);
  }

  it('keeps the agency token and gives each approved location its own installation with a location token', async () => {
    await agencyInstall();
    const company = (await installationOf(w, hl().config.companyId))!;
    const location = (await installationOf(w))!;
    expect(company).toMatchObject({ accountType: 'company', status: 'active' });
    expect(location).toMatchObject({
      accountType: 'location',
      companyId: hl().config.companyId,
      status: 'active',
    });
    expect(location.settings.viaCompany).toBe(true);
    expect(hl().locationTokens).toHaveLength(1);

    // The location works like a direct install: inbound messages reach its HighLevel conversation.
    const number = await connectProvider(w, await adminToken(w, location.id), 'meta');
    await customerWrites(w, number, '+3725550199', 'Hello agency');
    await w.settle();
    expect([...hl().messages.values()]).toEqual([expect.objectContaining({ message: 'Hello agency' })]);

    // Its token is renewed by minting a new location token, never by a refresh grant it does not have.
    w.t.clock.advance(25 * HOUR);
    await customerWrites(w, number, '+3725550199', 'Still there?');
    await w.settle();
    expect(hl().messages.size).toBe(2);
    expect(hl().locationTokens).toHaveLength(2);
    expect(refreshCalls()).toEqual([expect.objectContaining({ userType: 'Company', ok: true })]);
  });

  it('mints a token for a location INSTALL of the agency and uninstalls the agency with its minted locations', async () => {
    await agencyInstall();
    const res = await w.post(
      '/crm/highlevel/events',
      w.sims.highlevel.buildInstallEvent({ locationId: 'newLocation000000001' }),
    );
    expect(await res.json()).toEqual({ ok: true, outcome: 'installed' });
    expect(await installationOf(w, 'newLocation000000001')).toMatchObject({
      accountType: 'location',
      status: 'active',
    });

    const uninstall = w.sims.highlevel.buildUninstallEvent({ companyId: hl().config.companyId });
    expect(await (await w.post('/crm/highlevel/events', uninstall)).json()).toEqual({
      ok: true,
      outcome: 'uninstalled',
    });
    for (const account of [hl().config.companyId, hl().config.locationId, 'newLocation000000001']) {
      expect(await installationOf(w, account)).toMatchObject({ status: 'uninstalled', hasTokens: false });
    }
  });

  it('a minted location whose agency is gone fails clearly instead of retrying forever', async () => {
    await agencyInstall();
    const location = (await installationOf(w))!;
    const { installations } = await w.ctx.secretStores();
    await installations.uninstall((await installationOf(w, hl().config.companyId))!.id, w.t.clock.now());
    await expect(refresherFor(w.ctx, location)(location, '')).rejects.toMatchObject({
      code: 'crm_error',
      details: { retryable: false },
    });
  });
});
