import { AxiosError, AxiosHeaders } from 'axios';
import type { AxiosResponse } from 'axios';
import { describe, expect, it } from 'vitest';
import { ProviderError, TEMPLATE_REQUIRED_REASON } from '../../../src/core/errors';
import { kindForMetaCode, mapMetaError, metaStatusErrorInfo } from './map-meta-error';
import providers from './__fixtures__/providers-md-examples.json';

function httpError(status: number, data: unknown, headers: Record<string, string> = {}): AxiosError {
  const config = { headers: new AxiosHeaders() };
  const response = { status, statusText: '', data, headers, config } as AxiosResponse;
  return new AxiosError(
    `Request failed with status code ${status}`,
    'ERR_BAD_RESPONSE',
    config,
    {},
    response,
  );
}
const graph = (code: number, message = 'x', status = 400) =>
  httpError(status, { error: { message, type: 'OAuthException', code } });

describe('kindForMetaCode', () => {
  it.each([
    [131047, 'template_required'],
    [130429, 'rate_limited'],
    [131056, 'rate_limited'],
    [80007, 'rate_limited'],
    [4, 'rate_limited'],
    [132000, 'template_mismatch'],
    [132001, 'template_mismatch'],
    [132005, 'template_mismatch'],
    [132012, 'template_mismatch'],
    [132015, 'template_mismatch'],
    [132016, 'template_mismatch'],
    [131026, 'invalid_recipient'],
    [131021, 'invalid_recipient'],
    [0, 'auth'],
    [190, 'auth'],
    [10, 'auth'],
    [200, 'auth'],
    [299, 'auth'],
    [131000, 'transient'],
    [100, undefined],
  ])('code %i → %s', (code, kind) => {
    expect(kindForMetaCode(code)).toBe(kind);
  });
});

describe('mapMetaError', () => {
  it('keeps the providers.md 131047 error as template_required with code, text and raw body', () => {
    const e = mapMetaError(httpError(400, providers.error131047), 'send');
    expect(e).toBeInstanceOf(ProviderError);
    expect(e).toMatchObject({
      kind: 'template_required',
      vendorCode: '131047',
      httpStatus: 400,
      message: TEMPLATE_REQUIRED_REASON,
    });
    expect(e.vendorMessage).toContain('(#131047) Re-engagement message');
    expect(e.vendorMessage).toContain('more than 24 hours');
    expect(e.raw).toEqual(providers.error131047);
  });

  it('uses Retry-After (seconds or date) for 429 and per-code defaults otherwise', () => {
    expect(
      mapMetaError(
        httpError(429, { error: { code: 4, message: 'Rate limit exceeded' } }, { 'retry-after': '7' }),
      ),
    ).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 7000,
      vendorCode: '4',
    });
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(
      mapMetaError(httpError(429, 'busy', { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), 'send', now),
    ).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 30_000,
    });
    expect(mapMetaError(graph(130429))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 1000 });
    expect(mapMetaError(graph(131056))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 6000 });
    // The pair limit concerns one customer; throughput limits the whole sender.
    expect(mapMetaError(graph(131056)).rateLimitScope).toBe('recipient');
    expect(mapMetaError(graph(130429)).rateLimitScope).toBe('sender');
  });

  it('classifies HTTP statuses when the code says nothing', () => {
    expect(
      mapMetaError(httpError(401, { error: { code: 190, message: 'Invalid OAuth access token' } })),
    ).toMatchObject({ kind: 'auth', vendorCode: '190' });
    expect(mapMetaError(httpError(403, '<html>forbidden</html>'))).toMatchObject({
      kind: 'auth',
      httpStatus: 403,
    });
    expect(mapMetaError(httpError(503, 'Service Unavailable'))).toMatchObject({
      kind: 'transient',
      httpStatus: 503,
    });
    expect(mapMetaError(graph(1, 'An unknown error occurred', 500))).toMatchObject({
      kind: 'transient',
      vendorCode: '1',
    });
    expect(mapMetaError(graph(100, 'Invalid parameter'))).toMatchObject({
      kind: 'rejected',
      vendorCode: '100',
      vendorMessage: 'Invalid parameter',
    });
    expect(mapMetaError(graph(131026, 'Message undeliverable'))).toMatchObject({ kind: 'invalid_recipient' });
  });

  it('turns a timeout into unknown_outcome for a send and transient for a read', () => {
    const timeout = new AxiosError('timeout of 50ms exceeded', 'ECONNABORTED');
    expect(mapMetaError(timeout, 'send').kind).toBe('unknown_outcome');
    expect(mapMetaError(timeout, 'listTemplates').kind).toBe('transient');
    const refused = new AxiosError('Network Error', 'ERR_NETWORK');
    (refused as { cause?: unknown }).cause = { code: 'ECONNREFUSED' };
    expect(mapMetaError(refused, 'send').kind).toBe('transient');
    expect(mapMetaError(new AxiosError('Network Error', 'ERR_NETWORK'), 'send').kind).toBe('unknown_outcome');
  });

  it('returns ProviderErrors unchanged', () => {
    const original = new ProviderError('auth', 'x');
    expect(mapMetaError(original)).toBe(original);
  });
});

describe('metaStatusErrorInfo', () => {
  it('maps async status errors with a human reason', () => {
    expect(
      metaStatusErrorInfo({
        code: 131026,
        title: 'Message undeliverable',
        error_data: { details: 'Receiver is incapable of receiving this message' },
      }),
    ).toEqual({
      kind: 'invalid_recipient',
      vendorCode: '131026',
      vendorMessage: 'Message undeliverable',
      reason:
        'The recipient cannot receive WhatsApp messages: Receiver is incapable of receiving this message.',
    });
    expect(metaStatusErrorInfo(undefined)).toMatchObject({
      kind: 'rejected',
      reason: 'WhatsApp rejected the message.',
    });
  });
});
