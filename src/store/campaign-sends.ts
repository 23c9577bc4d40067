// The sending pipeline of a campaign: claim a slice of due recipients, write their messages as `sending` before
// any provider call, record the outcomes. Every write is one bulk statement over a JSON array (DESIGN.md §3.5).
import type { ClaimedRecipient, NewCampaignMessage, SendOutcome } from './campaigns';

/** How many statements writeOutcomes puts before the ones passed `alongside`. */
export const OUTCOME_STATEMENTS = 2;

export class CampaignSendStore {
  constructor(private readonly db: D1Database) {}

  /**
   * Claims the next due recipients (pending → claimed) in upload order. One UPDATE … RETURNING is atomic in
   * D1, so two jobs never claim the same recipient. Leases left by a job that died are recovered first:
   * `claimed` rows never left and go back to pending; `sending` rows may have left and become `unknown`.
   */
  async claimDue(
    campaignId: string,
    now: number,
    limit: number,
    leaseMs: number,
  ): Promise<ClaimedRecipient[]> {
    const stale = now - leaseMs;
    const [, , , claimed] = await this.db.batch([
      this.db
        .prepare(
          `UPDATE messages SET send_state = 'unknown', updated_at = ?1 WHERE send_state = 'sending' AND id IN
             (SELECT message_id FROM campaign_recipients WHERE campaign_id = ?2 AND state = 'sending' AND updated_at < ?3)`,
        )
        .bind(now, campaignId, stale),
      this.db
        .prepare(
          `UPDATE campaign_recipients SET state = 'unknown', updated_at = ?1,
             reason = 'The send was interrupted after it started; it may or may not have been delivered.'
           WHERE campaign_id = ?2 AND state = 'sending' AND updated_at < ?3`,
        )
        .bind(now, campaignId, stale),
      this.db
        .prepare(
          `UPDATE campaign_recipients SET state = 'pending', updated_at = ?1
           WHERE campaign_id = ?2 AND state = 'claimed' AND updated_at < ?3`,
        )
        .bind(now, campaignId, stale),
      this.db
        .prepare(
          `UPDATE campaign_recipients SET state = 'claimed', updated_at = ?1
           WHERE id IN (SELECT id FROM campaign_recipients WHERE campaign_id = ?2 AND state = 'pending'
                          AND send_after <= ?1 ORDER BY send_after, seq LIMIT ?3)
             AND state = 'pending'
           RETURNING id, phone, name, variables, message_id, attempts`,
        )
        .bind(now, campaignId, limit),
    ]);
    type Row = {
      id: string;
      phone: string;
      name: string | null;
      variables: string;
      message_id: string;
      attempts: number;
    };
    return (claimed!.results as Row[]).map((r) => ({
      id: r.id,
      phone: r.phone,
      name: r.name,
      variables: JSON.parse(r.variables) as Record<string, string>,
      messageId: r.message_id,
      attempts: r.attempts,
    }));
  }

  /** Hands claimed recipients back untouched (the job failed before any of them was sent). */
  async releaseClaimed(recipientIds: readonly string[], now: number): Promise<void> {
    await this.db
      .prepare(
        `UPDATE campaign_recipients SET state = 'pending', updated_at = ?1
         WHERE id IN (SELECT value FROM json_each(?2)) AND state = 'claimed'`,
      )
      .bind(now, JSON.stringify(recipientIds))
      .run();
  }

  /** When the next pending recipient becomes due (null: nothing left to send). */
  async nextDueAt(campaignId: string): Promise<number | null> {
    const row = await this.db
      .prepare(
        "SELECT MIN(COALESCE(send_after, 0)) AS due, COUNT(*) AS n FROM campaign_recipients WHERE campaign_id = ? AND state = 'pending'",
      )
      .bind(campaignId)
      .first<{ due: number | null; n: number }>();
    return row && row.n > 0 ? (row.due ?? 0) : null;
  }

  /**
   * Writes the slice's messages (ignored when they exist from an earlier attempt) and marks them `sending`
   * before any provider call. Returns the ids this execution may send: a message another execution already
   * moved past `queued` is not sent again.
   */
  async startSending(
    campaignId: string,
    connectionId: string,
    messages: readonly NewCampaignMessage[],
    skipped: readonly { recipientId: string; reason: string }[],
    now: number,
  ): Promise<Set<string>> {
    const ids = JSON.stringify(messages.map((m) => m.id));
    const results = await this.db.batch([
      this.db
        .prepare(
          `INSERT INTO messages (id, connection_id, contact_id, direction, origin, type, content, status, status_times,
             category, billable, campaign_id, crm_sync, send_state, occurred_at, created_at, updated_at)
           SELECT json_extract(value, '$.id'), ?1, json_extract(value, '$.contactId'), 'outbound', 'campaign', 'template',
             json_extract(value, '$.content'), 'pending', '{}', json_extract(value, '$.category'),
             json_extract(value, '$.billable'), ?2, 'pending', 'queued', ?3, ?3, ?3
           FROM json_each(?4) WHERE true ON CONFLICT DO NOTHING`,
        )
        .bind(connectionId, campaignId, now, JSON.stringify(messages)),
      this.db
        .prepare(
          `UPDATE messages SET send_state = 'sending', occurred_at = ?1, updated_at = ?1
           WHERE id IN (SELECT value FROM json_each(?2)) AND send_state = 'queued' RETURNING id`,
        )
        .bind(now, ids),
      this.db
        .prepare(
          `UPDATE campaign_recipients SET state = 'sending', updated_at = ?1
           WHERE campaign_id = ?2 AND message_id IN (SELECT value FROM json_each(?3)) AND state = 'claimed'`,
        )
        .bind(now, campaignId, ids),
      this.db
        .prepare(
          `UPDATE campaign_recipients SET state = 'skipped', reason = json_extract(o.value, '$.reason'), updated_at = ?1
           FROM json_each(?2) AS o WHERE campaign_recipients.id = json_extract(o.value, '$.recipientId')`,
        )
        .bind(now, JSON.stringify(skipped)),
    ]);
    return new Set((results[1]!.results as { id: string }[]).map((r) => r.id));
  }

  /** A campaign message the provider reported refused (the customer stopped marketing): its recipient opted out. */
  optedOutStatement(messageId: string, reason: string, now: number): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE campaign_recipients SET state = 'opted_out', reason = ?1, updated_at = ?2
         WHERE message_id = ?3 AND state = 'sent'`,
      )
      .bind(reason, now, messageId);
  }

  /**
   * Result of each send, after the provider answered: message and recipient in one transaction (OUTCOME_STATEMENTS
   * statements), with `alongside` (the caps of capped sends) after them in the same batch; the answer is the batch's. Re-running it is harmless: a recipient whose message changed (a capped
   * retry got a new id) or that ended capped/opted out is not written again.
   */
  async writeOutcomes(
    campaignId: string,
    outcomes: readonly SendOutcome[],
    now: number,
    alongside: readonly D1PreparedStatement[] = [],
  ): Promise<D1Result[]> {
    if (!outcomes.length) return [];
    const json = JSON.stringify(outcomes);
    return this.db.batch([
      // Both updates walk the JSON and look each row up by primary key (`+campaign_id` keeps the planner from
      // scanning the whole campaign through its index instead).
      this.db
        .prepare(
          `UPDATE messages SET send_state = json_extract(o.value, '$.sendState'),
             status = COALESCE(json_extract(o.value, '$.status'), status),
             status_times = COALESCE(json_extract(o.value, '$.statusTimes'), status_times),
             provider_message_id = COALESCE(json_extract(o.value, '$.providerMessageId'), provider_message_id),
             error = COALESCE(json_extract(o.value, '$.error'), error), updated_at = ?1
           FROM json_each(?2) AS o WHERE messages.id = json_extract(o.value, '$.messageId')`,
        )
        .bind(now, json),
      this.db
        .prepare(
          `UPDATE campaign_recipients SET state = json_extract(o.value, '$.recipientState'),
             reason = json_extract(o.value, '$.reason'), send_after = COALESCE(json_extract(o.value, '$.sendAfter'), send_after),
             attempts = attempts + json_extract(o.value, '$.attempted'), updated_at = ?1
           FROM json_each(?2) AS o WHERE campaign_recipients.id = json_extract(o.value, '$.recipientId')
             AND +campaign_recipients.campaign_id = ?3
             AND campaign_recipients.message_id = json_extract(o.value, '$.messageId')
             AND campaign_recipients.state NOT IN ('capped', 'opted_out')`,
        )
        .bind(now, json, campaignId),
      ...alongside,
    ]);
  }
}
