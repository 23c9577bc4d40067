// CM.com Business Messaging (WhatsApp) as a ProviderAdapter (vendors/providers.md §C).
import type { AxiosInstance } from 'axios';
import { AppError, ProviderError } from '../../../src/core/errors';
import type { OutboundMessage } from '../../../src/core/message';
import type { Template, TemplateDraft, TemplateStatus } from '../../../src/core/template';
import { lint } from '../../../src/core/template-lint';
import type { CmCredentials } from './cm-credentials';
import type {
  ProviderAdapter,
  ProviderEvent,
  ProviderHttpConfig,
  SendResult,
  WebhookRequest,
} from '../types';
import { CM_SEND_PATH, cmResponseSchema } from './cm-api';
import type { CmSendRequest } from './cm-api';
import { toCmReference } from './cm-number';
import { toCmMsg } from './convert-to-cm-message';
import { errorFromCmResponse, mapCmError, parseMaybeJson } from './map-cm-error';
import { parseCmWebhook } from './map-cm-webhook';
import { timingSafeEqual } from '../../../src/security/encoding';
import { createVendorHttp } from '../../shared/vendor-http';

export interface CmAdapterOptions {
  /** Parsed credentials; webhook verification and parsing work without them. */
  credentials?: CmCredentials;
  http: ProviderHttpConfig;
  /** The per-connection secret expected as the last path segment of `/webhooks/cm/:connectionId/:token`. */
  webhookToken?: string;
  /** Clock for webhook events that carry no time. */
  now?: () => number;
}

export function createCmAdapter(options: CmAdapterOptions): ProviderAdapter {
  const now = options.now ?? Date.now;
  const client: AxiosInstance = createVendorHttp({
    baseUrl: options.http.baseUrl,
    timeoutMs: options.http.timeoutMs,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
  });

  function credentials(): CmCredentials {
    if (!options.credentials) throw new ProviderError('auth', 'CM.com credentials are not configured');
    return options.credentials;
  }

  async function post(body: CmSendRequest, token: string): Promise<unknown> {
    // The product token goes in the header (developers.cm.com/messaging/docs/integration) and in
    // `messages.authentication` (what the official SDKs send): the gateway accepts either.
    const response = await client.post(CM_SEND_PATH, body, { headers: { 'X-CM-PRODUCTTOKEN': token } });
    return parseMaybeJson(response.data);
  }

  return {
    provider: 'cm',
    // CM.com has no public template list or submission API: templates are created in the Channels app
    // and registered here by the admin (vendors/providers.md §C).
    // A WhatsApp "Read" report from CM.com is UNCONFIRMED (vendors/providers.md §C): mapped when it comes, not promised.
    capabilities: {
      listTemplates: false,
      submitTemplate: false,
      readReceipts: false,
      userIdRecipients: false,
    },

    async *listTemplates(): AsyncIterable<Template[]> {
      // Nothing to list: manual templates live in our store (buildManualCmTemplate), not at CM.com.
    },

    async submitTemplate(
      draft: TemplateDraft,
    ): Promise<{ providerTemplateId: string; status: TemplateStatus }> {
      const issues = lint(draft);
      if (issues.some((i) => i.severity === 'error')) {
        throw new AppError('invalid_request', 'Template draft fails lint', { issues });
      }
      throw new ProviderError('rejected', 'CM.com templates are submitted in the CM.com Channels app');
    },

    async send(message: OutboundMessage): Promise<SendResult> {
      const creds = credentials();
      const reference = await toCmReference(message.reference);
      const msg = toCmMsg(message, { from: creds.from, reference });
      let data: unknown;
      try {
        data = await post(
          { messages: { authentication: { producttoken: creds.productToken }, msg: [msg] } },
          creds.productToken,
        );
      } catch (error) {
        throw mapCmError(error, { during: 'send', now });
      }
      const parsed = cmResponseSchema.safeParse(data);
      if (!parsed.success) {
        // A 2xx the gateway sent but we cannot read: the message may well have been accepted.
        throw new ProviderError('unknown_outcome', 'CM.com answered the send with an unexpected body', {
          raw: data,
        });
      }
      if (parsed.data.errorCode !== 0) throw errorFromCmResponse(parsed.data);
      const ours = parsed.data.messages?.find((m) => m.reference === reference) ?? parsed.data.messages?.[0];
      if (ours && !/^accepted$/i.test(ours.status)) {
        throw errorFromCmResponse({ ...parsed.data, errorCode: 201, messages: [ours] });
      }
      // CM.com returns no message id: our reference is echoed in status reports and is the correlation key.
      return { providerMessageId: reference, status: 'pending' };
    },

    async testCredentials(): Promise<void> {
      // No documented "who am I" endpoint. A send envelope with an empty `msg` array is validated by the
      // gateway without delivering anything: a bad token answers errorCode 101 (auth), a good one a
      // request-validation error (e.g. 203 "MSG array is incorrect"), which proves the token is known.
      const token = credentials().productToken;
      try {
        const data = await post({ messages: { authentication: { producttoken: token }, msg: [] } }, token);
        const parsed = cmResponseSchema.safeParse(data);
        if (parsed.success && parsed.data.errorCode !== 0) {
          const err = errorFromCmResponse(parsed.data);
          if (err.kind === 'auth') throw err;
        }
      } catch (error) {
        const err = mapCmError(error, { during: 'other', now });
        if (err.kind === 'auth' || err.kind === 'transient' || err.kind === 'rate_limited') throw err;
        // Any other validation answer means the gateway knew the token.
      }
    },

    async verifyWebhook(request: WebhookRequest): Promise<boolean> {
      const expected = options.webhookToken;
      if (!expected) return false;
      const given = tokenFromUrl(request.url);
      if (given === undefined) return false;
      return timingSafeEqual(given, expected);
    },

    parseWebhook(request: WebhookRequest): ProviderEvent[] {
      return parseCmWebhook(request.rawBody, now);
    },

    normalizeError(error: unknown): ProviderError {
      return mapCmError(error, { during: 'other', now });
    },
  };
}

/** CM.com signs nothing (no HMAC, vendors/providers.md §C): the secret is the URL's last path segment. */
function tokenFromUrl(url: string): string | undefined {
  try {
    const segments = new URL(url, 'http://localhost').pathname.split('/').filter(Boolean);
    const last = segments[segments.length - 1];
    return last ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}
