// Operator endpoints, behind OPERATOR_TOKEN (services/operations/operator.ts): deployment health and ENCRYPTION_KEY re-sealing.
import { Hono } from '../http/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../env';
import { jsonBody } from '../http/body';
import { deploymentHealth } from '../services/operations/deployment-health';
import { resealPage } from '../services/operations/key-rotation';
import { authorizeOperator } from '../services/operations/operator';

const resealSchema = z.object({
  cursor: z.optional(z.nullable(z.string().check(z.maxLength(200)))),
  limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(500))),
});

export const adminRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    authorizeOperator(c.get('ctx').config, c.req.header('authorization'));
    await next();
  })
  .get('/health', async (c) => c.json(await deploymentHealth(c.get('ctx'))))
  .post('/reseal', async (c) => {
    const ctx = c.get('ctx');
    const body = await jsonBody(c, resealSchema, ctx.config.MAX_BODY_BYTES);
    return c.json(await resealPage(ctx, body));
  });
