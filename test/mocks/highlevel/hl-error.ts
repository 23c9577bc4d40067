// HighLevel's error bodies: BadRequestDTO / UnauthorizedDTO / UnprocessableDTO (specs/highlevel/common-schemas.json).
import { HttpResponse } from 'msw';

export function hlError(
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
  headers?: HeadersInit,
) {
  const error = status === 401 ? 'Unauthorized' : status === 422 ? 'Unprocessable Entity' : undefined;
  return HttpResponse.json(
    { statusCode: status, message, ...(error ? { error } : {}), ...extra },
    { status, headers },
  );
}
