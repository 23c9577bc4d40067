// `/_sim/*` on the simulator server: lets a person (or a browser test) play the customer and the provider.
// Each call builds the vendor's own webhook with the simulators' builders, signs it the way the vendor does,
// and POSTs it to the running app, answering with what the app said.
import type { ProviderName } from '../../src/core/template';
import type { ControlHandler } from '../../test/mocks/http-server';
import type { VendorSimulators } from '../../test/mocks/index';
import { DEFAULT_AUTH_TOKEN } from '../../test/mocks/index';
import { metaInbound, metaMessagesWebhook, signMetaWebhook } from '../../test/mocks/meta';
import {
  buildTwilioInbound,
  buildTwilioStatus,
  toFetchRequest,
  twilioWebhookRequest,
} from '../../test/mocks/twilio';
import { buildCmInbound, buildCmStatusReport, cmWebhookUrl } from '../../test/mocks/cm';
import type { CmInboundKind } from '../../test/mocks/cm';
import { metaRuleRoutes } from './sim-control-meta-rules';

export interface ControlConnection {
  id: string;
  provider: ProviderName;
  senderPhone: string;
  webhookToken: string | null;
  crm: 'highlevel' | 'pipedrive';
}

export interface SimControlOptions {
  sims: VendorSimulators;
  appOrigin: string;
  metaAppSecret: string;
  /** Demo connections; the first of a provider is the default target. */
  connections: ControlConnection[];
}

type Json = Record<string, unknown>;
const PROVIDERS = ['meta', 'twilio', 'cm'] as const;
const STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
type SimStatus = (typeof STATUSES)[number];
const CM_STATUS: Record<SimStatus, string> = {
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
};

const digits = (phone: string) => phone.replace(/\D/g, '');
const e164 = (phone: string) => `+${digits(phone)}`;
const bad = (message: string) =>
  Response.json({ error: { code: 'invalid_request', message } }, { status: 400 });

class ControlError extends Error {}

export function createSimControl(options: SimControlOptions): ControlHandler {
  const { sims, appOrigin } = options;

  function connectionFor(provider: unknown, connectionId?: unknown): ControlConnection {
    if (!PROVIDERS.includes(provider as ProviderName))
      throw new ControlError(`provider must be one of ${PROVIDERS}`);
    const found = options.connections.find((c) =>
      connectionId ? c.id === connectionId : c.provider === provider,
    );
    if (!found) throw new ControlError(`no demo connection for ${String(connectionId ?? provider)}`);
    return found;
  }

  /** POSTs the webhook to the app and reports what it answered. */
  async function deliver(request: Request): Promise<Response> {
    const res = await fetch(request);
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (e.g. Twilio's TwiML answer): keep the text.
    }
    return Response.json({ delivered: { url: request.url, status: res.status, body } });
  }

  async function metaWebhook(payload: unknown): Promise<Request> {
    const raw = JSON.stringify(payload);
    return new Request(`${appOrigin}/webhooks/meta`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': await signMetaWebhook(raw, options.metaAppSecret),
      },
      body: raw,
    });
  }

  async function twilioWebhook(c: ControlConnection, params: Record<string, string>, url?: string | null) {
    // Twilio signs the URL it calls: the status callback we registered, or the connection's webhook URL.
    const target = url ?? `${appOrigin}/webhooks/twilio/${c.id}`;
    return toFetchRequest(await twilioWebhookRequest({ url: target, params, authToken: DEFAULT_AUTH_TOKEN }));
  }

  function cmWebhook(c: ControlConnection, payload: unknown): Request {
    if (!c.webhookToken) throw new ControlError('the CM.com connection has no webhook token');
    return new Request(cmWebhookUrl(appOrigin, c.id, c.webhookToken), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
  }

  /** The customer writes in (optionally from a Click-to-WhatsApp ad: referral opens the free entry point). */
  async function inbound(body: Json): Promise<Response> {
    const c = connectionFor(body.provider, body.connectionId);
    const text = String(body.text ?? 'Hello!');
    const name = typeof body.name === 'string' ? body.name : 'Demo Customer';
    // A customer known only by WhatsApp username writes with their BSUID and no phone (issue 11).
    if (typeof body.userId === 'string' && body.from === undefined) {
      const userId = body.userId;
      if (!/^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/.test(userId)) return bad('userId must be a BSUID like SG.2026…');
      const username = typeof body.username === 'string' ? body.username : undefined;
      if (c.provider === 'cm') return bad('CM.com addresses customers by phone only');
      if (c.provider === 'meta')
        return deliver(
          await metaWebhook(
            metaMessagesWebhook(sims.meta.config, [metaInbound.text({ userId, username }, text)], name),
          ),
        );
      const params = buildTwilioInbound({ to: c.senderPhone, from: userId, profileName: name, body: text });
      return deliver(await twilioWebhook(c, params));
    }
    const from = e164(String(body.from ?? ''));
    if (from.length < 8) return bad('from must be the customer phone in E.164 (or give userId, a BSUID)');
    const referral = body.referral === true;
    return customerMessage(c, from, name, referral, {
      meta: () => metaInbound.text({ from, ...(referral ? { referral: AD_REFERRAL } : {}) }, text),
      twilio: () => ({ body: text }),
      cm: () => ({ type: 'text', text }),
    });
  }

  /** The customer reacts to the last message the app sent them (or to `messageId`). */
  async function reaction(body: Json): Promise<Response> {
    const c = connectionFor(body.provider, body.connectionId);
    const from = e164(String(body.from ?? ''));
    const emoji = String(body.emoji ?? '👍');
    const target = typeof body.messageId === 'string' ? body.messageId : lastSentTo(c.provider, from);
    if (!target) return bad(`the simulator has sent nothing to ${from} through ${c.provider} yet`);
    return customerMessage(c, from, 'Demo Customer', false, {
      meta: () => metaInbound.reaction({ from }, target, emoji),
      twilio: () => ({ type: 'reaction', body: emoji, replyTo: { sid: target } }),
      cm: () => ({ type: 'custom', custom: { reaction: { emoji, message_id: target } } }),
    });
  }

  async function customerMessage(
    c: ControlConnection,
    from: string,
    name: string,
    referral: boolean,
    build: { meta: () => Json; twilio: () => Json; cm: () => CmInboundKind },
  ): Promise<Response> {
    switch (c.provider) {
      case 'meta':
        sims.meta.state.lastInbound.set(digits(from), Date.now());
        return deliver(await metaWebhook(metaMessagesWebhook(sims.meta.config, [build.meta()], name)));
      case 'twilio': {
        sims.twilio.state.openSession(from);
        const params = buildTwilioInbound({
          to: c.senderPhone,
          from,
          profileName: name,
          ...build.twilio(),
          ...(referral
            ? {
                referral: {
                  sourceType: 'ad',
                  sourceId: AD_REFERRAL.source_id,
                  ctwaClid: AD_REFERRAL.ctwa_clid,
                },
              }
            : {}),
        });
        return deliver(await twilioWebhook(c, params));
      }
      case 'cm':
        return deliver(cmWebhook(c, buildCmInbound({ from, to: c.senderPhone, name, content: build.cm() })));
    }
  }

  function lastSentTo(provider: ProviderName, to: string): string | undefined {
    switch (provider) {
      case 'meta':
        return sims.meta.state.sent.filter((m) => m.to === digits(to)).at(-1)?.id;
      case 'twilio':
        return sims.twilio.state.messages.filter((m) => m.to === `whatsapp:${to}`).at(-1)?.sid;
      case 'cm':
        return sims.cm.state.sent.filter((m) => digits(m.to) === `00${digits(to)}`).at(-1)?.reference;
    }
  }

  /** The provider reports a delivery status for a message the app sent (default: the last one sent). */
  async function status(body: Json): Promise<Response> {
    const provider = body.provider as ProviderName;
    if (!PROVIDERS.includes(provider)) return bad(`provider must be one of ${PROVIDERS}`);
    const s = body.status as SimStatus;
    if (!STATUSES.includes(s)) return bad(`status must be one of ${STATUSES}`);
    const id = typeof body.providerMessageId === 'string' ? body.providerMessageId : undefined;
    switch (provider) {
      case 'meta': {
        const sent = id ?? sims.meta.state.sent.at(-1)?.id;
        if (!sent || !sims.meta.state.sent.some((m) => m.id === sent)) return bad('unknown Meta message id');
        return deliver(await metaWebhook(sims.meta.statusWebhook(sent, s)));
      }
      case 'twilio': {
        const m = id ? sims.twilio.state.message(id) : sims.twilio.state.messages.at(-1);
        if (!m) return bad('unknown Twilio message SID');
        const from = (m.from ?? '').replace(/^whatsapp:/, '');
        const c = connectionFor('twilio', options.connections.find((x) => x.senderPhone === from)?.id);
        const params = buildTwilioStatus({
          messageSid: m.sid,
          status: s,
          from: c.senderPhone,
          to: m.to.replace(/^whatsapp:/, ''),
          ...(s === 'failed' ? { errorCode: '63016', errorMessage: 'Outside the allowed window' } : {}),
        });
        return deliver(await twilioWebhook(c, params, m.statusCallback));
      }
      case 'cm': {
        const m = id ? sims.cm.state.sent.find((x) => x.reference === id) : sims.cm.state.sent.at(-1);
        if (!m?.reference) return bad('unknown CM.com reference');
        const c = connectionFor(
          'cm',
          options.connections.find((x) => digits(x.senderPhone) === digits(m.from))?.id,
        );
        const report = buildCmStatusReport({
          reference: m.reference,
          to: m.to,
          status: CM_STATUS[s],
          ...(s === 'failed' ? { errorCode: 5, errorDescription: 'Failed (simulated)' } : {}),
        });
        return deliver(cmWebhook(c, report));
      }
    }
  }

  /** A HighLevel user sends from the conversation composer: HighLevel calls our Delivery URL. */
  async function highlevelOutbound(body: Json): Promise<Response> {
    const phone = e164(String(body.phone ?? ''));
    const event = sims.highlevel.buildOutboundDelivery({
      phone,
      message: String(body.message ?? 'Hello from HighLevel'),
    });
    return deliver(
      new Request(`${appOrigin}/crm/highlevel/outbound`, {
        method: 'POST',
        headers: event.headers,
        body: event.body,
      }),
    );
  }

  function summary(): Json {
    return {
      sent: {
        meta: sims.meta.state.sent.length,
        twilio: sims.twilio.state.messages.length,
        cm: sims.cm.state.sent.length,
      },
      lastSent: {
        meta: sims.meta.state.sent.at(-1) ?? null,
        twilio: sims.twilio.state.messages.at(-1) ?? null,
        cm: sims.cm.state.sent.at(-1) ?? null,
      },
      templates: { meta: sims.meta.state.templates.length, twilio: sims.twilio.state.contents.length },
      highlevel: {
        messages: sims.highlevel.state.messages.size,
        statusUpdates: sims.highlevel.state.statusUpdates.length,
        triggerFirings: sims.highlevel.triggerFirings.slice(-5),
      },
      pipedrive: { notes: sims.pipedrive.state.notes.size },
      connections: options.connections,
    };
  }

  const routes: Record<string, (body: Json) => Promise<Response>> = {
    'POST /_sim/inbound': inbound,
    'POST /_sim/reaction': reaction,
    'POST /_sim/status': status,
    'POST /_sim/highlevel/outbound': highlevelOutbound,
    ...metaRuleRoutes({ sims, post: async (payload) => deliver(await metaWebhook(payload)) }),
  };

  return async (request) => {
    const path = new URL(request.url).pathname.replace(/\/+$/, '');
    if (request.method === 'GET' && path === '/_sim/state') return Response.json(summary());
    if (request.method === 'GET' && path === '/_sim')
      return Response.json({ endpoints: Object.keys(routes) });
    const route = routes[`${request.method} ${path}`];
    if (!route) return undefined;
    const body = (await request.json().catch(() => null)) as Json | null;
    if (!body || typeof body !== 'object') return bad('send a JSON object');
    try {
      return await route(body);
    } catch (error) {
      if (error instanceof ControlError) return bad(error.message);
      throw error;
    }
  };
}

// A Click-to-WhatsApp ad referral (Meta's webhook reference example), opening the 72 h free entry point.
const AD_REFERRAL = {
  source_url: 'https://fb.me/demo-ad',
  source_id: '120201234567890',
  source_type: 'ad',
  headline: 'Spring check-up: book on WhatsApp',
  body: 'Tap to chat with us',
  media_type: 'image',
  ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMXP',
};
