// Every /api route the pages use rejects bad input with the error envelope, naming the field (issue 6 item 1).
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { createTestPlatform, type TestPlatform } from '../helpers/platform';
import { seedInstallation, type Seeded } from '../helpers/seed';

let t: TestPlatform;
let seeded: Seeded;
let app: ReturnType<typeof createApp>;
// Nothing here may reach a vendor: bad input is refused before any call.
const server = setupServer();

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  t = await createTestPlatform();
  seeded = await seedInstallation(t.platform);
  app = createApp({ platform: t.platform });
});
afterAll(async () => {
  server.close();
  await t.dispose();
});

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  /** Field paths the envelope's details must name. */
  fields: string[];
}

// Names are read before beforeAll runs: the id is only needed when the case runs.
const meta = () => (seeded ? seeded.connections.meta.id : '');
const cm = () => (seeded ? seeded.connections.cm.id : '');
const validDraft = {
  name: 'order_update',
  language: 'en_US',
  category: 'UTILITY',
  components: { body: 'Hi {{1}}, your order is ready.', buttons: [] },
  examples: { 'body.1': 'Anna' },
};

const CASES: (() => Case)[] = [
  () => ({
    name: 'session: unknown CRM',
    method: 'POST',
    path: '/api/session',
    body: { crm: 'salesforce' },
    fields: ['crm'],
  }),
  () => ({
    name: 'session: empty SSO payload',
    method: 'POST',
    path: '/api/session',
    body: { crm: 'highlevel', ssoPayload: '' },
    fields: ['ssoPayload'],
  }),
  () => ({
    name: 'session: Pipedrive without token',
    method: 'POST',
    path: '/api/session',
    body: { crm: 'pipedrive' },
    fields: ['token'],
  }),
  () => ({
    name: 'connections: bad Twilio SID and label',
    method: 'POST',
    path: '/api/connections',
    body: {
      label: '',
      senderPhone: '+14155550100',
      provider: 'twilio',
      credentials: { accountSid: 'XX', authToken: 'short', from: '+14155550100' },
    },
    fields: ['label', 'credentials.accountSid', 'credentials.authToken'],
  }),
  () => ({
    name: 'connections: unknown provider',
    method: 'POST',
    path: '/api/connections',
    body: { label: 'x', senderPhone: '+14155550100', provider: 'sms', credentials: {} },
    fields: ['provider'],
  }),
  () => ({
    name: 'connections: rate limit out of range',
    method: 'POST',
    path: '/api/connections',
    body: {
      label: 'x',
      senderPhone: '+14155550100',
      rateLimitPerSecond: 5000,
      provider: 'cm',
      credentials: { productToken: 'not-a-uuid', from: '+14155550100' },
    },
    fields: ['rateLimitPerSecond', 'credentials.productToken'],
  }),
  () => ({
    name: 'connections: id too long',
    method: 'POST',
    path: `/api/connections/${'x'.repeat(65)}/test`,
    fields: ['id'],
  }),
  () => ({
    name: 'templates: unknown status',
    method: 'GET',
    path: `/api/templates?status=SHINY&connectionId=${meta()}`,
    fields: ['status'],
  }),
  () => ({
    name: 'templates: sync with a numeric connection',
    method: 'POST',
    path: '/api/templates/sync',
    body: { connectionId: 5 },
    fields: ['connectionId'],
  }),
  () => ({
    name: 'lint: no draft',
    method: 'POST',
    path: '/api/templates/lint',
    body: {},
    fields: ['draft'],
  }),
  () => ({
    name: 'lint: unknown category and button type',
    method: 'POST',
    path: '/api/templates/lint',
    body: {
      draft: {
        ...validDraft,
        category: 'SPAM',
        components: { body: 'x', buttons: [{ type: 'FAX', text: 'x' }] },
      },
    },
    fields: ['draft.category', 'draft.components.buttons.0.type'],
  }),
  () => ({
    name: 'submit: language missing',
    method: 'POST',
    path: '/api/templates',
    body: { connectionId: meta(), draft: { ...validDraft, language: '' } },
    fields: ['draft.language'],
  }),
  () => ({
    name: 'manual: body too long, no namespace',
    method: 'POST',
    path: '/api/templates/manual',
    body: { elementName: 'x', language: 'en', category: 'UTILITY', body: 'x'.repeat(1025) },
    fields: ['namespace', 'body'],
  }),
  () => ({
    // Issue 14: registration by hand is no longer taken on trust: each wrong field is named.
    name: 'manual: any namespace, element name and language',
    method: 'POST',
    path: '/api/templates/manual',
    body: {
      connectionId: cm(),
      namespace: 'ns',
      elementName: 'Pickup Ready',
      language: 'english',
      category: 'UTILITY',
      body: '{{1}} ready',
    },
    fields: ['namespace', 'elementName', 'language', 'body'],
  }),
  () => ({
    name: 'window: not a phone',
    method: 'GET',
    path: `/api/contacts/${encodeURIComponent('+39 333 garbage')}/window`,
    fields: ['phone'],
  }),
  () => ({
    name: 'window: double-encoded plus (%252B) is not a plus: one decoding only',
    method: 'GET',
    path: '/api/contacts/%252B393471234567/window',
    fields: ['phone'],
  }),
  () => ({
    name: 'send: a percent-encoded recipient in a JSON body is not decoded',
    method: 'POST',
    path: '/api/messages',
    body: { to: '%2B393471234567', content: { type: 'text', text: 'hi' } },
    fields: ['to'],
  }),
  () => ({
    name: 'messages: limit 0',
    method: 'GET',
    path: '/api/contacts/%2B393471234567/messages?limit=0',
    fields: ['limit'],
  }),
  () => ({
    name: 'send: empty text',
    method: 'POST',
    path: '/api/messages',
    body: { to: '+393471234567', content: { type: 'text', text: '' } },
    fields: ['content.text'],
  }),
  () => ({
    name: 'send: media over ftp',
    method: 'POST',
    path: '/api/messages',
    body: { to: '+393471234567', content: { type: 'media', mediaType: 'image', url: 'ftp://x/y.png' } },
    fields: ['content.url'],
  }),
  () => ({
    name: 'send: bad recipient',
    method: 'POST',
    path: '/api/messages',
    body: { to: 'call me maybe', content: { type: 'text', text: 'hi' } },
    fields: ['to'],
  }),
];

describe('/api rejects bad input with the envelope', () => {
  it.each(CASES.map((c) => [c().name, c] as const))('%s', async (_name, make) => {
    const c = make();
    const res = await app.request(c.path, {
      method: c.method,
      headers: {
        authorization: `Bearer ${await seeded.token('admin')}`,
        ...(c.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: c.body === undefined ? undefined : JSON.stringify(c.body),
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as {
      error: { code: string; message: string; details: { path: string }[] };
    };
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBeTruthy();
    const paths = error.details.map((d) => d.path);
    for (const field of c.fields) expect(paths).toContain(field);
  });

  it('refuses a non-JSON body and a body over the limit without storing anything', async () => {
    const token = await seeded.token('admin');
    const before = await t.db.prepare('SELECT COUNT(*) AS n FROM messages').first<{ n: number }>();
    const text = await app.request('/api/messages', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(text.status).toBe(415);
    expect(((await text.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    const huge = await app.request('/api/templates/lint', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        draft: { ...validDraft, components: { body: 'x'.repeat(2_000_000), buttons: [] } },
      }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    const after = await t.db.prepare('SELECT COUNT(*) AS n FROM messages').first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });
});
