// The one interface both CRMs implement (DESIGN.md §2). CRM field names stay below this line.
import type { Config } from '../../src/config';
import type { Direction, MessageStatus, ProviderErrorInfo } from '../../src/core/message';

export type CrmName = 'highlevel' | 'pipedrive';

/** What a module builds its clients from: the app's parsed configuration, clock and sleep (crm-module.ts). */
export interface CrmEnvironment {
  config: Config;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Access token for one installation; refresh is serialized by the service (one refresh in flight). */
export interface TokenSource {
  get(): Promise<string>;
  /** Called after a 401: refreshes (once, even if called concurrently) and returns the new token. */
  refresh(): Promise<string>;
}

/** A message as the CRM should show it: already rendered to readable text by the relay service. */
export interface CrmMessageRecord {
  messageId: string;
  direction: Direction;
  /** Customer phone, E.164; absent for a customer known only by WhatsApp username (issue 11). */
  customerPhone?: string;
  /** Business-scoped user ID: kept visible on the CRM contact and used to find it again when there is no phone. */
  customerUserId?: string;
  /** WhatsApp username (display only). */
  customerUsername?: string;
  customerName?: string;
  /** Readable rendering of the content (never raw JSON). */
  text: string;
  attachments: string[];
  providerMessageId?: string;
  occurredAt: number;
  status: MessageStatus;
  error?: ProviderErrorInfo;
  /** Where the message came from: the CRM composer, our API/sidebar, a campaign, or the customer. */
  origin: 'crm' | 'app' | 'campaign' | 'customer';
  /** CRM ids known so far (filled after the first delivery). */
  crmMessageId?: string;
  crmContactId?: string;
  crmConversationId?: string;
  /** Pipedrive: the deal the message was sent from, to log it there too. */
  crmDealId?: string;
  /** Our WhatsApp sender number (E.164), for display. */
  senderPhone?: string;
  /**
   * Set when an earlier attempt to record this message lost its answer (5xx, timeout) at this time (epoch ms):
   * the CRM may already hold it, so the adapter looks before writing again.
   */
  crmWriteUncertainSince?: number;
  /** The customer edited the message at this time (epoch ms); `text` is the new content. */
  editedAt?: number;
  /** The customer deleted the message at this time: its content is gone from our store (`text` says so). */
  deletedAt?: number;
  /**
   * A number shared with the WhatsApp Business app (coexistence): the business typed it in the app (`echo`), or it is
   * a past chat imported on onboarding (`history`). Shown as such, dated at `occurredAt` in the CRM's thread.
   */
  coexistence?: 'echo' | 'history';
}

/** A customer's edit or deletion of a message already recorded in the CRM (`record` shows the message as it is now). */
export interface CrmMessageChange {
  /** Our change id: the idempotency key of whatever the CRM writes for it. */
  id: string;
  kind: 'edited' | 'deleted';
  occurredAt: number;
  /** An earlier attempt lost its answer at this time: look before writing again. */
  crmWriteUncertainSince?: number;
}

export interface CrmDeliveryResult {
  crmMessageId?: string;
  crmContactId?: string;
  crmConversationId?: string;
}

/** Who a CRM write that is not a message is about (the customer's keys and the CRM id known so far). */
export type CrmCustomerRef = Pick<
  CrmMessageRecord,
  'customerPhone' | 'customerUserId' | 'customerUsername' | 'customerName' | 'crmContactId'
>;

/** The customer stopped or resumed marketing messages inside WhatsApp (issue 12 item 1). */
export interface CrmMarketingPreference {
  stopped: boolean;
  /** The customer's time of the change (epoch ms). */
  at: number;
}

export interface CrmAdapter {
  readonly crm: CrmName;
  /** Records a message in the CRM (HighLevel inbound message / Pipedrive note). Must be safe to retry. */
  recordMessage(record: CrmMessageRecord): Promise<CrmDeliveryResult>;
  /** Reflects a status change of a message already recorded (HighLevel status PUT / Pipedrive note update). */
  recordStatus(record: CrmMessageRecord): Promise<void>;
  /**
   * A customer created without phone (WhatsApp username) now has one: it is added to the same CRM contact / person,
   * so no duplicate is ever created for them (issue 11).
   */
  linkPhone?(crmContactId: string, phone: string): Promise<void>;
  /**
   * Reflects a customer's edit or deletion of a recorded message: the record is updated where the CRM can edit it
   * (Pipedrive note), otherwise the thread gets a line saying so (HighLevel). Must be safe to retry.
   */
  recordChange(record: CrmMessageRecord, change: CrmMessageChange): Promise<CrmDeliveryResult>;
  /**
   * Makes a customer's WhatsApp marketing stop / resume visible in the CRM (HighLevel: the contact's WhatsApp DND;
   * Pipedrive: a note on the person). Finds or creates the contact like a message would. Must be safe to retry.
   */
  recordMarketingPreference?(
    customer: CrmCustomerRef,
    preference: CrmMarketingPreference,
  ): Promise<CrmDeliveryResult>;
}

/** A CRM's documented burst limit expressed as a bucket: `burst` requests at once, then `ratePerSecond`. */
export interface CrmRate {
  ratePerSecond: number;
  burst: number;
  /** Requests one record job makes on this lane at most: what a bulk job claims at once (services/crm/crm-pacing.ts). */
  perJob?: number;
}

/**
 * Optional hook a caller gives a CRM client to pace every HTTP request (the adapter never knows how). `lanes` name
 * the limits a request counts against (keys of the adapter's exported rate table).
 */
export interface CrmRequestPacer {
  /** Before each request (retries included): resolves when it may go, or throws to abandon it unsent. */
  beforeRequest(request: { lanes: readonly string[]; write: boolean }): Promise<void>;
  /** The CRM answered 429: hold those lanes back for `waitMs`. The client does not sleep itself then. */
  rateLimited(lanes: readonly string[], waitMs: number): Promise<void>;
}
