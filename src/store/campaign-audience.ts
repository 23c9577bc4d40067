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
          `INSERT INTO contacts (id, connection_id, phone, name, created_at, updated_at)
           SELECT json_extract(value, '$.id'), ?1, json_extract(value, '$.phone'), json_extract(value, '$.name'), ?2, ?2
           FROM json_each(?3) WHERE true ON CONFLICT (connection_id, phone) DO NOTHING`,
        )
        .bind(connectionId, now, JSON.stringify(rows)),
      this.db
        .prepare(
          `SELECT id, phone, last_inbound_at, free_entry_point_until, referral_at, opted_out_at,
             EXISTS (SELECT 1 FROM opt_outs o WHERE o.installation_id = ?3 AND o.phone = contacts.phone) AS listed
           FROM contacts
           WHERE connection_id = ?1 AND phone IN (SELECT json_extract(value, '$.phone') FROM json_each(?2))`,
        )
        .bind(connectionId, JSON.stringify(rows), installationId),
    ]);
    return read!.results as (ContactFacts & { listed: number })[];
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

  /** Unique customers this sender wrote to in the window (the messaging tier counts them), with their phones. */
  async recentCustomers(connectionId: string, since: number): Promise<Set<string>> {
    const { results } = await this.db
      .prepare(
        `SELECT DISTINCT c.phone FROM messages m JOIN contacts c ON c.id = m.contact_id
         WHERE m.connection_id = ?1 AND m.direction = 'outbound' AND m.occurred_at >= ?2
           AND m.send_state IN ('sending', 'sent', 'unknown')`,
      )
      .bind(connectionId, since)
      .all<{ phone: string }>();
    return new Set(results.map((r) => r.phone));
  }

  /**
   * Customers this sender's other live campaigns (scheduled, running, paused) will write to before `before`: their
   * recipients still pending. The tier counts them as used, or two campaigns created back to back would each see
   * the whole room.
   */
  async scheduledCustomers(connectionId: string, before: number): Promise<Set<string>> {
    const { results } = await this.db
      .prepare(
        `SELECT DISTINCT r.phone FROM campaigns c JOIN campaign_recipients r ON r.campaign_id = c.id
         WHERE c.connection_id = ?1 AND c.status IN ('scheduled', 'running', 'paused')
           AND r.state = 'pending' AND COALESCE(r.send_after, c.start_at, 0) < ?2`,
      )
      .bind(connectionId, before)
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
