// Stateful msw simulator of the Graph endpoints the Meta adapter uses. Responses follow the spec's examples and
// Meta's real error bodies; every handler consults the FaultInjector first.
import { http, HttpResponse } from 'msw';
import type { HttpHandler } from 'msw';
import { FaultInjector } from '../faults';
import {
  META_WEBHOOK_DEFAULTS,
  metaMessagesWebhook,
  metaStatus,
  metaStatusesWebhook,
  nextWamid,
} from './meta-webhooks';
import { graphError, MetaSimState } from './meta-sim-state';
import { checkTemplate, markFault, readJson, withOperation } from './meta-sim-checks';
import { createMetaMediaHandlers } from './meta-sim-media';
import { answerReadReceipt, isReadReceipt } from './meta-sim-read';
import type { MetaWireTemplate } from './meta-sim-state';
import { graphVersionState } from '../../../adapters/providers/meta/graph-api-versions';
import {
  askedFields,
  metaCapabilityWebhook,
  MetaSimPortfolio,
  type CapabilityInput,
} from './meta-sim-portfolio';

import { simBsuidOf } from '../sim-bsuid';

export { simBsuidOf };

/** A business-scoped user ID or parent BSUID (`recipient` of a send, issue 11). */
const BSUID = /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$/;

export { MetaSimState } from './meta-sim-state';
export type { MetaWireTemplate, ReadReceipt, SentMessage, SimMedia } from './meta-sim-state';
export { META_SAMPLE_MEDIA } from './meta-sample-media';
export { META_SIM_PORTFOLIO, metaCapabilityWebhook, type MetaTier } from './meta-sim-portfolio';

export interface MetaSimulatorOptions {
  baseUrl?: string;
  accessToken?: string;
  wabaId?: string;
  phoneNumberId?: string;
  displayPhoneNumber?: string;
  /** Page size when the request has no `limit` (Graph's default is 25). */
  defaultPageSize?: number;
  /** New templates start APPROVED instead of PENDING. */
  autoApprove?: boolean;
  /** Refuse free-form messages to customers who have not written in 24 h (code 131047, providers.md). */
  enforceWindow?: boolean;
  random?: () => number;
  /** Clock of the media download URLs' 5-minute expiry. */
  now?: () => number;
  /** More numbers of the same WABA (and business portfolio) that may send, besides `phoneNumberId`. */
  extraPhoneNumberIds?: string[];
}

export const META_SIM_DEFAULTS = {
  ...META_WEBHOOK_DEFAULTS,
  accessToken: 'EAAsimulatorMetaAccessToken0001',
} as const;

const FREE_FORM = new Set([
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'reaction',
]);
const WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Graph refuses a version it does not know or no longer serves (issue 12 item 7). Meta documents the lifetimes
 * (adapters/providers/meta/graph-api-versions.ts) but not this answer's exact body: code 100 / subcode 33 is Graph's
 * "unsupported request" error (the one it gives an unknown node), with the reason in the message.
 */
function unusableVersion(version: string, now: number): Response | undefined {
  const state = graphVersionState(version, now);
  if (state === 'usable') return undefined;
  const reason =
    state === 'expired'
      ? `Graph API ${version} has expired; call a version that is still available`
      : `Unknown Graph API version '${version}'`;
  return graphError(400, 100, `Unsupported request: ${reason}.`, {
    type: 'GraphMethodException',
    error_subcode: 33,
  });
}

export function createMetaSimulator(options: MetaSimulatorOptions = {}) {
  const baseUrl = (options.baseUrl ?? 'https://graph.facebook.com').replace(/\/+$/, '');
  const cfg = { ...META_SIM_DEFAULTS, ...options };
  const faults = new FaultInjector(options.random);
  const state = new MetaSimState();
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const portfolio = new MetaSimPortfolio();
  const numbers = new Set([cfg.phoneNumberId, ...(options.extraPhoneNumberIds ?? [])]);

  // Every handler: injected fault first, then Meta's real auth error for a wrong token (spec 401 example).
  // msw's request type and workers-types' Request differ only in typing; at runtime both are the Fetch Request.
  async function guard(incoming: unknown): Promise<{ request: Request; early?: Response }> {
    const request = incoming as Request;
    const fault = await faults.take(request);
    if (fault) return { request, early: markFault(fault) };
    const version = new URL(request.url).pathname.slice(basePath.length).split('/')[1] ?? '';
    const versionProblem = unusableVersion(version, (options.now ?? Date.now)());
    if (versionProblem) return { request, early: versionProblem };
    if (request.headers.get('authorization') !== `Bearer ${cfg.accessToken}`) {
      return {
        request,
        early: graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token', {
          error_subcode: 463,
        }),
      };
    }
    return { request };
  }

  const unknownNode = (id: string, verb: 'get' | 'post') =>
    graphError(
      400,
      100,
      `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      { type: 'GraphMethodException', error_subcode: 33 },
    );

  const listTemplates = http.get(
    `${baseUrl}/:version/:wabaId/message_templates`,
    async ({ request: incoming, params }) => {
      const { request, early } = await guard(incoming);
      if (early) return early;
      if (params.wabaId !== cfg.wabaId) return unknownNode(String(params.wabaId), 'get');
      state.calls.listTemplates++;
      const url = new URL(request.url);
      const limit = Math.min(
        Math.max(Number(url.searchParams.get('limit') ?? cfg.defaultPageSize ?? 25) || 25, 1),
        1000,
      );
      const filters = ['name', 'status', 'language', 'category'].map(
        (k) => [k, url.searchParams.get(k)] as const,
      );
      const rows = state.templates.filter((t) =>
        filters.every(([k, v]) => !v || String(t[k as keyof MetaWireTemplate]) === v),
      );
      const offset = MetaSimState.decodeCursor(url.searchParams.get('after'));
      if (offset === undefined)
        return graphError(400, 100, 'Invalid cursor provided', { error_subcode: 1349125 });
      const page = rows.slice(offset, offset + limit);
      const after = MetaSimState.encodeCursor(offset + page.length);
      const hasMore = offset + page.length < rows.length;
      const next = new URL(url);
      next.searchParams.set('after', after);
      return HttpResponse.json({
        data: page,
        paging: {
          cursors: { before: MetaSimState.encodeCursor(offset), after },
          ...(hasMore ? { next: next.toString() } : {}),
        },
      });
    },
  );

  const createTemplate = http.post(
    `${baseUrl}/:version/:wabaId/message_templates`,
    async ({ request: incoming, params }) => {
      const { request, early } = await guard(incoming);
      if (early) return early;
      if (params.wabaId !== cfg.wabaId) return unknownNode(String(params.wabaId), 'post');
      const body = await readJson(request);
      if (!body) return graphError(400, 100, 'Invalid JSON in request body');
      const { name, language, category, components } = body;
      if (typeof name !== 'string' || !/^[a-z0-9_]{1,512}$/.test(name)) {
        return graphError(400, 100, 'Invalid parameter', {
          error_user_title: 'Invalid template name',
          error_user_msg: 'Template names can only contain lowercase letters, numbers and underscores.',
        });
      }
      if (
        typeof language !== 'string' ||
        !['MARKETING', 'UTILITY', 'AUTHENTICATION'].includes(String(category)) ||
        !Array.isArray(components)
      ) {
        return graphError(400, 100, 'Invalid parameter', {
          error_user_msg: 'language, category and components are required.',
        });
      }
      if (state.templates.some((t) => t.name === name && t.language === language)) {
        // Meta: "Content in this language already exists" (subcode 2388024).
        return graphError(400, 100, 'Invalid parameter', {
          error_subcode: 2388024,
          error_user_title: 'Content in this language already exists',
        });
      }
      const template = state.addTemplate({
        name,
        language,
        category: String(category),
        status: cfg.autoApprove ? 'APPROVED' : 'PENDING',
        components: components as MetaWireTemplate['components'],
        ...(body.parameter_format ? { parameter_format: String(body.parameter_format).toUpperCase() } : {}),
      });
      return HttpResponse.json({ id: template.id, status: template.status, category: template.category });
    },
  );

  const sendMessage = http.post(
    `${baseUrl}/:version/:phoneNumberId/messages`,
    async ({ request: incoming, params }) => {
      const { request, early } = await guard(incoming);
      if (early) return early;
      if (!numbers.has(String(params.phoneNumberId)))
        return unknownNode(String(params.phoneNumberId), 'post');
      const body = await readJson(request);
      if (!body) return graphError(400, 100, 'Invalid JSON in request body');
      if (body.messaging_product !== 'whatsapp')
        return graphError(400, 100, '(#100) The parameter messaging_product is required.');
      if (isReadReceipt(body)) return answerReadReceipt(state, body, Date.now());
      // `to` (phone) wins over `recipient` (BSUID or parent BSUID), Meta's business-scoped user IDs page.
      const phone = typeof body.to === 'string' ? body.to.replace(/^\+/, '') : '';
      const bsuid =
        !phone && typeof body.recipient === 'string' && BSUID.test(body.recipient) ? body.recipient : '';
      const to = phone || bsuid;
      if (!bsuid && !/^\d{7,15}$/.test(to))
        return graphError(400, 100, '(#100) Invalid parameter', {
          error_data: { messaging_product: 'whatsapp', details: 'Invalid parameter: to' },
        });
      const type = String(body.type ?? 'text');
      if (!FREE_FORM.has(type) && type !== 'template')
        return graphError(
          400,
          100,
          `(#100) Param type must be one of {AUDIO, CONTACTS, DOCUMENT, IMAGE, INTERACTIVE, LOCATION, REACTION, STICKER, TEMPLATE, TEXT, VIDEO}`,
        );
      if (type === 'template') {
        const problem = checkTemplate(state, body.template);
        if (problem) return problem;
      } else if (cfg.enforceWindow && Date.now() - (state.lastInbound.get(to) ?? -Infinity) > WINDOW_MS) {
        return graphError(400, 131047, '(#131047) Re-engagement message', {
          error_data: {
            messaging_product: 'whatsapp',
            details:
              'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
          },
        });
      }
      const id = nextWamid();
      state.recordSent({ id, to, type, body, at: Date.now() });
      return HttpResponse.json({
        messaging_product: 'whatsapp',
        contacts: [bsuid ? { input: bsuid, user_id: bsuid } : { input: String(body.to), wa_id: to }],
        messages: [{ id, message_status: 'accepted' }],
      });
    },
  );

  const getNode = http.get(`${baseUrl}/:version/:nodeId`, async ({ request: incoming, params }) => {
    const { request, early } = await guard(incoming);
    if (early) return early;
    const fields = askedFields(request);
    if (numbers.has(String(params.nodeId))) {
      return withOperation(
        HttpResponse.json({
          id: String(params.nodeId),
          display_phone_number: `+${cfg.displayPhoneNumber}`,
          verified_name: 'wabridge simulator',
          quality_rating: 'GREEN',
          // The portfolio's limit, shared by every number (issue 12 item 2), only when asked for.
          ...(fields.has('whatsapp_business_manager_messaging_limit')
            ? { whatsapp_business_manager_messaging_limit: portfolio.tier }
            : {}),
        }),
        'getPhoneNumberById',
      );
    }
    if (params.nodeId === cfg.wabaId) {
      return withOperation(
        HttpResponse.json({
          id: cfg.wabaId,
          name: 'wabridge simulator WABA',
          ...(fields.has('owner_business_info')
            ? { owner_business_info: { id: portfolio.id, name: portfolio.name } }
            : {}),
        }),
        'getWhatsAppBusinessAccountDetails',
      );
    }
    return unknownNode(String(params.nodeId), 'get');
  });

  // Media ids and download URLs share getNode's path shape: their handler goes first and falls through otherwise.
  const media = createMetaMediaHandlers({
    baseUrl,
    phoneNumberId: cfg.phoneNumberId,
    state,
    guard,
    now: options.now,
  });
  const handlers: HttpHandler[] = [listTemplates, createTemplate, sendMessage, ...media, getNode];

  /** Status webhook for a message the simulator accepted, as Meta would deliver it. */
  function statusWebhook(
    messageId: string,
    status: 'sent' | 'delivered' | 'read' | 'failed',
    extra: { errors?: Record<string, unknown>[]; timestampMs?: number } = {},
  ) {
    const sent = state.sent.find((m) => m.id === messageId);
    if (!sent) throw new Error(`simulator never sent ${messageId}`);
    const callback =
      typeof sent.body.biz_opaque_callback_data === 'string' ? sent.body.biz_opaque_callback_data : undefined;
    return metaStatusesWebhook(cfg, [
      metaStatus({
        id: messageId,
        status,
        // A send by BSUID is reported by recipient_user_id, with no recipient_id; a send by phone carries both (issue 11).
        ...(BSUID.test(sent.to)
          ? { recipientUserId: sent.to }
          : { recipient: sent.to, recipientUserId: simBsuidOf(sent.to) }),
        bizOpaqueCallbackData: callback,
        ...extra,
      }),
    ]);
  }

  /**
   * A `messages` webhook of the customer's messages, remembered as delivered (the business may mark them read);
   * each sender's 24 h window opens.
   */
  function inboundWebhook(messages: Record<string, unknown>[], profileName?: string) {
    state.recordInbound(messages);
    for (const m of messages) state.customerWrote(String(m.from ?? m.from_user_id));
    // Like Meta since April 2026, every customer message carries the sender's BSUID (issue 11): a customer given one
    // keeps it; one known by phone only gets a stable BSUID derived from the phone.
    const withIds = messages.map((m) =>
      m.from_user_id || typeof m.from !== 'string' ? m : { ...m, from_user_id: simBsuidOf(m.from) },
    );
    return metaMessagesWebhook(cfg, withIds, profileName);
  }

  /** The portfolio's limit changes (Meta scaled it up or down): the webhook Meta sends, and Graph answers it since. */
  function capabilityWebhook(input: CapabilityInput) {
    portfolio.tier = input.tier;
    return metaCapabilityWebhook(cfg, input);
  }

  return {
    handlers,
    state,
    portfolio,
    faults,
    config: cfg,
    baseUrl,
    statusWebhook,
    inboundWebhook,
    capabilityWebhook,
  };
}

export type MetaSimulator = ReturnType<typeof createMetaSimulator>;
