// Who a Cloud API send goes to: the one place that decides between `to` and `recipient` (issue 11).
// Meta's "Business-scoped user IDs" page: `to` takes a phone number, `recipient` a BSUID or parent BSUID; with both,
// `to` wins, and Meta recommends phones when known so they keep appearing in webhooks. Other sources disagree (a
// `recipient_type: "business_scoped_user_id"` variant, devlooped/WhatsApp PR 407): we follow Meta's page.
import { isUserIdAddress } from '../../../src/core/customer-id';
import { AppError } from '../../../src/core/errors';
import { isE164, toDigits } from '../../../src/core/phone';

/** The recipient fields of a /messages body for an address (E.164 phone or BSUID). */
export function metaRecipient(address: string): { to: string } | { recipient: string } {
  if (isE164(address)) return { to: toDigits(address) };
  if (isUserIdAddress(address)) return { recipient: address };
  throw new AppError('invalid_request', 'Recipient is neither an E.164 phone nor a business-scoped user ID', {
    to: address,
  });
}
