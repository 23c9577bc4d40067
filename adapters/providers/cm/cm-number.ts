// Phone number and reference formats CM.com expects. Kept here (not src/core/phone.ts) because these
// are CM wire formats, not E.164 rules.

/** `to[].number` is international with a `00` prefix: "00447911123456" (SDK Message.Recipients). */
export function toCmRecipient(e164: string): string {
  return `00${digitsOf(e164)}`;
}

/** `from` is the sender number, digits only (vendors/providers.md §C send example). */
export function toCmSender(e164: string): string {
  return digitsOf(e164);
}

/**
 * CM.com writes numbers as `+31…` (inbound webhooks), `0031…` (send responses, status reports) or bare
 * digits. Returns E.164, or undefined when it does not look like an international number.
 */
export function fromCmNumber(value: string | number | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  let s = String(value)
    .trim()
    .replace(/[\s()-]/g, '');
  if (s.startsWith('+')) s = s.slice(1);
  else if (s.startsWith('00')) s = s.slice(2);
  return /^[1-9]\d{6,14}$/.test(s) ? `+${s}` : undefined;
}

function digitsOf(e164: string): string {
  return e164.replace(/\D/g, '');
}

const CM_REFERENCE = /^[A-Za-z0-9]{1,32}$/;

/**
 * `reference` must be 1–32 alphanumerics (SDK Message.Reference). Our ids that already fit are used as
 * is; others get a stable 32-hex SHA-256 digest so a retry of the same message carries the same
 * reference, and status reports can be correlated back through the returned providerMessageId.
 */
export async function toCmReference(reference: string): Promise<string> {
  if (CM_REFERENCE.test(reference)) return reference;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(reference));
  return [...new Uint8Array(digest)]
    .slice(0, 16)
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}

export function isCmReference(value: string): boolean {
  return CM_REFERENCE.test(value);
}
