// Campaigns and their recipients. A campaign moves thousands of rows, so every write here is a bulk statement
// over a JSON array (`json_each`, one bound parameter for hundreds of rows): a slice of recipients costs a
// handful of D1 round trips, never one per recipient (DESIGN.md §3.5, §8).
import { randomId } from '../security/encoding';
import { chunks, type NewRecipient, type RecipientReport } from './campaign-rows';

export {
  chunks,
  ROWS_PER_STATEMENT,
  type ClaimedRecipient,
  type ContactFacts,
  type LogRow,
  type NewCampaignMessage,
  type NewRecipient,
  type RecipientReport,
  type SendOutcome,
} from './campaign-rows';

export type CampaignStatus = 'scheduled' | 'running' | 'paused' | 'cancelled' | 'completed';
export type OverTierPolicy = 'spread' | 'refuse';
/** Pipeline state of one recipient. `claimed`: taken by a job, nothing sent; `sending`: the request may have left. */
export type RecipientState =
  | 'pending'
  | 'claimed'
  | 'sending'
  | 'sent'
  | 'failed'
  | 'unknown'
  | 'skipped'
  | 'cancelled'
  // The provider refused the send: the customer stopped marketing messages in WhatsApp (issue 12).
  | 'opted_out';

export interface Campaign {
  id: string;
  installationId: string;
  connectionId: string;
  templateId: string;
  name: string;
  status: CampaignStatus;
  statusReason: string | null;
  startAt: number | null;
  overTierPolicy: OverTierPolicy;
  preflight: unknown;
  generation: number;
  headerMediaUrl: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  createdAt: number;
}

interface CampaignRow {
  id: string;
  installation_id: string;
  connection_id: string;
  template_id: string;
  name: string;
  status: CampaignStatus;
  status_reason: string | null;
  start_at: number | null;
  over_tier_policy: OverTierPolicy;
  preflight: string;
  generation: number;
  header_media_url: string | null;
  started_at: number | null;
  finished_at: number | null;
  created_at: number;
}

const toCampaign = (r: CampaignRow): Campaign => ({
  id: r.id,
  installationId: r.installation_id,
  connectionId: r.connection_id,
  templateId: r.template_id,
  name: r.name,
  status: r.status,
  statusReason: r.status_reason,
  startAt: r.start_at,
  overTierPolicy: r.over_tier_policy,
  preflight: JSON.parse(r.preflight) as unknown,
  generation: r.generation,
  headerMediaUrl: r.header_media_url,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  createdAt: r.created_at,
});

export const FINAL_OR_WAITING = "('pending', 'claimed', 'sending')";

export class CampaignStore {
  constructor(private readonly db: D1Database) {}

  async create(
    input: {
      installationId: string;
      connectionId: string;
      templateId: string;
      name: string;
      status: CampaignStatus;
      startAt: number | null;
      overTierPolicy: OverTierPolicy;
      preflight: unknown;
      headerMediaUrl: string | null;
      /** Retry of frequency-capped recipients (issue 12 item 3, migrations/0017b): off when absent. */
      cappedRetry?: { afterMs: number; max: number } | null;
    },
    recipients: readonly NewRecipient[],
    now: number,
  ): Promise<Campaign> {
    const id = randomId('cmp');
    const insertCampaign = this.db
      .prepare(
        // A campaign created `running` starts now: no transition to running will set started_at later.
        `INSERT INTO campaigns (id, installation_id, connection_id, template_id, name, status, start_at, over_tier_policy,
           preflight, header_media_url, generation, created_at, updated_at, started_at, capped_retry_after_ms,
           capped_retry_max)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?11, CASE WHEN ?6 = 'running' THEN ?11 END, ?12, ?13)`,
      )
      .bind(
        id,
        input.installationId,
        input.connectionId,
        input.templateId,
        input.name,
        input.status,
        input.startAt,
        input.overTierPolicy,
        JSON.stringify(input.preflight),
        input.headerMediaUrl,
        now,
        input.cappedRetry?.afterMs ?? null,
        input.cappedRetry?.max ?? 0,
      );
    // The message id is reserved with the recipient: a re-run of the same slice inserts the same message row
    // (ON CONFLICT DO NOTHING), so a recipient can never get a second message.
    const rows = recipients.map((r) => ({ ...r, id: randomId('rcp'), messageId: randomId('msg') }));
    const inserts = chunks(rows).map((chunk) =>
      this.db
        .prepare(
          `INSERT INTO campaign_recipients (id, campaign_id, seq, phone, input, name, variables, state, reason,
             message_id, send_after, updated_at)
           SELECT json_extract(value, '$.id'), ?1, json_extract(value, '$.seq'), json_extract(value, '$.phone'),
             json_extract(value, '$.input'), json_extract(value, '$.name'), json(json_extract(value, '$.variables')),
             json_extract(value, '$.state'), json_extract(value, '$.reason'),
             CASE WHEN json_extract(value, '$.state') = 'pending' THEN json_extract(value, '$.messageId') END,
             json_extract(value, '$.sendAfter'), ?2
           FROM json_each(?3)`,
        )
        .bind(id, now, JSON.stringify(chunk)),
    );
    // One batch = one transaction: a campaign is created with all of its recipients or not at all.
    await this.db.batch([insertCampaign, ...inserts]);
    return (await this.get(id))!;
  }

  async get(id: string): Promise<Campaign | null> {
    const row = await this.db.prepare('SELECT * FROM campaigns WHERE id = ?').bind(id).first<CampaignRow>();
    return row ? toCampaign(row) : null;
  }

  async getForInstallation(installationId: string, id: string): Promise<Campaign | null> {
    const row = await this.db
      .prepare('SELECT * FROM campaigns WHERE id = ? AND installation_id = ?')
      .bind(id, installationId)
      .first<CampaignRow>();
    return row ? toCampaign(row) : null;
  }

  async list(installationId: string, limit = 50): Promise<Campaign[]> {
    const { results } = await this.db
      .prepare('SELECT * FROM campaigns WHERE installation_id = ? ORDER BY created_at DESC LIMIT ?')
      .bind(installationId, limit)
      .all<CampaignRow>();
    return results.map(toCampaign);
  }

  /** Status change guarded by the expected current statuses; a new generation retires the old job chain. */
  async transition(
    id: string,
    from: readonly CampaignStatus[],
    to: CampaignStatus,
    now: number,
    extra: { newGeneration?: boolean; reason?: string | null } = {},
  ): Promise<Campaign | null> {
    const row = await this.db
      .prepare(
        `UPDATE campaigns SET status = ?1, generation = generation + ?2, status_reason = ?3,
           started_at = CASE WHEN ?1 = 'running' THEN COALESCE(started_at, ?4) ELSE started_at END,
           finished_at = CASE WHEN ?1 IN ('cancelled', 'completed') THEN ?4 ELSE finished_at END, updated_at = ?4
         WHERE id = ?5 AND status IN (SELECT value FROM json_each(?6)) RETURNING *`,
      )
      .bind(to, extra.newGeneration ? 1 : 0, extra.reason ?? null, now, id, JSON.stringify(from))
      .first<CampaignRow>();
    return row ? toCampaign(row) : null;
  }

  /** Finishes a running campaign once no recipient is waiting or in flight. */
  async completeIfDone(campaignId: string, now: number): Promise<boolean> {
    const result = await this.db
      .prepare(
        `UPDATE campaigns SET status = 'completed', finished_at = ?1, updated_at = ?1
         WHERE id = ?2 AND status = 'running' AND NOT EXISTS
           (SELECT 1 FROM campaign_recipients WHERE campaign_id = ?2 AND state IN ${FINAL_OR_WAITING})`,
      )
      .bind(now, campaignId)
      .run();
    return result.meta.changes === 1;
  }

  /** Cancel: pending recipients are dropped; a message kept from a retried attempt that never left is deleted. */
  async cancelPending(campaignId: string, now: number): Promise<void> {
    await this.db.batch([
      this.db
        .prepare(
          `DELETE FROM messages WHERE send_state = 'queued' AND id IN
             (SELECT message_id FROM campaign_recipients WHERE campaign_id = ?1 AND state = 'pending')`,
        )
        .bind(campaignId),
      this.db
        .prepare(
          `UPDATE campaign_recipients SET state = 'cancelled', reason = 'Campaign cancelled', updated_at = ?1
           WHERE campaign_id = ?2 AND state = 'pending'`,
        )
        .bind(now, campaignId),
    ]);
  }

  /** Counts per reported state; delivered / read / failed after sending come from the message's status. */
  async progress(campaignId: string) {
    const { results } = await this.db
      .prepare(
        `SELECT CASE WHEN r.state IN ${FINAL_OR_WAITING} THEN 'queued'
                     WHEN r.state = 'sent' AND m.status IN ('delivered', 'read', 'failed') THEN m.status
                     ELSE r.state END AS state,
                COUNT(*) AS n
         FROM campaign_recipients r LEFT JOIN messages m ON m.id = r.message_id AND r.state = 'sent'
         WHERE r.campaign_id = ? GROUP BY 1`,
      )
      .bind(campaignId)
      .all<{ state: string; n: number }>();
    return results;
  }

  /** Provider-reported pricing of the campaign's messages (status webhooks), per category. */
  async reportedPricing(campaignId: string) {
    const { results } = await this.db
      .prepare(
        // The provider's pricing replaced category and billable on the message (relay-status.ts).
        `SELECT category, SUM(CASE WHEN billable = 1 THEN 1 ELSE 0 END) AS billable, COUNT(*) AS reported
         FROM messages WHERE campaign_id = ? AND pricing IS NOT NULL GROUP BY 1`,
      )
      .bind(campaignId)
      .all<{ category: string | null; billable: number; reported: number }>();
    return results;
  }

  async recipients(
    campaignId: string,
    options: { limit: number; offset: number },
  ): Promise<RecipientReport[]> {
    const { results } = await this.db
      .prepare(
        `SELECT r.seq, r.phone, r.input, r.attempts, r.message_id, r.updated_at, m.provider_message_id,
                CASE WHEN r.state IN ('claimed', 'sending') THEN 'queued'
                     WHEN r.state = 'pending' THEN 'queued'
                     WHEN r.state = 'sent' AND m.status IN ('delivered', 'read', 'failed') THEN m.status
                     ELSE r.state END AS state,
                CASE WHEN r.state = 'sent' AND m.status = 'failed' THEN json_extract(m.error, '$.reason')
                     ELSE r.reason END AS reason
         FROM campaign_recipients r LEFT JOIN messages m ON m.id = r.message_id
         WHERE r.campaign_id = ?1 ORDER BY r.seq LIMIT ?2 OFFSET ?3`,
      )
      .bind(campaignId, options.limit, options.offset)
      .all<{
        seq: number;
        phone: string;
        input: string | null;
        attempts: number;
        message_id: string | null;
        updated_at: number;
        provider_message_id: string | null;
        state: string;
        reason: string | null;
      }>();
    return results.map((r) => ({
      seq: r.seq,
      phone: r.phone,
      input: r.input,
      state: r.state,
      reason: r.reason,
      attempts: r.attempts,
      messageId: r.state === 'skipped' || r.state === 'cancelled' ? null : r.message_id,
      providerMessageId: r.provider_message_id,
      updatedAt: r.updated_at,
    }));
  }
}
