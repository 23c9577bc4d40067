// Twilio WhatsApp adapter: Messages API (api.twilio.com) + Content API (content.twilio.com) behind ProviderAdapter.
import { createVendorHttp } from '../../shared/vendor-http';
import type { AxiosInstance } from 'axios';
import type * as z from 'zod/mini';
import { AppError, ProviderError } from '../../../src/core/errors';
import type { TemplateDraft } from '../../../src/core/template';
import { lint } from '../../../src/core/template-lint';
import type { TwilioCredentials } from './twilio-credentials';
import type { ProviderAdapter, ProviderHttpConfig, SendResult, WebhookRequest } from '../types';
import { buildTwilioContent } from './build-twilio-content';
import { buildTwilioMessage } from './build-twilio-message';
import { mapTwilioError } from './map-twilio-error';
import type { TwilioOperation } from './map-twilio-error';
import { mapTwilioApprovalStatus, mapTwilioContent } from './map-twilio-template';
import { mapTwilioMessageStatus, mapTwilioWebhook } from './map-twilio-webhook';
import {
  TWILIO_CONTENT_BASE_URL,
  accountSchema,
  approvalCreateResponseSchema,
  contentAndApprovalsPageSchema,
  contentSchema,
  incomingPhoneNumbersSchema,
  messageSchema,
  whatsAppSendersSchema,
} from './twilio-api';
import { verifyTwilioSignature } from './twilio-signature';

export interface TwilioAdapterOptions {
  /** Optional: verifyWebhook needs the Auth Token, parseWebhook needs nothing. */
  credentials?: TwilioCredentials;
  /** baseUrl = Messages API (default TWILIO_API_BASE_URL); secondaryBaseUrl = Content API. */
  http: ProviderHttpConfig;
  /** Status callback URL sent with every message (our `/webhooks/twilio/:connectionId`). */
  statusCallbackUrl?: string;
  /** ContentAndApprovals page size (Twilio: default 50, max 1000). */
  pageSize?: number;
  /**
   * Clock for webhook events: Twilio status callbacks carry no event time, so the route passes the receive time
   * (`now: () => receivedAt`) and the status lattice orders events by it. Also used for Retry-After dates.
   */
  now?: () => number;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** The Senders API lives on messaging.twilio.com; a simulator (local mode, tests) serves it under its API base. */
export function twilioMessagingBase(apiBase: string): string {
  return trimSlash(apiBase) === 'https://api.twilio.com'
    ? 'https://messaging.twilio.com'
    : trimSlash(apiBase);
}

/** Pages of the Senders list read while looking for a number (50 senders each). */
const MAX_SENDER_PAGES = 20;

export function createTwilioAdapter(options: TwilioAdapterOptions): ProviderAdapter {
  const apiBase = trimSlash(options.http.baseUrl);
  const contentBase = trimSlash(options.http.secondaryBaseUrl ?? TWILIO_CONTENT_BASE_URL);
  const pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 500));
  const now = options.now ?? (() => Date.now());
  let client: AxiosInstance | undefined;

  function creds(): TwilioCredentials {
    if (!options.credentials)
      throw new ProviderError('auth', 'No Twilio credentials configured for this connection');
    return options.credentials;
  }

  function http(): AxiosInstance {
    const c = creds();
    client ??= createVendorHttp({
      timeoutMs: options.http.timeoutMs,
      auth: { username: c.accountSid, password: c.authToken },
      headers: { Accept: 'application/json' },
    });
    return client;
  }

  async function call<S extends z.ZodMiniType>(
    operation: TwilioOperation,
    schema: S,
    request: { method: 'GET' | 'POST'; url: string; data?: unknown; form?: URLSearchParams },
  ): Promise<z.infer<S>> {
    let data: unknown;
    try {
      const response = await http().request({
        method: request.method,
        url: request.url,
        data: request.form ? request.form.toString() : request.data,
        headers: request.form
          ? { 'Content-Type': 'application/x-www-form-urlencoded' }
          : request.data !== undefined
            ? { 'Content-Type': 'application/json' }
            : undefined,
      });
      data = response.data;
    } catch (e) {
      throw mapTwilioError(e, operation, now());
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join('.') || '(root)';
      // After a 2xx on a send the message exists even if we cannot read the answer.
      throw new ProviderError(
        operation === 'send' ? 'unknown_outcome' : 'rejected',
        `Twilio response to ${request.method} ${new URL(request.url).pathname} has an unexpected shape at ${where}`,
        { raw: data },
      );
    }
    return parsed.data;
  }

  async function ownsNumber(c: TwilioCredentials): Promise<boolean> {
    const query = new URLSearchParams({ PhoneNumber: c.from, PageSize: '20' });
    const page = await call('read', incomingPhoneNumbersSchema, {
      method: 'GET',
      url: `${apiBase}/2010-04-01/Accounts/${c.accountSid}/IncomingPhoneNumbers.json?${query}`,
    });
    return page.incoming_phone_numbers.some((n) => n.phone_number === c.from);
  }

  /** An account without the (beta) Senders API answers 404: it has no such senders. */
  function notListed(error: unknown): false {
    if (error instanceof ProviderError && error.httpStatus === 404) return false;
    throw error;
  }

  async function hasWhatsAppSender(c: TwilioCredentials): Promise<boolean> {
    const base = twilioMessagingBase(apiBase);
    let url: string | undefined = `${base}/v2/Channels/Senders?Channel=whatsapp&PageSize=50`;
    for (let pages = 0; url && pages < MAX_SENDER_PAGES; pages++) {
      const page: z.infer<typeof whatsAppSendersSchema> = await call('read', whatsAppSendersSchema, {
        method: 'GET',
        url,
      });
      if (page.senders.some((s) => (s.sender_id ?? s.senderId) === `whatsapp:${c.from}`)) return true;
      const next: string | null | undefined = page.meta?.next_page_url;
      url = next ? `${base}${new URL(next).pathname}${new URL(next).search}` : undefined;
    }
    return false;
  }

  /** next_page_url is absolute on the real host: keep its path and query, use our configured base (local mode). */
  function rebase(nextUrl: string): string {
    const u = new URL(nextUrl);
    return `${contentBase}${u.pathname}${u.search}`;
  }

  return {
    provider: 'twilio',
    capabilities: { listTemplates: true, submitTemplate: true, readReceipts: true, userIdRecipients: true },

    async *listTemplates() {
      let url: string | undefined = `${contentBase}/v1/ContentAndApprovals?PageSize=${pageSize}`;
      const seen = new Set<string>();
      while (url) {
        if (seen.has(url)) throw new ProviderError('rejected', `Twilio paging loops back to ${url}`);
        seen.add(url);
        const page: z.infer<typeof contentAndApprovalsPageSchema> = await call(
          'read',
          contentAndApprovalsPageSchema,
          {
            method: 'GET',
            url,
          },
        );
        yield page.contents.map(mapTwilioContent);
        url = page.meta.next_page_url ? rebase(page.meta.next_page_url) : undefined;
      }
    },

    async submitTemplate(draft: TemplateDraft) {
      const issues = lint(draft);
      if (issues.some((i) => i.severity === 'error')) {
        throw new AppError('invalid_request', 'Template draft fails lint', { issues });
      }
      const body = buildTwilioContent(draft);
      const content = await call('read', contentSchema, {
        method: 'POST',
        url: `${contentBase}/v1/Content`,
        data: body,
      });
      const approval = await call('read', approvalCreateResponseSchema, {
        method: 'POST',
        url: `${contentBase}/v1/Content/${content.sid}/ApprovalRequests/whatsapp`,
        data: { name: draft.name, category: draft.category },
      });
      return { providerTemplateId: content.sid, status: mapTwilioApprovalStatus(approval.status) };
    },

    async send(message): Promise<SendResult> {
      const c = creds();
      const form = buildTwilioMessage(message, c, { statusCallbackUrl: options.statusCallbackUrl });
      const url = `${apiBase}/2010-04-01/Accounts/${c.accountSid}/Messages.json`;
      const created = await call('send', messageSchema, { method: 'POST', url, form });
      const status = created.status ? mapTwilioMessageStatus(created.status) : undefined;
      return { providerMessageId: created.sid, status: status === 'failed' ? 'failed' : 'pending' };
    },

    async testCredentials() {
      const c = creds();
      const account = await call('read', accountSchema, {
        method: 'GET',
        url: `${apiBase}/2010-04-01/Accounts/${c.accountSid}.json`,
      });
      // Valid credentials of a suspended or closed account still cannot send (account_enum_status in the spec).
      if (account.status && account.status !== 'active') {
        throw new ProviderError('auth', `Twilio account ${account.sid} is ${account.status}`, {
          raw: account,
        });
      }
      // Valid credentials prove nothing about `from`: without this, any account could claim another business's
      // number first (#17 item 10). A WhatsApp sender is a phone number of the account, or a number registered to
      // it through the Senders API (bring your own number).
      if (!(await ownsNumber(c)) && !(await hasWhatsAppSender(c).catch(notListed))) {
        throw new ProviderError(
          'auth',
          `${c.from} is neither a phone number nor a WhatsApp sender of Twilio account ${c.accountSid}`,
        );
      }
    },

    verifyWebhook(request: WebhookRequest) {
      return verifyTwilioSignature(request, options.credentials?.authToken);
    },

    parseWebhook(request: WebhookRequest) {
      return mapTwilioWebhook(request, now());
    },

    normalizeError(error: unknown) {
      // Without context a timeout may have followed a send: assume the worst (unknown_outcome).
      return mapTwilioError(error, 'send', now());
    },
  };
}
