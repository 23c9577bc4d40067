// Message rows and their typed view (the store in messages.ts reads and writes them).
import type {
  Direction,
  MessageContent,
  MessageStatus,
  ProviderErrorInfo,
  StatusTimes,
} from '../core/message';

export type MessageOrigin = 'customer' | 'crm' | 'app' | 'campaign';
export type CrmSync = 'none' | 'pending' | 'done' | 'dead';
export type SendState = 'queued' | 'sending' | 'sent' | 'failed' | 'unknown';

export interface StoredMessage {
  id: string;
  connectionId: string;
  contactId: string;
  direction: Direction;
  origin: MessageOrigin;
  providerMessageId: string | null;
  crmMessageId: string | null;
  crmDealId: string | null;
  type: string;
  content: MessageContent | null;
  status: MessageStatus;
  statusTimes: StatusTimes;
  error: ProviderErrorInfo | null;
  category: string | null;
  billable: boolean | null;
  pricing: unknown;
  warning: string | null;
  campaignId: string | null;
  sendState: SendState | null;
  crmSync: CrmSync;
  /** First CRM write of this message whose answer was lost (epoch ms): the CRM may already hold it. */
  crmWriteUncertainAt: number | null;
  /** Failed provider attempts so far, and while still retrying, when the next one is due and why the last failed. */
  sendAttempts: number;
  sendNextAt: number | null;
  sendRetryReason: string | null;
  sendClaimedAt: number | null;
  crmAttempts: number;
  editedAt: number | null;
  deletedAt: number | null;
  occurredAt: number;
  /** Coexistence (migration 0018): typed in the WhatsApp Business app (`echo`) or imported past chat (`history`). */
  coexistence: 'echo' | 'history' | null;
}

export interface MessageRow {
  id: string;
  connection_id: string;
  contact_id: string;
  direction: Direction;
  origin: MessageOrigin;
  provider_message_id: string | null;
  crm_message_id: string | null;
  crm_deal_id: string | null;
  type: string;
  content: string | null;
  status: MessageStatus;
  status_times: string;
  error: string | null;
  category: string | null;
  billable: number | null;
  pricing: string | null;
  warning: string | null;
  campaign_id: string | null;
  send_state: SendState | null;
  crm_sync: CrmSync;
  crm_write_uncertain_at: number | null;
  send_attempts?: number | null;
  send_next_at?: number | null;
  send_retry_reason?: string | null;
  send_claimed_at?: number | null;
  crm_attempts?: number | null;
  edited_at: number | null;
  deleted_at: number | null;
  occurred_at: number;
  coexistence?: 'echo' | 'history' | null;
}

const json = <T>(value: string | null): T | null => (value === null ? null : (JSON.parse(value) as T));

export const toMessage = (r: MessageRow): StoredMessage => ({
  id: r.id,
  connectionId: r.connection_id,
  contactId: r.contact_id,
  direction: r.direction,
  origin: r.origin,
  providerMessageId: r.provider_message_id,
  crmMessageId: r.crm_message_id,
  crmDealId: r.crm_deal_id,
  type: r.type,
  content: json<MessageContent>(r.content),
  status: r.status,
  statusTimes: JSON.parse(r.status_times) as StatusTimes,
  error: json<ProviderErrorInfo>(r.error),
  category: r.category,
  billable: r.billable === null ? null : r.billable === 1,
  pricing: json(r.pricing),
  warning: r.warning,
  campaignId: r.campaign_id,
  sendState: r.send_state,
  crmSync: r.crm_sync,
  crmWriteUncertainAt: r.crm_write_uncertain_at ?? null,
  sendAttempts: r.send_attempts ?? 0,
  sendNextAt: r.send_next_at ?? null,
  sendRetryReason: r.send_retry_reason ?? null,
  sendClaimedAt: r.send_claimed_at ?? null,
  crmAttempts: r.crm_attempts ?? 0,
  editedAt: r.edited_at,
  deletedAt: r.deleted_at,
  occurredAt: r.occurred_at,
  coexistence: r.coexistence ?? null,
});

export interface NewMessage {
  connectionId: string;
  contactId: string;
  direction: Direction;
  origin: MessageOrigin;
  providerMessageId?: string | null;
  crmMessageId?: string | null;
  crmDealId?: string | null;
  content: MessageContent;
  status: MessageStatus;
  statusTimes?: StatusTimes;
  category?: string | null;
  billable?: boolean | null;
  campaignId?: string | null;
  sendState?: SendState | null;
  crmSync?: CrmSync;
  occurredAt: number;
}
