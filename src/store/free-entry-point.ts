// The 72-hour free entry point window on the contact row (DESIGN.md §3.2, issue 12 item 6): opened by the business's
// reply to a click-to-WhatsApp ad / Page referral inside the customer service window, or when the provider's status
// says a message was free because of it (`pricing.type` free_entry_point).
import { FREE_ENTRY_POINT_MS } from '../core/window';

/**
 * Opens the free entry point window at `at` (the reply's time) for 72 hours and consumes the referral it answered.
 * Guarded: a window already running at `at` is never extended by a later free message inside it.
 */
export function openFreeEntryPointStatement(
  db: D1Database,
  contactId: string,
  at: number,
  now: number,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE contacts SET free_entry_point_until = ?2 + ?3,
         referral_at = CASE WHEN referral_at <= ?2 THEN NULL ELSE referral_at END, updated_at = ?4
       WHERE id = ?1 AND (free_entry_point_until IS NULL OR free_entry_point_until <= ?2)`,
    )
    .bind(contactId, at, FREE_ENTRY_POINT_MS, now);
}
