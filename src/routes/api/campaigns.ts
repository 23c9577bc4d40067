// /api/campaigns (issue 7, DESIGN.md §4): thin — parse, call the campaign service, answer.
import type { Context } from 'hono';
import { Hono } from '../../http/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../env';
import { AppError } from '../../core/errors';
import { jsonBody, paramsWith, parseWith, queryWith, readRawBody } from '../../http/body';
import {
  campaignRecipients,
  campaignRecipientsCsv,
  cancelCampaign,
  createCampaign,
  getCampaign,
  listCampaigns,
  pauseCampaign,
  resumeCampaign,
} from '../../services/campaigns/campaigns';
import { campaignStats } from '../../services/campaigns/campaign-stats';
import { requireSession, scopedConnection } from './auth';

const variables = z.record(z.string().check(z.maxLength(200)), z.string().check(z.maxLength(1024)));
const boolish = z.union([
  z.boolean(),
  z.pipe(
    z.enum(['true', 'false', '1', '0', 'on']),
    z.transform((v) => v !== 'false' && v !== '0'),
  ),
]);
// Epoch ms, or an ISO date-time with offset.
const startAt = z.union([
  z.number().check(z.int(), z.nonnegative()),
  z.pipe(
    z.iso.datetime({ offset: true }),
    z.transform((v) => Date.parse(v)),
  ),
]);

const createSchema = z.object({
  connectionId: z.optional(z.string().check(z.maxLength(64))),
  templateId: z.string().check(z.minLength(1), z.maxLength(64)),
  name: z.optional(z.string().check(z.maxLength(200))),
  csv: z.optional(z.string()),
  recipients: z.optional(
    z
      .array(
        z.object({
          phone: z.string().check(z.maxLength(64)),
          name: z.optional(z.string().check(z.maxLength(200))),
          variables: z.optional(variables),
        }),
      )
      .check(z.maxLength(100_000)),
  ),
  startAt: z.optional(startAt),
  overTierPolicy: z._default(z.enum(['spread', 'refuse']), 'refuse'),
  dryRun: z._default(boolish, false),
  defaultCountry: z.optional(z.string().check(z.regex(/^[A-Za-z]{2}$/))),
  headerMediaUrl: z.optional(z.url({ protocol: /^https?$/ })),
  // Retry recipients capped by the per-user marketing limit (Meta 131049) after N hours, at most M times in 7 days.
  cappedRetryAfterHours: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(168))),
  cappedRetryMax: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(10))),
});

/** multipart/form-data (a CSV file in `file`, the other fields as text) or JSON. */
async function readCreate(c: Context<AppEnv>) {
  const max = c.get('ctx').config.MAX_BODY_BYTES;
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (!type.startsWith('multipart/form-data')) return jsonBody(c, createSchema, max);
  const raw = await readRawBody(c, max);
  let form: FormData;
  try {
    form = await new Request('http://local/', {
      method: 'POST',
      body: raw,
      headers: { 'content-type': type },
    }).formData();
  } catch {
    throw new AppError('invalid_request', 'Body is not valid multipart/form-data');
  }
  const fields: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    fields[key === 'file' ? 'csv' : key] = typeof value === 'string' ? value : await value.text();
  }
  if (typeof fields.startAt === 'string' && /^\d+$/.test(fields.startAt))
    fields.startAt = Number(fields.startAt);
  if (fields.startAt === '') delete fields.startAt;
  return parseWith(createSchema, fields);
}

const idParams = z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) });
const recipientsQuery = z.object({
  format: z._default(z.enum(['json', 'csv']), 'json'),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(1000)), 100),
  offset: z._default(z.coerce.number().check(z.int(), z.gte(0)), 0),
});

export const campaignsRoutes = new Hono<AppEnv>()
  .use(requireSession('admin'))
  .post('/', async (c) => {
    const body = await readCreate(c);
    const connection = await scopedConnection(c, body.connectionId);
    const result = await createCampaign(c.get('ctx'), { ...body, connection });
    if (result.dryRun) return c.json({ dryRun: true, preflight: result.preflight });
    const installationId = c.get('session').installationId;
    return c.json(
      {
        ...(await getCampaign(c.get('ctx'), installationId, result.campaign.id)),
        preflight: result.preflight,
      },
      201,
    );
  })
  .get('/', async (c) =>
    c.json({ campaigns: await listCampaigns(c.get('ctx'), c.get('session').installationId) }),
  )
  .get('/:id', async (c) => {
    const { id } = paramsWith(c, idParams);
    return c.json(await getCampaign(c.get('ctx'), c.get('session').installationId, id));
  })
  .get('/:id/stats', async (c) =>
    c.json(await campaignStats(c.get('ctx'), c.get('session').installationId, paramsWith(c, idParams).id)),
  )
  .get('/:id/recipients', async (c) => {
    const { id } = paramsWith(c, idParams);
    const query = queryWith(c, recipientsQuery);
    const installationId = c.get('session').installationId;
    if (query.format === 'csv') {
      const csv = await campaignRecipientsCsv(c.get('ctx'), installationId, id);
      return c.body(csv, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="campaign-${id}-recipients.csv"`,
      });
    }
    const recipients = await campaignRecipients(c.get('ctx'), installationId, id, query);
    return c.json({ recipients, limit: query.limit, offset: query.offset });
  })
  .post('/:id/pause', async (c) =>
    c.json(await pauseCampaign(c.get('ctx'), c.get('session').installationId, paramsWith(c, idParams).id)),
  )
  .post('/:id/resume', async (c) =>
    c.json(await resumeCampaign(c.get('ctx'), c.get('session').installationId, paramsWith(c, idParams).id)),
  )
  .post('/:id/cancel', async (c) =>
    c.json(await cancelCampaign(c.get('ctx'), c.get('session').installationId, paramsWith(c, idParams).id)),
  );
