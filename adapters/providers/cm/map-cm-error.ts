// CM.com gateway errors → ProviderError kinds (issue 3).
// Codes (developers.cm.com/messaging/docs/responses-errors-json): request level `errorCode`
// 0 OK · 101 auth failed · 102 insufficient balance · 103 product token incorrect · 201 one or more
// messages have errors (see messages[]) · 202 malformed request · 203 bad msg array · 500/999 internal;
// message level `messageErrorCode` 301 from · 302 to · 303 invalid MSISDN · 304 body without content ·
// 305 invalid field · 401 spam filtered · 402 blacklisted · 403 rejected. Only 0, 101, 201 and 304 are
// confirmed by example (vendors/providers.md §C); the rest are mapped defensively, unknown → rejected.
import { isAxiosError, isTimeoutError, mayHaveArrived } from '../../shared/vendor-http';
import { headerOf, parseRetryAfter } from '../../shared/retry-after';
import { ProviderError } from '../../../src/core/errors';
import type { ProviderErrorKind } from '../../../src/core/errors';
import { cmResponseSchema } from './cm-api';
import type { CmResponse, CmResponseMessage } from './cm-api';

const AUTH_CODES = new Set([101, 103]);
const INVALID_RECIPIENT_CODES = new Set([302, 303]);
const TRANSIENT_CODES = new Set([500, 999]);

/** Which kind a CM.com code (request or message level) and its text mean. */
export function kindForCmCode(
  code: number | undefined,
  details: string | null | undefined,
): ProviderErrorKind {
  const text = details ?? '';
  if (code !== undefined && AUTH_CODES.has(code)) return 'auth';
  if (/no account found|authenticat|product ?token/i.test(text)) return 'auth';
  if (code !== undefined && INVALID_RECIPIENT_CODES.has(code)) return 'invalid_recipient';
  if (/invalid (msisdn|recipient|number|phone)|not a valid (phone )?number|not on whatsapp/i.test(text)) {
    return 'invalid_recipient';
  }
  // WhatsApp outside the 24-hour window, relayed with Meta's code or wording (Meta 131047 / on-prem 470).
  if (/\b(131047|470)\b|24[- ]?hour|re-?engagement|customer service window/i.test(text))
    return 'template_required';
  if (/template/i.test(text) && /param|mismatch|not found|does not exist|unknown|invalid/i.test(text)) {
    return 'template_mismatch';
  }
  if (code !== undefined && TRANSIENT_CODES.has(code)) return 'transient';
  return 'rejected';
}

/** A parsed gateway answer that is not a success → one ProviderError naming the vendor's code and text. */
export function errorFromCmResponse(body: CmResponse, httpStatus?: number): ProviderError {
  const failed: CmResponseMessage | undefined = body.messages?.find((m) => !/^accepted$/i.test(m.status));
  if (body.errorCode === 201 && failed) {
    const code = toNumber(failed.messageErrorCode);
    const text = failed.messageDetails ?? failed.status;
    return new ProviderError(kindForCmCode(code, text), `CM.com rejected the message: ${text}`, {
      vendorCode: code === undefined ? String(body.errorCode) : String(code),
      vendorMessage: text,
      httpStatus,
      raw: body,
    });
  }
  const text = body.details ?? `errorCode ${body.errorCode}`;
  return new ProviderError(
    kindForCmCode(body.errorCode, body.details),
    `CM.com error ${body.errorCode}: ${text}`,
    {
      vendorCode: String(body.errorCode),
      vendorMessage: body.details ?? undefined,
      httpStatus,
      raw: body,
    },
  );
}

export interface CmErrorContext {
  /** During a send, a timeout means the gateway may have accepted the message: unknown_outcome. */
  during: 'send' | 'other';
  /** The clock an HTTP-date Retry-After is read against (injected; the adapter's). */
  now?: () => number;
}

/** Any thrown error (axios, our own, a zod failure) → ProviderError. */
export function mapCmError(error: unknown, ctx: CmErrorContext = { during: 'other' }): ProviderError {
  if (error instanceof ProviderError) return error;
  if (isAxiosError(error)) {
    const response = error.response;
    if (!response) {
      const timedOut = isTimeoutError(error);
      // During a send, a timeout or a connection lost after it opened may come after CM.com accepted the message:
      // unknown, never resent (DESIGN.md §3.5). Only a connection that never opened is safe to retry.
      if (ctx.during === 'send' && (timedOut || mayHaveArrived(error))) {
        return new ProviderError(
          'unknown_outcome',
          timedOut
            ? 'CM.com did not answer in time: the message may or may not have been accepted'
            : `CM.com connection lost during the send: the message may or may not have been accepted`,
          { vendorMessage: error.message },
        );
      }
      return new ProviderError('transient', `CM.com unreachable: ${error.message}`, {
        vendorMessage: error.message,
      });
    }
    const status = response.status;
    const retryAfterMs = parseRetryAfter(headerOf(response.headers, 'retry-after'), (ctx.now ?? Date.now)());
    const parsed = cmResponseSchema.safeParse(parseMaybeJson(response.data));
    if (status === 429) {
      return new ProviderError('rate_limited', 'CM.com rate limit reached', {
        httpStatus: status,
        retryAfterMs: retryAfterMs ?? 1000,
        vendorCode: parsed.success ? String(parsed.data.errorCode) : undefined,
        vendorMessage: parsed.success ? (parsed.data.details ?? undefined) : undefined,
        raw: response.data,
      });
    }
    if (status >= 500) {
      return new ProviderError('transient', `CM.com server error ${status}`, {
        httpStatus: status,
        retryAfterMs,
        raw: response.data,
      });
    }
    if (parsed.success && parsed.data.errorCode !== 0) return errorFromCmResponse(parsed.data, status);
    const kind: ProviderErrorKind = status === 401 || status === 403 ? 'auth' : 'rejected';
    return new ProviderError(kind, `CM.com answered HTTP ${status}`, {
      httpStatus: status,
      raw: response.data,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError('transient', `CM.com call failed: ${message}`, { vendorMessage: message });
}

export function parseMaybeJson(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

function toNumber(value: string | number | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
