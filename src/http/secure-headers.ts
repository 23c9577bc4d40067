// The security headers every answer carries: what hono's secureHeaders({ xFrameOptions: false,
// contentSecurityPolicy: undefined, overwrite: false }) set, written out (issue 13: its option handling — CSP
// builder, nonces, reporting — was ≈ 3 KB of the Worker bundle for a fixed list). A header a route set itself
// wins (the /media route allows cross-origin embedding); pages set their own CSP (routes/ui.ts).
// secure-headers.test.ts checks it against hono's middleware.
import type { MiddlewareHandler } from 'hono';

export const SECURE_HEADERS: readonly (readonly [string, string])[] = [
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

export const secureHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  for (const [name, value] of SECURE_HEADERS) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
  c.res.headers.delete('X-Powered-By');
};
