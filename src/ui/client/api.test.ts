import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { it as italian } from '../i18n/it';
import { ApiError, describeError } from './api';
import { useCatalogue } from './i18n';

beforeAll(() => useCatalogue('en', en));

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

  it('keeps the server’s words for fields the page does not name', () => {
    const error = new ApiError(400, 'invalid_request', 'Template values do not match the template', [
      { variable: 'body.2', message: 'body.2 may not contain new lines or tabs.' },
    ]);
    expect(describeError(error)).toBe('body.2 may not contain new lines or tabs.');
  });

  it('names the field in plain words, with its limit, never zod’s developer words', () => {
    const tooBig = new ApiError(400, 'invalid_request', 'Invalid body', [
      { path: 'content.text', message: 'Too big: expected string to have <=4096 characters' },
    ]);
    expect(describeError(tooBig, { 'content.text': 'The message' })).toBe(
      'The message is too long: at most 4096 characters.',
    );
    const badNumber = new ApiError(400, 'invalid_request', 'Invalid phone number', [
      { path: 'phone', message: 'invalid_number' },
    ]);
    expect(describeError(badNumber, { phone: 'Number' })).toMatch(/add the country code, e\.g\. \+39/);
    useCatalogue('it', italian);
    expect(describeError(badNumber, { phone: 'Numero' })).toMatch(/aggiungi il prefisso internazionale/);
    useCatalogue('en', en);
  });
});
