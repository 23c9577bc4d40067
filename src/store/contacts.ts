// Contacts per connection: the window inputs (last inbound, free entry point) and opt-in / opt-out live here.
// A contact is a customer known by phone, BSUID and / or parent BSUID (issue 11); `address` (column `phone`, see
// migrations/0010) is the phone when known, else the BSUID. Finding and linking them: contact-identity.ts.
import { isE164 } from '../core/phone';
import type { CustomerIdentity } from '../core/customer-id';
import type { ContactWindowSummary } from '../core/window';
import { findCandidates, resolveContact, rekeyContact } from './contact-identity';
import type { ContactRow } from './contact-row';

export interface Contact {
  id: string;
  connectionId: string;
  /** Where we send: the E.164 phone when known, else the BSUID (or parent BSUID). */
  address: string;
  /** E.164, or null for a customer who shares only a username / BSUID. */
  phone: string | null;
  userId: string | null;
  parentUserId: string | null;
  username: string | null;
  name: string | null;
  crmContactId: string | null;
  crmConversationId: string | null;
  lastInboundAt: number | null;
  freeEntryPointUntil: number | null;
  referralAt: number | null;
  optedInAt: number | null;
  optedOutAt: number | null;
}

export const toContact = (r: ContactRow): Contact => ({
  id: r.id,
  connectionId: r.connection_id,
  address: r.phone,
  phone: isE164(r.phone) ? r.phone : null,
  userId: r.user_id ?? null,
  parentUserId: r.parent_user_id ?? null,
  username: r.username ?? null,
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

/** The customer, and whether this call gave a CRM-linked customer their first phone (issue 11). */
export interface ResolvedContact {
  contact: Contact;
  phoneLinked: boolean;
  /** CRM records of merged duplicates that were not kept (the oldest linked record is). */
  otherCrmContactIds?: string[];
}

/** An address typed or stored (E.164 or BSUID) as an identity to look up. */
export function identityOfAddress(address: string): CustomerIdentity {
  if (isE164(address)) return { phone: address };
  return /^[A-Z]{2}\.ENT\./.test(address) ? { parentUserId: address } : { userId: address };
}

export class ContactStore {
  constructor(private readonly db: D1Database) {}

  /** Finds or creates the customer at an address (E.164 phone or BSUID), e.g. typed by an agent or a CSV row. */
  async ensure(connectionId: string, address: string, name: string | null, now: number): Promise<Contact> {
    return (await this.resolve(connectionId, identityOfAddress(address), { name }, now)).contact;
  }

  /**
   * Finds the customer by any of the identity's keys, links the keys it did not have yet (a phone appearing for a
   * BSUID customer, a BSUID for a phone customer), merges two records that turn out to be one person (thread,
   * window, opt-out, CRM link kept), or creates the customer.
   */
  async resolve(
    connectionId: string,
    identity: CustomerIdentity,
    extra: { name?: string | null; username?: string | null },
    now: number,
  ): Promise<ResolvedContact> {
    const { row, ...resolved } = await resolveContact(this.db, connectionId, identity, extra, now);
    return { contact: toContact(row), ...resolved };
  }

  /**
   * Re-keys the customer known by `previous` to `next` (new phone or new BSUID, Meta `user_changed_*`), keeping the
   * record, so thread, window and CRM link stay. Null when no such customer is stored yet.
   */
  async rekey(
    connectionId: string,
    previous: CustomerIdentity,
    next: CustomerIdentity,
    now: number,
  ): Promise<ResolvedContact | null> {
    const resolved = await rekeyContact(this.db, connectionId, previous, next, now);
    if (!resolved) return null;
    const { row, ...rest } = resolved;
    return { contact: toContact(row), ...rest };
  }

  /** The customer at an address: phone, BSUID or parent BSUID. */
  async find(connectionId: string, address: string): Promise<Contact | null> {
    const [row] = await findCandidates(this.db, connectionId, identityOfAddress(address));
    return row ? toContact(row) : null;
  }

  /** The customer linked to a CRM contact (HighLevel contact id / Pipedrive person id) on this connection. */
  async findByCrmContactId(connectionId: string, crmContactId: string): Promise<Contact | null> {
    const row = await this.db
      .prepare(
        'SELECT * FROM contacts WHERE connection_id = ? AND crm_contact_id = ? ORDER BY created_at LIMIT 1',
      )
      .bind(connectionId, crmContactId)
      .first<ContactRow>();
    return row ? toContact(row) : null;
  }

  /** The customer of any of the installation's numbers linked to a CRM contact / person. */
  async findByCrmContactIdIn(installationId: string, crmContactId: string): Promise<Contact | null> {
    const row = await this.db
      .prepare(
        `SELECT c.* FROM contacts c JOIN connections n ON n.id = c.connection_id
         WHERE n.installation_id = ? AND c.crm_contact_id = ? ORDER BY c.created_at LIMIT 1`,
      )
      .bind(installationId, crmContactId)
      .first<ContactRow>();
    return row ? toContact(row) : null;
  }

  /** Customers at any of these addresses, one per address found (campaign slices, preflight). */
  async findMany(connectionId: string, addresses: string[]): Promise<Map<string, Contact>> {
    const out = new Map<string, Contact>();
    if (!addresses.length) return out;
    const { results } = await this.db
      .prepare(
        `SELECT * FROM contacts WHERE connection_id = ?1 AND (
           phone IN (SELECT value FROM json_each(?2)) OR user_id IN (SELECT value FROM json_each(?2)))`,
      )
      .bind(connectionId, JSON.stringify(addresses))
      .all<ContactRow>();
    for (const row of results) {
      const contact = toContact(row);
      out.set(contact.address, contact);
      if (contact.userId && !out.has(contact.userId)) out.set(contact.userId, contact);
    }
    return out;
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
    await this.setCrmIdsStatement(id, crmContactId, crmConversationId, now).run();
  }

  setCrmIdsStatement(
    id: string,
    crmContactId: string | null,
    crmConversationId: string | null,
    now: number,
  ): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE contacts SET crm_contact_id = COALESCE(?1, crm_contact_id),
           crm_conversation_id = COALESCE(?2, crm_conversation_id), updated_at = ?3 WHERE id = ?4`,
      )
      .bind(crmContactId, crmConversationId, now, id);
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
