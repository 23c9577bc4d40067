// HighLevel failures are the shared VendorHttpError (adapters/shared) with vendor 'highlevel'; what is HighLevel's
// own is how its error bodies read.
import { VendorHttpError } from '../../shared/vendor-http-error';
import type { VendorHttpErrorInfo } from '../../shared/vendor-http-error';

export function highLevelError(message: string, info: VendorHttpErrorInfo): VendorHttpError {
  return new VendorHttpError('highlevel', message, info);
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
