// CRM adapters per installation, and the queue jobs that record messages and statuses in the CRM.
// A CRM outage delays, never drops: retryable failures go back to the queue with backoff (DESIGN.md §6).
import type { CrmEnvironment, CrmModule } from '../../../adapters/crm/crm-module';
import { crmModule } from '../../../adapters/crm/registry';
import type { CrmAdapter, CrmMessageRecord, CrmRequestPacer } from '../../../adapters/crm/types';
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import { describeContent } from '../../core/readable';
import { statusRank } from '../../core/status';
import type { Connection } from '../../store/connections';
import type { Installation } from '../../store/installations';
import { MessageChangeStore } from '../../store/message-changes';
import type { StoredMessage } from '../../store/messages';
import { crmPacer, pacedOutcome, type CrmPriority } from './crm-pacing';
import { installationTokenSource, type TokenRefresher } from './crm-tokens';
import { crmAttachmentUrl } from '../relay/media';
import type { JobOutcome } from '../job-outcome';
import { OutboxStore } from '../../store/outbox';
import { mayRetry, retryDelaySeconds, type RetryPolicy } from '../../platform/retry-policy';

/**
 * Failed attempts a CRM write gets. With backoff doubling up to 30 minutes, 60 retries span 12–24 hours: a CRM outage
 * of hours only delays (DESIGN.md §6). Each retry is a fresh queue message carrying its attempt count (src/index.ts),
 * so the queue's own max_retries never cuts this short.
 */
export const CRM_RETRY_BUDGET = 60;
/** CRM writes: nobody waits on them second by second, so they back off further than sends (to 30 min). */
export const CRM_RETRY: RetryPolicy = { firstMs: 1_000, maxMs: 1_800_000, retries: CRM_RETRY_BUDGET };
/** An installation that is not active (uninstalled, awaiting reinstall) is looked at again this much later. */
const INACTIVE_RECHECK_MS = 3_600_000;

/** What the CRM modules build their clients from (adapters/crm/registry.ts). */
export function crmEnvironment(ctx: AppContext): CrmEnvironment {
  return { config: ctx.config, now: () => ctx.now(), sleep: ctx.platform.sleep };
}

export function refresherFor(ctx: AppContext, installation: Installation): TokenRefresher {
  const module = crmModule(installation.crm);
  // An account installed through its parent (an agency's location) has no refresh token of its own: its token is
  // minted from the parent's again.
  if (installation.settings.viaCompany && module.linkedAccounts) return linkedAccountRefresher(ctx, module);
  return (inst, refreshToken) => module.refreshTokens(crmEnvironment(ctx), inst, refreshToken);
}

function linkedAccountRefresher(ctx: AppContext, module: CrmModule): TokenRefresher {
  const linked = module.linkedAccounts!;
  return async (installation) => {
    const { installations } = await ctx.secretStores();
    const parent = installation.companyId
      ? await installations.findByAccount(installation.crm, installation.companyId)
      : null;
    if (!parent || parent.status !== 'active' || parent.accountType !== 'company') {
      throw new AppError('crm_error', linked.parentGoneMessage, { retryable: false });
    }
    const grant = await linked.mintToken(crmEnvironment(ctx), {
      parent,
      accountId: installation.accountId,
      parentTokens: crmTokenSource(ctx, parent),
    });
    return { ...grant.tokens, expiresAt: grant.tokenExpiresAt };
  };
}

/** The installation's CRM token source (automation triggers fire with it outside the adapter). */
export function crmTokenSource(ctx: AppContext, installation: Installation) {
  return installationTokenSource(ctx, installation.id, refresherFor(ctx, installation));
}

export function crmAdapterFor(
  ctx: AppContext,
  installation: Installation,
  connection: Connection | null,
  // Jobs are the only callers: every request they make is paced per CRM account (services/crm/crm-pacing.ts).
  pacer: CrmRequestPacer = crmPacer(ctx, installation),
): CrmAdapter {
  const tokenSource = crmTokenSource(ctx, installation);
  return crmModule(installation.crm).createAdapter(crmEnvironment(ctx), {
    installation,
    connection,
    tokenSource,
    pacer,
  });
}

export interface Loaded {
  message: StoredMessage;
  connection: Connection;
  installation: Installation;
  record: CrmMessageRecord;
}

export async function load(ctx: AppContext, messageId: string): Promise<Loaded | null> {
  const message = await ctx.messages.get(messageId);
  if (!message) return null;
  const { connections, installations } = await ctx.secretStores();
  const connection = await connections.get(message.connectionId);
  const installation = connection ? await installations.get(connection.installationId) : null;
  const contact = await ctx.contacts.get(message.contactId);
  if (!connection || !installation || installation.status !== 'active' || !contact) return null;
  const attachment = await crmAttachmentUrl(ctx, connection, message.content, message.occurredAt);
  const attachments = attachment ? [attachment] : [];
  const record: CrmMessageRecord = {
    messageId: message.id,
    direction: message.direction,
    ...(contact.phone ? { customerPhone: contact.phone } : {}),
    ...(contact.userId ? { customerUserId: contact.userId } : {}),
    ...(contact.username ? { customerUsername: contact.username } : {}),
    customerName: contact.name ?? undefined,
    text: message.deletedAt
      ? message.direction === 'outbound'
        ? 'This message was deleted in the WhatsApp Business app'
        : 'The customer deleted this message'
      : message.content
        ? describeContent(message.content)
        : '',
    attachments,
    providerMessageId: message.providerMessageId ?? undefined,
    occurredAt: message.occurredAt,
    status: message.status,
    error: message.error ?? undefined,
    origin: message.origin,
    crmMessageId: message.crmMessageId ?? undefined,
    crmContactId: contact.crmContactId ?? undefined,
    crmConversationId: contact.crmConversationId ?? undefined,
    crmDealId: message.crmDealId ?? undefined,
    senderPhone: connection.senderPhone,
    crmWriteUncertainSince: message.crmWriteUncertainAt ?? undefined,
    editedAt: message.editedAt ?? undefined,
    deletedAt: message.deletedAt ?? undefined,
    ...(message.coexistence ? { coexistence: message.coexistence } : {}),
  };
  return { message, connection, installation, record };
}

export function failureOutcome(error: unknown, attempt: number): JobOutcome {
  const paced = pacedOutcome(error);
  if (paced) return paced;
  const details =
    error instanceof AppError ? (error.details as { retryable?: boolean } | undefined) : undefined;
  const retryable = !(error instanceof AppError) || details?.retryable !== false;
  const reason = error instanceof Error ? error.message : 'CRM call failed';
  if (retryable && mayRetry(CRM_RETRY, attempt)) {
    const retryAfterMs = (details as { retryAfterMs?: number } | undefined)?.retryAfterMs;
    return {
      kind: 'retry',
      delaySeconds: retryDelaySeconds(CRM_RETRY, attempt, retryAfterMs),
      countsAsAttempt: true,
      reason,
    };
  }
  return { kind: 'dead', reason };
}

/**
 * Records a message in the CRM once (inbound, or sent from our UI / a campaign). The write is claimed first (a
 * compare-and-swap with a lease), so a swept duplicate of this job, or a queue redelivery, never writes twice.
 */
export async function runCrmRecordMessage(
  ctx: AppContext,
  messageId: string,
  attempt: number,
): Promise<JobOutcome> {
  const current = await ctx.messages.get(messageId);
  // A crm-originated message already exists in the CRM: only its status is reported. An outbound message is
  // recorded once its send has an outcome (send-job.ts enqueues this job then).
  if (!current || current.crmSync !== 'pending' || current.origin === 'crm') return { kind: 'done' };
  if (current.sendState === 'queued' || current.sendState === 'sending') return { kind: 'done' };
  const outbox = new OutboxStore(ctx.db);
  const claimedAt = ctx.now();
  if (!(await outbox.claimCrmWrite(messageId, claimedAt, ctx.config.CRM_CLAIM_LEASE_MS)))
    return { kind: 'done' };
  // Loaded after the claim: taking over an expired claim may have just marked the write uncertain.
  const loaded = await load(ctx, messageId);
  if (!loaded) {
    // Not deliverable now (installation uninstalled): kept owed, looked at again later, never dropped.
    await outbox.releaseCrmWrite(messageId, claimedAt, claimedAt + INACTIVE_RECHECK_MS, current.crmAttempts);
    return { kind: 'done' };
  }
  const pacer = crmPacer(ctx, loaded.installation, crmPriorityOf(loaded.message));
  let result;
  try {
    result = await crmAdapterFor(ctx, loaded.installation, loaded.connection, pacer).recordMessage(
      loaded.record,
    );
  } catch (error) {
    // The write may have happened although its answer was lost: the next attempt looks before writing again.
    if (mayHaveWritten(error)) await ctx.messages.markCrmWriteUncertain(messageId, claimedAt);
    const tried = Math.max(attempt, loaded.message.crmAttempts);
    const outcome = failureOutcome(error, tried);
    if (outcome.kind === 'retry') {
      const attempts = tried + (outcome.countsAsAttempt ? 1 : 0);
      await outbox.releaseCrmWrite(messageId, claimedAt, ctx.now() + outcome.delaySeconds * 1000, attempts);
    }
    return outcome;
  } finally {
    await pacer.settle();
  }
  // Written. A failure from here on (D1) throws: the claim stays, and whoever takes it over after its lease looks
  // the record up before writing (claimCrmWrite marks the write uncertain).
  // One batch (one D1 round trip, and never half-written).
  const now = ctx.now();
  await ctx.db.batch([
    ctx.messages.setCrmSyncStatement(messageId, 'done', result.crmMessageId ?? null, now),
    // The record carries its status: reporting that status again is not owed (the outbox sweep looks at this rank).
    outbox.markStatusRecordedStatement(messageId, statusRank(loaded.record.status)),
    // A customer's edit or deletion stored before the load above is in this record already (message-changes.ts).
    new MessageChangeStore(ctx.db).coveredByRecordStatement(messageId, claimedAt, now),
    ...(result.crmContactId || result.crmConversationId
      ? [
          ctx.contacts.setCrmIdsStatement(
            loaded.message.contactId,
            result.crmContactId ?? null,
            result.crmConversationId ?? null,
            now,
          ),
        ]
      : []),
  ]);
  if (crmPriorityOf(loaded.message) === 'bulk') await reportStatusAfterBulkLog(ctx, messageId);
  return { kind: 'done' };
}

/**
 * Status webhooks for a campaign message whose log still waits in the bulk lane find nothing to update
 * (runCrmRecordStatus): once the log is written, its status is reported if it is past `sent`.
 */
async function reportStatusAfterBulkLog(ctx: AppContext, messageId: string): Promise<void> {
  const current = await ctx.messages.get(messageId);
  if (current && statusRank(current.status) > statusRank('sent'))
    await ctx.queue.send({ type: 'crm_record_status', messageId, lane: 'bulk' });
}

/** Campaign messages are bulk: their CRM writes wait behind people's (inbound, agents' replies, their statuses). */
export const crmPriorityOf = (
  message: Pick<StoredMessage, 'origin'> & { coexistence?: string | null },
): CrmPriority => (message.origin === 'campaign' || message.coexistence === 'history' ? 'bulk' : 'people');

export function mayHaveWritten(error: unknown): boolean {
  return (
    error instanceof AppError &&
    (error.details as { unknownOutcome?: boolean } | undefined)?.unknownOutcome === true
  );
}

/** Reports the message's current effective status to the CRM (monotonic: the store applied the lattice). */
export async function runCrmRecordStatus(
  ctx: AppContext,
  messageId: string,
  attempt: number,
): Promise<JobOutcome> {
  const loaded = await load(ctx, messageId);
  if (!loaded) {
    // Not deliverable now (installation uninstalled): the outbox sweep looks at the owed report again later.
    await new OutboxStore(ctx.db).deferStatus(messageId, ctx.now() + INACTIVE_RECHECK_MS);
    return { kind: 'done' };
  }
  const { message, record } = loaded;
  if (!message.crmMessageId) {
    // Not in the CRM yet: the record job will write it with its current status. A campaign's log may wait in the
    // bulk lane for long: once written, it reports the status itself (reportStatusAfterBulkLog).
    // Waiting is not a failure: during a CRM outage the record job may take hours (it never ends `pending`).
    return message.crmSync === 'pending' && crmPriorityOf(message) === 'people'
      ? { kind: 'retry', delaySeconds: 30, countsAsAttempt: false }
      : { kind: 'done' };
  }
  if (message.sendState === 'unknown' && record.status === 'pending') return { kind: 'done' };
  // Monotonic towards the CRM: a job holding an older status than one already reported does nothing.
  const rank = statusRank(record.status);
  const previous = await ctx.messages.claimCrmStatus(message.id, rank);
  if (previous === undefined) return { kind: 'done' };
  const pacer = crmPacer(ctx, loaded.installation, crmPriorityOf(message));
  try {
    await crmAdapterFor(ctx, loaded.installation, loaded.connection, pacer).recordStatus(record);
    return { kind: 'done' };
  } catch (error) {
    await ctx.messages.releaseCrmStatus(message.id, rank, previous);
    return failureOutcome(error, attempt);
  } finally {
    await pacer.settle();
  }
}
