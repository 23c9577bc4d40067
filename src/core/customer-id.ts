// Who a customer is (issue 11): an E.164 phone, a business-scoped user ID (BSUID), a parent BSUID, or several of
// them. A username is shown, never a key. BSUID format: ISO country code, a period, up to 128 alphanumerics
// (developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/); a parent BSUID
// adds `ENT.` (docs.360dialog.com/docs/resources/phone-numbers/usernames-and-bsuid, e.g. `US.ENT.118…`).
import { isE164 } from './phone';

const BSUID = /^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/;
const PARENT_BSUID = /^[A-Z]{2}\.ENT\.[A-Za-z0-9]{1,128}$/;

export function isBsuid(value: string): boolean {
  return BSUID.test(value);
}

export function isParentBsuid(value: string): boolean {
  return PARENT_BSUID.test(value);
}

/** A BSUID or a parent BSUID: an address that is not a phone. */
export function isUserIdAddress(value: string): boolean {
  return BSUID.test(value) || PARENT_BSUID.test(value);
}

/** What a webhook tells us about the customer; at least one of phone / userId / parentUserId is set. */
export interface CustomerIdentity {
  /** E.164. */
  phone?: string;
  /** BSUID. */
  userId?: string;
  parentUserId?: string;
  /** Display only. */
  username?: string;
}

/**
 * The address we send to and key stored rows by (contacts, opt-outs, campaign recipients): the phone when known —
 * Meta recommends sending to phones so they keep appearing in webhooks — else the BSUID, else the parent BSUID.
 */
export function addressOf(identity: CustomerIdentity): string | undefined {
  return identity.phone ?? identity.userId ?? identity.parentUserId;
}

export function hasKey(identity: CustomerIdentity): boolean {
  return addressOf(identity) !== undefined;
}

/** Reads a recipient typed by a person or a CSV: an E.164 phone stays for the caller to normalize; a BSUID is kept. */
export function classifyAddress(value: string): 'user_id' | 'phone' | 'other' {
  const v = value.trim();
  if (isUserIdAddress(v)) return 'user_id';
  return isE164(v) || /^[+0-9\s().\-/]+$/.test(v.replace(/^(whatsapp|tel):/i, '')) ? 'phone' : 'other';
}

export const PHONE_REQUIRED_AUTH_REASON =
  'Authentication templates need the customer’s phone number; this customer shares only a WhatsApp username';
export const PHONE_REQUIRED_PROVIDER_REASON =
  'This WhatsApp provider can only reach customers by phone number; this customer shares only a WhatsApp username';

/**
 * Why a send to this customer needs a phone we do not have, or null. Meta: one-tap, zero-tap and copy-code
 * authentication templates still require a phone number (Meta's BSUID page, error 131062); a provider that cannot
 * address BSUIDs (CM.com) needs one for everything.
 */
export function phoneRequiredReason(input: {
  hasPhone: boolean;
  providerReachesUserIds: boolean;
  templateCategory?: string;
}): string | null {
  if (input.hasPhone) return null;
  if (!input.providerReachesUserIds) return PHONE_REQUIRED_PROVIDER_REASON;
  if (input.templateCategory === 'AUTHENTICATION') return PHONE_REQUIRED_AUTH_REASON;
  return null;
}
