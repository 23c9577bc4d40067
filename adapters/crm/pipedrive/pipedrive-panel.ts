// What the Pipedrive panel shows before the agent writes: the person of the open person/deal view and which of
// their phones can receive WhatsApp (DESIGN.md §1; issue 5 item 3). Calls go to the session company's own
// api_domain with its own tokens, so another company's person can never be read.
import * as z from 'zod/mini';
import { AppError } from '../../../src/core/errors';
import { normalizePhone } from '../../../src/core/phone';
import type { CrmPanelContext, CrmPanelHooks, CrmPanelPhone, CrmPanelState } from '../crm-hooks';
import { getPersonPhones, toPipedriveId, type PanelPhone } from './pipedrive-adapter';
import { PAGE_MAX_WAIT_MS, pipedriveClientOf } from './pipedrive-client-of';

const pipedriveId = z.string().check(z.regex(/^[1-9]\d{0,15}$/, 'a Pipedrive id (positive integer)'));

const MESSAGES: Record<CrmPanelState, string> = {
  ready: 'Ready',
  choose_phone: 'This person has several phone numbers: choose the one to use on WhatsApp',
  no_phone:
    'This person has no phone number that can receive WhatsApp: add one with its country code in Pipedrive',
  no_person: 'This deal has no contact person: link a person to the deal to message them',
  not_found: 'This record no longer exists in Pipedrive',
};

function toView(phone: PanelPhone): CrmPanelPhone {
  const parsed = normalizePhone(phone.raw);
  if (parsed.ok) return { ...phone, e164: parsed.e164 };
  return {
    ...phone,
    e164: null,
    problem: parsed.reason === 'missing_country' ? 'missing_country' : 'invalid_number',
  };
}

function answer(state: CrmPanelState, rest: Omit<CrmPanelContext, 'state' | 'message'>): CrmPanelContext {
  return { state, message: MESSAGES[state], ...rest };
}

export const pipedrivePanel: CrmPanelHooks = {
  targetQuery: z.object({ personId: z.optional(pipedriveId), dealId: z.optional(pipedriveId) }),

  async context(env, { installation, target }, ports) {
    const client = pipedriveClientOf(env, installation, ports.tokenSource, { maxWaitMs: PAGE_MAX_WAIT_MS });
    const dealId = target.dealId ?? null;
    let personId = target.personId;
    if (!personId && dealId) {
      // On a deal view the panel talks to the deal's person (GET /api/v2/deals/{id} → person_id).
      const deal = await client.getDeal(toPipedriveId(dealId, 'deal'));
      if (!deal) return answer('not_found', { dealId, person: null, defaultPhone: null });
      if (!deal.person_id) return answer('no_person', { dealId, person: null, defaultPhone: null });
      personId = String(deal.person_id);
    }
    if (!personId) throw new AppError('invalid_request', 'Give personId or dealId');
    const person = await getPersonPhones(client, personId);
    if (!person) return answer('not_found', { dealId, person: null, defaultPhone: null });
    const phones = person.phones.map(toView);
    const usable = phones.filter((p) => p.e164 !== null);
    // Two entries of the same number (work and mobile) are one choice, not two.
    const distinct = new Set(usable.map((p) => p.e164));
    // A person we created for a WhatsApp username customer has no phone: the customer we linked to it is reached by
    // their BSUID (issue 11).
    const username = distinct.size === 0 ? await ports.linkedCustomer(personId) : null;
    const state: CrmPanelState =
      distinct.size === 0
        ? username
          ? 'ready'
          : 'no_phone'
        : distinct.size === 1
          ? 'ready'
          : 'choose_phone';
    return answer(state, {
      dealId,
      person: { id: person.personId, name: person.name, phones },
      defaultPhone: usable[0]?.e164 ?? username?.address ?? null,
    });
  },
};
