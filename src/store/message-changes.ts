// A customer's edits and deletions of stored messages, and what the CRM still owes for them (migration 0009).
// The message update, the change row and (for a deletion) the media revocation are one D1 batch: never half-written.
import type { MessageContent } from '../core/message';
import { randomId } from '../security/encoding';

export type ChangeKind = 'edited' | 'deleted';

export interface MessageChange {
  id: string;
  messageId: string;
  kind: ChangeKind;
  occurredAt: number;
  crmSync: 'pending' | 'done' | 'dead';
  crmMessageId: string | null;
  crmWriteUncertainAt: number | null;
}

interface ChangeRow {
  id: string;
  message_id: string;
  kind: ChangeKind;
  occurred_at: number;
  crm_sync: 'pending' | 'done' | 'dead';
  crm_message_id: string | null;
  crm_write_uncertain_at: number | null;
}

const toChange = (r: ChangeRow): MessageChange => ({
  id: r.id,
  messageId: r.message_id,
  kind: r.kind,
  occurredAt: r.occurred_at,
  crmSync: r.crm_sync,
  crmMessageId: r.crm_message_id,
  crmWriteUncertainAt: r.crm_write_uncertain_at,
});

export class MessageChangeStore {
  constructor(private readonly db: D1Database) {}

  private insert(id: string, messageId: string, kind: ChangeKind, at: number, now: number) {
    return this.db
      .prepare(
        `INSERT INTO message_changes (id, message_id, kind, occurred_at, created_at, updated_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?5 WHERE EXISTS (SELECT 1 FROM messages WHERE id = ?2 AND deleted_at IS NULL)
         ON CONFLICT DO NOTHING RETURNING id`,
      )
      .bind(id, messageId, kind, at, now);
  }

  /**
   * The customer edited the message: new content and the change owed to the CRM, in one batch. A deleted message
   * stays deleted. Returns the change id, or null when nothing changed (duplicate webhook, already deleted).
   */
  async recordEdit(
    messageId: string,
    content: MessageContent,
    at: number,
    now: number,
  ): Promise<string | null> {
    const id = randomId('chg');
    const [change] = await this.db.batch<{ id: string }>([
      this.insert(id, messageId, 'edited', at, now),
      this.db
        .prepare(
          `UPDATE messages SET content = ?1, type = ?2, edited_at = ?3, updated_at = ?4
           WHERE id = ?5 AND deleted_at IS NULL AND EXISTS (SELECT 1 FROM message_changes WHERE id = ?6)`,
        )
        .bind(JSON.stringify(content), content.type, at, now, messageId, id),
    ]);
    return change?.results.length ? id : null;
  }

  /**
   * The customer deleted the message (DESIGN.md §3.4): its content leaves our store, its media id is revoked (its
   * /media links stop working) and the change is owed to the CRM — one batch. Null when already deleted.
   */
  async recordDeletion(messageId: string, at: number, now: number): Promise<string | null> {
    const id = randomId('chg');
    const [change] = await this.db.batch<{ id: string }>([
      this.insert(id, messageId, 'deleted', at, now),
      this.db
        .prepare(
          `INSERT INTO revoked_media (connection_id, media_id, revoked_at)
           SELECT connection_id, json_extract(content, '$.mediaId'), ?1 FROM messages
           WHERE id = ?2 AND json_extract(content, '$.mediaId') IS NOT NULL
             AND EXISTS (SELECT 1 FROM message_changes WHERE id = ?3)
           ON CONFLICT DO NOTHING`,
        )
        .bind(now, messageId, id),
      this.db
        .prepare(
          `UPDATE messages SET content = NULL, deleted_at = ?1, updated_at = ?2
           WHERE id = ?3 AND EXISTS (SELECT 1 FROM message_changes WHERE id = ?4)`,
        )
        .bind(at, now, messageId, id),
    ]);
    return change?.results.length ? id : null;
  }

  async get(id: string): Promise<MessageChange | null> {
    const row = await this.db
      .prepare('SELECT * FROM message_changes WHERE id = ?')
      .bind(id)
      .first<ChangeRow>();
    return row ? toChange(row) : null;
  }

  async finish(id: string, crmSync: 'done' | 'dead', crmMessageId: string | null, now: number) {
    await this.db
      .prepare(
        `UPDATE message_changes SET crm_sync = ?1, crm_message_id = COALESCE(?2, crm_message_id), updated_at = ?3
         WHERE id = ?4`,
      )
      .bind(crmSync, crmMessageId, now, id)
      .run();
  }

  async markCrmWriteUncertain(id: string, at: number): Promise<void> {
    await this.db
      .prepare(
        'UPDATE message_changes SET crm_write_uncertain_at = COALESCE(crm_write_uncertain_at, ?1) WHERE id = ?2',
      )
      .bind(at, id)
      .run();
  }

  /**
   * The message was just recorded in the CRM with its content as read at `readAt`: changes made before that are in
   * the record already, so nothing more is owed for them (HighLevel would otherwise get a redundant notice).
   */
  async coveredByRecord(messageId: string, readAt: number, now: number): Promise<void> {
    await this.coveredByRecordStatement(messageId, readAt, now).run();
  }

  coveredByRecordStatement(messageId: string, readAt: number, now: number): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE message_changes SET crm_sync = 'done', updated_at = ?1
         WHERE message_id = ?2 AND crm_sync = 'pending' AND created_at < ?3`,
      )
      .bind(now, messageId, readAt);
  }

  /** Every run of the change's job touches it: a pending change left untouched for long has no job any more. */
  async touch(id: string, now: number): Promise<void> {
    await this.db.prepare('UPDATE message_changes SET updated_at = ?1 WHERE id = ?2').bind(now, id).run();
  }

  /**
   * Claims changes still owed to the CRM whose job has not run since `untouchedSince` (a crash between the batch
   * and the enqueue, a queue message lost): touched as they are claimed, so the next sweep leaves them alone.
   */
  async claimStranded(untouchedSince: number, now: number, limit: number): Promise<string[]> {
    const { results } = await this.db
      .prepare(
        `UPDATE message_changes SET updated_at = ?1 WHERE id IN (
           SELECT id FROM message_changes WHERE crm_sync = 'pending' AND updated_at < ?2 ORDER BY created_at LIMIT ?3)
         RETURNING id`,
      )
      .bind(now, untouchedSince, limit)
      .all<{ id: string }>();
    return results.map((r) => r.id);
  }

  async isMediaRevoked(connectionId: string, mediaId: string): Promise<boolean> {
    const row = await this.db
      .prepare('SELECT 1 AS hit FROM revoked_media WHERE connection_id = ? AND media_id = ?')
      .bind(connectionId, mediaId)
      .first<{ hit: number }>();
    return row !== null;
  }
}
