// Meta Graph / WhatsApp errors → ProviderError kinds (issue 3). Codes from vendors/providers.md (Meta error table).
import { isAxiosError, isTimeoutError, mayHaveArrived } from '../../shared/vendor-http';
import { parseRetryAfter } from '../../shared/retry-after';
import { ProviderError, TEMPLATE_REQUIRED_REASON } from '../../../src/core/errors';
import type { ProviderErrorKind } from '../../../src/core/errors';
import type { ProviderErrorInfo } from '../../../src/core/message';
import { metaGraphErrorSchema } from './meta-api';
import type { MetaErrorItem } from './meta-api';

/** Which call failed: a timed-out `send` may have been delivered, so it is never blindly retried. */
export type MetaOperation =
  | 'send'
  | 'submitTemplate'
  | 'listTemplates'
  | 'testCredentials'
  | 'fetchMedia'
  | 'markRead'
  | 'deleteMedia'
  | 'other';

const TEMPLATE_MISMATCH = new Set([132000, 132001, 132005, 132007, 132012, 132015, 132016, 132068, 132069]);
const INVALID_RECIPIENT = new Set([131026, 131021, 131030, 131045]);
const TRANSIENT = new Set([1, 2, 131000, 131016, 133004]);

// Default waits when Meta sends no Retry-After: app / WABA limits are hourly windows, throughput is per second,
// and the pair rate limit allows about one message every 6 s to the same user (developers.facebook.com/docs/whatsapp/throughput).
const RATE_LIMIT_DEFAULT_MS: Record<number, number> = {
  4: 60_000,
  80007: 60_000,
  130429: 1_000,
  131048: 60_000,
  131056: 6_000,
  131057: 10_000,
};

/** Classifies a Meta error code alone (sync responses and async `statuses[].errors[]` alike). */
export function kindForMetaCode(code: number | undefined): ProviderErrorKind | undefined {
  if (code === undefined) return undefined;
  if (code === 131047) return 'template_required';
  // Per-user marketing limit ("Meta chose not to deliver", interakt.shop/?p=52596, vendors/whatsapp-2026.md §1.3).
  if (code === 131049) return 'capped';
  // The customer stopped marketing messages from the business in WhatsApp (Meta's error-codes page, 131050).
  if (code === 131050) return 'marketing_opted_out';
  if (code in RATE_LIMIT_DEFAULT_MS) return 'rate_limited';
  if (TEMPLATE_MISMATCH.has(code)) return 'template_mismatch';
  if (INVALID_RECIPIENT.has(code)) return 'invalid_recipient';
  if (
    code === 0 ||
    code === 190 ||
    code === 102 ||
    code === 104 ||
    code === 10 ||
    (code >= 200 && code <= 299)
  ) {
    return 'auth';
  }
  if (TRANSIENT.has(code)) return 'transient';
  return undefined;
}

function humanReason(
  kind: ProviderErrorKind,
  details: string | undefined,
  message: string | undefined,
): string {
  if (kind === 'template_required') return TEMPLATE_REQUIRED_REASON;
  const text = details ?? message;
  switch (kind) {
    case 'rate_limited':
      return `WhatsApp is limiting the sending rate${text ? `: ${text}` : ''}. The message will be retried.`;
    case 'auth':
      return `The Meta access token is invalid, expired or lacks permission${text ? `: ${text}` : ''}.`;
    case 'invalid_recipient':
      return `The recipient cannot receive WhatsApp messages${text ? `: ${text}` : ''}.`;
    case 'template_mismatch':
      return `The template does not match what Meta has approved${text ? `: ${text}` : ''}.`;
    case 'capped':
      return (
        'WhatsApp did not deliver this marketing message: the customer reached their limit of marketing messages ' +
        '(per-user frequency cap). It can be sent again later.'
      );
    case 'marketing_opted_out':
      return (
        'WhatsApp did not deliver this marketing message: the customer stopped marketing messages from this ' +
        'business in WhatsApp. Utility messages and replies are still allowed.'
      );
    default:
      return text ?? 'WhatsApp rejected the message.';
  }
}

/** An async failure in a status webhook → the normalized error info stored with the message. */
export function metaStatusErrorInfo(error: MetaErrorItem | undefined): ProviderErrorInfo {
  const details = error?.error_data?.details;
  const kind = kindForMetaCode(error?.code) ?? 'rejected';
  return {
    kind,
    vendorCode: error?.code !== undefined ? String(error.code) : undefined,
    vendorMessage: error?.message ?? error?.title,
    reason: humanReason(kind, details, error?.title ?? error?.message),
  };
}

/** Any error thrown while talking to Graph → ProviderError, keeping the vendor code, text and raw body. */
export function mapMetaError(
  error: unknown,
  operation: MetaOperation = 'other',
  now = Date.now(),
): ProviderError {
  if (error instanceof ProviderError) return error;
  if (!isAxiosError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new ProviderError(
      operation === 'send' ? 'unknown_outcome' : 'transient',
      `Meta call failed: ${message}`,
    );
  }
  const response = error.response;
  if (!response) {
    // Timeout or network failure: for a send the request may have reached Meta (DESIGN.md §3.5: mark unknown).
    const timedOut = isTimeoutError(error);
    const kind: ProviderErrorKind =
      operation === 'send' && (timedOut || mayHaveArrived(error)) ? 'unknown_outcome' : 'transient';
    return new ProviderError(kind, `Meta ${timedOut ? 'timed out' : 'network error'}: ${error.message}`);
  }
  const status = response.status;
  const parsed = metaGraphErrorSchema.safeParse(response.data);
  const graph = parsed.success ? parsed.data.error : undefined;
  const details = typeof graph?.error_data === 'object' ? graph.error_data.details : graph?.error_data;
  const code = graph?.code;
  const retryAfterHeader = parseRetryAfter(response.headers?.['retry-after'], now);

  let kind = kindForMetaCode(code);
  if (!kind) {
    if (status === 429) kind = 'rate_limited';
    else if (status === 401 || status === 403) kind = 'auth';
    else if (status >= 500) kind = 'transient';
    else kind = 'rejected';
  }
  const retryAfterMs =
    kind === 'rate_limited'
      ? (retryAfterHeader ?? (code !== undefined ? RATE_LIMIT_DEFAULT_MS[code] : undefined))
      : undefined;
  const vendorMessage = [graph?.message, details].filter(Boolean).join(' — ') || undefined;
  return new ProviderError(
    kind,
    humanReason(kind, details, graph?.error_user_msg ?? graph?.message ?? `HTTP ${status}`),
    {
      vendorCode: code !== undefined ? String(code) : undefined,
      vendorMessage,
      retryAfterMs,
      // 131056 is the pair rate limit (one business–customer pair): only that recipient must wait.
      rateLimitScope: code === 131056 ? 'recipient' : undefined,
      httpStatus: status,
      raw: response.data,
    },
  );
}
