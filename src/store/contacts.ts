// Contacts per connection: the window inputs (last inbound, free entry point) and opt-in / opt-out live here.
import type { ContactWindowSummary } from '../core/window';
import { randomId } from '../security/encoding';

export interface Contact {
  id: string;
  connectionId: string;
  phone: string;
  name: string | null;
  crmContactId: string | null;
  crmConversationId: string | null;
  lastInboundAt: number | null;
  freeEntryPointUntil: number | null;
  referralAt: number | null;
  optedInAt: number | null;
  optedOutAt: number | null;
}

interface ContactRow {
  id: string;
  connection_id: string;
  phone: string;
  name: string | null;
  crm_contact_id: string | null;
  crm_conversation_id: string | null;
  last_inbound_at: number | null;
  free_entry_point_until: number | null;
  referral_at: number | null;
  opted_in_at: number | null;
  opted_out_at: number | null;
}

const toContact = (r: ContactRow): Contact => ({
  id: r.id,
  connectionId: r.connection_id,
  phone: r.phone,
  name: r.name,
  crmContactId: r.crm_contact_id,
  crmConversationId: r.crm_conversation_id,
  lastInboundAt: r.last_inbound_at,
  freeEntryPointUntil: r.free_entry_point_until,
  referralAt: r.referral_at,
  optedInAt: r.opted_in_at,
  optedOutAt: r.opted_out_at,
});

export const windowSummaryOf = (c: Contact): ContactWindowSummary => ({
  lastInboundAt: c.lastInboundAt || null,
  freeEntryPointUntil: c.freeEntryPointUntil || null,
  referralAt: c.referralAt,
});

export class ContactStore {
  constructor(private readonly db: D1Database) {}

  /** Finds or creates the contact in one statement. */
  async ensure(connectionId: string, phone: string, name: string | null, now: number): Promise<Contact> {
    const row = await this.db
      .prepare(
        `INSERT INTO contacts (id, connection_id, phone, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT (connection_id, phone) DO UPDATE SET name = COALESCE(excluded.name, name)
         RETURNING *`,
      )
      .bind(randomId('ctc'), connectionId, phone, name, now)
      .first<ContactRow>();
    return toContact(row!);
  }

  async find(connectionId: string, phone: string): Promise<Contact | null> {
    const row = await this.db
      .prepare('SELECT * FROM contacts WHERE connection_id = ? AND phone = ?')
      .bind(connectionId, phone)
      .first<ContactRow>();
    return row ? toContact(row) : null;
  }

  async get(id: string): Promise<Contact | null> {
    const row = await this.db.prepare('SELECT * FROM contacts WHERE id = ?').bind(id).first<ContactRow>();
    return row ? toContact(row) : null;
  }

  /**
   * Statement writing the window summary computed by core/window.ts. Guarded so that a late, older inbound
   * can never move the window backwards (last inbound only moves forward). With `onlyIfMessageId` (batched after
   * that message's insert) it applies only when the insert happened, so a redelivered webhook changes nothing.
   */
  windowStatement(
    contactId: string,
    summary: ContactWindowSummary,
    now: number,
    onlyIfMessageId?: string,
  ): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE contacts SET last_inbound_at = MAX(COALESCE(last_inbound_at, 0), COALESCE(?1, 0)),
           free_entry_point_until = MAX(COALESCE(free_entry_point_until, 0), COALESCE(?2, 0)),
           referral_at = ?3, updated_at = ?4
         WHERE id = ?5 AND (?6 IS NULL OR EXISTS (SELECT 1 FROM messages WHERE id = ?6))`,
      )
      .bind(
        summary.lastInboundAt,
        summary.freeEntryPointUntil,
        summary.referralAt ?? null,
        now,
        contactId,
        onlyIfMessageId ?? null,
      );
  }

  async setCrmIds(id: string, crmContactId: string | null, crmConversationId: string | null, now: number) {
    await this.db
      .prepare(
        `UPDATE contacts SET crm_contact_id = COALESCE(?1, crm_contact_id),
           crm_conversation_id = COALESCE(?2, crm_conversation_id), updated_at = ?3 WHERE id = ?4`,
      )
      .bind(crmContactId, crmConversationId, now, id)
      .run();
  }

  /**
   * Claims marking the contact's latest inbound message (not deleted by the customer) read at the provider and
   * returns its provider id, or null when there is none or it is the one marked last: two replies sent at once, or
   * a second reply without new inbound, never mark the same message twice.
   */
  async claimReadMark(id: string, now: number): Promise<string | null> {
    const row = await this.db
      .prepare(
        `UPDATE contacts SET read_marked_message_id = latest.provider_message_id, updated_at = ?2
         FROM (SELECT provider_message_id FROM messages
               WHERE contact_id = ?1 AND direction = 'inbound' AND provider_message_id IS NOT NULL
                 AND deleted_at IS NULL
               ORDER BY occurred_at DESC, created_at DESC LIMIT 1) AS latest
         WHERE contacts.id = ?1 AND contacts.read_marked_message_id IS NOT latest.provider_message_id
         RETURNING read_marked_message_id`,
      )
      .bind(id, now)
      .first<{ read_marked_message_id: string }>();
    return row?.read_marked_message_id ?? null;
  }

  async setOptOut(id: string, optedOutAt: number | null, now: number): Promise<void> {
    await this.db
      .prepare('UPDATE contacts SET opted_out_at = ?1, updated_at = ?2 WHERE id = ?3')
      .bind(optedOutAt, now, id)
      .run();
  }

  async setOptIn(id: string, optedInAt: number, now: number): Promise<void> {
    await this.db
      .prepare('UPDATE contacts SET opted_in_at = ?1, opted_out_at = NULL, updated_at = ?2 WHERE id = ?3')
      .bind(optedInAt, now, id)
      .run();
  }
}
