// One error type for every failed CRM call (STYLE.md: a vendor failure becomes one normalized error that keeps the
// raw response). It is an AppError('crm_error'), so routes render it as 502; queue jobs read `retryable`.
// Provider calls end in ProviderError instead (src/core/errors.ts): its kinds are what the send rules decide on.
import { AppError } from '../../src/core/errors';

export type VendorFailureReason =
  /** Access token rejected even after one refresh. */
  | 'auth'
  /** OAuth `invalid_grant`: the refresh token was already used or revoked, the installation must be re-authorized. */
  | 'invalid_grant'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'timeout'
  /** A 4xx the same request will keep getting. */
  | 'rejected'
  /** The vendor answered 2xx with a body we cannot read: a vendor shape change, not retryable. */
  | 'malformed_response';

export interface VendorHttpErrorInfo {
  /** Whether the same call can succeed later (429, 5xx, network). The queue uses it to retry or dead-letter. */
  retryable: boolean;
  reason?: VendorFailureReason;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** Which call failed, e.g. `POST /conversations/messages/inbound` (never contains tokens). */
  operation?: string;
  /** How long the vendor asked us to wait (Retry-After and the like), when known. */
  retryAfterMs?: number;
  /** A write whose answer was lost (5xx, 408, timeout, dropped connection): the vendor may have applied it. */
  unknownOutcome?: boolean;
  /** The vendor's own message. */
  vendorMessage?: string;
  /** OAuth `error` code, when a token endpoint answered one. */
  oauthError?: string;
  /** The raw response body (never contains our secrets). */
  raw?: unknown;
}

export class VendorHttpError extends AppError {
  declare readonly details: VendorHttpErrorInfo & { vendor: string };
  constructor(vendor: string, message: string, info: VendorHttpErrorInfo) {
    super('crm_error', message, { vendor, ...info });
    this.name = 'VendorHttpError';
  }
  get vendor(): string {
    return this.details.vendor;
  }
  /** The same fields as `details` (kept for readers of the former per-CRM error classes). */
  get info(): VendorHttpErrorInfo {
    return this.details;
  }
  get retryable(): boolean {
    return this.details.retryable;
  }
  get reason(): VendorFailureReason | undefined {
    return this.details.reason;
  }
  get httpStatus(): number | undefined {
    return this.details.status;
  }
  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
}

export function isVendorHttpError(error: unknown): error is VendorHttpError {
  return error instanceof VendorHttpError;
}
