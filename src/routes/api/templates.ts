// /api/templates: list / filter, sync, lint, submit for approval, register a template by hand (providers without a
// template list API).
import { Hono } from '../../http/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../env';
import { AppError } from '../../core/errors';
import { lintTemplate } from '../../core/template-lint';
import { TEMPLATE_CATEGORIES, type TemplateDraft } from '../../core/template';
import { jsonBody, queryWith } from '../../http/body';
import { providerAdapterFor } from '../../services/relay/providers';
import { registerManualTemplate } from '../../services/templates/manual-templates';
import { syncTemplates } from '../../services/templates/template-sync';
import { requireSession, scopedConnection } from './auth';
import { componentsSchema, draftSchema, templateStatusSchema } from './schemas';
import { templateCategoryUpdates, withCategoryUpdates } from '../../services/templates/template-categories';

const listQuery = z.object({
  connectionId: z.optional(z.string().check(z.maxLength(64))),
  status: z.optional(templateStatusSchema),
  language: z.optional(z.string().check(z.maxLength(16))),
});
const connectionBody = z.object({ connectionId: z.optional(z.string().check(z.maxLength(64))) });
// Lint takes unfinished drafts (the builder lints as the admin types): a missing language is a finding, not a 400.
const lintBody = z.object({ draft: z.extend(draftSchema, { language: z.string().check(z.maxLength(16)) }) });
const submitBody = z.object({
  connectionId: z.optional(z.string().check(z.maxLength(64))),
  draft: draftSchema,
});
const manualBody = z.object({
  connectionId: z.optional(z.string().check(z.maxLength(64))),
  namespace: z.string().check(z.minLength(1), z.maxLength(128)),
  elementName: z.string().check(z.minLength(1), z.maxLength(512)),
  language: z.string().check(z.minLength(2), z.maxLength(16)),
  category: z.enum(TEMPLATE_CATEGORIES),
  body: z.string().check(z.minLength(1), z.maxLength(1024)),
  header: componentsSchema.shape.header,
  footer: z.optional(z.string().check(z.maxLength(60))),
});

export const templatesRoutes = new Hono<AppEnv>()
  .get('/', requireSession(), async (c) => {
    const query = queryWith(c, listQuery);
    const connection = await scopedConnection(c, query.connectionId);
    // Agents only ever see APPROVED templates (DESIGN.md §3.3); admins see everything with reasons.
    const status = c.get('session').role === 'agent' ? 'APPROVED' : query.status;
    const templates = await c
      .get('ctx')
      .templates.list(connection.id, connection.provider, { status, language: query.language });
    return c.json({
      connectionId: connection.id,
      templatesSyncedAt: connection.templatesSyncedAt,
      // Each with the provider's newest re-categorisation notice, if any (issue 12 item 4).
      templates: await withCategoryUpdates(c.get('ctx'), connection.id, templates),
    });
  })
  // The provider's re-categorisation notices of a number, impending and completed, with their dates (issue 12 item 4).
  .get('/category-updates', requireSession('admin'), async (c) => {
    const connection = await scopedConnection(c, queryWith(c, listQuery).connectionId);
    return c.json({
      connectionId: connection.id,
      updates: await templateCategoryUpdates(c.get('ctx'), connection.id),
    });
  })
  .post('/sync', requireSession('admin'), async (c) => {
    const ctx = c.get('ctx');
    const body = await jsonBody(c, connectionBody, ctx.config.MAX_BODY_BYTES);
    const connection = await scopedConnection(c, body.connectionId);
    return c.json(await syncTemplates(ctx, connection));
  })
  .post('/lint', requireSession(), async (c) => {
    const body = await jsonBody(c, lintBody, c.get('ctx').config.MAX_BODY_BYTES);
    return c.json({ issues: lintTemplate(body.draft as TemplateDraft) });
  })
  .post('/', requireSession('admin'), async (c) => {
    const ctx = c.get('ctx');
    const body = await jsonBody(c, submitBody, ctx.config.MAX_BODY_BYTES);
    const connection = await scopedConnection(c, body.connectionId);
    const adapter = await providerAdapterFor(ctx, connection);
    if (!adapter.capabilities.submitTemplate) {
      throw new AppError(
        'conflict',
        `${connection.provider} templates are submitted in the provider's console`,
      );
    }
    const result = await adapter.submitTemplate(body.draft as TemplateDraft);
    return c.json(result, 201);
  })
  .post('/manual', requireSession('admin'), async (c) => {
    const ctx = c.get('ctx');
    const body = await jsonBody(c, manualBody, ctx.config.MAX_BODY_BYTES);
    const connection = await scopedConnection(c, body.connectionId);
    const stored = await registerManualTemplate(ctx, connection, body);
    return c.json({ template: stored }, 201);
  });
