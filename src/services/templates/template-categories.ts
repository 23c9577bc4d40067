// Template re-categorisation by the provider (issue 12 item 4; vendors/whatsapp-2026.md §1.3: since 2025-04-16
// Meta re-categorises approved templates at once, and a utility template that becomes marketing costs more and
// meets marketing rules). Both notices, impending and completed, are kept and shown to admins; a running or
// scheduled campaign of a template that is (about to be) MARKETING pauses with the reason and the new cost
// estimate until an admin resumes it (resume: campaigns.ts, which never sends a recipient twice).
import type { ProviderEvent } from '../../../adapters/providers/types';
import type { AppContext } from '../../context';
import { rateOf, type PricingCategory } from '../../core/pricing';
import type { Connection } from '../../store/connections';
import { CampaignStore } from '../../store/campaigns';
import {
  TemplateCategoryUpdateStore,
  type TemplateCategoryUpdate,
} from '../../store/template-category-updates';
import { rateCard } from '../campaigns/campaign-preflight';

type CategoryEvent = Extract<ProviderEvent, { kind: 'template_category' }>;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

export async function applyTemplateCategory(
  ctx: AppContext,
  connection: Connection,
  event: CategoryEvent,
): Promise<'stored' | 'duplicate'> {
  const now = ctx.now();
  const store = new TemplateCategoryUpdateStore(ctx.db);
  const update = await store.record(
    {
      connectionId: connection.id,
      providerTemplateId: event.providerTemplateId,
      name: event.name ?? null,
      language: event.language ?? null,
      phase: event.phase,
      previousCategory: event.previousCategory ?? null,
      nextCategory: event.nextCategory,
      effectiveAt: event.effectiveAt ?? null,
      announcedAt: event.timestamp,
    },
    now,
  );
  if (!update) return 'duplicate';
  if (update.nextCategory !== 'MARKETING' || update.previousCategory === 'MARKETING') return 'stored';

  const rates = rateCard(ctx);
  const marketingRate = rateOf(rates, 'MARKETING');
  const previousRate = update.previousCategory
    ? rateOf(rates, update.previousCategory as PricingCategory)
    : undefined;
  const when =
    update.phase === 'impending'
      ? `will re-categorise it as MARKETING on ${day(update.effectiveAt ?? update.announcedAt)}`
      : `re-categorised it as MARKETING on ${day(update.announcedAt)}`;
  const campaigns = new CampaignStore(ctx.db);
  let paused = 0;
  for (const campaign of await store.liveCampaigns(connection.id, update.providerTemplateId)) {
    // New estimate for what is left: every remaining recipient billed at the marketing rate (the rate card's).
    const estimate = (campaign.remaining * marketingRate).toFixed(4).replace(/\.?0+$/, '');
    const before =
      previousRate !== undefined
        ? `, up to ${(campaign.remaining * previousRate).toFixed(4).replace(/\.?0+$/, '')} ${rates.currency} as ${update.previousCategory}`
        : '';
    const reason =
      `WhatsApp ${when} (was ${update.previousCategory ?? 'another category'}): marketing messages cost more and ` +
      `follow marketing rules (opt-outs, frequency caps). New estimate for the ${campaign.remaining} recipients ` +
      `left: ${estimate} ${rates.currency}${before}. Resume to send anyway.`;
    // Running jobs finish their slice and stop (they see `paused`); resume starts a new generation.
    const moved = await campaigns.transition(campaign.id, ['running', 'scheduled'], 'paused', now, {
      reason,
    });
    if (moved) paused++;
  }
  if (paused) await store.setCampaignsPaused(update.id, paused);
  return 'stored';
}

/** The notices of a number, for the admin (API and the templates list). */
export async function templateCategoryUpdates(ctx: AppContext, connectionId: string) {
  return new TemplateCategoryUpdateStore(ctx.db).list(connectionId);
}

/**
 * The templates as listed, each with its newest category notice (admin templates list: "WhatsApp re-categorises it as
 * MARKETING on …"), or null.
 */
export async function withCategoryUpdates<T extends { providerTemplateId: string }>(
  ctx: AppContext,
  connectionId: string,
  templates: T[],
): Promise<(T & { categoryUpdate: TemplateCategoryUpdate | null })[]> {
  const newest = new Map<string, TemplateCategoryUpdate>();
  for (const u of await templateCategoryUpdates(ctx, connectionId))
    if (!newest.has(u.providerTemplateId)) newest.set(u.providerTemplateId, u);
  return templates.map((t) => ({ ...t, categoryUpdate: newest.get(t.providerTemplateId) ?? null }));
}
