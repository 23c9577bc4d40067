// Panel API for a CRM's record panel (person and deal views) and installation settings.
// GET /api/crm/person?personId= | ?dealId=   GET /api/settings   PUT /api/settings (admins)
import type { Context } from 'hono';
import { Hono } from '../../http/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../env';
import { AppError } from '../../core/errors';
import { jsonBody, queryWith } from '../../http/body';
import {
  crmPanel,
  effectiveSettings,
  loadPanelContext,
  updateInstallationSettings,
} from '../../services/install/crm-panel';
import type { Installation } from '../../store/installations';
import { requireSession } from './auth';

const settingsBody = z.strictObject({ createUnknownPersons: z.optional(z.boolean()) });

/** The session's installation (requireSession already checked it is active). */
async function sessionInstallation(c: Context<AppEnv>): Promise<Installation> {
  const { installations } = await c.get('ctx').secretStores();
  const installation = await installations.get(c.get('session').installationId);
  if (!installation) throw new AppError('unauthorized', 'The app is not installed for this account any more');
  return installation;
}

export const crmPanelRoutes = new Hono<AppEnv>()
  .get('/crm/person', requireSession(), async (c) => {
    const session = c.get('session');
    // The record ids in the CRM's own format.
    const query = queryWith(c, crmPanel(session.crm).targetQuery);
    // Without ids in the query, the record the panel was opened on (given at POST /api/session).
    const target =
      query.personId || query.dealId ? query : { personId: session.contactId, dealId: session.dealId };
    if (!target.personId && !target.dealId) {
      throw new AppError('invalid_request', 'Give personId or dealId', [
        { path: 'personId', message: 'required' },
      ]);
    }
    const installation = await sessionInstallation(c);
    return c.json(await loadPanelContext(c.get('ctx'), installation, target));
  })
  .get('/settings', requireSession(), async (c) => c.json(effectiveSettings(await sessionInstallation(c))))
  .put('/settings', requireSession('admin'), async (c) => {
    const ctx = c.get('ctx');
    const patch = await jsonBody(c, settingsBody, 4 * 1024);
    const installation = await sessionInstallation(c);
    const settings = await updateInstallationSettings(ctx, installation, patch);
    return c.json(effectiveSettings({ ...installation, settings }));
  });
