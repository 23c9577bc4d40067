// No credential or token ever appears in a page, an API response or a log line (issue 6 acceptance):
// a whole admin + agent flow runs against the simulators while every response and every console line is kept,
// then both are searched for each secret.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app';
import { drainMemoryQueue } from '../../src/services/jobs';
import { createTestPlatform, TEST_SECRETS, type TestPlatform } from '../helpers/platform';
import { SEED_CREDENTIALS, seedInstallation, type Seeded } from '../helpers/seed';
import { encryptSsoPayload } from '../mocks/highlevel/highlevel-events';
import { createVendorSimulators } from '../mocks/index';

const sims = createVendorSimulators();
const server = setupServer(...sims.handlers);
let t: TestPlatform;
let seeded: Seeded;
let app: ReturnType<typeof createApp>;
const logged: string[] = [];
const answers: string[] = [];

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  t = await createTestPlatform();
  seeded = await seedInstallation(t.platform, { accountId: 'loc-6666' });
  sims.meta.state.seedTemplates(5);
  app = createApp({ platform: t.platform });
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (typeof a === 'string' ? a : (JSON.stringify(a) ?? String(a)))).join(' '));
    });
  }
});
afterAll(async () => {
  vi.restoreAllMocks();
  server.close();
  await t.dispose();
});

async function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; keep?: boolean } = {},
) {
  const res = await app.request(path, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  if (options.keep !== false)
    answers.push(`${method} ${path} → ${res.status}\n${[...res.headers].join('\n')}\n${text}`);
  return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

describe('secrets stay out of pages, answers and logs', () => {
  it('holds for connect, test, sync, send, statuses, failures and both pages', async () => {
    const sso = encryptSsoPayload(
      { userId: 'u-1', companyId: 'company-1', role: 'admin', type: 'agency', activeLocation: 'loc-6666' },
      TEST_SECRETS.HIGHLEVEL_SHARED_SECRET,
    );
    // The session answer carries the bearer by design; it is kept out of the searched answers.
    const session = await call('POST', '/api/session', {
      body: { crm: 'highlevel', ssoPayload: sso },
      keep: false,
    });
    const token = session.json().token as string;

    const wrongToken = 'EAAwrong-meta-token-that-the-simulator-refuses';
    const refused = await call('POST', '/api/connections', {
      token,
      body: {
        label: 'Wrong',
        senderPhone: '+14155550199',
        provider: 'meta',
        credentials: {
          accessToken: wrongToken,
          wabaId: sims.meta.config.wabaId,
          phoneNumberId: sims.meta.config.phoneNumberId,
        },
      },
    });
    expect(refused.status).toBe(400);

    const created = await call('POST', '/api/connections', {
      token,
      body: {
        label: 'Meta',
        senderPhone: '+14155550198',
        provider: 'meta',
        credentials: {
          accessToken: sims.meta.config.accessToken,
          wabaId: sims.meta.config.wabaId,
          phoneNumberId: sims.meta.config.phoneNumberId,
          appSecret: 'per-connection-app-secret-123',
        },
      },
    });
    expect(created.status).toBe(201);
    const connectionId = (created.json().connection as { id: string }).id;
    expect((await call('GET', '/api/connections', { token })).status).toBe(200);
    expect((await call('POST', `/api/connections/${connectionId}/test`, { token })).json()).toEqual({
      ok: true,
    });
    expect((await call('POST', '/api/templates/sync', { token, body: { connectionId } })).status).toBe(200);
    const templates = (
      await call('GET', `/api/templates?connectionId=${connectionId}&status=APPROVED`, { token })
    ).json().templates as { id: string; variables: { id: string }[] }[];
    const tpl = templates.find((x) => x.variables.length > 0)!;
    const values = Object.fromEntries(tpl.variables.map((v) => [v.id, 'Anna']));
    const sent = await call('POST', '/api/messages', {
      token,
      body: {
        connectionId,
        to: '+393471234567',
        content: {
          type: 'template',
          templateId: tpl.id,
          values,
          headerMediaUrl: 'https://example.com/a.jpg',
        },
      },
    });
    expect(sent.status).toBe(202);
    const refusedText = await call('POST', '/api/messages', {
      token,
      body: { connectionId, to: '+393471234567', content: { type: 'text', text: 'hi' } },
    });
    expect(refusedText.status).toBe(409);
    await drainMemoryQueue(seeded.ctx, t.queue);
    await call('GET', `/api/contacts/%2B393471234567/messages?connectionId=${connectionId}`, { token });
    await call('GET', `/api/contacts/%2B393471234567/window?connectionId=${connectionId}`, { token });
    await call('GET', '/api/dead-letters', { token });
    await call('GET', '/api/connections', { token: 'forged.bearer.token' });
    await call('GET', '/ui/admin');
    await call('GET', '/ui/sidebar');
    await call('GET', '/healthz');

    const secrets = {
      ...TEST_SECRETS,
      metaAccessToken: sims.meta.config.accessToken,
      wrongToken,
      appSecret: 'per-connection-app-secret-123',
      seededMetaToken: SEED_CREDENTIALS.meta.accessToken,
      seededTwilioToken: SEED_CREDENTIALS.twilio.authToken,
      seededCmToken: SEED_CREDENTIALS.cm.productToken,
      crmAccessToken: 'crm-access-loc-6666',
      crmRefreshToken: 'crm-refresh-loc-6666',
      sessionToken: token,
      ssoPayload: sso,
    };
    // No platform secret in tenant answers: the Meta verify token included (#17 item 10).
    const haystacks = { answers: answers.join('\n'), logs: logged.join('\n') };
    const leaks: string[] = [];
    for (const [name, value] of Object.entries(secrets)) {
      for (const [where, text] of Object.entries(haystacks))
        if (text.includes(value)) leaks.push(`${name} in ${where}`);
    }
    expect(leaks).toEqual([]);
    // The flow did run: answers and sends happened.
    expect(sims.meta.state.sent.length).toBe(1);
    expect(answers.length).toBeGreaterThanOrEqual(15);
  });
});
