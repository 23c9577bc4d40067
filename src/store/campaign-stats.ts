// A campaign's messages over time, for its page's chart (issue 14): how many were sent, delivered, read and failed
// in each time bucket, from the times their statuses were reported (messages.status_times). One statement.
export type TimelineKind = 'sent' | 'delivered' | 'read' | 'failed';

export class CampaignStatsStore {
  constructor(private readonly db: D1Database) {}

  /** Rows of (kind, bucket start in ms, count), for the campaign's messages, by status time. */
  async timeline(campaignId: string, bucketMs: number) {
    // A send counts when the provider took it: its `sent` time, else the `pending` one of its accepted send call
    // (Meta answers a send as accepted; `sent` comes later by webhook, or never).
    const time = (kind: TimelineKind) =>
      kind === 'sent'
        ? `COALESCE(json_extract(status_times, '$.sent'), json_extract(status_times, '$.pending'))`
        : `json_extract(status_times, '$.${kind}')`;
    const part = (kind: TimelineKind) =>
      `SELECT '${kind}' AS kind, CAST(${time(kind)} / ?2 AS INTEGER) * ?2 AS at, COUNT(*) AS n
         FROM messages WHERE campaign_id = ?1 AND ${time(kind)} IS NOT NULL GROUP BY 2`;
    const { results } = await this.db
      .prepare((['sent', 'delivered', 'read', 'failed'] as const).map(part).join(' UNION ALL '))
      .bind(campaignId, bucketMs)
      .all<{ kind: TimelineKind; at: number; n: number }>();
    return results;
  }

  /** When the campaign's first and last statuses were reported (the chart's span). */
  async span(campaignId: string) {
    return this.db
      .prepare(
        `SELECT MIN(COALESCE(json_extract(status_times, '$.sent'), occurred_at)) AS first,
                MAX(MAX(COALESCE(json_extract(status_times, '$.read'), 0),
                        COALESCE(json_extract(status_times, '$.delivered'), 0),
                        COALESCE(json_extract(status_times, '$.failed'), 0),
                        COALESCE(json_extract(status_times, '$.sent'), 0), occurred_at)) AS last
         FROM messages WHERE campaign_id = ?1`,
      )
      .bind(campaignId)
      .first<{ first: number | null; last: number | null }>();
  }
}
