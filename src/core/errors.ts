// Error vocabulary shared by every layer (DESIGN.md §4). Pure: no HTTP objects here.

export const ERROR_CODES = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  template_required: 409,
  /** The send needs the customer's phone (authentication templates, CM.com) and only a BSUID is known (issue 11). */
  phone_required: 409,
  conflict: 409,
  connection_disabled: 409,
  /** A CM.com number not yet proven to belong to its credentials (#17 item 10): it cannot send. */
  connection_unverified: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  provider_error: 502,
  crm_error: 502,
  not_configured: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERROR_CODES[this.code];
  }
}

/** Normalized provider failure classes (issue 3). */
export type ProviderErrorKind =
  | 'template_required'
  | 'rate_limited'
  | 'template_mismatch'
  | 'invalid_recipient'
  | 'auth'
  | 'transient'
  | 'unknown_outcome'
  | 'rejected'
  // The provider did not deliver a marketing message because the customer reached their per-user marketing limit
  // (Meta 131049, "frequency capping"; vendors/whatsapp-2026.md §1.3): not a failure of the message, retryable later.
  | 'capped'
  // The customer stopped marketing messages from this business inside WhatsApp (Meta 131050, "this recipient has
  // chosen to stop receiving marketing messages on WhatsApp from your business", developers.facebook.com/
  // documentation/business-messaging/whatsapp/support/error-codes): an opt-out, never retried (issue 12).
  | 'marketing_opted_out';

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly vendorCode?: string;
  readonly vendorMessage?: string;
  readonly retryAfterMs?: number;
  /** For `rate_limited`: whether the whole sender must slow down, or only sends to this one recipient. */
  readonly rateLimitScope?: 'sender' | 'recipient';
  readonly httpStatus?: number;
  /** The vendor's raw error body, kept for display and debugging (never contains our secrets). */
  readonly raw?: unknown;
  constructor(
    kind: ProviderErrorKind,
    message: string,
    extra: {
      vendorCode?: string;
      vendorMessage?: string;
      retryAfterMs?: number;
      rateLimitScope?: 'sender' | 'recipient';
      httpStatus?: number;
      raw?: unknown;
    } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
    this.kind = kind;
    this.vendorCode = extra.vendorCode;
    this.vendorMessage = extra.vendorMessage;
    this.retryAfterMs = extra.retryAfterMs;
    this.rateLimitScope = extra.rateLimitScope ?? (kind === 'rate_limited' ? 'sender' : undefined);
    this.httpStatus = extra.httpStatus;
    this.raw = extra.raw;
  }
  /** Whether retrying the same request later can succeed. `unknown_outcome` is deliberately not retryable. */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'transient';
  }
}

export const TEMPLATE_REQUIRED_REASON =
  'The 24-hour customer service window is closed: the customer has not written in the last 24 hours. ' +
  'Send an approved WhatsApp template from the WhatsApp sidebar instead.';

/** Maps a provider error kind to the public API error code. */
export function apiCodeForProviderError(kind: ProviderErrorKind): ErrorCode {
  switch (kind) {
    case 'template_required':
      return 'template_required';
    case 'rate_limited':
      return 'rate_limited';
    case 'invalid_recipient':
    case 'template_mismatch':
      return 'invalid_request';
    default:
      return 'provider_error';
  }
}
