import { AxiosError } from 'axios';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/core/errors';
import { errorFromCmResponse, kindForCmCode, mapCmError } from './map-cm-error';
import { cmResponseSchema } from './cm-api';
import mixed from './__fixtures__/response-mixed.json';
import authFailed from './__fixtures__/response-auth-failed.json';

describe('CM.com error mapping', () => {
  it('the documented mixed response names the rejected message (304)', () => {
    const err = errorFromCmResponse(cmResponseSchema.parse(mixed));
    expect(err).toMatchObject({
      kind: 'rejected',
      vendorCode: '304',
      vendorMessage: 'A body without content was found',
    });
  });

  it('the documented bad-token response is auth', () => {
    expect(errorFromCmResponse(cmResponseSchema.parse(authFailed), 400)).toMatchObject({
      kind: 'auth',
      vendorCode: '101',
      httpStatus: 400,
    });
  });

  it.each([
    [103, '', 'auth'],
    [303, 'Invalid recipient', 'invalid_recipient'],
    [305, 'Template parameter mismatch', 'template_mismatch'],
    [undefined, 'Message failed: 131047 Re-engagement message', 'template_required'],
    [999, 'Unknown error', 'transient'],
    [402, 'Message has been blacklisted', 'rejected'],
  ] as const)('code %s "%s" → %s', (code, text, kind) => {
    expect(kindForCmCode(code, text)).toBe(kind);
  });

  it('keeps an existing ProviderError and wraps anything else as transient', () => {
    const original = new ProviderError('auth', 'x');
    expect(mapCmError(original)).toBe(original);
    expect(mapCmError(new Error('boom'))).toMatchObject({ kind: 'transient', vendorMessage: 'boom' });
  });

  it('a send whose connection was lost after it opened is an unknown outcome; one that never connected is not', () => {
    const reset = new AxiosError('socket hang up', AxiosError.ERR_NETWORK);
    expect(mapCmError(reset, { during: 'send' })).toMatchObject({
      kind: 'unknown_outcome',
      retryable: false,
    });
    const timeout = new AxiosError('timeout of 300ms exceeded', AxiosError.ECONNABORTED);
    expect(mapCmError(timeout, { during: 'send' })).toMatchObject({ kind: 'unknown_outcome' });
    const refused = new AxiosError('connect ECONNREFUSED', AxiosError.ERR_NETWORK);
    (refused as { cause?: unknown }).cause = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    expect(mapCmError(refused, { during: 'send' })).toMatchObject({ kind: 'transient', retryable: true });
    // Outside a send (template listing, media) nothing is at stake: a lost connection is an outage.
    expect(mapCmError(reset, { during: 'other' })).toMatchObject({ kind: 'transient' });
  });
});
