// CrmAdapter for Pipedrive: every WhatsApp message becomes a note on the person (and the deal it was sent from);
// status changes rewrite that note. Plus the lookups the sidebar panel needs (DESIGN.md §1, vendors/pipedrive.md §4).
import { AppError } from '../../../src/core/errors';
import type { CrmAdapter, CrmDeliveryResult, CrmMessageChange, CrmMessageRecord } from '../types';
import { marketingPreferenceNote, marketingPreferenceRef } from './render-pipedrive-note';
import type { PersonPhone, PersonSearchItem } from './pipedrive-api';
import type { PipedriveClient } from './pipedrive-client';
import { findLoggedNote } from './find-logged-note';
import { VendorHttpError } from '../../shared/vendor-http-error';
import { renderPipedriveNote } from './render-pipedrive-note';

export interface PipedriveAdapterOptions {
  client: PipedriveClient;
  /** Installation setting: create a person for a phone Pipedrive does not know yet. */
  createUnknownPersons: boolean;
}

export interface PanelPhone {
  /** Cleaned for dialing: `+` and digits only when the CRM value had a country code ("E.164-ish"). */
  value: string;
  /** As typed in Pipedrive. */
  raw: string;
  label?: string;
  primary: boolean;
}

export interface PanelPerson {
  personId: string;
  name: string;
  phones: PanelPhone[];
}

/** Pipedrive ids are integers; ours travel as strings. */
export function toPipedriveId(value: string | number, what: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new AppError('invalid_request', `Invalid Pipedrive ${what} id: ${value}`);
  return n;
}

const digits = (phone: string) => phone.replace(/\D/g, '');

/** "+372 555-5555" → "+3725555555"; "00372…" → "+372…"; numbers without a country code stay digits only. */
export function cleanPhone(raw: string): string {
  const trimmed = raw.trim();
  if (trimmed.startsWith('+')) return `+${digits(trimmed)}`;
  if (trimmed.startsWith('00')) return `+${digits(trimmed).slice(2)}`;
  return digits(trimmed);
}

/** Among search hits, prefer a person whose stored phone has exactly the customer's digits. */
function pickPerson(items: PersonSearchItem[], e164: string): PersonSearchItem | undefined {
  const target = digits(e164);
  return items.find((i) => (i.phones ?? []).some((p) => digits(cleanPhone(p)) === target)) ?? items[0];
}

/** "Sheena (@sheena.shop) · WhatsApp US.1349…": who the person is, and the key that finds them. */
export function usernamePersonName(record: CrmMessageRecord, userId: string): string {
  const username = record.customerUsername ? `@${record.customerUsername}` : undefined;
  const name = record.customerName?.trim();
  const who = name && username ? `${name} (${username})` : (name ?? username ?? 'WhatsApp user');
  return `${who} · WhatsApp ${userId}`;
}

export function createPipedriveAdapter(options: PipedriveAdapterOptions): CrmAdapter {
  const { client } = options;

  async function findPersonId(phone: string): Promise<number | undefined> {
    // Persons keep phones as typed. Search the E.164 form first, then the bare digits (stored without "+").
    const byE164 = await client.searchPersonsByPhone(phone);
    const hit =
      pickPerson(byE164, phone) ?? pickPerson(await client.searchPersonsByPhone(digits(phone)), phone);
    return hit?.id;
  }

  async function resolvePersonId(record: CrmMessageRecord): Promise<number | undefined> {
    if (record.crmContactId) return toPipedriveId(record.crmContactId, 'person');
    const phone = record.customerPhone;
    if (!phone) return resolveUsernamePerson(record);
    const found = await findPersonId(phone);
    if (found !== undefined || !options.createUnknownPersons) return found;
    const created = await client.createPerson({
      name: record.customerName?.trim() || phone,
      phones: [{ value: phone, primary: true }],
    });
    return created.id;
  }

  /**
   * A customer with a WhatsApp username and no phone (issue 11): a person without phone whose name carries the
   * username and BSUID (visible to agents, found again by a name search), looked up before one is created.
   */
  async function resolveUsernamePerson(record: CrmMessageRecord): Promise<number | undefined> {
    const userId = record.customerUserId;
    if (!userId) return undefined;
    const hit = (await client.searchPersonsByName(userId)).find((p) => (p.name ?? '').includes(userId));
    if (hit || !options.createUnknownPersons) return hit?.id;
    const created = await client.createPerson({ name: usernamePersonName(record, userId), phones: [] });
    return created.id;
  }

  async function createNote(
    content: string,
    personId: number | undefined,
    dealId: number | undefined,
    addTime?: string,
  ) {
    const dated = addTime ? { add_time: addTime } : {};
    try {
      return await client.createNote({ content, person_id: personId, deal_id: dealId, ...dated });
    } catch (error) {
      // A deleted deal (or a deal the token may not touch) must not lose the message: keep it on the person.
      const refused =
        error instanceof VendorHttpError &&
        !error.retryable &&
        [400, 403, 404].includes(error.httpStatus ?? 0);
      if (refused && dealId !== undefined && personId !== undefined) {
        return client.createNote({ content, person_id: personId, ...dated });
      }
      throw error;
    }
  }

  return {
    crm: 'pipedrive',

    /**
     * WhatsApp marketing stop / resume (issue 12 item 1): a note on the person, where agents read the conversation.
     * No label: person labels are account-defined options (a field to create first), not worth it for one flag.
     */
    async recordMarketingPreference(customer, preference): Promise<CrmDeliveryResult> {
      const personId = await resolvePersonId({
        ...customer,
        messageId: '',
        direction: 'inbound',
        text: '',
        attachments: [],
        occurredAt: preference.at,
        status: 'delivered',
        origin: 'customer',
      });
      if (personId === undefined) return {};
      // No idempotency key on POST /v1/notes: a retry after a lost answer looks the change's note up first (the
      // change is at least as old as any attempt, so the lookup reads back to it).
      const ref = marketingPreferenceRef(preference);
      if (await findLoggedNote(client, { personId }, ref, preference.at))
        return { crmContactId: String(personId) };
      await client.createNote({ content: marketingPreferenceNote(preference), person_id: personId });
      return { crmContactId: String(personId) };
    },

    /** A username customer's phone, shared later, goes onto the same person (created without phones). */
    async linkPhone(crmContactId: string, phone: string): Promise<void> {
      await client.setPersonPhones(toPipedriveId(crmContactId, 'person'), [{ value: phone, primary: true }]);
    },

    async recordMessage(record: CrmMessageRecord): Promise<CrmDeliveryResult> {
      const content = renderPipedriveNote(record);
      if (record.crmMessageId) {
        // Already delivered once (retry, or a re-render): update the same note instead of adding a duplicate.
        await client.updateNote(toPipedriveId(record.crmMessageId, 'note'), { content });
        return { crmMessageId: record.crmMessageId, crmContactId: record.crmContactId };
      }
      const dealId = record.crmDealId ? toPipedriveId(record.crmDealId, 'deal') : undefined;
      const personId = await resolvePersonId(record);
      // Unknown person, creation disabled, no deal: nothing in Pipedrive to attach the message to.
      if (personId === undefined && dealId === undefined) return {};
      const crmContactId = personId === undefined ? undefined : String(personId);
      // Coexistence messages (typed in the WhatsApp Business app, or imported past chats) are dated when they were
      // written, so the person's timeline keeps them in order whatever order they reach Pipedrive in.
      const addTime = record.coexistence ? pipedriveTime(record.occurredAt) : undefined;
      if (record.crmWriteUncertainSince !== undefined) {
        // An earlier POST lost its answer: Pipedrive may hold the note already. Only an absent note is posted.
        const where = { personId, dealId };
        // A dated note sorts at its own time, not at the lost attempt's: look back to it.
        const since = addTime
          ? Math.min(record.crmWriteUncertainSince, record.occurredAt)
          : record.crmWriteUncertainSince;
        const logged = await findLoggedNote(client, where, record.messageId, since);
        if (logged) {
          // Written before this status was known: bring it up to date (a deleted note stays deleted).
          await client.updateNote(logged.id, { content });
          return { crmMessageId: String(logged.id), crmContactId };
        }
      }
      // One note linked to both person and deal shows in both timelines (POST /v1/notes takes person_id + deal_id).
      const note = await createNote(content, personId, dealId, addTime);
      return { crmMessageId: String(note.id), crmContactId };
    },

    async recordStatus(record: CrmMessageRecord): Promise<void> {
      // No note was written (unknown person and creation disabled): nothing to update.
      if (!record.crmMessageId) return;
      // PUT /v1/notes/{id}; a note the agent deleted (404) stays deleted.
      await client.updateNote(toPipedriveId(record.crmMessageId, 'note'), {
        content: renderPipedriveNote(record),
      });
    },

    async recordChange(record: CrmMessageRecord, _change: CrmMessageChange): Promise<CrmDeliveryResult> {
      // Pipedrive can edit a note (PUT /v1/notes/{id}): the note is rewritten with the new text, or without the
      // deleted content, and says when the customer edited or deleted it. Idempotent, so a retry is harmless.
      if (!record.crmMessageId) return {};
      await client.updateNote(toPipedriveId(record.crmMessageId, 'note'), {
        content: renderPipedriveNote(record),
      });
      return { crmMessageId: record.crmMessageId };
    },
  };
}

function toPanelPhone(phone: PersonPhone): PanelPhone {
  return {
    value: cleanPhone(phone.value),
    raw: phone.value,
    label: phone.label ?? undefined,
    primary: phone.primary === true,
  };
}

/** The person shown in a panel: name and phones (primary first). null if the person no longer exists. */
export async function getPersonPhones(
  client: PipedriveClient,
  personId: string | number,
): Promise<PanelPerson | null> {
  const person = await client.getPerson(toPipedriveId(personId, 'person'));
  if (!person || person.is_deleted) return null;
  const phones = (person.phones ?? [])
    .filter((p) => digits(p.value).length > 0)
    .map(toPanelPhone)
    .sort((a, b) => Number(b.primary) - Number(a.primary));
  return { personId: String(person.id), name: person.name ?? '', phones };
}

/** The person linked to a deal (panel on a deal view), or null if the deal has none or is gone. */
export async function resolveDealPerson(
  client: PipedriveClient,
  dealId: string | number,
): Promise<string | null> {
  const deal = await client.getDeal(toPipedriveId(dealId, 'deal'));
  return deal?.person_id ? String(deal.person_id) : null;
}

/** Pipedrive v1 time: "YYYY-MM-DD HH:MM:SS" UTC. */
function pipedriveTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}
