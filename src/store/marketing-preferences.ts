// WhatsApp marketing stop / resume per customer of a number (issue 12 item 1, migrations/0017). SQL only here.

export interface MarketingPreference {
  contactId: string;
  connectionId: string;
  stopped: boolean;
  /** Who changed it: 'whatsapp' (the customer, inside WhatsApp). */
  source: string;
  detail: string | null;
  changedAt: number;
  crmSync: 'pending' | 'done' | 'dead';
}

interface Row {
  contact_id: string;
  connection_id: string;
  stopped: number;
  source: string;
  detail: string | null;
  changed_at: number;
  crm_sync: MarketingPreference['crmSync'];
}

const toPreference = (r: Row): MarketingPreference => ({
  contactId: r.contact_id,
  connectionId: r.connection_id,
  stopped: r.stopped === 1,
  source: r.source,
  detail: r.detail,
  changedAt: r.changed_at,
  crmSync: r.crm_sync,
});

/** One opt-out of an installation's list (admin API), whatever its source. */
export interface OptOutEntry {
  connectionId: string | null;
  address: string;
  name: string | null;
  /** 'admin' (the admin's list), 'keyword' (the customer wrote STOP), 'whatsapp' (stopped marketing in WhatsApp). */
  source: 'admin' | 'keyword' | 'whatsapp';
  /** Marketing only ('whatsapp') or every business-initiated message (the others). */
  scope: 'marketing' | 'all';
  at: number;
  reason: string | null;
}

export class MarketingPreferenceStore {
  constructor(private readonly db: D1Database) {}

  /**
   * Stores the customer's latest preference. A change older than the stored one (late, out of order) or the same
   * change again (a redelivered webhook) changes nothing: false.
   */
  async apply(input: Omit<MarketingPreference, 'crmSync'>, now: number): Promise<boolean> {
    const res = await this.db
      .prepare(
        `INSERT INTO marketing_preferences
           (contact_id, connection_id, stopped, source, detail, changed_at, crm_sync, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7)
         ON CONFLICT (contact_id) DO UPDATE SET stopped = excluded.stopped, source = excluded.source,
           detail = excluded.detail, changed_at = excluded.changed_at, crm_sync = 'pending',
           updated_at = excluded.updated_at
         WHERE excluded.changed_at > marketing_preferences.changed_at`,
      )
      .bind(
        input.contactId,
        input.connectionId,
        input.stopped ? 1 : 0,
        input.source,
        input.detail,
        input.changedAt,
        now,
      )
      .run();
    return res.meta.changes === 1;
  }

  /**
   * The provider refused message `messageId` because its customer stopped marketing messages (issue 12): a stop
   * from WhatsApp at `at`, unless a newer change is stored or they already stopped. For a D1 batch; it returns
   * the contact whose preference changed (the CRM is owed it).
   */
  stoppedByMessageStatement(messageId: string, detail: string, at: number, now: number): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT INTO marketing_preferences
           (contact_id, connection_id, stopped, source, detail, changed_at, crm_sync, updated_at)
         SELECT contact_id, connection_id, 1, 'whatsapp', ?2, ?3, 'pending', ?4 FROM messages WHERE id = ?1
         ON CONFLICT (contact_id) DO UPDATE SET stopped = 1, source = excluded.source, detail = excluded.detail,
           changed_at = excluded.changed_at, crm_sync = 'pending', updated_at = excluded.updated_at
         WHERE excluded.changed_at > marketing_preferences.changed_at AND marketing_preferences.stopped = 0
         RETURNING contact_id`,
      )
      .bind(messageId, detail, at, now);
  }

  async get(contactId: string): Promise<MarketingPreference | null> {
    const row = await this.db
      .prepare('SELECT * FROM marketing_preferences WHERE contact_id = ?')
      .bind(contactId)
      .first<Row>();
    return row ? toPreference(row) : null;
  }

  /** Which of these customers stopped marketing messages (campaign preflight and send time). */
  async stoppedAmong(contactIds: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < contactIds.length; i += 2_000) {
      const { results } = await this.db
        .prepare(
          `SELECT contact_id FROM marketing_preferences
           WHERE stopped = 1 AND contact_id IN (SELECT value FROM json_each(?1))`,
        )
        .bind(JSON.stringify(contactIds.slice(i, i + 2_000)))
        .all<{ contact_id: string }>();
      for (const r of results) out.add(r.contact_id);
    }
    return out;
  }

  /** The CRM got the change of `changedAt`; a newer change stays owed. */
  async finishCrm(contactId: string, changedAt: number, state: 'done' | 'dead', now: number): Promise<void> {
    await this.db
      .prepare(
        `UPDATE marketing_preferences SET crm_sync = ?1, updated_at = ?2
         WHERE contact_id = ?3 AND changed_at = ?4 AND crm_sync = 'pending'`,
      )
      .bind(state, now, contactId, changedAt)
      .run();
  }

  /**
   * Claims the owed write for one job until `leaseUntil` (a compare-and-swap on `updated_at`, which the sweep reads
   * as "untouched since"): of the original job and a swept copy, only one calls the CRM (a Pipedrive note is not
   * idempotent). A claim whose job died is swept once its lease and the grace period are over.
   */
  async claimCrm(contactId: string, now: number, leaseUntil: number): Promise<boolean> {
    const result = await this.db
      .prepare(
        `UPDATE marketing_preferences SET updated_at = ?3
         WHERE contact_id = ?1 AND crm_sync = 'pending' AND updated_at <= ?2`,
      )
      .bind(contactId, now, leaseUntil)
      .run();
    return result.meta.changes === 1;
  }

  /** Redrive from the dead letters: the latest preference is owed to the CRM again (the outbox sweep finds it). */
  reopenStatement(contactId: string, now: number): D1PreparedStatement {
    return this.db
      .prepare(
        "UPDATE marketing_preferences SET crm_sync = 'pending', updated_at = ?1 WHERE contact_id = ?2 AND crm_sync = 'dead'",
      )
      .bind(now, contactId);
  }

  /** A job that will retry at `until`: the sweep leaves the row alone until then. */
  async deferCrm(contactId: string, until: number): Promise<void> {
    await this.db
      .prepare(
        `UPDATE marketing_preferences SET updated_at = ?1 WHERE contact_id = ?2 AND crm_sync = 'pending'`,
      )
      .bind(until, contactId)
      .run();
  }

  /**
   * CRM writes owed and untouched since `dueBefore` (their job was lost with a crash): claimed for the outbox sweep
   * by moving `updated_at` to `now`, so the next sweep waits another grace period.
   */
  async sweepPendingCrm(now: number, dueBefore: number, limit: number): Promise<string[]> {
    const { results } = await this.db
      .prepare(
        `UPDATE marketing_preferences SET updated_at = ?1
         WHERE contact_id IN (SELECT contact_id FROM marketing_preferences
                              WHERE crm_sync = 'pending' AND updated_at < ?2 ORDER BY updated_at LIMIT ?3)
         RETURNING contact_id`,
      )
      .bind(now, dueBefore, limit)
      .all<{ contact_id: string }>();
    return results.map((r) => r.contact_id);
  }

  /** Every opt-out of an installation with its source: the admin's list, STOP keywords, WhatsApp stops. */
  async optOuts(installationId: string, limit: number): Promise<OptOutEntry[]> {
    const { results } = await this.db
      .prepare(
        `SELECT NULL AS connection_id, o.phone AS address, NULL AS name, 'admin' AS source, 'all' AS scope,
                o.created_at AS at, o.reason AS reason
           FROM opt_outs o WHERE o.installation_id = ?1
         UNION ALL
         SELECT c.id AS connection_id, k.phone, k.name, 'keyword', 'all', k.opted_out_at, NULL
           FROM contacts k JOIN connections c ON c.id = k.connection_id
           WHERE c.installation_id = ?1 AND k.opted_out_at IS NOT NULL
         UNION ALL
         SELECT c.id, k.phone, k.name, p.source, 'marketing', p.changed_at, p.detail
           FROM marketing_preferences p JOIN contacts k ON k.id = p.contact_id
           JOIN connections c ON c.id = p.connection_id
           WHERE c.installation_id = ?1 AND p.stopped = 1
         ORDER BY at DESC LIMIT ?2`,
      )
      .bind(installationId, limit)
      .all<{
        connection_id: string | null;
        address: string;
        name: string | null;
        source: OptOutEntry['source'];
        scope: OptOutEntry['scope'];
        at: number;
        reason: string | null;
      }>();
    return results.map((r) => ({
      connectionId: r.connection_id,
      address: r.address,
      name: r.name,
      source: r.source,
      scope: r.scope,
      at: r.at,
      reason: r.reason,
    }));
  }
}
