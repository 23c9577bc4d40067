// A CM.com sender number is proven to belong to its credentials before it is claimed (#17 item 10). CM.com lists
// no senders and signs no webhooks, so a new CM.com number is pending until a one-time code, sent from the number
// with the connection's own product token, is typed back by the admin who received it on WhatsApp.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { createTestPlatform, type TestPlatform } from '../helpers/platform';
import { seedInstallation, type Seeded } from '../helpers/seed';
import { buildCmInbound, createCmSimulator, type CmSimulator } from '../mocks/cm';

const OWNER_TOKEN = '00000000-0000-4000-8000-00000000000a';
const ATTACKER_TOKEN = '00000000-0000-4000-8000-00000000000b';
const NUMBER = '+31209990001';
const OWNER_PHONE = '+31612340001';
const ATTACKER_PHONE = '+31612340002';

let t: TestPlatform;
let a: Seeded;
let b: Seeded;
let app: ReturnType<typeof createApp>;
// One gateway, two accounts: the owner's account sends as NUMBER, the attacker's does not.
let owner: CmSimulator;
const server = setupServer();

beforeAll(async () => {
  t = await createTestPlatform();
  owner = createCmSimulator({ productTokens: [OWNER_TOKEN, ATTACKER_TOKEN], now: t.clock.now });
  owner.state.foreignSenders.set(ATTACKER_TOKEN, new Set([NUMBER.slice(1)]));
  server.use(...owner.handlers);
  server.listen({ onUnhandledRequest: 'error' });
  a = await seedInstallation(t.platform, { accountId: 'loc-6161' });
  b = await seedInstallation(t.platform, { accountId: 'loc-6262' });
  app = createApp({ platform: t.platform });
});
afterAll(async () => {
  server.close();
  await t.dispose();
});

// Loose reading of the answers, the assertions check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

async function call(token: string, method: string, path: string, body?: unknown) {
  const res = await app.request(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => null)) as Json };
}

const connectCm = async (who: Seeded, productToken: string) =>
  call(await who.token('admin'), 'POST', '/api/connections', {
    label: 'CM',
    senderPhone: NUMBER,
    provider: 'cm',
    credentials: { productToken, from: NUMBER },
  });

const sendText = async (who: Seeded, connectionId: string) =>
  call(await who.token('admin'), 'POST', '/api/messages', {
    connectionId,
    to: OWNER_PHONE,
    content: { type: 'text', text: 'Hello' },
  });

const lastCode = () => {
  const part = owner.state.sent.at(-1)?.part as { text?: string } | undefined;
  return /(\d{6})$/.exec(part?.text ?? '')?.[1];
};

describe('CM.com sender ownership', () => {
  let bId: string;
  let aId: string;
  let aUrl: string;

  it('a tenant claiming a number first stays pending: it cannot send and locks nobody out', async () => {
    const claimed = await connectCm(b, ATTACKER_TOKEN);
    expect(claimed.status).toBe(201);
    expect(claimed.json.connection).toMatchObject({ verified: false, status: 'active' });
    bId = claimed.json.connection.id;
    const refused = await sendText(b, bId);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('connection_unverified');
    expect(refused.json.error.message).toContain('one-time code');

    const ownerClaim = await connectCm(a, OWNER_TOKEN);
    expect(ownerClaim.status).toBe(201);
    expect(ownerClaim.json.connection.verified).toBe(false);
    aId = ownerClaim.json.connection.id;
    aUrl = ownerClaim.json.connection.webhookUrl;
  });

  it("the attacker's CM.com account cannot send the code from the number, so it has nothing to type", async () => {
    const sent = await call(await b.token('admin'), 'POST', `/api/connections/${bId}/verification`, {
      phone: ATTACKER_PHONE,
    });
    expect(sent.status).toBe(502);
    expect(sent.json.error.message).toContain('WhatsApp sender of this CM.com account');
    const guess = await call(await b.token('admin'), 'POST', `/api/connections/${bId}/verification/confirm`, {
      code: '123456',
    });
    expect(guess.status).toBe(400);
  });

  it("a webhook the attacker posts on its own URL, naming the owner's number, proves nothing", async () => {
    const list = await call(await b.token('admin'), 'GET', '/api/connections');
    const bUrl = (list.json.connections as { id: string; webhookUrl: string }[]).find(
      (c) => c.id === bId,
    )!.webhookUrl;
    const inbound = buildCmInbound({
      from: ATTACKER_PHONE,
      to: NUMBER,
      content: { type: 'text', text: 'hi' },
    });
    const post = (url: string) =>
      app.request(new URL(url).pathname, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(inbound),
      });
    expect((await post(bUrl)).status).toBe(200);
    expect((await post(aUrl.replace(/\/[^/]+$/, '/forged-token'))).status).toBe(401);
    expect((await sendText(b, bId)).json.error.code).toBe('connection_unverified');
  });

  it('the owner receives the code from the number, types it back and can send; the other claim is refused', async () => {
    const token = await a.token('admin');
    const sent = await call(token, 'POST', `/api/connections/${aId}/verification`, { phone: OWNER_PHONE });
    expect(sent.status).toBe(200);
    expect(owner.state.sent.at(-1)).toMatchObject({ from: NUMBER.slice(1), to: `00${OWNER_PHONE.slice(1)}` });
    const code = lastCode()!;
    expect(code).toMatch(/^\d{6}$/);
    const wrong = code === '000000' ? '000001' : '000000';
    expect(
      (await call(token, 'POST', `/api/connections/${aId}/verification/confirm`, { code: wrong })).status,
    ).toBe(400);
    const confirmed = await call(token, 'POST', `/api/connections/${aId}/verification/confirm`, { code });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json.connection).toMatchObject({ id: aId, verified: true });

    // The owner sends from the proven number (a template: no customer window is open).
    const manual = await call(token, 'POST', '/api/templates/manual', {
      connectionId: aId,
      namespace: '0a72eb69_2478_4109_a8b6_577bf0ec778a',
      elementName: 'hello',
      language: 'en',
      category: 'UTILITY',
      body: 'Hello',
    });
    expect(manual.status).toBeLessThan(300);
    const templates = await call(token, 'GET', `/api/templates?connectionId=${aId}`);
    const templateId = (templates.json.templates as { id: string }[])[0]!.id;
    const reply = await call(token, 'POST', '/api/messages', {
      connectionId: aId,
      to: OWNER_PHONE,
      content: { type: 'template', templateId, values: {} },
    });
    expect(reply.status).toBeLessThan(300);
    expect(reply.status).not.toBe(409);

    // Proven by A: a new claim by another tenant is 409, B's pending one can never be confirmed, and still can't send.
    expect((await connectCm(b, ATTACKER_TOKEN)).status).toBe(409);
    expect((await sendText(b, bId)).json.error.code).toBe('connection_unverified');
    const row = await t.db
      .prepare('SELECT routing_key, verified_at FROM connections WHERE id = ?')
      .bind(bId)
      .first<{ routing_key: string; verified_at: number | null }>();
    expect(row).toMatchObject({ verified_at: null });
    expect(row!.routing_key).not.toBe(NUMBER);
  });

  it('a CM.com number connected before this change (migration default) keeps sending', async () => {
    expect(a.connections.cm.verified).toBe(true);
    const list = await call(await a.token('admin'), 'GET', '/api/connections');
    const seeded = (list.json.connections as { id: string; verified: boolean }[]).find(
      (c) => c.id === a.connections.cm.id,
    );
    expect(seeded?.verified).toBe(true);
  });
});
