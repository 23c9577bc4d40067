// /api/automations: the admin's view of automations (issue 15): the automation webhook URL and secret (rotatable)
// and the last executions with their outcome.
import { Hono } from '../../http/hono';
import type { AppEnv } from '../../env';
import { automationSettings, rotateAutomationSecret } from '../../services/crm/automation-calls';
import { requireSession } from './auth';

export const automationsRoutes = new Hono<AppEnv>()
  .get('/', requireSession('admin'), async (c) =>
    c.json(await automationSettings(c.get('ctx'), c.get('session').installationId)),
  )
  .post('/webhook/rotate', requireSession('admin'), async (c) =>
    c.json(await rotateAutomationSecret(c.get('ctx'), c.get('session').installationId)),
  );
