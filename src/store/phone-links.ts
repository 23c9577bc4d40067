// The CRM phone links still owed (migrations/0025_crm_phone_links.sql): a BSUID customer's phone, shared later, goes
// onto their CRM record once. The row is written in the merge's own D1 batch (contact-identity.ts), claimed by the job
// (compare-and-swap with a lease, so of two copies of the job one calls the CRM) and deleted once the CRM has it.

/** An owed link the job claimed, with the failed attempts it already used. */
export interface ClaimedPhoneLink {
  attempts: number;
}

/** The row owing the link, for the merge's batch. A link that died earlier is owed again, with a fresh budget. */
export function owePhoneLinkStatement(db: D1Database, contactId: string, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO crm_phone_links (contact_id, next_at, created_at) VALUES (?1, ?2, ?2)
       ON CONFLICT (contact_id) DO UPDATE SET dead_at = NULL, attempts = 0, next_at = ?2
       WHERE crm_phone_links.dead_at IS NOT NULL`,
    )
    .bind(contactId, now);
}

/** A merged-away record's owed link moves to the record that stays (before its row, and so its link, is deleted). */
export function movePhoneLinkStatement(
  db: D1Database,
  keeperId: string,
  otherId: string,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO crm_phone_links (contact_id, next_at, attempts, dead_at, created_at)
       SELECT ?1, next_at, attempts, dead_at, created_at FROM crm_phone_links WHERE contact_id = ?2 AND true
       ON CONFLICT (contact_id) DO NOTHING`,
    )
    .bind(keeperId, otherId);
}

export class PhoneLinkStore {
  constructor(private readonly db: D1Database) {}

  /**
   * Claims the owed link unless another job holds a claim younger than `leaseMs`. Null: nothing is owed (done, dead,
   * or never owed) or a live job holds it. A claim taken over after its lease simply writes again: the link is a
   * PUT of the same phone, harmless twice.
   */
  async claim(contactId: string, now: number, leaseMs: number): Promise<ClaimedPhoneLink | null> {
    return this.db
      .prepare(
        `UPDATE crm_phone_links SET claimed_at = ?1
         WHERE contact_id = ?2 AND dead_at IS NULL AND (claimed_at IS NULL OR claimed_at <= ?3)
         RETURNING attempts`,
      )
      .bind(now, contactId, now - leaseMs)
      .first<ClaimedPhoneLink>();
  }

  /** The CRM has the phone (or it is no longer wanted): nothing owed any more. Only the claim's holder finishes. */
  async finish(contactId: string, claimedAt: number): Promise<void> {
    await this.db
      .prepare('DELETE FROM crm_phone_links WHERE contact_id = ?1 AND claimed_at = ?2')
      .bind(contactId, claimedAt)
      .run();
  }

  /** Gives the claim back after a failed or early attempt; the link is due again at `nextAt`. */
  async release(contactId: string, claimedAt: number, nextAt: number, attempts: number): Promise<void> {
    await this.db
      .prepare(
        `UPDATE crm_phone_links SET claimed_at = NULL, next_at = ?1, attempts = ?2
         WHERE contact_id = ?3 AND claimed_at = ?4`,
      )
      .bind(nextAt, attempts, contactId, claimedAt)
      .run();
  }

  /** Retries exhausted: no longer swept (a redrive from the dead letters reopens it). */
  async markDead(contactId: string, now: number): Promise<void> {
    await this.db
      .prepare('UPDATE crm_phone_links SET dead_at = ?1, claimed_at = NULL WHERE contact_id = ?2')
      .bind(now, contactId)
      .run();
  }

  /** Redrive from the dead-letter list: the link is owed again, with a fresh budget. */
  reopenStatement(contactId: string, now: number): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE crm_phone_links SET dead_at = NULL, claimed_at = NULL, attempts = 0, next_at = ?1
         WHERE contact_id = ?2 AND dead_at IS NOT NULL`,
      )
      .bind(now, contactId);
  }

  /**
   * Links due for longer than the grace period (`dueBefore`) and not claimed within the lease (`claimedBefore`).
   * Each returned row is stamped due `now`, so sweeps running at once, or the next sweep, hand it out once per
   * grace period.
   */
  async sweep(
    now: number,
    dueBefore: number,
    claimedBefore: number,
    limit: number,
  ): Promise<{ contactId: string; attempts: number }[]> {
    const { results } = await this.db
      .prepare(
        `UPDATE crm_phone_links SET next_at = ?1
         WHERE contact_id IN (SELECT contact_id FROM crm_phone_links WHERE dead_at IS NULL AND next_at <= ?2
                                AND (claimed_at IS NULL OR claimed_at <= ?3) ORDER BY next_at LIMIT ?4)
         RETURNING contact_id, attempts`,
      )
      .bind(now, dueBefore, claimedBefore, limit)
      .all<{ contact_id: string; attempts: number }>();
    return results.map((r) => ({ contactId: r.contact_id, attempts: r.attempts }));
  }
}
