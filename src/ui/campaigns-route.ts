// /ui/campaigns.js: the campaigns section's script (loaded by the admin page when this route answers).
import { Hono } from 'hono';
import type { AppEnv } from '../app';
import { sha256Hex } from '../security/encoding';
import { CAMPAIGNS_SCRIPT } from './campaigns-script';

let etag: Promise<string> | null = null;

export const campaignsUiRoutes = new Hono<AppEnv>().get('/campaigns.js', async (c) => {
  etag ??= sha256Hex(CAMPAIGNS_SCRIPT).then((h) => `"${h.slice(0, 16)}"`);
  const tag = await etag;
  c.header('ETag', tag);
  c.header('Cache-Control', 'no-cache');
  c.header('X-Content-Type-Options', 'nosniff');
  if (c.req.header('if-none-match') === tag) return c.body(null, 304);
  c.header('Content-Type', 'text/javascript; charset=utf-8');
  return c.body(CAMPAIGNS_SCRIPT);
});
