// One customer per person and connection, whatever they are known by (issue 11): E.164 phone, BSUID, parent BSUID.
// The key column `phone` holds the address (migrations/0010_customer_ids.sql). When a webhook links keys that were two
// records (a customer first seen by phone, then by BSUID alone), the two are merged in one D1 batch: the thread, the
// window, opt-out and CRM link move onto the record that stays, so nothing is half-written.
import { isE164 } from '../core/phone';
import type { CustomerIdentity } from '../core/customer-id';
import { randomId } from '../security/encoding';
import type { ContactRow } from './contact-row';
import { movePhoneLinkStatement, owePhoneLinkStatement } from './phone-links';

/** Rows holding any of the identity's keys, the best match first (the phone's record, then the oldest). */
export async function findCandidates(
  db: D1Database,
  connectionId: string,
  identity: CustomerIdentity,
): Promise<ContactRow[]> {
  const phone = identity.phone ?? null;
  const userId = identity.userId ?? null;
  const parent = identity.parentUserId ?? null;
  if (!phone && !userId && !parent) return [];
  const { results } = await db
    .prepare(
      `SELECT * FROM contacts WHERE connection_id = ?1
         AND (phone = ?2 OR phone = ?3 OR user_id = ?3 OR phone = ?4 OR parent_user_id = ?4)
       ORDER BY (phone = ?2) DESC, (user_id = ?3) DESC, created_at, id`,
    )
    .bind(connectionId, phone, userId, parent)
    .all<ContactRow>();
  return results;
}

interface Keys {
  address: string;
  userId: string | null;
  parentUserId: string | null;
}

/** The keys the kept record ends with: a known phone wins as address (Meta recommends sending to phones). */
function mergedKeys(keeper: ContactRow, identity: CustomerIdentity): Keys {
  const keeperPhone = isE164(keeper.phone) ? keeper.phone : undefined;
  const userId = identity.userId ?? keeper.user_id ?? null;
  const parentUserId = identity.parentUserId ?? keeper.parent_user_id ?? null;
  const address = identity.phone ?? keeperPhone ?? userId ?? parentUserId ?? keeper.phone;
  return { address, userId, parentUserId };
}

/**
 * Two records of one person may each be linked to a CRM record (e.g. a HighLevel contact made by phone and another
 * made for the same person's WhatsApp username before we knew they were one): the OLDER record's link stays (the one
 * the CRM has held longest, with most of the history), the other CRM record is left as it is and named in a note on
 * the thread (relay-inbound). The contact id and its conversation id always move together.
 */
const OTHER_CRM_WINS = `o.crm_contact_id IS NOT NULL AND (contacts.crm_contact_id IS NULL OR o.created_at < contacts.created_at)`;

/** Statements folding `other` into `keeper`: window, opt-in/out and CRM link, then the thread, then the row. */
function mergeStatements(
  db: D1Database,
  keeperId: string,
  otherId: string,
  now: number,
): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `UPDATE contacts SET
           last_inbound_at = NULLIF(MAX(COALESCE(contacts.last_inbound_at, 0), COALESCE(o.last_inbound_at, 0)), 0),
           free_entry_point_until = NULLIF(MAX(COALESCE(contacts.free_entry_point_until, 0),
             COALESCE(o.free_entry_point_until, 0)), 0),
           referral_at = COALESCE(contacts.referral_at, o.referral_at),
           opted_in_at = COALESCE(contacts.opted_in_at, o.opted_in_at),
           opted_out_at = COALESCE(contacts.opted_out_at, o.opted_out_at),
           crm_contact_id = CASE WHEN ${OTHER_CRM_WINS} THEN o.crm_contact_id ELSE contacts.crm_contact_id END,
           crm_conversation_id = CASE WHEN ${OTHER_CRM_WINS} THEN o.crm_conversation_id
             ELSE contacts.crm_conversation_id END,
           created_at = MIN(contacts.created_at, o.created_at),
           name = COALESCE(contacts.name, o.name),
           username = COALESCE(contacts.username, o.username),
           updated_at = ?3
         FROM (SELECT * FROM contacts WHERE id = ?2) AS o
         WHERE contacts.id = ?1`,
      )
      .bind(keeperId, otherId, now),
    db.prepare('UPDATE messages SET contact_id = ?1 WHERE contact_id = ?2').bind(keeperId, otherId),
    // The customer's WhatsApp marketing stop / resume (issue 12 item 1, migrations/0017): the newer one is kept.
    db
      .prepare(
        `INSERT INTO marketing_preferences (contact_id, connection_id, stopped, source, detail, changed_at, crm_sync,
           updated_at)
         SELECT ?1, connection_id, stopped, source, detail, changed_at, crm_sync, ?3
         FROM marketing_preferences WHERE contact_id = ?2 AND true
         ON CONFLICT (contact_id) DO UPDATE SET stopped = excluded.stopped, source = excluded.source,
           detail = excluded.detail, changed_at = excluded.changed_at, crm_sync = excluded.crm_sync,
           updated_at = excluded.updated_at
         WHERE excluded.changed_at > marketing_preferences.changed_at`,
      )
      .bind(keeperId, otherId, now),
    // A CRM phone link still owed (migrations/0025) moves with the record, before the row's delete cascades.
    movePhoneLinkStatement(db, keeperId, otherId),
    // Free the keys first, so the unique indexes allow the keeper to take them in the same batch.
    db
      .prepare(
        "UPDATE contacts SET phone = 'merged:' || id, user_id = NULL, parent_user_id = NULL WHERE id = ?1",
      )
      .bind(otherId),
    db.prepare('DELETE FROM contacts WHERE id = ?1').bind(otherId),
  ];
}

function keysStatement(
  db: D1Database,
  id: string,
  keys: Keys,
  extra: { name?: string | null; username?: string | null },
  now: number,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE contacts SET phone = ?2, user_id = ?3, parent_user_id = ?4, name = COALESCE(?5, name),
         username = COALESCE(?6, username), updated_at = ?7
       WHERE id = ?1 RETURNING *`,
    )
    .bind(id, keys.address, keys.userId, keys.parentUserId, extra.name ?? null, extra.username ?? null, now);
}

/** A stored row, and whether this call gave a CRM-linked customer their first phone (the CRM contact needs it). */
export interface ResolvedRow {
  row: ContactRow;
  phoneLinked: boolean;
  /** Merged records that were linked to other CRM records than the one kept (left in the CRM as they are). */
  otherCrmContactIds?: string[];
}

/** The record whose CRM link a merge keeps: the oldest linked one (see OTHER_CRM_WINS). */
function crmKeeperOf(rows: ContactRow[]): ContactRow | undefined {
  return rows
    .filter((r) => r.crm_contact_id)
    .sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1))[0];
}

async function applyKeys(
  db: D1Database,
  keeper: ContactRow,
  others: ContactRow[],
  keys: Keys,
  extra: { name?: string | null; username?: string | null },
  now: number,
): Promise<ResolvedRow> {
  const rows = [keeper, ...others];
  const crmKeeper = crmKeeperOf(rows);
  // The CRM record that stays has no phone yet (a username customer's) while the customer now has one.
  const phoneLinked = !!crmKeeper && !isE164(crmKeeper.phone) && isE164(keys.address);
  const otherCrmContactIds = [
    ...new Set(
      rows
        .map((r) => r.crm_contact_id)
        .filter((id): id is string => !!id && id !== crmKeeper?.crm_contact_id),
    ),
  ];
  // The CRM write this owes is stored with the merge (one batch): a crash before the job is enqueued strands nothing.
  const owed = phoneLinked ? [owePhoneLinkStatement(db, keeper.id, now)] : [];
  return {
    row: await writeKeys(db, keeper, others, keys, extra, now, owed),
    phoneLinked,
    ...(otherCrmContactIds.length ? { otherCrmContactIds } : {}),
  };
}

async function writeKeys(
  db: D1Database,
  keeper: ContactRow,
  others: ContactRow[],
  keys: Keys,
  extra: { name?: string | null; username?: string | null },
  now: number,
  owed: D1PreparedStatement[] = [],
): Promise<ContactRow> {
  const unchanged =
    others.length === 0 &&
    keys.address === keeper.phone &&
    keys.userId === (keeper.user_id ?? null) &&
    keys.parentUserId === (keeper.parent_user_id ?? null) &&
    (extra.name == null || extra.name === keeper.name) &&
    (extra.username == null || extra.username === keeper.username);
  if (unchanged && !owed.length) return keeper;
  const statements = others.flatMap((o) => mergeStatements(db, keeper.id, o.id, now));
  if (others.length) {
    console.info(
      JSON.stringify({
        level: 'info',
        msg: 'customer records merged',
        keeper: keeper.id,
        merged: others.length,
      }),
    );
  }
  const results = await db.batch<ContactRow>([
    ...statements,
    ...owed,
    keysStatement(db, keeper.id, keys, extra, now),
  ]);
  return results.at(-1)!.results[0]!;
}

export async function resolveContact(
  db: D1Database,
  connectionId: string,
  identity: CustomerIdentity,
  extra: { name?: string | null; username?: string | null },
  now: number,
): Promise<ResolvedRow> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const rows = await findCandidates(db, connectionId, identity);
    if (rows.length) {
      const [keeper, ...others] = rows;
      return applyKeys(
        db,
        keeper!,
        others,
        mergedKeys(keeper!, identity),
        {
          ...extra,
          username: extra.username ?? identity.username,
        },
        now,
      );
    }
    const address = identity.phone ?? identity.userId ?? identity.parentUserId;
    if (!address) throw new RangeError('A customer needs a phone or a business-scoped user ID');
    const row = await db
      .prepare(
        `INSERT INTO contacts (id, connection_id, phone, user_id, parent_user_id, username, name, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) ON CONFLICT DO NOTHING RETURNING *`,
      )
      .bind(
        randomId('ctc'),
        connectionId,
        address,
        identity.userId ?? null,
        identity.parentUserId ?? null,
        extra.username ?? identity.username ?? null,
        extra.name ?? null,
        now,
      )
      .first<ContactRow>();
    if (row) return { row, phoneLinked: false };
    // Lost a race with a concurrent insert of the same key: read again.
  }
  throw new Error('Could not store the customer');
}

/**
 * Re-keys the record found by `previous`: the new phone and / or BSUID replace the old ones (a record already holding
 * a new key is merged into it). The found record stays, so its thread, window and CRM link stay.
 */
export async function rekeyContact(
  db: D1Database,
  connectionId: string,
  previous: CustomerIdentity,
  next: CustomerIdentity,
  now: number,
): Promise<ResolvedRow | null> {
  const [keeper] = await findCandidates(db, connectionId, previous);
  if (!keeper) return null;
  const holders = (await findCandidates(db, connectionId, { ...next, username: undefined })).filter(
    (r) => r.id !== keeper.id,
  );
  const keeperPhone = isE164(keeper.phone) ? keeper.phone : undefined;
  const phone = next.phone ?? keeperPhone;
  const userId = next.userId ?? keeper.user_id ?? null;
  const parentUserId = next.parentUserId ?? keeper.parent_user_id ?? null;
  const address = phone ?? userId ?? parentUserId ?? keeper.phone;
  return applyKeys(db, keeper, holders, { address, userId, parentUserId }, {}, now);
}
