// Shapes that move through a campaign's slices (recipients in, outcomes out) and the bulk-statement chunking the
// campaign stores share. The stores: campaigns.ts, campaign-sends.ts, campaign-audience.ts.
export interface NewRecipient {
  seq: number;
  phone: string;
  input: string;
  name: string | null;
  variables: Record<string, string>;
  state: 'pending' | 'skipped';
  reason: string | null;
  sendAfter: number | null;
}

export interface ClaimedRecipient {
  id: string;
  phone: string;
  name: string | null;
  variables: Record<string, string>;
  messageId: string;
  attempts: number;
}

export interface RecipientReport {
  seq: number;
  phone: string;
  input: string | null;
  state: string;
  reason: string | null;
  attempts: number;
  messageId: string | null;
  providerMessageId: string | null;
  updatedAt: number;
}

/** One send's result, written in bulk to the message and its recipient. */
export interface SendOutcome {
  recipientId: string;
  messageId: string;
  recipientState: 'pending' | 'sent' | 'failed' | 'unknown' | 'opted_out';
  sendState: 'queued' | 'sent' | 'failed' | 'unknown';
  status: string | null;
  statusTimes: string | null;
  providerMessageId: string | null;
  error: string | null;
  reason: string | null;
  sendAfter: number | null;
  /** 1 when the provider was called (attempts count provider calls, not claims). */
  attempted: 0 | 1;
  /** The provider answered with a frequency cap (Meta 131049): recorded as a cap in the outcome's own batch. */
  capped?: true;
  /** The provider refused it: the customer stopped marketing messages (a stop is stored in the same batch). */
  optedOut?: true;
}

/** Rows of a campaign message, inserted for a slice just before it is sent. */
export interface NewCampaignMessage {
  id: string;
  contactId: string;
  content: string;
  category: string;
  billable: number;
}

export const ROWS_PER_STATEMENT = 500;
export const chunks = <T>(items: readonly T[], size = ROWS_PER_STATEMENT): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};
export interface ContactFacts {
  id: string;
  phone: string;
  last_inbound_at: number | null;
  free_entry_point_until: number | null;
  referral_at: number | null;
  opted_out_at: number | null;
}

export interface LogRow {
  contact_id: string;
  direction: 'inbound' | 'outbound';
  type: string;
  category: string | null;
  occurred_at: number;
}
