// Per-number send pace (DESIGN.md §3.5; vendors/whatsapp-2026.md §1.5): 80 msg/s by default, up to 1,000 after
// Meta's upgrade — but a number shared with the WhatsApp Business app (coexistence) is fixed at 20 msg/s.
export const COEXISTENCE_MAX_PER_SECOND = 20;

/** The pace a number may actually send at: its configured rate, capped for a coexistence number. */
export function effectiveSendRate(configured: number, coexistence: boolean): number {
  return coexistence ? Math.min(configured, COEXISTENCE_MAX_PER_SECOND) : configured;
}
