// The campaign tests' shared steps over the app harness (test/contract/app-harness.ts): an approved template on the
// Meta simulator synced in, and the campaign chains run to their end or to what is due now.
import { syncTemplates } from '../../src/services/templates/template-sync';
import type { AppHarness } from '../contract/app-harness';

/** An APPROVED one-variable template (`Hi {{1}}.`) on the Meta number (added once), synced in; returns our id. */
export async function approvedTemplate(h: AppHarness, name: string, category: string): Promise<string> {
  if (!h.sims.meta.state.templates.some((t) => t.name === name))
    h.sims.meta.state.addTemplate({
      name,
      language: 'en_US',
      status: 'APPROVED',
      category,
      components: [{ type: 'BODY', text: 'Hi {{1}}.', example: { body_text: [['Anna']] } }],
    });
  await syncTemplates(h.ctx, h.connections.meta);
  const row = await h.t.db
    .prepare('SELECT id FROM templates WHERE name = ?')
    .bind(name)
    .first<{ id: string }>();
  return row!.id;
}

/** Runs the campaign chains until none is left (at most `rounds`), moving the clock to each chain's next slice. */
export async function drainCampaigns(h: AppHarness, rounds = 50): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await h.runJobs(['campaign_send']);
    const pending = h.t.queue.pending.filter((p) => p.job.type === 'campaign_send');
    if (!pending.length) return;
    h.t.clock.current = Math.max(h.t.clock.current, Math.min(...pending.map((p) => p.notBefore)));
  }
}

/** Runs the campaign slices due now until none is due; the clock stands still (later slices stay queued). */
export async function runDueCampaignSlices(h: AppHarness): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await h.runJobs(['campaign_send']);
    const due = h.t.queue.pending.filter(
      (p) => p.job.type === 'campaign_send' && p.notBefore <= h.t.clock.now(),
    );
    if (!due.length) return;
  }
}
