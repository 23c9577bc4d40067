// One normalized error for every failed Pipedrive call, keeping the vendor's raw answer (STYLE.md).
import { AppError } from '../../../src/core/errors';

export interface CrmHttpErrorInfo {
  /** HTTP status from Pipedrive, or undefined for network errors / timeouts. */
  status?: number;
  /** Whether the same call can succeed later (429, 5xx, network). The queue uses it to retry or dead-letter. */
  retryable: boolean;
  /** How long Pipedrive asked us to wait (Retry-After / x-ratelimit-reset), when known. */
  retryAfterMs?: number;
  /** "GET /api/v2/persons/1" — never contains tokens. */
  operation: string;
  /** Pipedrive's error body (`{success:false,error,error_info}`), for display and debugging. */
  vendorError?: unknown;
  /** True when a request that creates something failed after leaving us: it may have been applied. */
  unknownOutcome?: boolean;
}

/** An AppError('crm_error') (502) whose `details` carry `{status, retryable, retryAfterMs, …}`. */
export class CrmHttpError extends AppError {
  readonly info: CrmHttpErrorInfo;
  constructor(message: string, info: CrmHttpErrorInfo) {
    super('crm_error', message, info);
    this.name = 'CrmHttpError';
    this.info = info;
  }
  get retryable(): boolean {
    return this.info.retryable;
  }
  get httpStatus(): number | undefined {
    return this.info.status;
  }
}

export function isCrmHttpError(error: unknown): error is CrmHttpError {
  return error instanceof CrmHttpError;
}
