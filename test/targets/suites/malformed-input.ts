// Issue 2: malformed input to every route that exists answers a 4xx envelope, never a 5xx — over a target (the app
// in Node, or the Worker in workerd: issue 17). Routes are enumerated from the app itself, so routes added later are
// covered automatically.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app';
import { adminSession, type TargetRef } from '../use-target';

export const HUGE = '{"a":"' + 'x'.repeat(2_000_000) + '"}';
export const INVALID_UTF8 = new Uint8Array([
  0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d,
]);

export const BODIES: { name: string; body?: BodyInit; type?: string }[] = [
  { name: 'no body' },
  { name: 'broken JSON', body: '{"to": ', type: 'application/json' },
  { name: 'JSON array', body: '[1,2,3]', type: 'application/json' },
  { name: 'JSON string', body: '"hello"', type: 'application/json' },
  { name: 'JSON null', body: 'null', type: 'application/json' },
  {
    name: 'wrong types',
    body: JSON.stringify({ to: 123, content: { type: 'text', text: 5 }, label: [], crm: 7 }),
    type: 'application/json',
  },
  {
    name: 'unknown discriminator',
    body: JSON.stringify({ provider: 'sms', crm: 'salesforce', content: { type: 'fax' } }),
    type: 'application/json',
  },
  { name: 'deep nesting', body: '['.repeat(5000) + ']'.repeat(5000), type: 'application/json' },
  { name: 'huge body', body: HUGE, type: 'application/json' },
  { name: 'invalid UTF-8', body: INVALID_UTF8, type: 'application/json' },
  { name: 'text/plain', body: 'hello', type: 'text/plain' },
  { name: 'form body', body: 'a=1&b=%ZZ', type: 'application/x-www-form-urlencoded' },
  {
    name: 'multipart',
    body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
    type: 'multipart/form-data; boundary=x',
  },
];

export function concretePath(path: string): string {
  return path
    .replace(/:connectionId/g, 'con_doesnotexist')
    .replace(/:token/g, 'not-the-token')
    .replace(/:phone/g, '%2B39%20333%20garbage')
    .replace(/:id/g, 'nope_123')
    .replace(/:[a-zA-Z]+/g, 'x')
    .replace(/\*$/, 'anything');
}

/** Every route of the app, as (method, path) pairs; `ALL` handlers and wildcards are left to the fuzz. */
export function appRoutes(): { method: string; path: string }[] {
  return createApp()
    .routes.filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
    .map(({ method, path }) => ({ method, path }));
}

export function malformedInputSuite(ref: TargetRef): void {
  describe(`malformed input never produces a 5xx (${ref.kind})`, () => {
    it('covers every route with every malformed body, with and without a session', async () => {
      const target = ref.current;
      const adminToken = await adminSession(target);
      const routes = appRoutes();
      expect(routes.length).toBeGreaterThan(10);
      const failures: string[] = [];
      for (const route of routes) {
        const url = concretePath(route.path);
        for (const auth of [undefined, `Bearer ${adminToken}`, 'Bearer forged.token.value']) {
          for (const { name, body, type } of route.method === 'GET' ? [{ name: 'GET' }] : BODIES) {
            const headers: Record<string, string> = {};
            if (type) headers['content-type'] = type;
            if (auth) headers.authorization = auth;
            const res = await target.request(url, {
              method: route.method,
              headers,
              body: body as BodyInit | undefined,
            });
            // 502 provider_error / crm_error is a vendor refusing a body that was valid for that route (extra
            // fields are ignored); anything else ≥ 500 is a bug.
            const text = await res.text();
            const vendorDown = res.status === 502 && /"(provider|crm)_error"/.test(text);
            if (res.status >= 500 && !vendorDown) {
              failures.push(
                `${route.method} ${url} [${name}] auth=${!!auth} → ${res.status} ${text.slice(0, 120)}`,
              );
            }
            if (res.status >= 400 && (res.headers.get('content-type') ?? '').includes('json')) {
              const envelope = JSON.parse(text) as { error?: { code?: string; message?: string } };
              if (!envelope.error?.code || !envelope.error.message) {
                failures.push(`${route.method} ${url} [${name}] → ${res.status} without an error envelope`);
              }
            }
          }
        }
      }
      expect(failures).toEqual([]);
    }, 300_000);

    it('names the offending field', async () => {
      const target = ref.current;
      const res = await target.request('/api/messages', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await adminSession(target)}`,
        },
        body: JSON.stringify({ to: '+393331234567', content: { type: 'text', text: 42 } }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; details: { path: string }[] } };
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.details.map((d) => d.path)).toContain('content.text');
    });

    it('answers 413 for a body over the limit and 415 for a wrong content type', async () => {
      const target = ref.current;
      const headers = { authorization: `Bearer ${await adminSession(target)}` };
      const big = await target.request('/api/messages', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: HUGE,
      });
      expect(big.status).toBe(413);
      expect(((await big.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
      const wrongType = await target.request('/api/messages', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/plain' },
        body: '{}',
      });
      expect(wrongType.status).toBe(415);
      const badUtf8 = await target.request('/api/messages', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: INVALID_UTF8,
      });
      expect(badUtf8.status).toBe(400);
    });
  });
}
