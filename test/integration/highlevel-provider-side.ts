// The WhatsApp side of the HighLevel acceptance tests: the admin connects a number on each provider, the customer
// writes in and the provider reports statuses with webhooks signed the way each provider signs them.
import { expect } from 'vitest';
import type { ProviderName } from '../../src/core/template';
import { TEST_SECRETS } from '../helpers/platform';
import { buildCmInbound, buildCmStatusReport } from '../mocks/cm';
import { CM_SIM_PRODUCT_TOKEN, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from '../mocks/index';
import { metaInbound, metaMessagesWebhook, signMetaWebhook } from '../mocks/meta';
import { buildTwilioInbound, buildTwilioStatusFor, twilioWebhookRequest } from '../mocks/twilio';
import type { World } from './highlevel-world';

export const APP_BASE = 'http://127.0.0.1:8787';
export const SENDER = { meta: '+14155550100', twilio: '+14155550101', cm: '+14155550102' } as const;
export const TEMPLATE_BODY = 'Hi {{1}}, your order {{2}} has shipped.';
type Json = Record<string, unknown>;

export interface ConnectedNumber {
  provider: ProviderName;
  connectionId: string;
  senderPhone: string;
  /** CM.com: path of our webhook (the secret token is in it). */
  webhookPath: string;
}

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
    const namespace = 'c0ffee00_demo_4109_a8b6_577bf0ec778a';
    const res = await w.call('POST', '/api/templates/manual', {
      token: admin,
      body: {
        connectionId,
        namespace,
        elementName: 'order_shipped',
        language: 'en',
        category: 'UTILITY',
        body: TEMPLATE_BODY,
      },
    });
    expect(res.status).toBe(201);
    const template = ((await res.json()) as { template: Json }).template;
    w.sims.cm.state.templates.set(String(template.providerTemplateId), {
      namespace,
      elementName: 'order_shipped',
      language: 'en',
      bodyParams: 2,
    });
  } else {
    if (provider === 'meta') {
      w.sims.meta.state.addTemplate({
        name: 'order_shipped',
        language: 'en',
        status: 'APPROVED',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: TEMPLATE_BODY, example: { body_text: [['Mari', 'A-1001']] } }],
      } as never);
    } else {
      w.sims.twilio.state.addContent({
        friendly_name: 'order_shipped',
        language: 'en',
        variables: { '1': 'Mari', '2': 'A-1001' },
        types: { 'twilio/text': { body: TEMPLATE_BODY } },
        approval_requests: {
          name: 'order_shipped',
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
  const webhookUrl = typeof connection.webhookUrl === 'string' ? new URL(connection.webhookUrl) : null;
  return { provider, connectionId, senderPhone: SENDER[provider], webhookPath: webhookUrl?.pathname ?? '' };
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
      const raw = JSON.stringify(
        metaMessagesWebhook(w.sims.meta.config, [metaInbound.text({ from, timestampMs: at }, text)], name),
      );
      return metaPost(w, raw);
    }
    case 'twilio': {
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

async function metaPost(w: World, raw: string): Promise<Response> {
  return w.app.request('/webhooks/meta', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': await signMetaWebhook(raw, TEST_SECRETS.META_APP_SECRET),
    },
    body: raw,
  });
}

async function twilioPost(w: World, url: string, params: Record<string, string>): Promise<Response> {
  const signed = await twilioWebhookRequest({ url, params, authToken: DEFAULT_AUTH_TOKEN });
  return w.app.request(new URL(url).pathname, {
    method: 'POST',
    headers: signed.headers,
    body: signed.rawBody,
  });
}

/** What the provider simulator last sent: kind, text and template parameters, provider-neutral. */
export interface SentByProvider {
  providerMessageId: string;
  kind: 'text' | 'template' | 'media';
  text?: string;
  templateName?: string;
  params: string[];
}

export function lastSent(w: World, provider: ProviderName): SentByProvider | undefined {
  switch (provider) {
    case 'meta': {
      const m = w.sims.meta.state.sent.at(-1);
      if (!m) return undefined;
      const body = m.body as {
        text?: { body: string };
        template?: { name: string; components?: { type: string; parameters?: { text?: string }[] }[] };
      };
      const params = body.template?.components?.find((c) => c.type === 'body')?.parameters ?? [];
      return {
        providerMessageId: m.id,
        kind: m.type === 'template' ? 'template' : m.type === 'text' ? 'text' : 'media',
        text: body.text?.body,
        templateName: body.template?.name,
        params: params.map((p) => String(p.text)),
      };
    }
    case 'twilio': {
      const m = w.sims.twilio.state.messages.at(-1);
      if (!m) return undefined;
      const content = m.contentSid ? w.sims.twilio.state.content(m.contentSid) : undefined;
      return {
        providerMessageId: m.sid,
        kind: m.contentSid ? 'template' : m.mediaUrls.length ? 'media' : 'text',
        text: m.body ?? undefined,
        templateName: content?.friendly_name,
        params: Object.keys(m.contentVariables ?? {})
          .sort()
          .map((k) => m.contentVariables![k]!),
      };
    }
    case 'cm': {
      const m = w.sims.cm.state.sent.at(-1);
      if (!m) return undefined;
      const template = (m.part as { template?: { whatsapp?: Json } } | undefined)?.template?.whatsapp as
        | { element_name: string; components?: { type: string; parameters?: { text?: string }[] }[] }
        | undefined;
      const params = template?.components?.find((c) => c.type === 'body')?.parameters ?? [];
      return {
        providerMessageId: m.reference!,
        kind: template ? 'template' : m.part && 'media' in m.part ? 'media' : 'text',
        text: (m.part as { text?: string } | undefined)?.text ?? m.bodyContent,
        templateName: template?.element_name,
        params: params.map((p) => String(p.text)),
      };
    }
  }
}

export function sentCount(w: World, provider: ProviderName): number {
  return { meta: w.sims.meta.state.sent, twilio: w.sims.twilio.state.messages, cm: w.sims.cm.state.sent }[
    provider
  ].length;
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
    case 'meta':
      return metaPost(
        w,
        JSON.stringify(w.sims.meta.statusWebhook(providerMessageId, status, { timestampMs: at })),
      );
    case 'twilio': {
      const message = w.sims.twilio.state.message(providerMessageId)!;
      return twilioPost(
        w,
        `${APP_BASE}/webhooks/twilio/${number.connectionId}`,
        buildTwilioStatusFor(message, status),
      );
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
