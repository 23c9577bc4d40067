// /api/connections: connect, list (masked), test, delete a WhatsApp number.
import { Hono } from '../../http/hono';
import * as z from 'zod/mini';
import { providerCredentialsSchema } from '../../../adapters/providers/credentials';
import type { AppEnv } from '../../env';
import { AppError } from '../../core/errors';
import { jsonBody, paramsWith } from '../../http/body';
import { confirmOwnershipCode, sendOwnershipCode } from '../../services/install/connection-proof';
import {
  createConnection,
  describeConnection,
  setManualMessagingLimit,
} from '../../services/install/connections';
import { providerAdapterFor } from '../../services/relay/providers';
import { requireSession, scopedConnection } from './auth';

const connectionFields = z.object({
  label: z.string().check(z.trim(), z.minLength(1), z.maxLength(80)),
  senderPhone: z.string().check(z.minLength(5), z.maxLength(32)),
  rateLimitPerSecond: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1000))),
  messagingTier: z.optional(z.nullable(z.number().check(z.int(), z.positive()))),
});
// The provider branch comes from the registry when the request arrives (every module's credentials schema).
const createSchema = () => z.intersection(connectionFields, providerCredentialsSchema());
const proofPhoneSchema = z.object({ phone: z.string().check(z.minLength(5), z.maxLength(32)) });
const proofCodeSchema = z.object({ code: z.string().check(z.regex(/^\d{6}$/)) });
const idParams = z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) });
// The admin's messaging limit (unique customers per 24 h); null clears it and the provider's report applies again.
const manualLimitSchema = z.object({
  messagingTier: z.nullable(z.number().check(z.int(), z.positive(), z.lte(10_000_000))),
});

export const connectionsRoutes = new Hono<AppEnv>()
  .get('/', requireSession(), async (c) => {
    const ctx = c.get('ctx');
    const session = c.get('session');
    const { connections } = await ctx.secretStores();
    const list = await connections.listForInstallation(session.installationId);
    return c.json({
      connections: await Promise.all(list.map((x) => describeConnection(ctx, x, session.role))),
    });
  })
  .post('/', requireSession('admin'), async (c) => {
    const ctx = c.get('ctx');
    const body = await jsonBody(c, createSchema(), ctx.config.MAX_BODY_BYTES);
    const connection = await createConnection(ctx, c.get('session').installationId, {
      label: body.label,
      senderPhone: body.senderPhone,
      rateLimitPerSecond: body.rateLimitPerSecond,
      messagingTier: body.messagingTier,
      connection: { provider: body.provider, credentials: body.credentials },
    });
    return c.json({ connection: await describeConnection(ctx, connection, 'admin') }, 201);
  })
  .post('/:id/test', requireSession('admin'), async (c) => {
    const { id } = paramsWith(c, idParams);
    const connection = await scopedConnection(c, id);
    const adapter = await providerAdapterFor(c.get('ctx'), connection);
    try {
      await adapter.testCredentials();
      return c.json({ ok: true });
    } catch (error) {
      const normalized = adapter.normalizeError(error);
      return c.json({ ok: false, kind: normalized.kind, message: normalized.message });
    }
  })
  // CM.com ownership proof (#17 item 10): a one-time code sent from the number to the admin's phone, typed back.
  .post('/:id/verification', requireSession('admin'), async (c) => {
    const ctx = c.get('ctx');
    const { id } = paramsWith(c, idParams);
    const body = await jsonBody(c, proofPhoneSchema, ctx.config.MAX_BODY_BYTES);
    const connection = await scopedConnection(c, id);
    return c.json(await sendOwnershipCode(ctx, connection, body.phone));
  })
  .post('/:id/verification/confirm', requireSession('admin'), async (c) => {
    const ctx = c.get('ctx');
    const { id } = paramsWith(c, idParams);
    const body = await jsonBody(c, proofCodeSchema, ctx.config.MAX_BODY_BYTES);
    const connection = await confirmOwnershipCode(ctx, await scopedConnection(c, id), body.code);
    return c.json({ connection: await describeConnection(ctx, connection, 'admin') });
  })
  .put('/:id/messaging-limit', requireSession('admin'), async (c) => {
    const ctx = c.get('ctx');
    const { id } = paramsWith(c, idParams);
    const body = await jsonBody(c, manualLimitSchema, ctx.config.MAX_BODY_BYTES);
    const connection = await scopedConnection(c, id);
    return c.json({ connection: await setManualMessagingLimit(ctx, connection, body.messagingTier) });
  })
  .delete('/:id', requireSession('admin'), async (c) => {
    const { id } = paramsWith(c, idParams);
    const { connections } = await c.get('ctx').secretStores();
    if (!(await connections.delete(c.get('session').installationId, id))) {
      throw new AppError('not_found', 'Connection not found');
    }
    return c.body(null, 204);
  });
