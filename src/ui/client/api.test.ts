import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { it as italian } from '../i18n/it';
import { de as german } from '../i18n/de';
import { CATALOGUES } from '../i18n/all';
import type { Language } from '../i18n/index';
import { ERROR_CODES } from '../../core/errors';
import { ApiError, describeError } from './api';
import { useCatalogue } from './i18n';

beforeAll(() => useCatalogue('en', en));

describe('API errors in words', () => {
  it.each([
    [new ApiError(409, 'template_required', 'Outside the window'), /window is closed.*approved template/],
    [new ApiError(429, 'rate_limited', 'Slow down'), /Too many messages.*wait a few seconds/],
    [new ApiError(401, 'unauthorized', 'Session expired'), /session has ended: reopen this page/],
    [new ApiError(403, 'forbidden', 'Admins only'), /^Not allowed: this needs an admin/],
    [new ApiError(502, 'provider_error', 'Meta is down'), /^WhatsApp provider error: Meta is down$/],
    [new TypeError('Failed to fetch'), /network failed/],
  ])('%#', (error, words) => {
    expect(describeError(error)).toMatch(words);
  });

  it('names a field the page has no label for by its path, in the page language', () => {
    const error = new ApiError(400, 'invalid_request', 'Template values do not match the template', [
      { variable: 'body.2', message: 'body.2 may not contain new lines or tabs.' },
    ]);
    expect(describeError(error)).toBe('body.2 is not valid: check it and try again.');
    useCatalogue('de', german);
    expect(describeError(error)).toBe('body.2 ist ungültig: prüfe es und versuche es erneut.');
    useCatalogue('en', en);
  });

  it.each(Object.entries(ERROR_CODES).map(([code, status]) => [code, status] as const))(
    'API code %s (%i) has words in every language, never the server’s English',
    (code, status) => {
      const error = new ApiError(status, code, 'Server English words');
      for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
        useCatalogue(lang as Language, catalogue);
        const text = describeError(error);
        expect(text, `${lang} ${code}`).not.toMatch(
          code === 'provider_error' ? /^Server English/ : /Server English/,
        );
        expect(text, `${lang} ${code}`).not.toBe(`errors.${code}`);
      }
      useCatalogue('en', en);
    },
  );

  it.each(['opted_out', 'tier_limit', 'template_not_found', 'no_connection', 'download_failed'])(
    'refusal %s in words in every language',
    (code) => {
      for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
        useCatalogue(lang as Language, catalogue);
        expect(describeError(new ApiError(409, code, 'Server English words'))).not.toMatch(/Server English/);
      }
      useCatalogue('en', en);
    },
  );

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
