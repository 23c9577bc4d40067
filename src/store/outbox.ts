// The outbox side of message rows (migrations/0008_outbox.sql): claims with leases for provider sends and CRM writes,
// retry bookkeeping, and the sweep's queries. Every claim is a compare-and-swap: of two jobs only one does the work.

/** A row the sweep handed back to the queue, with the failed attempts it already used. */
export interface SweptRow {
  id: string;
  attempts: number;
}

/** A HighLevel Delivery URL call the sweep handed back to the queue. */
export interface SweptDelivery {
  id: string;
  installationId: string;
}

/** Matches the partial index messages_outbox_crm_status (migrations/0016; ranks of core/status.ts). */
const CRM_STATUS_OWED = `direction = 'outbound' AND crm_message_id IS NOT NULL
  AND (CASE status WHEN 'sent' THEN 1 WHEN 'failed' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 0 END)
    > COALESCE(crm_status_rank, 0)`;

export class OutboxStore {
  constructor(private readonly db: D1Database) {}

  /** Claims the send (queued → sending) with its lease start. Only one job execution can win. */
  async claimSend(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .prepare(
        `UPDATE messages SET send_state = 'sending', send_claimed_at = ?1, updated_at = ?1
         WHERE id = ?2 AND send_state = 'queued'`,
      )
      .bind(now, id)
      .run();
    return result.meta.changes === 1;
  }

  /**
   * The claim of `claimedAt` outlived its lease without an outcome: the request may have left, so the send becomes
   * `unknown` (never resent blindly). Compare-and-swap on the claim: a live sender that records its outcome wins.
   */
  async abandonStaleSend(
    id: string,
    claimedAt: number | null,
    error: unknown,
    now: number,
  ): Promise<boolean> {
    const result = await this.db
      .prepare(
        `UPDATE messages SET send_state = 'unknown', error = ?1, updated_at = ?2
         WHERE id = ?3 AND send_state = 'sending' AND send_claimed_at IS ?4`,
      )
      .bind(JSON.stringify(error), now, id, claimedAt)
      .run();
    return result.meta.changes === 1;
  }

  /** A retryable failure: back to `queued` until `nextAt`, with the attempt count and the reason shown meanwhile. */
  async scheduleSendRetry(
    id: string,
    nextAt: number,
    attempts: number,
    reason: string,
    now: number,
  ): Promise<void> {
    await this.db
      .prepare(
        `UPDATE messages SET send_state = 'queued', send_next_at = ?1, send_attempts = ?2, send_retry_reason = ?3,
           send_claimed_at = NULL, updated_at = ?4
         WHERE id = ?5 AND send_state = 'sending'`,
      )
      .bind(nextAt, attempts, reason, now, id)
      .run();
  }

  /**
   * Claims the CRM write of a message still `pending`, unless another job holds a claim younger than `leaseMs`.
   * Taking over an expired claim marks the write uncertain: its holder may have written before it died, so the
   * adapter looks the record up before writing (the "unknown outcome" rule, CRM side).
   */
  async claimCrmWrite(id: string, now: number, leaseMs: number): Promise<boolean> {
    const result = await this.db
      .prepare(
        `UPDATE messages SET crm_claimed_at = ?1,
           crm_write_uncertain_at = CASE WHEN crm_claimed_at IS NULL THEN crm_write_uncertain_at
             ELSE COALESCE(crm_write_uncertain_at, crm_claimed_at) END
         WHERE id = ?2 AND crm_sync = 'pending' AND (crm_claimed_at IS NULL OR crm_claimed_at <= ?3)`,
      )
      .bind(now, id, now - leaseMs)
      .run();
    return result.meta.changes === 1;
  }

  /** Gives the claim back after a failed attempt; the row is due again at `nextAt`. */
  async releaseCrmWrite(id: string, claimedAt: number, nextAt: number, attempts: number): Promise<void> {
    await this.db
      .prepare(
        `UPDATE messages SET crm_claimed_at = NULL, crm_next_at = ?1, crm_attempts = ?2
         WHERE id = ?3 AND crm_claimed_at = ?4`,
      )
      .bind(nextAt, attempts, id, claimedAt)
      .run();
  }

  /** Redrive from the dead-letter list: the CRM write is owed again, with a fresh budget. */
  reopenCrmWriteStatement(id: string, now: number): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE messages SET crm_sync = 'pending', crm_attempts = 0, crm_next_at = ?1, crm_claimed_at = NULL
         WHERE id = ?2 AND crm_sync = 'dead'`,
      )
      .bind(now, id);
  }

  /**
   * Sends due for longer than the grace period (`dueBefore`) and not running: queued rows whose queue message never
   * arrived, and claims older than their lease (`claimedBefore`). Each returned row is stamped due `now`, so
   * sweeps running at once, or the next sweep, hand it out once per grace period.
   */
  async sweepSends(
    now: number,
    dueBefore: number,
    claimedBefore: number,
    limit: number,
  ): Promise<SweptRow[]> {
    const [queued, sending] = await this.db.batch<{ id: string; send_attempts: number }>([
      this.db
        .prepare(
          `UPDATE messages SET send_next_at = ?1
           WHERE id IN (SELECT id FROM messages WHERE send_state = 'queued' AND campaign_id IS NULL
                          AND COALESCE(send_next_at, created_at) <= ?2 LIMIT ?3)
             AND send_state = 'queued' AND COALESCE(send_next_at, created_at) <= ?2
           RETURNING id, send_attempts`,
        )
        .bind(now, dueBefore, limit),
      this.db
        .prepare(
          `UPDATE messages SET send_next_at = ?1
           WHERE id IN (SELECT id FROM messages WHERE send_state = 'sending' AND campaign_id IS NULL
                          AND COALESCE(send_claimed_at, updated_at) <= ?2 LIMIT ?4)
             AND send_state = 'sending' AND COALESCE(send_next_at, 0) <= ?3
           RETURNING id, send_attempts`,
        )
        .bind(now, claimedBefore, dueBefore, limit),
    ]);
    return [...(queued?.results ?? []), ...(sending?.results ?? [])].map((r) => ({
      id: r.id,
      attempts: r.send_attempts,
    }));
  }

  /**
   * CRM writes due for longer than the grace period (`dueBefore`; campaign logs: `bulkDueBefore`) and not claimed
   * within the lease. An outbound message is recorded after its send's outcome, so one still sending is left alone.
   */
  async sweepCrmWrites(
    now: number,
    due: { dueBefore: number; bulkDueBefore: number; claimedBefore: number },
    limit: number,
  ): Promise<(SweptRow & { bulk: boolean })[]> {
    const { results } = await this.db
      .prepare(
        `UPDATE messages SET crm_next_at = ?1
         WHERE id IN (SELECT id FROM messages WHERE crm_sync = 'pending'
                        AND COALESCE(crm_next_at, created_at) <= CASE WHEN origin = 'campaign' THEN ?3 ELSE ?2 END
                        AND (crm_claimed_at IS NULL OR crm_claimed_at <= ?4)
                        AND (send_state IS NULL OR send_state NOT IN ('queued', 'sending')) LIMIT ?5)
           AND crm_sync = 'pending'
         RETURNING id, crm_attempts, origin`,
      )
      .bind(now, due.dueBefore, due.bulkDueBefore, due.claimedBefore, limit)
      .all<{ id: string; crm_attempts: number; origin: string }>();
    return results.map((r) => ({ id: r.id, attempts: r.crm_attempts, bulk: r.origin === 'campaign' }));
  }

  /**
   * CRM status reports owed (migrations/0016): the message's status ranks above what was reported or claimed for
   * the CRM, it has not changed for the grace period (`dueBefore`; campaign messages: `bulkDueBefore`) and was not
   * handed out since. A report in flight holds its claim (crm_status_rank), so it is not owed meanwhile.
   */
  async sweepCrmStatuses(
    now: number,
    due: { dueBefore: number; bulkDueBefore: number },
    limit: number,
  ): Promise<(SweptRow & { bulk: boolean })[]> {
    const { results } = await this.db
      .prepare(
        `UPDATE messages SET crm_status_next_at = ?1
         WHERE id IN (SELECT id FROM messages WHERE ${CRM_STATUS_OWED}
                        AND MAX(COALESCE(crm_status_next_at, 0), updated_at)
                          <= CASE WHEN origin = 'campaign' THEN ?3 ELSE ?2 END LIMIT ?4)
         RETURNING id, origin`,
      )
      .bind(now, due.dueBefore, due.bulkDueBefore, limit)
      .all<{ id: string; origin: string }>();
    return results.map((r) => ({ id: r.id, attempts: 0, bulk: r.origin === 'campaign' }));
  }

  /** The CRM record was written with this status: a report of it (or lower) is no longer owed. */
  async markStatusRecorded(id: string, rank: number): Promise<void> {
    await this.markStatusRecordedStatement(id, rank).run();
  }

  markStatusRecordedStatement(id: string, rank: number): D1PreparedStatement {
    return this.db
      .prepare(
        'UPDATE messages SET crm_status_rank = ?1 WHERE id = ?2 AND COALESCE(crm_status_rank, -1) < ?1',
      )
      .bind(rank, id);
  }

  /** The owed status report is not handed out again before `at`. */
  async deferStatus(id: string, at: number): Promise<void> {
    await this.db.prepare('UPDATE messages SET crm_status_next_at = ?1 WHERE id = ?2').bind(at, id).run();
  }

  /** A dead-lettered status job: the sweep stops handing the report out until a redrive reopens it. */
  async markStatusDead(id: string): Promise<void> {
    await this.db
      .prepare('UPDATE messages SET crm_status_next_at = ?1 WHERE id = ?2')
      .bind(Number.MAX_SAFE_INTEGER, id)
      .run();
  }

  reopenStatusStatement(id: string, now: number): D1PreparedStatement {
    return this.db.prepare('UPDATE messages SET crm_status_next_at = ?1 WHERE id = ?2').bind(now, id);
  }

  /** HighLevel Delivery URL calls stored but never turned into a message (their job was lost). */
  async sweepDeliveries(now: number, dueBefore: number, limit: number): Promise<SweptDelivery[]> {
    const { results } = await this.db
      .prepare(
        `UPDATE crm_deliveries SET next_at = ?1
         WHERE id IN (SELECT id FROM crm_deliveries WHERE state = 'queued'
                        AND COALESCE(next_at, created_at) <= ?2 LIMIT ?3)
           AND state = 'queued' AND COALESCE(next_at, created_at) <= ?2
         RETURNING id, installation_id`,
      )
      .bind(now, dueBefore, limit)
      .all<{ id: string; installation_id: string }>();
    return results.map((r) => ({ id: r.id, installationId: r.installation_id }));
  }

  /** A dead-lettered Delivery URL call: finished, so the sweep stops handing it out (redrive reopens it). */
  async markDeliveryDead(id: string, now: number): Promise<void> {
    await this.db
      .prepare("UPDATE crm_deliveries SET state = 'done', outcome = 'dead', updated_at = ?1 WHERE id = ?2")
      .bind(now, id)
      .run();
  }

  reopenDeliveryStatement(id: string, now: number): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE crm_deliveries SET state = 'queued', outcome = NULL, next_at = ?1, updated_at = ?1
         WHERE id = ?2 AND state = 'done' AND outcome = 'dead'`,
      )
      .bind(now, id);
  }

  /** A dead-lettered change (edit / deletion) owed to the CRM again (migrations/0009_message_changes.sql). */
  reopenChangeStatement(id: string, now: number): D1PreparedStatement {
    return this.db
      .prepare(
        "UPDATE message_changes SET crm_sync = 'pending', updated_at = ?1 WHERE id = ?2 AND crm_sync = 'dead'",
      )
      .bind(now, id);
  }

  /** Claims a dead letter for redrive (once); its job, or null when it is not this installation's or was redriven. */
  claimRedriveStatement(installationId: string, id: string, now: number): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE dead_letters SET redriven_at = ?1 WHERE id = ?2 AND installation_id = ?3 AND redriven_at IS NULL
         RETURNING job`,
      )
      .bind(now, id, installationId);
  }

  /** A Delivery URL job that will run again at `nextAt` (its backoff), so the sweep leaves it alone until then. */
  async deferDelivery(id: string, nextAt: number): Promise<void> {
    await this.db.prepare('UPDATE crm_deliveries SET next_at = ?1 WHERE id = ?2').bind(nextAt, id).run();
  }
}
