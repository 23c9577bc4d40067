// A WhatsApp provider the app has never heard of, as a module and a contract fixture (issue 13): an in-memory
// vendor that takes one API key, signs its webhooks with an HMAC of the body, and fails a send the way a test
// arranges. fake-provider.test.ts registers it in the registry at run time and runs the provider contract over it.
import { createHmac } from 'node:crypto';
import * as z from 'zod/mini';
import type { ProviderModule } from '../../adapters/providers/provider-module';
import { PROVIDER_MODULES } from '../../adapters/providers/registry';
import type { ProviderAdapter, ProviderEvent, WebhookRequest } from '../../adapters/providers/types';
import { ProviderError } from '../../src/core/errors';
import type { OutboundMessage } from '../../src/core/message';
import type { ProviderName } from '../../src/core/template';
import { timingSafeEqual } from '../../src/security/encoding';
import { FaultInjector } from '../mocks/faults';
import { CONTRACT_CUSTOMER, commonSends, type ProviderContractFixture } from './provider-fixture';

export const FAKE_PROVIDER = 'fakewa' as ProviderName;
export const FAKE_NUMBER = '+3726000000';
const API_KEY = 'fake-api-key-0123456789';
const WEBHOOK_SECRET = 'fake-webhook-secret-0123456789';
const AT = Date.UTC(2026, 2, 1, 9, 30);

type FakeCredentials = { apiKey: string; number: string };
export type FakeWebhookBody =
  | { kind: 'message'; from: string; id: string; text: string; to: string; at: number }
  | { kind: 'status'; id: string; status: 'sent' | 'delivered' | 'read'; to: string; at: number };

export const fakeSignature = (body: string, secret = WEBHOOK_SECRET) =>
  createHmac('sha256', secret).update(body).digest('hex');

/** What the fake vendor accepted, and the failure the next send meets. */
const vendor = { sent: [] as OutboundMessage[], failNext: null as ProviderError | null };
/** The messages the fake vendor accepted, in order (cleared by `fakeFixture.reset()`). */
export const fakeSent: readonly OutboundMessage[] = vendor.sent;

function createFakeAdapter(credentials?: FakeCredentials): ProviderAdapter {
  const refuseKey = () => {
    if (credentials?.apiKey !== API_KEY)
      throw new ProviderError('auth', 'The fake vendor refused the API key', {
        vendorCode: 'bad_key',
        vendorMessage: 'Invalid API key',
        httpStatus: 401,
      });
  };
  return {
    provider: FAKE_PROVIDER,
    capabilities: {
      listTemplates: false,
      submitTemplate: false,
      readReceipts: false,
      userIdRecipients: false,
    },
    async *listTemplates() {},
    submitTemplate: async () => {
      throw new ProviderError('rejected', 'Templates are made in the fake console');
    },
    async send(message) {
      refuseKey();
      const failure = vendor.failNext;
      vendor.failNext = null;
      if (failure) throw failure;
      vendor.sent.push(message);
      return { providerMessageId: `fake.out.${vendor.sent.length}`, status: 'pending' };
    },
    testCredentials: async () => refuseKey(),
    verifyWebhook: async (request) =>
      timingSafeEqual(request.headers.get('x-fake-signature') ?? '', fakeSignature(request.rawBody)),
    parseWebhook: (request): ProviderEvent[] => {
      const body = JSON.parse(request.rawBody) as FakeWebhookBody;
      if (body.kind === 'status')
        return [
          {
            kind: 'status',
            routingKey: body.to,
            providerMessageId: body.id,
            status: body.status,
            timestamp: body.at,
          },
        ];
      return [
        {
          kind: 'inbound_message',
          routingKey: body.to,
          from: body.from,
          providerMessageId: body.id,
          timestamp: body.at,
          content: { type: 'text', text: body.text },
        },
      ];
    },
    normalizeError: (error) =>
      error instanceof ProviderError ? error : new ProviderError('transient', String(error)),
  };
}

export const fakeModule: ProviderModule<FakeCredentials> = {
  name: FAKE_PROVIDER,
  label: 'Fake WhatsApp',
  credentialsSchema: z.object({
    apiKey: z.string().check(z.minLength(10)),
    number: z.string().check(z.regex(/^\+[1-9]\d{6,14}$/)),
  }),
  secretFields: ['apiKey'],
  routing: (credentials) => ({ routingKey: credentials.number, providerAccountId: null }),
  webhook: {
    scope: 'platform',
    verifySubscription: (query) => (query['challenge'] === 'ok' ? 'echo' : null),
  },
  senderProof: 'credentials',
  configKeys: { secrets: {}, baseUrls: {} },
  create: (_env, credentials) => createFakeAdapter(credentials),
};

/** Registers the fake provider through the registry alone; returns the undo (for afterAll). */
export function registerFakeProvider(): () => void {
  (PROVIDER_MODULES as Record<string, ProviderModule>)[FAKE_PROVIDER] = fakeModule as ProviderModule;
  return () => {
    delete (PROVIDER_MODULES as Record<string, ProviderModule>)[FAKE_PROVIDER];
  };
}

/** A webhook as the fake vendor posts it to the platform URL, signed (or signed with another secret). */
export function fakeWebhook(body: FakeWebhookBody, secret = WEBHOOK_SECRET): WebhookRequest {
  const rawBody = JSON.stringify(body);
  return {
    url: `https://wabridge.example/webhooks/${FAKE_PROVIDER}`,
    method: 'POST',
    headers: new Headers({
      'content-type': 'application/json',
      'x-fake-signature': fakeSignature(rawBody, secret),
    }),
    rawBody,
  };
}

const failWith =
  (
    kind: ProviderError['kind'],
    message: string,
    extra: ConstructorParameters<typeof ProviderError>[2] = {},
  ) =>
  () => {
    vendor.failNext = new ProviderError(kind, message, { vendorMessage: message, ...extra });
  };

const inboundText = (text: string): FakeWebhookBody => ({
  kind: 'message',
  from: CONTRACT_CUSTOMER,
  id: `fake.in.${text.length}`,
  text,
  to: FAKE_NUMBER,
  at: AT,
});

export const fakeFixture: ProviderContractFixture = {
  provider: FAKE_PROVIDER,
  handlers: [],
  faults: new FaultInjector(),
  specBases: [],
  reset() {
    vendor.sent.length = 0;
    vendor.failNext = null;
  },
  credentials: (options = {}) => ({
    apiKey: options.badCredentials ? 'wrong-api-key-0123456789' : API_KEY,
    number: FAKE_NUMBER,
  }),
  adapter: (options = {}) =>
    createFakeAdapter(fakeModule.credentialsSchema.parse(fakeFixture.credentials(options))),
  sentCount: () => vendor.sent.length,
  sends: commonSends(),
  errors: {
    template_required: {
      arrange: failWith('template_required', 'Outside the 24-hour window', { vendorCode: 'window' }),
      vendorCode: 'window',
    },
    rate_limited: {
      arrange: failWith('rate_limited', 'Slow down', { vendorCode: 'throttled', retryAfterMs: 2_000 }),
      retryAfterMs: 2_000,
    },
    template_mismatch: { arrange: failWith('template_mismatch', 'Parameters do not match the template') },
    invalid_recipient: { arrange: failWith('invalid_recipient', 'Not a WhatsApp user') },
    auth: { badCredentials: true, vendorCode: 'bad_key' },
    transient: { arrange: failWith('transient', 'Fake vendor unavailable', { httpStatus: 503 }) },
    unknown_outcome: {
      arrange: failWith('unknown_outcome', 'The connection dropped after the request left'),
    },
  },
  listing: { supported: false },
  inbound: [
    {
      name: 'text',
      request: async () => fakeWebhook(inboundText('Tere, kas pood on lahti?')),
      kind: 'inbound_message',
      contentType: 'text',
      expect: { from: CONTRACT_CUSTOMER, routingKey: FAKE_NUMBER },
    },
  ],
  status: async () => ({
    request: fakeWebhook({ kind: 'status', id: 'fake.out.9', status: 'delivered', to: FAKE_NUMBER, at: AT }),
    providerMessageId: 'fake.out.9',
    status: 'delivered',
  }),
  forged: async () => fakeWebhook(inboundText('forged'), 'not-the-webhook-secret'),
  unsigned: (request) => {
    const headers = new Headers(request.headers);
    headers.delete('x-fake-signature');
    return { ...request, headers };
  },
};
