// Twilio errors (REST `{code, message, more_info, status}` and status-callback `ErrorCode`) → ProviderError.
import { isAxiosError, isTimeoutCode, mayHaveArrived } from '../../shared/vendor-http';
import { parseRetryAfter } from '../../shared/retry-after';
import { ProviderError, TEMPLATE_REQUIRED_REASON } from '../../../src/core/errors';
import type { ProviderErrorKind } from '../../../src/core/errors';
import type { ProviderErrorInfo } from '../../../src/core/message';
import { twilioErrorSchema } from './twilio-api';

/** What the failed call was: a send whose request left may have happened, so a timeout there is not retryable. */
export type TwilioOperation = 'send' | 'read';

// Codes from twilio.com/docs/api/errors (vendors/providers.md §B). Anything not listed falls back on HTTP status.
const BY_CODE: Record<number, ProviderErrorKind> = {
  63016: 'template_required', // outside the 24 h window, or a template sent as Body since 2025-04-01
  63018: 'rate_limited', // WhatsApp sender / portfolio / same-recipient rate limit
  20429: 'rate_limited', // Too many requests
  14107: 'rate_limited', // SMS send rate limit exceeded
  21211: 'invalid_recipient', // invalid 'To' number
  21614: 'invalid_recipient', // 'To' is not a valid mobile number
  21610: 'invalid_recipient', // recipient unsubscribed (STOP)
  63003: 'invalid_recipient', // channel could not find the To address (not on WhatsApp)
  20003: 'auth', // authentication error
  20005: 'auth', // account not active
  21655: 'template_mismatch', // ContentSid invalid
  21656: 'template_mismatch', // ContentVariables invalid
  63027: 'template_mismatch', // template does not exist for language/locale
  63028: 'template_mismatch', // number of parameters does not match the template
};

const REASON: Partial<Record<ProviderErrorKind, string>> = {
  template_required: TEMPLATE_REQUIRED_REASON,
  rate_limited: 'Twilio is throttling this WhatsApp sender; the message will be retried later.',
  invalid_recipient: 'The recipient is not a valid WhatsApp number or cannot receive messages.',
  auth: 'Twilio rejected the Account SID / Auth Token of this connection.',
  template_mismatch: 'The template or its variables do not match what Twilio has approved.',
  transient: 'Twilio is temporarily unavailable; the request will be retried.',
  unknown_outcome:
    'The request to Twilio timed out after it was sent: it may or may not have been delivered.',
};

export function kindForTwilioCode(code: number | undefined, httpStatus?: number): ProviderErrorKind {
  if (code !== undefined && BY_CODE[code]) return BY_CODE[code];
  if (httpStatus === 429) return 'rate_limited';
  if (httpStatus === 401 || httpStatus === 403) return 'auth';
  if (httpStatus !== undefined && httpStatus >= 500) return 'transient';
  return 'rejected';
}

/** For a failed status callback (`ErrorCode` / `ErrorMessage`). */
export function twilioErrorInfo(code: string | undefined, message: string | undefined): ProviderErrorInfo {
  const numeric = code && /^\d+$/.test(code) ? Number(code) : undefined;
  const kind = kindForTwilioCode(numeric);
  const info: ProviderErrorInfo = {
    kind,
    reason: REASON[kind] ?? message ?? `Twilio error ${code ?? 'unknown'}`,
  };
  if (code) info.vendorCode = code;
  if (message) info.vendorMessage = message;
  return info;
}

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

export function mapTwilioError(error: unknown, operation: TwilioOperation, now: number): ProviderError {
  if (error instanceof ProviderError) return error;
  if (!isAxiosError(error)) {
    return new ProviderError(
      operation === 'send' ? 'unknown_outcome' : 'transient',
      `Twilio call failed: ${String(error)}`,
    );
  }
  const response = error.response;
  if (!response) {
    const timedOut = isTimeoutCode(error.code);
    const kind: ProviderErrorKind =
      operation === 'send' && mayHaveArrived(error) ? 'unknown_outcome' : 'transient';
    const what = timedOut ? 'timed out' : `network error (${causeCode(error) ?? error.code ?? 'unknown'})`;
    return new ProviderError(kind, `Twilio request ${what}: ${REASON[kind]}`, { raw: { code: error.code } });
  }
  const parsed = twilioErrorSchema.safeParse(response.data);
  const body = parsed.success ? parsed.data : undefined;
  const code = body?.code ?? undefined;
  const kind = kindForTwilioCode(code, response.status);
  const headers = response.headers as { get?: (name: string) => unknown } & Record<string, unknown>;
  const retryHeader = typeof headers.get === 'function' ? headers.get('retry-after') : headers['retry-after'];
  let retryAfterMs = parseRetryAfter(typeof retryHeader === 'string' ? retryHeader : undefined, now);
  if (kind === 'rate_limited' && retryAfterMs === undefined) retryAfterMs = 1000;
  const vendorMessage =
    body?.message ?? (typeof response.data === 'string' ? response.data.slice(0, 300) : undefined);
  const message = `Twilio ${code ?? `HTTP ${response.status}`}: ${vendorMessage ?? REASON[kind] ?? 'request failed'}`;
  return new ProviderError(kind, message, {
    vendorCode: code !== undefined ? String(code) : undefined,
    vendorMessage,
    retryAfterMs: kind === 'rate_limited' ? retryAfterMs : undefined,
    httpStatus: response.status,
    raw: response.data,
  });
}
