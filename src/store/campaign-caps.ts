// Frequency-capped campaign recipients (issue 12 item 3, migrations/0017b). SQL only here.

/** Meta's per-user marketing limit lasts days, not hours: retries end 7 days after the first cap. */
export const CAPPED_RETRY_WINDOW_MS = 7 * 86_400_000;

/** What the first of recordCapStatements answered: null when nothing moved (a repeat, not a campaign send). */
export function capRecorded(result: D1Result | undefined): CapRecorded | null {
  const row = result?.results?.[0] as
    { campaign_id: string; state: 'pending' | 'capped'; send_after: number | null } | undefined;
  return row ? { campaignId: row.campaign_id, state: row.state, sendAfter: row.send_after } : null;
}

export interface CapRecorded {
  campaignId: string;
  /** 'pending' (a retry is scheduled at `sendAfter`) or 'capped' (not retried). */
  state: 'pending' | 'capped';
  sendAfter: number | null;
}

export class CampaignCapStore {
  constructor(private readonly db: D1Database) {}

  /**
   * Statements (one batch) for: the campaign message `messageId` was capped. Its recipient gets a retry (a new message id, due after the
   * campaign's delay) while the campaign asks for it, the retries left and the 7 days allow; otherwise it stays
   * `capped`. Only a recipient whose current message is this one and was accepted (`sent`) moves: a repeated
   * webhook, or a recipient skipped, opted out or failed for another reason, never does.
   */
  recordCapStatements(messageId: string, retryMessageId: string, now: number): D1PreparedStatement[] {
    const retry = `(c.capped_retry_after_ms IS NOT NULL AND c.status <> 'cancelled'
        AND campaign_recipients.capped_count + 1 <= c.capped_retry_max
        AND ?1 + c.capped_retry_after_ms <= COALESCE(campaign_recipients.first_capped_at, ?1) + ${CAPPED_RETRY_WINDOW_MS})`;
    const cap = this.db
      .prepare(
        `UPDATE campaign_recipients SET
           capped_count = campaign_recipients.capped_count + 1,
           first_capped_at = COALESCE(campaign_recipients.first_capped_at, ?1),
           state = CASE WHEN ${retry} THEN 'pending' ELSE 'capped' END,
           message_id = CASE WHEN ${retry} THEN ?2 ELSE campaign_recipients.message_id END,
           send_after = CASE WHEN ${retry} THEN ?1 + c.capped_retry_after_ms ELSE NULL END,
           reason = CASE WHEN ${retry}
             THEN 'capped: the customer reached their marketing message limit; retried later'
             ELSE 'capped: the customer reached their marketing message limit' END,
           updated_at = ?1
         FROM campaigns c
         WHERE c.id = campaign_recipients.campaign_id AND campaign_recipients.message_id = ?3
           AND campaign_recipients.state = 'sent'
         RETURNING campaign_recipients.campaign_id AS campaign_id, campaign_recipients.state AS state,
           campaign_recipients.send_after AS send_after`,
      )
      .bind(now, retryMessageId, messageId);
    // In the same transaction: a completed campaign runs again (new generation) for its retries, and the chain is
    // expected by the retry's time, so the outbox sweep restarts it if the enqueue after this batch is lost.
    const reopen = this.db
      .prepare(
        `UPDATE campaigns SET
           status = CASE WHEN status = 'completed' THEN 'running' ELSE status END,
           generation = generation + CASE WHEN status = 'completed' THEN 1 ELSE 0 END,
           chain_due_at = MAX(COALESCE(chain_due_at, 0), r.send_after), updated_at = ?1
         FROM (SELECT campaign_id, send_after FROM campaign_recipients WHERE message_id = ?2 AND state = 'pending') r
         WHERE campaigns.id = r.campaign_id AND campaigns.status IN ('running', 'completed')`,
      )
      .bind(now, retryMessageId);
    return [cap, reopen];
  }

  /** Capped so far (retried or not), waiting for a retry, and the next retry time. */
  async summary(campaignId: string) {
    const row = await this.db
      .prepare(
        `SELECT SUM(capped_count > 0) AS capped, SUM(state = 'capped') AS final,
                SUM(state = 'pending' AND capped_count > 0) AS waiting,
                MIN(CASE WHEN state = 'pending' AND capped_count > 0 THEN send_after END) AS next_retry_at
         FROM campaign_recipients WHERE campaign_id = ?`,
      )
      .bind(campaignId)
      .first<{
        capped: number | null;
        final: number | null;
        waiting: number | null;
        next_retry_at: number | null;
      }>();
    return {
      capped: row?.capped ?? 0,
      notRetried: row?.final ?? 0,
      waitingForRetry: row?.waiting ?? 0,
      nextRetryAt: row?.next_retry_at ?? null,
    };
  }
}
