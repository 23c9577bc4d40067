// /api/opt-outs: the admin's opt-out list with each entry's source (issue 12 item 1): the admin's list, a STOP
// keyword written by the customer, or a marketing stop inside WhatsApp (marketing templates only).
import { Hono } from '../../http/hono';
import type { AppEnv } from '../../env';
import { optOutList } from '../../services/relay/marketing-preferences';
import { requireSession } from './auth';

export const optOutsRoutes = new Hono<AppEnv>().get('/', requireSession('admin'), async (c) =>
  c.json(await optOutList(c.get('ctx'), c.get('session').installationId)),
);
