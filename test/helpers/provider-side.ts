// The WhatsApp side of the app's tests: posting webhooks signed the way each provider signs them, and (over an
// AppWorld) the admin connecting a number on each provider, the customer writing in, the provider reporting
// statuses, and what each simulator sent. CRM worlds re-export this; the contract harness uses the posting half.
import { expect } from 'vitest';
import type { ProviderName } from '../../src/core/template';
import { buildCmInbound, buildCmStatusReport } from '../mocks/cm';
import { CM_SIM_PRODUCT_TOKEN, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from '../mocks/index';
import { metaInbound, signMetaWebhook } from '../mocks/meta';
import {
  buildTwilioInbound,
  buildTwilioStatusFor,
  signTwilioRequest,
  type TwilioParams,
} from '../mocks/twilio';
import { TEST_SECRETS } from './platform';
import { APP_BASE, type AppRequester, type AppWorld } from './world';

type Json = Record<string, unknown>;

// --- Posting webhooks -------------------------------------------------------------------------------------------

/** Posts a Meta webhook, signed with the app secret unless `signature` is given (null: no signature header). */
export async function postMetaWebhook(
  app: AppRequester,
  payload: unknown,
  options: { url?: string; signature?: string | null } = {},
): Promise<Response> {
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const signature =
    options.signature === undefined
      ? await signMetaWebhook(raw, TEST_SECRETS.META_APP_SECRET)
      : options.signature;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  return app.request(options.url ?? '/webhooks/meta', { method: 'POST', headers, body: raw });
}

/** Posts a form-encoded Twilio webhook to `url` (absolute: Twilio signs it), signed with `signWith` (null: unsigned). */
export async function postTwilioWebhook(
  app: AppRequester,
  url: string,
  params: TwilioParams,
  options: { signWith?: string | null } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const signWith = options.signWith === undefined ? DEFAULT_AUTH_TOKEN : options.signWith;
  if (signWith !== null) headers['x-twilio-signature'] = await signTwilioRequest(signWith, url, params);
  return app.request(url, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
}

/** Posts a CM.com webhook: CM.com signs nothing, the proof is the per-connection token in `url`. */
export async function postCmWebhook(app: AppRequester, url: string, body: unknown): Promise<Response> {
  return app.request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export type WireStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** CM.com's status names. */
export const CM_STATUS: Record<WireStatus, string> = {
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
};

// --- Playing the admin, the customer and the provider over an AppWorld -----------------------------------------

/** Our WhatsApp numbers in the CRM worlds, one per provider. */
export const SENDER = { meta: '+14155550100', twilio: '+14155550101', cm: '+14155550102' } as const;

export interface ConnectedNumber {
  provider: ProviderName;
  connectionId: string;
  senderPhone: string;
  /** CM.com: path of our webhook (the secret token is in it). */
  webhookPath: string;
}

/** The admin connects a number of `provider` and makes one approved UTILITY template available. */
/**
 * A new CM.com number is pending until its one-time code comes back (#17 item 10, services/install/connection-proof.ts):
 * the admin asks for the code, reads it on WhatsApp (the simulator's last accepted message) and types it back. The
 * code's message is taken out of the simulator's record so suites count only their own sends.
 */
export async function proveCmNumber(w: AppWorld, admin: string, connectionId: string): Promise<void> {
  const asked = await w.call('POST', `/api/connections/${connectionId}/verification`, {
    token: admin,
    body: { phone: CM_PROOF_PHONE },
  });
  expect(asked.status).toBe(200);
  const message = w.sims.cm.state.sent.pop()!;
  const recipient = w.sims.cm.state.countsByRecipient;
  recipient.set(message.to, (recipient.get(message.to) ?? 1) - 1);
  if (recipient.get(message.to) === 0) recipient.delete(message.to);
  const code = /(\d{6})$/.exec(String((message.part as { text?: string } | undefined)?.text ?? ''))?.[1];
  const confirmed = await w.call('POST', `/api/connections/${connectionId}/verification/confirm`, {
    token: admin,
    body: { code },
  });
  expect(confirmed.status).toBe(200);
}

const CM_PROOF_PHONE = '+31612000999';

export async function connectNumber(
  w: AppWorld,
  admin: string,
  provider: ProviderName,
  template: { name: string; body: string },
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
  if (provider === 'cm' && connection.verified === false) await proveCmNumber(w, admin, connectionId);
  if (provider === 'cm') {
    const namespace = 'c0ffee00_demo_4109_a8b6_577bf0ec778a';
    const res = await w.call('POST', '/api/templates/manual', {
      token: admin,
      body: {
        connectionId,
        namespace,
        elementName: template.name,
        language: 'en',
        category: 'UTILITY',
        body: template.body,
      },
    });
    expect(res.status).toBe(201);
    const stored = ((await res.json()) as { template: Json }).template;
    w.sims.cm.state.templates.set(String(stored.providerTemplateId), {
      namespace,
      elementName: template.name,
      language: 'en',
      bodyParams: 2,
    });
  } else {
    if (provider === 'meta') {
      w.sims.meta.state.addTemplate({
        name: template.name,
        language: 'en',
        status: 'APPROVED',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: template.body, example: { body_text: [['Mari', 'A-1001']] } }],
      } as never);
    } else {
      w.sims.twilio.state.addContent({
        friendly_name: template.name,
        language: 'en',
        variables: { '1': 'Mari', '2': 'A-1001' },
        types: { 'twilio/text': { body: template.body } },
        approval_requests: {
          name: template.name,
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

const twilioWebhookUrl = (number: ConnectedNumber) => `${APP_BASE}/webhooks/twilio/${number.connectionId}`;

/**
 * The customer writes in on `number`'s provider, with a webhook signed the way that provider signs it. The
 * simulators see the customer's 24 h window open (it matters only where they enforce it).
 */
export async function customerWrites(
  w: AppWorld,
  number: ConnectedNumber,
  from: string,
  text: string,
  name = 'Mari Tamm',
): Promise<Response> {
  const at = w.t.clock.now();
  switch (number.provider) {
    case 'meta':
      // Remembered by the simulator as delivered (opens its window; the business may mark it read).
      return postMetaWebhook(
        w.app,
        w.sims.meta.inboundWebhook([metaInbound.text({ from, timestampMs: at }, text)], name),
      );
    case 'twilio': {
      w.sims.twilio.state.openSession(from);
      const params = buildTwilioInbound({ to: number.senderPhone, from, profileName: name, body: text });
      return postTwilioWebhook(w.app, twilioWebhookUrl(number), params);
    }
    case 'cm':
      return postCmWebhook(
        w.app,
        number.webhookPath,
        buildCmInbound({ from, to: number.senderPhone, name, content: { type: 'text', text }, at }),
      );
  }
}

/** The provider reports `status` for the message it accepted with id `providerMessageId`. */
export async function providerReports(
  w: AppWorld,
  number: ConnectedNumber,
  providerMessageId: string,
  status: WireStatus,
): Promise<Response> {
  const at = w.t.clock.now();
  switch (number.provider) {
    case 'meta':
      return postMetaWebhook(
        w.app,
        w.sims.meta.statusWebhook(providerMessageId, status, { timestampMs: at }),
      );
    case 'twilio': {
      const message = w.sims.twilio.state.message(providerMessageId)!;
      const url = message.statusCallback ?? twilioWebhookUrl(number);
      return postTwilioWebhook(w.app, url, buildTwilioStatusFor(message, status));
    }
    case 'cm': {
      const sent = w.sims.cm.state.sent.find((m) => m.reference === providerMessageId)!;
      return postCmWebhook(
        w.app,
        number.webhookPath,
        buildCmStatusReport({ reference: sent.reference!, to: sent.to, status: CM_STATUS[status], at }),
      );
    }
  }
}

// --- What the simulators sent ------------------------------------------------------------------------------------

/** What the provider simulator last sent: kind, text and template parameters, provider-neutral. */
export interface SentByProvider {
  providerMessageId: string;
  kind: 'text' | 'template' | 'media';
  text?: string;
  templateName?: string;
  params: string[];
}

export function lastSent(w: AppWorld, provider: ProviderName): SentByProvider | undefined {
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

export function sentCount(w: AppWorld, provider: ProviderName): number {
  return { meta: w.sims.meta.state.sent, twilio: w.sims.twilio.state.messages, cm: w.sims.cm.state.sent }[
    provider
  ].length;
}

/** What the provider simulator actually sent to `phone`: 'template' or 'text' per message, in order. */
export function sentKinds(w: AppWorld, provider: ProviderName, phone: string): string[] {
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
