// /api/costs (issue 12 item 6): estimated vs provider-reported cost per month and per campaign, for the admin page.
import { Hono } from '../../http/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../env';
import { AppError } from '../../core/errors';
import { paramsWith, queryWith } from '../../http/body';
import { campaignCosts, monthlyCosts } from '../../services/campaigns/cost-report';
import { requireSession, scopedConnection } from './auth';

const month = z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM'));
const monthlyQuery = z.object({
  from: month,
  to: month,
  connectionId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});
const campaignParams = z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) });
/** At most two years of months in one answer. */
const MAX_MONTHS = 24;

export const costsRoutes = new Hono<AppEnv>()
  .get('/monthly', requireSession('admin'), async (c) => {
    const query = queryWith(c, monthlyQuery);
    const span =
      (Number(query.to.slice(0, 4)) - Number(query.from.slice(0, 4))) * 12 +
      Number(query.to.slice(5)) -
      Number(query.from.slice(5));
    if (span >= MAX_MONTHS) throw new AppError('invalid_request', `At most ${MAX_MONTHS} months at once`);
    // Another tenant's number is 404, like everywhere in /api.
    const connection = query.connectionId ? await scopedConnection(c, query.connectionId) : undefined;
    const installationId = c.get('session').installationId;
    return c.json(
      await monthlyCosts(c.get('ctx'), installationId, { ...query, connectionId: connection?.id }),
    );
  })
  .get('/campaigns/:id', requireSession('admin'), async (c) => {
    const { id } = paramsWith(c, campaignParams);
    return c.json(await campaignCosts(c.get('ctx'), c.get('session').installationId, id));
  });
