import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  attachSpecValidation,
  FAULT_HEADER,
  matchVendor,
  OPERATION_HEADER,
  productionVendorBases,
} from './msw-validation';

const META_BASE = 'http://meta.test';
const server = setupServer(
  http.post(`${META_BASE}/v23.0/:phoneId/messages`, async ({ request }) => {
    const body = (await request.json()) as { to?: string };
    if (body.to === 'bad-response') return HttpResponse.json({ messages: 'nope' });
    return HttpResponse.json({ messaging_product: 'whatsapp', contacts: [], messages: [{ id: 'wamid.1' }] });
  }),
  http.get(`${META_BASE}/v23.0/:phoneId/invented_endpoint`, () => HttpResponse.json({})),
  http.get(`${META_BASE}/v23.0/:nodeId`, ({ params }) =>
    HttpResponse.json(
      { id: String(params.nodeId), display_phone_number: 15550001111 },
      { headers: { [OPERATION_HEADER]: 'getPhoneNumberById' } },
    ),
  ),
  http.post('https://api.twilio.com/2010-04-01/Accounts/:sid/Messages.json', () =>
    HttpResponse.json({ sid: 'SM00000000000000000000000000000001', status: 'queued' }, { status: 201 }),
  ),
  http.get('https://gw.cmtelecom.com/v1.0/message', () => HttpResponse.json({ anything: true })),
  http.get('https://api.pipedrive.com/api/v2/persons/:id', () =>
    HttpResponse.json({ error: 'injected' }, { status: 400, headers: { [FAULT_HEADER]: '1' } }),
  ),
  http.get('https://acme.pipedrive.com/api/v2/persons', () =>
    HttpResponse.json({ busy: true }, { status: 429 }),
  ),
);
const validation = attachSpecValidation(server, {
  vendorBases: [{ baseUrl: META_BASE, spec: 'meta' }, ...productionVendorBases],
});

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => validation.reset());
afterAll(() => {
  validation.detach();
  server.close();
});

const sendMeta = (to: string, extra: Record<string, unknown> = {}) =>
  fetch(`${META_BASE}/v23.0/123/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'hi' }, ...extra }),
  });

describe('attachSpecValidation', () => {
  it('passes faithful traffic, and the handler can still read the request body', async () => {
    const res = await sendMeta('15550001111');
    expect(res.status).toBe(200);
    await validation.assertNoViolations();
  });

  it('records a bad request our adapter sent and a bad mocked response', async () => {
    await sendMeta('15550001111', { text: { bdy: 'typo' } });
    await sendMeta('bad-response');
    await validation.settled();
    const v = validation.violations();
    expect(v.map((x) => x.phase)).toEqual(['request', 'response']);
    expect(v[0]?.errors.map((e) => e.path)).toContain('request.body/text');
    expect(v[1]?.errors).toContainEqual({ path: 'response.body/messages', message: 'must be array' });
    await expect(validation.assertNoViolations()).rejects.toThrow(
      /response POST http:\/\/meta\.test\/v23\.0\/123\/messages -> 200/,
    );
  });

  it('flags endpoints the spec does not have', async () => {
    await fetch(`${META_BASE}/v23.0/123/invented_endpoint`);
    await validation.settled();
    expect(validation.violations()[0]?.errors[0]?.message).toMatch(/no operation in spec "meta"/);
  });

  it('pins ambiguous Graph node paths with the x-mock-operation header', async () => {
    await fetch(`${META_BASE}/v23.0/106540352242922`);
    await validation.settled();
    const [v] = validation.violations();
    expect(v?.operation?.operationId).toBe('getPhoneNumberById');
    expect(v?.errors).toContainEqual({
      path: 'response.body/display_phone_number',
      message: 'must be string',
    });
  });

  it('validates form-encoded Twilio requests', async () => {
    await fetch('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json', {
      method: 'POST',
      body: new URLSearchParams({ From: 'whatsapp:+15550001111', Body: 'hi' }),
    });
    await validation.settled();
    expect(validation.violations().flatMap((v) => v.errors)).toEqual([
      { path: 'request.body', message: "must have required property 'To'" },
    ]);
  });

  it('skips CM.com (no spec), tagged faults and undocumented 429s', async () => {
    await fetch('https://gw.cmtelecom.com/v1.0/message');
    await fetch('https://api.pipedrive.com/api/v2/persons/1');
    await fetch('https://acme.pipedrive.com/api/v2/persons');
    await validation.assertNoViolations();
  });

  it('matches vendor bases by prefix or RegExp', () => {
    expect(matchVendor('https://acme.pipedrive.com/v1/persons', productionVendorBases)).toEqual({
      spec: 'pipedrive',
      prefix: 'https://acme.pipedrive.com',
    });
    expect(matchVendor('https://graph.facebook.com.evil.test/x', productionVendorBases)).toBeUndefined();
  });
});
