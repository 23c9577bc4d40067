// What a CRM asks of us, in vendor-neutral terms (issue 13): "send this" (a Delivery URL call), "run this automation
// step" (a workflow action, its options lookup) and "fire this trigger there" (a workflow trigger's subscription and
// its firing). The CRM's module reads its own calls into these commands and builds its own requests; the services
// (services/crm/crm-deliveries.ts, automation-calls.ts, automation-triggers.ts) decide, store and queue.
import type {
  AutomationActionName,
  AutomationOutcome,
  AutomationSendRequest,
} from '../../src/core/automation';
import type { Installation } from '../../src/store/installations';
import type { CrmEnvironment, CrmRequestPacer, TokenSource } from './types';

/** A message the CRM asks us to send to a customer (an agent's reply, a workflow or bulk action's message). */
export interface CrmSendCommand {
  /** The CRM account it is for (an installation's `accountId`). */
  accountId: string;
  /** The CRM's id of the message: the idempotency key, and the id its statuses are reported against. */
  crmMessageId: string;
  crmContactId: string;
  /** The customer's phone as the CRM holds it (normalized by the job, which reports a bad one back). */
  phone?: string;
  text: string;
  /** Attachment URLs, in order. */
  attachments: string[];
  /** The CRM user who sent it (absent for some automations). */
  userId?: string;
  /** The CRM-side channel the message was written for, when the call names one (see `isOurs`). */
  channelId?: string;
}

/** The CRM's Delivery URL: it POSTs each message its users send through our channel (verified before `read`). */
export interface CrmDeliveryUrl {
  /** Reads the verified body; a malformed one throws (answered 400, nothing stored). */
  read(body: unknown): CrmSendCommand;
  /**
   * Whether a command naming `channelId` is for this app on this installation: a CRM that signs every app's
   * deliveries with one key can have another app's delivery replayed here, genuinely signed.
   */
  isOurs(env: CrmEnvironment, installation: Installation, channelId: string): boolean;
}

/** A call the CRM's workflow engine makes to us, raw (its authentication covers the bytes). */
export interface CrmWorkflowCall {
  rawBody: string;
  headers: Headers;
  /** Query of a GET options call. */
  query?: Record<string, string>;
}

/** One execution of our send actions in a CRM workflow: for which account, and what to send. */
export interface CrmAutomationCommand {
  accountId: string;
  request: AutomationSendRequest;
}

/** A workflow starting (target URL set) or stopping (null) its use of one of our triggers. */
export interface CrmTriggerSubscription {
  accountId: string;
  /** Our trigger's key (services/crm/automation-triggers.ts TRIGGER_KEYS). */
  triggerKey: string;
  /** The CRM's id of this use of the trigger. */
  externalId: string;
  workflowId?: string;
  /** Where to fire; null for an unsubscribe. Only ever a URL of the CRM itself. */
  targetUrl: string | null;
  /** The filters the user set on the trigger, by field. */
  settings: Record<string, string>;
}

/** The CRM's workflow engine calling our actions and triggers. Each reader authenticates first (401, nothing read). */
export interface CrmWorkflows {
  /** An execution of our `action`; 400 for a malformed call. */
  readAction(
    env: CrmEnvironment,
    call: CrmWorkflowCall,
    action: AutomationActionName,
  ): Promise<CrmAutomationCommand>;
  /** The answer the workflow reads (and branches on). */
  answerAction(outcome: AutomationOutcome): object;
  /** A select field's options lookup: for which account, and the sender chosen so far. */
  readOptionsCall(
    env: CrmEnvironment,
    call: CrmWorkflowCall,
  ): Promise<{ accountId: string; sender?: string }>;
  /** A trigger subscription call; 400 for a malformed one or a target URL outside the CRM. */
  readTriggerSubscription(env: CrmEnvironment, call: CrmWorkflowCall): Promise<CrmTriggerSubscription>;
  /** Fires one trigger event at a subscription's target URL, with the installation's token, paced. */
  fireTrigger(
    env: CrmEnvironment,
    deps: { tokenSource: TokenSource; pacer: CrmRequestPacer },
    targetUrl: string,
    payload: unknown,
  ): Promise<void>;
}
