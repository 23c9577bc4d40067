// CM.com contract fixture: the adapter against the CM.com gateway simulator, its webhooks, its errors.
// CM.com publishes no OpenAPI spec and has no template list API (templates are registered by the admin).
import { createCmAdapter } from '../../adapters/providers/cm/cm-adapter';
import type { CmCredentials } from '../../adapters/providers/cm/cm-credentials';
import type { OutboundMessage } from '../../src/core/message';
import {
  buildCmInbound,
  buildCmStatusReport,
  cmWebhookRequest,
  cmWebhookUrl,
  CM_SIM_PRODUCT_TOKEN,
  createCmSimulator,
  type CmInboundKind,
} from '../mocks/cm';
import { CONTRACT_CUSTOMER, text, type ProviderContractFixture, commonSends } from './provider-fixture';

const BASE = 'https://gw.cm.contract.test';
const OUR_NUMBER = '+31201234567';
const TOKEN = 'cm-contract-webhook-token-0123456789';
const sim = createCmSimulator({ baseUrl: BASE });
const url = (token = TOKEN) => cmWebhookUrl('https://wabridge.example', 'con_contract', token);
const inbound = (content: CmInboundKind, token?: string) =>
  Promise.resolve(
    cmWebhookRequest(url(token), buildCmInbound({ from: CONTRACT_CUSTOMER, to: OUR_NUMBER, content })),
  );
const rejected = (messageErrorCode: number, messageDetails: string) => ({
  details: 'Created 0 message(s)',
  errorCode: 201,
  messages: [
    {
      to: '0016505551234',
      status: 'Rejected',
      reference: 'contractref001',
      parts: 0,
      messageDetails,
      messageErrorCode,
    },
  ],
});

function templateMessage(params: number): OutboundMessage {
  sim.seedTemplates(1, 'ns_contract');
  const variables = Array.from({ length: params }, (_, i) => ({
    id: `body.${i + 1}`,
    location: 'body' as const,
    key: String(i + 1),
  }));
  return {
    ...text(),
    content: {
      type: 'template',
      templateId: 'tpl_c',
      templateName: 'template_0',
      language: 'en',
      values: Object.fromEntries(variables.map((v) => [v.id, 'Ann'])),
      renderedText: 'Hi Ann',
    },
    template: {
      providerTemplateId: 'ns_contract:template_0:en',
      name: 'template_0',
      language: 'en',
      namespace: 'ns_contract',
      parameterFormat: 'POSITIONAL',
      variables,
    },
  };
}

export const cmFixture: ProviderContractFixture = {
  provider: 'cm',
  handlers: sim.handlers,
  faults: sim.faults,
  specBases: [{ baseUrl: BASE, spec: null }],
  reset() {
    sim.state.sent.length = 0;
    sim.state.templates.clear();
    sim.faults.clear();
  },
  credentials: (options = {}) => ({
    productToken: options.badCredentials ? '11111111-1111-4111-8111-111111111111' : CM_SIM_PRODUCT_TOKEN,
    from: OUR_NUMBER,
  }),
  adapter: (options = {}) =>
    createCmAdapter({
      credentials: cmFixture.credentials(options) as CmCredentials,
      http: { baseUrl: BASE, timeoutMs: options.timeoutMs ?? 2_000 },
      webhookToken: TOKEN,
    }),
  sentCount: () => sim.state.sent.length,
  sends: [
    ...commonSends(),
    { name: 'template (richContent template.whatsapp)', message: () => templateMessage(1) },
  ],
  errors: {
    // CM.com relays WhatsApp's own "outside the window" failure (Meta 131047) in the message details.
    template_required: {
      arrange: () =>
        sim.faults.add({
          status: 400,
          body: rejected(
            305,
            '131047 Re-engagement message: more than 24 hours have passed since the customer last replied',
          ),
        }),
      vendorCode: '305',
    },
    rate_limited: {
      arrange: () =>
        sim.faults.add({
          status: 429,
          headers: { 'Retry-After': '7' },
          body: { details: 'Too many requests', errorCode: 999, messages: [] },
        }),
      retryAfterMs: 7_000,
    },
    template_mismatch: { message: () => templateMessage(2), vendorCode: '305' },
    invalid_recipient: {
      arrange: () => sim.faults.add({ status: 400, body: rejected(303, 'Invalid recipient 0016505551234') }),
      vendorCode: '303',
    },
    auth: { badCredentials: true, vendorCode: '101' },
    transient: {
      arrange: () =>
        sim.faults.add({ status: 503, body: { details: 'Internal error', errorCode: 999, messages: [] } }),
    },
    unknown_outcome: { arrange: () => sim.faults.add({ delayMs: 1_500, status: 200, body: {} }) },
  },
  listing: { supported: false },
  inbound: [
    {
      name: 'text',
      request: () => inbound({ type: 'text', text: 'Hi' }),
      kind: 'inbound_message',
      contentType: 'text',
    },
    {
      name: 'image',
      request: () =>
        inbound({
          type: 'media',
          url: 'https://cm.example/m/1.jpg',
          contentType: 'image/jpeg',
          caption: 'look',
        }),
      kind: 'inbound_message',
      contentType: 'media',
    },
    {
      name: 'document',
      request: () =>
        inbound({
          type: 'media',
          url: 'https://cm.example/m/1.pdf',
          contentType: 'application/pdf',
          title: 'a.pdf',
        }),
      kind: 'inbound_message',
      contentType: 'media',
    },
    {
      name: 'location',
      request: () => inbound({ type: 'location', latitude: 45.46, longitude: 9.19, label: 'Duomo' }),
      kind: 'inbound_message',
      contentType: 'location',
    },
    {
      name: 'contacts',
      request: () =>
        inbound({
          type: 'contacts',
          contacts: [{ name: { formatted_name: 'Ann Lee' }, phones: [{ phone: '+16505550000' }] }],
        }),
      kind: 'inbound_message',
      contentType: 'contacts',
    },
    {
      name: 'button reply',
      request: () => inbound({ type: 'button_reply', id: 'yes', title: 'Yes' }),
      kind: 'inbound_message',
      contentType: 'reply',
    },
    {
      name: 'list reply',
      request: () => inbound({ type: 'list_reply', id: 'r1', title: 'Row 1' }),
      kind: 'inbound_message',
      contentType: 'reply',
    },
    {
      name: 'template quick reply',
      request: () => inbound({ type: 'template_button', payload: 'STOP', text: 'Stop' }),
      kind: 'inbound_message',
      contentType: 'reply',
    },
  ],
  async status() {
    const request = cmWebhookRequest(
      url(),
      buildCmStatusReport({ reference: 'contractref001', to: CONTRACT_CUSTOMER, status: 'Delivered' }),
    );
    return { request, providerMessageId: 'contractref001', status: 'delivered' };
  },
  forged: () => inbound({ type: 'text', text: 'forged' }, 'wrong-token-0123456789abcdef'),
};
