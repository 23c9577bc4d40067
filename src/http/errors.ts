// The one error envelope of DESIGN.md §4: {"error":{"code","message","details"?}}.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { $ZodError } from 'zod/v4/core';
import {
  AppError,
  ERROR_CODES,
  ProviderError,
  apiCodeForProviderError,
  type ErrorCode,
} from '../core/errors';

export function errorResponse(c: Context, code: ErrorCode, message: string, details?: unknown): Response {
  const body: { error: { code: ErrorCode; message: string; details?: unknown; requestId?: string } } = {
    error: { code, message },
  };
  if (details !== undefined) body.error.details = details;
  const requestId = c.get('requestId' as never) as string | undefined;
  if (requestId) body.error.requestId = requestId;
  return c.json(body, ERROR_CODES[code] as ContentfulStatusCode);
}

/** zod issues → a list naming each field path. */
export function zodDetails(error: $ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

export function handleError(err: unknown, c: Context): Response {
  if (err instanceof AppError) return errorResponse(c, err.code, err.message, err.details);
  if (err instanceof ProviderError) {
    // The vendor's own code and text are kept for display; never the raw response (it may echo credentials).
    return errorResponse(c, apiCodeForProviderError(err.kind), err.message, {
      kind: err.kind,
      vendorCode: err.vendorCode,
      vendorMessage: err.vendorMessage,
      retryAfterMs: err.retryAfterMs,
    });
  }
  // $ZodError, not the classic ZodError: zod/mini's parse() throws the core class (classic errors are one too).
  if (err instanceof $ZodError)
    return errorResponse(c, 'invalid_request', 'Invalid request', zodDetails(err));
  // Unexpected: log the class and message only (messages we build never carry secrets), answer 500.
  const requestId = c.get('requestId' as never) as string | undefined;
  console.error(
    JSON.stringify({
      level: 'error',
      requestId,
      error: err instanceof Error ? `${err.name}: ${err.message}` : 'unknown',
    }),
  );
  return errorResponse(c, 'internal', 'Internal error');
}
