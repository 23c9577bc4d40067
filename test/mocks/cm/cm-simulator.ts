// CM.com Business Messaging gateway simulator (msw). Stateful: registered templates, every accepted
// message, counts per recipient. Answers are built from CM.com's documented examples
// (developers.cm.com/messaging/docs/responses-errors-json, vendors/providers.md §C).
import { http, HttpResponse } from 'msw';
import type { HttpHandler } from 'msw';
import { FaultInjector } from '../faults';
import {
  CM_GATEWAY_BASE_URL,
  CM_SEND_PATH,
  cmSendRequestSchema,
} from '../../../adapters/providers/cm/cm-api';

export interface CmSimTemplate {
  namespace: string;
  elementName: string;
  language: string;
  /** Number of body parameters the approved template expects. */
  bodyParams: number;
  headerParams?: number;
}

export interface CmSentMessage {
  reference?: string;
  /** Recipient as sent (`00…`). */
  to: string;
  from: string;
  /** The first `richContent.conversation` part (or undefined for a plain body). */
  part?: Record<string, unknown>;
  bodyContent?: string;
  acceptedAt: number;
}

export interface CmSimState {
  /** Product tokens the gateway knows. */
  productTokens: Set<string>;
  /** Templates known to the account, keyed `namespace:element_name:language`. Empty = accept any. */
  templates: Map<string, CmSimTemplate>;
  sent: CmSentMessage[];
  /**
   * Product token (lower case) → senders (digits, as in `from`) that are not WhatsApp senders of that account: a
   * message from one is rejected. CM.com's exact answer is not documented (modelled as a per-message rejection,
   * like an invalid `from`); what matters to the ownership proof is that WhatsApp never carries it.
   */
  foreignSenders: Map<string, Set<string>>;
  countsByRecipient: Map<string, number>;
  requests: number;
}

export interface CmSimulatorOptions {
  baseUrl?: string;
  productTokens?: string[];
  templates?: CmSimTemplate[];
  now?: () => number;
}

export interface CmSimulator {
  handlers: HttpHandler[];
  state: CmSimState;
  faults: FaultInjector;
  /** Registers N templates (`template_<i>`) in one namespace, e.g. for bulk tests. */
  seedTemplates(count: number, namespace?: string): CmSimTemplate[];
}

export const CM_SIM_PRODUCT_TOKEN = '00000000-0000-4000-8000-000000000001';

const AUTH_FAILED = {
  details: 'No account found for the given authentication',
  errorCode: 101,
  messages: [],
};

type MsgResult = {
  to: string;
  status: 'Accepted' | 'Rejected';
  reference: string | null;
  parts: number;
  messageDetails: string | null;
  messageErrorCode: number;
};

export function createCmSimulator(options: CmSimulatorOptions = {}): CmSimulator {
  const baseUrl = (options.baseUrl ?? CM_GATEWAY_BASE_URL).replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const faults = new FaultInjector();
  const state: CmSimState = {
    productTokens: new Set(options.productTokens ?? [CM_SIM_PRODUCT_TOKEN]),
    templates: new Map(
      (options.templates ?? []).map((t) => [templateKey(t.namespace, t.elementName, t.language), t]),
    ),
    sent: [],
    foreignSenders: new Map(),
    countsByRecipient: new Map(),
    requests: 0,
  };

  const send = http.post(`${baseUrl}${CM_SEND_PATH}`, async ({ request }) => {
    // msw hands a DOM Request; FaultInjector is typed with the Workers Request (same object at runtime).
    const fault = await faults.take(request as unknown as Request);
    if (fault) return fault;
    state.requests++;
    const text = await request.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return HttpResponse.json(
        { details: 'The request is malformed, please confirm the JSON', errorCode: 202, messages: [] },
        { status: 400 },
      );
    }
    const bodyToken = (json as { messages?: { authentication?: { producttoken?: unknown } } })?.messages
      ?.authentication?.producttoken;
    const token =
      request.headers.get('X-CM-PRODUCTTOKEN') ?? (typeof bodyToken === 'string' ? bodyToken : undefined);
    if (!token || !state.productTokens.has(token.toLowerCase())) {
      return HttpResponse.json(AUTH_FAILED, { status: 400 });
    }
    const parsed = cmSendRequestSchema.safeParse(json);
    if (!parsed.success || parsed.data.messages.msg.length === 0) {
      return HttpResponse.json(
        { details: "The request's MSG array is incorrect", errorCode: 203, messages: [] },
        { status: 400 },
      );
    }

    const results: MsgResult[] = [];
    for (const msg of parsed.data.messages.msg) {
      for (const recipient of msg.to) {
        const problem = validate(msg, recipient.number, state, token.toLowerCase());
        const reference = msg.reference ?? null;
        if (problem) {
          results.push({ to: recipient.number, status: 'Rejected', reference, parts: 0, ...problem });
          continue;
        }
        const part = msg.richContent?.conversation?.[0];
        state.sent.push({
          reference: msg.reference,
          to: recipient.number,
          from: msg.from,
          ...(part ? { part } : {}),
          ...(msg.body?.content !== undefined ? { bodyContent: msg.body.content } : {}),
          acceptedAt: now(),
        });
        state.countsByRecipient.set(
          recipient.number,
          (state.countsByRecipient.get(recipient.number) ?? 0) + 1,
        );
        results.push({
          to: recipient.number,
          status: 'Accepted',
          reference,
          parts: 1,
          messageDetails: null,
          messageErrorCode: 0,
        });
      }
    }
    const accepted = results.filter((r) => r.status === 'Accepted').length;
    if (accepted === results.length) {
      return HttpResponse.json({
        details: `Created ${accepted} message(s)`,
        errorCode: 0,
        messages: results,
      });
    }
    // Some invalid → errorCode 201 with per-message details; all invalid → HTTP 400 (responses-errors-json).
    return HttpResponse.json(
      { details: `Created ${accepted} message(s)`, errorCode: 201, messages: results },
      { status: accepted === 0 ? 400 : 200 },
    );
  });

  return {
    handlers: [send],
    state,
    faults,
    seedTemplates(count, namespace = 'sim_namespace') {
      const added: CmSimTemplate[] = [];
      for (let i = 0; i < count; i++) {
        const t: CmSimTemplate = { namespace, elementName: `template_${i}`, language: 'en', bodyParams: 1 };
        state.templates.set(templateKey(t.namespace, t.elementName, t.language), t);
        added.push(t);
      }
      return added;
    },
  };
}

function templateKey(namespace: string, name: string, language: string): string {
  return `${namespace}:${name}:${language}`;
}

type ParsedMsg = ReturnType<typeof cmSendRequestSchema.parse>['messages']['msg'][number];

function validate(
  msg: ParsedMsg,
  to: string,
  state: CmSimState,
  token: string,
): Pick<MsgResult, 'messageDetails' | 'messageErrorCode'> | undefined {
  if (!/^\d{1,16}$/.test(msg.from)) return { messageErrorCode: 301, messageDetails: 'Invalid from field' };
  if (state.foreignSenders.get(token)?.has(msg.from))
    return { messageErrorCode: 301, messageDetails: 'The sender is not available for this account' };
  if (!/^00[1-9]\d{6,14}$/.test(to))
    return { messageErrorCode: 303, messageDetails: `Invalid recipient ${to}` };
  if (!msg.body?.content)
    return { messageErrorCode: 304, messageDetails: 'A body without content was found' };
  if (msg.reference !== undefined && !/^[A-Za-z0-9]{1,32}$/.test(msg.reference)) {
    return { messageErrorCode: 305, messageDetails: 'The reference must be 1-32 alphanumeric characters' };
  }
  const template = (msg.richContent?.conversation?.[0] as { template?: { whatsapp?: unknown } } | undefined)
    ?.template?.whatsapp as
    | {
        namespace?: string;
        element_name?: string;
        language?: { code?: string };
        components?: { type: string; parameters?: unknown[] }[];
      }
    | undefined;
  if (template && state.templates.size > 0) {
    const known = state.templates.get(
      templateKey(template.namespace ?? '', template.element_name ?? '', template.language?.code ?? ''),
    );
    if (!known)
      return {
        messageErrorCode: 305,
        messageDetails: 'Template not found for the given namespace and element_name',
      };
    const bodyParams = template.components?.find((c) => c.type === 'body')?.parameters?.length ?? 0;
    if (bodyParams !== known.bodyParams) {
      return {
        messageErrorCode: 305,
        messageDetails: `Template parameter mismatch: expected ${known.bodyParams}, got ${bodyParams}`,
      };
    }
  }
  return undefined;
}
