// One error type for every HighLevel failure (STYLE.md: vendor errors become one normalized error that keeps the raw
// response). It is an AppError('crm_error') so routes render it as 502; the relay queue reads `retryable`.
import { AppError } from '../../../src/core/errors';

export type CrmFailureReason =
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
  /** HighLevel answered 2xx with a body we cannot read: a vendor shape change, not retryable. */
  | 'malformed_response';

export interface CrmHttpErrorInfo {
  reason: CrmFailureReason;
  retryable: boolean;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** Which call failed, e.g. `POST /conversations/messages/inbound`. */
  operation?: string;
  retryAfterMs?: number;
  /** A write whose answer was lost (5xx, 408, timeout, dropped connection): HighLevel may have stored it. */
  unknownOutcome?: boolean;
  /** HighLevel's own message (`message` of its error DTOs, or OAuth `error_description`). */
  vendorMessage?: string;
  /** OAuth `error` code, when the token endpoint answered one. */
  oauthError?: string;
  /** The raw response body (never contains our secrets). */
  raw?: unknown;
}

export class CrmHttpError extends AppError {
  declare readonly details: CrmHttpErrorInfo & { crm: 'highlevel' };
  constructor(message: string, info: CrmHttpErrorInfo) {
    super('crm_error', message, { crm: 'highlevel', ...info });
    this.name = 'CrmHttpError';
  }
  get retryable(): boolean {
    return this.details.retryable;
  }
  get reason(): CrmFailureReason {
    return this.details.reason;
  }
  get httpStatus(): number | undefined {
    return this.details.status;
  }
  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
}

export function isCrmHttpError(err: unknown): err is CrmHttpError {
  return err instanceof CrmHttpError;
}

/** Pulls a readable message out of HighLevel's error bodies: BadRequestDTO / UnauthorizedDTO / UnprocessableDTO
 * (`message` is a string or a string[]; specs/highlevel/common-schemas.json) or an OAuth error body. */
export function vendorMessageOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body.length > 0 ? body.slice(0, 500) : undefined;
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.error_description === 'string') return b.error_description;
  if (typeof b.message === 'string') return b.message;
  if (Array.isArray(b.message)) return b.message.filter((m) => typeof m === 'string').join('; ');
  if (typeof b.error === 'string') return b.error;
  return undefined;
}
