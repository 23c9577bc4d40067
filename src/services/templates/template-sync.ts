// Template sync (DESIGN.md §3.3): list everything, then write in batches. The listing completes before any
// write, so a provider failure mid-sync leaves the previous set intact.
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import type { Template } from '../../core/template';
import type { Connection } from '../../store/connections';
import { templateFingerprint } from '../../store/templates';
import { templateStatusFirings } from '../crm/automation-trigger-events';
import { enqueueFirings } from '../crm/automation-triggers';
import { bareProviderAdapter, providerAdapterFor } from '../relay/providers';

export interface SyncSummary {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
}

export async function syncTemplates(ctx: AppContext, connection: Connection): Promise<SyncSummary> {
  const adapter = await providerAdapterFor(ctx, connection);
  if (!adapter.capabilities.listTemplates) {
    throw new AppError(
      'conflict',
      `${connection.provider} has no template list API: register its templates by hand in the admin page`,
    );
  }
  const listed = new Map<string, Template>();
  try {
    for await (const page of adapter.listTemplates())
      for (const t of page) listed.set(t.providerTemplateId, t);
  } catch (error) {
    throw adapter.normalizeError(error);
  }

  const now = ctx.now();
  const existing = await ctx.templates.index(connection.id);
  const summary: SyncSummary = { added: 0, updated: 0, removed: 0, unchanged: 0 };
  const changed: Template[] = [];
  for (const [providerId, template] of listed) {
    const current = existing.get(providerId);
    if (!current) summary.added++;
    else if (current.removed || current.fingerprint !== templateFingerprint(template)) summary.updated++;
    else {
      summary.unchanged++;
      continue;
    }
    changed.push(template);
  }
  const gone = [...existing.entries()]
    .filter(([providerId, entry]) => !listed.has(providerId) && !entry.removed && !entry.manual)
    .map(([providerId]) => providerId);

  // A status that moved since we last stored it fires "Template status changed" (providers without status
  // webhooks are only ever seen changing here), in the batch that stores it.
  const firings = await ctx.templates.upsertMany(connection.id, changed, now, (template) => {
    const current = existing.get(template.providerTemplateId);
    if (!current || current.removed || current.status === template.status) return null;
    return templateStatusFirings(ctx, connection, {
      providerTemplateId: template.providerTemplateId,
      name: template.name,
      language: template.language,
      status: template.status,
      reason: template.rejectionReason,
      at: now,
    });
  });
  for (const fired of firings) await enqueueFirings(ctx, fired);
  await ctx.templates.markRemoved(connection.id, gone, now);
  summary.removed = gone.length;
  const { connections } = await ctx.secretStores();
  await connections.markTemplatesSynced(connection.id, now);
  return summary;
}

/** Cron: the stalest connections first, bounded per run so one invocation stays short. */
export async function syncStaleConnections(ctx: AppContext, limit = 10): Promise<void> {
  const { connections } = await ctx.secretStores();
  const due = await connections.listForSync(limit * 3);
  const jobs = due
    .filter((c) => bareProviderAdapter(ctx, c.provider).capabilities.listTemplates)
    .slice(0, limit)
    .map((c) => ({ type: 'template_sync' as const, connectionId: c.id }));
  if (jobs.length) await ctx.queue.sendBatch(jobs);
}
