// The simulators' business-scoped user IDs (issue 11). Meta gives every WhatsApp user a BSUID since April 2026 and
// sends it with every message (vendors/whatsapp-2026.md §1.1); Twilio forwards it as ExternalUserId (§2). A customer
// a test knows by phone only gets a stable BSUID derived from the phone, the same in both simulators.

/** The simulator's stable BSUID of a phone (Meta's are opaque; `ZZ` keeps them apart from real country codes). */
export function simBsuidOf(phone: string): string {
  return `ZZ.${phone.replace(/\D/g, '')}`;
}
