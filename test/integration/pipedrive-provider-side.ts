// The WhatsApp side of the Pipedrive acceptance tests: the admin connects a number on each provider, the customer
// writes in and the provider reports statuses, with webhooks signed the way each provider signs them.
import { expect } from 'vitest';
import type { ProviderName } from '../../src/core/template';
import { TEST_SECRETS } from '../helpers/platform';
import { CM_SIM_PRODUCT_TOKEN, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from '../mocks/index';
import { metaInbound, metaMessagesWebhook, signMetaWebhook } from '../mocks/meta';
import { buildTwilioInbound, buildTwilioStatusFor, twilioWebhookRequest } from '../mocks/twilio';
import { buildCmInbound, buildCmStatusReport } from '../mocks/cm';
import { APP_BASE, SENDER, type World } from './pipedrive-world';

type Json = Record<string, unknown>;

export interface ConnectedNumber {
  provider: ProviderName;
  connectionId: string;
  senderPhone: string;
  templateId: string;
  /** CM.com: path of our webhook (the secret token is in it). */
  webhookPath: string;
}

const TEMPLATE_BODY = 'Hi {{1}}, your order {{2}} is ready for pickup.';

/** The admin connects a number of `provider` and makes one approved UTILITY template available. */
export async function connectProvider(
  w: World,
  admin: string,
  provider: ProviderName,
): Promise<ConnectedNumber> {
  const credentials = {
    meta: {
      accessToken: w.sims.meta.config.accessToken,
      wabaId: w.sims.meta.config.wabaId,
      phoneNumberId: w.sims.meta.config.phoneNumberId,
    },
    twilio: { accountSid: DEFAULT_ACCOUNT_SID, authToken: DEFAULT_AUTH_TOKEN, from: SENDER.twilio },
    cm: { productToken: CM_SIM_PRODUCT_TOKEN, from: SENDER.cm },
  }[provider];
  const created = await w.call('POST', '/api/connections', {
    token: admin,
    body: { label: `${provider} number`, senderPhone: SENDER[provider], provider, credentials },
  });
  expect(created.status).toBe(201);
  const connection = ((await created.json()) as { connection: Json }).connection;
  const connectionId = String(connection.id);

  if (provider === 'cm') {
    const res = await w.call('POST', '/api/templates/manual', {
      token: admin,
      body: {
        connectionId,
        namespace: 'c0ffee00_demo_4109_a8b6_577bf0ec778a',
        elementName: 'order_ready',
        language: 'en',
        category: 'UTILITY',
        body: TEMPLATE_BODY,
      },
    });
    expect(res.status).toBe(201);
    const template = ((await res.json()) as { template: Json }).template;
    w.sims.cm.state.templates.set(String(template.providerTemplateId), {
      namespace: 'c0ffee00_demo_4109_a8b6_577bf0ec778a',
      elementName: 'order_ready',
      language: 'en',
      bodyParams: 2,
    });
  } else {
    if (provider === 'meta') {
      w.sims.meta.state.addTemplate({
        name: 'order_ready',
        language: 'en',
        status: 'APPROVED',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: TEMPLATE_BODY, example: { body_text: [['Mari', 'A-1001']] } }],
      } as never);
    } else {
      w.sims.twilio.state.addContent({
        friendly_name: 'order_ready',
        language: 'en',
        variables: { '1': 'Mari', '2': 'A-1001' },
        types: { 'twilio/text': { body: TEMPLATE_BODY } },
        approval_requests: {
          name: 'order_ready',
          category: 'UTILITY',
          content_type: 'twilio/text',
          status: 'approved',
          rejection_reason: '',
          allow_category_change: false,
        },
      });
    }
    const sync = await w.call('POST', '/api/templates/sync', { token: admin, body: { connectionId } });
    expect(sync.status).toBe(200);
  }
  const list = await w.call('GET', `/api/templates?connectionId=${connectionId}&status=APPROVED`, {
    token: admin,
  });
  const templates = ((await list.json()) as { templates: Json[] }).templates;
  const template = templates.find((x) => x.name === 'order_ready');
  expect(template, `approved template on ${provider}`).toBeDefined();
  const webhookUrl = typeof connection.webhookUrl === 'string' ? new URL(connection.webhookUrl) : null;
  return {
    provider,
    connectionId,
    senderPhone: SENDER[provider],
    templateId: String(template!.id),
    webhookPath: webhookUrl ? webhookUrl.pathname : '',
  };
}

/** The customer writes in on `number`'s provider, with a webhook signed the way that provider signs it. */
export async function customerWrites(
  w: World,
  number: ConnectedNumber,
  from: string,
  text: string,
  name = 'Mari Tamm',
): Promise<Response> {
  const at = w.t.clock.now();
  switch (number.provider) {
    case 'meta': {
      w.sims.meta.state.customerWrote(from);
      const raw = JSON.stringify(
        metaMessagesWebhook(w.sims.meta.config, [metaInbound.text({ from, timestampMs: at }, text)], name),
      );
      return w.app.request('/webhooks/meta', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': await signMetaWebhook(raw, TEST_SECRETS.META_APP_SECRET),
        },
        body: raw,
      });
    }
    case 'twilio': {
      w.sims.twilio.state.openSession(from);
      const params = buildTwilioInbound({ to: number.senderPhone, from, profileName: name, body: text });
      return twilioPost(w, `${APP_BASE}/webhooks/twilio/${number.connectionId}`, params);
    }
    case 'cm':
      return w.app.request(number.webhookPath, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          buildCmInbound({ from, to: number.senderPhone, name, content: { type: 'text', text }, at }),
        ),
      });
  }
}

async function twilioPost(w: World, url: string, params: Record<string, string>): Promise<Response> {
  const signed = await twilioWebhookRequest({ url, params, authToken: DEFAULT_AUTH_TOKEN });
  return w.app.request(new URL(url).pathname, {
    method: 'POST',
    headers: signed.headers,
    body: signed.rawBody,
  });
}

export type WireStatus = 'sent' | 'delivered' | 'read';

/** The provider reports `status` for the message it accepted with id `providerMessageId`. */
export async function providerReports(
  w: World,
  number: ConnectedNumber,
  providerMessageId: string,
  status: WireStatus,
): Promise<Response> {
  const at = w.t.clock.now();
  switch (number.provider) {
    case 'meta': {
      const raw = JSON.stringify(w.sims.meta.statusWebhook(providerMessageId, status, { timestampMs: at }));
      return w.app.request('/webhooks/meta', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': await signMetaWebhook(raw, TEST_SECRETS.META_APP_SECRET),
        },
        body: raw,
      });
    }
    case 'twilio': {
      const message = w.sims.twilio.state.message(providerMessageId)!;
      const url = message.statusCallback ?? `${APP_BASE}/webhooks/twilio/${number.connectionId}`;
      return twilioPost(w, url, buildTwilioStatusFor(message, status));
    }
    case 'cm': {
      const sent = w.sims.cm.state.sent.find((m) => m.reference === providerMessageId)!;
      const code = { sent: 'Sent', delivered: 'Delivered', read: 'Read' }[status];
      return w.app.request(number.webhookPath, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          buildCmStatusReport({ reference: sent.reference!, to: sent.to, status: code, at }),
        ),
      });
    }
  }
}

/** What the provider simulator actually sent to `phone`: 'template' or 'text' per message, in order. */
export function sentKinds(w: World, provider: ProviderName, phone: string): string[] {
  const digits = phone.replace(/\D/g, '');
  switch (provider) {
    case 'meta':
      return w.sims.meta.state.sent.filter((m) => m.to === digits).map((m) => m.type);
    case 'twilio':
      return w.sims.twilio.state.messages
        .filter((m) => m.to === `whatsapp:${phone}`)
        .map((m) => (m.contentSid ? 'template' : 'text'));
    case 'cm':
      return w.sims.cm.state.sent
        .filter((m) => m.to.replace(/\D/g, '').endsWith(digits))
        .map((m) => (m.part && 'template' in m.part ? 'template' : 'text'));
  }
}
