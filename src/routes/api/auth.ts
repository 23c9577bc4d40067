// Bearer session for /api: every call is scoped to the session's installation (DESIGN.md §6).
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../../env';
import { requireSecret } from '../../config';
import { AppError } from '../../core/errors';
import { verifySessionToken } from '../../security/session';
import type { Connection } from '../../store/connections';

export const requireSession = (role?: 'admin') =>
  createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AppError('unauthorized', 'Missing bearer session: open the page from the CRM');
    const ctx = c.get('ctx');
    const session = await verifySessionToken(
      requireSecret(ctx.config, 'SESSION_SECRET'),
      match[1]!,
      ctx.now(),
    );
    const { installations } = await ctx.secretStores();
    const installation = await installations.get(session.installationId);
    if (!installation || installation.status !== 'active') {
      throw new AppError('unauthorized', 'The app is not installed for this account any more');
    }
    if (role === 'admin' && session.role !== 'admin') throw new AppError('forbidden', 'Admins only');
    c.set('session', session);
    await next();
  });

/** The session installation's connection: another tenant's id is simply not found (404). */
export async function scopedConnection(c: Context<AppEnv>, connectionId?: string): Promise<Connection> {
  const ctx = c.get('ctx');
  const { connections } = await ctx.secretStores();
  const installationId = c.get('session').installationId;
  const connection = connectionId
    ? await connections.getForInstallation(installationId, connectionId)
    : await connections.firstForInstallation(installationId);
  if (!connection) {
    throw new AppError(
      'not_found',
      connectionId ? 'Connection not found' : 'No WhatsApp number is connected yet',
    );
  }
  return connection;
}
