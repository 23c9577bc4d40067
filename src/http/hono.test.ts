// The app runs on TrieRouter by name (./hono.ts): the router hono's default SmartRouter settles on for our
// routes, so naming it changes nothing but the bundle (issue 13).
import { Hono as HonoDefault } from 'hono';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../app';
import { createTestPlatform, type TestPlatform } from '../../test/helpers/platform';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform();
});
afterAll(async () => t.dispose());

const routerName = (app: { router: unknown }) => (app.router as { name: string }).name;

it('is the router hono’s SmartRouter picks for the same routes, with the same answers', async () => {
  const app = createApp({ platform: t.platform });
  // The same routes and middleware on hono's default Hono: SmartRouter decides at the first request.
  const reference = new HonoDefault().route('/', app);
  const paths = [
    '/healthz',
    '/healthz/',
    '/ui/sidebar',
    '/ui/i18n/it.json',
    '/api/session',
    '/webhooks/meta',
    '/webhooks/twilio/unknown-token',
    '/oauth/highlevel/callback',
    '/crm/highlevel/outbound',
    '/nowhere',
    '/api/../healthz',
  ];
  for (const path of paths) {
    const [ours, theirs] = [await app.request(path), await reference.request(path)];
    expect(ours.status, path).toBe(theirs.status);
  }
  expect(routerName(app)).toBe('TrieRouter');
  expect(routerName(reference)).toBe('SmartRouter + TrieRouter');
});
