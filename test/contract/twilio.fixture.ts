// Twilio contract fixture: the adapter against the Twilio simulator (Messages + Content API), its webhooks, its errors.
import { expect } from 'vitest';
import { createTwilioAdapter } from '../../adapters/providers/twilio/twilio-adapter';
import type { TwilioCredentials } from '../../adapters/providers/twilio/twilio-credentials';
import type { OutboundMessage } from '../../src/core/message';
import {
  buildTwilioInbound,
  buildTwilioStatus,
  createTwilioSimulator,
  DEFAULT_ACCOUNT_SID,
  DEFAULT_AUTH_TOKEN,
  twilioWebhookRequest,
  type TwilioInboundInput,
} from '../mocks/twilio';
import {
  CONTRACT_CUSTOMER,
  NEVER_WROTE,
  text,
  type ProviderContractFixture,
  commonSends,
} from './provider-fixture';

const API = 'https://api.twilio.contract.test';
const CONTENT = 'https://content.twilio.contract.test';
const OUR_NUMBER = '+14155238886';
const WEBHOOK_URL = 'https://wabridge.example/webhooks/twilio/con_contract';
const sim = createTwilioSimulator({ baseUrl: API, contentBaseUrl: CONTENT, enforceWindow: true });
const twilioError = (code: number, message: string, status: number) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

function inbound(input: Partial<TwilioInboundInput>, authToken = DEFAULT_AUTH_TOKEN) {
  return twilioWebhookRequest({
    url: WEBHOOK_URL,
    params: buildTwilioInbound({ to: OUR_NUMBER, from: CONTRACT_CUSTOMER, ...input }),
    authToken,
  });
}

function templateMessage(sid?: string): OutboundMessage {
  const content = sim.state.seedTemplates(1)[0]!;
  return {
    ...text(NEVER_WROTE), // approved templates go out even outside the window
    content: {
      type: 'template',
      templateId: 'tpl_c',
      templateName: 'template_1',
      language: 'en',
      values: { 'body.1': 'Ann', 'body.2': 'A-7' },
    },
    template: {
      providerTemplateId: sid ?? content.sid,
      name: 'template_1',
      language: 'en',
      parameterFormat: 'POSITIONAL',
      variables: [
        { id: 'body.1', location: 'body', key: '1' },
        { id: 'body.2', location: 'body', key: '2' },
      ],
    },
  };
}

export const twilioFixture: ProviderContractFixture = {
  provider: 'twilio',
  handlers: sim.handlers,
  faults: sim.faults,
  specBases: [
    { baseUrl: API, spec: 'twilio' },
    { baseUrl: CONTENT, spec: 'twilio' },
  ],
  reset() {
    sim.state.reset();
    sim.faults.clear();
    sim.state.openSession(CONTRACT_CUSTOMER);
  },
  credentials: (options = {}) => ({
    accountSid: DEFAULT_ACCOUNT_SID,
    authToken: options.badCredentials ? 'wrong_auth_token_0123456789abcd' : DEFAULT_AUTH_TOKEN,
    from: OUR_NUMBER,
  }),
  adapter: (options = {}) =>
    createTwilioAdapter({
      credentials: twilioFixture.credentials(options) as TwilioCredentials,
      http: { baseUrl: API, secondaryBaseUrl: CONTENT, timeoutMs: options.timeoutMs ?? 2_000 },
      statusCallbackUrl: WEBHOOK_URL,
      pageSize: 50,
    }),
  sentCount: () => sim.state.messages.length,
  sends: [
    ...commonSends(),
    {
      name: 'document',
      message: () => ({
        ...text(),
        content: {
          type: 'media',
          mediaType: 'document',
          url: 'https://example.com/a.pdf',
          filename: 'a.pdf',
        },
      }),
    },
    { name: 'template (ContentSid + ContentVariables)', message: () => templateMessage() },
  ],
  errors: {
    template_required: { message: () => text(NEVER_WROTE), vendorCode: '63016' },
    rate_limited: {
      arrange: () =>
        sim.faults.add({
          status: 429,
          headers: { 'Retry-After': '7' },
          body: twilioError(20429, 'Too Many Requests', 429),
        }),
      vendorCode: '20429',
      retryAfterMs: 7_000,
    },
    template_mismatch: { message: () => templateMessage(`HX${'f'.repeat(32)}`), vendorCode: '21655' },
    invalid_recipient: {
      arrange: () =>
        sim.faults.add({ status: 400, body: twilioError(21211, "Invalid 'To' Phone Number", 400) }),
      vendorCode: '21211',
    },
    auth: { badCredentials: true, vendorCode: '20003' },
    transient: {
      arrange: () => sim.faults.add({ status: 500, body: twilioError(20500, 'Internal Server Error', 500) }),
    },
    unknown_outcome: { arrange: () => sim.faults.add({ delayMs: 1_500, status: 201, body: {} }) },
  },
  listing: { supported: true, seed: (n) => void sim.state.seedTemplates(n), pageSize: 50 },
  inbound: [
    { name: 'text', request: () => inbound({ body: 'Hi' }), kind: 'inbound_message', contentType: 'text' },
    {
      name: 'image',
      request: () => inbound({ media: { url: 'https://api.twilio.com/m/1', contentType: 'image/jpeg' } }),
      kind: 'inbound_message',
      contentType: 'media',
    },
    {
      name: 'video',
      request: () => inbound({ media: { url: 'https://api.twilio.com/m/2', contentType: 'video/mp4' } }),
      kind: 'inbound_message',
      contentType: 'media',
    },
    {
      name: 'audio',
      request: () => inbound({ media: { url: 'https://api.twilio.com/m/3', contentType: 'audio/ogg' } }),
      kind: 'inbound_message',
      contentType: 'media',
    },
    {
      name: 'document',
      request: () =>
        inbound({ media: { url: 'https://api.twilio.com/m/4', contentType: 'application/pdf' } }),
      kind: 'inbound_message',
      contentType: 'media',
    },
    {
      name: 'location',
      request: () => inbound({ location: { latitude: 45.46, longitude: 9.19, label: 'Duomo' } }),
      kind: 'inbound_message',
      contentType: 'location',
    },
    {
      name: 'quick reply button',
      request: () => inbound({ button: { text: 'Yes', payload: 'keep' } }),
      kind: 'inbound_message',
      contentType: 'reply',
    },
    {
      name: 'list reply',
      request: () => inbound({ list: { id: 'r1', title: 'Row 1' } }),
      kind: 'inbound_message',
      contentType: 'reply',
    },
    {
      name: 'reply context',
      request: () => inbound({ body: 'yes', replyTo: { sid: 'SMorig' } }),
      kind: 'inbound_message',
      contentType: 'text',
      expect: { replyToProviderMessageId: 'SMorig' },
    },
    {
      name: 'Click-to-WhatsApp referral',
      request: () =>
        inbound({
          body: 'I saw your ad',
          referral: { sourceType: 'ad', sourceId: 'AD1', ctwaClid: 'CLID1' },
        }),
      kind: 'inbound_message',
      contentType: 'text',
      expect: { referral: expect.objectContaining({ sourceType: 'ad', ctwaClid: 'CLID1' }) },
    },
  ],
  async status() {
    const request = await twilioWebhookRequest({
      url: WEBHOOK_URL,
      params: buildTwilioStatus({
        messageSid: 'SMcontract1',
        status: 'delivered',
        from: OUR_NUMBER,
        to: CONTRACT_CUSTOMER,
      }),
      authToken: DEFAULT_AUTH_TOKEN,
    });
    return { request, providerMessageId: 'SMcontract1', status: 'delivered' };
  },
  forged: () => inbound({ body: 'forged' }, 'not_the_auth_token_0123456789ab'),
  unsigned: (request) => {
    const headers = new Headers(request.headers);
    headers.delete('x-twilio-signature');
    return { ...request, headers };
  },
};
