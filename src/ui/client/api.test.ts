import { describe, expect, it } from 'vitest';
import { ApiError, describeError } from './api';

describe('API errors in words', () => {
  it.each([
    [new ApiError(409, 'template_required', 'Outside the window'), /window is closed.*approved template/],
    [new ApiError(429, 'rate_limited', 'Slow down'), /Too many messages.*wait a few seconds/],
    [new ApiError(401, 'unauthorized', 'Session expired'), /session has ended: reopen this page/],
    [new ApiError(403, 'forbidden', 'Admins only'), /^Not allowed: Admins only$/],
    [new ApiError(502, 'provider_error', 'Meta is down'), /^WhatsApp provider error: Meta is down$/],
    [new TypeError('Failed to fetch'), /network failed/],
  ])('%#', (error, words) => {
    expect(describeError(error)).toMatch(words);
  });

  it('names the fields of an invalid request', () => {
    const error = new ApiError(400, 'invalid_request', 'Template values do not match the template', [
      { variable: 'body.2', message: 'body.2 may not contain new lines or tabs.' },
    ]);
    expect(describeError(error)).toBe(
      'Template values do not match the template: body.2 may not contain new lines or tabs.',
    );
  });
});
