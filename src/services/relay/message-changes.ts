// A customer's edit or deletion of a stored message (Meta `edit` / `revoke`, legacy `deleted` status; DESIGN.md
// §3.4) reaches the CRM through the normal CRM job path: stored with the change in one batch, queued, paced by the
// CRM pacer like every CRM call, retried with the same budget, and written once (a change row is done once; an
// attempt whose answer was lost is looked up before it is written again).
import type { AppContext } from '../../context';
import { MessageChangeStore } from '../../store/message-changes';
import { ProviderError } from '../../core/errors';
import type { MessageContent } from '../../core/message';
import type { StoredMessage } from '../../store/messages';
import { crmAdapterFor, failureOutcome, load, mayHaveWritten } from '../crm/crm';
import { isSendable } from './connection-state';
import { crmPacer } from '../crm/crm-pacing';
import type { JobOutcome } from '../job-outcome';
import { providerAdapterFor } from './providers';
import { SEND_RETRY } from './send-job';
import { mayRetry, retryDelaySeconds, type RetryPolicy } from '../../platform/retry-policy';

/** While the message itself is still on its way to the CRM, the change waits (not a failed attempt). */
const WAIT_FOR_RECORD_S = 10;
/**
 * A pending change whose job has not run for this long has none (retries back off at most 5 minutes, pacing
 * waits are shorter): the sweep enqueues it again.
 */
export const CHANGE_STRANDED_AFTER_MS = 60 * 60_000;

/** Applies the edit (null content: the deletion) and queues the CRM's update. False when nothing changed. */
export async function applyMessageChange(
  ctx: AppContext,
  message: StoredMessage,
  change: { kind: 'edited'; content: MessageContent } | { kind: 'deleted' },
  at: number,
): Promise<boolean> {
  const store = new MessageChangeStore(ctx.db);
  const id =
    change.kind === 'edited'
      ? await store.recordEdit(message.id, change.content, at, ctx.now())
      : await store.recordDeletion(message.id, at, ctx.now());
  if (!id) return false;
  await ctx.queue.send({ type: 'crm_record_change', changeId: id });
  const mediaId = message.content?.type === 'media' ? message.content.mediaId : undefined;
  if (change.kind === 'deleted' && mediaId) {
    // Best effort after the CRM job is queued: our links are already revoked; Meta would drop it after 30 days.
    await ctx.queue.send({ type: 'provider_delete_media', connectionId: message.connectionId, mediaId });
  }
  return true;
}

export async function runCrmRecordChange(
  ctx: AppContext,
  changeId: string,
  attempt: number,
): Promise<JobOutcome> {
  const store = new MessageChangeStore(ctx.db);
  const change = await store.get(changeId);
  if (!change || change.crmSync !== 'pending') return { kind: 'done' };
  await store.touch(change.id, ctx.now());
  const loaded = await load(ctx, change.messageId);
  if (!loaded) {
    // Message gone, or the account uninstalled: there is no CRM record left to amend.
    await store.finish(change.id, 'done', null, ctx.now());
    return { kind: 'done' };
  }
  const { message } = loaded;
  if (message.crmSync === 'pending') {
    // The record job may be writing the old text right now: amend only after it has finished.
    return { kind: 'retry', delaySeconds: WAIT_FOR_RECORD_S, countsAsAttempt: false };
  }
  if (!message.crmMessageId) {
    // Never recorded (dead letter, no person in Pipedrive): a later record or redrive renders the current content.
    await store.finish(change.id, 'done', null, ctx.now());
    return { kind: 'done' };
  }
  const startedAt = ctx.now();
  // A customer's own action: paced on the people lane, like the message it amends.
  const pacer = crmPacer(ctx, loaded.installation, 'people');
  try {
    const adapter = crmAdapterFor(ctx, loaded.installation, loaded.connection, pacer);
    const result = await adapter.recordChange(loaded.record, {
      id: change.id,
      kind: change.kind,
      occurredAt: change.occurredAt,
      crmWriteUncertainSince: change.crmWriteUncertainAt ?? undefined,
    });
    await store.finish(change.id, 'done', result.crmMessageId ?? null, ctx.now());
    return { kind: 'done' };
  } catch (error) {
    if (mayHaveWritten(error)) await store.markCrmWriteUncertain(change.id, startedAt);
    const outcome = failureOutcome(error, attempt);
    if (outcome.kind === 'dead') await store.finish(change.id, 'dead', null, ctx.now());
    return outcome;
  } finally {
    await pacer.settle();
  }
}

/** Cron: re-enqueues changes whose job was lost (nothing stored is ever stranded); returns how many. */
export async function resumeStrandedChanges(ctx: AppContext, limit = 200): Promise<number> {
  const now = ctx.now();
  const ids = await new MessageChangeStore(ctx.db).claimStranded(now - CHANGE_STRANDED_AFTER_MS, now, limit);
  if (ids.length) await ctx.queue.sendBatch(ids.map((changeId) => ({ type: 'crm_record_change', changeId })));
  return ids.length;
}

/** A change job dead-lettered by the queue itself: the row stops being owed (no sweep revives it); its installation. */
export async function markChangeDead(ctx: AppContext, changeId: string): Promise<string | null> {
  const store = new MessageChangeStore(ctx.db);
  const change = await store.get(changeId);
  if (!change) return null;
  if (change.crmSync === 'pending') await store.finish(change.id, 'dead', null, ctx.now());
  const message = await ctx.messages.get(change.messageId);
  const { connections } = await ctx.secretStores();
  const connection = message ? await connections.get(message.connectionId) : null;
  return connection?.installationId ?? null;
}

/** A media deletion is housekeeping, not a person's message: the send pace, but only a few tries. */
const DELETE_MEDIA_RETRY: RetryPolicy = { ...SEND_RETRY, retries: 5 };

/** Deletes a deleted message's media at the provider; gone already, or no such call, is done. */
export async function runDeleteProviderMedia(
  ctx: AppContext,
  connectionId: string,
  mediaId: string,
  attempt: number,
): Promise<JobOutcome> {
  const { connections } = await ctx.secretStores();
  const connection = await connections.get(connectionId);
  // Without credentials (uninstalled) nothing can be deleted; the media expires at the provider.
  if (!connection || !isSendable(connection)) return { kind: 'done' };
  const adapter = await providerAdapterFor(ctx, connection);
  if (!adapter.deleteMedia) return { kind: 'done' };
  try {
    await adapter.deleteMedia({ mediaId });
    return { kind: 'done' };
  } catch (raw) {
    const error = raw instanceof ProviderError ? raw : adapter.normalizeError(raw);
    if (error.retryable && mayRetry(DELETE_MEDIA_RETRY, attempt)) {
      return {
        kind: 'retry',
        delaySeconds: retryDelaySeconds(DELETE_MEDIA_RETRY, attempt, error.retryAfterMs),
        countsAsAttempt: true,
        reason: error.message,
      };
    }
    // Refused (already deleted or expired at the provider): nothing left to do; anything else is dead-lettered.
    if (error.kind === 'rejected' || error.kind === 'invalid_recipient') return { kind: 'done' };
    return { kind: 'dead', reason: error.message };
  }
}
