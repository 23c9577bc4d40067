// Every inbound route that authenticates its caller, over a target (node in-process, or the Worker in workerd):
// a genuine call is accepted, and any forged or malformed signature, token or credential — wrong length, bad
// base64, another algorithm, another key, a stale or tampered body — is a 401 error envelope that stores nothing.
// Issue 17 finding 4: `X-GHL-Signature: Zm9yZ2Vk` was a 500 in workerd while the Node tests said 401.
import { describe, expect, it } from 'vitest';
import { createHighLevelSigner } from '../../mocks/highlevel';
import { metaInbound, metaMessagesWebhook, signMetaWebhook } from '../../mocks/meta';
import { buildTwilioInbound, DEFAULT_AUTH_TOKEN, twilioWebhookRequest } from '../../mocks/twilio';
import { buildCmInbound } from '../../mocks/cm';
import type { AppTarget } from '../app-target';
import { adminSession, type TargetRef } from '../use-target';

const bytes = (n: number, fill = 1) => Buffer.alloc(n, fill).toString('base64');

/** Signature-shaped values no vendor would send; each must be refused as 401, never thrown on. */
export const MALFORMED_SIGNATURES = [
  'Zm9yZ2Vk', // "forged": 6 bytes where Ed25519 wants 64 (the finding)
  '!!!',
  '====',
  'sha256=',
  'sha256=' + 'zz'.repeat(32),
  'sha256=' + 'ab'.repeat(31),
  'sha1=' + 'ab'.repeat(20),
  bytes(1),
  bytes(20),
  bytes(63),
  bytes(64), // right length, wrong bytes
  bytes(65),
  bytes(512), // RSA-4096 length
  Buffer.alloc(64, 0xff).toString('base64url'),
  'x'.repeat(4096),
  ' ',
  'e30.e30.', // a JWS with alg "none"-style empty signature
  'eyJhbGciOiJIUzUxMiJ9.e30.' + Buffer.alloc(64, 2).toString('base64url'), // HS512, not ours
];

type Json = Record<string, unknown>;

async function expectUnauthorized(res: Response, what: string): Promise<void> {
  expect(res.status, what).toBe(401);
  const body = (await res.json()) as { error?: { code?: string; message?: string } };
  expect(body.error?.code, what).toBe('unauthorized');
  expect(body.error?.message, what).toBeTruthy();
}

function pathOf(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}

/** The thread of `phone` on every demo HighLevel connection, through the API (the same in both targets). */
async function storedTexts(target: AppTarget, admin: string, phone: string): Promise<string[]> {
  const texts: string[] = [];
  for (const connection of Object.values(target.seed.highlevel.connections)) {
    const res = await target.request(
      `/api/contacts/${encodeURIComponent(phone)}/messages?connectionId=${connection.id}`,
      { headers: { authorization: `Bearer ${admin}` } },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { messages: { text: string | null }[] };
    texts.push(...body.messages.map((m) => m.text ?? ''));
  }
  return texts;
}

export function inboundSecuritySuite(ref: TargetRef): void {
  describe(`inbound authentication never throws and stores nothing when forged (${ref.kind})`, () => {
    it('Meta webhooks: genuine accepted; malformed, foreign-key and tampered signatures 401', async () => {
      const target = ref.current;
      const admin = await adminSession(target);
      const phone = '+4915110000001';
      const payload = (text: string) =>
        JSON.stringify(
          metaMessagesWebhook(
            target.sims.meta.config,
            [metaInbound.text({ from: phone.slice(1) }, text)],
            'Probe',
          ),
        );
      const post = (body: string, signature?: string) =>
        target.request('/webhooks/meta', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(signature === undefined ? {} : { 'x-hub-signature-256': signature }),
          },
          body,
        });
      const forged = payload('forged meta text');
      for (const signature of [
        ...MALFORMED_SIGNATURES,
        await signMetaWebhook(forged, 'another-app-secret'),
        await signMetaWebhook(forged + ' ', target.vars.META_APP_SECRET!),
      ]) {
        await expectUnauthorized(await post(forged, signature), `meta signature ${signature.slice(0, 24)}`);
      }
      await expectUnauthorized(await post(forged), 'meta without signature');
      const genuine = payload('genuine meta text');
      const ok = await post(genuine, await signMetaWebhook(genuine, target.vars.META_APP_SECRET!));
      expect(ok.status).toBe(200);
      const texts = await storedTexts(target, admin, phone);
      expect(texts).toContain('genuine meta text');
      expect(texts).not.toContain('forged meta text');
    });

    it('Meta subscription handshake: only the verify token echoes the challenge', async () => {
      const target = ref.current;
      const q = (token: string) =>
        `/webhooks/meta?hub.mode=subscribe&hub.challenge=123&hub.verify_token=${encodeURIComponent(token)}`;
      for (const token of MALFORMED_SIGNATURES) expect((await target.request(q(token))).status).toBe(403);
      const ok = await target.request(q(target.vars.META_VERIFY_TOKEN!));
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('123');
    });

    it('Twilio webhooks: genuine accepted; malformed or wrong-token signatures 401', async () => {
      const target = ref.current;
      const admin = await adminSession(target);
      const connection = target.seed.highlevel.connections.twilio;
      const phone = '+4915110000002';
      const url = `${target.vars.APP_BASE_URL!.replace(/\/+$/, '')}/webhooks/twilio/${connection.id}`;
      const signed = async (text: string, authToken = DEFAULT_AUTH_TOKEN) =>
        twilioWebhookRequest({
          url,
          authToken,
          params: buildTwilioInbound({ to: connection.senderPhone, from: phone, body: text }),
        });
      const post = (request: Awaited<ReturnType<typeof signed>>, signature?: string) => {
        const headers = new Headers(request.headers);
        if (signature === undefined) headers.delete('x-twilio-signature');
        else headers.set('x-twilio-signature', signature);
        return target.request(pathOf(request.url), { method: 'POST', headers, body: request.rawBody });
      };
      const forged = await signed('forged twilio text');
      for (const signature of MALFORMED_SIGNATURES)
        await expectUnauthorized(await post(forged, signature), `twilio signature ${signature.slice(0, 24)}`);
      await expectUnauthorized(await post(forged), 'twilio without signature');
      const otherToken = await signed('forged twilio text', 'not-the-auth-token');
      await expectUnauthorized(
        await post(otherToken, otherToken.headers.get('x-twilio-signature')!),
        'token',
      );
      const genuine = await signed('genuine twilio text');
      expect((await post(genuine, genuine.headers.get('x-twilio-signature')!)).status).toBe(200);
      const texts = await storedTexts(target, admin, phone);
      expect(texts).toContain('genuine twilio text');
      expect(texts).not.toContain('forged twilio text');
    });

    it('CM.com webhooks: only the connection’s URL token is accepted', async () => {
      const target = ref.current;
      const admin = await adminSession(target);
      const connection = target.seed.highlevel.connections.cm;
      const phone = '+4915110000003';
      const post = (token: string, text: string) =>
        target.request(`/webhooks/cm/${connection.id}/${encodeURIComponent(token)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(
            buildCmInbound({ from: phone, to: connection.senderPhone, content: { type: 'text', text } }),
          ),
        });
      for (const token of MALFORMED_SIGNATURES.filter((t) => t.trim() && t.length < 128))
        await expectUnauthorized(await post(token, 'forged cm text'), `cm token ${token.slice(0, 24)}`);
      expect((await post(connection.webhookToken!, 'genuine cm text')).status).toBe(200);
      const texts = await storedTexts(target, admin, phone);
      expect(texts).toContain('genuine cm text');
      expect(texts).not.toContain('forged cm text');
    });

    it('HighLevel Delivery URL and events: malformed, foreign-key, tampered and stale signatures 401', async () => {
      const target = ref.current;
      const admin = await adminSession(target);
      const hl = target.sims.highlevel;
      const phone = '+4915110000004';
      const post = (p: string, body: string, headers: Json) =>
        target.request(p, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        });
      const forged = hl.buildOutboundDelivery({ phone, message: 'forged highlevel text' });
      const uninstall = hl.buildUninstallEvent();
      for (const [route, body] of [
        ['/crm/highlevel/outbound', forged.body],
        ['/crm/highlevel/events', uninstall.body],
      ] as const) {
        for (const signature of MALFORMED_SIGNATURES) {
          await expectUnauthorized(
            await post(route, body, { 'x-ghl-signature': signature }),
            `${route} X-GHL-Signature ${signature.slice(0, 24)}`,
          );
        }
        // The legacy RSA header alone is not accepted, however it looks.
        await expectUnauthorized(await post(route, body, { 'x-wh-signature': bytes(512) }), `${route} rsa`);
        await expectUnauthorized(await post(route, body, {}), `${route} unsigned`);
        const stranger = createHighLevelSigner().signEvent(body);
        await expectUnauthorized(await post(route, body, stranger.headers), `${route} foreign key`);
        await expectUnauthorized(
          await post(route, body.replace('"', ' "'), { 'x-ghl-signature': hl.signEvent(body).signature }),
          `${route} tampered`,
        );
      }
      const stale = hl.signEvent({
        ...forged.payload,
        timestamp: new Date(target.now() - 10 * 60_000).toISOString(),
      });
      await expectUnauthorized(await post('/crm/highlevel/outbound', stale.body, stale.headers), 'stale');
      expect(await storedTexts(target, admin, phone)).toEqual([]);
      // The installation is still there: the forged UNINSTALLs changed nothing.
      const connections = await target.request('/api/connections', {
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(connections.status).toBe(200);

      // The same delivery, genuinely signed, is new to the app: no forged attempt claimed its messageId.
      const genuine = hl.signEvent(forged.body);
      const ok = await post('/crm/highlevel/outbound', genuine.body, genuine.headers);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ ok: true, status: 'queued' });
      const again = await post('/crm/highlevel/outbound', genuine.body, genuine.headers);
      expect(await again.json()).toMatchObject({ ok: true, status: 'duplicate' });
    });

    it('Pipedrive uninstall Basic auth and panel JWT: malformed credentials 401', async () => {
      const target = ref.current;
      const body = JSON.stringify({
        client_id: target.vars.PIPEDRIVE_CLIENT_ID,
        company_id: target.seed.pipedrive.installation.accountId,
        user_id: 1,
        timestamp: new Date(target.now()).toISOString(),
      });
      for (const value of MALFORMED_SIGNATURES) {
        for (const authorization of [`Basic ${value}`, `Bearer ${value}`, value]) {
          await expectUnauthorized(
            await target.request('/oauth/pipedrive/callback', {
              method: 'DELETE',
              headers: { 'content-type': 'application/json', authorization },
              body,
            }),
            `pipedrive uninstall ${authorization.slice(0, 24)}`,
          );
        }
        if (!value.trim()) continue; // an empty token is a 400 from the body schema, before any check
        await expectUnauthorized(
          await target.request('/api/session', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ crm: 'pipedrive', token: value }),
          }),
          `pipedrive panel token ${value.slice(0, 24)}`,
        );
      }
      // Still installed: the Pipedrive panel's session for its company is minted.
      const stillThere = await target.request('/api/connections', {
        headers: {
          authorization: `Bearer ${await target.session({
            installationId: target.seed.pipedrive.installation.id,
            crm: 'pipedrive',
            role: 'admin',
          })}`,
        },
      });
      expect(stillThere.status).toBe(200);
    });

    it('session tokens and media links: malformed tokens 401', async () => {
      const target = ref.current;
      for (const token of MALFORMED_SIGNATURES.filter((t) => t.trim())) {
        await expectUnauthorized(
          await target.request('/api/connections', { headers: { authorization: `Bearer ${token}` } }),
          `session ${token.slice(0, 24)}`,
        );
        await expectUnauthorized(
          await target.request(`/media/${encodeURIComponent(token)}/file.pdf`),
          `media ${token.slice(0, 24)}`,
        );
      }
    });
  });
}
