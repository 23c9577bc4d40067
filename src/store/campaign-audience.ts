// Who a campaign reaches: contacts in bulk, their recent logs (window / pricing), the tier's recent customers
// and the opt-out list. Bulk statements over JSON arrays, never one round trip per recipient.
import { randomId } from '../security/encoding';
import { chunks } from './campaigns';
import type { ContactFacts, LogRow } from './campaigns';

export class CampaignAudienceStore {
  constructor(private readonly db: D1Database) {}

  /** Contacts of a slice: created when missing, then read back with their window and opt-out fields. */
  async ensureContacts(
    installationId: string,
    connectionId: string,
    people: { phone: string; name: string | null }[],
    now: number,
  ) {
    const rows = people.map((p) => ({ ...p, id: randomId('ctc') }));
    const [, read] = await this.db.batch([
      this.db
        .prepare(
          // A recipient may be a BSUID (issue 11, migrations/0010): it is both the address and the user_id then.
          `INSERT INTO contacts (id, connection_id, phone, user_id, name, created_at, updated_at)
           SELECT json_extract(value, '$.id'), ?1, json_extract(value, '$.phone'),
             CASE WHEN json_extract(value, '$.phone') LIKE '+%' THEN NULL ELSE json_extract(value, '$.phone') END,
             json_extract(value, '$.name'), ?2, ?2
           FROM json_each(?3) WHERE true ON CONFLICT DO NOTHING`,
        )
        .bind(connectionId, now, JSON.stringify(rows)),
      this.db
        .prepare(
          // `phone` answers with the address the slice asked for: a BSUID linked to a phone since the preflight is
          // found by user_id.
          `WITH asked AS (SELECT json_extract(value, '$.phone') AS address FROM json_each(?2))
           SELECT id, CASE WHEN phone IN (SELECT address FROM asked) THEN phone ELSE user_id END AS phone,
             last_inbound_at, free_entry_point_until, referral_at, opted_out_at,
             EXISTS (SELECT 1 FROM opt_outs o WHERE o.installation_id = ?3 AND o.phone = contacts.phone) AS listed
           FROM contacts
           WHERE connection_id = ?1 AND (phone IN (SELECT address FROM asked) OR user_id IN (SELECT address FROM asked))`,
        )
        .bind(connectionId, JSON.stringify(rows), installationId),
    ]);
    return read!.results as (ContactFacts & { listed: number })[];
  }

  /** BSUID → the address of the customer who holds it (their phone once linked), for BSUIDs already known. */
  async addressesOfUserIds(connectionId: string, userIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const chunk of chunks(userIds, 2_000)) {
      const { results } = await this.db
        .prepare(
          `SELECT user_id, phone FROM contacts
           WHERE connection_id = ?1 AND user_id IN (SELECT value FROM json_each(?2))`,
        )
        .bind(connectionId, JSON.stringify(chunk))
        .all<{ user_id: string; phone: string }>();
      for (const r of results) out.set(r.user_id, r.phone);
    }
    return out;
  }

  /** Existing contacts among phones (preflight: nothing is created). */
  async findContacts(connectionId: string, phones: readonly string[]): Promise<ContactFacts[]> {
    const out: ContactFacts[] = [];
    for (const chunk of chunks(phones, 2_000)) {
      const { results } = await this.db
        .prepare(
          `SELECT id, phone, last_inbound_at, free_entry_point_until, referral_at, opted_out_at FROM contacts
           WHERE connection_id = ?1 AND phone IN (SELECT value FROM json_each(?2))`,
        )
        .bind(connectionId, JSON.stringify(chunk))
        .all<ContactFacts>();
      out.push(...results);
    }
    return out;
  }

  /** The window / pricing log of many contacts at once (same rows as MessageStore.recentLog). */
  async recentLogs(contactIds: readonly string[], since: number): Promise<LogRow[]> {
    const out: LogRow[] = [];
    for (const chunk of chunks(contactIds, 2_000)) {
      const { results } = await this.db
        .prepare(
          `SELECT contact_id, direction, type, category, occurred_at FROM messages
           WHERE contact_id IN (SELECT value FROM json_each(?1)) AND occurred_at >= ?2
             AND (direction = 'inbound' OR send_state = 'sent') ORDER BY occurred_at`,
        )
        .bind(JSON.stringify(chunk), since)
        .all<LogRow>();
      out.push(...results);
    }
    return out;
  }

  /**
   * Unique customers these senders (one number, or every number of a business portfolio) wrote to in the window
   * (the messaging tier counts them), with their phones.
   */
  async recentCustomers(connectionIds: readonly string[], since: number): Promise<Set<string>> {
    const { results } = await this.db
      .prepare(
        `SELECT DISTINCT c.phone FROM messages m JOIN contacts c ON c.id = m.contact_id
         WHERE m.connection_id IN (SELECT value FROM json_each(?1)) AND m.direction = 'outbound'
           AND m.occurred_at >= ?2 AND m.send_state IN ('sending', 'sent', 'unknown')`,
      )
      .bind(JSON.stringify(connectionIds), since)
      .all<{ phone: string }>();
    return new Set(results.map((r) => r.phone));
  }

  /**
   * Customers the other live campaigns of these senders (scheduled, running, paused) will write to before `before`: their
   * recipients still pending. The tier counts them as used, or two campaigns created back to back would each see
   * the whole room.
   */
  async scheduledCustomers(connectionIds: readonly string[], before: number): Promise<Set<string>> {
    const { results } = await this.db
      .prepare(
        `SELECT DISTINCT r.phone FROM campaigns c JOIN campaign_recipients r ON r.campaign_id = c.id
         WHERE c.connection_id IN (SELECT value FROM json_each(?1)) AND c.status IN ('scheduled', 'running', 'paused')
           AND r.state = 'pending' AND COALESCE(r.send_after, c.start_at, 0) < ?2`,
      )
      .bind(JSON.stringify(connectionIds), before)
      .all<{ phone: string }>();
    return new Set(results.map((r) => r.phone));
  }

  /** Admin opt-out list of the installation. */
  async optOutList(installationId: string): Promise<Set<string>> {
    const { results } = await this.db
      .prepare('SELECT phone FROM opt_outs WHERE installation_id = ?')
      .bind(installationId)
      .all<{ phone: string }>();
    return new Set(results.map((r) => r.phone));
  }
}
