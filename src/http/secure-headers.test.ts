import { Hono, type MiddlewareHandler } from 'hono';
import { secureHeaders as honoSecureHeaders } from 'hono/secure-headers';
import { expect, it } from 'vitest';
import { secureHeaders } from './secure-headers';

/** An app answering with what a route may set itself (a header of the list, X-Powered-By, its own CSP). */
function appWith(middleware: MiddlewareHandler) {
  return new Hono()
    .use(middleware)
    .get('/plain', (c) => c.text('ok'))
    .get('/own', (c) => {
      c.header('Cross-Origin-Resource-Policy', 'cross-origin');
      c.header('Referrer-Policy', 'strict-origin');
      c.header('Content-Security-Policy', "default-src 'none'");
      c.header('X-Powered-By', 'someone');
      return c.text('ok');
    })
    .get('/error', () => {
      throw new Error('boom');
    });
}

it('sets exactly the headers hono’s secureHeaders did with our options, keeping a route’s own values', async () => {
  const ours = appWith(secureHeaders);
  const hono = appWith(
    honoSecureHeaders({ xFrameOptions: false, contentSecurityPolicy: undefined, overwrite: false }),
  );
  for (const path of ['/plain', '/own', '/error', '/missing']) {
    const [a, b] = [await ours.request(path), await hono.request(path)];
    expect(a.status, path).toBe(b.status);
    expect([...a.headers].sort(), path).toEqual([...b.headers].sort());
  }
  expect((await ours.request('/plain')).headers.get('x-frame-options')).toBeNull();
});
