// Messages in both directions. (connection, provider message id) and (connection, CRM message id) are unique,
// so a duplicate webhook or a duplicate CRM delivery can never create a second row.
import type { Direction, MessageStatus, ProviderErrorInfo, StatusTimes } from '../core/message';
import { randomId } from '../security/encoding';

import {
  toMessage,
  type CrmSync,
  type MessageRow,
  type NewMessage,
  type SendState,
  type StoredMessage,
} from './message-row';

export type { CrmSync, MessageOrigin, NewMessage, SendState, StoredMessage } from './message-row';

export class MessageStore {
  constructor(private readonly db: D1Database) {}

  newId(): string {
    return randomId('msg');
  }

  /**
   * Insert statement that does nothing on a duplicate provider or CRM id (`RETURNING id` yields no row then).
   * Returned as a statement so callers can batch it with the contact's window update.
   */
  insertStatement(id: string, m: NewMessage, now: number): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT INTO messages (id, connection_id, contact_id, direction, origin, provider_message_id, crm_message_id,
           crm_deal_id, type, content, status, status_times, category, billable, campaign_id, crm_sync, occurred_at,
           created_at, updated_at, send_state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18, ?19)
         ON CONFLICT DO NOTHING RETURNING id`,
      )
      .bind(
        id,
        m.connectionId,
        m.contactId,
        m.direction,
        m.origin,
        m.providerMessageId ?? null,
        m.crmMessageId ?? null,
        m.crmDealId ?? null,
        m.content.type,
        JSON.stringify(m.content),
        m.status,
        JSON.stringify(m.statusTimes ?? {}),
        m.category ?? null,
        m.billable === undefined || m.billable === null ? null : m.billable ? 1 : 0,
        m.campaignId ?? null,
        m.crmSync ?? 'none',
        m.occurredAt,
        now,
        m.sendState ?? null,
      );
  }

  /** Inserts; returns the new id, or null when it duplicates an existing provider/CRM message. */
  async insert(m: NewMessage, now: number): Promise<string | null> {
    const id = this.newId();
    const row = await this.insertStatement(id, m, now).first<{ id: string }>();
    return row?.id ?? null;
  }

  /**
   * Inserts an outbound message under `id` once per CRM message id. When the CRM's message is already stored (a
   * retry, or a race lost to the same CRM message id) the first row wins and is returned as `existing`; `existing`
   * is null when the insert met another conflict.
   */
  async insertOnce(
    id: string,
    m: NewMessage,
    now: number,
  ): Promise<{ inserted: true } | { inserted: false; existing: StoredMessage | null }> {
    if (await this.insertStatement(id, m, now).first<{ id: string }>()) return { inserted: true };
    const existing = m.crmMessageId ? await this.findByCrmId(m.connectionId, m.crmMessageId) : null;
    return { inserted: false, existing };
  }

  async get(id: string): Promise<StoredMessage | null> {
    const row = await this.db.prepare('SELECT * FROM messages WHERE id = ?').bind(id).first<MessageRow>();
    return row ? toMessage(row) : null;
  }

  async findByProviderId(connectionId: string, providerMessageId: string): Promise<StoredMessage | null> {
    const row = await this.db
      .prepare('SELECT * FROM messages WHERE connection_id = ? AND provider_message_id = ?')
      .bind(connectionId, providerMessageId)
      .first<MessageRow>();
    return row ? toMessage(row) : null;
  }

  async findByCrmId(connectionId: string, crmMessageId: string): Promise<StoredMessage | null> {
    const row = await this.db
      .prepare('SELECT * FROM messages WHERE connection_id = ? AND crm_message_id = ?')
      .bind(connectionId, crmMessageId)
      .first<MessageRow>();
    return row ? toMessage(row) : null;
  }

  async thread(contactId: string, limit = 50): Promise<StoredMessage[]> {
    const { results } = await this.db
      .prepare(
        'SELECT * FROM messages WHERE contact_id = ? ORDER BY occurred_at DESC, created_at DESC LIMIT ?',
      )
      .bind(contactId, limit)
      .all<MessageRow>();
    return results.map(toMessage).reverse();
  }

  async setSendState(
    id: string,
    sendState: SendState,
    now: number,
    error?: ProviderErrorInfo | null,
  ): Promise<void> {
    await this.db
      .prepare(
        'UPDATE messages SET send_state = ?1, error = COALESCE(?2, error), updated_at = ?3 WHERE id = ?4',
      )
      .bind(sendState, error ? JSON.stringify(error) : null, now, id)
      .run();
  }

  /** The contact's recent sends and receipts, oldest first, as input for the window / pricing engine. */
  async recentLog(contactId: string, since: number) {
    const { results } = await this.db
      .prepare(
        `SELECT direction, type, category, occurred_at FROM messages
         WHERE contact_id = ? AND occurred_at >= ? AND (direction = 'inbound' OR send_state = 'sent')
         ORDER BY occurred_at`,
      )
      .bind(contactId, since)
      .all<{ direction: Direction; type: string; category: string | null; occurred_at: number }>();
    return results;
  }

  async markSent(
    id: string,
    providerMessageId: string,
    statusTimes: StatusTimes,
    status: MessageStatus,
    now: number,
  ) {
    await this.db
      .prepare(
        `UPDATE messages SET provider_message_id = ?1, status_times = ?2, status = ?3, send_state = 'sent',
           updated_at = ?4 WHERE id = ?5`,
      )
      .bind(providerMessageId, JSON.stringify(statusTimes), status, now, id)
      .run();
  }

  /**
   * Compare-and-swap on the status times the caller computed from, so a concurrent update is never lost. A statement
   * for the caller's batch: changes = 1 when it applied.
   */
  updateStatusStatement(
    id: string,
    expectedTimes: StatusTimes,
    times: StatusTimes,
    status: MessageStatus,
    error: ProviderErrorInfo | null,
    extra: {
      pricing?: unknown;
      warning?: string | null;
      billable?: boolean | null;
      category?: string | null;
      pricingType?: string | null;
    },
    now: number,
  ): D1PreparedStatement {
    // The first provider pricing keeps our estimate beside it (estimated_*) before replacing category and billable:
    // SET expressions read the row as it was (issue 12 item 6: estimated vs provider-reported cost).
    return this.db
      .prepare(
        `UPDATE messages SET status_times = ?1, status = ?2, error = COALESCE(?3, error),
           estimated_category = CASE WHEN ?4 IS NOT NULL AND pricing IS NULL THEN category ELSE estimated_category END,
           estimated_billable = CASE WHEN ?4 IS NOT NULL AND pricing IS NULL THEN billable ELSE estimated_billable END,
           pricing = COALESCE(?4, pricing), warning = COALESCE(?5, warning), billable = COALESCE(?6, billable),
           category = COALESCE(?10, category), pricing_type = COALESCE(?11, pricing_type), updated_at = ?7
         WHERE id = ?8 AND status_times = ?9`,
      )
      .bind(
        JSON.stringify(times),
        status,
        error ? JSON.stringify(error) : null,
        extra.pricing === undefined ? null : JSON.stringify(extra.pricing),
        extra.warning ?? null,
        extra.billable === undefined || extra.billable === null ? null : extra.billable ? 1 : 0,
        now,
        id,
        JSON.stringify(expectedTimes),
        extra.category ?? null,
        extra.pricingType ?? null,
      );
  }

  /**
   * Claims the right to report a status of rank `rank` to the CRM: succeeds only if nothing of equal or higher
   * rank was reported (or claimed) before. Returns the previous rank for a rollback, or undefined if refused.
   */
  async claimCrmStatus(id: string, rank: number): Promise<number | null | undefined> {
    const row = await this.db
      .prepare('SELECT crm_status_rank FROM messages WHERE id = ?')
      .bind(id)
      .first<{ crm_status_rank: number | null }>();
    if (!row) return undefined;
    const previous = row.crm_status_rank;
    if (previous !== null && previous >= rank) return undefined;
    const result = await this.db
      .prepare('UPDATE messages SET crm_status_rank = ?1 WHERE id = ?2 AND crm_status_rank IS ?3')
      .bind(rank, id, previous)
      .run();
    return result.meta.changes === 1 ? previous : undefined;
  }

  /** Gives a claimed rank back after the CRM call failed, unless a higher claim came in meanwhile. */
  async releaseCrmStatus(id: string, rank: number, previous: number | null): Promise<void> {
    await this.db
      .prepare('UPDATE messages SET crm_status_rank = ?1 WHERE id = ?2 AND crm_status_rank = ?3')
      .bind(previous, id, rank)
      .run();
  }

  async setCrmSync(id: string, crmSync: CrmSync, crmMessageId: string | null, now: number): Promise<void> {
    await this.setCrmSyncStatement(id, crmSync, crmMessageId, now).run();
  }

  setCrmSyncStatement(
    id: string,
    crmSync: CrmSync,
    crmMessageId: string | null,
    now: number,
  ): D1PreparedStatement {
    return this.db
      .prepare(
        'UPDATE messages SET crm_sync = ?1, crm_message_id = COALESCE(crm_message_id, ?2), crm_claimed_at = NULL, updated_at = ?3 WHERE id = ?4',
      )
      .bind(crmSync, crmMessageId, now, id);
  }

  /** An attempt to record the message in the CRM lost its answer at `at`; the earliest such time is kept. */
  async markCrmWriteUncertain(id: string, at: number): Promise<void> {
    await this.db
      .prepare(
        'UPDATE messages SET crm_write_uncertain_at = COALESCE(crm_write_uncertain_at, ?1) WHERE id = ?2',
      )
      .bind(at, id)
      .run();
  }

  async fail(id: string, error: ProviderErrorInfo, statusTimes: StatusTimes, now: number): Promise<void> {
    await this.failStatement(id, error, statusTimes, now).run();
  }

  /** `fail` as a statement for a batch. */
  failStatement(
    id: string,
    error: ProviderErrorInfo,
    statusTimes: StatusTimes,
    now: number,
  ): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE messages SET status = 'failed', send_state = CASE WHEN direction = 'outbound' THEN 'failed' END,
           error = ?1, status_times = ?2, updated_at = ?3 WHERE id = ?4`,
      )
      .bind(JSON.stringify(error), JSON.stringify(statusTimes), now, id);
  }
}
