// Meta WhatsApp Cloud API adapter: Graph calls with axios (fetch adapter, Workers-safe), every response parsed with zod.
import { createVendorHttp } from '../../shared/vendor-http';
import type { AxiosInstance } from 'axios';
import type * as z from 'zod/mini';
import { AppError, ProviderError } from '../../../src/core/errors';
import type { OutboundMessage } from '../../../src/core/message';
import type { Template, TemplateDraft, TemplateStatus } from '../../../src/core/template';
import { lint } from '../../../src/core/template-lint';
import type { MetaCredentials } from './meta-credentials';
import type {
  ProviderAdapter,
  ProviderEvent,
  ProviderHttpConfig,
  ProviderMedia,
  ProviderMediaRef,
  SendResult,
  WebhookRequest,
} from '../types';
import { convertToMetaMessage } from './convert-to-meta-message';
import { fetchMetaMedia } from './fetch-meta-media';
import { convertToMetaTemplateCreate } from './convert-to-meta-template';
import { mapMetaError } from './map-meta-error';
import type { MetaOperation } from './map-meta-error';
import { mapMetaTemplate, mapMetaTemplateStatus } from './map-meta-template';
import { parseMetaHistoryChunk, parseMetaWebhook } from './map-meta-webhook';
import {
  META_DEFAULT_API_VERSION,
  metaCreateTemplateResponseSchema,
  metaDeleteMediaResponseSchema,
  metaMarkReadResponseSchema,
  metaPhoneNumberSchema,
  metaSendResponseSchema,
  metaTemplateListSchema,
} from './meta-api';
import { readMetaMessagingLimit } from './meta-messaging-limit';
import { verifyMetaSignature } from './meta-signature';

export interface MetaAdapterOptions {
  /** Parsed connection credentials; optional so webhooks can be verified and parsed before a connection is known. */
  credentials?: MetaCredentials;
  http: ProviderHttpConfig;
  /** Global META_APP_SECRET, used when the connection has no app secret of its own. */
  appSecret?: string;
  /** Graph API version of every request (config META_GRAPH_API_VERSION); wins over the credentials' own. */
  apiVersion?: string;
  /** Templates per page when listing (Graph accepts up to a few hundred; 100 keeps responses small). */
  pageSize?: number;
}

const TEMPLATE_FIELDS =
  'id,name,language,status,category,previous_category,parameter_format,components,rejected_reason,quality_score';

function parseOrThrow<T extends z.ZodMiniType>(
  schema: T,
  data: unknown,
  operation: MetaOperation,
  what: string,
): z.infer<T> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown';
  // A 2xx we cannot read: for a send the message probably left, so the outcome is unknown, not a failure.
  throw new ProviderError(
    operation === 'send' ? 'unknown_outcome' : 'rejected',
    `Meta returned an unexpected ${what} (${where})`,
    {
      raw: data,
    },
  );
}

export function createMetaAdapter(options: MetaAdapterOptions): ProviderAdapter {
  const { credentials, http } = options;
  const version = options.apiVersion ?? credentials?.apiVersion ?? META_DEFAULT_API_VERSION;
  let client: AxiosInstance | undefined;

  function graph(): { client: AxiosInstance; creds: MetaCredentials } {
    if (!credentials) throw new AppError('not_configured', 'Meta credentials are required for this call');
    client ??= createVendorHttp({
      baseUrl: http.baseUrl,
      timeoutMs: http.timeoutMs,
      headers: { Authorization: `Bearer ${credentials.accessToken}`, 'Content-Type': 'application/json' },
    });
    return { client, creds: credentials };
  }

  async function call<T>(operation: MetaOperation, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw mapMetaError(error, operation);
    }
  }

  async function* listTemplates(): AsyncIterable<Template[]> {
    const { client, creds } = graph();
    let after: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const data = await call('listTemplates', async () => {
        const response = await client.get(`/${version}/${creds.wabaId}/message_templates`, {
          params: { limit: options.pageSize ?? 100, fields: TEMPLATE_FIELDS, ...(after ? { after } : {}) },
        });
        return parseOrThrow(metaTemplateListSchema, response.data, 'listTemplates', 'template list');
      });
      yield data.data.map(mapMetaTemplate);
      // Follow `paging.next` with its `after` cursor until `next` is absent (providers.md "List templates").
      const next = data.paging?.next ? data.paging.cursors?.after : undefined;
      if (!next) return;
      if (seen.has(next))
        throw new ProviderError('rejected', `Meta repeated the paging cursor ${next}: stopping`);
      seen.add(next);
      after = next;
    }
  }

  async function submitTemplate(
    draft: TemplateDraft,
  ): Promise<{ providerTemplateId: string; status: TemplateStatus }> {
    const issues = lint(draft);
    if (issues.some((i) => i.severity === 'error'))
      throw new AppError('invalid_request', 'Template draft fails lint', { issues });
    const { client, creds } = graph();
    return call('submitTemplate', async () => {
      const response = await client.post(
        `/${version}/${creds.wabaId}/message_templates`,
        convertToMetaTemplateCreate(draft),
      );
      const created = parseOrThrow(
        metaCreateTemplateResponseSchema,
        response.data,
        'submitTemplate',
        'template creation response',
      );
      return {
        providerTemplateId: created.id,
        status: created.status ? mapMetaTemplateStatus(created.status) : 'PENDING',
      };
    });
  }

  async function send(message: OutboundMessage): Promise<SendResult> {
    const body = convertToMetaMessage(message); // input errors surface before any call
    const { client, creds } = graph();
    return call('send', async () => {
      const response = await client.post(`/${version}/${creds.phoneNumberId}/messages`, body);
      const sent = parseOrThrow(metaSendResponseSchema, response.data, 'send', 'send response');
      return { providerMessageId: sent.messages[0]!.id, status: 'pending' };
    });
  }

  async function markRead(providerMessageId: string): Promise<void> {
    const { client, creds } = graph();
    await call('markRead', async () => {
      const response = await client.post(`/${version}/${creds.phoneNumberId}/messages`, {
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: providerMessageId,
      });
      const answer = parseOrThrow(
        metaMarkReadResponseSchema,
        response.data,
        'markRead',
        'read receipt answer',
      );
      if (!answer.success) throw new ProviderError('rejected', 'Meta did not mark the message as read');
    });
  }

  async function deleteMedia(ref: ProviderMediaRef): Promise<void> {
    const { client, creds } = graph();
    await call('deleteMedia', async () => {
      // phone_number_id: Meta deletes only media of this number (spec deleteMedia).
      const response = await client.delete(`/${version}/${encodeURIComponent(ref.mediaId)}`, {
        params: { phone_number_id: creds.phoneNumberId },
      });
      const answer = parseOrThrow(
        metaDeleteMediaResponseSchema,
        response.data,
        'deleteMedia',
        'media deletion answer',
      );
      if (!answer.success) throw new ProviderError('rejected', 'Meta did not delete the media');
    });
  }

  async function testCredentials(): Promise<void> {
    const { client, creds } = graph();
    await call('testCredentials', async () => {
      const response = await client.get(`/${version}/${creds.phoneNumberId}`, {
        params: { fields: 'id,display_phone_number' },
      });
      parseOrThrow(metaPhoneNumberSchema, response.data, 'testCredentials', 'phone number');
    });
  }

  return {
    provider: 'meta',
    capabilities: { listTemplates: true, submitTemplate: true, readReceipts: true, userIdRecipients: true },
    listTemplates,
    submitTemplate,
    send,
    testCredentials,
    markRead,
    deleteMedia,
    readMessagingLimit() {
      const { client, creds } = graph();
      return call('other', () =>
        readMetaMessagingLimit(client, { version, phoneNumberId: creds.phoneNumberId, wabaId: creds.wabaId }),
      );
    },
    fetchMedia(ref: ProviderMediaRef): Promise<ProviderMedia> {
      const { client, creds } = graph();
      return fetchMetaMedia(
        { client, version, phoneNumberId: creds.phoneNumberId, timeoutMs: http.timeoutMs },
        ref,
      );
    },
    verifyWebhook(request: WebhookRequest): Promise<boolean> {
      return verifyMetaSignature(
        request.rawBody,
        request.headers.get('x-hub-signature-256'),
        credentials?.appSecret ?? options.appSecret,
      );
    },
    parseWebhook(request: WebhookRequest): ProviderEvent[] {
      return parseMetaWebhook(request.rawBody);
    },
    parseHistoryChunk(raw: string): ProviderEvent[] {
      return parseMetaHistoryChunk(raw);
    },
    normalizeError(error: unknown): ProviderError {
      return mapMetaError(error);
    },
  };
}
