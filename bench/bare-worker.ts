// Baseline for the inbound relay benchmark: the same runtime (wrangler dev) and framework (Hono), no work.
import { Hono } from 'hono';

const app = new Hono();
app.get('/healthz', (c) => c.json({ ok: true }));
app.post('/webhooks/meta', async (c) => {
  await c.req.text();
  return c.json({ ok: true });
});

export default app;

// wrangler.toml binds this Durable Object class; the baseline exports it so the same config starts.
export { SendLimiterObject } from '../src/platform/send-limiter-object';
