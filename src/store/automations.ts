// CRM automation executions (one per execution id, first outcome kept) and per-installation automation webhooks.
import type { CrmName } from '../../adapters/crm/types';
import type { SecretBox } from '../security/secret-box';
import { randomId, randomToken, sha256Hex, timingSafeEqual } from '../security/encoding';

/** Who called: a CRM workflow's action (`highlevel_action`: `<crm>_action`) or the automation webhook. */
export type AutomationSource = `${CrmName}_action` | 'automation_webhook';
export type AutomationAction = 'send_template' | 'send_message';

export interface AutomationExecution {
  id: string;
  installationId: string;
  source: AutomationSource;
  executionKey: string;
  action: AutomationAction;
  messageId: string;
  state: 'claimed' | 'done';
  status: 'queued' | 'failed' | null;
  reasonCode: string | null;
  reason: string | null;
  createdAt: number;
  updatedAt: number;
}

interface ExecutionRow {
  id: string;
  installation_id: string;
  source: AutomationSource;
  execution_key: string;
  action: AutomationAction;
  message_id: string;
  state: 'claimed' | 'done';
  status: 'queued' | 'failed' | null;
  reason_code: string | null;
  reason: string | null;
  created_at: number;
  updated_at: number;
}

const toExecution = (r: ExecutionRow): AutomationExecution => ({
  id: r.id,
  installationId: r.installation_id,
  source: r.source,
  executionKey: r.execution_key,
  action: r.action,
  messageId: r.message_id,
  state: r.state,
  status: r.status,
  reasonCode: r.reason_code,
  reason: r.reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export type AutomationExecutionSummary = AutomationExecution & {
  /** Who it was for: E.164 phone or BSUID (as given when it could not be read); null on rows from before 0021. */
  recipient: string | null;
  /** The customer's WhatsApp username, when known. */
  recipientUsername: string | null;
  /** The template's name and language, or the start of the free text; null without a message. */
  sent: string | null;
};

/** One line for the stored message content (JSON MessageContent, NULL once the customer deleted it). */
function sentSummary(content: string | null): string | null {
  if (!content) return null;
  try {
    const c = JSON.parse(content) as {
      type?: string;
      templateName?: string;
      language?: string;
      text?: string;
    };
    if (c.type === 'template' && c.templateName) return `${c.templateName} (${c.language ?? ''})`;
    if (c.type === 'text' && typeof c.text === 'string')
      return c.text.length > 80 ? `${c.text.slice(0, 79)}…` : c.text;
    return c.type ?? null;
  } catch {
    return null;
  }
}

export class AutomationExecutionStore {
  constructor(private readonly db: D1Database) {}

  /**
   * Claims an execution. `claimed: true` only for the first call with this key; a later call gets the row the first
   * one wrote (its outcome, or `state: 'claimed'` while the first call is still deciding or died deciding).
   */
  async claim(
    input: {
      installationId: string;
      source: AutomationSource;
      executionKey: string;
      action: AutomationAction;
      messageId: string;
    },
    now: number,
  ): Promise<{ claimed: boolean; execution: AutomationExecution }> {
    const inserted = await this.db
      .prepare(
        `INSERT INTO automation_executions
           (id, installation_id, source, execution_key, action, message_id, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'claimed', ?, ?)
         ON CONFLICT (installation_id, source, execution_key) DO NOTHING RETURNING *`,
      )
      .bind(
        randomId('aex'),
        input.installationId,
        input.source,
        input.executionKey,
        input.action,
        input.messageId,
        now,
        now,
      )
      .first<ExecutionRow>();
    if (inserted) return { claimed: true, execution: toExecution(inserted) };
    const existing = await this.db
      .prepare(
        'SELECT * FROM automation_executions WHERE installation_id = ? AND source = ? AND execution_key = ?',
      )
      .bind(input.installationId, input.source, input.executionKey)
      .first<ExecutionRow>();
    return { claimed: false, execution: toExecution(existing!) };
  }

  /** Writes the outcome once: a row already done keeps its first outcome. */
  async finish(
    id: string,
    outcome: {
      status: 'queued' | 'failed';
      reasonCode?: string;
      reason?: string;
      recipient?: string;
      recipientUsername?: string;
    },
    now: number,
  ): Promise<AutomationExecution> {
    await this.db
      .prepare(
        `UPDATE automation_executions SET state = 'done', status = ?, reason_code = ?, reason = ?, updated_at = ?,
           recipient = COALESCE(?, recipient), recipient_username = COALESCE(?, recipient_username)
         WHERE id = ? AND state = 'claimed'`,
      )
      .bind(
        outcome.status,
        outcome.reasonCode ?? null,
        outcome.reason ?? null,
        now,
        outcome.recipient ?? null,
        outcome.recipientUsername ?? null,
        id,
      )
      .run();
    const row = await this.db
      .prepare('SELECT * FROM automation_executions WHERE id = ?')
      .bind(id)
      .first<ExecutionRow>();
    return toExecution(row!);
  }

  /**
   * The customer had a message (not failed) since `since` from one of these numbers (the tier's scope: the number,
   * or every number of its business portfolio): no new tier room is used.
   */
  async wroteRecently(connectionIds: readonly string[], address: string, since: number): Promise<boolean> {
    const row = await this.db
      .prepare(
        `SELECT 1 AS hit FROM messages m JOIN contacts c ON c.id = m.contact_id
         WHERE m.connection_id IN (SELECT value FROM json_each(?)) AND c.phone = ? AND m.direction = 'outbound'
           AND m.occurred_at >= ? AND COALESCE(m.send_state, 'sent') != 'failed' LIMIT 1`,
      )
      .bind(JSON.stringify(connectionIds), address, since)
      .first<{ hit: number }>();
    return row !== null;
  }

  /**
   * Messaging tier room for one new customer, taken in ONE statement (D1 runs statements one at a time, so a burst
   * of concurrent calls cannot all see the last free place): unique customers the scope's numbers (one number, or
   * every number of its business portfolio) wrote to since `since`, plus executions of the scope's installations
   * that took room and have not stored their message yet, must stay under `limit`. The claimed execution is marked
   * `tier_reserved` (its outcome replaces the mark when it finishes).
   */
  async reserveTierRoom(
    input: {
      executionId: string;
      installationIds: readonly string[];
      connectionIds: readonly string[];
      address: string;
    },
    since: number,
    limit: number,
    now: number,
  ): Promise<boolean> {
    const result = await this.db
      .prepare(
        `UPDATE automation_executions SET reason_code = 'tier_reserved', updated_at = ?1
         WHERE id = ?2 AND state = 'claimed' AND (
           (SELECT COUNT(DISTINCT c.phone) FROM messages m JOIN contacts c ON c.id = m.contact_id
             WHERE m.connection_id IN (SELECT value FROM json_each(?3)) AND m.direction = 'outbound' AND m.occurred_at >= ?4
               AND COALESCE(m.send_state, 'sent') != 'failed' AND c.phone != ?5)
           + (SELECT COUNT(*) FROM automation_executions e
             WHERE e.installation_id IN (SELECT value FROM json_each(?6)) AND e.state = 'claimed' AND e.reason_code = 'tier_reserved'
               AND e.id != ?2 AND e.created_at >= ?4
               AND NOT EXISTS (SELECT 1 FROM messages x WHERE x.id = e.message_id))
         ) < ?7`,
      )
      .bind(
        now,
        input.executionId,
        JSON.stringify(input.connectionIds),
        since,
        input.address,
        JSON.stringify(input.installationIds),
        limit,
      )
      .run();
    return result.meta.changes === 1;
  }

  /** Takes over a claim left behind (its caller died before deciding): true for exactly one taker. */
  async retake(id: string, staleBefore: number, now: number): Promise<boolean> {
    const result = await this.db
      .prepare(
        `UPDATE automation_executions SET updated_at = ? WHERE id = ? AND state = 'claimed' AND updated_at < ?`,
      )
      .bind(now, id, staleBefore)
      .run();
    return result.meta.changes === 1;
  }

  /** Makes a claim whose caller failed unexpectedly available to the CRM's retry at once. */
  async release(id: string): Promise<void> {
    await this.db
      .prepare(`UPDATE automation_executions SET updated_at = 0 WHERE id = ? AND state = 'claimed'`)
      .bind(id)
      .run();
  }

  /** The last executions, with the recipient and what was sent when a message was created (the admin's table). */
  async recent(installationId: string, limit: number): Promise<AutomationExecutionSummary[]> {
    const { results } = await this.db
      .prepare(
        `SELECT e.*, COALESCE(c.phone, e.recipient) AS recipient,
           COALESCE(c.username, e.recipient_username) AS recipient_username, m.content AS content
         FROM automation_executions e
         LEFT JOIN messages m ON m.id = e.message_id LEFT JOIN contacts c ON c.id = m.contact_id
         WHERE e.installation_id = ? ORDER BY e.created_at DESC, e.id DESC LIMIT ?`,
      )
      .bind(installationId, limit)
      .all<
        ExecutionRow & { recipient: string | null; recipient_username: string | null; content: string | null }
      >();
    return results.map((r) => ({
      ...toExecution(r),
      recipient: r.recipient,
      recipientUsername: r.recipient_username,
      sent: sentSummary(r.content),
    }));
  }
}

export interface AutomationHook {
  installationId: string;
  hookId: string;
  secret: string;
  rotatedAt: number;
}

interface HookRow {
  id: string;
  installation_id: string;
  secret_sealed: string;
  secret_sha256: string;
  rotated_at: number;
}

/** Automation webhook credentials: sealed (row-bound to the hook id) for display, hashed for the check. */
export class AutomationHookStore {
  constructor(
    private readonly db: D1Database,
    private readonly box: SecretBox,
  ) {}

  private async open(row: HookRow): Promise<AutomationHook> {
    return {
      installationId: row.installation_id,
      hookId: row.id,
      secret: await this.box.decrypt(row.secret_sealed, `automation_hook:${row.id}`),
      rotatedAt: row.rotated_at,
    };
  }

  async forInstallation(installationId: string): Promise<AutomationHook | null> {
    const row = await this.db
      .prepare('SELECT * FROM automation_hooks WHERE installation_id = ?')
      .bind(installationId)
      .first<HookRow>();
    return row ? this.open(row) : null;
  }

  /** A new secret (and the same hook id, so the URL pasted in the CRM stays valid); the old secret stops working. */
  async rotate(installationId: string, now: number): Promise<AutomationHook> {
    const existing = await this.db
      .prepare('SELECT id FROM automation_hooks WHERE installation_id = ?')
      .bind(installationId)
      .first<{ id: string }>();
    const hookId = existing?.id ?? randomId('hook');
    const secret = randomToken(24);
    const sealed = await this.box.encrypt(secret, `automation_hook:${hookId}`);
    await this.db
      .prepare(
        `INSERT INTO automation_hooks (installation_id, id, secret_sealed, secret_sha256, rotated_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (installation_id) DO UPDATE SET secret_sealed = excluded.secret_sealed,
           secret_sha256 = excluded.secret_sha256, rotated_at = excluded.rotated_at`,
      )
      .bind(installationId, hookId, sealed, await sha256Hex(secret), now)
      .run();
    return { installationId, hookId, secret, rotatedAt: now };
  }

  /** The installation whose hook this is, when the secret matches (compared as digests, in constant time). */
  async verify(hookId: string, secret: string): Promise<string | null> {
    const row = await this.db
      .prepare('SELECT installation_id, secret_sha256 FROM automation_hooks WHERE id = ?')
      .bind(hookId)
      .first<{ installation_id: string; secret_sha256: string }>();
    const digest = await sha256Hex(secret);
    if (!row) return null;
    return timingSafeEqual(digest, row.secret_sha256) ? row.installation_id : null;
  }
}
