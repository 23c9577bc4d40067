// What our sent messages cost, as estimated when they were queued and as the provider's pricing reported them
// (issue 12 item 6). Rows are grouped counts; services/campaigns/cost-report.ts prices them with the rate card.

export interface CostGroupRow {
  /** `YYYY-MM` (UTC) of the send, or '' when not grouped by month. */
  month: string;
  estimated_category: string | null;
  estimated_billable: number | null;
  /** The provider's category / charge; null when no pricing was reported for these messages. */
  reported_category: string | null;
  reported_billable: number | null;
  reported: number;
  n: number;
}

// The estimate is the value before the first provider pricing replaced it (estimated_*), else the current one.
// Echoes and history (coexistence) were not sent through us: never in these figures.
const SELECT = `SELECT %MONTH% AS month,
    COALESCE(m.estimated_category, m.category) AS estimated_category,
    CASE WHEN m.pricing IS NULL THEN m.billable ELSE m.estimated_billable END AS estimated_billable,
    CASE WHEN m.pricing IS NULL THEN NULL ELSE m.category END AS reported_category,
    CASE WHEN m.pricing IS NULL THEN NULL ELSE m.billable END AS reported_billable,
    CASE WHEN m.pricing IS NULL THEN 0 ELSE 1 END AS reported,
    COUNT(*) AS n
  FROM messages m`;
const SENT = `m.direction = 'outbound' AND m.coexistence IS NULL
  AND (m.send_state = 'sent' OR (m.send_state IS NULL AND m.provider_message_id IS NOT NULL))`;

export class MessageCostStore {
  constructor(private readonly db: D1Database) {}

  async forCampaign(campaignId: string): Promise<CostGroupRow[]> {
    const { results } = await this.db
      .prepare(
        `${SELECT.replace('%MONTH%', "''")} WHERE m.campaign_id = ?1 AND ${SENT} GROUP BY 1, 2, 3, 4, 5, 6`,
      )
      .bind(campaignId)
      .all<CostGroupRow>();
    return results;
  }

  /** Per UTC month in [from, to) (epoch ms), over the installation's numbers (or one of them). */
  async perMonth(
    installationId: string,
    from: number,
    to: number,
    connectionId?: string,
  ): Promise<CostGroupRow[]> {
    const { results } = await this.db
      .prepare(
        `${SELECT.replace('%MONTH%', "strftime('%Y-%m', m.occurred_at / 1000, 'unixepoch')")}
         JOIN connections c ON c.id = m.connection_id
         WHERE c.installation_id = ?1 AND (?2 IS NULL OR c.id = ?2) AND m.occurred_at >= ?3 AND m.occurred_at < ?4
           AND ${SENT}
         GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1`,
      )
      .bind(installationId, connectionId ?? null, from, to)
      .all<CostGroupRow>();
    return results;
  }
}
