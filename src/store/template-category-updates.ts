// Template re-categorisations announced by the provider (issue 12 item 4, migrations/0017c). SQL only here.
import { randomId } from '../security/encoding';

export interface TemplateCategoryUpdate {
  id: string;
  connectionId: string;
  providerTemplateId: string;
  name: string | null;
  language: string | null;
  phase: 'impending' | 'completed';
  previousCategory: string | null;
  nextCategory: string;
  effectiveAt: number | null;
  announcedAt: number;
  campaignsPaused: number;
  createdAt: number;
}

interface Row {
  id: string;
  connection_id: string;
  provider_template_id: string;
  name: string | null;
  language: string | null;
  phase: 'impending' | 'completed';
  previous_category: string | null;
  next_category: string;
  effective_at: number | null;
  announced_at: number;
  campaigns_paused: number;
  created_at: number;
}

const toUpdate = (r: Row): TemplateCategoryUpdate => ({
  id: r.id,
  connectionId: r.connection_id,
  providerTemplateId: r.provider_template_id,
  name: r.name,
  language: r.language,
  phase: r.phase,
  previousCategory: r.previous_category,
  nextCategory: r.next_category,
  effectiveAt: r.effective_at,
  announcedAt: r.announced_at,
  campaignsPaused: r.campaigns_paused,
  createdAt: r.created_at,
});

export class TemplateCategoryUpdateStore {
  constructor(private readonly db: D1Database) {}

  /**
   * Stores the notice and, for a completed change, the template's new category, in one batch. Null when the same
   * notice was stored before (a redelivered webhook): nothing else must happen then.
   */
  async record(
    input: Omit<TemplateCategoryUpdate, 'id' | 'campaignsPaused' | 'createdAt'>,
    now: number,
  ): Promise<TemplateCategoryUpdate | null> {
    const id = randomId('tcu');
    const [inserted] = await this.db.batch([
      this.db
        .prepare(
          `INSERT INTO template_category_updates (id, connection_id, provider_template_id, name, language, phase,
             previous_category, next_category, effective_at, announced_at, created_at)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT DO NOTHING RETURNING *`,
        )
        .bind(
          id,
          input.connectionId,
          input.providerTemplateId,
          input.name,
          input.language,
          input.phase,
          input.previousCategory,
          input.nextCategory,
          input.effectiveAt,
          input.announcedAt,
          now,
        ),
      // Completed: the template is that category now (a later sync says the same), only for this new notice.
      this.db
        .prepare(
          `UPDATE templates SET category = ?1, updated_at = ?2
           WHERE connection_id = ?3 AND provider_template_id = ?4 AND ?5 = 'completed'
             AND EXISTS (SELECT 1 FROM template_category_updates WHERE id = ?6)`,
        )
        .bind(input.nextCategory, now, input.connectionId, input.providerTemplateId, input.phase, id),
    ]);
    const row = inserted?.results?.[0] as Row | undefined;
    return row ? toUpdate(row) : null;
  }

  /** Campaigns of the template that will still send (running or scheduled) and their recipients left. */
  async liveCampaigns(connectionId: string, providerTemplateId: string) {
    const { results } = await this.db
      .prepare(
        `SELECT c.id, (SELECT COUNT(*) FROM campaign_recipients r WHERE r.campaign_id = c.id
                         AND r.state IN ('pending', 'claimed')) AS remaining
         FROM campaigns c JOIN templates t ON t.id = c.template_id
         WHERE c.connection_id = ?1 AND t.provider_template_id = ?2 AND c.status IN ('running', 'scheduled')`,
      )
      .bind(connectionId, providerTemplateId)
      .all<{ id: string; remaining: number }>();
    return results;
  }

  async setCampaignsPaused(id: string, count: number): Promise<void> {
    await this.db
      .prepare('UPDATE template_category_updates SET campaigns_paused = ?1 WHERE id = ?2')
      .bind(count, id)
      .run();
  }

  /** The newest notices of a number (admin), newest first. */
  async list(connectionId: string, limit = 200): Promise<TemplateCategoryUpdate[]> {
    const { results } = await this.db
      .prepare(
        `SELECT * FROM template_category_updates WHERE connection_id = ?1
         ORDER BY announced_at DESC, created_at DESC LIMIT ?2`,
      )
      .bind(connectionId, limit)
      .all<Row>();
    return results.map(toUpdate);
  }
}
