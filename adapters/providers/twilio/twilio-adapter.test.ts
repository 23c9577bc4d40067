import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError, ProviderError } from '../../../src/core/errors';
import type { MessageContent, OutboundMessage } from '../../../src/core/message';
import type { TemplateDraft } from '../../../src/core/template';
import { attachSpecValidation } from '../../../test/spec/msw-validation';
import {
  buildTwilioInbound,
  buildTwilioStatusFor,
  createTwilioSimulator,
  DEFAULT_ACCOUNT_SID,
  DEFAULT_AUTH_TOKEN,
  twilioWebhookRequest,
} from '../../../test/mocks/twilio';
import type { TwilioCredentials } from './twilio-credentials';
import type { ProviderAdapter } from '../types';
import { createTwilioAdapter } from './twilio-adapter';
import { TWILIO_API_BASE_URL, TWILIO_CONTENT_BASE_URL } from './twilio-api';

// The simulator runs on a local-mode style base; next_page_url still names content.twilio.com, as Twilio's does.
const API = 'http://127.0.0.1:8799/twilio-api';
const CONTENT = 'http://127.0.0.1:8799/twilio-content';
const sim = createTwilioSimulator({ baseUrl: API, contentBaseUrl: CONTENT });
const server = setupServer(...sim.handlers);
const spec = attachSpecValidation(server, {
  vendorBases: [
    { baseUrl: API, spec: 'twilio' },
    { baseUrl: CONTENT, spec: 'twilio' },
  ],
  // Twilio's OpenAPI documents no error responses at all; requests are still checked.
  allowUndocumentedStatus: (status) => status >= 400,
});

const credentials: TwilioCredentials = {
  accountSid: DEFAULT_ACCOUNT_SID,
  authToken: DEFAULT_AUTH_TOKEN,
  from: '+14155238886',
};
const CUSTOMER = '+15551234567';

function adapter(overrides: Partial<Parameters<typeof createTwilioAdapter>[0]> = {}): ProviderAdapter {
  return createTwilioAdapter({
    credentials,
    http: { baseUrl: API, secondaryBaseUrl: CONTENT, timeoutMs: 300 },
    statusCallbackUrl: 'https://app.example.com/webhooks/twilio/c1',
    ...overrides,
  });
}

const message = (content: MessageContent, extra: Partial<OutboundMessage> = {}): OutboundMessage => ({
  reference: 'msg_1',
  to: CUSTOMER,
  content,
  ...extra,
});

async function rejection(p: Promise<unknown>): Promise<ProviderError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProviderError);
  return e as ProviderError;
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  sim.state.reset();
  sim.faults.clear();
});
afterEach(async () => {
  await spec.assertNoViolations();
  spec.reset();
});
afterAll(() => server.close());

describe('defaults', () => {
  it('exports the real vendor hosts for config', () => {
    expect(TWILIO_API_BASE_URL).toBe('https://api.twilio.com');
    expect(TWILIO_CONTENT_BASE_URL).toBe('https://content.twilio.com');
  });
});

describe('send', () => {
  it('text: form-encoded To/From/Body/StatusCallback, SID as provider id', async () => {
    const result = await adapter().send(message({ type: 'text', text: 'Hello 👋' }));
    expect(result).toEqual({ providerMessageId: sim.state.messages[0]!.sid, status: 'pending' });
    expect(sim.state.messages[0]).toMatchObject({
      to: `whatsapp:${CUSTOMER}`,
      from: 'whatsapp:+14155238886',
      body: 'Hello 👋',
      statusCallback: 'https://app.example.com/webhooks/twilio/c1',
    });
    expect(sim.state.countFor(CUSTOMER)).toBe(1);
  });

  it('adds MessagingServiceSid when the connection has one', async () => {
    const mg = 'MG' + 'a'.repeat(32);
    await adapter({ credentials: { ...credentials, messagingServiceSid: mg } }).send(
      message({ type: 'text', text: 'x' }),
    );
    expect(sim.state.messages[0]).toMatchObject({ messagingServiceSid: mg, status: 'accepted' });
  });

  it('media: MediaUrl + caption as Body', async () => {
    await adapter().send(
      message({
        type: 'media',
        mediaType: 'image',
        url: 'https://cdn.example.com/a.jpg',
        caption: 'Your receipt',
      }),
    );
    expect(sim.state.messages[0]).toMatchObject({
      mediaUrls: ['https://cdn.example.com/a.jpg'],
      body: 'Your receipt',
    });
  });

  it.each(['video', 'audio', 'document', 'sticker'] as const)(
    '%s media without caption',
    async (mediaType) => {
      await adapter().send(
        message({ type: 'media', mediaType, url: `https://cdn.example.com/f.${mediaType}` }),
      );
      expect(sim.state.messages[0]).toMatchObject({
        mediaUrls: [`https://cdn.example.com/f.${mediaType}`],
        body: null,
      });
    },
  );

  it('media by provider id only is refused before any call', async () => {
    const e = await rejection(adapter().send(message({ type: 'media', mediaType: 'image', mediaId: '123' })));
    expect(e.kind).toBe('rejected');
    expect(sim.state.messages).toHaveLength(0);
  });

  it('location: PersistentAction geo:lat,long|label', async () => {
    await adapter().send(
      message({
        type: 'location',
        latitude: 37.78789,
        longitude: -122.391664,
        name: 'Twilio',
        address: '375 Beale St',
      }),
    );
    expect(sim.state.messages[0]).toMatchObject({
      persistentActions: ['geo:37.78789,-122.391664|Twilio'],
      body: 'Twilio\n375 Beale St',
    });
  });

  it('template: ContentSid + ContentVariables keyed by the Content keys, never Body', async () => {
    const [content] = sim.state.seedTemplates(1);
    await adapter().send(
      message(
        {
          type: 'template',
          templateId: 't1',
          templateName: 'template_1',
          language: 'en',
          values: { 'body.1': 'Ann', 'body.2': 'A-7' },
        },
        {
          template: {
            providerTemplateId: content!.sid,
            name: 'template_1',
            language: 'en',
            parameterFormat: 'POSITIONAL',
            variables: [
              { id: 'body.1', location: 'body', key: '1' },
              { id: 'body.2', location: 'body', key: '2' },
            ],
          },
        },
      ),
    );
    expect(sim.state.messages[0]).toMatchObject({
      contentSid: content!.sid,
      contentVariables: { '1': 'Ann', '2': 'A-7' },
      body: null,
    });
  });

  it('template: a missing value or a non-HX id is refused (Twilio would fill in the example)', async () => {
    const tpl = {
      providerTemplateId: 'HX' + '1'.repeat(32),
      name: 'n',
      language: 'en',
      parameterFormat: 'POSITIONAL' as const,
      variables: [{ id: 'body.1', location: 'body' as const, key: '1' }],
    };
    const content = {
      type: 'template' as const,
      templateId: 't',
      templateName: 'n',
      language: 'en',
      values: {},
    };
    expect((await rejection(adapter().send(message(content, { template: tpl })))).kind).toBe(
      'template_mismatch',
    );
    const wrongId = { ...tpl, providerTemplateId: 'order_confirmation' };
    expect((await rejection(adapter().send(message(content, { template: wrongId })))).kind).toBe(
      'template_mismatch',
    );
    expect(sim.state.messages).toHaveLength(0);
  });

  it.each<MessageContent>([
    { type: 'interactive_buttons', body: 'Pick', buttons: [{ id: 'a', title: 'A' }] },
    {
      type: 'interactive_list',
      body: 'Pick',
      buttonText: 'Open',
      sections: [{ rows: [{ id: 'a', title: 'A' }] }],
    },
    { type: 'cta_url', body: 'Go', buttonText: 'Open', url: 'https://x.test' },
    { type: 'reaction', emoji: '👍', targetProviderMessageId: 'SM1' },
    { type: 'contacts', contacts: [{ name: 'Ann', phones: ['+15550001111'] }] },
  ])('$type is rejected with a clear reason, no HTTP call', async (content) => {
    const e = await rejection(adapter().send(message(content)));
    expect(e.kind).toBe('rejected');
    expect(e.message).toMatch(/Twilio/);
    expect(sim.state.messages).toHaveLength(0);
  });
});

describe('errors', () => {
  const send = () => adapter().send(message({ type: 'text', text: 'hi' }));

  it('63016 outside the window → template_required', async () => {
    const strict = createTwilioSimulator({ baseUrl: API, contentBaseUrl: CONTENT, enforceWindow: true });
    server.use(...strict.handlers);
    const e = await rejection(send());
    expect(e).toMatchObject({ kind: 'template_required', vendorCode: '63016', httpStatus: 400 });
    expect(e.vendorMessage).toMatch(/outside the allowed window/);
    strict.state.openSession(CUSTOMER);
    await expect(send()).resolves.toMatchObject({ status: 'pending' });
    server.resetHandlers();
  });

  it('21211 invalid To → invalid_recipient', async () => {
    const e = await rejection(adapter().send(message({ type: 'text', text: 'x' }, { to: '12345' })));
    expect(e).toMatchObject({ kind: 'invalid_recipient', vendorCode: '21211' });
  });

  it('wrong token → 20003 auth, for sends and testCredentials', async () => {
    const bad = adapter({ credentials: { ...credentials, authToken: 'wrong_token_wrong_token' } });
    expect(await rejection(bad.send(message({ type: 'text', text: 'x' })))).toMatchObject({
      kind: 'auth',
      vendorCode: '20003',
      httpStatus: 401,
    });
    expect(await rejection(bad.testCredentials())).toMatchObject({ kind: 'auth' });
    await expect(adapter().testCredentials()).resolves.toBeUndefined();
    sim.faults.add({ status: 200, body: { sid: DEFAULT_ACCOUNT_SID, status: 'suspended' } });
    expect(await rejection(adapter().testCredentials())).toMatchObject({
      kind: 'auth',
      message: expect.stringMatching(/suspended/),
    });
  });

  it('429 with Retry-After → rate_limited with retryAfterMs', async () => {
    sim.faults.add({
      status: 429,
      headers: { 'Retry-After': '7' },
      body: { code: 20429, message: 'Too Many Requests', status: 429 },
    });
    expect(await rejection(send())).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 7000,
      vendorCode: '20429',
    });
  });

  it('63018 → rate_limited with a default backoff', async () => {
    sim.faults.add({
      status: 429,
      body: { code: 63018, message: 'Rate limit exceeded for Channel', status: 429 },
    });
    const e = await rejection(send());
    expect(e).toMatchObject({ kind: 'rate_limited', vendorCode: '63018', retryAfterMs: 1000 });
    expect(e.retryable).toBe(true);
  });

  it('5xx → transient', async () => {
    sim.faults.add({ status: 503, body: { code: 20500, message: 'Service Unavailable', status: 503 } });
    expect(await rejection(send())).toMatchObject({ kind: 'transient', httpStatus: 503 });
  });

  it('other 4xx → rejected with vendor text', async () => {
    sim.faults.add({
      status: 400,
      body: {
        code: 63032,
        message: 'We cannot send this message to this user because of a WhatsApp limitation.',
        status: 400,
      },
    });
    const e = await rejection(send());
    expect(e).toMatchObject({ kind: 'rejected', vendorCode: '63032' });
    expect(e.message).toMatch(/WhatsApp limitation/);
  });

  it('a send that times out → unknown_outcome (not retryable); a read that times out → transient', async () => {
    sim.faults.add({ delayMs: 1000, status: 201 });
    const e = await rejection(send());
    expect(e.kind).toBe('unknown_outcome');
    expect(e.retryable).toBe(false);
    sim.faults.add({ delayMs: 1000, status: 200 });
    expect((await rejection(adapter().testCredentials())).kind).toBe('transient');
  });

  it('a network error during a send → unknown_outcome', async () => {
    sim.faults.add({ networkError: true });
    expect((await rejection(send())).kind).toBe('unknown_outcome');
  });

  it('a 201 whose body is not a message → unknown_outcome naming the path; a list page of the wrong shape → rejected', async () => {
    sim.faults.add({ status: 201, body: { hello: 'world' }, headers: { 'x-mock-fault': '1' } });
    const e = await rejection(send());
    expect(e.kind).toBe('unknown_outcome');
    expect(e.message).toMatch(/unexpected shape at sid/);
    sim.faults.add({ status: 200, body: { contents: 'nope' }, headers: { 'x-mock-fault': '1' } });
    const pages = adapter().listTemplates()[Symbol.asyncIterator]();
    expect((await rejection(pages.next())).kind).toBe('rejected');
  });

  it('normalizeError passes ProviderErrors through and treats unknown throws conservatively', () => {
    const a = adapter();
    const pe = new ProviderError('auth', 'x');
    expect(a.normalizeError(pe)).toBe(pe);
    expect(a.normalizeError(new Error('boom')).kind).toBe('unknown_outcome');
  });
});

describe('listTemplates', () => {
  it('follows next_page_url (rebased from content.twilio.com) through every page', async () => {
    sim.state.seedTemplates(250);
    const pages: number[] = [];
    const ids = new Set<string>();
    for await (const page of adapter({ pageSize: 100 }).listTemplates()) {
      pages.push(page.length);
      page.forEach((t) => ids.add(t.providerTemplateId));
    }
    expect(pages).toEqual([100, 100, 50]);
    expect(ids.size).toBe(250);
  });

  it('lists 6,000 templates over 60 pages with one call per page', async () => {
    sim.state.seedTemplates(6000);
    let calls = 0;
    const countCall = () => void calls++;
    server.events.on('request:start', countCall);
    let count = 0;
    let pages = 0;
    for await (const page of adapter({ pageSize: 100 }).listTemplates()) {
      count += page.length;
      pages++;
    }
    server.events.removeListener('request:start', countCall);
    expect({ count, pages, calls }).toEqual({ count: 6000, pages: 60, calls: 60 });
  });

  it('yields an empty page for an empty account', async () => {
    const pages = [];
    for await (const page of adapter().listTemplates()) pages.push(page);
    expect(pages).toEqual([[]]);
  });

  it('a 5xx mid-way stops the iteration with a transient error', async () => {
    sim.state.seedTemplates(30);
    sim.faults.add({ status: 500, match: (r) => new URL(r.url).searchParams.has('PageToken') });
    const seen: number[] = [];
    const run = async () => {
      for await (const page of adapter({ pageSize: 10 }).listTemplates()) seen.push(page.length);
    };
    expect((await rejection(run())).kind).toBe('transient');
    expect(seen).toEqual([10]);
  });
});

describe('submitTemplate', () => {
  const draft: TemplateDraft = {
    name: 'order_update',
    language: 'en',
    category: 'UTILITY',
    parameterFormat: 'POSITIONAL',
    components: {
      header: { format: 'TEXT', text: 'Order {{1}}', examples: ['A-1'] },
      body: 'Thanks {{1}}! Your order number is {{2}}.',
      buttons: [{ type: 'URL', text: 'Track', url: 'https://example.com/t?o={{1}}', examples: ['860198'] }],
    },
    examples: { 'body.1': 'Mark', 'body.2': '860198' },
  };

  it('creates the Content, requests WhatsApp approval, and lists back with renumbered variables', async () => {
    const result = await adapter().submitTemplate(draft);
    expect(result.providerTemplateId).toMatch(/^HX[0-9a-f]{32}$/);
    expect(result.status).toBe('PENDING');
    const stored = sim.state.content(result.providerTemplateId)!;
    expect(stored.approval_requests).toMatchObject({
      name: 'order_update',
      category: 'UTILITY',
      status: 'received',
    });
    expect(stored.types).toEqual({
      'whatsapp/card': {
        body: 'Thanks {{1}}! Your order number is {{2}}.',
        header_text: 'Order {{3}}',
        actions: [{ type: 'URL', title: 'Track', url: 'https://example.com/t?o={{4}}' }],
      },
    });
    expect(stored.variables).toEqual({ '1': 'Mark', '2': '860198', '3': 'A-1', '4': '860198' });

    sim.state.setApprovalStatus(result.providerTemplateId, 'approved');
    const pages = adapter().listTemplates()[Symbol.asyncIterator]();
    const [listed] = (await pages.next()).value!;
    expect(listed).toMatchObject({
      status: 'APPROVED',
      kind: 'card',
      name: 'order_update',
      category: 'UTILITY',
    });
  });

  it('fails lint before any HTTP call', async () => {
    let calls = 0;
    const countCall = () => void calls++;
    server.events.on('request:start', countCall);
    const bad = { ...draft, name: 'Order Update!' };
    const e = await adapter()
      .submitTemplate(bad)
      .catch((err: unknown) => err);
    server.events.removeListener('request:start', countCall);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('invalid_request');
    expect(
      ((e as AppError).details as { issues: { path: string }[] }).issues.some((i) => i.path === 'name'),
    ).toBe(true);
    expect(calls).toBe(0);
  });
});

describe('webhooks through the adapter', () => {
  it('verifies without throwing when there are no credentials, and parses without them', async () => {
    const bare = createTwilioAdapter({ http: { baseUrl: API, timeoutMs: 100 }, now: () => 42 });
    const req = {
      url: 'https://app.example.com/webhooks/twilio/c1',
      method: 'POST',
      headers: new Headers({ 'x-twilio-signature': 'AAAA' }),
      rawBody: 'MessageSid=SM1&MessageStatus=delivered',
    };
    expect(await bare.verifyWebhook(req)).toBe(false);
    expect(bare.parseWebhook(req)).toEqual([
      { kind: 'status', providerMessageId: 'SM1', status: 'delivered', timestamp: 42 },
    ]);
  });

  it('plays a full exchange: signed inbound, send, then signed status callbacks for that message', async () => {
    const url = 'https://app.example.com/webhooks/twilio/c1';
    let clock = 1_000;
    const a = adapter({ now: () => clock });
    const inbound = await twilioWebhookRequest({
      url,
      authToken: DEFAULT_AUTH_TOKEN,
      params: buildTwilioInbound({ to: credentials.from, from: CUSTOMER, body: 'Hi!' }),
    });
    expect(await a.verifyWebhook(inbound)).toBe(true);
    expect(a.parseWebhook(inbound)).toMatchObject([
      { kind: 'inbound_message', from: CUSTOMER, routingKey: credentials.from },
    ]);

    const { providerMessageId } = await a.send(message({ type: 'text', text: 'Hello back' }));
    const sent = sim.state.message(providerMessageId)!;
    const events = [];
    for (const status of ['read', 'delivered', 'sent']) {
      clock += 1_000;
      const cb = await twilioWebhookRequest({
        url,
        authToken: DEFAULT_AUTH_TOKEN,
        params: buildTwilioStatusFor(sent, status),
      });
      expect(await a.verifyWebhook(cb)).toBe(true);
      expect(await a.verifyWebhook({ ...cb, rawBody: cb.rawBody.replace(status, 'failed') })).toBe(false);
      events.push(...a.parseWebhook(cb));
    }
    expect(events.map((e) => [e.kind, e.kind === 'status' && e.status, e.timestamp, e.routingKey])).toEqual([
      ['status', 'read', 2_000, credentials.from],
      ['status', 'delivered', 3_000, credentials.from],
      ['status', 'sent', 4_000, credentials.from],
    ]);
    expect(events.every((e) => e.kind === 'status' && e.providerMessageId === providerMessageId)).toBe(true);
  });
});
