// Issue 17 item 8: the probe of forged and replayed requests, as a table. For every inbound route that takes a
// signature, token or credential (Meta, Twilio, CM.com webhooks; HighLevel Delivery URL and INSTALL/UNINSTALL;
// Pipedrive uninstall and panel JWT; HighLevel SSO; both OAuth callbacks; /media links; the API bearer), each
// forgery class — missing, malformed, wrong key, body swapped, URL swapped, replayed, other addressee, truncated,
// wrong encoding… — must be refused (4xx) or, where the vendor must not retry, acknowledged and ignored: never a 5xx,
// never a stored row, a queued job or a message sent. One world is set up once (genuine traffic included, so the
// replays have something to replay); every case then runs against it and the footprint must not move.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaToken } from '../../src/security/media-link';
import { createSessionToken } from '../../src/security/session';
import { buildCmInbound } from '../mocks/cm';
import { createHighLevelSigner, encryptSsoPayload } from '../mocks/highlevel';
import { SIM_CRM_CLIENTS } from '../mocks/index';
import { metaInbound, signMetaWebhook } from '../mocks/meta';
import { buildTwilioInbound, signTwilioRequest, type TwilioParams } from '../mocks/twilio';
import { TEST_SECRETS } from '../helpers/platform';
import { installCrm } from '../helpers/world';
import {
  adminToken,
  APP_BASE,
  connectProvider,
  countRows,
  createWorld,
  installationOf,
  installHighLevel,
  sentCount,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();

const MINUTE = 60_000;
const ACK = 'acknowledged' as const;
const CUSTOMER = '+3725550199';
type Json = Record<string, unknown>;

let w: World;
let numbers: Record<'meta' | 'twilio' | 'cm', ConnectedNumber>;
let hlInstallationId: string;
/** Genuine requests sent once during setup: the replay cases send them again. */
const genuine: {
  meta?: { raw: string; signature: string };
  twilio?: { params: TwilioParams; signature: string };
  cm?: Json;
  delivery?: { body: string; headers: Record<string, string> };
  event?: { body: string; headers: Record<string, string> };
  sso?: string;
  pipedriveState?: string;
  mediaToken?: string;
} = {};

const hl = () => w.sims.highlevel;
const twilioUrl = (connectionId = numbers.twilio.connectionId) =>
  `${APP_BASE}/webhooks/twilio/${connectionId}`;
const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;
const b64 = (text: string) => Buffer.from(text).toString('base64');
const nowSec = () => Math.floor(w.t.clock.now() / 1000);

beforeAll(async () => {
  w = await createWorld();
  expect((await installHighLevel(w)).status).toBe(302);
  const installation = (await installationOf(w))!;
  hlInstallationId = installation.id;
  const admin = await adminToken(w, installation.id);
  numbers = {
    meta: await connectProvider(w, admin, 'meta'),
    twilio: await connectProvider(w, admin, 'twilio'),
    cm: await connectProvider(w, admin, 'cm'),
  };
  expect((await installCrm(w, 'pipedrive')).status).toBe(302);

  // Genuine traffic, each request kept so it can be replayed.
  const metaRaw = JSON.stringify(
    w.sims.meta.inboundWebhook([
      metaInbound.text({ from: CUSTOMER, timestampMs: w.t.clock.now() }, 'genuine'),
    ]),
  );
  genuine.meta = { raw: metaRaw, signature: await signMetaWebhook(metaRaw, TEST_SECRETS.META_APP_SECRET) };
  expect((await postMeta(metaRaw, genuine.meta.signature)).status).toBe(200);

  const params = buildTwilioInbound({ to: numbers.twilio.senderPhone, from: CUSTOMER, body: 'genuine' });
  genuine.twilio = {
    params,
    signature: await signTwilioRequest(DEFAULT_TWILIO_TOKEN(), twilioUrl(), params),
  };
  expect((await postTwilio(twilioUrl(), params, genuine.twilio.signature)).status).toBe(200);

  genuine.cm = buildCmInbound({
    from: CUSTOMER,
    to: numbers.cm.senderPhone,
    content: { type: 'text', text: 'genuine' },
    at: w.t.clock.now(),
  });
  expect((await postCm(numbers.cm.webhookPath, genuine.cm)).status).toBe(200);

  const delivery = hl().buildOutboundDelivery({ phone: CUSTOMER, message: 'genuine reply' });
  const withId = hl().signEvent({
    ...delivery.payload,
    messageId: 'msgGenuine0001',
    webhookId: 'wh-genuine-1',
  });
  genuine.delivery = { body: withId.body, headers: withId.headers };
  expect((await postSigned('/crm/highlevel/outbound', genuine.delivery)).status).toBe(200);

  const event = hl().signEvent({
    type: 'ContactCreate',
    locationId: hl().state.config.locationId,
    timestamp: new Date(w.t.clock.now()).toISOString(),
    webhookId: 'wh-genuine-event-1',
  });
  genuine.event = { body: event.body, headers: event.headers };
  expect((await postSigned('/crm/highlevel/events', genuine.event)).status).toBe(200);

  genuine.sso = encryptSsoPayload(ssoUser(), TEST_SECRETS.HIGHLEVEL_SHARED_SECRET);
  expect((await postJson('/api/session', { crm: 'highlevel', ssoPayload: genuine.sso })).status).toBe(200);

  const pdStart = await w.app.request('/oauth/pipedrive/start');
  genuine.pipedriveState = new URL(pdStart.headers.get('location')!).searchParams.get('state')!;

  genuine.mediaToken = await createMediaToken(
    TEST_SECRETS.SESSION_SECRET,
    { connectionId: numbers.meta.connectionId, mediaId: 'media-genuine-1' },
    w.t.clock.now() + 30 * 24 * 60 * MINUTE,
  );

  // Everything genuine is delivered; then time moves past the SSO reuse window (the SSO replay case).
  await w.settle();
  w.t.clock.advance(11 * MINUTE);
}, 120_000);
afterAll(async () => w?.t.dispose());

function DEFAULT_TWILIO_TOKEN(): string {
  return w.sims.twilio.state.authToken;
}

function ssoUser(overrides: Json = {}): Json {
  return {
    userId: hl().state.config.userId,
    companyId: hl().state.config.companyId,
    role: 'admin',
    type: 'location',
    activeLocation: hl().state.config.locationId,
    ...overrides,
  };
}

// ---- request helpers ----------------------------------------------------------------------------------------------

function postMeta(raw: string, signature: string | null, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...extra };
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  return w.app.request('/webhooks/meta', { method: 'POST', headers, body: raw });
}

function postTwilio(url: string, params: TwilioParams | string, signature: string | null, type?: string) {
  const headers: Record<string, string> = { 'content-type': type ?? 'application/x-www-form-urlencoded' };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  const body = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  return w.app.request(pathOf(url), { method: 'POST', headers, body });
}

function postCm(path: string, body: Json | string) {
  return w.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function postSigned(path: string, call: { body: string; headers: Record<string, string> }) {
  return w.app.request(path, { method: 'POST', headers: call.headers, body: call.body });
}

function postJson(path: string, body: unknown, headers: Record<string, string> = {}) {
  return w.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function hmacHex(secret: string, text: string, hash = 'SHA-256'): Promise<string> {
  const key = await crypto.subtle.importKey('raw', Buffer.from(secret), { name: 'HMAC', hash }, false, [
    'sign',
  ]);
  return Buffer.from(await crypto.subtle.sign('HMAC', key, Buffer.from(text))).toString('hex');
}

const sha256Hex = async (text: string) =>
  Buffer.from(await crypto.subtle.digest('SHA-256', Buffer.from(text))).toString('hex');

function metaBody(text: string, phoneNumberId?: string): string {
  const payload = w.sims.meta.inboundWebhook([
    metaInbound.text({ from: CUSTOMER, timestampMs: w.t.clock.now() }, text),
  ]) as { entry: { changes: { value: { metadata: { phone_number_id: string } } }[] }[] };
  if (phoneNumberId) payload.entry[0]!.changes[0]!.value.metadata.phone_number_id = phoneNumberId;
  return JSON.stringify(payload);
}

const twilioParams = (body: string): TwilioParams =>
  buildTwilioInbound({ to: numbers.twilio.senderPhone, from: CUSTOMER, body });

const cmPathParts = () => {
  const [, , , id, token] = numbers.cm.webhookPath.split('/');
  return { id: id!, token: token! };
};

const freshDelivery = (text: string, extra: Json = {}) => {
  const d = hl().buildOutboundDelivery({ phone: CUSTOMER, message: text });
  return { ...d.payload, ...extra } as Json;
};

function withSignature(body: string, signature: string | null, header = 'x-ghl-signature') {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers[header] = signature;
  return { body, headers };
}

const eventBody = (extra: Json = {}) =>
  JSON.stringify({
    type: 'ContactCreate',
    locationId: hl().state.config.locationId,
    timestamp: new Date(w.t.clock.now()).toISOString(),
    webhookId: `wh-${Math.random().toString(36).slice(2)}`,
    ...extra,
  });

function pipedriveUninstall(authorization: string | null) {
  const request = w.sims.pipedrive.buildUninstallRequest({
    callbackUrl: `${APP_BASE}/oauth/pipedrive/callback`,
  });
  const headers = new Headers(request.headers);
  if (authorization === null) headers.delete('authorization');
  else headers.set('authorization', authorization);
  return request
    .text()
    .then((body) => w.app.request('/oauth/pipedrive/callback', { method: 'DELETE', headers, body }));
}

const basic = (user: string, pass: string) => `Basic ${b64(`${user}:${pass}`)}`;
const PD = SIM_CRM_CLIENTS.pipedrive;

function panelJwt(secret: string, claims: Json = {}, options: { alg?: string; exp?: number | null } = {}) {
  const jwt = new SignJWT({ userId: 1, companyId: PD.companyId, ...claims })
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .setIssuedAt(nowSec());
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? nowSec() + 300);
  return jwt.sign(new TextEncoder().encode(secret));
}

const pdSecret = () => TEST_SECRETS.PIPEDRIVE_JWT_SECRET;
const pdSession = (token: string) => postJson('/api/session', { crm: 'pipedrive', token });
const hlSession = (ssoPayload: string) => postJson('/api/session', { crm: 'highlevel', ssoPayload });

function unsignedJwt(payload: Json): string {
  const part = (o: Json) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
}

function swapPayload(token: string, patch: Json): string {
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Json;
  return `${h}.${Buffer.from(JSON.stringify({ ...claims, ...patch })).toString('base64url')}.${s}`;
}

const bearer = (token: string) =>
  w.app.request('/api/connections', { headers: { authorization: `Bearer ${token}` } });

function sessionJwt(
  secret: string,
  claims: Json,
  options: { aud?: string; exp?: number | null; alg?: string } = {},
) {
  const jwt = new SignJWT({ installationId: hlInstallationId, crm: 'highlevel', role: 'admin', ...claims })
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .setIssuedAt(nowSec());
  if (options.aud !== '') jwt.setAudience(options.aud ?? 'wabridge-ui');
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? nowSec() + 600);
  return jwt.sign(new TextEncoder().encode(secret));
}

// ---- the table ----------------------------------------------------------------------------------------------------

interface Probe {
  route: string;
  forgery: string;
  send: () => Response | Promise<Response>;
  /** Refused with a 4xx (default), or acknowledged (200) without acting, where the vendor must not retry. */
  outcome?: 'refused' | 'acknowledged';
}

const metaCases: Probe[] = [
  { forgery: 'missing signature', send: () => postMeta(metaBody('forged'), null) },
  { forgery: 'empty signature', send: () => postMeta(metaBody('forged'), '') },
  { forgery: 'prefix only', send: () => postMeta(metaBody('forged'), 'sha256=') },
  {
    forgery: 'sha1 of the body (wrong algorithm)',
    send: async () => {
      const raw = metaBody('forged');
      return postMeta(raw, `sha1=${await hmacHex(TEST_SECRETS.META_APP_SECRET, raw, 'SHA-1')}`);
    },
  },
  {
    forgery: 'no sha256= prefix',
    send: async () => {
      const raw = metaBody('forged');
      return postMeta(raw, await hmacHex(TEST_SECRETS.META_APP_SECRET, raw));
    },
  },
  {
    forgery: 'wrong key',
    send: async () => {
      const raw = metaBody('forged');
      return postMeta(raw, await signMetaWebhook(raw, 'not-the-app-secret'));
    },
  },
  {
    forgery: 'body swapped (signature of another body)',
    send: async () => postMeta(metaBody('forged'), genuine.meta!.signature),
  },
  {
    forgery: 'truncated body',
    send: async () => {
      const raw = metaBody('forged');
      return postMeta(raw.slice(0, -2), await signMetaWebhook(raw, TEST_SECRETS.META_APP_SECRET));
    },
  },
  {
    forgery: 'whitespace appended after signing',
    send: async () => {
      const raw = metaBody('forged');
      return postMeta(`${raw}\n`, await signMetaWebhook(raw, TEST_SECRETS.META_APP_SECRET));
    },
  },
  {
    forgery: 're-serialized body (same JSON, other bytes)',
    send: async () => {
      const raw = metaBody('forged');
      const sig = await signMetaWebhook(raw, TEST_SECRETS.META_APP_SECRET);
      return postMeta(JSON.stringify(JSON.parse(raw), null, 2), sig);
    },
  },
  {
    forgery: 'wrong encoding (base64 digest instead of hex)',
    send: async () => {
      const raw = metaBody('forged');
      const hex = await hmacHex(TEST_SECRETS.META_APP_SECRET, raw);
      return postMeta(raw, `sha256=${Buffer.from(hex, 'hex').toString('base64')}`);
    },
  },
  {
    forgery: 'truncated signature',
    send: async () => {
      const raw = metaBody('forged');
      return postMeta(raw, (await signMetaWebhook(raw, TEST_SECRETS.META_APP_SECRET)).slice(0, 40));
    },
  },
  {
    forgery: 'two signatures in one header',
    send: async () => {
      const raw = metaBody('forged');
      return postMeta(raw, `${genuine.meta!.signature}, ${genuine.meta!.signature}`);
    },
  },
  {
    forgery: 'signed with the verify token instead of the app secret',
    send: async () => {
      const raw = metaBody('forged');
      return postMeta(raw, await signMetaWebhook(raw, TEST_SECRETS.META_VERIFY_TOKEN));
    },
  },
  {
    forgery: 'replayed',
    send: () => postMeta(genuine.meta!.raw, genuine.meta!.signature),
    outcome: ACK,
  },
  {
    forgery: 'other addressee (a number that is not ours)',
    send: async () => {
      const raw = metaBody('forged', '999999999999999');
      return postMeta(raw, await signMetaWebhook(raw, TEST_SECRETS.META_APP_SECRET));
    },
    outcome: ACK,
  },
].map((c) => ({ ...c, route: 'POST /webhooks/meta' }) as Probe);

const twilioCases: Probe[] = [
  { forgery: 'missing signature', send: () => postTwilio(twilioUrl(), twilioParams('forged'), null) },
  { forgery: 'empty signature', send: () => postTwilio(twilioUrl(), twilioParams('forged'), '') },
  { forgery: 'malformed base64', send: () => postTwilio(twilioUrl(), twilioParams('forged'), '%%%') },
  {
    forgery: 'wrong auth token',
    send: async () => {
      const p = twilioParams('forged');
      return postTwilio(twilioUrl(), p, await signTwilioRequest('wrong-token-00000000', twilioUrl(), p));
    },
  },
  {
    forgery: 'body swapped (Body changed after signing)',
    send: async () => {
      const p = twilioParams('harmless');
      const sig = await signTwilioRequest(DEFAULT_TWILIO_TOKEN(), twilioUrl(), p);
      return postTwilio(twilioUrl(), { ...p, Body: 'forged' }, sig);
    },
  },
  {
    forgery: 'parameter added after signing',
    send: async () => {
      const p = twilioParams('forged');
      const sig = await signTwilioRequest(DEFAULT_TWILIO_TOKEN(), twilioUrl(), p);
      return postTwilio(twilioUrl(), { ...p, MediaUrl0: 'https://evil.example/x.png' }, sig);
    },
  },
  {
    forgery: 'parameter removed after signing',
    send: async () => {
      const p = twilioParams('forged');
      const sig = await signTwilioRequest(DEFAULT_TWILIO_TOKEN(), twilioUrl(), p);
      const rest: TwilioParams = { ...p };
      delete rest.ProfileName;
      return postTwilio(twilioUrl(), rest, sig);
    },
  },
  {
    forgery: 'URL swapped (signed for another connection)',
    send: async () => {
      const p = twilioParams('forged');
      const sig = await signTwilioRequest(DEFAULT_TWILIO_TOKEN(), twilioUrl(numbers.meta.connectionId), p);
      return postTwilio(twilioUrl(), p, sig);
    },
  },
  {
    forgery: 'URL swapped (signed for another host)',
    send: async () => {
      const p = twilioParams('forged');
      const other = `https://evil.example/webhooks/twilio/${numbers.twilio.connectionId}`;
      return postTwilio(twilioUrl(), p, await signTwilioRequest(DEFAULT_TWILIO_TOKEN(), other, p));
    },
  },
  {
    forgery: 'URL swapped (query dropped after signing)',
    send: async () => {
      const p = twilioParams('forged');
      const sig = await signTwilioRequest(DEFAULT_TWILIO_TOKEN(), `${twilioUrl()}?tenant=a`, p);
      return postTwilio(twilioUrl(), p, sig);
    },
  },
  {
    forgery: 'JSON body, signature over the URL only (no bodySHA256)',
    send: async () =>
      postTwilio(
        twilioUrl(),
        JSON.stringify(twilioParams('forged')),
        await signTwilioRequest(DEFAULT_TWILIO_TOKEN(), twilioUrl(), {}),
        'application/json',
      ),
  },
  {
    forgery: 'JSON body swapped (bodySHA256 of another body)',
    send: async () => {
      const url = `${twilioUrl()}?bodySHA256=${await sha256Hex(JSON.stringify(twilioParams('harmless')))}`;
      return postTwilio(
        url,
        JSON.stringify(twilioParams('forged')),
        await signTwilioRequest(DEFAULT_TWILIO_TOKEN(), url, {}),
        'application/json',
      );
    },
  },
  {
    forgery: 'JSON body, bodySHA256 added to a URL-only signature',
    send: async () => {
      const raw = JSON.stringify(twilioParams('forged'));
      const url = `${twilioUrl()}?bodySHA256=${await sha256Hex(raw)}`;
      return postTwilio(
        url,
        raw,
        await signTwilioRequest(DEFAULT_TWILIO_TOKEN(), twilioUrl(), {}),
        'application/json',
      );
    },
  },
  {
    forgery: 'truncated form body',
    send: async () => {
      const p = twilioParams('forged');
      const sig = await signTwilioRequest(DEFAULT_TWILIO_TOKEN(), twilioUrl(), p);
      return postTwilio(twilioUrl(), new URLSearchParams(p).toString().slice(0, -5), sig);
    },
  },
  {
    forgery: 'other addressee (a genuine request posted to an unknown connection)',
    send: async () => {
      const p = twilioParams('forged');
      return postTwilio(
        twilioUrl('conn-unknown'),
        p,
        await signTwilioRequest(DEFAULT_TWILIO_TOKEN(), twilioUrl('conn-unknown'), p),
      );
    },
  },
  {
    forgery: 'other addressee (signed for the Twilio connection, posted to the CM.com one)',
    send: async () => {
      const p = twilioParams('forged');
      const url = twilioUrl(numbers.cm.connectionId);
      return postTwilio(url, p, await signTwilioRequest(DEFAULT_TWILIO_TOKEN(), url, p));
    },
  },
  {
    forgery: 'wrong algorithm (HMAC-SHA256)',
    send: async () => {
      const p = twilioParams('forged');
      const data =
        twilioUrl() +
        Object.keys(p)
          .sort()
          .map((k) => k + p[k])
          .join('');
      const sig = Buffer.from(await hmacHex(DEFAULT_TWILIO_TOKEN(), data), 'hex').toString('base64');
      return postTwilio(twilioUrl(), p, sig);
    },
  },
  {
    forgery: 'wrong encoding (hex signature)',
    send: async () => {
      const p = twilioParams('forged');
      const sig = await signTwilioRequest(DEFAULT_TWILIO_TOKEN(), twilioUrl(), p);
      return postTwilio(twilioUrl(), p, Buffer.from(sig, 'base64').toString('hex'));
    },
  },
  {
    forgery: 'replayed',
    send: () => postTwilio(twilioUrl(), genuine.twilio!.params, genuine.twilio!.signature),
    outcome: ACK,
  },
].map((c) => ({ ...c, route: 'POST /webhooks/twilio/:id' }) as Probe);

const cmBody = () =>
  buildCmInbound({
    from: CUSTOMER,
    to: numbers.cm.senderPhone,
    content: { type: 'text', text: 'forged' },
    at: w.t.clock.now(),
  });
const cmCases: Probe[] = [
  { forgery: 'missing token', send: () => postCm(`/webhooks/cm/${cmPathParts().id}`, cmBody()) },
  { forgery: 'empty token', send: () => postCm(`/webhooks/cm/${cmPathParts().id}/`, cmBody()) },
  {
    forgery: 'wrong token',
    send: () => postCm(`/webhooks/cm/${cmPathParts().id}/${'a'.repeat(43)}`, cmBody()),
  },
  {
    forgery: 'truncated token',
    send: () => postCm(`/webhooks/cm/${cmPathParts().id}/${cmPathParts().token.slice(0, -1)}`, cmBody()),
  },
  {
    forgery: 'token with a character appended',
    send: () => postCm(`/webhooks/cm/${cmPathParts().id}/${cmPathParts().token}x`, cmBody()),
  },
  {
    forgery: 'token in another case',
    send: () => postCm(`/webhooks/cm/${cmPathParts().id}/${swapCase(cmPathParts().token)}`, cmBody()),
  },
  {
    forgery: 'double-encoded token',
    send: () =>
      postCm(
        `/webhooks/cm/${cmPathParts().id}/${encodeURIComponent(encodeURIComponent(`%${cmPathParts().token}`))}`,
        cmBody(),
      ),
  },
  {
    forgery: 'other addressee (the token on an unknown connection)',
    send: () => postCm(`/webhooks/cm/conn-unknown/${cmPathParts().token}`, cmBody()),
  },
  {
    forgery: 'other addressee (the token on the Twilio connection)',
    send: () => postCm(`/webhooks/cm/${numbers.twilio.connectionId}/${cmPathParts().token}`, cmBody()),
  },
  {
    forgery: 'token in the query instead of the path',
    send: () => postCm(`/webhooks/cm/${cmPathParts().id}?token=${cmPathParts().token}`, cmBody()),
  },
  { forgery: 'replayed', send: () => postCm(numbers.cm.webhookPath, genuine.cm!), outcome: 'acknowledged' },
].map((c) => ({ ...c, route: 'POST /webhooks/cm/:id/:token' }) as Probe);

function swapCase(text: string): string {
  return [...text].map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join('');
}

const stranger = createHighLevelSigner();
const hlSignedCases = (
  route: '/crm/highlevel/outbound' | '/crm/highlevel/events',
  body: () => string,
): Probe[] =>
  [
    { forgery: 'missing signature', send: () => postSigned(route, withSignature(body(), null)) },
    { forgery: 'empty signature', send: () => postSigned(route, withSignature(body(), '')) },
    {
      forgery: 'too short (the workerd 500)',
      send: () => postSigned(route, withSignature(body(), 'Zm9yZ2Vk')),
    },
    {
      forgery: 'right length, wrong bytes',
      send: () => postSigned(route, withSignature(body(), Buffer.alloc(64, 7).toString('base64'))),
    },
    { forgery: 'wrong key', send: () => postSigned(route, withSignature(body(), stranger.sign(body()))) },
    {
      forgery: 'body swapped (signature of another body)',
      send: () => postSigned(route, withSignature(body(), hl().signEvent(body()).signature)),
    },
    {
      forgery: 'tampered after signing',
      send: () => {
        const b = body();
        return postSigned(route, withSignature(b.replace('"', '"x'), hl().signEvent(b).signature));
      },
    },
    {
      forgery: 'truncated body',
      send: () => {
        const b = body();
        return postSigned(route, withSignature(b.slice(0, -1), hl().signEvent(b).signature));
      },
    },
    {
      forgery: 'wrong encoding (hex signature)',
      send: () => {
        const b = body();
        return postSigned(
          route,
          withSignature(b, Buffer.from(hl().signEvent(b).signature, 'base64').toString('hex')),
        );
      },
    },
    {
      forgery: 'legacy X-WH-Signature only',
      send: () => {
        const b = body();
        return postSigned(route, withSignature(b, hl().signEvent(b).signature, 'x-wh-signature'));
      },
    },
    {
      forgery: 'stale timestamp',
      send: () =>
        postSigned(
          route,
          hl().signEvent({
            ...(JSON.parse(body()) as Json),
            timestamp: new Date(w.t.clock.now() - 10 * MINUTE).toISOString(),
          }),
        ),
    },
  ].map((c) => ({ ...c, route: `POST ${route}` }));

const deliveryCases: Probe[] = [
  ...hlSignedCases('/crm/highlevel/outbound', () => JSON.stringify(freshDelivery('forged'))),
  {
    forgery: 'replayed (webhookId seen)',
    send: () => postSigned('/crm/highlevel/outbound', genuine.delivery!),
  },
  {
    forgery: "other addressee (another app's conversation provider)",
    send: () =>
      postSigned(
        '/crm/highlevel/outbound',
        hl().signEvent(freshDelivery('forged', { conversationProviderId: 'p-other' })),
      ),
    outcome: ACK,
  },
  {
    forgery: 'other addressee (a location without our app)',
    send: () =>
      postSigned(
        '/crm/highlevel/outbound',
        hl().signEvent(freshDelivery('forged', { locationId: 'loc-not-ours' })),
      ),
    outcome: ACK,
  },
  {
    forgery: 'replayed under a new webhookId but the same messageId',
    send: () =>
      postSigned(
        '/crm/highlevel/outbound',
        hl().signEvent({ ...(JSON.parse(genuine.delivery!.body) as Json), webhookId: 'wh-genuine-1-again' }),
      ),
    outcome: ACK,
  },
].map((c) => ({ route: 'POST /crm/highlevel/outbound', ...c }));

const eventCases: Probe[] = [
  ...hlSignedCases('/crm/highlevel/events', () => eventBody()),
  {
    forgery: 'no timestamp (required on events)',
    send: () =>
      postSigned(
        '/crm/highlevel/events',
        hl().signEvent({
          type: 'UNINSTALL',
          appId: hl().state.config.appId,
          locationId: hl().state.config.locationId,
        }),
      ),
  },
  { forgery: 'replayed (webhookId seen)', send: () => postSigned('/crm/highlevel/events', genuine.event!) },
  {
    forgery: "other addressee (another app's UNINSTALL)",
    send: () =>
      postSigned('/crm/highlevel/events', hl().buildUninstallEvent({ appId: 'anotherAppsId0000001' })),
    outcome: ACK,
  },
  {
    forgery: "other addressee (another app's agency UNINSTALL)",
    send: () =>
      postSigned(
        '/crm/highlevel/events',
        hl().buildUninstallEvent({ appId: 'anotherAppsId0000001', companyId: hl().state.config.companyId }),
      ),
    outcome: ACK,
  },
  {
    forgery: "other addressee (another app's INSTALL)",
    send: () =>
      postSigned('/crm/highlevel/events', hl().buildInstallEvent({ appId: 'anotherAppsId0000001' })),
    outcome: ACK,
  },
].map((c) => ({ route: 'POST /crm/highlevel/events', ...c }));

const uninstallCases: Probe[] = [
  { forgery: 'missing credentials', send: () => pipedriveUninstall(null) },
  { forgery: 'wrong secret', send: () => pipedriveUninstall(basic(PD.clientId, 'wrong-secret')) },
  { forgery: 'wrong client id', send: () => pipedriveUninstall(basic('someone-else', PD.clientSecret)) },
  { forgery: 'id and secret swapped', send: () => pipedriveUninstall(basic(PD.clientSecret, PD.clientId)) },
  {
    forgery: 'truncated secret',
    send: () => pipedriveUninstall(basic(PD.clientId, PD.clientSecret.slice(0, -1))),
  },
  { forgery: 'empty secret', send: () => pipedriveUninstall(basic(PD.clientId, '')) },
  { forgery: 'Bearer scheme', send: () => pipedriveUninstall(`Bearer ${PD.clientSecret}`) },
  { forgery: 'malformed base64', send: () => pipedriveUninstall('Basic %%%notbase64') },
  {
    forgery: 'not base64 encoded (wrong encoding)',
    send: () => pipedriveUninstall(`Basic ${PD.clientId}:${PD.clientSecret}`),
  },
  {
    forgery: 'secret of the HighLevel app',
    send: () => pipedriveUninstall(basic(PD.clientId, TEST_SECRETS.HIGHLEVEL_CLIENT_SECRET)),
  },
].map((c) => ({ ...c, route: 'DELETE /oauth/pipedrive/callback' }) as Probe);

const panelCases: Probe[] = [
  { forgery: 'wrong secret', send: async () => pdSession(await panelJwt('not-the-pipedrive-secret')) },
  {
    forgery: 'alg none',
    send: () => pdSession(unsignedJwt({ userId: 1, companyId: PD.companyId, exp: nowSec() + 300 })),
  },
  {
    forgery: 'expired',
    send: async () => pdSession(await panelJwt(pdSecret(), {}, { exp: nowSec() - 3600 })),
  },
  { forgery: 'no exp', send: async () => pdSession(await panelJwt(pdSecret(), {}, { exp: null })) },
  {
    forgery: 'payload swapped (another company)',
    send: async () => pdSession(swapPayload(await panelJwt(pdSecret()), { companyId: 999 })),
  },
  {
    forgery: 'signature stripped',
    send: async () => pdSession(`${(await panelJwt(pdSecret())).split('.').slice(0, 2).join('.')}.`),
  },
  {
    forgery: 'other algorithm (HS512)',
    send: async () => pdSession(await panelJwt(pdSecret(), {}, { alg: 'HS512' })),
  },
  {
    forgery: 'other addressee (a company without our app)',
    send: async () => pdSession(await panelJwt(pdSecret(), { companyId: 424242 })),
  },
  { forgery: 'truncated', send: async () => pdSession((await panelJwt(pdSecret())).slice(0, -5)) },
  { forgery: 'not a JWT', send: () => pdSession('definitely-not-a-jwt') },
].map((c) => ({ ...c, route: 'POST /api/session (Pipedrive panel JWT)' }) as Probe);

const ssoCases: Probe[] = [
  {
    forgery: 'wrong shared secret',
    send: () => hlSession(encryptSsoPayload(ssoUser(), 'not-the-shared-secret')),
  },
  {
    forgery: 'tampered ciphertext',
    send: () => {
      const p = encryptSsoPayload(ssoUser(), TEST_SECRETS.HIGHLEVEL_SHARED_SECRET);
      return hlSession(p.slice(0, 30) + (p[30] === 'A' ? 'B' : 'A') + p.slice(31));
    },
  },
  {
    forgery: 'truncated',
    send: () => hlSession(encryptSsoPayload(ssoUser(), TEST_SECRETS.HIGHLEVEL_SHARED_SECRET).slice(0, -8)),
  },
  { forgery: 'not base64', send: () => hlSession('!!!not-base64!!!') },
  { forgery: 'plain JSON (wrong encoding)', send: () => hlSession(b64(JSON.stringify(ssoUser()))) },
  { forgery: 'replayed after the reuse window', send: () => hlSession(genuine.sso!) },
  {
    forgery: 'other addressee (a sub-account without its own install)',
    send: () =>
      hlSession(
        encryptSsoPayload(
          ssoUser({ activeLocation: 'loc-without-install' }),
          TEST_SECRETS.HIGHLEVEL_SHARED_SECRET,
        ),
      ),
  },
  {
    forgery: 'other addressee (an agency without an install)',
    send: () =>
      hlSession(
        encryptSsoPayload(
          ssoUser({ activeLocation: undefined, companyId: 'company-not-ours' }),
          TEST_SECRETS.HIGHLEVEL_SHARED_SECRET,
        ),
      ),
  },
  {
    forgery: 'no user in the payload',
    send: () => hlSession(encryptSsoPayload({ hello: 'world' }, TEST_SECRETS.HIGHLEVEL_SHARED_SECRET)),
  },
].map((c) => ({ ...c, route: 'POST /api/session (HighLevel SSO)' }) as Probe);

const callback = (crm: string, query: string) => w.app.request(`/oauth/${crm}/callback?${query}`);
const oauthCases: Probe[] = [
  {
    route: 'GET /oauth/highlevel/callback',
    forgery: 'forged code',
    send: () => callback('highlevel', 'code=forged-code-1'),
  },
  {
    route: 'GET /oauth/highlevel/callback',
    forgery: 'forged state',
    send: () => callback('highlevel', 'code=forged-code-2&state=not-a-state-we-issued'),
  },
  {
    route: 'GET /oauth/highlevel/callback',
    forgery: "other addressee (Pipedrive's state)",
    send: () => callback('highlevel', `code=forged-code-3&state=${genuine.pipedriveState}`),
  },
  {
    route: 'GET /oauth/highlevel/callback',
    forgery: 'missing code',
    send: () => callback('highlevel', 'state=x'),
  },
  {
    route: 'GET /oauth/highlevel/callback',
    forgery: 'overlong code',
    send: () => callback('highlevel', `code=${'c'.repeat(5000)}`),
  },
  {
    route: 'GET /oauth/highlevel/callback',
    forgery: 'consent denied',
    send: () => callback('highlevel', 'error=access_denied'),
  },
  {
    route: 'GET /oauth/pipedrive/callback',
    forgery: 'no state',
    send: () => callback('pipedrive', 'code=forged-code-4'),
  },
  {
    route: 'GET /oauth/pipedrive/callback',
    forgery: 'forged state',
    send: () => callback('pipedrive', 'code=forged-code-5&state=not-a-state-we-issued'),
  },
  {
    route: 'GET /oauth/pipedrive/callback',
    forgery: 'forged code with a live state',
    send: async () => {
      const start = await w.app.request('/oauth/pipedrive/start');
      const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
      return callback('pipedrive', `code=forged-code-6&state=${state}`);
    },
  },
  {
    route: 'GET /oauth/pipedrive/callback',
    forgery: 'missing code with a live state',
    send: async () => {
      const start = await w.app.request('/oauth/pipedrive/start');
      return callback(
        'pipedrive',
        `state=${new URL(start.headers.get('location')!).searchParams.get('state')}`,
      );
    },
  },
  {
    route: 'GET /oauth/pipedrive/callback',
    forgery: 'consent denied',
    send: () => callback('pipedrive', `error=user_denied&state=${genuine.pipedriveState}`),
  },
];

const media = (token: string) => w.app.request(`/media/${token}/photo.jpg`);
const mediaCases: Probe[] = [
  { forgery: 'garbage', send: () => media('not-a-token') },
  { forgery: 'two parts only', send: () => media(genuine.mediaToken!.split('.').slice(0, 2).join('.')) },
  {
    forgery: 'alg none',
    send: () =>
      media(
        unsignedJwt({ c: numbers.meta.connectionId, m: 'media-genuine-1', exp: nowSec() + 600 }).replace(
          /\.$/,
          '.AA',
        ),
      ),
  },
  {
    forgery: 'wrong key',
    send: async () =>
      media(
        await createMediaToken(
          'another-secret-0123456789-0123456789',
          { connectionId: numbers.meta.connectionId, mediaId: 'x' },
          w.t.clock.now() + MINUTE,
        ),
      ),
  },
  {
    forgery: 'signed with the session key itself (no domain separation)',
    send: async () =>
      media(
        await sessionJwt(
          TEST_SECRETS.SESSION_SECRET,
          { c: numbers.meta.connectionId, m: 'media-genuine-1' },
          { aud: 'wabridge-media' },
        ),
      ),
  },
  {
    forgery: 'payload swapped (another media id)',
    send: () => media(swapPayload(genuine.mediaToken!, { m: 'media-of-someone-else' })),
  },
  {
    forgery: 'payload swapped (another connection)',
    send: () => media(swapPayload(genuine.mediaToken!, { c: numbers.twilio.connectionId })),
  },
  {
    forgery: 'expired',
    send: async () =>
      media(
        await createMediaToken(
          TEST_SECRETS.SESSION_SECRET,
          { connectionId: numbers.meta.connectionId, mediaId: 'x' },
          w.t.clock.now() - MINUTE,
        ),
      ),
  },
  { forgery: 'truncated signature', send: () => media(genuine.mediaToken!.slice(0, -3)) },
  {
    forgery: 'signature of another token',
    send: async () => {
      const other = await createMediaToken(
        TEST_SECRETS.SESSION_SECRET,
        { connectionId: numbers.meta.connectionId, mediaId: 'other' },
        w.t.clock.now() + MINUTE,
      );
      const [h, p] = genuine.mediaToken!.split('.');
      return media(`${h}.${p}.${other.split('.')[2]}`);
    },
  },
  {
    forgery: 'wrong encoding (base64 instead of base64url)',
    send: () => media(encodeURIComponent(genuine.mediaToken!.replace(/-/g, '+').replace(/_/g, '/') + '+/')),
  },
].map((c) => ({ ...c, route: 'GET /media/:token' }) as Probe);

const bearerCases: Probe[] = [
  {
    forgery: 'no exp',
    send: async () => bearer(await sessionJwt(TEST_SECRETS.SESSION_SECRET, {}, { exp: null })),
  },
  {
    forgery: 'alg none',
    send: () =>
      bearer(
        unsignedJwt({
          installationId: hlInstallationId,
          crm: 'highlevel',
          role: 'admin',
          aud: 'wabridge-ui',
          exp: nowSec() + 600,
        }),
      ),
  },
  {
    forgery: 'wrong key',
    send: async () => bearer(await sessionJwt('another-session-secret-0123456789-abcdef', {})),
  },
  {
    forgery: 'expired',
    send: async () => bearer(await sessionJwt(TEST_SECRETS.SESSION_SECRET, {}, { exp: nowSec() - 60 })),
  },
  {
    forgery: 'no audience',
    send: async () => bearer(await sessionJwt(TEST_SECRETS.SESSION_SECRET, {}, { aud: '' })),
  },
  {
    forgery: 'payload swapped (agent raised to admin)',
    send: async () =>
      bearer(
        swapPayload(
          (
            await createSessionToken(
              TEST_SECRETS.SESSION_SECRET,
              { installationId: hlInstallationId, crm: 'highlevel', role: 'agent' },
              w.t.clock.now(),
            )
          ).token,
          { role: 'admin' },
        ),
      ),
  },
  {
    forgery: 'a media link used as a session',
    send: () => bearer(genuine.mediaToken!),
  },
  {
    forgery: 'other addressee (an installation that does not exist)',
    send: async () =>
      bearer(await sessionJwt(TEST_SECRETS.SESSION_SECRET, { installationId: 'inst-not-ours' })),
  },
].map((c) => ({ ...c, route: 'GET /api/* (bearer session)' }) as Probe);

const PROBES: Probe[] = [
  ...metaCases,
  ...twilioCases,
  ...cmCases,
  ...deliveryCases,
  ...eventCases,
  ...uninstallCases,
  ...panelCases,
  ...ssoCases,
  ...oauthCases,
  ...mediaCases,
  ...bearerCases,
];

/** Everything an accepted forgery would change. processed_events (the replay ledger) is left out on purpose. */
async function footprint() {
  const tables = ['messages', 'contacts', 'crm_deliveries', 'connections', 'templates', 'dead_letters'];
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = await countRows(w, table);
  const installations = await w.t.db
    .prepare("SELECT COUNT(*) AS n FROM installations WHERE status = 'active' AND tokens_enc IS NOT NULL")
    .first<{ n: number }>();
  const credentials = await w.t.db
    .prepare('SELECT COUNT(*) AS n FROM connections WHERE credentials_enc IS NOT NULL')
    .first<{ n: number }>();
  return {
    ...counts,
    liveInstallations: installations!.n,
    credentials: credentials!.n,
    queued: w.t.queue.pending.length,
    sent: sentCount(w, 'meta') + sentCount(w, 'twilio') + sentCount(w, 'cm'),
  };
}

describe('forged and replayed requests: 0 accepted, 0 5xx, nothing stored', () => {
  it('the probe has at least 118 cases across every inbound route', () => {
    expect(PROBES.length).toBeGreaterThanOrEqual(118);
    expect(new Set(PROBES.map((p) => p.route)).size).toBeGreaterThanOrEqual(12);
  });

  it.each(PROBES.map((p) => [`${p.route} — ${p.forgery}`, p] as const))('%s', async (_name, probe) => {
    const before = await footprint();
    const res = await probe.send();
    expect(res.status, 'never a 5xx').toBeLessThan(500);
    if (probe.outcome === 'acknowledged') {
      expect(res.status).toBe(200);
    } else {
      expect(res.status).toBeGreaterThanOrEqual(400);
      const type = res.headers.get('content-type') ?? '';
      if (type.includes('json')) {
        const body = (await res.json()) as { error?: { message?: string } };
        expect(body.error?.message, 'an error envelope with a message').toBeTruthy();
      }
    }
    await w.settle();
    expect(await footprint()).toEqual(before);
  });
});
