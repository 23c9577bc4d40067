// /crm/highlevel: what HighLevel POSTs to us. Both endpoints verify X-GHL-Signature before anything is stored
// (401 otherwise) and answer fast: the Delivery URL only stores and enqueues (DESIGN.md §6).
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { readRawBody } from '../http/body';
import { receiveHighLevelEvent } from '../services/install/highlevel-install';
import { acceptHighLevelDelivery } from '../services/crm/highlevel-outbound';
import type { HighLevelCall } from '../services/install/highlevel-verify';

async function call(c: Context<AppEnv>): Promise<HighLevelCall> {
  return { rawBody: await readRawBody(c, c.get('ctx').config.MAX_BODY_BYTES), headers: c.req.raw.headers };
}

export const highLevelCrmRoutes = new Hono<AppEnv>()
  .post('/events', async (c) => {
    const outcome = await receiveHighLevelEvent(c.get('ctx'), await call(c));
    return c.json({ ok: true, outcome });
  })
  .post('/outbound', async (c) => {
    const ack = await acceptHighLevelDelivery(c.get('ctx'), await call(c));
    return c.json({ ok: true, ...ack });
  });
