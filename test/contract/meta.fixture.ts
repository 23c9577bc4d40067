// Meta Cloud API contract fixture: the adapter against the Meta simulator, the webhooks Meta sends, its errors.
import { expect } from 'vitest';
import { createMetaAdapter } from '../../adapters/providers/meta/meta-adapter';
import type { MetaCredentials } from '../../adapters/providers/meta/meta-credentials';
import { metaTemplateSchema } from '../../adapters/providers/meta/meta-api';
import { mapMetaTemplate } from '../../adapters/providers/meta/map-meta-template';
import type { OutboundMessage } from '../../src/core/message';
import {
  createMetaSimulator,
  META_SIM_DEFAULTS,
  metaInbound,
  metaMessagesWebhook,
  metaStatus,
  metaStatusesWebhook,
  metaWebhookRequest,
  type InboundBase,
} from '../mocks/meta';
import {
  CONTRACT_CUSTOMER,
  NEVER_WROTE,
  text,
  type ProviderContractFixture,
  commonSends,
} from './provider-fixture';

const BASE = 'https://graph.contract.test';
const APP_SECRET = 'meta-contract-app-secret';
const sim = createMetaSimulator({ baseUrl: BASE, enforceWindow: true });
const from: InboundBase = { from: CONTRACT_CUSTOMER };
const graphError = (code: number, message: string) => ({
  error: { message, type: 'OAuthException', code, fbtrace_id: 'AcontractTrace' },
});

function signed(message: Record<string, unknown>, secret = APP_SECRET) {
  return metaWebhookRequest(metaMessagesWebhook({}, [message]), secret);
}

function templateMessage(name?: string): OutboundMessage {
  const wire = sim.state.seedTemplates(1)[0]!;
  const t = mapMetaTemplate(metaTemplateSchema.parse(wire));
  return {
    ...text(),
    content: {
      type: 'template',
      templateId: 'tpl_contract',
      templateName: name ?? t.name,
      language: t.language,
      values: Object.fromEntries(t.variables.map((v) => [v.id, v.example ?? 'x'])),
      ...(t.components.header && t.components.header.format !== 'TEXT'
        ? { headerMediaUrl: 'https://example.com/h.jpg' }
        : {}),
    },
    template: {
      providerTemplateId: t.providerTemplateId,
      name: name ?? t.name,
      language: t.language,
      parameterFormat: t.parameterFormat,
      variables: t.variables,
      ...(t.components.header ? { headerFormat: t.components.header.format } : {}),
      buttonTypes: t.components.buttons.map((b) => b.type),
    },
  };
}

export const metaFixture: ProviderContractFixture = {
  provider: 'meta',
  handlers: sim.handlers,
  faults: sim.faults,
  specBases: [{ baseUrl: BASE, spec: 'meta' }],
  reset() {
    sim.state.reset();
    sim.faults.clear();
    sim.state.customerWrote(CONTRACT_CUSTOMER);
  },
  credentials: (options = {}) => ({
    accessToken: options.badCredentials ? 'EAAwrongTokenForContract' : META_SIM_DEFAULTS.accessToken,
    wabaId: META_SIM_DEFAULTS.wabaId,
    phoneNumberId: META_SIM_DEFAULTS.phoneNumberId,
    apiVersion: 'v23.0',
  }),
  adapter: (options = {}) =>
    createMetaAdapter({
      credentials: metaFixture.credentials(options) as MetaCredentials,
      http: { baseUrl: BASE, timeoutMs: options.timeoutMs ?? 2_000 },
      appSecret: APP_SECRET,
      pageSize: 50,
    }),
  sentCount: () => sim.state.sent.length,
  sends: [
    ...commonSends(),
    {
      name: 'reaction',
      message: () => ({
        ...text(),
        content: { type: 'reaction', emoji: '👍', targetProviderMessageId: 'wamid.TARGET' },
      }),
    },
    {
      name: 'interactive buttons',
      message: () => ({
        ...text(),
        content: {
          type: 'interactive_buttons',
          body: 'Keep the appointment?',
          buttons: [
            { id: 'yes', title: 'Yes' },
            { id: 'no', title: 'No' },
          ],
        },
      }),
    },
    { name: 'template', message: () => templateMessage() },
  ],
  errors: {
    template_required: { message: () => text(NEVER_WROTE), vendorCode: '131047' },
    rate_limited: {
      arrange: () =>
        sim.faults.add({
          status: 429,
          headers: { 'Retry-After': '7' },
          body: graphError(130429, 'Rate limit hit'),
        }),
      vendorCode: '130429',
      retryAfterMs: 7_000,
    },
    template_mismatch: { message: () => templateMessage('no_such_template'), vendorCode: '132001' },
    invalid_recipient: {
      arrange: () => sim.faults.add({ status: 400, body: graphError(131026, 'Message undeliverable') }),
      vendorCode: '131026',
    },
    auth: { badCredentials: true, vendorCode: '190' },
    transient: {
      arrange: () => sim.faults.add({ status: 503, body: graphError(2, 'Service temporarily unavailable') }),
    },
    unknown_outcome: { arrange: () => sim.faults.add({ delayMs: 1_500, status: 200, body: {} }) },
  },
  listing: { supported: true, seed: (n) => void sim.state.seedTemplates(n), pageSize: 50 },
  inbound: [
    {
      name: 'text',
      request: () => signed(metaInbound.text(from, 'Hi')),
      kind: 'inbound_message',
      contentType: 'text',
    },
    {
      name: 'image',
      request: () => signed(metaInbound.image(from, { caption: 'look' })),
      kind: 'inbound_message',
      contentType: 'media',
    },
    {
      name: 'video',
      request: () => signed(metaInbound.video(from, { mime_type: 'video/mp4' })),
      kind: 'inbound_message',
      contentType: 'media',
    },
    {
      name: 'audio',
      request: () => signed(metaInbound.audio(from)),
      kind: 'inbound_message',
      contentType: 'media',
    },
    {
      name: 'document',
      request: () => signed(metaInbound.document(from)),
      kind: 'inbound_message',
      contentType: 'media',
    },
    {
      name: 'sticker',
      request: () => signed(metaInbound.sticker(from)),
      kind: 'inbound_message',
      contentType: 'media',
    },
    {
      name: 'location',
      request: () => signed(metaInbound.location(from, { latitude: 45.46, longitude: 9.19, name: 'Duomo' })),
      kind: 'inbound_message',
      contentType: 'location',
    },
    {
      name: 'contacts',
      request: () =>
        signed(
          metaInbound.contacts(from, [
            {
              name: { formatted_name: 'Ann Lee', first_name: 'Ann' },
              phones: [{ phone: '+1 650 555 0000', type: 'CELL' }],
            },
          ]),
        ),
      kind: 'inbound_message',
      contentType: 'contacts',
    },
    {
      name: 'button reply',
      request: () => signed(metaInbound.buttonReply(from, 'yes', 'Yes')),
      kind: 'inbound_message',
      contentType: 'reply',
    },
    {
      name: 'list reply',
      request: () => signed(metaInbound.listReply(from, 'r1', 'Row 1')),
      kind: 'inbound_message',
      contentType: 'reply',
    },
    {
      name: 'flow reply',
      request: () => signed(metaInbound.flowReply(from, { ok: true })),
      kind: 'inbound_message',
      contentType: 'reply',
    },
    {
      name: 'template quick reply',
      request: () => signed(metaInbound.quickReply(from, 'STOP', 'Stop promotions')),
      kind: 'inbound_message',
      contentType: 'reply',
    },
    {
      name: 'reaction',
      request: () => signed(metaInbound.reaction(from, 'wamid.ORIG', '❤️')),
      kind: 'inbound_message',
      contentType: 'reaction',
    },
    {
      name: 'reply context',
      request: () =>
        signed(metaInbound.text({ ...from, context: { id: 'wamid.ORIG', from: '15550783881' } }, 'yes')),
      kind: 'inbound_message',
      contentType: 'text',
      expect: { replyToProviderMessageId: 'wamid.ORIG' },
    },
    {
      name: 'Click-to-WhatsApp referral',
      request: () =>
        signed(
          metaInbound.text(
            {
              ...from,
              referral: {
                source_url: 'https://fb.me/ad',
                source_id: 'AD1',
                source_type: 'ad',
                headline: 'Sale',
                body: 'Now',
                ctwa_clid: 'CLID1',
              },
            },
            'I saw your ad',
          ),
        ),
      kind: 'inbound_message',
      contentType: 'text',
      expect: { referral: expect.objectContaining({ sourceType: 'ad', ctwaClid: 'CLID1' }) },
    },
    {
      name: 'edit',
      request: () => signed(metaInbound.edit(from, 'wamid.ORIG', 'fixed')),
      kind: 'message_edited',
      contentType: 'text',
    },
    {
      name: 'deletion',
      request: () => signed(metaInbound.revoke(from, 'wamid.ORIG')),
      kind: 'message_deleted',
    },
    {
      name: 'unsupported',
      request: () => signed(metaInbound.unsupported(from, 'poll')),
      kind: 'inbound_message',
      contentType: 'unsupported',
    },
  ],
  async status() {
    const request = await metaWebhookRequest(
      metaStatusesWebhook({}, [
        metaStatus({ id: 'wamid.CONTRACT1', status: 'delivered', recipient: CONTRACT_CUSTOMER }),
      ]),
      APP_SECRET,
    );
    return { request, providerMessageId: 'wamid.CONTRACT1', status: 'delivered' };
  },
  forged: () => signed(metaInbound.text(from, 'forged'), 'not-the-app-secret'),
  unsigned: (request) => {
    const headers = new Headers(request.headers);
    headers.delete('x-hub-signature-256');
    return { ...request, headers };
  },
  deliveredInboundId() {
    const message = metaInbound.text(from, 'Any news?');
    sim.state.recordInbound([message]);
    return String(message.id);
  },
};
