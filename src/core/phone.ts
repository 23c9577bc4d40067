// E.164 normalization (DESIGN.md §3.5). `min` metadata keeps it small (~80 kB raw vs ~145 kB for `max`): it
// checks lengths and leading digits, not every number range; the provider rejects the rest. Its number formats
// are left out too (scripts/build-phone-metadata.ts): we never format. The metadata is not compiled in (issue 13,
// ≈ 10 KiB of the Worker bundle gzipped): it is data handed in once at start-up — by the Worker from its static
// assets (public/data/phone-metadata.json, src/platform/phone-metadata.ts), by Node from that file
// (scripts/build-phone-metadata.ts). Parsing before it is there throws, never answers "invalid number".
import { parsePhoneNumberFromString as parseWith } from 'libphonenumber-js/core';
import type { CountryCode, MetadataJson } from 'libphonenumber-js/core';

let metadata: MetadataJson | undefined;

/** Installs the numbering metadata (libphonenumber-js `min` JSON); refuses anything not shaped like it. */
export function setPhoneMetadata(value: unknown): void {
  const m = value as Partial<MetadataJson> | null;
  if (!m || typeof m !== 'object' || typeof m.countries !== 'object' || !m.country_calling_codes)
    throw new TypeError('Not libphonenumber-js metadata (countries, country_calling_codes)');
  metadata = m as MetadataJson;
}

export const hasPhoneMetadata = (): boolean => metadata !== undefined;

function parsePhoneNumberFromString(text: string, options: { defaultCountry?: CountryCode }) {
  if (!metadata) throw new Error('Phone metadata not loaded (setPhoneMetadata at start-up)');
  return parseWith(text, options, metadata);
}

export type PhoneResult =
  | { ok: true; e164: string; country?: string }
  | { ok: false; reason: 'empty' | 'invalid_characters' | 'missing_country' | 'invalid_number' };

const E164 = /^\+[1-9][0-9]{6,14}$/;
const ALLOWED = /^[0-9+\s().\-/]+$/;

/**
 * Normalizes a phone number to E.164. Accepts `+39 333 …`, Twilio's `whatsapp:+…`, `tel:`, the `00`
 * international prefix, and Meta's wa_id (digits, no plus) when no default country is given.
 */
export function normalizePhone(input: string, defaultCountry?: string): PhoneResult {
  let text = input
    .trim()
    .replace(/^(whatsapp|tel):/i, '')
    .trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (!ALLOWED.test(text) || text.lastIndexOf('+') > 0) return { ok: false, reason: 'invalid_characters' };
  if (text.startsWith('00')) text = `+${text.slice(2)}`;
  const country = defaultCountry?.toUpperCase() as CountryCode | undefined;

  const candidates: string[] = [text];
  // Digits alone without a country are an international number missing its plus (Meta wa_id, CM.com reports).
  if (!text.startsWith('+')) {
    if (country) candidates.push(`+${text}`);
    else if (/^\(?0/.test(text))
      return { ok: false, reason: 'missing_country' }; // national trunk prefix
    else candidates[0] = `+${text}`;
  }
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate, country ? { defaultCountry: country } : {});
    if (parsed?.isValid()) {
      const e164 = parsed.number;
      return parsed.country ? { ok: true, e164, country: parsed.country } : { ok: true, e164 };
    }
  }
  return { ok: false, reason: 'invalid_number' };
}

export function isE164(value: string): boolean {
  return E164.test(value);
}

function requireE164(e164: string): string {
  if (!E164.test(e164)) throw new RangeError(`Not an E.164 number: ${e164}`);
  return e164.slice(1);
}

/** Meta wa_id form: the E.164 digits without the plus. */
export function toDigits(e164: string): string {
  return requireE164(e164);
}

/** CM.com `to[].number` form: `00` then the E.164 digits (vendors/providers.md). */
export function toCmNumber(e164: string): string {
  return `00${requireE164(e164)}`;
}
