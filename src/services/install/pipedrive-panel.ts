// What the Pipedrive panel shows before the agent writes: the person of the open person/deal view and which of
// their phones can receive WhatsApp (DESIGN.md §1; issue 5 item 3). Calls go to the session company's own
// api_domain with its own tokens, so another company's person can never be read.
import {
  getPersonPhones,
  toPipedriveId,
  type PanelPhone,
  type PipedriveClient,
} from '../../../adapters/crm/pipedrive';
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import { normalizePhone } from '../../core/phone';
import type { Installation, InstallationSettings } from '../../store/installations';
import { pipedriveClientOf } from '../../../adapters/crm/pipedrive/pipedrive-module';
import { crmEnvironment, crmTokenSource } from '../crm/crm';

/** A client for one Pipedrive installation; refresh before expiry and on 401 is serialized per installation. */
export function pipedriveClientFor(ctx: AppContext, installation: Installation): PipedriveClient {
  if (installation.crm !== 'pipedrive')
    throw new AppError('conflict', 'This page is for Pipedrive installations');
  // The agent is waiting on the panel: never sit out a long rate-limit window inline.
  return pipedriveClientOf(crmEnvironment(ctx), installation, crmTokenSource(ctx, installation), {
    maxWaitMs: 2_000,
  });
}

export interface PanelPhoneView extends PanelPhone {
  /** E.164 when the number can receive WhatsApp; null when it lacks a country code or is not a number. */
  e164: string | null;
  problem?: 'missing_country' | 'invalid_number';
}

/**
 * `ready`: one usable phone; `choose_phone`: several, the agent picks; `no_phone`: the person has no usable
 * phone; `no_person`: the deal has no person; `not_found`: the person or deal no longer exists.
 */
export type PanelState = 'ready' | 'choose_phone' | 'no_phone' | 'no_person' | 'not_found';

export interface PanelContext {
  state: PanelState;
  message: string;
  dealId: string | null;
  person: { id: string; name: string; phones: PanelPhoneView[] } | null;
  /** The phone to preselect: the primary usable one. */
  defaultPhone: string | null;
}

const MESSAGES: Record<PanelState, string> = {
  ready: 'Ready',
  choose_phone: 'This person has several phone numbers: choose the one to use on WhatsApp',
  no_phone:
    'This person has no phone number that can receive WhatsApp: add one with its country code in Pipedrive',
  no_person: 'This deal has no contact person: link a person to the deal to message them',
  not_found: 'This record no longer exists in Pipedrive',
};

function toView(phone: PanelPhone): PanelPhoneView {
  const parsed = normalizePhone(phone.raw);
  if (parsed.ok) return { ...phone, e164: parsed.e164 };
  return {
    ...phone,
    e164: null,
    problem: parsed.reason === 'missing_country' ? 'missing_country' : 'invalid_number',
  };
}

function answer(state: PanelState, rest: Omit<PanelContext, 'state' | 'message'>): PanelContext {
  return { state, message: MESSAGES[state], ...rest };
}

export async function loadPanelContext(
  ctx: AppContext,
  installation: Installation,
  target: { personId?: string; dealId?: string },
): Promise<PanelContext> {
  const client = pipedriveClientFor(ctx, installation);
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
  const username =
    distinct.size === 0 ? await ctx.contacts.findByCrmContactIdIn(installation.id, personId) : null;
  const state: PanelState =
    distinct.size === 0 ? (username ? 'ready' : 'no_phone') : distinct.size === 1 ? 'ready' : 'choose_phone';
  return answer(state, {
    dealId,
    person: { id: person.personId, name: person.name, phones },
    defaultPhone: usable[0]?.e164 ?? username?.address ?? null,
  });
}

/** Installation settings an admin may change from the settings page. */
export interface SettingsPatch {
  createUnknownPersons?: boolean;
}

export async function updateInstallationSettings(
  ctx: AppContext,
  installation: Installation,
  patch: SettingsPatch,
): Promise<InstallationSettings> {
  const { installations } = await ctx.secretStores();
  const settings: InstallationSettings = { ...installation.settings };
  if (patch.createUnknownPersons !== undefined) settings.createUnknownPersons = patch.createUnknownPersons;
  await installations.updateSettings(installation.id, settings, ctx.now());
  return settings;
}

/** Settings as the pages read them, with the defaults filled in. */
export function effectiveSettings(installation: Installation) {
  return {
    crm: installation.crm,
    createUnknownPersons: installation.settings.createUnknownPersons ?? true,
  };
}
