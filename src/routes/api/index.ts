// /api: the pages' JSON API (DESIGN.md §4).
import { Hono } from '../../http/hono';
import type { AppEnv } from '../../env';
import { automationsRoutes } from './automations';
import { campaignsRoutes } from './campaigns';
import { costsRoutes } from './costs';
import { coexistenceRoutes } from './coexistence';
import { connectionsRoutes } from './connections';
import { contactsRoutes, messagesRoutes } from './contacts';
import { templatesRoutes } from './templates';
import { optOutsRoutes } from './opt-outs';
import { requireSession } from './auth';
import { sessionRoutes } from './session';
import { crmPanelRoutes } from './crm-panel';
import * as z from 'zod/mini';
import { paramsWith } from '../../http/body';
import { redriveDeadLetter } from '../../services/operations/dead-letters';
import { UnreadableItemStore } from '../../store/unreadable-items';

const deadLetterParams = z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) });

export const apiRoutes = new Hono<AppEnv>()
  .route('/session', sessionRoutes)
  .route('/connections', connectionsRoutes)
  .route('/templates', templatesRoutes)
  .route('/contacts', contactsRoutes)
  .route('/messages', messagesRoutes)
  .route('/campaigns', campaignsRoutes)
  .route('/automations', automationsRoutes)
  .route('/opt-outs', optOutsRoutes)
  .route('/costs', costsRoutes)
  .route('/connections', coexistenceRoutes)
  .route('/', crmPanelRoutes)
  .get('/dead-letters', requireSession('admin'), async (c) => {
    const ctx = c.get('ctx');
    return c.json({ deadLetters: await ctx.events.listDeadLetters(c.get('session').installationId) });
  })
  .post('/dead-letters/:id/redrive', requireSession('admin'), async (c) => {
    const { id } = paramsWith(c, deadLetterParams);
    const job = await redriveDeadLetter(c.get('ctx'), c.get('session').installationId, id);
    return c.json({ redriven: { id, jobType: job.type } }, 202);
  })
  // Webhook items of this installation's numbers that could not be read (issue 11): reason and raw payload.
  .get('/unreadable-items', requireSession('admin'), async (c) => {
    const ctx = c.get('ctx');
    const { connections } = await ctx.secretStores();
    const ids = (await connections.listForInstallation(c.get('session').installationId)).map((x) => x.id);
    return c.json({ items: await new UnreadableItemStore(ctx.db).list(ids) });
  });
